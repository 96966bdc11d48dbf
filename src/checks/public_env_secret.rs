use crate::catalog::Confidence;
use crate::checks::util::provider_names;
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::roles::{self, AssignInfo};

declare_check! {
    /// ## What it does
    /// Finds secrets under a browser-exposed prefix (`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`,
    /// `EXPO_PUBLIC_`, `PUBLIC_`, `NUXT_PUBLIC_`, `GATSBY_`, `VUE_APP_`, …): an LLM key or
    /// another issuer's token by its value's format (GitHub `ghp_`, Stripe `sk_live_`, a
    /// Supabase `service_role` JWT, `rules/secrets.toml`), an LLM key slot by its name
    /// (`NEXT_PUBLIC_OPENAI_API_KEY`), or a name that says secret (`SERVICE_ROLE`, `SECRET`,
    /// `PRIVATE_KEY`, `*_TOKEN`). Values public by design stay quiet (`keylint explain
    /// public-env-secret` lists them with the reason): Supabase anon key, Firebase web config,
    /// Stripe `pk_`, PostHog `phc_`, Sentry DSN, Algolia search-only key, Mapbox `pk.`,
    /// analytics and site keys.
    ///
    /// ## Why it breaks
    /// Bundlers inline these variables into the JavaScript every visitor downloads. The key is
    /// public the moment the site deploys, and providers revoke leaked keys, which then fail
    /// with `401`.
    ///
    /// ## Example
    /// ```sh
    /// NEXT_PUBLIC_OPENAI_API_KEY=sk-proj-…
    /// ```
    ///
    /// ## Fix
    /// Drop the prefix and call the provider from server code (an API route, a server action, a
    /// backend proxy); rotate the key if it was ever deployed.
    PublicEnvSecret {
        id: "public-env-secret",
        category: Exposure,
        severity: Error,
        confidence: High,
        summary: "a secret under a browser-exposed prefix (NEXT_PUBLIC_, VITE_, …)",
        varies: (Info, "when only a generic name ending (`*_TOKEN`, `*ACCESS_TOKEN`) says secret"),
    }
}

/// Why this public variable is a secret: (reason, confidence), or None when it is fine.
pub fn verdict(cx: &Cx, value: Option<&str>, info: &AssignInfo) -> Option<(String, Confidence)> {
    let bare = &info.name.bare;
    let by_design = cx.catalog.public_by_design.name_words.iter().any(|w| bare.contains(w.as_str()))
        || value.is_some_and(|v| cx.catalog.public_by_design.value_prefixes.iter().any(|p| v.starts_with(p.as_str())));
    if let Some(m) = &info.key {
        let strong = m.confidence == Confidence::High && cx.catalog.format(m.format).prefix.is_some();
        if strong || (!by_design && m.confidence >= Confidence::Medium) {
            let ps: Vec<usize> = m.candidates.iter().filter_map(|c| cx.catalog.index_of(c)).collect();
            return Some((format!("holds {} key", crate::finding::a(&provider_names(cx.catalog, &ps))), m.confidence.max(Confidence::Medium)));
        }
    }
    // another issuer's token (GitHub, Stripe secret, Supabase service_role…): same rule
    if let Some(m) = info.secret {
        let strong = m.confidence == Confidence::High && cx.catalog.secret(m).prefix.is_some();
        if strong || (!by_design && m.confidence >= Confidence::Medium) {
            return Some((format!("holds {}", crate::finding::a(&cx.catalog.secret(m).what())), m.confidence.max(Confidence::Medium)));
        }
    }
    if let Some(w) = cx.catalog.secret_name_word(bare, false) {
        if !bare.contains("PUBLIC_KEY") {
            return Some((format!("is named as a secret (`{w}`)"), Confidence::Medium));
        }
    }
    if by_design || info.name.group.is_empty() {
        return None;
    }
    if roles::is_llm_key_name(cx.catalog, &info.name) {
        return Some(("is an LLM API key slot".to_string(), Confidence::High));
    }
    if let Some(s) = cx.catalog.secret_env(bare) {
        return Some((format!("is where {} goes", crate::finding::a(&s.what())), Confidence::Medium));
    }
    // a generic ending alone (`VITE_TMDB_TOKEN`, `VITE_CESIUM_ACCESS_TOKEN`): many such tokens
    // are read-only and made for browsers, so it is advice (low confidence, info)
    if let Some(w) = cx.catalog.secret_name_word(bare, true) {
        return Some((format!("is named like a secret (`{w}`); if it is not a token made for browsers, it leaks"), Confidence::Low));
    }
    None
}

impl Check for PublicEnvSecret {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        // in a Dockerfile the same mistake is baked into the image: public-env-build-time
        if f.kind == crate::classify::FileKind::Dockerfile {
            return;
        }
        for (a, info) in f.facts.assignments.iter().zip(&f.info) {
            let Some(prefix) = &info.name.public_prefix else { continue };
            let Some((why, confidence)) = verdict(cx, a.literal().map(str::trim), info) else { continue };
            let framework = cx
                .catalog
                .public_prefixes
                .iter()
                .find(|p| &p.prefix == prefix)
                .map_or("the bundler", |p| p.framework.as_str());
            out.push(
                Finding::new(
                    &Self::META,
                    Label::new(file, a.name_span, format!("{framework} inlines `{prefix}*` into the browser bundle")),
                    format!("`{}` {why}, and {framework} ships `{prefix}` variables to every browser", a.name),
                )
                .confidence(confidence)
                .severity(if confidence == Confidence::Low { crate::finding::Severity::Info } else { Self::META.severity })
                .help(format!("rename it to {} and use it only in server code; rotate the key if it was deployed", info.name.bare))
                .evidence(a.name.clone()),
            );
        }
    }
}
