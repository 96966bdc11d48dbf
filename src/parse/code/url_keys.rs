//! Keys put into URL query strings (`?key=${apiKey}`, `f"…&api_key={key}"`, `"?key=" + key`,
//! `params={"key": api_key}`), and whether the URL is printed or put in an exception message.
//! Hand-written on the code front end's tokens: the facts need spans of the value and of the
//! call that prints it.

use std::sync::LazyLock;

use regex::Regex;

use super::{Aliases, Analyzer, FSTRING_ENV, Lang, Span, Tok, UrlKey};

/// Query parameters that carry a key (`key` is Gemini's REST form).
const KEY_PARAMS: &[&str] = &[
    "key",
    "api_key",
    "apikey",
    "api-key",
    "x-api-key",
    "token",
    "access_token",
    "auth_token",
];

/// Parameters whose name alone says "API key": a plain `key` or `token` variable in them is one.
fn names_api_key(param: &str) -> bool {
    let l = param.to_ascii_lowercase().replace(['_', '-'], "");
    l.ends_with("apikey")
}

/// `…?key=` / `…&api_key=` at the end of a literal: the parameter. Only the `…key` names: the
/// code front end finds these statements through the word `key=` (a `?token=` or `?apiKey=`
/// would need a word of its own, see `Catalog::code_anchors`).
fn param_at_end(s: &str) -> Option<&str> {
    let s = s.strip_suffix('=')?;
    let p = &s[s.rfind(['?', '&'])? + 1..];
    in_query_literal(p).then_some(p)
}

fn in_query_literal(p: &str) -> bool {
    p.ends_with("key") && KEY_PARAMS.iter().any(|k| k.eq_ignore_ascii_case(p))
}

static FSTRING_PARAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[?&]([A-Za-z_-]+)=\{([^{}]*)\}").expect("internal error: query f-string regex")
});

/// A variable name that says "key": `apiKey`, `GEMINI_API_KEY`, `self.api_key`, `geminiKey`
/// (strong); `key`, `token` (weak: only in a parameter named as an API key, or in a file that
/// calls a provider's host).
fn var_strength(catalog: &crate::catalog::Catalog, id: &str) -> Option<bool> {
    let l = id.to_ascii_lowercase().replace(['_', '-'], "");
    if l.ends_with("apikey") || l.ends_with("secretkey") || l.ends_with("apitoken") {
        return Some(true);
    }
    // camelCase to SNAKE_CASE: `geminiKey` is the roles' `GEMINI_KEY`
    let mut snake = String::with_capacity(id.len() + 4);
    let mut prev_lower = false;
    for c in id.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            snake.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        snake.push(c.to_ascii_uppercase());
    }
    if crate::roles::is_llm_key(catalog, &snake) {
        return Some(true);
    }
    matches!(l.as_str(), "key" | "token" | "accesstoken").then_some(false)
}

impl<'a> Analyzer<'a> {
    /// What fills a query value written as the tokens `s..e`: (env name or variable, span).
    fn query_value(
        &self,
        s: usize,
        e: usize,
        aliases: &Aliases<'a>,
        param: &str,
        provider_host: bool,
    ) -> Option<(String, Span)> {
        let secret = |n: &str| crate::roles::is_secret_name(self.catalog, n);
        if s >= e {
            return None;
        }
        if let Some((n, span, _)) = (s..e).find_map(|i| self.env_read_at(i)) {
            return secret(n).then(|| (n.to_string(), span));
        }
        // a dotted chain and nothing else, or with a default: `apiKey`, `self.api_key`,
        // `config.gemini.apiKey ?? ''`
        let mut i = s;
        while self.ident(i).is_some() && self.punct(i + 1, b'.') && self.ident(i + 2).is_some() {
            i += 2;
        }
        let id = self.ident(i)?;
        let rest_ok = i + 1 == e || self.has_default_after(i + 1);
        if !rest_ok || matches!(id, "true" | "false" | "None" | "null" | "undefined") {
            return None;
        }
        if let Some(env) = aliases.get(id) {
            return secret(env).then(|| (env.to_string(), self.t[i].span));
        }
        let strong = var_strength(self.catalog, id)?;
        (strong || names_api_key(param) || provider_host).then(|| (id.to_string(), self.t[i].span))
    }

