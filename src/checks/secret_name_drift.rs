use std::collections::BTreeMap;

use crate::checks::{Check, Cx, Meta};
use crate::ci;
use crate::facts::Context;
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Finds LLM secret names that differ by a typo from the name used everywhere else in the
    /// repository's workflows (`OPEN_AI_API_KEY` beside `OPENAI_API_KEY`, `OPENAI_APIKEY`).
    ///
    /// ## Why it breaks
    /// A secret that does not exist expands to an empty string without any error: the job runs
    /// with no key and fails with `401`, in only the workflow with the typo.
    ///
    /// ## Example
    /// ```yaml
    /// # ci.yml                                # nightly.yml
    /// OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}   OPENAI_API_KEY: ${{ secrets.OPEN_AI_API_KEY }}
    /// ```
    ///
    /// ## Fix
    /// Use the one secret name that exists in the repository settings.
    SecretNameDrift {
        id: "secret-name-drift",
        category: MissingRef,
        severity: Warning,
        confidence: Medium,
        summary: "an LLM secret name one typo away from the name used elsewhere",
    }
}

fn normal(name: &str) -> String {
    name.chars().filter(|c| *c != '_' && *c != '-').collect::<String>().to_ascii_uppercase()
}

impl Check for SecretNameDrift {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_project(&self, cx: &Cx, out: &mut Vec<Finding>) {
        // secret name → its references (file, span)
        let mut uses: BTreeMap<&str, Vec<(usize, crate::source::Span)>> = BTreeMap::new();
        for (fi, f, _) in ci::workflows(cx.index) {
            for e in &f.facts.exprs {
                if e.context == Context::Secrets && ci::is_key_name(cx.catalog, &e.name) {
                    uses.entry(&e.name).or_default().push((fi, e.span));
                }
            }
        }
        let names: Vec<&str> = uses.keys().copied().collect();
        for &odd in &names {
            // the more common near-twin, if any
            let twin = names
                .iter()
                .copied()
                .filter(|&n| n != odd && uses[n].len() > uses[odd].len())
                .filter(|&n| normal(n) == normal(odd) || ci::edit_distance(n, odd) == 1)
                // names of two different providers are not typos of each other (GROK / GROQ)
                .filter(|&n| {
                    let (a, b) = (crate::roles::name_info(cx.catalog, n).slot, crate::roles::name_info(cx.catalog, odd).slot);
                    a.is_none() || b.is_none() || a == b
                })
                .max_by_key(|n| uses[n].len());
            let Some(twin) = twin else { continue };
            let (tf, ts) = uses[twin][0];
            for &(fi, span) in &uses[odd] {
                out.push(
                    Finding::new(&Self::META, Label::new(fi, span, format!("`{twin}` elsewhere")), format!("secret `{odd}` looks like a typo of `{twin}`, used {} times elsewhere: a missing secret is silently empty", uses[twin].len()))
                        .related(Label::new(tf, ts, format!("`{twin}` used here")))
                        .help(format!("use secrets.{twin} (or rename the secret so one name is used everywhere)"))
                        .evidence(format!("{odd}~{twin}")),
                );
            }
        }
    }
}
