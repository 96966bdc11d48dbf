use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::roles;
use crate::values::invisible_problem;

declare_check! {
    /// ## What it does
    /// Finds keys whose value carries characters a header cannot: a leading or trailing space
    /// or tab inside the quotes, a carriage return, a line break, a zero-width or non-breaking
    /// space, a typographic quote.
    ///
    /// ## Why it breaks
    /// Loaders keep what is inside the quotes. The SDK sends `Bearer sk-… ` and the provider
    /// answers `401`, or the HTTP client refuses the header (`Illegal header value`). Pasting
    /// from chat apps and web pages brings zero-width and non-breaking spaces along.
    ///
    /// ## Example
    /// ```sh
    /// OPENAI_API_KEY='sk-proj-… '
    /// ```
    ///
    /// ## Fix
    /// Remove the stray characters; retype the value if it was pasted from a rich-text source.
    KeyWhitespace {
        id: "key-whitespace",
        category: Format,
        severity: Error,
        confidence: High,
        summary: "a key value contains spaces, line breaks or invisible characters",
    }
}

impl Check for KeyWhitespace {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        for (a, info) in f.facts.assignments.iter().zip(&f.info) {
            let keyish = roles::is_llm_key_name(cx.catalog, &info.name)
                || info.key.is_some()
                || cx.catalog.format_by_prefix(a.value.expose().trim()).is_some();
            if !keyish {
                continue;
            }
            let Some(what) = a.literal().and_then(invisible_problem) else { continue };
            out.push(
                Finding::new(
                    &Self::META,
                    Label::new(file, a.value_span, format!("{what} inside the value")),
                    format!("`{}` contains {what}: it is sent as part of the key", a.name),
                )
                .help("remove it; retype the key if it was pasted from a web page or chat")
                .evidence(format!("{}|{what}", a.name)),
            );
        }
    }
}
