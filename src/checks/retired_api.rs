use crate::checks::{Check, Cx, Meta};
use crate::facts::code::Lifecycle;
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Finds calls of an API, or a tool of one, that its provider has shut down, with the date
    /// and the replacement, from `rules/lifecycle.toml` (`[[retired_api]]`): OpenAI's
    /// Assistants API (`client.beta.assistants`, `client.beta.threads`, shut down 2026-08-26)
    /// and the Assistants v1 `retrieval` tool (`{"type": "retrieval"}` in a file that uses
    /// assistants, shut down 2024-12-18). An API is found as its attribute chain in JS/TS and
    /// Python code; a tool as the value of a `type` key.
    ///
    /// ## Why it breaks
    /// After the shutdown date the endpoint answers with an error for every key: the SDK method
    /// still exists in the installed version, so nothing fails before the request.
    ///
    /// ## Example
    /// ```python
    /// assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "retrieval"}])
    /// ```
    ///
    /// ## Fix
    /// Move to the replacement the message names (the Responses API; the `file_search` tool).
    RetiredApi {
        id: "retired-api",
        category: Mismatch,
        severity: Error,
        confidence: High,
        summary: "a call of an API (or tool) its provider has shut down",
    }
}

impl Check for RetiredApi {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(code) = f.facts.code() else { return };
        // one finding per API per file: every call of a shut-down API fails the same way, the
        // first one shows where; the others are listed as related lines
        let mut seen: Vec<usize> = Vec::new();
        for u in &code.lifecycle {
            let Lifecycle::Api(i) = u.what else { continue };
            let api = &cx.catalog.retired_apis[i];
            if let Some(pos) = seen.iter().position(|&s| s == i) {
                let at = out.len() - seen.len() + pos;
                let fd = &mut out[at];
                if fd.related.len() < 5 {
                    fd.related.push(Label::new(file, u.span, "used here too"));
                }
                continue;
            }
            seen.push(i);
            let provider = cx.catalog.index_of(&api.provider).map_or(api.provider.as_str(), |p| cx.catalog.provider(p).name.as_str());
            out.push(
                Finding::new(
                    &Self::META,
                    Label::new(file, u.span, format!("shut down on {}", api.retired)),
                    format!("`{}` is the {} {}, shut down on {}: its requests fail", u.text, provider, api.what, api.retired),
                )
                .help(format!("move to {} (see {})", api.replacement, api.source))
                .evidence(format!("{}@{}", u.text, api.retired)),
            );
        }
    }
}
