use crate::checks::{Check, Meta};
use crate::finding::{Finding, Label};
use crate::index::ProjectIndex;

declare_check! {
    /// ## What it does
    /// Reports a `keylint: ignore[check-id]` comment with no reason after it. The suppression
    /// still applies; the reason is what JSON and SARIF carry as its justification.
    ///
    /// ## Why it breaks
    /// A suppression without a reason cannot be reviewed: nobody can tell a deliberate test
    /// fixture from a silenced real key.
    ///
    /// ## Example
    /// ```sh
    /// OPENAI_API_KEY=sk-test-1234  # keylint: ignore[placeholder-key]
    /// ```
    ///
    /// ## Fix
    /// Say why after the bracket: `# keylint: ignore[placeholder-key] CI injects the real key`.
    SuppressionWithoutReason {
        id: "suppression-without-reason",
        category: Format,
        severity: Warning,
        confidence: High,
        summary: "a keylint: ignore comment without a reason",
    }
}

impl Check for SuppressionWithoutReason {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }
}

pub fn audit(index: &ProjectIndex) -> Vec<Finding> {
    let mut out = Vec::new();
    for (fi, f) in index.files.iter().enumerate() {
        for c in crate::suppress::comments(&f.source, f.kind == crate::classify::FileKind::Source) {
            if c.reason.is_empty() {
                out.push(
                    Finding::new(&SuppressionWithoutReason::META, Label::new(fi, c.span, "no reason given"), format!("`keylint: ignore[{}]` gives no reason", c.ids.join(", ")))
                        .help("write why after the bracket; the reason is kept in JSON and SARIF")
                        .evidence(c.ids.join(",")),
                );
            }
        }
    }
    out
}
