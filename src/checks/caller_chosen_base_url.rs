use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Finds an SDK client whose base URL is read from the incoming request in the call (the
    /// body: `baseURL: req.body.baseURL`, Flask's `request.json`; the query string:
    /// `req.query.base_url`, `searchParams.get("baseURL")`, `request.args`; the headers:
    /// `req.headers.get("x-base-url")`) while its key is the server's own: an env read
    /// (`apiKey: req.body.apiKey || process.env.OPENAI_API_KEY`) or no key at all, so the SDK
    /// reads its env default. A base URL checked first (a ternary, an `includes`/`startsWith`/
    /// `has` allow-list test in the argument) stays quiet. A variable bound from the request
    /// in another statement (`const { baseURL } = await req.json()`) is not followed yet.
    ///
    /// ## Why it breaks
    /// The SDK sends the key to whatever host the base URL names. Anyone who can call the route
    /// names their own server and receives the server's key in the `Authorization` header of
    /// the first request.
    ///
    /// ## Example
    /// ```js
    /// const openai = new OpenAI({
    ///   apiKey: req.body.apiKey || process.env.OPENAI_API_KEY,
    ///   baseURL: req.body.baseURL,
    /// });
    /// ```
    ///
    /// ## Fix
    /// Use the server's key only with the server's own base URL: when the caller chooses the
    /// base URL, require the caller's key too, or check the base URL against an allow-list.
    CallerChosenBaseUrl {
        id: "caller-chosen-base-url",
        category: Exposure,
        severity: Error,
        confidence: High,
        summary: "an SDK client sends the server's key to a base URL the request chooses",
    }
}

impl Check for CallerChosenBaseUrl {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let Some(code) = cx.index.files[file].facts.code() else { return };
        for c in &code.caller_base_urls {
            let how = if c.key_span.is_some() {
                format!("its key falls back to the server's `{}`", c.key_env)
            } else {
                format!("it is given no key, so the SDK sends the server's `{}`", c.key_env)
            };
            let mut finding = Finding::new(
                &Self::META,
                Label::new(file, c.base_span, format!("base URL from the {}", c.source)),
                format!("`{}(…)` takes its base URL from the {} and {how}: a caller who names their own host receives the key", c.callee, c.source),
            )
            .help("use the server's key only with the server's base URL: require the caller's own key when the caller picks the base URL, or check it against an allow-list")
            .evidence(format!("{}|{}", c.callee, c.key_env));
            if let Some(span) = c.key_span {
                finding = finding.related(Label::new(file, span, "the server's key"));
            }
            out.push(finding);
        }
    }
}
