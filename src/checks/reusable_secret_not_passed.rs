use std::collections::BTreeSet;

use crate::checks::{Check, Cx, Meta};
use crate::ci;
use crate::facts::Context;
use crate::finding::{Finding, Label};
use crate::parse::workflow::PassedSecrets;

declare_check! {
    /// ## What it does
    /// Follows local reusable workflows (`uses: ./.github/workflows/x.yml`): reports a caller
    /// that does not pass a secret the called workflow requires or reads (and has no
    /// `secrets: inherit`), and a reusable workflow that reads `secrets.X` without declaring it
    /// under `on.workflow_call.secrets`.
    ///
    /// ## Why it breaks
    /// A called workflow sees only the secrets its caller passes. An unpassed secret is an empty
    /// string, so the client sends no key and gets `401`, in CI only.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   evals:
    ///     uses: ./.github/workflows/evals.yml   # requires OPENAI_API_KEY
    ///     # no `secrets:` here
    /// ```
    ///
    /// ## Fix
    /// Pass it (`secrets: { OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }} }`) and declare it in
    /// the called workflow's `on.workflow_call.secrets`.
    ReusableSecretNotPassed {
        id: "reusable-secret-not-passed",
        category: MissingRef,
        severity: Error,
        confidence: High,
        summary: "a reusable workflow's secret that its caller does not pass, or that it does not declare",
        varies: (Warning, "when the reusable workflow does not declare the secret it reads"),
    }
}

impl Check for ReusableSecretNotPassed {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_project(&self, cx: &Cx, out: &mut Vec<Finding>) {
        let mut inherited = BTreeSet::new();
        for (fi, f, wf) in ci::workflows(cx.index) {
            let root = f.source.rel_path.find(".github/workflows/").map_or("", |i| &f.source.rel_path[..i]);
            for job in &wf.jobs {
                let Some(uses) = &job.uses else { continue };
                let Some(local) = uses.value.strip_prefix("./") else { continue };
                let target = format!("{root}{local}");
                let Some(ti) = cx.index.find(&target) else { continue };
                let tf = &cx.index.files[ti];
                let Some(called) = tf.facts.workflow() else { continue };
                if job.secrets == PassedSecrets::Inherit {
                    inherited.insert(ti);
                    continue;
                }
                let passed: BTreeSet<&str> = match &job.secrets {
                    PassedSecrets::Names(n) => n.iter().map(String::as_str).collect(),
                    _ => BTreeSet::new(),
                };
                let mut needed: BTreeSet<&str> = called.call_secrets.iter().filter(|s| s.required).map(|s| s.name.as_str()).collect();
                needed.extend(tf.facts.exprs.iter().filter(|e| e.context == Context::Secrets && e.name != "GITHUB_TOKEN").map(|e| e.name.as_str()));
                let missing: Vec<&str> = needed.difference(&passed).copied().collect();
                if missing.is_empty() {
                    continue;
                }
                let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
                out.push(
                    Finding::new(&Self::META, Label::new(fi, uses.span, "secrets not passed"), format!("job `{}` calls {target} without passing {list}: the called workflow sees empty values", job.id))
                        .related(Label::new(ti, called.triggers.iter().find(|t| t.0 == "workflow_call").map_or(crate::source::Span::default(), |t| t.1), "reusable workflow"))
                        .help(format!("add `secrets:` with {list} to the job (or `secrets: inherit`)"))
                        .evidence(format!("{}>{target}|{}", job.id, missing.join(","))),
                );
            }
        }
        for (fi, f, wf) in ci::workflows(cx.index) {
            if !wf.is_reusable || inherited.contains(&fi) {
                continue;
            }
            let declared: BTreeSet<&str> = wf.call_secrets.iter().map(|s| s.name.as_str()).collect();
            let mut seen = BTreeSet::new();
            for e in &f.facts.exprs {
                if e.context != Context::Secrets || e.name == "GITHUB_TOKEN" || declared.contains(e.name.as_str()) || !seen.insert(&e.name) {
                    continue;
                }
                out.push(
                    Finding::new(&Self::META, Label::new(fi, e.span, "not declared in workflow_call.secrets"), format!("this reusable workflow reads `secrets.{}` but does not declare it under `on.workflow_call.secrets`: callers cannot pass it", e.name))
                        .confidence(crate::catalog::Confidence::Medium)
                        .severity(crate::finding::Severity::Warning)
                        .help(format!("declare it: on.workflow_call.secrets.{}: {{ required: true }}", e.name))
                        .evidence(format!("undeclared|{}", e.name)),
                );
            }
        }
    }
}
