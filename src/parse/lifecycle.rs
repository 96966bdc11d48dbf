//! Source files → uses of what the lifecycle catalog names (`rules/lifecycle.toml`): a retired
//! model id passed as a model, a retired API's attribute chain (`client.beta.assistants`) or
//! tool (`{"type": "retrieval"}`), and the calls of one SDK generation (`openai.ChatCompletion`
//! of openai-python 0.x, `from openai import OpenAI` of 1.x).
//!
//! Hand-written for speed, like the rest of the code front end: one aho-corasick search over
//! the file for the catalog's words, then only the statements around a hit are tokenized (by
//! [`lex`](crate::parse::lex), so nothing inside a comment or string is taken for code), and
//! the tokens decide. A model id counts only where it is given as a model — the value of a
//! `model`/`engine` argument, key or variable, or a `default=` beside the word `model` — never
//! in a list, a price table or a comparison, where a library merely knows the name.

use aho_corasick::AhoCorasick;

use crate::catalog::Catalog;
use crate::facts::code::{Lang, Lifecycle, LifecycleUse};
use crate::parse::lex::{Tok, Token};

/// Parts of the lifecycle table's words that the search looks for instead of the words
/// (`laude-` for the eighteen retired Claude ids), each cut to start at bytes that are rare in
/// code (`ieval`, not `retrieval`, whose `ret` starts every `return`; `nai.`, not `openai.`,
/// whose `ope` starts `open`): twice as fast on the bench tree and on real checkouts as the
/// whole words. Case-sensitive: model ids, attribute chains
/// and module names are written in lower case (`openai.ChatCompletion` is the module's own
/// spelling), and a case-insensitive search would leave the SIMD path (about 4x slower here).
const STEMS: &[&str] = &[
    "davinci",
    "urie",
    "babbage",
    "-ada-",
    "shman",
    "laude-",
    "emini-",
    "pt-4",
    "o1-",
    "ieval",
    "sistants",
    "hreads",
    "nai.",
    "nai import",
];

/// What the scan searches for, built once per catalog.
#[derive(Debug)]
pub struct Anchors {
    ac: Option<AhoCorasick>,
}

impl Anchors {
    pub fn build(catalog: &Catalog) -> Self {
        let mut words: Vec<String> = Vec::new();
        for m in &catalog.retired_models {
            words.extend(m.ids.iter().cloned());
        }
        for a in &catalog.retired_apis {
            words.extend(a.chains.iter().cloned());
            words.extend(a.tool.iter().cloned());
        }
        for g in &catalog.sdk_generations {
            words.extend(g.before.iter().map(|b| format!("{}.{b}", g.module)));
            words.extend(g.after.iter().map(|n| format!("{}.{n}", g.module)));
            words.push(format!("from {} import", g.module));
        }
        let minimal = crate::teddy::minimal(words);
        // an anchor only has to land in the statement: a word is searched through the stem it
        // holds (a few dozen ids become a dozen words, which keeps the search on aho-corasick's
        // SIMD path), or as itself when it holds none (a table entry from `.keylint.toml`)
        let mut words: Vec<String> = minimal
            .into_iter()
            .map(|w| {
                STEMS
                    .iter()
                    .find(|s| w.contains(*s))
                    .map_or(w, |s| (*s).to_string())
            })
            .collect();
        words.sort();
        words.dedup();
        let ac = (!words.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(crate::teddy::order(words))
                .expect("internal error: lifecycle anchors")
        });
        Anchors { ac }
    }
}

/// Names a model id is given under (`model=`, `"model":`, `MODEL =`, `engine=`).
fn model_name(name: &str) -> bool {
    let l = name.trim_matches(['"', '\'']).to_ascii_lowercase();
    (l.contains("model") && !l.ends_with("models") && !l.contains("embedding_model_list"))
        || l == "engine"
        || l.ends_with("_engine")
}

/// The statements around the lifecycle words in `text` (sorted, disjoint line ranges).
pub fn windows(text: &str, catalog: &Catalog) -> Vec<(usize, usize)> {
    let Some(ac) = &catalog.lifecycle_anchors().ac else {
        return Vec::new();
    };
    let b = text.as_bytes();
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for m in ac.find_iter(text) {
        let (from, to) = crate::parse::code::statement_lines(b, m.start(), m.end());
        match windows.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => windows.push((from, to)),
        }
    }
    windows
}

/// The uses in one file, from its own search and tokenization.
#[cfg(test)]
pub fn scan(text: &str, lang: Lang, catalog: &Catalog) -> Vec<LifecycleUse> {
    let windows = windows(text, catalog);
    if windows.is_empty() {
        return Vec::new();
    }
    let toks = match lang {
        Lang::Js => crate::parse::lex::js_in(text, Some(&windows)),
        Lang::Py => crate::parse::lex::python_in(text, Some(&windows)),
        Lang::Other => return Vec::new(),
    };
    scan_tokens(text, &toks, lang, catalog)
}

