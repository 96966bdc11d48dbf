//! SDK clients whose base URL is read from the incoming request in the call itself
//! (`baseURL: req.body.baseURL`, `req.headers.get("x-base-url")`, `searchParams.get("base")`,
//! `request.args.get("base_url")`) while their key is the server's own (an env read, or no key
//! so the SDK reads its env default). Hand-written on the code front end's tokens: the facts
//! need the spans of both arguments.
//!
//! Not followed: a variable bound from the request elsewhere (`const { baseURL } = await
//! req.json()`). Its statement holds no word the code front end searches for, so the windowed
//! front end would not see it; a word for it (`req`) made the word search 2-3x slower.

use super::{Analyzer, ArgValue, CallerBaseUrl, Lang, SdkCall, Span};

impl<'a> Analyzer<'a> {
    /// A read of the incoming request starting at token `i`: `req.body`, `await request.json()`,
    /// `req.query`, `req.headers`, `searchParams.get(`, Flask's `request.args` / `get_json()`.
    fn request_read_at(&self, i: usize) -> Option<&'static str> {
        let id = self.ident(i)?;
        if id == "searchParams" && self.punct(i + 1, b'.') && self.ident(i + 2) == Some("get") {
            return Some("query string");
        }
        if !matches!(id, "req" | "request") || !self.punct(i + 1, b'.') {
            return None;
        }
        let member = self.ident(i + 2)?;
        let call = self.punct(i + 3, b'(');
        match (self.lang, member) {
            (Lang::Js, "json" | "formData") if call => Some("request body"),
            (Lang::Js, "body") => Some("request body"),
            (Lang::Js, "query") => Some("query string"),
            (Lang::Js, "headers" | "header") => Some("request headers"),
            (Lang::Py, "json") => Some("request body"),
            (Lang::Py, "get_json") if call => Some("request body"),
            (Lang::Py, "args" | "query_params") => Some("query string"),
            (Lang::Py, "headers") => Some("request headers"),
            _ => None,
        }
    }

    /// Does the expression `s..e` take its value from the request, unguarded? What it reads.
    fn request_source(&self, s: usize, e: usize) -> Option<&'static str> {
        let mut found = None;
        for j in s..e {
            // a ternary or an allow-list test: the value is checked before use
            // `?.` and `??` are no ternary
            let nullish = self.punct(j + 1, b'.')
                || self.punct(j + 1, b'?')
                || (j > 0 && self.punct(j - 1, b'?'));
            let guarded = (self.punct(j, b'?') && !nullish)
                || matches!(
                    self.ident(j),
                    Some("includes" | "startsWith" | "has" | "test" | "validate")
                );
            if guarded {
                return None;
            }
            found = found.or_else(|| self.request_read_at(j));
        }
        found
    }

    pub(super) fn caller_base_urls(&self, calls: &[SdkCall]) -> Vec<CallerBaseUrl> {
        if calls.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for call in calls {
            let sdk = &self.catalog.sdks[call.sdk];
            let i = self.t.partition_point(|t| t.span.start < call.span.start);
            let open = i + 1;
            let (o, c, sep) = if self.lang == Lang::Js && self.punct(open + 1, b'{') {
                (open + 1, self.close_of(open + 1), b':')
            } else if self.lang == Lang::Py && self.punct(open, b'(') {
                (open, self.close_of(open), b'=')
            } else {
                continue;
            };
            let pairs = self.pairs(o, c, sep);
            let base = pairs.iter().find(|(k, ..)| sdk.base_params.contains(k));
            let Some((_, _, vs, ve)) = base else { continue };
            let Some(source) = self.request_source(*vs, *ve) else {
                continue;
            };
            let base_span = Span::new(
                self.t[*vs].span.start as usize,
                self.t[ve.saturating_sub(1).max(*vs)].span.end as usize,
            );
            let key = call.arg(&sdk.key_params);
            let (key_env, key_span) = match key.map(|a| (&a.value, a.value_span)) {
                Some((ArgValue::Env(n), span)) => (n.clone(), Some(span)),
                Some(_) => continue,
                None => {
                    let Some(p) = self.catalog.index_of(&sdk.provider) else {
                        continue;
                    };
                    let Some(env) = self.catalog.provider(p).key_env.first() else {
                        continue;
                    };
                    (env.clone(), None)
                }
            };
            out.push(CallerBaseUrl {
                callee: call.callee.clone(),
                base_span,
                source,
                key_env,
                key_span,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;
    use crate::facts::Outline;

    /// (source, key env, key passed) of each caller-chosen base URL in `text`.
    fn found(path: &str, text: &str) -> Vec<(&'static str, String, bool)> {
        let c = Catalog::builtin().expect("catalog");
        let f = super::super::parse(path, text, &c);
        let Outline::Code(code) = &f.outline else {
            panic!("code outline")
        };
        code.caller_base_urls
            .iter()
            .map(|b| (b.source, b.key_env.clone(), b.key_span.is_some()))
            .collect()
    }

    #[test]
    fn request_shapes() {
        let t = "const o = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: req.body.baseURL });\n";
        assert_eq!(
            found("r.ts", t),
            [("request body", "OPENAI_API_KEY".into(), true)]
        );
        let t = "const o = new OpenAI({ baseURL: (await req.json()).baseURL });\n";
        assert_eq!(
            found("r.ts", t),
            [("request body", "OPENAI_API_KEY".into(), false)]
        );
        let t = "const o = createOpenAI({ apiKey: process.env.OPENROUTER_API_KEY, baseURL: req.headers.get('x-base-url') });\n";
        assert_eq!(
            found("r.ts", t),
            [("request headers", "OPENROUTER_API_KEY".into(), true)]
        );
        let t = "const o = new OpenAI({ baseURL: new URL(req.url).searchParams.get('base') });\n";
        assert_eq!(
            found("r.ts", t),
            [("query string", "OPENAI_API_KEY".into(), false)]
        );
        let t = "client = OpenAI(api_key=os.getenv(\"OPENAI_API_KEY\"), base_url=request.args.get(\"base_url\"))\n";
        assert_eq!(
            found("a.py", t),
            [("query string", "OPENAI_API_KEY".into(), true)]
        );
    }

    #[test]
    fn quiet_shapes() {
        for (path, t) in [
            // the caller's key with the caller's base URL
            (
                "r.ts",
                "const { baseURL, apiKey } = await req.json();\nconst o = new OpenAI({ apiKey, baseURL });\n",
            ),
            // an allow-list, a ternary
            (
                "r.ts",
                "const { baseURL } = await req.json();\nconst o = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: ALLOWED.includes(baseURL) ? baseURL : undefined });\n",
            ),
            // the server's own base URL; a local named like the request's field
            (
                "r.ts",
                "const o = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.OPENAI_BASE_URL });\n",
            ),
            (
                "r.ts",
                "const baseURL = config.baseURL;\nconst o = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL });\n",
            ),
            // Starlette's request.base_url is the server's own URL
            (
                "a.py",
                "client = OpenAI(api_key=os.environ[\"OPENAI_API_KEY\"], base_url=str(request.base_url))\n",
            ),
        ] {
            assert_eq!(found(path, t), vec![], "{t}");
        }
    }
}
