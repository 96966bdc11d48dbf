use crate::catalog::{Confidence, Token};
use crate::checks::util::provider_names;
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::values::looks_live;

declare_check! {
    /// ## What it does
    /// Finds a live-looking key (a catalog key format, not a placeholder) in a dotenv or compose
    /// file that no `.gitignore` excludes: LLM keys and the other secrets of
    /// `rules/secrets.toml` (GitHub, GitLab, Slack, Stripe, Supabase, AWS, npm, PyPI, …). Outside a git repository a file counts as committed unless a
    /// `.gitignore` in the tree excludes it. Example files are checked too: a real key in
    /// `.env.example` is published with the repository.
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
    /// Revoke and rotate the key, remove it from git history, and add the file to `.gitignore`.
    CommittedKey {
        id: "committed-key",
        category: Exposure,
        severity: Error,
        confidence: High,
        summary: "a live-looking key in a dotenv file that is not gitignored",
    }
}

impl Check for CommittedKey {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
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
            let place = if f.is_example() { "an example file that is published with the repository" } else { "a file no .gitignore excludes" };
            out.push(
                Finding::new(&Self::META, Label::new(file, a.value_span, label), format!("{what} `{}` is committed in {place}", a.value))
                .confidence(confidence)
                .help(format!(
                    "revoke and rotate this key, remove it from git history, and add `{}` to .gitignore",
                    f.source.rel_path.rsplit('/').next().unwrap_or(&f.source.rel_path)
                ))
                .evidence(format!("{}|{}", a.name, cx.catalog.token_id(&token))),
            );
        }
    }
}