/// The uses among tokens that cover at least the statements of [`windows`] (the code front
/// end lexes its own windows and these together, once).
pub fn scan_tokens(text: &str, toks: &[Token], lang: Lang, catalog: &Catalog) -> Vec<LifecycleUse> {
    let s = Scan {
        src: text,
        t: toks,
        catalog,
    };
    let mut out = Vec::new();
    for i in 0..toks.len() {
        s.model_at(i, &mut out);
        s.api_at(i, &mut out);
        if lang == Lang::Py {
            s.generation_at(i, &mut out);
        }
    }
    out
}

struct Scan<'a> {
    src: &'a str,
    t: &'a [Token],
    catalog: &'a Catalog,
}

impl<'a> Scan<'a> {
    fn ident(&self, i: usize) -> Option<&'a str> {
        let t = self.t.get(i)?;
        (t.kind == Tok::Ident).then(|| t.text(self.src))
    }

    fn punct(&self, i: usize, c: u8) -> bool {
        self.t.get(i).is_some_and(|t| t.is_punct(c))
    }

    /// The name a value at `i` is given to: `name=`, `name:` (a key or a kwarg), `name: T =`.
    fn given_to(&self, i: usize) -> Option<&'a str> {
        let name_at = |j: usize| -> Option<&'a str> {
            let t = self.t.get(j)?;
            match &t.kind {
                Tok::Ident => Some(t.text(self.src)),
                Tok::Str { fstring: false, .. } => Some(t.text(self.src)),
                _ => None,
            }
        };
        if i < 2 {
            return None;
        }
        let sep = i - 1;
        if !(self.punct(sep, b'=') || self.punct(sep, b':')) {
            return None;
        }
        // `==`, `!=`, `<=`, `>=`, `:=` are comparisons or walrus, not a setting
        if self.punct(sep, b'=')
            && (self.punct(sep - 1, b'=')
                || self.punct(sep - 1, b'!')
                || self.punct(sep - 1, b'<')
                || self.punct(sep - 1, b'>'))
        {
            return None;
        }
        // `model: str = "…"` (an annotated Python field or parameter)
        if self.punct(sep, b'=')
            && i >= 4
            && self.ident(sep - 1).is_some()
            && self.punct(sep - 2, b':')
        {
            return name_at(sep - 3);
        }
        name_at(sep - 1)
    }

    fn model_at(&self, i: usize, out: &mut Vec<LifecycleUse>) {
        let Some(Tok::Str {
            value,
            fstring: false,
        }) = self.t.get(i).map(|t| &t.kind)
        else {
            return;
        };
        let Some(idx) = self.catalog.retired_model_index(value) else {
            return;
        };
        // a TypeScript union of ids (`type ModelId = 'o1-mini' | 'gpt-4o'`) lists names
        let union = |j: usize| {
            self.punct(j, b'|') && !self.punct(j + 1, b'|') && !self.punct(j.wrapping_sub(1), b'|')
        };
        if union(i + 1) || union(i.wrapping_sub(1)) {
            return;
        }
        let name = match self.given_to(i) {
            Some(n) => n,
            None => {
                if self.env_default(i) {
                    out.push(LifecycleUse {
                        what: Lifecycle::Model(idx),
                        text: value.clone(),
                        span: self.t[i].span,
                    });
                }
                return;
            }
        };
        let counts = model_name(name)
            || (name == "default" && {
                // `add_argument("--model", default="…")`, `Field(default="…")` on a model field
                let t = &self.t[i];
                let line_start = self.src[..t.span.start as usize]
                    .rfind('\n')
                    .map_or(0, |p| p + 1);
                let line_end = self.src[t.span.end as usize..]
                    .find('\n')
                    .map_or(self.src.len(), |p| t.span.end as usize + p);
                self.src[line_start..line_end]
                    .to_ascii_lowercase()
                    .contains("model")
            });
        if counts {
            out.push(LifecycleUse {
                what: Lifecycle::Model(idx),
                text: value.clone(),
                span: self.t[i].span,
            });
        }
    }

    /// `getenv("OPENAI_MODEL", "<id>")`, `environ.get("MODEL", "<id>")`,
    /// `process.env.MODEL || "<id>"`, `?? "<id>"`: the fallback of an env read named like a model.
    fn env_default(&self, i: usize) -> bool {
        if i >= 3 && self.punct(i - 1, b',') && self.punct(i - 3, b'(') {
            if let Some(Tok::Str {
                value,
                fstring: false,
            }) = self.t.get(i - 2).map(|t| &t.kind)
            {
                return model_name(value);
            }
        }
        let op = i >= 3
            && ((self.punct(i - 1, b'|') && self.punct(i - 2, b'|'))
                || (self.punct(i - 1, b'?') && self.punct(i - 2, b'?')));
        op && self.ident(i - 3).is_some_and(model_name)
    }

    fn api_at(&self, i: usize, out: &mut Vec<LifecycleUse>) {
        for (ai, api) in self.catalog.retired_apis.iter().enumerate() {
            for chain in &api.chains {
                // a member of something (`client.beta.assistants`), called further on
                // (`.create(…)`, `.runs.list(…)`): not an import path, not the SDK passing
                // its own resource object around
                if !self.punct(i.wrapping_sub(1), b'.') {
                    continue;
                }
                if let Some(end) = self.chain_at(i, chain).filter(|&e| self.called_after(e)) {
                    // `x.beta.assistants` counts once, at its first segment
                    let span = crate::source::Span::new(
                        self.t[i].span.start as usize,
                        self.t[end].span.end as usize,
                    );
                    out.push(LifecycleUse {
                        what: Lifecycle::Api(ai),
                        text: chain.clone(),
                        span,
                    });
                }
            }
            if let (Some(tool), Some(ctx)) = (&api.tool, &api.context) {
                let Some(Tok::Str {
                    value,
                    fstring: false,
                }) = self.t.get(i).map(|t| &t.kind)
                else {
                    continue;
                };
                if value != tool
                    || self
                        .given_to(i)
                        .is_none_or(|n| n.trim_matches(['"', '\'']) != "type")
                {
                    continue;
                }
                if memchr::memmem::find(self.src.as_bytes(), ctx.as_bytes()).is_some() {
                    out.push(LifecycleUse {
                        what: Lifecycle::Api(ai),
                        text: tool.clone(),
                        span: self.t[i].span,
                    });
                }
            }
        }
    }

    /// `.a(…)`, `.a.b(…)`, `.a.b.c(…)` after token `end`.
    fn called_after(&self, end: usize) -> bool {
        let mut j = end + 1;
        for _ in 0..4 {
            if !(self.punct(j, b'.') && self.ident(j + 1).is_some()) {
                return false;
            }
            j += 2;
            if self.punct(j, b'(') {
                return true;
            }
        }
        false
    }

    /// The index of the chain's last token when `a.b` starts at `i` (and not in the middle of a
    /// longer chain that starts with the same segment: `x.beta.assistants` is found at `beta`).
    fn chain_at(&self, i: usize, chain: &str) -> Option<usize> {
        let mut j = i;
        for (k, seg) in chain.split('.').enumerate() {
            if k > 0 {
                if !self.punct(j, b'.') {
                    return None;
                }
                j += 1;
            }
            if self.ident(j) != Some(seg) {
                return None;
            }
            j += 1;
        }
        Some(j - 1)
    }

    fn generation_at(&self, i: usize, out: &mut Vec<LifecycleUse>) {
        let Some(id) = self.ident(i) else { return };
        for (gi, g) in self.catalog.sdk_generations.iter().enumerate() {
            if id == "from"
                && self.ident(i + 1) == Some(g.module.as_str())
                && self.ident(i + 2) == Some("import")
            {
                // `from openai import (OpenAI, AsyncOpenAI)`
                let mut j = i + 3;
                let mut depth = 0usize;
                while j < self.t.len() && j < i + 40 {
                    // the statement ends at a line break outside parentheses
                    let gap =
                        &self.src[self.t[j - 1].span.end as usize..self.t[j].span.start as usize];
                    if depth == 0 && gap.contains('\n') && !self.punct(j - 1, b'\\') {
                        break;
                    }
                    match self.t[j].kind {
                        Tok::Punct(b'(') => depth += 1,
                        Tok::Punct(b')') => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    match self.t[j].kind {
                        Tok::Ident => {
                            let name = self.t[j].text(self.src);
                            if name == "import" || name == "from" {
                                break;
                            }
                            if g.after.iter().any(|a| a == name)
                                && self.ident(j.wrapping_sub(1)).is_none_or(|p| p != "as")
                            {
                                out.push(LifecycleUse {
                                    what: Lifecycle::After(gi),
                                    text: format!("from {} import {name}", g.module),
                                    span: self.t[j].span,
                                });
                            }
                        }
                        Tok::Punct(b',' | b'(' | b')' | b'\\') => {}
                        _ => break,
                    }
                    j += 1;
                }
                continue;
            }
            if id != g.module || self.punct(i.wrapping_sub(1), b'.') || !self.punct(i + 1, b'.') {
                continue;
            }
            let Some(attr) = self.ident(i + 2) else {
                continue;
            };
            let span = crate::source::Span::new(
                self.t[i].span.start as usize,
                self.t[i + 2].span.end as usize,
            );
            if g.before.iter().any(|b| b == attr) && imports_module(self.src, &g.module) {
                out.push(LifecycleUse {
                    what: Lifecycle::Before(gi),
                    text: format!("{}.{attr}", g.module),
                    span,
                });
            } else if g.after.iter().any(|a| a == attr) {
                out.push(LifecycleUse {
                    what: Lifecycle::After(gi),
                    text: format!("{}.{attr}", g.module),
                    span,
                });
            }
        }
    }
}

