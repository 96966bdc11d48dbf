use crate::catalog::{Confidence, Token};
use crate::git::Tracking;
use crate::checks::util::{provider_names, reportable_literal};
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::values::looks_live;

declare_check! {
    /// ## What it does
    /// Finds a live-looking key (a catalog key format, not a placeholder) in a committed dotenv or
    /// compose file: LLM keys and the other secrets of `rules/secrets.toml` (GitHub, GitLab,
    /// Slack, Stripe, Supabase, AWS, npm, PyPI, …). Inside a git repository git's index decides:
    /// a tracked file is committed even when `.gitignore` lists it (it was committed before the
    /// pattern, or force-added with `git add -f`; git applies `.gitignore` to untracked files
    /// only), and an untracked file is committed by the next `git add .` unless `.gitignore`
    /// lists it. Outside a git repository a file counts as committed unless a `.gitignore` in
    /// the tree excludes it. Example files are checked too: a real key in `.env.example` is
    /// published with the repository.
    ///
    /// Every other committed text file gets the same literal pass: shell and batch scripts
    /// (`export OPENAI_API_KEY="sk-…"`, `set GEMINI_API_KEY=…`, `$env:X = "…"`), Makefiles,
    /// Markdown and READMEs, `.properties`, `.ini`, `.cfg`, YAML and JSON that are no known
    /// config, and Jupyter notebooks (cell sources and text outputs, with the cell and its line
    /// in the message). A key-shaped string counts when it has a catalog format's prefix, length
    /// and alphabet; a shape several providers share (`sk-` + 32 hex: DeepSeek, DashScope) counts
    /// only when the file names the provider (the variable it is assigned to, a base URL, an
    /// env name). Placeholders (`sk-...`, `sk-your-key-here`, repeated characters), values that
    /// say test/fake/example and lines that document a shape (`e.g.`, `for example`) stay quiet;
    /// lock files, source maps, minified bundles and binary files are not read.
    ///
    /// ## Why it breaks
    /// Committed keys are found by scrapers within minutes of a push; providers revoke them
    /// (the app then gets `401`) or someone else spends your quota.
    ///
    /// ## Example
    /// ```sh
    /// # .env, with no .gitignore entry
    /// OPENAI_API_KEY=sk-proj-…
    /// ```
    ///
    /// ## Fix
    /// Revoke and rotate the key, remove it from git history, and add the file to `.gitignore`;
    /// a tracked file also needs `git rm --cached FILE`.
    CommittedKey {
        id: "committed-key",
        category: Exposure,
        severity: Error,
        confidence: High,
        summary: "a live-looking key in a committed file: dotenv, compose, script, docs, notebook, any text",
    }
}

impl Check for CommittedKey {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        if f.committed && !f.facts.literals.is_empty() {
            literals(cx, file, out);
        }
        // literal keys in other committed files are other checks' business (secret-as-variable)
        if !f.committed || !matches!(f.kind, crate::classify::FileKind::Dotenv(_) | crate::classify::FileKind::Compose) {
            return;
        }
        for (a, info) in f.facts.assignments.iter().zip(&f.info) {
            let (Some(token), Some(value)) = (info.token(), a.literal()) else { continue };
            let confidence = token.confidence();
            if confidence < Confidence::Medium || !looks_live(value) {
                continue;
            }
            // a Google key under FIREBASE_/MAPS_ names is a public web config value
            let by_design = cx.catalog.public_by_design.name_words.iter().any(|w| info.name.bare.contains(w.as_str()));
            if by_design && confidence < Confidence::High {
                continue;
            }
            let (label, what) = match &token {
                Token::Key(m) => {
                    let ps: Vec<usize> = m.candidates.iter().filter_map(|c| cx.catalog.index_of(c)).collect();
                    let whose = provider_names(cx.catalog, &ps);
                    (format!("{whose} {}", cx.catalog.format(m.format).kind), format!("{whose} key"))
                }
                Token::Secret(m) => (cx.catalog.secret(*m).what(), cx.catalog.secret(*m).what()),
            };
            let place = if f.is_example() {
                "an example file that is published with the repository"
            } else if f.tracking == Tracking::Tracked && f.gitignored {
                "a file git tracks (tracked although .gitignore lists it: the pattern only keeps untracked files out)"
            } else if f.tracking == Tracking::Tracked {
                "a file git tracks"
            } else {
                "a file no .gitignore excludes"
            };
            let name = f.source.rel_path.rsplit('/').next().unwrap_or(&f.source.rel_path);
            out.push(
                Finding::new(&Self::META, Label::new(file, a.value_span, label), format!("{what} `{}` is committed in {place}", a.value))
                .confidence(confidence)
                .help(if f.tracking == Tracking::Tracked && f.gitignored {
                    format!("revoke and rotate this key, untrack the file with `git rm --cached {}`, and remove it from git history", f.source.rel_path)
                } else {
                    format!("revoke and rotate this key, remove it from git history, and add `{name}` to .gitignore")
                })
                .evidence(format!("{}|{}", a.name, cx.catalog.token_id(&token))),
            );
        }
    }
}

/// What a committed file is, for the message.
fn what(f: &crate::index::IndexedFile) -> String {
    use crate::classify::FileKind;
    let name = f.source.rel_path.rsplit('/').next().unwrap_or("");
    let lower = name.to_ascii_lowercase();
    let ends = |exts: &[&str]| exts.iter().any(|e| lower.ends_with(e));
    match f.kind {
        FileKind::Script => "a script".into(),
        FileKind::Readme => "a README".into(),
        FileKind::Notebook => "a notebook".into(),
        _ if ends(&[".bat", ".cmd", ".ps1", ".psm1", ".sh", ".zsh", ".fish", ".envrc"]) => "a script".into(),
        _ if ends(&[".md", ".mdx", ".rst", ".txt", ".adoc", ".html"]) => "documentation".into(),
        _ => format!("`{name}`"),
    }
}

/// Key literals the literal pass found in a committed file that no other front end reads for
/// keys (scripts, docs, notebooks, any text).
fn literals(cx: &Cx, file: usize, out: &mut Vec<Finding>) {
    let f = &cx.index.files[file];
    for lit in &f.facts.literals {
        let Some(token) = reportable_literal(cx.catalog, &f.source.text, lit) else { continue };
        let (label, whats, env) = match &token {
            Token::Key(m) => {
                let ps: Vec<usize> = m.candidates.iter().filter_map(|c| cx.catalog.index_of(c)).collect();
                let whose = provider_names(cx.catalog, &ps);
                let env = ps.first().and_then(|&p| cx.catalog.provider(p).key_env.first().cloned());
                (format!("{whose} {}", cx.catalog.format(m.format).kind), format!("{whose} key"), env)
            }
            Token::Secret(m) => {
                let sec = cx.catalog.secret(*m);
                (sec.what(), sec.what(), sec.env.first().cloned())
            }
        };
        let env = env.unwrap_or_else(|| "an environment variable or a secret store".into());
        let place = lit.place.as_ref().map_or_else(String::new, |p| format!(" ({p})"));
        let under = lit.name.as_ref().map_or_else(String::new, |n| format!(" under `{n}`"));
        out.push(
            Finding::new(
                &CommittedKey::META,
                Label::new(file, lit.span, label),
                format!("{whats} `{}`{under} is committed in {}{place}{}", lit.value, what(f), f.committed_note()),
            )
            .confidence(token.confidence())
            .help(format!("revoke and rotate this key, remove it from git history, and read it from {env}"))
            .evidence(format!("{}|{}", lit.name.as_deref().unwrap_or("literal"), cx.catalog.token_id(&token))),
        );
    }
}

