use std::collections::BTreeMap;

use crate::checks::{Check, Cx, Meta};
use crate::ci;
use crate::facts::{Context, ExprRef};
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Finds a job that can run for a pull request (`pull_request`, `pull_request_review`,
    /// `pull_request_review_comment`) and uses LLM secrets (in a step, the job's `env:` or the
    /// workflow's `env:`), with nothing that handles fork runs: no `if:` that keeps forks out or
    /// skips when the secret is empty, no fork flag (`head.repo.fork`,
    /// `head.repo.full_name`) passed to the job's steps, no shell test that exits when the key is
    /// empty (`[ -z "$OPENAI_API_KEY" ] && exit 0`), no test file that skips when the key is
    /// missing (`pytest.mark.skipif(not os.getenv("OPENAI_API_KEY"))`), no
    /// `continue-on-error: true`. One finding per job, listing its secrets.
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
        let handled: Vec<bool> = (0..wf.jobs.len())
            .map(|j| {
                ci::job_handles_forks(f, wf, j) || {
                    // the job's env names that carry its secrets: skipped tests read them
                    let job = &wf.jobs[j];
                    let names: Vec<&str> = wf.env.iter().chain(&job.env).chain(job.steps.iter().flat_map(|s| &s.env)).map(|&i| &f.facts.assignments[i]).filter(|a| matches!(&a.source, crate::facts::ValueSource::Secret(_))).map(|a| a.name.as_str()).collect();
                    !names.is_empty() && ci::tests_skip_without(cx.index, &names)
                }
            })
            .collect();
        // per job (workflow-level `env:` counts for every job): the secret references a fork run
        // would see empty, in file order, one per name
        let mut per_job: BTreeMap<Option<usize>, Vec<&ExprRef>> = BTreeMap::new();
        for e in &f.facts.exprs {
            if e.context != Context::Secrets || e.name == "GITHUB_TOKEN" || !ci::is_key_name(cx.catalog, &e.name) {
                continue;
            }
            let guarded = |j: usize, step: Option<usize>| {
                let job = &wf.jobs[j];
                let step = step.map(|s| &job.steps[s]);
                handled[j]
                    || step.is_some_and(|s| s.continue_on_error)
                    || [job.cond.as_ref(), step.and_then(|s| s.cond.as_ref())].into_iter().flatten().any(|c| ci::is_fork_guard(&c.value))
            };
            match e.job {
                Some(j) if guarded(j, e.step) => continue,
                // workflow-level: reported once, if some job runs unguarded
                None if (0..wf.jobs.len()).all(|j| guarded(j, None)) => continue,
                _ => {}
            }
            let list = per_job.entry(e.job).or_default();
            if !list.iter().any(|x| x.name == e.name) {
                list.push(e);
            }
        }
        for (job, refs) in per_job {
            let Some((first, rest)) = refs.split_first() else { continue };
            let names: Vec<String> = refs.iter().map(|e| format!("`secrets.{}`", e.name)).collect();
            let (who, runs) = match job {
                Some(j) => (format!("job `{}`", wf.jobs[j].id), format!("job `{}` runs", wf.jobs[j].id)),
                None => {
                    let open: Vec<String> = (0..wf.jobs.len()).filter(|&j| !handled[j] && !wf.jobs[j].cond.as_ref().is_some_and(|c| ci::is_fork_guard(&c.value))).map(|j| format!("`{}`", wf.jobs[j].id)).collect();
                    (format!("the workflow's `env:` (jobs {})", open.join(", ")), "the workflow runs".to_string())
                }
            };
            let verb = if refs.len() == 1 { "is" } else { "are" };
            let mut finding = Finding::new(
                &Self::META,
                Label::new(file, first.span, "empty for forks and Dependabot"),
                format!(
                    "{} {verb} empty when {runs} for a pull request from a fork (or one Dependabot opened): the client in {who} gets an empty key and fails with 401",
                    names.join(", ")
                ),
            )
            .related(Label::new(file, *trigger_span, format!("runs on {event}")));
            for e in rest {
                finding = finding.related(Label::new(file, e.span, "also empty for forks"));
            }
            let mut evidence: Vec<&str> = refs.iter().map(|e| e.name.as_str()).collect();
            evidence.sort_unstable();
            out.push(
                finding
                    .help("guard the job with `if: github.event.pull_request.head.repo.full_name == github.repository`, skip the step when the secret is empty, or mark it `continue-on-error: true`")
                    .evidence(format!("{}|{}", job.map_or("", |j| wf.jobs[j].id.as_str()), evidence.join(","))),
            );
        }
    }
}