    /// The same for an f-string's `{expr}`.
    fn fstring_value(
        &self,
        expr: &str,
        aliases: &Aliases<'a>,
        param: &str,
        provider_host: bool,
    ) -> Option<String> {
        if let Some(n) = FSTRING_ENV.captures(expr).and_then(|c| c.get(1)) {
            let n = n.as_str();
            return crate::roles::is_secret_name(self.catalog, n).then(|| n.to_string());
        }
        let expr = expr.split(['!', ':']).next().unwrap_or("").trim();
        let valid = !expr.is_empty()
            && expr
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.');
        if !valid {
            return None;
        }
        let id = expr.rsplit('.').next().unwrap_or(expr);
        if let Some(env) = aliases.get(id) {
            return crate::roles::is_secret_name(self.catalog, env).then(|| env.to_string());
        }
        let strong = var_strength(self.catalog, id)?;
        (strong || names_api_key(param) || provider_host).then(|| id.to_string())
    }

    /// Is there a line break between tokens `j` and `j + 1`?
    fn breaks_after(&self, j: usize) -> bool {
        let (Some(a), Some(b)) = (self.t.get(j), self.t.get(j + 1)) else {
            return false;
        };
        let gap = self
            .src
            .as_bytes()
            .get(a.span.end as usize..b.span.start as usize)
            .unwrap_or(&[]);
        memchr::memchr(b'\n', gap).is_some()
    }

    /// The end of an operand starting at `s`: the next top-level `+ , ) ] } ;`, or a line
    /// break after a token that does not run on.
    fn operand_end(&self, s: usize) -> usize {
        let mut k = s;
        let mut depth = 0usize;
        while k < self.t.len() {
            if k > s && depth == 0 && self.breaks_after(k - 1) && !self.runs_on_at(k - 1) {
                break;
            }
            match self.t[k].kind {
                Tok::Punct(b'(' | b'[' | b'{' | b'$') => depth += 1,
                Tok::Punct(b')' | b']' | b'}') if depth == 0 => break,
                Tok::Punct(b')' | b']' | b'}') => depth -= 1,
                Tok::Punct(b'+' | b',' | b';') if depth == 0 => break,
                _ => {}
            }
            k += 1;
        }
        k
    }

