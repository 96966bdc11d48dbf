//! Inline suppressions: `# keylint: ignore[check-id, other-id] reason` (or `//`) on the
//! finding's line or the line above, in every file kind. The reason travels with the finding.

use std::sync::LazyLock;

use regex::Regex;

use crate::source::SourceFile;

static IGNORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:#|//)\s*keylint:\s*ignore\[([A-Za-z0-9_,\s-]+)\]\s*(.*)")
        .expect("internal error: suppression regex")
});

/// A suppression comment's check ids and reason.
pub type Parsed = (Vec<String>, String);

/// A suppression comment on a line: (check ids, reason).
pub fn parse_comment(line: &str) -> Option<Parsed> {
    let c = IGNORE.captures(line)?;
    let ids = c[1]
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let reason = c
        .get(2)
        .map_or("", |m| m.as_str())
        .trim()
        .trim_end_matches(['-', '>', '*', '/'])
        .trim()
        .to_string();
    Some((ids, reason))
}

/// The suppression that covers `id` at byte `offset`, if any: its reason (maybe empty).
pub fn lookup(file: &SourceFile, offset: usize, id: &str) -> Option<String> {
    Lookups::default().get(0, file, offset, id)
}

/// [`lookup`] for many findings: each line's comment is parsed once, however many findings sit
/// on it or below it (a long line with thousands of findings is read once, not once each).
#[derive(Default)]
pub struct Lookups {
    /// (file index, 1-based line) -> the comment on that line
    lines: std::collections::HashMap<(usize, usize), Option<Parsed>>,
}

impl Lookups {
    /// [`lookup`] in file number `key` (any number that tells files apart).
    pub fn get(
        &mut self,
        key: usize,
        file: &SourceFile,
        offset: usize,
        id: &str,
    ) -> Option<String> {
        // the finding's line, then the line above: binary searches in the line table
        let line = file.line(offset);
        for l in (line.saturating_sub(1).max(1)..=line).rev() {
            let comment = self
                .lines
                .entry((key, l))
                .or_insert_with(|| parse_comment(file.slice(file.line_span(file.line_start(l)))));
            if let Some((ids, reason)) = comment {
                if ids.iter().any(|i| i == id) {
                    return Some(reason.clone());
                }
            }
        }
        None
    }
}

/// A suppression comment found in a file.
#[derive(Debug, Clone)]
pub struct Comment {
    /// 1-based line of the comment
    pub line: usize,
    /// span of the `keylint: ignore[...] reason` text
    pub span: crate::source::Span,
    pub ids: Vec<String>,
    pub reason: String,
}

/// Every suppression comment in a file that names at least one known check.
/// In source code (`is_code`), a match inside a string or a doc comment is an example.
pub fn comments(file: &SourceFile, is_code: bool) -> Vec<Comment> {
    let mut out = Vec::new();
    if !file.text.contains("keylint:") {
        return out;
    }
    let mut at = 0;
    for (i, line) in file.text.split('\n').enumerate() {
        if let Some(m) = IGNORE.find(line) {
            // inside a string or a doc comment it is an example, not a suppression
            let before = line[..m.start()].trim_start();
            if is_code
                && (before.contains(['"', '\'', '`'])
                    || before.starts_with("///")
                    || before.starts_with("//!")
                    || before.starts_with("* "))
            {
                at += line.len() + 1;
                continue;
            }
            if let Some((ids, reason)) = parse_comment(line) {
                if ids.iter().any(|id| crate::checks::by_id(id).is_some()) {
                    out.push(Comment {
                        line: i + 1,
                        span: crate::source::Span::new(at + m.start(), at + m.end()),
                        ids,
                        reason,
                    });
                }
            }
        }
        at += line.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments() {
        assert_eq!(
            parse_comment("X=1 # keylint: ignore[committed-key, placeholder-key] test fixture"),
            Some((
                vec!["committed-key".into(), "placeholder-key".into()],
                "test fixture".into()
            ))
        );
        assert_eq!(
            parse_comment("// keylint: ignore[a]"),
            Some((vec!["a".into()], String::new()))
        );
        assert_eq!(parse_comment("# keylint ignore a"), None);
        let f = SourceFile::new("x".into(), "# keylint: ignore[a] why\nK=1\nL=2\n".into());
        assert_eq!(lookup(&f, 26, "a"), Some("why".into()));
        assert_eq!(lookup(&f, 30, "a"), None);
        assert_eq!(lookup(&f, 26, "b"), None);
    }
}
