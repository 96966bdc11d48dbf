use crate::catalog::ProviderKind;
use crate::checks::util::suggested_base;
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::facts::code::ArgValue;
use crate::roles::{self, NameRole};

declare_check! {
    /// ## What it does
    /// Finds an SDK client built in code with a key of another provider, judged by the env
    /// variable it reads (`new OpenAI({ apiKey: process.env.OPENROUTER_API_KEY })`,
    /// `OpenAI(api_key=os.environ["ANTHROPIC_API_KEY"])`), and no base URL, so the SDK calls its
    /// default host. Quiet when the repository sets the SDK's base-URL variable
    /// (`OPENAI_BASE_URL`), which the SDK reads by itself. (A key *literal* of another provider is
    /// `default-endpoint`'s, through the call's scope.)
    ///
    /// ## Why it breaks
    /// The OpenAI SDK sends every request to api.openai.com unless told otherwise; an OpenRouter
    /// or Anthropic key there gets `401 Incorrect API key provided`.
    ///
    /// ## Example
    /// ```js
    /// export const llm = new OpenAI({ apiKey: process.env.OPENROUTER_API_KEY });
    /// ```
    ///
    /// ## Fix
    /// Pass the key's provider base URL (`baseURL: "https://openrouter.ai/api/v1"`), or use the
    /// provider's own SDK.
    SdkDefaultEndpoint {
        id: "sdk-default-endpoint",
        category: Mismatch,
        severity: Error,
        confidence: Medium,
        summary: "an SDK client given another provider's key and no base URL, so it calls its default host",
    }
}

impl Check for SdkDefaultEndpoint {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let Some(code) = cx.index.files[file].facts.code() else { return };
        for call in &code.sdk_calls {
            let sdk = &cx.catalog.sdks[call.sdk];
            let Some(s) = cx.catalog.index_of(&sdk.provider) else { continue };
            if sdk.no_default || call.arg(&sdk.base_params).is_some() {
                continue;
            }
            let Some(key) = call.arg(&sdk.key_params) else { continue };
            let ArgValue::Env(env) = &key.value else { continue };
            let info = roles::name_info(cx.catalog, env);
            let Some(p) = info.slot.filter(|_| info.role == NameRole::Key) else { continue };
            let prov = cx.catalog.provider(p);
            if p == s || prov.kind == ProviderKind::Gateway {
                continue;
            }
            // a compat slot name (OPENAI_*) says nothing about whose key is in it when the
            // SDK's provider speaks that slot's protocol (a Groq key kept in OPENAI_API_KEY)
            let speaks = |q: &crate::catalog::Provider, proto: &crate::catalog::Protocol| q.base_urls.iter().any(|b| &b.protocol == proto);
            if prov.compat_slot && prov.base_urls.iter().any(|b| speaks(cx.catalog.provider(s), &b.protocol)) {
                continue;
            }
            // the SDK reads its base-URL variable by itself: set anywhere, it may be routed
            let sdk_prov = cx.catalog.provider(s);
            let base_set = sdk_prov.base_url_env.iter().any(|n| cx.index.is_set_anywhere(n));
            if base_set {
                continue;
            }
            let host = suggested_base(cx.catalog, s, None).and_then(|u| crate::url::parse(&u).ok()).map_or_else(String::new, |u| u.host);
            let help = match suggested_base(cx.catalog, p, Some(crate::catalog::Protocol::Openai)).or_else(|| suggested_base(cx.catalog, p, None)) {
                Some(base) => format!("pass the {} base URL ({base}) to the client, or use the {} SDK", prov.name, prov.name),
                None => format!("pass the {} base URL to the client", prov.name),
            };
            out.push(
                Finding::new(&Self::META, Label::new(file, key.value_span, format!("{} key", crate::finding::a(&prov.name))), format!("`{}(…)` gets `{env}` ({} key) and no base URL: it sends it to {host}", call.callee, crate::finding::a(&prov.name)))
                    .related(Label::new(file, call.span, format!("{} client", sdk_prov.name)))
                    .help(help)
                    .evidence(format!("{}|{env}", call.callee)),
            );
        }
    }
}