    /// Every key put into a URL's query string in this file.
    pub(super) fn url_keys(&self, aliases: &Aliases<'a>, provider_host: bool) -> Vec<UrlKey> {
        // (param, key, span, first token of the expression holding it)
        let mut sites: Vec<(String, String, Span, usize)> = Vec::new();
        let mut push = |p: &str, v: Option<(String, Span)>, at: usize| {
            if let Some((k, span)) = v {
                sites.push((p.to_string(), k, span, at));
            }
        };
        for i in 0..self.t.len() {
            match &self.t[i].kind {
                // `` `…?key=${apiKey}` ``, `` `…?key=` + apiKey ``
                Tok::Tmpl { value } => {
                    let Some(p) = param_at_end(value) else {
                        continue;
                    };
                    if self.punct(i + 1, b'$') {
                        let e = self.operand_end(i + 2);
                        push(p, self.query_value(i + 2, e, aliases, p, provider_host), i);
                    } else if self.punct(i + 1, b'`') && self.punct(i + 2, b'+') {
                        let e = self.operand_end(i + 3);
                        push(p, self.query_value(i + 3, e, aliases, p, provider_host), i);
                    }
                }
                Tok::Str {
                    value,
                    fstring: false,
                } => {
                    // `"…?key=" + key`
                    if let Some(p) = param_at_end(value) {
                        if self.punct(i + 1, b'+') {
                            let e = self.operand_end(i + 2);
                            push(p, self.query_value(i + 2, e, aliases, p, provider_host), i);
                        }
                        continue;
                    }
                    // `"…?key={}".format(key)`, `"…?key=%s" % key`
                    let fmt = value
                        .strip_suffix("{}")
                        .filter(|_| {
                            self.punct(i + 1, b'.')
                                && self.ident(i + 2) == Some("format")
                                && self.punct(i + 3, b'(')
                        })
                        .map(|v| (v, i + 4))
                        .or_else(|| {
                            value
                                .strip_suffix("%s")
                                .filter(|_| self.punct(i + 1, b'%'))
                                .map(|v| (v, i + 2))
                        });
                    if let Some((p, s)) = fmt.and_then(|(v, s)| Some((param_at_end(v)?, s))) {
                        let e = self.operand_end(s);
                        push(p, self.query_value(s, e, aliases, p, provider_host), i);
                    }
                }
                // f"…?key={api_key}"
                Tok::Str {
                    value,
                    fstring: true,
                } => {
                    let raw = self.t[i].text(self.src);
                    for c in FSTRING_PARAM.captures_iter(value) {
                        let (Some(p), Some(expr)) = (c.get(1), c.get(2)) else {
                            continue;
                        };
                        let param = p.as_str();
                        if !in_query_literal(param) {
                            continue;
                        }
                        let Some(key) =
                            self.fstring_value(expr.as_str(), aliases, param, provider_host)
                        else {
                            continue;
                        };
                        let needle = format!("{{{}}}", expr.as_str());
                        let span = raw.find(&needle).map_or(self.t[i].span, |o| {
                            let at = self.t[i].span.start as usize + o + 1;
                            Span::new(at, at + expr.len())
                        });
                        push(param, Some((key, span)), i);
                    }
                }
                Tok::Ident => {
                    let id = self.t[i].text(self.src);
                    // `params={"key": api_key}`, `params: { key }`, `URLSearchParams({ key })`
                    let open = match id {
                        "params" if self.punct(i + 1, b'=') || self.punct(i + 1, b':') => {
                            Some(i + 2).filter(|&o| self.punct(o, b'{'))
                        }
                        "URLSearchParams" if self.punct(i + 1, b'(') => {
                            Some(i + 2).filter(|&o| self.punct(o, b'{'))
                        }
                        _ => None,
                    };
                    if let Some(open) = open {
                        let close = self.close_of(open);
                        for (k, _, vs, ve) in self.pairs(open, close, b':') {
                            if KEY_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(&k)) {
                                push(&k, self.query_value(vs, ve, aliases, &k, provider_host), i);
                            }
                        }
                        continue;
                    }
                    // `url.searchParams.set("key", apiKey)`, `.append(…)`
                    if id == "searchParams"
                        && self.punct(i + 1, b'.')
                        && matches!(self.ident(i + 2), Some("set" | "append"))
                        && self.punct(i + 3, b'(')
                        && self.punct(i + 5, b',')
                    {
                        if let Some(p) = self
                            .str_at(i + 4)
                            .filter(|p| KEY_PARAMS.iter().any(|k| k.eq_ignore_ascii_case(p)))
                        {
                            let e = self.operand_end(i + 6);
                            push(p, self.query_value(i + 6, e, aliases, p, provider_host), i);
                        }
                    }
                }
                _ => {}
            }
        }
        if sites.is_empty() {
            return Vec::new();
        }
        let prints = self.print_calls();
        sites
            .into_iter()
            .map(|(param, key, span, at)| {
                let direct = prints
                    .iter()
                    .find(|(_, _, open, close)| *open < at && at < *close);
                // a variable printed later: by a log or print call only (those statements are
                // found through their own words; a `raise` or `throw` elsewhere is not)
                let printed = direct
                    .or_else(|| {
                        let var = self.assigned_var(at)?;
                        prints.iter().find(|(callee, _, open, close)| {
                            !matches!(callee.as_str(), "raise" | "throw")
                                && *open > at
                                && self.mentions(*open, *close, var)
                        })
                    })
                    .map(|(callee, span, _, _)| (callee.clone(), *span));
                UrlKey {
                    param,
                    key,
                    span,
                    printed,
                }
            })
            .collect()
    }

    /// Calls that print or raise: (callee, its span, index of `(`, index of `)`).
    fn print_calls(&self) -> Vec<(String, Span, usize, usize)> {
        let mut out = Vec::new();
        for i in 0..self.t.len() {
            let (callee, open) = if let Some(c) = self.log_call_at(i) {
                c
            } else if let Some(kw @ ("raise" | "throw")) = self.ident(i) {
                // `raise ValueError(`, `throw new Error(`, `raise errors.Http(`
                let mut j = i + 1;
                if self.ident(j) == Some("new") {
                    j += 1;
                }
                while self.ident(j).is_some() && self.punct(j + 1, b'.') {
                    j += 2;
                }
                if self.ident(j).is_none() || !self.punct(j + 1, b'(') {
                    continue;
                }
                (kw.to_string(), j + 1)
            } else {
                continue;
            };
            out.push((callee, self.t[i].span, open, self.close_of(open)));
        }
        out
    }

    /// Does `open..close` pass the variable `var` (`url`, `{url}` in an f-string)?
    fn mentions(&self, open: usize, close: usize, var: &str) -> bool {
        (open + 1..close).any(|j| match &self.t[j].kind {
            Tok::Ident => {
                self.t[j].text(self.src) == var
                    && (!self.punct(j - 1, b'.')
                        || matches!(self.ident(j.saturating_sub(2)), Some("self" | "this")))
            }
            Tok::Str {
                value,
                fstring: true,
            } => super::FSTRING_REF.captures_iter(value).any(|c| {
                c.get(1)
                    .is_some_and(|m| m.as_str().rsplit('.').next() == Some(var))
            }),
            _ => false,
        })
    }

    /// Does the token at `j` end a line that runs on into the next (`=`, `+`, `(`, `,` …)?
    fn runs_on_at(&self, j: usize) -> bool {
        matches!(
            self.t[j].kind,
            Tok::Punct(b'=' | b'+' | b'(' | b',' | b'[' | b'{' | b'?' | b':' | b'|' | b'&' | b'%')
        )
    }

    /// The variable the expression holding token `at` is assigned to (`url = f"…"`,
    /// `const u = base + "?key=" + k`, `self.url = …`, `url += …`), within its statement.
    fn assigned_var(&self, at: usize) -> Option<&'a str> {
        // `params = {"key": k}`: the dict is the variable (a `params=` keyword argument is not)
        if self.ident(at).is_some()
            && self.punct(at + 1, b'=')
            && !self.punct(at + 2, b'=')
            && !(at > 0 && (self.punct(at - 1, b'(') || self.punct(at - 1, b',')))
        {
            return self.ident(at);
        }
        let mut j = at;
        let mut depth = 0usize;
        let mut steps = 0;
        while j > 0 && steps < 64 {
            steps += 1;
            let next = j;
            j -= 1;
            // a line break ends the statement unless the line runs on
            if depth == 0 && self.breaks_after(j) {
                let runs_on = self.runs_on_at(j);
                let continues = matches!(
                    self.t[next].kind,
                    Tok::Punct(b'+' | b'.' | b'?' | b':' | b')' | b']' | b'}')
                );
                if !runs_on && !continues {
                    return None;
                }
            }
            match self.t[j].kind {
                Tok::Punct(b')' | b']' | b'}') => depth += 1,
                Tok::Punct(b'(' | b'[' | b'{' | b'$') => {
                    if depth == 0 {
                        return None;
                    }
                    depth -= 1;
                }
                Tok::Punct(b';') => return None,
                Tok::Punct(b'=') if depth == 0 => {
                    let before = |c: u8| j > 0 && self.punct(j - 1, c);
                    let compare = self.punct(j + 1, b'=')
                        || self.punct(j + 1, b'>')
                        || [b'=', b'!', b'<', b'>'].iter().any(|&c| before(c));
                    if compare || j < 2 && before(b'+') || j == 0 {
                        continue;
                    }
                    let mut k = if before(b'+') { j - 2 } else { j - 1 };
                    // `const url: string =`
                    if self.lang == Lang::Js && k >= 2 && self.punct(k - 1, b':') {
                        k -= 2;
                    }
                    return self.ident(k);
                }
                Tok::Ident if depth == 0 => {
                    if matches!(self.t[j].text(self.src), "return" | "yield" | "await") {
                        return None;
                    }
                }
                _ => {}
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;
    use crate::facts::Outline;

    /// (param, key, printing callee) of each key in a URL query of `text`.
    fn found(path: &str, text: &str) -> Vec<(String, String, Option<String>)> {
        let c = Catalog::builtin().expect("catalog");
        let f = super::super::parse(path, text, &c);
        let Outline::Code(code) = &f.outline else {
            panic!("code outline")
        };
        code.url_keys
            .iter()
            .map(|u| {
                let printed = u.printed.as_ref().map(|(c, _)| c.clone());
                (u.param.clone(), u.key.clone(), printed)
            })
            .collect()
    }

    fn one(param: &str, key: &str, printed: Option<&str>) -> Vec<(String, String, Option<String>)> {
        vec![(param.into(), key.into(), printed.map(String::from))]
    }

    #[test]
    fn js_shapes() {
        let t = "const k = process.env.GEMINI_API_KEY;\nconst u = `https://generativelanguage.googleapis.com/v1beta/models?key=${k}`;\nconsole.log('GET', u);\n";
        assert_eq!(
            found("a.js", t),
            one("key", "GEMINI_API_KEY", Some("console.log"))
        );
        let t = "fetch(BASE + '?api_key=' + this.apiKey);\n";
        assert_eq!(found("a.js", t), one("api_key", "apiKey", None));
        let t = "axios.get(u, { params: { key: geminiKey, alt: 'json' } });\n";
        assert_eq!(found("a.js", t), one("key", "geminiKey", None));
        let t = "u.searchParams.set('key', apiKey);\n";
        assert_eq!(found("a.js", t), one("key", "apiKey", None));
        let t = "const url = `${base}?email=${e}&api_key=${process.env.ZEROBOUNCE_API_KEY}`;\nif (!r.ok) console.error(`failed: ${url}`);\n";
        assert_eq!(
            found("a.js", t),
            one("api_key", "ZEROBOUNCE_API_KEY", Some("console.error"))
        );
        // a throw counts where it builds the URL itself
        let t = "throw new Error(`no access: ${base}?key=${apiKey}`);\n";
        assert_eq!(found("a.js", t), one("key", "apiKey", Some("throw")));
        let t = "const url = `${base}?key=${apiKey}`;\nthrow new Error(`failed: ${url}`);\n";
        assert_eq!(found("a.js", t), one("key", "apiKey", None));
    }

    #[test]
    fn python_shapes() {
        let t = "KEY = os.environ['GEMINI_API_KEY']\nurl = f\"https://x.example/v1?key={KEY}\"\nlogger.info(\"calling %s\", url)\n";
        assert_eq!(
            found("a.py", t),
            one("key", "GEMINI_API_KEY", Some("logger.info"))
        );
        let t = "r = requests.get(u, params={\"key\": self.api_key})\n";
        assert_eq!(found("a.py", t), one("key", "api_key", None));
        let t = "params = {\"key\": settings.GOOGLE_API_KEY}\nlogger.error(f\"bad response for {params}\")\n";
        assert_eq!(
            found("a.py", t),
            one("key", "GOOGLE_API_KEY", Some("logger.error"))
        );
        let t = "u = \"https://x.example/v?api_key={}\".format(key)\n";
        assert_eq!(found("a.py", t), one("api_key", "key", None));
        let t = "print(f\"https://x.example/v?api_key={os.environ['ACME_API_TOKEN']}\")\n";
        assert_eq!(
            found("a.py", t),
            one("api_key", "ACME_API_TOKEN", Some("print"))
        );
        let t = "r = requests.get(u, params={\"token\": os.environ['ACME_API_TOKEN']})\n";
        assert_eq!(found("a.py", t), one("token", "ACME_API_TOKEN", None));
        // a `?token=` or `?apiKey=` written in the URL is not looked for (no anchor word)
        for t in [
            "u = f\"https://x.example/v?token={os.environ['ACME_API_TOKEN']}\"\n",
            "u = f\"https://x.example/v?apiKey={os.environ['ACME_API_TOKEN']}\"\n",
        ] {
            assert_eq!(found("a.py", t), vec![], "{t}");
        }
    }

    #[test]
    fn not_keys() {
        for t in [
            // not a key parameter, a placeholder, a key that is no secret by its name
            "const u = `https://x.example/v1?model=${model}&key=YOUR_API_KEY`;\n",
            "params = {\"key\": \"YOUR_API_KEY\", \"model\": model}\n",
            "const u = `/api/storage?key=${cacheKey}`;\n",
            "const ws = new WebSocket(`wss://${host}/live?token=${token}`);\n",
            "const u = `/api/items?key=${key}`;\n",
            "url = f\"https://x.example/v?key={os.environ['PUBLIC_KEY_PATH']}\"\n",
            "r = requests.get(u, params={\"key\": len(api_key)})\n",
        ] {
            assert_eq!(found("a.js", t), vec![], "{t}");
            assert_eq!(found("a.py", t), vec![], "{t}");
        }
    }

    #[test]
    fn printing_a_different_statement_is_not_printing_the_url() {
        let t = "url = f\"https://x.example/v?key={api_key}\"\nprint(\"done\")\nlogger.info(\"status %s\", resp.status_code)\n";
        assert_eq!(found("a.py", t), one("key", "api_key", None));
        // printed before it was built
        let t = "console.log(url);\nconst url = `https://x.example/v?key=${apiKey}`;\n";
        assert_eq!(found("a.js", t), one("key", "apiKey", None));
    }
}
