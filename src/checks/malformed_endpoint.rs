use crate::catalog::{HostClass, Protocol};
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label, Severity};
use crate::roles::{self, AssignInfo};
use crate::url::UrlProblem;

declare_check! {
    /// ## What it does
    /// Finds base URLs that cannot work as written: a route at the end (`/chat/completions`,
    /// `/messages`), a doubled `/v1/v1`, a missing or extra version segment for the provider and
    /// the client style (`https://api.openai.com` without `/v1`; `/v1` on an Anthropic base the
    /// client appends `/v1/messages` to), a missing scheme, whitespace, or `http://` to a public
    /// host.
    ///
    /// ## Why it breaks
    /// SDKs append the route to the base URL. A base that already ends in a route, or lacks the
    /// version segment, yields 404s and 401s that look like key problems. Plain `http://` sends
    /// the key in clear text.
    ///
    /// ## Example
    /// ```sh
    /// OPENAI_BASE_URL=https://api.openai.com
    /// ANTHROPIC_BASE_URL=https://api.anthropic.com/v1
    /// ```
    ///
    /// ## Fix
    /// Use the provider's base URL exactly as the message suggests.
    MalformedEndpoint {
        id: "malformed-endpoint",
        category: Mismatch,
        severity: Error,
        confidence: High,
        summary: "a base URL with a route, a wrong version segment, no scheme, or plain http",
        varies: (Warning, "for plain http to a public host"),
    }
}

const ROUTES: &[&str] = &["/chat/completions", "/completions", "/messages", "/responses", "/embeddings", "/generateContent"];

/// The client style a slot implies: OpenAI-style clients append `/chat/completions`,
/// Anthropic-style ones `/v1/messages`.
fn slot_protocol(cx: &Cx, info: &AssignInfo) -> Option<Protocol> {
    let p = cx.catalog.provider(info.name.slot?);
    if !p.compat_slot {
        return None;
    }
    p.base_urls.first().map(|b| b.protocol)
}

/// (message, help, severity) for the first problem found.
fn problem(cx: &Cx, name: &str, info: &AssignInfo) -> Option<(String, String, Severity)> {
    let url = match info.url.as_ref()? {
        Err(UrlProblem::Whitespace) => {
            return Some((format!("`{name}` contains whitespace"), "remove the spaces around or inside the URL".into(), Severity::Error));
        }
        Err(UrlProblem::NoScheme) => {
            return Some((format!("`{name}` has no scheme"), "start the base URL with https://".into(), Severity::Error));
        }
        Err(_) => return Some((format!("`{name}` is not a valid URL"), "check the host and port".into(), Severity::Error)),
        Ok(u) => u,
    };
    let path = url.trimmed_path();
    if let Some(route) = ROUTES.iter().find(|r| path.ends_with(*r)) {
        let base = &path[..path.len() - route.len()];
        return Some((
            format!("`{name}` ends in the route `{route}`: clients append it again"),
            format!("set {name}={}{base}", url.origin()),
            Severity::Error,
        ));
    }
    if path.contains("/v1/v1") {
        return Some((format!("`{name}` repeats `/v1`"), format!("set {name}={}{}", url.origin(), path.replacen("/v1/v1", "/v1", 1)), Severity::Error));
    }
    let host = info.host?;
    if url.scheme == "http" && host != HostClass::Local {
        return Some((
            format!("`{name}` uses plain http to a public host: the key travels unencrypted"),
            format!("use https://{}{}", url.host, url.path),
            Severity::Warning,
        ));
    }
    let HostClass::Provider(p) = host else { return None };
    let prov = cx.catalog.provider(p);
    if !prov.strict_paths || crate::checks::stale_endpoint::stale_match(cx, info).is_some() {
        return None;
    }
    let protocol = slot_protocol(cx, info);
    let fits = |b: &&crate::catalog::BaseUrlSpec| protocol.is_none_or(|pr| b.protocol == pr);
    let bases: Vec<_> = prov
        .base_urls
        .iter()
        .filter(fits)
        .filter_map(|b| crate::url::parse(&b.url).ok().map(|u| (b, u)))
        .filter(|(_, u)| u.host == url.host)
        .collect();
    if bases.is_empty() || bases.iter().any(|(_, u)| u.trimmed_path() == path) {
        return None;
    }
    let suggestion = &bases[0].0.url;
    let message = if protocol == Some(Protocol::Anthropic) && path.ends_with("/v1") {
        format!("`{name}` ends in `/v1`, but Anthropic-style clients append `/v1/messages` themselves")
    } else if bases[0].1.trimmed_path().starts_with(path) {
        let missing = &bases[0].1.trimmed_path()[path.len()..];
        format!("`{name}` is missing `{missing}` for {}", prov.name)
    } else {
        format!("`{name}` path `{}` is not {} base path", if path.is_empty() { "/" } else { path }, crate::finding::a(&prov.name))
    };
    Some((message, format!("set {name}={suggestion}"), Severity::Error))
}

/// The base path the client that receives this base URL wants, when its SDK entry says
/// (`createAnthropic` wants `/v1`): (callee, path).
fn client_path(cx: &Cx, f: &crate::index::IndexedFile, a: &crate::facts::Assignment) -> Option<(String, String)> {
    let code = f.facts.code()?;
    code.sdk_calls.iter().find_map(|c| {
        let sdk = &cx.catalog.sdks[c.sdk];
        let want = sdk.base_path.as_ref()?;
        let arg = c.arg(&sdk.base_params)?;
        (arg.value_span == a.value_span).then(|| (c.callee.clone(), want.clone()))
    })
}

/// A base URL judged by its client, on the provider's own host (a proxy's paths are its own):
/// the path the client wants, or nothing to say.
fn by_client(cx: &Cx, info: &AssignInfo, callee: &str, want: &str) -> Option<(String, String, Severity)> {
    let Ok(url) = info.url.as_ref()? else { return None };
    if !matches!(cx.catalog.classify_url(url), HostClass::Provider(_)) {
        return None;
    }
    let path = url.trimmed_path();
    let want = want.trim_end_matches('/');
    if path == want {
        return None;
    }
    let message = if want.is_empty() {
        format!("`{callee}(…)` appends `/v1/…` itself: its base URL should have no path, not `{path}`")
    } else {
        format!("`{callee}(…)` expects a base URL ending in `{want}`: it appends only the route")
    };
    Some((message, format!("set the base URL to {}{want}", url.origin()), Severity::Error))
}

impl Check for MalformedEndpoint {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        for (a, info) in f.facts.assignments.iter().zip(&f.info) {
            if !roles::is_llm_endpoint(cx.catalog, info) {
                continue;
            }
            let judged = match client_path(cx, f, a) {
                Some((callee, want)) => by_client(cx, info, &callee, &want),
                None => problem(cx, &a.name, info),
            };
            if let Some((message, help, severity)) = judged {
                out.push(
                    Finding::new(&Self::META, Label::new(file, a.value_span, "base URL"), message.clone())
                        .severity(severity)
                        .help(help)
                        .evidence(format!("{}|{message}", a.name)),
                );
            }
        }
    }
}
