use crate::checks::env_name_drift::ProvidedEnv;
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::roles::{self, NameRole};

declare_check! {
    /// ## What it does
    /// Finds code that reads an LLM key or base-URL variable that nothing in the repository
    /// provides or documents: no dotenv file (examples included), workflow `env:`, compose
    /// service, Dockerfile `ENV`/`ARG` or settings default sets it. Only judged in repositories
    /// that document their environment (at least one dotenv file); a near-miss of a provided
    /// name is `env-name-drift` instead. A commented `# NAME=` in an env file documents NAME;
    /// writes (`process.env.X = …`, `monkeypatch.setenv`) are not reads. One finding per name,
    /// with its other reads as related locations.
    ///
    /// ## Why it breaks
    /// Whoever deploys the code has no way to know the variable is needed: the SDK reads an
    /// empty key and the first request fails with `401`.
    ///
    /// ## Example
    /// ```python
    /// client = Mistral(api_key=os.environ["MISTRAL_API_KEY"])   # in no .env.example
    /// ```
    ///
    /// ## Fix
    /// Document it in `.env.example` (and set it where the code runs).
    UndefinedEnvRead {
        id: "undefined-env-read",
        category: MissingRef,
        severity: Info,
        confidence: Medium,
        summary: "code reads a key or base-URL variable nothing in the repository provides",
    }
}

/// Is this an env read the env checks judge: an LLM key or base-URL name?
pub fn judged(cx: &Cx, name: &str) -> bool {
    let info = roles::name_info(cx.catalog, name);
    match info.role {
        NameRole::Key => roles::is_llm_key_name(cx.catalog, &info),
        NameRole::BaseUrl | NameRole::LegacyBaseUrl => info.slot.is_some() || ["llm", "ai", "openai", "anthropic", "model", "embedding"].iter().any(|w| info.group.split('_').any(|g| g == *w)),
        _ => false,
    }
}

/// [`judged`] once per distinct name: a monorepo reads the same few names in every file.
pub fn judged_once<'a>(cx: &Cx, memo: &mut foldhash::HashMap<&'a str, bool>, name: &'a str) -> bool {
    *memo.entry(name).or_insert_with(|| judged(cx, name))
}

impl Check for UndefinedEnvRead {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_project(&self, cx: &Cx, out: &mut Vec<Finding>) {
        let Some(mut provided) = ProvidedEnv::for_project(cx) else { return };
        let mut memo = foldhash::HashMap::default();
        // one finding per name, every read of it a related location (in path order)
        let mut sites: Vec<(&str, Vec<(usize, crate::source::Span)>)> = Vec::new();
        let mut at: foldhash::HashMap<&str, usize> = foldhash::HashMap::default();
        for (fi, f) in cx.index.files.iter().enumerate() {
            let Some(code) = f.facts.code() else { continue };
            let mut seen = foldhash::HashSet::default();
            // lines (by start offset) holding a read of a provided name, built on first use
            let mut provided_lines: Option<foldhash::HashSet<u32>> = None;
            for r in &code.env_reads {
                if r.has_default || provided.contains(&r.name) || !judged_once(cx, &mut memo, &r.name) || !seen.insert(&r.name) {
                    continue;
                }
                if provided.near_miss(cx, &r.name).is_some() {
                    continue;
                }
                // `os.getenv("GOOGLE_API_KEY") or os.getenv("GEMINI_API_KEY")`: a fallback
                // name beside a provided one is an alias, not a missing variable
                // (`r.name` is not provided, so any provided read on its line has another name)
                let lines = provided_lines.get_or_insert_with(|| code.env_reads.iter().filter(|o| provided.contains(&o.name)).map(|o| o.line_start).collect());
                if lines.contains(&r.line_start) {
                    continue;
                }
                let i = *at.entry(&r.name).or_insert_with(|| {
                    sites.push((&r.name, Vec::new()));
                    sites.len() - 1
                });
                sites[i].1.push((fi, r.span));
            }
        }
        /// related locations shown per finding; the message counts the rest
        const SHOWN: usize = 10;
        for (name, reads) in sites {
            let Some((&(fi, span), rest)) = reads.split_first() else { continue };
            let more = match rest.len() {
                0 => String::new(),
                n => format!(" (read in {} more place{})", n, if n == 1 { "" } else { "s" }),
            };
            let mut finding = Finding::new(&Self::META, Label::new(fi, span, "not provided anywhere"), format!("the code reads `{name}`{more}, but no env file, workflow, compose or Dockerfile in the repository sets or documents it"))
                .help(format!("document {name} in .env.example and set it where the code runs"))
                .evidence(name.to_string());
            for &(rf, rs) in rest.iter().take(SHOWN) {
                finding = finding.related(Label::new(rf, rs, "read here too"));
            }
            out.push(finding);
        }
    }
}
