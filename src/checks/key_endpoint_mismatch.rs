use crate::catalog::{Confidence, HostClass};
use crate::checks::util::{provider_ids, provider_names, suggested_base};
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label, Severity};
use crate::index::{KeyEvidence, ScopeView};
use crate::roles::NameRole;

declare_check! {
    /// ## What it does
    /// Finds a key of one provider and a base URL of another provider that one process sees
    /// together: the same dotenv stack, workflow job, compose service or SDK call. The key's
    /// provider comes from its format when the value is present (`sk-or-v1-…` is OpenRouter),
    /// else from the variable name (`DEEPSEEK_API_KEY`); the endpoint's provider from its host.
    ///
    /// ## Why it breaks
    /// A provider only accepts keys it issued. An OpenRouter key sent to api.openai.com gets
    /// `401 Incorrect API key provided`. Local gateways (localhost, LiteLLM, one-api, compose
    /// service names, hosts declared in config) accept any key and are never reported.
    ///
    /// ## Example
    /// ```sh
    /// OPENAI_API_KEY=sk-or-v1-…            # an OpenRouter key
    /// OPENAI_BASE_URL=https://api.openai.com/v1
    /// ```
    ///
    /// ## Fix
    /// Point the base URL at the key's provider (`OPENAI_BASE_URL=https://openrouter.ai/api/v1`),
    /// or use a key of the endpoint's provider.
    KeyEndpointMismatch {
        id: "key-endpoint-mismatch",
        category: Mismatch,
        severity: Error,
        confidence: High,
        summary: "a key of one provider is sent to another provider's base URL",
        varies: (Warning, "when the key's provider comes from its variable name, not its format"),
    }
}

impl Check for KeyEndpointMismatch {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_scope(&self, cx: &Cx, view: &ScopeView, out: &mut Vec<Finding>) {
        for &r in &view.winners {
            let info = view.info(r);
            if info.name.role != NameRole::Key {
                continue;
            }
            let Some(url_ref) = view.endpoint_for(cx.catalog, &info.name.group) else {
                continue;
            };
            let Some(HostClass::Provider(endpoint)) = view.info(url_ref).host else {
                continue;
            };
            let Some(key) = view.key_provider(cx.catalog, r) else {
                continue;
            };
            if key.candidates.contains(&endpoint) {
                continue;
            }
            let a = view.index.assignment(r);
            let url = view.index.assignment(url_ref);
            let host = view.info(url_ref).url.as_ref().and_then(|u| u.as_ref().ok()).map_or("", |u| u.host.as_str());
            let ep = cx.catalog.provider(endpoint);
            let whose = provider_names(cx.catalog, &key.candidates);
            let (message, severity, confidence) = match &key.evidence {
                KeyEvidence::Format => (
                    format!("{whose} key `{}` is sent to {host} ({})", a.value, ep.name),
                    Severity::Error,
                    if key.candidates.len() > 1 { Confidence::Medium } else { key.confidence },
                ),
                KeyEvidence::Name(name) => (
                    format!("`{name}` names {} key, but `{}` sends it to {host} ({})", crate::finding::a(&whose), view.index.file(url_ref).written_name(url), ep.name),
                    Severity::Warning,
                    Confidence::Medium,
                ),
            };
            let primary_span = if a.value_span.is_empty() { a.name_span } else { a.value_span };
            let mut help = format!("use a key issued by {}", ep.name);
            if let [only] = key.candidates.as_slice() {
                let protocol = cx.catalog.provider(endpoint).base_urls.iter().find(|b| {
                    b.url.contains(host)
                }).map(|b| b.protocol);
                if let Some(base) = suggested_base(cx.catalog, *only, protocol) {
                    help = format!("{}, or {help}", view.index.file(url_ref).set_hint(url, &base));
                }
            }
            let mut f = Finding::new(&Self::META, Label::new(r.file, primary_span, format!("{whose} key")), message)
                .severity(severity)
                .confidence(confidence)
                .help(help)
                .related(Label::new(url_ref.file, url.value_span, format!("{} base URL set here", ep.name)))
                .evidence(format!("{}>{}@{}", a.name, provider_ids(cx.catalog, &key.candidates), ep.id));
            let target = view.resolve(r);
            if target != r {
                let t = view.index.assignment(target);
                f = f.related(Label::new(target.file, t.value_span, "key value defined here"));
            }
            out.push(f);
        }
    }
}
