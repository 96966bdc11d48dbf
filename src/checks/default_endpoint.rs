use crate::catalog::Confidence;
use crate::checks::util::{provider_ids, provider_names, suggested_base};
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::index::{KeyEvidence, ScopeView};
use crate::roles::NameRole;

declare_check! {
    /// ## What it does
    /// Finds a key of one provider stored under another provider's SDK variable
    /// (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, …) with no base URL anywhere in scope, so the SDK
    /// falls back to its default host.
    ///
    /// ## Why it breaks
    /// The OpenAI SDK reads `OPENAI_API_KEY` and, when `OPENAI_BASE_URL` is unset, calls
    /// api.openai.com. A Groq, GLM or OpenRouter key there gets `401`. Reported with medium
    /// confidence: code may still pass `base_url` explicitly.
    ///
    /// ## Example
    /// ```sh
    /// OPENAI_API_KEY=gsk_…       # a Groq key, and no OPENAI_BASE_URL
    /// ```
    ///
    /// ## Fix
    /// Set the base URL of the key's provider (`OPENAI_BASE_URL=https://api.groq.com/openai/v1`)
    /// where the SDK reads it, or pass `base_url` to the client.
    DefaultEndpoint {
        id: "default-endpoint",
        category: Mismatch,
        severity: Error,
        confidence: Medium,
        summary: "a non-default provider's key with no base URL: the SDK calls its default host",
    }
}

impl Check for DefaultEndpoint {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_scope(&self, cx: &Cx, view: &ScopeView, out: &mut Vec<Finding>) {
        let configured = view.configured_providers();
        for &r in &view.winners {
            let info = view.info(r);
            let Some(slot) = info.name.slot else { continue };
            let sdk = cx.catalog.provider(slot);
            if info.name.role != NameRole::Key || sdk.base_url_env.is_empty() || sdk.kind == crate::catalog::ProviderKind::Gateway {
                continue;
            }
            let group = &info.name.group;
            if view.in_group(group, NameRole::BaseUrl).next().is_some()
                || view.in_group(group, NameRole::LegacyBaseUrl).next().is_some()
            {
                continue;
            }
            let Some(key) = view.key_provider(cx.catalog, r) else { continue };
            if key.evidence != KeyEvidence::Format
                || key.candidates.contains(&slot)
                || key.candidates.iter().any(|c| configured.contains(c))
            {
                continue;
            }
            let Some(default) = suggested_base(cx.catalog, slot, None) else { continue };
            let host = crate::url::parse(&default).map(|u| u.host).unwrap_or_default();
            let a = view.index.assignment(r);
            let whose = provider_names(cx.catalog, &key.candidates);
            let base_var = &sdk.base_url_env[0];
            let mut help = format!("set {base_var} to the {whose} base URL, or pass base_url to the client");
            if let [only] = key.candidates.as_slice() {
                if let Some(base) = suggested_base(cx.catalog, *only, None) {
                    help = format!("set {base_var}={base}, or pass base_url to the client");
                }
            }
            let confidence = if key.candidates.len() > 1 { Confidence::Low } else { Confidence::Medium };
            out.push(
                Finding::new(
                    &Self::META,
                    Label::new(r.file, a.value_span, format!("{whose} key")),
                    format!(
                        "{whose} key `{}` in `{}` with no {base_var}: the {} SDK sends it to {host}",
                        a.value, a.name, sdk.name
                    ),
                )
                .confidence(confidence)
                .help(help)
                .evidence(format!("{}>{}@default", a.name, provider_ids(cx.catalog, &key.candidates))),
            );
        }
    }
}