/// `import openai` (also `import openai as x`, `import os, openai`) somewhere in the file: the
/// name is the package's module, not a local object that happens to share it.
fn imports_module(src: &str, module: &str) -> bool {
    src.lines().any(|l| {
        let l = l.trim_start();
        let Some(rest) = l.strip_prefix("import ") else {
            return false;
        };
        rest.split(',')
            .any(|part| part.split_whitespace().next() == Some(module))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(src: &str, lang: Lang) -> Vec<String> {
        let c = Catalog::builtin().expect("catalog");
        scan(src, lang, &c)
            .into_iter()
            .map(|u| format!("{:?}:{}", u.what, u.text))
            .collect()
    }

    #[test]
    fn model_ids_count_only_as_models() {
        let py =
            "import openai\nr = openai.Completion.create(engine=\"text-davinci-003\", prompt=p)\n";
        let got = uses(py, Lang::Py);
        assert!(
            got.iter().any(|u| u.contains("text-davinci-003")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|u| u.starts_with("Before") && u.contains("openai.Completion")),
            "{got:?}"
        );
        // lists, tables, comparisons, comments and docstrings are no use
        for quiet in [
            "MODELS = [\"text-davinci-003\", \"gpt-4o\"]\n",
            "PRICES = {\"text-davinci-003\": 0.02}\n",
            "if model == \"text-davinci-003\":\n    pass\n",
            "# model=\"text-davinci-003\"\n",
            "\"\"\"\nmodel=\"text-davinci-003\"\n\"\"\"\n",
            "model = \"gpt-4o\"\n",
        ] {
            let got = uses(quiet, Lang::Py);
            assert!(
                got.iter().all(|u| !u.starts_with("Model")),
                "{quiet}: {got:?}"
            );
        }
        let js =
            "const r = await client.messages.create({ model: 'claude-2.1', max_tokens: 5 });\n";
        assert_eq!(uses(js, Lang::Js).len(), 1);
        assert_eq!(
            uses(
                "m = os.getenv(\"OPENAI_MODEL\", \"gpt-4-vision-preview\")\n",
                Lang::Py
            )
            .len(),
            1
        );
        assert_eq!(
            uses(
                "const m = process.env.CLAUDE_MODEL || 'claude-2';\n",
                Lang::Js
            )
            .len(),
            1
        );
        assert!(
            uses(
                "export type ChatModelId = 'o1-mini' | 'gpt-4o';\n",
                Lang::Js
            )
            .is_empty()
        );
        let annotated = "class S(BaseSettings):\n    llm_model: str = \"gemini-pro\"\n";
        assert_eq!(uses(annotated, Lang::Py).len(), 1);
    }

    #[test]
    fn generations_and_apis() {
        let v1 = "from openai import OpenAI, AsyncOpenAI as A\nclient = OpenAI()\n";
        let got = uses(v1, Lang::Py);
        assert_eq!(got.len(), 2, "{got:?}");
        let paren = "from openai import (\n    AsyncOpenAI,\n)\nOpenAI = 1\n";
        assert_eq!(uses(paren, Lang::Py).len(), 1);
        // `openai.ChatCompletion` on something that is not the imported module
        let other = "from langchain import openai\nopenai.ChatCompletion\n";
        assert!(uses(other, Lang::Py).is_empty());
        let asst = "a = client.beta.assistants.create(tools=[{\"type\": \"retrieval\"}])\n";
        assert_eq!(uses(asst, Lang::Py).len(), 2);
        // an import path, and the SDK handing its own resource around, are no calls
        assert!(uses("from ..types.beta.threads import Run\n", Lang::Py).is_empty());
        assert!(uses("f(this._client.beta.threads.runs, body);\n", Lang::Js).is_empty());
        assert_eq!(
            uses("await openai.beta.threads.runs.create(id, {});\n", Lang::Js).len(),
            1
        );
        let rag = "cfg = {\"type\": \"retrieval\"}\n";
        assert!(uses(rag, Lang::Py).is_empty());
    }
}
