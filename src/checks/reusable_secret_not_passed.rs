use std::collections::{BTreeMap, BTreeSet};

use crate::checks::{Check, Cx, Meta};
use crate::ci;
use crate::facts::Context;
use crate::finding::{Finding, Label};
use crate::facts::workflow::PassedSecrets;

declare_check! {
    /// ## What it does
    /// Follows local reusable workflows (`uses: ./.github/workflows/x.yml`): reports a caller
    /// that does not pass a secret the called workflow declares `required: true` (and has no
    /// `secrets: inherit`), once per called workflow and missing set with every caller that
    /// shares it; and a reusable workflow that reads `secrets.X` without declaring it under
    /// `on.workflow_call.secrets`, once per workflow. An optional (`required: false`) secret is
    /// the called workflow's to handle.
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
        // (called workflow, names it requires that the caller leaves out) -> the callers: one
        // finding per root cause, with every caller that shares it
        type Callers = Vec<(usize, String, crate::source::Span)>;
        let mut missing_by_target: BTreeMap<(usize, Vec<&str>), Callers> = BTreeMap::new();
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
                // only what the called workflow says it requires: an optional (`required:
                // false`) secret is the callee's to handle, an undeclared one is reported once
                // at the callee (below)
                let missing: Vec<&str> = called.call_secrets.iter().filter(|s| s.required && !passed.contains(s.name.as_str())).map(|s| s.name.as_str()).collect();
                if missing.is_empty() {
                    continue;
                }
                missing_by_target.entry((ti, missing)).or_default().push((fi, job.id.clone(), uses.span));
            }
        }
        for ((ti, missing), callers) in missing_by_target {
            let tf = &cx.index.files[ti];
            let Some(called) = tf.facts.workflow() else { continue };
            let Some(((fi, job, span), rest)) = callers.split_first() else { continue };
            let target = &tf.source.rel_path;
            let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
            let others = if rest.is_empty() { String::new() } else { format!(" (and {} more caller{})", rest.len(), if rest.len() == 1 { "" } else { "s" }) };
            let mut finding = Finding::new(&Self::META, Label::new(*fi, *span, "secrets not passed"), format!("job `{job}` calls {target} without passing {list}, which it requires{others}: the called workflow sees empty values"))
                .related(Label::new(ti, called.triggers.iter().find(|t| t.0 == "workflow_call").map_or(crate::source::Span::default(), |t| t.1), "reusable workflow"));
            for (ofi, ojob, ospan) in rest {
                finding = finding.related(Label::new(*ofi, *ospan, format!("job `{ojob}` does not pass them either")));
            }
            out.push(
                finding
                    .help(format!("add `secrets:` with {list} to the calling job (or `secrets: inherit`)"))
                    .evidence(format!("{target}|{}", missing.join(","))),
            );
        }
        for (fi, f, wf) in ci::workflows(cx.index) {
            if !wf.is_reusable || inherited.contains(&fi) {
                continue;
            }
            let declared: BTreeSet<&str> = wf.call_secrets.iter().map(|s| s.name.as_str()).collect();
            let mut seen = BTreeSet::new();
            let undeclared: Vec<&crate::facts::ExprRef> = f.facts.exprs.iter().filter(|e| e.context == Context::Secrets && e.name != "GITHUB_TOKEN" && !declared.contains(e.name.as_str()) && seen.insert(e.name.as_str())).collect();
            let Some((first, rest)) = undeclared.split_first() else { continue };
            let names: Vec<String> = undeclared.iter().map(|e| format!("`secrets.{}`", e.name)).collect();
            let mut finding = Finding::new(&Self::META, Label::new(fi, first.span, "not declared in workflow_call.secrets"), format!("this reusable workflow reads {} but does not declare {} under `on.workflow_call.secrets`: callers cannot pass {}", names.join(", "), if rest.is_empty() { "it" } else { "them" }, if rest.is_empty() { "it" } else { "them" }));
            for e in rest {
                finding = finding.related(Label::new(fi, e.span, "not declared either"));
            }
            out.push(
                finding
                    .confidence(crate::catalog::Confidence::Medium)
                    .severity(crate::finding::Severity::Warning)
                    .help(format!("declare {}: on.workflow_call.secrets.{}: {{ required: true }}", if rest.is_empty() { "it" } else { "each" }, first.name))
                    .evidence(format!("undeclared|{}", undeclared.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().join(","))),
            );
        }
    }
}
