//! Shared knowledge about CI workflows for the CI checks: which names hold keys, which `if:`
//! conditions keep fork pull requests out, and how to walk a `run:` script with source spans.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::catalog::Catalog;
use crate::facts::ValueSource;
use crate::facts::workflow::{Scalar, Workflow};
use crate::index::{IndexedFile, ProjectIndex};
use crate::roles;
use crate::source::Span;

/// Does this secret / variable name hold an LLM credential?
pub fn is_key_name(catalog: &Catalog, name: &str) -> bool {
    roles::is_llm_key(catalog, name)
}

static FORK_GUARD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)
        head\.repo\.full_name\s*==\s*github\.repository
      | github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name
      | head\.repo\.fork\s*==\s*false
      | !\s*github\.event\.pull_request\.head\.repo\.fork
      | github\.event_name\s*==\s*['"](?:push|schedule|workflow_dispatch|release|pull_request_target)['"]
      | github\.event_name\s*!=\s*['"]pull_request['"]
      | secrets\.[A-Za-z0-9_]+\s*!=\s*['"]{2}
      | env\.[A-Za-z0-9_]+\s*!=\s*['"]{2}
      | head\.repo\.fork
      | \bis[_-]?fork\b
      | outputs\.[A-Za-z0-9_-]*fork
      | head\.repo\.full_name
      | github\.event\.pull_request\.head\.repo\.owner
      | secrets\.[A-Za-z0-9_]+\s*(?:&&|\)|$)
      | github\.ref\s*==\s*['"]refs/heads/
      | startsWith\(\s*github\.ref\s*,\s*['"]refs/(?:heads|tags)/
      "#,
    )
    .expect("internal error: fork guard regex")
});

/// Does this `if:` keep pull requests from forks out (or skip when the secret is empty)?
pub fn is_fork_guard(cond: &str) -> bool {
    FORK_GUARD.is_match(cond)
}

static SHELL_EMPTY_TEST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"-[zn]\s+"?\$\{?\{?\s*(?:(?:env|secrets)\.)?([A-Za-z_][A-Za-z0-9_]*)"#)
        .expect("internal error: shell empty-test regex")
});

/// Does a job handle runs from forks itself: a fork flag computed from the event
/// (`head.repo.fork`, `head.repo.full_name`) passed to a step as env or input, a shell test
/// that skips when a key variable is empty, or `continue-on-error: true` on the job?
pub fn job_handles_forks(file: &IndexedFile, wf: &Workflow, job: usize) -> bool {
    let j = &wf.jobs[job];
    if j.continue_on_error {
        return true;
    }
    let fork_flag = |v: &str| v.contains("head.repo.fork") || v.contains("head.repo.full_name");
    let env_values = j
        .env
        .iter()
        .chain(j.steps.iter().flat_map(|s| s.env.iter()))
        .map(|&i| file.facts.assignments[i].value.expose());
    if env_values.into_iter().any(fork_flag)
        || j.steps
            .iter()
            .flat_map(|s| s.with.iter())
            .any(|(_, v)| fork_flag(&v.value))
    {
        return true;
    }
    j.steps.iter().filter_map(|s| s.run.as_ref()).any(|run| {
        SHELL_EMPTY_TEST.captures_iter(&run.value).any(|c| {
            c.get(1).is_some_and(|n| {
                let n = n.as_str();
                n.contains("KEY") || n.contains("TOKEN") || n.contains("SECRET")
            })
        })
    })
}

/// Do the repository's tests skip when one of `names` (env names the job sets from its
/// secrets) is empty? Test code reads the name (often in a helper) and test files skip
/// conditionally (`skipif`, `pytest.skip(`, `it.skipIf`): a test that skips on a missing key
/// passes on forks.
pub fn tests_skip_without(index: &ProjectIndex, names: &[&str]) -> bool {
    let test_code = || {
        index.files.iter().filter_map(|f| {
            let p = f.source.rel_path.as_str();
            (p.contains("test") || p.contains("spec"))
                .then(|| f.facts.code())
                .flatten()
        })
    };
    test_code().any(|c| c.skips_tests)
        && test_code().any(|c| c.env_reads.iter().any(|r| names.contains(&r.name.as_ref())))
}

/// Events whose runs from forks (and from Dependabot) get no repository secrets.
pub const PR_EVENTS: &[&str] = &[
    "pull_request",
    "pull_request_review",
    "pull_request_review_comment",
];

/// Names of env variables in scope for a step that carry a key (a secret, or a key literal).
pub fn key_vars(
    catalog: &Catalog,
    file: &IndexedFile,
    wf: &Workflow,
    job: usize,
    step: Option<usize>,
) -> HashSet<String> {
    let j = &wf.jobs[job];
    let mut idx: Vec<usize> = wf.env.clone();
    idx.extend(&j.env);
    if let Some(s) = step {
        idx.extend(&j.steps[s].env);
    }
    idx.into_iter()
        .filter(|&i| {
            let a = &file.facts.assignments[i];
            let info = &file.info[i];
            match &a.source {
                ValueSource::Secret(s) => {
                    is_key_name(catalog, s) || roles::is_llm_key_name(catalog, &info.name)
                }
                ValueSource::Literal => info.key.is_some(),
                _ => roles::is_llm_key_name(catalog, &info.name),
            }
        })
        .map(|i| file.facts.assignments[i].name.clone())
        .collect()
}

/// [`key_vars`] plus the variables that hold another issuer's token (`rules/secrets.toml`): a
/// literal of a secret format, or a secret or name the catalog knows (`NPM_TOKEN`). The
/// runner's own `GITHUB_TOKEN` is left out: it is masked everywhere and expires with the job.
pub fn secret_vars(
    catalog: &Catalog,
    file: &IndexedFile,
    wf: &Workflow,
    job: usize,
    step: Option<usize>,
) -> HashSet<String> {
    let mut vars = key_vars(catalog, file, wf, job, step);
    let j = &wf.jobs[job];
    let mut idx: Vec<usize> = wf.env.clone();
    idx.extend(&j.env);
    if let Some(s) = step {
        idx.extend(&j.steps[s].env);
    }
    for i in idx {
        let a = &file.facts.assignments[i];
        let other = match &a.source {
            ValueSource::Literal => file.info[i].secret.is_some(),
            ValueSource::Secret(s) => is_other_secret_name(catalog, s),
            _ => false,
        };
        if other {
            vars.insert(a.name.clone());
        }
    }
    vars
}

fn is_other_secret_name(catalog: &Catalog, name: &str) -> bool {
    name != "GITHUB_TOKEN" && catalog.secret_env(name).is_some()
}

/// One line of a `run:` script: its text and the value offset where it starts.
pub struct ScriptLine<'a> {
    pub text: &'a str,
    pub offset: usize,
}

pub fn lines(run: &Scalar) -> Vec<ScriptLine<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    for l in run.value.split_inclusive('\n') {
        out.push(ScriptLine {
            text: l.trim_end_matches(['\n', '\r']),
            offset: at,
        });
        at += l.len();
    }
    out
}

static SHELL_VAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?").expect("internal error: shell var regex")
});

