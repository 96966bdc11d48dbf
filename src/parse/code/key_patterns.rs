//! Regexes that may validate a key's shape (`/^sk-[a-zA-Z0-9]{48}$/`,
//! `re.compile(r"^sk-…$")`), turned into the `regex` crate's syntax. Only the pattern's text is
//! read here; whether it rejects a provider's current keys is the check's question.

use super::{Analyzer, KeyPattern, Lang, Tok};

/// The literal text a pattern (after its start anchor) requires first: `sk-` for
/// `sk-[a-z]{48}`, `sk-an` for `sk-ant?-` (an optional character ends it).
fn literal_prefix(body: &str) -> String {
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        let lit = match c {
            c if c.is_ascii_alphanumeric() || c == '-' || c == '_' => c,
            _ => break,
        };
        if matches!(chars.peek(), Some('?' | '*' | '{')) {
            break;
        }
        out.push(lit);
        if matches!(chars.peek(), Some('+')) {
            break;
        }
    }
    out
}

/// How a regex is applied: as written, from the start (`re.match`), or whole (`re.fullmatch`).
#[derive(Clone, Copy, PartialEq)]
enum Applied {
    AsWritten,
    Start,
    Whole,
}

impl Analyzer<'_> {
    /// The pattern texts of this file: (body, case-insensitive, how applied, span).
    fn regex_texts(&self) -> Vec<(String, bool, Applied, crate::source::Span)> {
        let mut out = Vec::new();
        for i in 0..self.t.len() {
            let t = &self.t[i];
            match (&t.kind, self.lang) {
                (Tok::Regex, Lang::Js) => {
                    let text = t.text(self.src);
                    let Some(end) = text.rfind('/').filter(|&e| e > 0) else {
                        continue;
                    };
                    let flags = &text[end + 1..];
                    out.push((
                        text[1..end].to_string(),
                        flags.contains('i'),
                        Applied::AsWritten,
                        t.span,
                    ));
                }
                (Tok::Ident, _) => {
                    let id = t.text(self.src);
                    let found = match (self.lang, id) {
                        // `new RegExp("^sk-…", "i")`
                        (Lang::Js, "RegExp") if self.punct(i + 1, b'(') => {
                            let flags = self.punct(i + 3, b',').then(|| self.str_at(i + 4));
                            self.str_at(i + 2).map(|s| {
                                let ci = flags.flatten().is_some_and(|f| f.contains('i'));
                                (s, ci, Applied::AsWritten)
                            })
                        }
                        // `re.compile(r"…")`, `re.match(r"…", key)`, `re.fullmatch(…)`
                        (Lang::Py, "re") if self.punct(i + 1, b'.') && self.punct(i + 3, b'(') => {
                            let applied = match self.ident(i + 2) {
                                Some("compile" | "search") => Some(Applied::AsWritten),
                                Some("match") => Some(Applied::Start),
                                Some("fullmatch") => Some(Applied::Whole),
                                _ => None,
                            };
                            applied.and_then(|a| self.str_at(i + 4).map(|s| (s, false, a)))
                        }
                        // pydantic `Field(pattern=r"…")`, `constr(regex="…")`
                        (Lang::Py, "pattern" | "regex")
                            if self.punct(i + 1, b'=') && !self.punct(i + 2, b'=') =>
                        {
                            self.str_at(i + 2).map(|s| (s, false, Applied::AsWritten))
                        }
                        _ => None,
                    };
                    if let Some((s, ci, applied)) = found {
                        let at = if self.lang == Lang::Js {
                            i + 2
                        } else {
                            i + 2 + 2 * usize::from(id == "re")
                        };
                        out.push((s.to_string(), ci, applied, self.t[at].span));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Regexes anchored at their start whose required first text begins some catalog key
    /// (or is begun by one): `^sk-…`, `^AIza…`, `re.match(r"gsk_…")`.
    pub(super) fn key_patterns(&self) -> Vec<KeyPattern> {
        let mut out = Vec::new();
        for (body, ci, applied, span) in self.regex_texts() {
            let (anchored, rest) = if let Some(r) = body.strip_prefix('^') {
                (true, r)
            } else if let Some(r) = body.strip_prefix("\\A") {
                (true, r)
            } else {
                (applied != Applied::AsWritten, body.as_str())
            };
            if !anchored {
                continue;
            }
            let prefix = literal_prefix(rest);
            // the statement was found through a key prefix (`sk-`, `AIza`): a pattern whose
            // required text holds none is left alone (see `Catalog::code_anchors`)
            let anchored_by_prefix = prefix.contains("sk-")
                || self
                    .catalog
                    .code_anchors()
                    .prefixes
                    .is_match(prefix.as_str());
            if prefix.len() < 3
                || !anchored_by_prefix
                || !self
                    .catalog
                    .providers
                    .iter()
                    .any(|p| begins_a_key(p, &prefix))
            {
                continue;
            }
            // Python's `\Z` is the `regex` crate's `\z`
            let body = if self.lang == Lang::Py {
                body.replace("\\Z", "\\z")
            } else {
                body
            };
            let mut pattern = match applied {
                Applied::AsWritten => body,
                Applied::Start => format!("^(?:{body})"),
                Applied::Whole => format!("^(?:{body})$"),
            };
            if ci {
                pattern.insert_str(0, "(?i)");
            }
            out.push(KeyPattern {
                pattern,
                prefix,
                span,
            });
        }
        out
    }
}

/// Does `prefix` begin one of the provider's key formats, or one of them begin it?
pub(crate) fn begins_a_key(p: &crate::catalog::Provider, prefix: &str) -> bool {
    p.keys.iter().any(|k| {
        let lit = k.example.split('{').next().unwrap_or("");
        lit.len() >= 3 && (lit.starts_with(prefix) || prefix.starts_with(lit))
    })
}

#[cfg(test)]
mod tests {
    use super::literal_prefix;
    use crate::catalog::Catalog;
    use crate::facts::Outline;

    fn patterns(path: &str, text: &str) -> Vec<(String, String)> {
        let c = Catalog::builtin().expect("catalog");
        let f = super::super::parse(path, text, &c);
        let Outline::Code(code) = &f.outline else {
            panic!("code outline")
        };
        code.key_patterns
            .iter()
            .map(|k| (k.pattern.clone(), k.prefix.clone()))
            .collect()
    }

    #[test]
    fn prefixes() {
        assert_eq!(literal_prefix("sk-[a-z]{48}$"), "sk-");
        assert_eq!(literal_prefix("sk-ant-api0\\d"), "sk-ant-api0");
        // an escape ends it: the statement is found through the key prefix as written
        assert_eq!(literal_prefix("sk\\-ant"), "sk");
        assert_eq!(literal_prefix("sk-proj?-"), "sk-pro");
        assert_eq!(literal_prefix("gsk_+"), "gsk_");
        assert_eq!(literal_prefix("(sk-|gsk_)"), "");
    }

    #[test]
    fn shapes() {
        assert_eq!(
            patterns("a.ts", "const ok = /^sk-[a-zA-Z0-9]{48}$/i.test(k);\n"),
            [("(?i)^sk-[a-zA-Z0-9]{48}$".to_string(), "sk-".to_string())]
        );
        assert_eq!(
            patterns(
                "a.ts",
                "const r = new RegExp(\"^AIza[0-9A-Za-z_-]{35}$\");\n"
            ),
            [("^AIza[0-9A-Za-z_-]{35}$".to_string(), "AIza".to_string())]
        );
        assert_eq!(
            patterns("a.py", "ok = re.fullmatch(r\"gsk_[a-z0-9]{52}\\Z\", k)\n"),
            [("^(?:gsk_[a-z0-9]{52}\\z)$".to_string(), "gsk_".to_string())]
        );
        assert_eq!(
            patterns("a.py", "key: str = Field(pattern=r\"^sk-ant-[\\w-]+$\")\n"),
            [("^sk-ant-[\\w-]+$".to_string(), "sk-ant-".to_string())]
        );
        // not anchored (a scanner), no key prefix, a path
        for t in [
            "const m = line.replace(/sk-[a-zA-Z0-9]{48}/g, '***');\n",
            "const r = /^v[0-9]+$/;\n",
            "const r = /^skip-[a-z]+$/;\n",
        ] {
            assert_eq!(patterns("a.ts", t), vec![], "{t}");
        }
        assert_eq!(
            patterns("a.py", "re.search(r\"sk-[a-z]{48}\", text)\n"),
            vec![]
        );
    }
}
