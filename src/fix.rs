//! `--fix` and `--diff`: apply (or preview) the edits checks attached to their findings.
//!
//! Only fixes that cannot change meaning exist: deleting whitespace or invisible characters
//! inside a key, dropping quotes that `docker run --env-file` would keep, replacing a
//! catalog-listed stale endpoint with its exact successor, renaming a legacy base-URL variable
//! when its current name is not set beside it. An edit touches only its span; every other byte of
//! the file stays as it was. Overlapping edits are dropped, never merged. The diff is drawn from
//! masked text, so it never shows a key.

use std::io::Write;

use crate::Report;
use crate::error::Fatal;
use crate::finding::Edit;
use crate::redact::Masker;
use crate::source::Span;

/// Every fix of every unsuppressed finding, per file, sorted, without overlaps.
pub fn collect(report: &Report) -> Vec<Edit> {
    let mut edits: Vec<Edit> = report
        .findings
        .iter()
        .flat_map(|f| f.fix.iter().cloned())
        .collect();
    edits.sort_by_key(|e| (e.file, e.span.start, e.span.end));
    edits.dedup();
    let mut out: Vec<Edit> = Vec::new();
    for e in edits {
        if let Some(last) = out.last() {
            if last.file == e.file && e.span.start < last.span.end {
                continue;
            }
        }
        out.push(e);
    }
    out
}

/// `text` with the edits (sorted, same file) applied.
fn apply_text(text: &str, edits: &[&Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        let (s, t) = (e.span.start as usize, e.span.end as usize);
        if s < at || t > text.len() {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(&e.replacement);
        at = t;
    }
    out.push_str(&text[at..]);
    out
}

/// Where byte `pos` of the old text lands in the new one.
fn map_pos(pos: usize, edits: &[&Edit], is_end: bool) -> usize {
    let mut shift: isize = 0;
    for e in edits {
        let (s, t) = (e.span.start as usize, e.span.end as usize);
        let delta = e.replacement.len() as isize - (t - s) as isize;
        if t <= pos && (t < pos || is_end) {
            shift += delta;
        }
    }
    (pos as isize + shift).max(0) as usize
}

fn by_file(edits: &[Edit]) -> Vec<(usize, Vec<&Edit>)> {
    let mut out: Vec<(usize, Vec<&Edit>)> = Vec::new();
    for e in edits {
        match out.last_mut() {
            Some((f, list)) if *f == e.file => list.push(e),
            _ => out.push((e.file, vec![e])),
        }
    }
    out
}

/// Writes every fixed file; returns how many edits were applied.
pub fn apply(report: &Report, edits: &[Edit]) -> Result<usize, Fatal> {
    let mut n = 0;
    for (fi, list) in by_file(edits) {
        let file = &report.index.files[fi];
        let Some(path) = report.index.abs_path(fi) else {
            continue;
        };
        let new = apply_text(&file.source.text, &list);
        std::fs::write(&path, new)?;
        n += list.len();
    }
    Ok(n)
}

/// A unified-style diff of the fixes, drawn from masked text.
pub fn print_diff(report: &Report, edits: &[Edit], out: &mut dyn Write) -> Result<(), Fatal> {
    for (fi, list) in by_file(edits) {
        let file = &report.index.files[fi];
        let old = &file.source.text;
        let new = apply_text(old, &list);
        let secrets = crate::render::secret_spans(file);
        let new_secrets: Vec<Span> = secrets
            .iter()
            .map(|s| {
                Span::new(
                    map_pos(s.start as usize, &list, false),
                    map_pos(s.end as usize, &list, true),
                )
            })
            .collect();
        let old_masked = Masker::new(old, secrets).apply(old);
        let new_masked = Masker::new(&new, new_secrets).apply(&new);
        let path = crate::redact::display(&file.source.rel_path);
        writeln!(out, "--- a/{path}\n+++ b/{path}")?;
        // hunks with three lines of context, not one hunk from the first edit to the last:
        // every line printed is one more line that could hold something to hide
        let diff = similar::TextDiff::from_lines(&old_masked, &new_masked);
        for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
            writeln!(out, "{}", hunk.header())?;
            for change in hunk.iter_changes() {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                let line = change.value();
                let line = line.strip_suffix('\n').unwrap_or(line);
                writeln!(out, "{sign}{}", visible(line))?;
            }
        }
    }
    if edits.is_empty() {
        writeln!(out, "keylint: nothing to fix")?;
    }
    Ok(())
}

/// Invisible characters spelled out, so a diff that deletes one shows what goes.
fn visible(line: &str) -> String {
    line.chars()
        .map(|c| match c {
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00A0}'
            | '\u{202F}' | '\u{2007}' => format!("<U+{:04X}>", c as u32),
            '\r' => "<CR>".into(),
            '\t' => "<TAB>".into(),
            c => crate::redact::escape_controls(c.encode_utf8(&mut [0; 4]), false).into_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(s: usize, t: usize, r: &str) -> Edit {
        Edit {
            file: 0,
            span: Span::new(s, t),
            replacement: r.into(),
        }
    }

    #[test]
    fn edits_touch_only_their_span() {
        let text = "A=\"key \"\nB=x\n";
        let ed = [e(6, 7, "")];
        let list: Vec<&Edit> = ed.iter().collect();
        assert_eq!(apply_text(text, &list), "A=\"key\"\nB=x\n");
        assert_eq!(map_pos(8, &list, true), 7);
        assert_eq!(map_pos(3, &list, false), 3);
    }
}