/// Key references on a script line: `${{ secrets.X }}` with a key name, or `$VAR`/`${VAR}` of a
/// key variable. Returns (name, value range within the line).
pub fn key_refs_in(
    catalog: &Catalog,
    line: &str,
    key_vars: &HashSet<String>,
) -> Vec<(String, usize, usize)> {
    refs_in(catalog, line, key_vars, false)
}

/// [`key_refs_in`] that also counts `${{ secrets.X }}` of another issuer's token (`NPM_TOKEN`);
/// pass it [`secret_vars`].
pub fn secret_refs_in(
    catalog: &Catalog,
    line: &str,
    vars: &HashSet<String>,
) -> Vec<(String, usize, usize)> {
    refs_in(catalog, line, vars, true)
}

fn refs_in(
    catalog: &Catalog,
    line: &str,
    key_vars: &HashSet<String>,
    other_secrets: bool,
) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for (ctx, name, s, e) in crate::facts::workflow::context_refs(line) {
        let keyish = match ctx {
            crate::facts::Context::Secrets | crate::facts::Context::Vars => {
                (is_key_name(catalog, &name) && name != "GITHUB_TOKEN")
                    || (other_secrets && is_other_secret_name(catalog, &name))
            }
            crate::facts::Context::Env => key_vars.contains(&name),
            crate::facts::Context::Inputs => false,
        };
        if keyish {
            out.push((name, s, e));
        }
    }
    for c in SHELL_VAR.captures_iter(line) {
        let (Some(m), Some(n)) = (c.get(0), c.get(1)) else {
            continue;
        };
        if key_vars.contains(n.as_str()) {
            out.push((n.as_str().to_string(), m.start(), m.end()));
        }
    }
    out
}

/// Source span of a range on a script line.
pub fn line_span(text: &str, run: &Scalar, line: &ScriptLine, start: usize, end: usize) -> Span {
    run.source_span(text, line.offset + start, line.offset + end)
}

/// The workflow files of the project: (file index, workflow).
pub fn workflows(index: &ProjectIndex) -> impl Iterator<Item = (usize, &IndexedFile, &Workflow)> {
    index
        .files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.facts.workflow().map(|w| (i, f, w)))
}

/// Levenshtein distance: enough to tell `OPENAI_API_KEY` from `OPENAI_APIKEY`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards() {
        assert!(is_fork_guard(
            "github.event.pull_request.head.repo.full_name == github.repository"
        ));
        assert!(is_fork_guard("${{ github.event_name == 'push' }}"));
        assert!(is_fork_guard("!github.event.pull_request.head.repo.fork"));
        assert!(!is_fork_guard("github.event_name == 'pull_request'"));
        assert!(!is_fork_guard("success()"));
        assert_eq!(edit_distance("OPENAI_API_KEY", "OPENAI_APIKEY"), 1);
    }
}
