use crate::checks::{Check, Cx, Meta};
use crate::facts::Context;
use crate::facts::workflow::{Scalar, Workflow};
use crate::finding::{Finding, Label};
use crate::source::Span;

declare_check! {
    /// ## What it does
    /// Finds a `pull_request_target` or `workflow_run` job that checks out the pull request's
    /// code (`actions/checkout` with `ref:` set to the head SHA or branch, `refs/pull/…`, the
    /// head repository, or `gh pr checkout` / `git fetch … pull/…` in a script) while secrets are
    /// in reach of what runs after it: the workflow's or the job's `env:`, or a later step's
    /// `env:`, `with:` or script (`vercel pull --token=${{ secrets.VERCEL_TOKEN }}`). A job whose
    /// `if:` admits only pull requests from the repository itself, or only after a maintainer
    /// acted (a label, an author association), is left alone. One finding per job, naming the
    /// secrets.
    ///
    /// ## Why it breaks
    /// Unlike `pull_request`, these events run in the base repository's context with its
    /// secrets, for pull requests from anyone. Checking out the pull request's head and then
    /// installing, building or testing it runs the author's code (a `postinstall` script, a
    /// changed build config, a test) with those secrets in its environment: any outside
    /// contributor can read the LLM keys and deploy tokens (a "pwn request").
    ///
    /// ## Example
    /// ```yaml
    /// on: pull_request_target
    /// env:
    ///   VERCEL_TOKEN: ${{ secrets.VERCEL_TOKEN }}
    /// jobs:
    ///   preview:
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///         with:
    ///           ref: ${{ github.event.pull_request.head.sha }}
    ///       - run: npx vercel build --token=$VERCEL_TOKEN
    /// ```
    ///
    /// ## Fix
    /// Build and test pull requests on `pull_request` (no secrets for forks); keep
    /// `pull_request_target` for steps that never run the pull request's code (labelling,
    /// commenting). If a preview must be built with secrets, gate the job on a maintainer's
    /// approval (an environment with required reviewers, or a label a maintainer sets) and pass
    /// the secret only to the deploy step, after the build.
    UntrustedCheckoutSecrets {
        id: "untrusted-checkout-secrets",
        category: Exposure,
        severity: Error,
        confidence: High,
        summary: "a pull_request_target / workflow_run job runs the pull request's code with secrets in reach",
    }
}

/// Events that run with the base repository's secrets for other people's pull requests.
const PRIVILEGED: &[&str] = &["pull_request_target", "workflow_run"];

/// Expressions that name the pull request's code, not the base branch's.
const UNTRUSTED_REFS: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.merge_commit_sha",
    "github.head_ref",
    "refs/pull/",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit",
    "github.event.pull_request.head.repo.full_name",
    "github.event.workflow_run.head_repository",
];

/// Script commands that fetch the pull request's code.
const UNTRUSTED_FETCHES: &[&str] = &["gh pr checkout", "pull/${{", "git fetch origin pull/", "hub pr checkout"];

/// `if:` conditions that keep other people's pull requests out, or wait for a maintainer.
const GATES: &[&str] = &[
    "head.repo.full_name == github.repository",
    "github.repository == github.event.pull_request.head.repo.full_name",
    "head.repo.fork == false",
    "!github.event.pull_request.head.repo.fork",
    "head.repo.fork != true",
    "head_repository.full_name == github.repository",
    "labels.*.name",
    ".label.name",
    "author_association",
    "github.actor ==",
    "github.triggering_actor ==",
    "github.event.sender.login ==",
];

fn gated(cond: &Option<Scalar>) -> bool {
    cond.as_ref().is_some_and(|c| {
        let v: String = c.value.split_whitespace().collect::<Vec<_>>().join(" ");
        // `if: false` (or `false && …`) switches the job off
        v == "false" || v.starts_with("false &&") || GATES.iter().any(|g| v.contains(g))
    })
}

/// The step of `job` that checks out the pull request's code, and the span to point at.
fn untrusted_checkout(wf: &Workflow, job: usize) -> Option<(usize, Span, String)> {
    for (i, step) in wf.jobs[job].steps.iter().enumerate() {
        let is_checkout = step
            .uses
            .as_ref()
            .is_some_and(|u| u.value.trim().starts_with("actions/checkout@"));
        if is_checkout {
            for (name, v) in &step.with {
                if matches!(name.as_str(), "ref" | "repository")
                    && UNTRUSTED_REFS.iter().any(|r| v.value.contains(r))
                {
                    return Some((i, v.span, format!("`{name}: {}`", v.value.trim())));
                }
            }
        }
        if let Some(run) = &step.run
            && let Some(cmd) = UNTRUSTED_FETCHES.iter().find(|c| run.value.contains(*c))
        {
            return Some((i, run.span, format!("`{cmd}`")));
        }
    }
    None
}

impl Check for UntrustedCheckoutSecrets {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(wf) = f.facts.workflow() else { return };
        let Some((event, trigger_span)) = wf.triggers.iter().find(|(t, _)| PRIVILEGED.contains(&t.as_str())) else { return };
        for (j, job) in wf.jobs.iter().enumerate() {
            if gated(&job.cond) {
                continue;
            }
            let Some((at, span, how)) = untrusted_checkout(wf, j) else { continue };
            // secrets the pull request's code can reach: workflow and job env, and every later
            // step (a step gated on the same-repo condition is not reached by others' code)
            let mut refs = Vec::new();
            for e in &f.facts.exprs {
                if e.context != Context::Secrets || e.name == "GITHUB_TOKEN" || refs.iter().any(|r: &&crate::facts::ExprRef| r.name == e.name) {
                    continue;
                }
                let reach = match (e.job, e.step) {
                    (None, _) => true,
                    (Some(ej), None) => ej == j,
                    (Some(ej), Some(s)) => ej == j && s > at && !gated(&job.steps[s].cond),
                };
                if reach {
                    refs.push(e);
                }
            }
            if refs.is_empty() {
                continue;
            }
            let names: Vec<String> = refs.iter().map(|e| format!("`secrets.{}`", e.name)).collect();
            let mut finding = Finding::new(
                &Self::META,
                Label::new(file, span, "checks out the pull request's code"),
                format!(
                    "job `{}` runs on `{event}` with the base repository's secrets and checks out the pull request's code ({how}): code from any pull request can read {}",
                    job.id,
                    names.join(", ")
                ),
            )
            .related(Label::new(file, *trigger_span, format!("`{event}` runs with secrets for pull requests from forks")));
            for e in refs.iter().take(5) {
                finding = finding.related(Label::new(file, e.span, "readable by the pull request's code"));
            }
            let mut evidence: Vec<&str> = refs.iter().map(|e| e.name.as_str()).collect();
            evidence.sort_unstable();
            out.push(
                finding
                    .help("build and test pull requests on `pull_request` (forks get no secrets); keep `pull_request_target` for steps that never run the pull request's code, or gate the job on a maintainer's approval and pass secrets only to the step that needs them, after the build")
                    .evidence(format!("{}|{}", job.id, evidence.join(","))),
            );
        }
    }
}
