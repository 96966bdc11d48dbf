use std::collections::HashSet;

use crate::checks::{Check, Cx, Meta};
use crate::ci;
use crate::facts::Context;
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Finds a job that can run for a pull request (`pull_request`, `pull_request_review`,
    /// `pull_request_review_comment`) and uses an LLM secret, with no `if:` that keeps forks out
    /// or skips when the secret is empty.
    ///
    /// ## Why it breaks
    /// GitHub passes no repository secrets to runs from forks, and none of the Actions secrets to
    /// runs Dependabot starts: `${{ secrets.X }}` becomes an empty string, the client sends
    /// `Bearer ` or no key, and the job fails with `401` for every outside contributor.
    ///
    /// ## Example
    /// ```yaml
    /// on: [push, pull_request]
    /// jobs:
    ///   test:
    ///     steps:
    ///       - run: npm test
    ///         env:
    ///           ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}
    /// ```
    ///
    /// ## Fix
    /// Guard the job or step with
    /// `if: github.event.pull_request.head.repo.full_name == github.repository` (or
    /// `github.event_name == 'push'`), or make the tests skip when the key is empty.
    ForkPrSecret {
        id: "fork-pr-secret",
        category: MissingRef,
        severity: Warning,
        confidence: High,
        summary: "an LLM secret used in a job that runs for pull requests from forks, where it is empty",
    }
}

impl Check for ForkPrSecret {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(wf) = f.facts.workflow() else { return };
        let Some((event, trigger_span)) = wf.triggers.iter().find(|(t, _)| ci::PR_EVENTS.contains(&t.as_str())) else { return };
        let mut reported = HashSet::new();
        for e in &f.facts.exprs {
            let (Context::Secrets, Some(j)) = (e.context, e.job) else { continue };
            if e.name == "GITHUB_TOKEN" || !ci::is_key_name(cx.catalog, &e.name) {
                continue;
            }
            let job = &wf.jobs[j];
            let step_cond = e.step.and_then(|s| job.steps[s].cond.as_ref());
            if [job.cond.as_ref(), step_cond].into_iter().flatten().any(|c| ci::is_fork_guard(&c.value)) {
                continue;
            }
            if !reported.insert((j, e.name.clone())) {
                continue;
            }
            out.push(
                Finding::new(
                    &Self::META,
                    Label::new(file, e.span, "empty for forks and Dependabot"),
                    format!(
                        "`secrets.{}` is empty when job `{}` runs for a pull request from a fork (or one Dependabot opened): the client gets an empty key and fails with 401",
                        e.name, job.id
                    ),
                )
                .related(Label::new(file, *trigger_span, format!("runs on {event}")))
                .help("guard the job with `if: github.event.pull_request.head.repo.full_name == github.repository`, or skip the step when the secret is empty")
                .evidence(format!("{}|{}", job.id, e.name)),
            );
        }
    }
}
