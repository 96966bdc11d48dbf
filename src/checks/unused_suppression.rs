use crate::checks::{Check, Meta};
use crate::finding::{Finding, Label};
use crate::index::ProjectIndex;

declare_check! {
    /// ## What it does
    /// Reports a `keylint: ignore[check-id]` comment that suppresses nothing: no finding of
    /// that check sits on its line or the line below. It runs after every other check.
    /// `--no-ignore-comments` turns suppressions (and this audit) off.
    ///
    /// ## Why it breaks
    /// Nothing breaks today; but a stale suppression silently hides the next real problem on
    /// that line, and reviewers read it as a decision someone made.
    ///
    /// ## Example
    /// ```sh
    /// # keylint: ignore[placeholder-key] filled in by CI   <- the key below was fixed long ago
    /// OPENAI_API_KEY=
    /// ```
    ///
    /// ## Fix
    /// Delete the comment, or name the check that fires.
    UnusedSuppression {
        id: "unused-suppression",
        category: Format,
        severity: Info,
        confidence: High,
        summary: "a keylint: ignore comment that suppresses nothing",
    }
}

impl Check for UnusedSuppression {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }
}

/// Findings for comments that suppressed none of `suppressed`. Ids of disabled checks count as
/// used (the config may be temporary).
pub fn audit(index: &ProjectIndex, suppressed: &[Finding], enabled: &dyn Fn(&Meta) -> bool) -> Vec<Finding> {
    let mut out = Vec::new();
    // (file, check, line) of every suppressed finding, built once: each comment asks the set
    // instead of scanning every suppressed finding
    let hit: std::collections::HashSet<(usize, &str, usize)> = suppressed
        .iter()
        .map(|s| (s.primary.file, s.meta.id, index.files[s.primary.file].source.line(s.primary.span.start as usize)))
        .collect();
    for (fi, f) in index.files.iter().enumerate() {
        for c in crate::suppress::comments(&f.source, f.kind == crate::classify::FileKind::Source) {
            for id in &c.ids {
                let Some(check) = crate::checks::by_id(id) else { continue };
                if !enabled(check.meta()) {
                    continue;
                }
                let used = hit.contains(&(fi, id.as_str(), c.line)) || hit.contains(&(fi, id.as_str(), c.line + 1));
                if !used {
                    out.push(
                        Finding::new(&UnusedSuppression::META, Label::new(fi, c.span, "suppresses nothing"), format!("`keylint: ignore[{id}]` suppresses nothing: no `{id}` finding on this line or the next"))
                            .help("delete the comment, or name the check that fires here")
                            .evidence(format!("{id}|{}", c.reason)),
                    );
                }
            }
        }
    }
    out
}
