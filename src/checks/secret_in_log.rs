use std::sync::LazyLock;

use regex::Regex;

use crate::checks::{Check, Cx, Meta};
use crate::ci;
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Finds `run:` steps that print a key: `echo`/`printf`/`tee`/`cat` of a secret or of an env
    /// variable holding a key, `set -x` in a step that uses key variables, and `env`/`printenv`
    /// dumps in steps that have key variables in their environment. Keys are LLM keys and the
    /// other issuers' tokens of `rules/secrets.toml` (`NPM_TOKEN`, `VERCEL_TOKEN`, a literal
    /// `ghp_…`); the runner's own `GITHUB_TOKEN` is not one.
    ///
    /// ## Why it breaks
    /// The runner masks a secret only where it appears verbatim; a transformed value (base64,
    /// a substring, JSON, URL-encoded) or a key that is not a registered secret is printed in
    /// clear, and logs are readable by everyone with read access, forks included.
    ///
    /// ## Example
    /// ```yaml
    /// - run: printf 'key=%s\n' "${{ secrets.OPENROUTER_API_KEY }}"
    /// ```
    ///
    /// ## Fix
    /// Print whether the key is set, never the key: `test -n "$OPENROUTER_API_KEY" && echo set`.
    SecretInLog {
        id: "secret-in-log",
        category: Exposure,
        severity: Warning,
        confidence: Medium,
        summary: "a key printed to the CI log (echo, printf, set -x, env dumps)",
    }
}

static PRINT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|[;&|(]\s*|\s)(echo|printf|tee|cat\s+<<<)\b").expect("internal error: print regex"));
static XTRACE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|[;&]\s*)(set\s+-[a-wyz]*x|set\s+-o\s+xtrace|bash\s+-x)\b").expect("internal error: xtrace regex"));
static DUMP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|[;&|]\s*)(printenv|env|export\s+-p|declare\s+-x)\s*(?:$|[;>&]|\|\s*(?:sort|tee|cat|less|more|column|nl)\b)").expect("internal error: dump regex"));

impl Check for SecretInLog {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(wf) = f.facts.workflow() else { return };
        let text = &f.source.text;
        for (j, job) in wf.jobs.iter().enumerate() {
            for (s, step) in job.steps.iter().enumerate() {
                let Some(run) = &step.run else { continue };
                let vars = ci::secret_vars(cx.catalog, f, wf, j, Some(s));
                let uses_keys = ci::lines(run).iter().any(|l| !ci::secret_refs_in(cx.catalog, l.text, &vars).is_empty());
                for line in ci::lines(run) {
                    let code = line.text.split(" #").next().unwrap_or(line.text);
                    if code.trim_start().starts_with('#') {
                        continue;
                    }
                    let mut hit: Option<(usize, usize, String)> = None;
                    if let Some(m) = PRINT.captures(code).and_then(|c| c.get(1)) {
                        if let Some((name, s0, e0)) = ci::secret_refs_in(cx.catalog, &code[m.start()..], &vars).into_iter().next() {
                            // another issuer's token by its usual name: say whose
                            let whose = cx.catalog.secret_env(&name).filter(|_| !crate::roles::is_llm_key(cx.catalog, &name)).map(|s| format!(" ({})", crate::finding::a(&s.what()))).unwrap_or_default();
                            hit = Some((m.start() + s0, m.start() + e0, format!("`{}` prints `{name}`{whose}", m.as_str())));
                        }
                    }
                    if hit.is_none() && uses_keys {
                        if let Some(m) = XTRACE.captures(code).and_then(|c| c.get(1)) {
                            hit = Some((m.start(), m.end(), format!("`{}` echoes every command, keys included", m.as_str())));
                        }
                    }
                    if hit.is_none() && !vars.is_empty() {
                        if let Some(m) = DUMP.captures(code).and_then(|c| c.get(1)) {
                            hit = Some((m.start(), m.end(), format!("`{}` dumps the environment, which holds a key", m.as_str().trim())));
                        }
                    }
                    let Some((s0, e0, what)) = hit else { continue };
                    let span = ci::line_span(text, run, &line, s0, e0);
                    out.push(
                        Finding::new(&Self::META, Label::new(file, span, "printed to the log"), format!("{what} to the job log"))
                            .help("log whether the key is set, never its value: test -n \"$KEY\" && echo set")
                            .evidence(format!("{}|{what}", job.id)),
                    );
                }
            }
        }
    }
}
