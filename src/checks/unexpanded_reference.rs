use crate::checks::{Check, Cx, Meta};
use crate::facts::ValueSource;
use crate::finding::{Finding, Label};
use crate::source::Span;

declare_check! {
    /// ## What it does
    /// Finds an env reference written where nothing expands it, so its literal text is sent as
    /// the key or header: `${VAR}` in `.claude/settings.json` `env` (no expansion there),
    /// bare `$VAR` in `.mcp.json` (only `${VAR}` is expanded), `{env:X}` in a Cursor or VS Code
    /// config that wants `${env:X}`, `${{ secrets.X }}` outside Continue, and `${VAR}` in a file
    /// read by `docker run --env-file` (Docker does not interpolate env files). Each tool's
    /// syntax is data in `rules/tools.toml`.
    ///
    /// ## Why it breaks
    /// The tool sends the characters `${ANTHROPIC_API_KEY}` as the key; the provider answers
    /// `401` and the config looks right to everyone who reads it.
    ///
    /// ## Example
    /// ```json
    /// { "env": { "ANTHROPIC_AUTH_TOKEN": "${ZHIPU_API_KEY}" } }   // .claude/settings.json
    /// ```
    ///
    /// ## Fix
    /// Write the reference in the tool's syntax, or, where the tool has none, set the variable in
    /// the shell that starts the tool and delete the entry.
    UnexpandedReference {
        id: "unexpanded-reference",
        category: Format,
        severity: Error,
        confidence: High,
        summary: "an env reference in a place that does not expand it: its literal text is sent",
    }
}

fn dollar_refs(v: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let b = v.as_bytes();
    let mut i = 0;
    while let Some(o) = v[i..].find("${") {
        let s = i + o;
        let Some(len) = v[s..].find('}') else { break };
        let name = &v[s + 2..s + len];
        let name = name.split([':', '-']).next().unwrap_or("");
        if !name.is_empty() && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') && !b[s + 2].is_ascii_digit() {
            out.push((s, s + len + 1, name.to_string()));
        }
        i = s + len + 1;
    }
    out
}

impl Check for UnexpandedReference {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(s) = f.facts.settings() else { return };
        for u in &s.unexpanded {
            let help = match u.supported.as_slice() {
                [] => format!("{} does not expand references here: set the variable in the environment that starts it and remove this entry", s.tool_name),
                list => format!("write it as {} ({} expands only that)", list.join(" or "), s.tool_name),
            };
            out.push(
                Finding::new(&Self::META, Label::new(file, u.span, "sent literally"), format!("`{}` in `{}` is not expanded by {}: the text `{}` itself is sent", u.written, u.field, s.tool_name, u.written))
                    .help(help)
                    .evidence(format!("{}|{}|{}", s.tool, u.field, u.syntax)),
            );
        }
    }

    fn check_project(&self, cx: &Cx, out: &mut Vec<Finding>) {
        let mut seen = std::collections::HashSet::new();
        for (fi, ref_span, ti) in crate::checks::env_file_quotes::docker_run_env_files(cx) {
            if !seen.insert(ti) {
                continue;
            }
            let t = &cx.index.files[ti];
            for a in &t.facts.assignments {
                if a.quote == crate::facts::Quote::Single || matches!(a.source, ValueSource::Literal) && !a.value.expose().contains("${") {
                    continue;
                }
                for (s, e, name) in dollar_refs(a.value.expose()) {
                    let exact = a.value_span.len() == a.value.expose().len();
                    let span = if exact { Span::new(a.value_span.start as usize + s, a.value_span.start as usize + e) } else { a.value_span };
                    out.push(
                        Finding::new(&Self::META, Label::new(ti, span, "docker run keeps this text"), format!("`{}`: `docker run --env-file` does not expand `${{{name}}}`; the container gets the text itself", a.name))
                            .related(Label::new(fi, ref_span, "read by docker run --env-file here"))
                            .help(format!("write the value itself, or pass `-e {name}` to docker run"))
                            .evidence(format!("{}|{}|{name}", t.source.rel_path, a.name)),
                    );
                }
            }
        }
    }
}
