use crate::catalog::{HostClass, ProviderKind};
use crate::checks::util::provider_names;
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::index::ScopeView;
use crate::roles::NameRole;

declare_check! {
    /// ## What it does
    /// Finds a model name of one provider sent to another provider's endpoint (`glm-4` to
    /// api.openai.com, `gpt-4o` to api.anthropic.com). Aggregators and gateways (OpenRouter,
    /// Groq, Together, LiteLLM…) serve many vendors' models and are never reported; providers
    /// that map foreign names on a compatible route (Zhipu's Anthropic endpoint takes `claude-*`)
    /// are understood.
    ///
    /// ## Why it breaks
    /// The endpoint answers `404 model not found`, or `401` when the gateway in front of it
    /// checks model access per key.
    ///
    /// ## Example
    /// ```sh
    /// OPENAI_MODEL=glm-4
    /// OPENAI_BASE_URL=https://api.openai.com/v1
    /// ```
    ///
    /// ## Fix
    /// Point the base URL at the model's provider, or pick a model the endpoint serves.
    ModelProviderMismatch {
        id: "model-provider-mismatch",
        category: Mismatch,
        severity: Error,
        confidence: Medium,
        summary: "a model name of one provider sent to another provider's endpoint",
    }
}

impl Check for ModelProviderMismatch {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_scope(&self, cx: &Cx, view: &ScopeView, out: &mut Vec<Finding>) {
        for &r in &view.winners {
            let info = view.info(r);
            if info.name.role != NameRole::Model {
                continue;
            }
            let a = view.index.assignment(r);
            let Some(model) = a.literal().map(str::trim).filter(|m| !m.is_empty()) else { continue };
            let group = &info.name.group;
            let (endpoint, related) = match view.endpoint_for(cx.catalog, group) {
                Some(u) => match view.info(u).host {
                    Some(HostClass::Provider(p)) => (p, Some(u)),
                    _ => continue,
                },
                // no base URL: the SDK default, but only when a key of that slot is set too
                None => match info.name.slot {
                    Some(p) if view.in_group(group, NameRole::Key).next().is_some() => (p, None),
                    _ => continue,
                },
            };
            let ep = cx.catalog.provider(endpoint);
            if ep.aggregator || ep.kind != ProviderKind::Vendor || cx.catalog.serves_model(endpoint, model) {
                continue;
            }
            let owners = cx.catalog.model_providers(model);
            if owners.is_empty() || owners.contains(&endpoint) {
                continue;
            }
            let whose = provider_names(cx.catalog, &owners);
            let mut f = Finding::new(
                &Self::META,
                Label::new(r.file, a.value_span, format!("{whose} model")),
                format!("model `{model}` ({whose}) is sent to {}", ep.name),
            )
            .help(format!("point the base URL at {whose}, or use a model {} serves", ep.name))
            .evidence(format!("{}={model}@{}", a.name, ep.id));
            match related {
                Some(u) => {
                    let ua = view.index.assignment(u);
                    f = f.related(Label::new(u.file, ua.value_span, format!("{} base URL set here", ep.name)));
                }
                None => f = f.confidence(crate::catalog::Confidence::Low),
            }
            out.push(f);
        }
    }
}
