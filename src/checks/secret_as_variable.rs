use crate::catalog::Confidence;
use crate::checks::util::provider_names;
use crate::checks::{Check, Cx, Meta};
use crate::ci;
use crate::facts::Context;
use crate::finding::{Finding, Label};
use crate::values::looks_live;

declare_check! {
    /// ## What it does
    /// Finds keys kept where CI does not treat them as secrets: a key-named configuration
    /// variable (`${{ vars.OPENAI_API_KEY }}`), or a literal key written into a workflow's or
    /// action's `env:`.
    ///
    /// ## Why it breaks
    /// Configuration variables are shown unmasked in logs and to everyone with read access; a
    /// literal in the workflow is committed to the repository. Either way the key leaks, and
    /// once the provider revokes it the job fails with `401`.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   OPENAI_API_KEY: ${{ vars.OPENAI_API_KEY }}
    /// ```
    ///
    /// ## Fix
    /// Store the key as a repository or environment secret and read `${{ secrets.OPENAI_API_KEY }}`;
    /// rotate a key that was committed.
    SecretAsVariable {
        id: "secret-as-variable",
        category: Exposure,
        severity: Error,
        confidence: High,
        summary: "a key stored as a CI variable (vars.X) or as a literal in workflow env",
    }
}

impl Check for SecretAsVariable {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        if f.facts.workflow().is_none() {
            return;
        }
        for e in &f.facts.exprs {
            if e.context != Context::Vars || !ci::is_key_name(cx.catalog, &e.name) {
                continue;
            }
            out.push(
                Finding::new(&Self::META, Label::new(file, e.span, "a configuration variable, shown unmasked"), format!("`vars.{}` holds a key in a configuration variable, which is never masked", e.name))
                    .confidence(Confidence::Medium)
                    .help(format!("move it to a secret and read `secrets.{}`", e.name))
                    .evidence(format!("vars.{}", e.name)),
            );
        }
        for (a, info) in f.facts.assignments.iter().zip(&f.info) {
            let (Some(m), Some(v)) = (&info.key, a.literal()) else { continue };
            if m.confidence < Confidence::Medium || !looks_live(v) {
                continue;
            }
            let ps: Vec<usize> = m.candidates.iter().filter_map(|c| cx.catalog.index_of(c)).collect();
            out.push(
                Finding::new(&Self::META, Label::new(file, a.value_span, "literal key"), format!("{} key `{}` is written into the workflow as `{}`", provider_names(cx.catalog, &ps), a.value, a.name))
                    .help(format!("rotate the key, store it as a secret and set {}: ${{{{ secrets.{} }}}}", a.name, a.name))
                    .evidence(format!("literal|{}", a.name)),
            );
        }
    }
}
