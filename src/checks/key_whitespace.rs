use crate::checks::{Check, Cx, Meta};
use crate::finding::{Edit, Finding, Label};
use crate::source::Span;
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

/// Deletions of the leading/trailing whitespace and the invisible characters inside a value:
/// only bytes that cannot be part of a key, and only when the value maps 1:1 onto the file.
fn strip_edits(file: usize, a: &crate::facts::Assignment) -> Vec<Edit> {
    let v = a.value.expose();
    if a.value_span.len() != v.len() {
        return Vec::new();
    }
    let invisible = |c: char| {
        matches!(c, '\r' | '\n' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00A0}' | '\u{202F}' | '\u{2007}' | '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}')
            || (c.is_whitespace() && c != ' ' && c != '\t')
    };
    let core = v.trim_matches([' ', '\t']);
    let lead = v.len() - v.trim_start_matches([' ', '\t']).len();
    let mut edits = Vec::new();
    let base = a.value_span.start as usize;
    if lead > 0 {
        edits.push(Edit { file, span: Span::new(base, base + lead), replacement: String::new() });
    }
    for (i, c) in core.char_indices() {
        if invisible(c) {
            let s = base + lead + i;
            edits.push(Edit { file, span: Span::new(s, s + c.len_utf8()), replacement: String::new() });
        }
    }
    let trail_start = lead + core.len();
    if trail_start < v.len() {
        edits.push(Edit { file, span: Span::new(base + trail_start, base + v.len()), replacement: String::new() });
    }
    edits
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
                .fix(strip_edits(file, a))
                .evidence(format!("{}|{what}", a.name)),
            );
        }
    }
}
