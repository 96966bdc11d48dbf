//! SDK clients whose base URL comes from the incoming request (`baseURL: body.baseURL`,
//! `const { baseURL } = await req.json()`, `req.query.base_url`) while their key is the
//! server's own (an env read, or no key so the SDK reads its env default). Hand-written on the
//! code front end's tokens: the facts need the spans of both arguments.

use super::{Analyzer, ArgValue, CallerBaseUrl, Lang, SdkCall, Span, Tok};

/// Names bound to the request's data: (name, what it holds).
type RequestNames<'a> = Vec<(&'a str, &'static str)>;

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

    /// `const body = await req.json()`, `const { baseURL, apiKey: k } = req.body`,
    /// `data = request.get_json()`.
    fn request_names(&self) -> RequestNames<'a> {
        let mut out = Vec::new();
        for i in 1..self.t.len() {
            let Some(source) = self.request_read_at(i) else {
                continue;
            };
            let mut eq = i - 1;
            if self.ident(eq) == Some("await") && eq > 0 {
                eq -= 1;
            }
            if !self.punct(eq, b'=') || eq == 0 || self.punct(eq - 1, b'=') {
                continue;
            }
            let before = eq - 1;
            if let Some(name) = self.ident(before) {
                out.push((name, source));
            } else if self.lang == Lang::Js && self.punct(before, b'}') {
                // a destructuring pattern: its local names
                let mut j = before;
                let mut depth = 0usize;
                while j > 0 {
                    j -= 1;
                    match self.t[j].kind {
                        Tok::Punct(b'}') => depth += 1,
                        Tok::Punct(b'{') if depth == 0 => break,
                        Tok::Punct(b'{') => depth -= 1,
                        Tok::Punct(b';') => break,
                        Tok::Ident if depth == 0 && !self.punct(j + 1, b':') => {
                            if let Some(n) = self.ident(j) {
                                out.push((n, source));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        out
    }

    /// Does the expression `s..e` take its value from the request, unguarded? What it reads.
    fn request_source(&self, s: usize, e: usize, names: &RequestNames<'a>) -> Option<&'static str> {
        let mut found = None;
        for j in s..e {
            // a ternary or an allow-list test: the value is checked before use
            let guarded =
                (self.punct(j, b'?') && !self.punct(j + 1, b'.') && !self.punct(j + 1, b'?'))
                    || matches!(
                        self.ident(j),
                        Some("includes" | "startsWith" | "has" | "test" | "validate")
                    );
            if guarded {
                return None;
            }
            if found.is_some() {
                continue;
            }
            found = self.request_read_at(j).or_else(|| {
                let id = self.ident(j)?;
                if j > 0 && self.punct(j - 1, b'.') {
                    return None;
                }
                names.iter().find(|(n, _)| *n == id).map(|(_, s)| *s)
            });
        }
        found
    }

    pub(super) fn caller_base_urls(&self, calls: &[SdkCall]) -> Vec<CallerBaseUrl> {
        if calls.is_empty() {
            return Vec::new();
        }
        let names = self.request_names();
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
            let Some(source) = self.request_source(*vs, *ve, &names) else {
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
        let t = "const { baseURL } = await req.json();\nconst o = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL });\n";
        assert_eq!(
            found("r.ts", t),
            [("request body", "OPENAI_API_KEY".into(), true)]
        );
        let t = "const body = await request.json();\nconst o = new OpenAI({ baseURL: body?.baseURL });\n";
        assert_eq!(
            found("r.ts", t),
            [("request body", "OPENAI_API_KEY".into(), false)]
        );
        let t = "const o = createOpenAI({ apiKey: process.env.OPENROUTER_API_KEY, baseURL: req.headers.get('x-base-url') });\n";
        assert_eq!(
            found("r.ts", t),
            [("request headers", "OPENROUTER_API_KEY".into(), true)]
        );
        let t = "const u = new URL(req.url).searchParams.get('base');\nconst o = new OpenAI({ baseURL: new URL(req.url).searchParams.get('base') });\n";
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
