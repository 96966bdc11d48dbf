use crate::checks::{Check, Cx, Meta};
use crate::finding::{Edit, Finding, Label};
use crate::source::Span;
use crate::index::ScopeView;
use crate::roles::NameRole;

declare_check! {
    /// ## What it does
    /// Finds a base URL set under a name current SDKs no longer read (`OPENAI_API_BASE`) with
    /// no current name (`OPENAI_BASE_URL`) beside it.
    ///
    /// ## Why it breaks
    /// openai-python 1.x and openai-node read `OPENAI_BASE_URL`; `OPENAI_API_BASE` was the 0.x
    /// name and is silently ignored, so requests go to api.openai.com with a key meant for
    /// another host. LangChain and aider still read the old name, hence medium confidence.
    ///
    /// ## Example
    /// ```sh
    /// OPENAI_API_KEY=sk-or-v1-…
    /// OPENAI_API_BASE=https://openrouter.ai/api/v1
    /// ```
    ///
    /// ## Fix
    /// Set `OPENAI_BASE_URL` (keep `OPENAI_API_BASE` too if LangChain or aider also read it).
    IgnoredBaseUrlVar {
        id: "ignored-base-url-var",
        category: Mismatch,
        severity: Warning,
        confidence: Medium,
        summary: "base URL under a name current SDKs no longer read (OPENAI_API_BASE)",
    }
}

/// In a dotenv file, add `CURRENT=<same value>` on the line after the legacy name: readers of
/// the legacy name see no change, current SDKs get the URL.
fn add_current(view: &ScopeView, r: crate::index::ARef, current: &str) -> Vec<Edit> {
    let f = view.index.file(r);
    let a = view.index.assignment(r);
    let (true, Some(v)) = (matches!(f.kind, crate::classify::FileKind::Dotenv(_)), a.literal()) else { return Vec::new() };
    if !v.contains("://") || v.contains(char::is_whitespace) {
        return Vec::new();
    }
    let end = f.source.line_span(a.stmt_span.start as usize).end as usize;
    let nl = if f.source.text[..end].ends_with('\r') || f.source.text[end..].starts_with("\r\n") { "\r\n" } else { "\n" };
    vec![Edit { file: r.file, span: Span::new(end, end), replacement: format!("{nl}{current}={v}") }]
}

impl Check for IgnoredBaseUrlVar {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_scope(&self, cx: &Cx, view: &ScopeView, out: &mut Vec<Finding>) {
        for &r in &view.winners {
            if view.info(r).name.role != NameRole::LegacyBaseUrl {
                continue;
            }
            let a = view.index.assignment(r);
            let Some(legacy) = cx.catalog.legacy(&view.info(r).name.bare) else { continue };
            if view.effective.contains_key(legacy.current.as_str()) {
                continue;
            }
            // the project's own code reads the legacy name (an 0.x SDK pinned, or its own
            // client): it is not ignored here
            let name = a.name.as_str();
            if view.index.files.iter().filter_map(|f| f.facts.code()).any(|c| c.env_reads.iter().any(|e| &*e.name == name)) {
                continue;
            }
            out.push(
                Finding::new(
                    &Self::META,
                    Label::new(r.file, a.name_span, format!("{} is ignored", a.name)),
                    format!("`{}` is not read by current SDKs: {}", a.name, legacy.reason),
                )
                .help(format!("rename it to {} (keep {} too only for tools that still read it, such as LangChain or aider)", legacy.current, a.name))
                .fix(add_current(view, r, &legacy.current))
                .evidence(a.name.clone()),
            );
        }
    }
}
