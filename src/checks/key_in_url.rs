use crate::catalog::{Confidence, HostClass};
use crate::checks::{Check, Cx, Meta};
use crate::facts::code::Lang;
use crate::finding::{Finding, Label, Severity};
use crate::runtime::{Runtime, runtime};

declare_check! {
    /// ## What it does
    /// Finds a key put into a URL's query string: `` `…?key=${apiKey}` ``,
    /// `f"…&api_key={key}"`, `"…?key=" + key`, `params={"key": api_key}` (Python `requests`),
    /// `params: { key }` (axios), `url.searchParams.set("key", apiKey)`. The value must be a key:
    /// an env read of a key name, a variable bound to one, or a variable named as a key.
    /// A warning when the URL is built in browser code or printed: passed to a log or print
    /// call (itself, or the variable it is assigned to, later in the file), or built inside the
    /// message of an exception raised or thrown; advice otherwise. Query parameters written into
    /// a URL literal are the `…key` ones (`key`, `api_key`, `apiKey`); params objects also
    /// count `token`, `access_token` and `auth_token`.
    ///
    /// ## Why it breaks
    /// A URL is not a secret: proxies, access logs, browser history, `Referer` headers, error
    /// trackers and HTTP client exceptions (`requests`' `HTTPError` prints the full URL) all
    /// keep it. A key in a printed URL lands in the logs; a key in a URL built in browser code
    /// is in every visitor's network tab. Leaked keys are abused and revoked: `401`.
    ///
    /// ## Example
    /// ```python
    /// url = f"https://generativelanguage.googleapis.com/v1beta/models/{model}:generateContent?key={api_key}"
    /// print(f"calling {url}")
    /// ```
    ///
    /// ## Fix
    /// Send the key in a header: Gemini reads `x-goog-api-key`, most other providers
    /// `Authorization: Bearer …`. Log the URL without its query.
    KeyInUrl {
        id: "key-in-url",
        category: Exposure,
        severity: Warning,
        confidence: High,
        summary: "a key put into a URL's query string (warning when built in browser code or printed)",
        varies: (Info, "when the URL is built in server code and never printed"),
    }
}

fn is_raise(callee: &str) -> bool {
    matches!(callee, "raise" | "throw")
}

impl Check for KeyInUrl {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(code) = f.facts.code() else { return };
        if code.url_keys.is_empty() {
            return;
        }
        let browser = code.lang == Lang::Js && runtime(cx.index, f) == Runtime::Browser;
        let host_provider = code.hosts.iter().find_map(|h| match cx.catalog.classify_host(h) {
            HostClass::Provider(p) => Some(p),
            _ => None,
        });
        for u in &code.url_keys {
            // the header the provider reads: by the key's env name, else the host in the file
            let provider = crate::roles::name_info(cx.catalog, &u.key).slot.or(host_provider);
            let header = match provider.map(|p| cx.catalog.provider(p)) {
                Some(p) if p.auth == "bearer" => format!("send it as `Authorization: Bearer …` ({} reads it there), not in the query", p.name),
                Some(p) => format!("send it in the `{}` header ({} reads it there), not in the query", p.auth, p.name),
                None => "if the API takes the key in a header, send it there (Gemini: `x-goog-api-key`; most providers: `Authorization: Bearer …`); if it takes it only in the query, never print the URL or build it in the browser".to_string(),
            };
            let mut finding = Finding::new(
                &Self::META,
                Label::new(file, u.span, format!("`{}` in the query", u.param)),
                match (&u.printed, browser) {
                    (Some((callee, _)), _) if is_raise(callee) => format!("`{}` puts `{}` into a URL's query string, and `{callee}` puts the URL in an exception message: the key lands in logs and error trackers", u.param, u.key),
                    (Some((callee, _)), _) => format!("`{}` puts `{}` into a URL's query string, and `{callee}` prints the URL: the key lands in logs", u.param, u.key),
                    (None, true) => format!("`{}` puts `{}` into a URL's query string in browser code: every visitor sees the key", u.param, u.key),
                    (None, false) => format!("`{}` puts `{}` into a URL's query string: access logs, proxies and HTTP client errors keep URLs", u.param, u.key),
                },
            )
            .help(header)
            .evidence(format!("{}|{}", u.param, u.key));
            if let Some((callee, span)) = &u.printed {
                let what = if is_raise(callee) { "puts the URL in an exception" } else { "prints the URL" };
                finding = finding.related(Label::new(file, *span, format!("`{callee}` {what}")));
            } else if !browser {
                finding = finding.severity(Severity::Info).confidence(Confidence::Medium);
            }
            out.push(finding);
        }
    }
}
