//! Source files → facts: environment reads, SDK constructor calls (as scopes, so the shared
//! mismatch checks apply to them), log calls that print keys, hand-built auth headers, key
//! literals, bundler config that inlines env into the browser, and pydantic settings fields.
//! Works on the tokens of [`lex`](crate::parse::lex), never on raw text, so nothing inside a
//! comment or string is taken for code.

use std::sync::Arc;
use std::sync::LazyLock;

use regex::Regex;

use crate::catalog::Catalog;
use crate::facts::{Assignment, FileFacts, FileScope, Outline, Quote, ValueSource};
use crate::parse::lex::{self, Tok, Token};
use crate::redact::SecretStr;
use crate::source::Span;

mod caller_base;
mod key_patterns;
mod url_keys;

pub(crate) use key_patterns::begins_a_key;

pub use crate::facts::KeyLiteral;
pub use crate::facts::code::{
    Arg, ArgValue, BundleLeak, CallerBaseUrl, CodeFacts, Directive, EnvRead, HeaderUse, KeyPattern,
    Lang, LogCall, SdkCall, UrlKey,
};

pub fn lang_of(path: &str) -> Option<Lang> {
    // called for every file the walk sees: no allocation
    let name = path.rsplit('/').next().unwrap_or(path).as_bytes();
    let ends = |s: &str| {
        name.len() >= s.len() && name[name.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
    };
    if ends(".min.js") || ends(".map") || ends(".bundle.js") {
        return None;
    }
    let dot = name.iter().rposition(|&c| c == b'.')?;
    let ext = &name[dot + 1..];
    let mut lower = [0u8; 8];
    if ext.len() > lower.len() {
        return None;
    }
    lower[..ext.len()].copy_from_slice(ext);
    lower.make_ascii_lowercase();
    let ext = std::str::from_utf8(&lower[..ext.len()]).ok()?;
    Some(match ext {
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "tsx" | "mts" | "cts" | "vue" | "svelte"
        | "astro" => Lang::Js,
        "py" | "pyi" => Lang::Py,
        "go" | "rs" | "rb" | "java" | "kt" | "kts" | "cs" | "php" | "swift" | "scala" | "dart"
        | "ex" | "exs" | "c" | "cc" | "cpp" | "h" | "hpp" | "m" | "r" | "lua" | "pl" | "ps1"
        | "groovy" | "tf" | "hcl" => Lang::Other,
        _ => return None,
    })
}

/// One shared copy of an env name per thread. The table is bounded (cleared when full) so a
/// long fuzzing run or an adversarial tree cannot grow it without limit; clearing only costs
/// sharing.
pub fn intern(name: &str) -> Arc<str> {
    use std::cell::RefCell;
    use std::collections::HashSet;
    const CAP: usize = 1 << 16;
    thread_local! {
        static NAMES: RefCell<HashSet<Arc<str>, foldhash::fast::RandomState>> =
            RefCell::new(HashSet::default());
    }
    NAMES.with_borrow_mut(|names| {
        if let Some(n) = names.get(name) {
            return Arc::clone(n);
        }
        if names.len() >= CAP {
            names.clear();
        }
        let n: Arc<str> = Arc::from(name);
        names.insert(Arc::clone(&n));
        n
    })
}

pub fn parse(path: &str, text: &str, catalog: &Catalog) -> FileFacts {
    parse_with(path, text, catalog, true)
}

/// [`parse`]; with `windowed` false every byte is tokenized (the reference the windowed path is
/// tested against: both must find the same facts).
pub fn parse_with(path: &str, text: &str, catalog: &Catalog, windowed: bool) -> FileFacts {
    let Some(lang) = lang_of(path) else {
        return FileFacts::default();
    };
    let mut facts = FileFacts::default();
    let mut code = CodeFacts {
        lang,
        directive: None,
        env_reads: Vec::new(),
        sdk_calls: Vec::new(),
        logs: Vec::new(),
        headers: Vec::new(),
        key_literals: Vec::new(),
        bundle_leaks: Vec::new(),
        hosts: Vec::new(),
        skips_tests: skips_tests(text.as_bytes()),
        url_keys: Vec::new(),
        key_patterns: Vec::new(),
        caller_base_urls: Vec::new(),
        lifecycle: Vec::new(),
    };
    if lang == Lang::Other {
        code.key_literals = crate::parse::text::scan(text, catalog);
        facts.outline = Outline::Code(Box::new(code));
        return facts;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let bundle_config = name.starts_with("next.config.")
        || name.starts_with("vite.config.")
        || name.starts_with("vitest.config.");
    // bundler configs are read whole; any other file only around its anchors
    // the lifecycle scan's statements are lexed with the front end's own, once
    let life = crate::parse::lifecycle::windows(text, catalog);
    let windows = if bundle_config || !windowed {
        None
    } else {
        let w = union(windows(text, catalog), &life);
        if w.is_empty() {
            if lang == Lang::Py && memchr::memmem::find(text.as_bytes(), b"BaseSettings").is_some()
            {
                code.env_reads = settings_fields(text);
                set_line_starts(text, &mut code.env_reads);
            }
            facts.outline = Outline::Code(Box::new(code));
            return facts;
        }
        Some(w)
    };
    let toks = if lang == Lang::Js {
        lex::js_in(text, windows.as_deref())
    } else {
        lex::python_in(text, windows.as_deref())
    };
    if !life.is_empty() {
        code.lifecycle = crate::parse::lifecycle::scan_tokens(text, &toks, lang, catalog);
    }
    let a = Analyzer {
        src: text,
        t: &toks,
        lang,
        catalog,
    };
    code.directive = a.directive();
    let aliases = a.aliases();
    code.env_reads = a.env_reads();
    if lang == Lang::Py && memchr::memmem::find(text.as_bytes(), b"BaseSettings").is_some() {
        code.env_reads.extend(settings_fields(text));
    }
    code.sdk_calls = a.sdk_calls(&aliases);
    code.caller_base_urls = a.caller_base_urls(&code.sdk_calls);
    // passes whose shapes need a word the file does not contain are skipped (one memchr-speed
    // scan of the text instead of a walk over every token)
    code.logs = a.logs(&aliases);
    code.headers = a.headers(&aliases);
    for t in &toks {
        let Some(v) = t.str_value() else { continue };
        if v.contains("://") {
            if let Some(h) = v
                .split("://")
                .nth(1)
                .and_then(|r| r.split(['/', ':', '?', ' ']).next())
            {
                code.hosts.push(h.to_ascii_lowercase());
            }
        }
        let trimmed = v.trim();
        if trimmed.len() >= 16
            && trimmed.len() <= 512
            && !trimmed.contains(' ')
            && catalog.classify_token(trimmed).is_some()
        {
            code.key_literals.push(KeyLiteral::new(trimmed, t.span));
        }
    }
    key_literal_context(text, windows.as_deref(), catalog, &mut code.key_literals);
    let provider_host = code.hosts.iter().any(|h| {
        matches!(
            catalog.classify_host(h),
            crate::catalog::HostClass::Provider(_)
        )
    });
    code.url_keys = a.url_keys(&aliases, provider_host);
    code.key_patterns = a.key_patterns();
    if bundle_config {
        code.bundle_leaks = a.bundle_leaks(name.starts_with("next."), &aliases);
    }
    set_line_starts(text, &mut code.env_reads);
    sdk_scopes(&code, catalog, &mut facts);
    // kept for the whole run, for every source file of a monorepo: no spare capacity
    code.env_reads.shrink_to_fit();
    code.sdk_calls.shrink_to_fit();
    code.logs.shrink_to_fit();
    code.headers.shrink_to_fit();
    code.key_literals.shrink_to_fit();
    code.hosts.shrink_to_fit();
    facts.assignments.shrink_to_fit();
    facts.outline = Outline::Code(Box::new(code));
    facts
}

/// Each SDK call becomes a scope of slot-named assignments (`OPENAI_API_KEY`, `OPENAI_BASE_URL`,
/// `OPENAI_MODEL`), so key/endpoint/model checks judge it like any env stack.
fn sdk_scopes(code: &CodeFacts, catalog: &Catalog, facts: &mut FileFacts) {
    for call in &code.sdk_calls {
        let sdk = &catalog.sdks[call.sdk];
        let Some(p) = catalog.index_of(&sdk.provider) else {
            continue;
        };
        let prov = catalog.provider(p);
        let model_name =
            prov.model_env.first().cloned().unwrap_or_else(|| {
                format!("{}_MODEL", prov.id.to_ascii_uppercase().replace('-', "_"))
            });
        let slots = [
            (&sdk.key_params, prov.key_env.first()),
            (&sdk.base_params, prov.base_url_env.first()),
            (&sdk.model_params, Some(&model_name)),
        ];
        let mut members = Vec::new();
        for (params, slot) in slots {
            let (Some(arg), Some(slot)) = (call.arg(params), slot) else {
                continue;
            };
            let (value, source) = match &arg.value {
                ArgValue::Str(s) => (s.clone(), ValueSource::Literal),
                ArgValue::Env(n) => (SecretStr::default(), ValueSource::EnvRef(n.clone())),
                _ => (SecretStr::default(), ValueSource::Expression),
            };
            members.push(facts.assignments.len());
            facts.assignments.push(Assignment {
                name: slot.clone(),
                name_span: arg.key_span,
                value,
                value_span: arg.value_span,
                quote: Quote::None,
                source,
                stmt_span: Span::new(arg.key_span.start as usize, arg.value_span.end as usize),
            });
        }
        if !members.is_empty() {
            facts.scopes.push(FileScope {
                label: format!("`{}(…)` call", call.callee),
                members,
            });
        }
    }
}

/// Variables assigned straight from an env read (`const key = process.env.X`), by name; borrowed
/// from the file and its tokens, no copy per file.
type Aliases<'a> = foldhash::HashMap<&'a str, &'a str>;

struct Analyzer<'a> {
    src: &'a str,
    t: &'a [Token],
    lang: Lang,
    catalog: &'a Catalog,
}

static FSTRING_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:[!:=][^}]*)?\}")
        .expect("internal error: fstring regex")
});
static FSTRING_ENV: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:environ\s*\[\s*['"]|environ\.get\(\s*['"]|getenv\(\s*['"])([A-Z][A-Z0-9_]*)"#)
        .expect("internal error: fstring env regex")
});

const LOG_METHODS: &[&str] = &[
    "log",
    "info",
    "warn",
    "warning",
    "error",
    "debug",
    "trace",
    "dir",
    "critical",
    "exception",
    "fatal",
];
const LOGGERS: &[&str] = &[
    "console", "logging", "logger", "log", "LOGGER", "_logger", "_log", "LOG",
];

impl<'a> Analyzer<'a> {
    fn ident(&self, i: usize) -> Option<&'a str> {
        let t = self.t.get(i)?;
        (t.kind == Tok::Ident).then(|| t.text(self.src))
    }

    fn punct(&self, i: usize, c: u8) -> bool {
        self.t.get(i).is_some_and(|t| t.is_punct(c))
    }

    fn str_at(&self, i: usize) -> Option<&'a str> {
        match &self.t.get(i)?.kind {
            Tok::Str {
                value,
                fstring: false,
            } => Some(value.as_str()),
            _ => None,
        }
    }

    /// An env read starting at token `i`: (name, name span, index after the read).
    fn env_read_at(&self, i: usize) -> Option<(&'a str, Span, usize)> {
        let id = self.ident(i)?;
        let name_tok = |j: usize| -> Option<(&'a str, Span)> {
            if let Some(n) = self.ident(j) {
                return Some((n, self.t[j].span));
            }
            self.str_at(j).map(|s| (s, self.t[j].span))
        };
        match (self.lang, id) {
            (Lang::Js, "process" | "Bun")
                if self.punct(i + 1, b'.') && self.ident(i + 2) == Some("env") =>
            {
                self.member(i + 3, &name_tok)
            }
            (Lang::Js, "import")
                if self.punct(i + 1, b'.')
                    && self.ident(i + 2) == Some("meta")
                    && self.punct(i + 3, b'.')
                    && self.ident(i + 4) == Some("env") =>
            {
                self.member(i + 5, &name_tok)
            }
            (Lang::Js, "Deno")
                if self.punct(i + 1, b'.')
                    && self.ident(i + 2) == Some("env")
                    && self.punct(i + 3, b'.')
                    && self.ident(i + 4) == Some("get")
                    && self.punct(i + 5, b'(') =>
            {
                let (n, s) = name_tok(i + 6).filter(|_| self.str_at(i + 6).is_some())?;
                Some((n, s, i + 8))
            }
            (Lang::Py, "os") if self.punct(i + 1, b'.') => self.py_env(i + 2),
            (Lang::Py, "environ" | "getenv") if i == 0 || !self.punct(i - 1, b'.') => {
                self.py_env(i)
            }
            _ => None,
        }
    }

    /// `.NAME` or `["NAME"]` after `process.env`.
    fn member(
        &self,
        j: usize,
        name_tok: &dyn Fn(usize) -> Option<(&'a str, Span)>,
    ) -> Option<(&'a str, Span, usize)> {
        if self.punct(j, b'.') {
            let n = self.ident(j + 1)?;
            return Some((n, self.t[j + 1].span, j + 2));
        }
        if self.punct(j, b'[') && self.str_at(j + 1).is_some() && self.punct(j + 2, b']') {
            let (n, s) = name_tok(j + 1)?;
            return Some((n, s, j + 3));
        }
        None
    }

    /// `environ["X"]`, `environ.get("X"…)`, `getenv("X"…)` at `j`.
    fn py_env(&self, j: usize) -> Option<(&'a str, Span, usize)> {
        match self.ident(j)? {
            "environ" if self.punct(j + 1, b'[') => {
                let n = self.str_at(j + 2)?;
                Some((n, self.t[j + 2].span, j + 4))
            }
            "environ"
                if self.punct(j + 1, b'.')
                    && self.ident(j + 2) == Some("get")
                    && self.punct(j + 3, b'(') =>
            {
                let n = self.str_at(j + 4)?;
                Some((n, self.t[j + 4].span, j + 5))
            }
            "getenv" if self.punct(j + 1, b'(') => {
                let n = self.str_at(j + 2)?;
                Some((n, self.t[j + 2].span, j + 3))
            }
            _ => None,
        }
    }

    fn has_default_after(&self, j: usize) -> bool {
        (self.punct(j, b'?') && self.punct(j + 1, b'?'))
            || (self.punct(j, b'|') && self.punct(j + 1, b'|'))
            || self.ident(j) == Some("or")
            || (self.lang == Lang::Py && self.punct(j, b','))
    }

    fn env_reads(&self) -> Vec<EnvRead> {
        let mut out = Vec::new();
        // names this file sets itself (a test that sets a variable and reads it back reads
        // nothing the repository must provide), and which reads are accessor reads that such a
        // write cancels; one pass, the filter after it
        let mut written: Vec<&'a str> = Vec::new();
        let mut accessor: Vec<bool> = Vec::new();
        for i in 0..self.t.len() {
            if let Some(name) = self.env_setter_at(i) {
                written.push(name);
            }
            if let Some((name, span, next)) = self.env_read_at(i) {
                // `process.env.X = …`, `os.environ["X"] = …`: a write; `delete process.env.X`,
                // `del os.environ["X"]`: neither
                if self.punct(next, b'=') && !self.punct(next + 1, b'=') {
                    written.push(name);
                    continue;
                }
                if i > 0 && matches!(self.ident(i - 1), Some("delete" | "del")) {
                    continue;
                }
                out.push(EnvRead {
                    line_start: 0,
                    name: intern(name),
                    span,
                    has_default: self.has_default_after(next),
                });
                accessor.push(true);
                // `const { A, B: b } = process.env`
                if self.lang == Lang::Js
                    && i >= 2
                    && self.punct(i - 1, b'=')
                    && self.punct(i - 2, b'}')
                {
                    out.pop();
                    accessor.pop();
                }
            }
            if self.lang == Lang::Js
                && self.ident(i) == Some("process")
                && self.punct(i + 1, b'.')
                && self.ident(i + 2) == Some("env")
                && i >= 2
                && self.punct(i - 1, b'=')
                && self.punct(i - 2, b'}')
            {
                let mut j = i - 2;
                let mut depth = 0;
                while j > 0 {
                    j -= 1;
                    match &self.t[j].kind {
                        // no pattern holds a `;` (and windows are joined by one)
                        Tok::Punct(b';') => break,
                        Tok::Punct(b'}') => depth += 1,
                        Tok::Punct(b'{') if depth == 0 => break,
                        Tok::Punct(b'{') => depth -= 1,
                        Tok::Ident
                            if depth == 0
                                && (self.punct(j - 1, b'{') || self.punct(j - 1, b',')) =>
                        {
                            let has_default = self.punct(j + 1, b'=');
                            out.push(EnvRead {
                                line_start: 0,
                                name: intern(self.t[j].text(self.src)),
                                span: self.t[j].span,
                                has_default,
                            });
                            accessor.push(false);
                        }
                        _ => {}
                    }
                }
            }
        }
        if !written.is_empty() {
            let mut keep = accessor.into_iter();
            out.retain(|r| {
                let is_accessor = keep.next().unwrap_or(false);
                !(is_accessor && written.contains(&&*r.name))
            });
        }
        out
    }

    /// A name a setter call sets at token `i`: `os.environ.setdefault("X", …)`,
    /// `monkeypatch.setenv("X", …)`, `vi.stubEnv("X", …)`, `os.putenv("X", …)`.
    fn env_setter_at(&self, i: usize) -> Option<&'a str> {
        let id = self.ident(i)?;
        let setter = matches!(id, "setenv" | "setdefault" | "stubEnv" | "putenv")
            && i > 0
            && self.punct(i - 1, b'.')
            && self.punct(i + 1, b'(');
        if setter { self.str_at(i + 2) } else { None }
    }

    /// Variables bound to an env read: `const key = process.env.X`, `key = os.environ["X"]`.
    fn aliases(&self) -> Aliases<'a> {
        let mut out = Aliases::default();
        for i in 0..self.t.len() {
            let Some(name) = self.ident(i) else { continue };
            let mut j = i + 1;
            if self.lang == Lang::Js && self.punct(j, b':') && self.ident(j + 1).is_some() {
                j += 2; // `const k: string =`
            }
            if !self.punct(j, b'=') || self.punct(j + 1, b'=') || self.punct(j + 1, b'>') {
                continue;
            }
            let decl = match self.lang {
                Lang::Js => i > 0 && matches!(self.ident(i - 1), Some("const" | "let" | "var")),
                _ => {
                    i == 0
                        || !self.t[i - 1].is_punct(b'.')
                            && !self.t[i - 1].is_punct(b'(')
                            && !self.t[i - 1].is_punct(b',')
                }
            };
            if !decl {
                continue;
            }
            if let Some((env, _, _)) = self.env_read_at(j + 1) {
                out.insert(name, env);
            }
        }
        out
    }

    fn directive(&self) -> Option<Directive> {
        match self.str_at(0)? {
            "use client" => Some(Directive::UseClient),
            "use server" => Some(Directive::UseServer),
            _ => None,
        }
    }

    /// Index of the token closing the bracket opened at `open`.
    fn close_of(&self, open: usize) -> usize {
        let mut depth = 0usize;
        for j in open..self.t.len() {
            match self.t[j].kind {
                // `${` opens a template interpolation that a `}` closes
                Tok::Punct(b'(' | b'[' | b'{' | b'$') => depth += 1,
                Tok::Punct(b')' | b']' | b'}') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return j;
                    }
                }
                _ => {}
            }
        }
        self.t.len().saturating_sub(1)
    }

    /// Top-level `key: value` (object) or `key=value` (kwargs) pairs between `open` and `close`.
    fn pairs(&self, open: usize, close: usize, sep: u8) -> Vec<(String, Span, usize, usize)> {
        let mut out = Vec::new();
        let mut j = open + 1;
        while j < close {
            let key = match &self.t[j].kind {
                Tok::Ident => Some(self.t[j].text(self.src).to_string()),
                Tok::Str { value, .. } => Some(value.clone()),
                _ => None,
            };
            let is_pair = key.is_some()
                && self.punct(j + 1, sep)
                && !(sep == b'=' && self.punct(j + 2, b'='));
            let shorthand =
                key.is_some() && sep == b':' && (self.punct(j + 1, b',') || j + 1 == close);
            // value runs to the next top-level comma
            let vstart = if is_pair { j + 2 } else { j };
            let mut k = vstart;
            let mut depth = 0usize;
            while k < close {
                match self.t[k].kind {
                    Tok::Punct(b'(' | b'[' | b'{') => depth += 1,
                    Tok::Punct(b')' | b']' | b'}') => depth = depth.saturating_sub(1),
                    Tok::Punct(b',') if depth == 0 => break,
                    _ => {}
                }
                k += 1;
            }
            if let (true, Some(key)) = (is_pair, &key) {
                out.push((key.clone(), self.t[j].span, vstart, k));
            } else if let (true, Some(key)) = (shorthand, &key) {
                out.push((key.clone(), self.t[j].span, j, j + 1));
            }
            j = k + 1;
        }
        out
    }

    fn value(&self, s: usize, e: usize, aliases: &Aliases<'a>) -> ArgValue {
        for i in s..e {
            if let Some((n, _, _)) = self.env_read_at(i) {
                return ArgValue::Env(n.to_string());
            }
        }
        if e == s + 1 {
            match (&self.t[s].kind, self.t[s].text(self.src)) {
                (
                    Tok::Str {
                        value,
                        fstring: false,
                    },
                    _,
                ) => return ArgValue::Str(SecretStr::new(value.clone())),
                (Tok::Ident, "true" | "True") => return ArgValue::Bool(true),
                (Tok::Ident, "false" | "False") => return ArgValue::Bool(false),
                (Tok::Ident, id) => {
                    if let Some(env) = aliases.get(id) {
                        return ArgValue::Env(env.to_string());
                    }
                }
                _ => {}
            }
        }
        // `` `sk-…` `` template with no interpolation
        if e == s + 3 && self.punct(s, b'`') {
            if let Tok::Tmpl { value } = &self.t[s + 1].kind {
                return ArgValue::Str(SecretStr::new(value.clone()));
            }
        }
        ArgValue::Other
    }

    fn sdk_calls(&self, aliases: &Aliases<'a>) -> Vec<SdkCall> {
        let mut out = Vec::new();
        for i in 0..self.t.len() {
            let Some(name) = self.ident(i) else { continue };
            if !self.punct(i + 1, b'(') {
                continue;
            }
            if i > 0
                && matches!(
                    self.ident(i - 1),
                    Some("class" | "def" | "function" | "interface" | "type")
                )
            {
                continue;
            }
            let Some(sdk) = self
                .catalog
                .sdks
                .iter()
                .position(|s| s.names.iter().any(|n| n == name))
            else {
                continue;
            };
            let open = i + 1;
            let close = self.close_of(open);
            let (o, c, sep) = if self.lang == Lang::Js && self.punct(open + 1, b'{') {
                (open + 1, self.close_of(open + 1), b':')
            } else if self.lang == Lang::Py {
                (open, close, b'=')
            } else {
                continue;
            };
            let args = self
                .pairs(o, c, sep)
                .into_iter()
                .map(|(param, key_span, vs, ve)| {
                    let value_span = if ve > vs {
                        Span::new(
                            self.t[vs].span.start as usize,
                            self.t[ve - 1].span.end as usize,
                        )
                    } else {
                        key_span
                    };
                    Arg {
                        param,
                        key_span,
                        value: self.value(vs, ve, aliases),
                        value_span,
                    }
                })
                .collect();
            out.push(SdkCall {
                sdk,
                callee: name.to_string(),
                span: self.t[i].span,
                args,
            });
        }
        out
    }

    /// Is the identifier at `i` only tested, measured or truncated, not printed whole?
    fn presence_only(&self, i: usize) -> bool {
        let next_is = |c: u8| self.punct(i + 1, c);
        (i > 0 && self.punct(i - 1, b'!'))
            || next_is(b'?')
            || (next_is(b'.')
                && matches!(
                    self.ident(i + 2),
                    Some("length" | "slice" | "substring" | "substr" | "startsWith" | "endsWith")
                ))
            || next_is(b'[')
            || matches!(self.ident(i + 1), Some("is" | "in" | "and" | "or"))
            || (next_is(b'=') && self.punct(i + 2, b'='))
            || (next_is(b'!') && self.punct(i + 2, b'='))
            || self.wrapped_in_check(i)
    }

    /// `bool(X)`, `len(X)`, `Boolean(X)`, `mask(X)`: token `i` starts the argument of a call that
    /// prints something about the value, not the value.
    fn wrapped_in_check(&self, i: usize) -> bool {
        i >= 2
            && self.punct(i - 1, b'(')
            && matches!(
                self.ident(i - 2),
                Some("len" | "bool" | "Boolean" | "mask" | "redact" | "hash")
            )
    }

    /// A logging or print call starting at token `i`: (callee, index of its `(`).
    fn log_call_at(&self, i: usize) -> Option<(String, usize)> {
        let name = self.ident(i)?;
        if LOGGERS.contains(&name)
            && self.punct(i + 1, b'.')
            && self.ident(i + 2).is_some_and(|m| LOG_METHODS.contains(&m))
            && self.punct(i + 3, b'(')
        {
            Some((format!("{name}.{}", self.ident(i + 2).unwrap_or("")), i + 3))
        } else if self.lang == Lang::Py
            && matches!(name, "print" | "pprint")
            && self.punct(i + 1, b'(')
            && (i == 0 || !self.punct(i - 1, b'.'))
        {
            Some((name.to_string(), i + 1))
        } else {
            None
        }
    }

    fn logs(&self, aliases: &Aliases<'a>) -> Vec<LogCall> {
        let mut out = Vec::new();
        for i in 0..self.t.len() {
            let Some((callee, open)) = self.log_call_at(i) else {
                continue;
            };
            let close = self.close_of(open);
            let mut leaks = Vec::new();
            let mut j = open + 1;
            while j < close {
                if let Some((env, span, next)) = self.env_read_at(j) {
                    if crate::roles::is_llm_key(self.catalog, env)
                        && !self.presence_only(next - 1)
                        && !self.wrapped_in_check(j)
                    {
                        leaks.push((env.to_string(), span));
                    }
                    j = next;
                    continue;
                }
                let t = &self.t[j];
                match &t.kind {
                    Tok::Ident => {
                        let id = t.text(self.src);
                        if let Some(env) = aliases
                            .get(id)
                            .filter(|e| crate::roles::is_llm_key(self.catalog, e))
                        {
                            if !self.presence_only(j) {
                                leaks.push((env.to_string(), t.span));
                            }
                        }
                        // `console.log(process.env)` / `print(os.environ)`: everything
                        let whole = (id == "env"
                            && j >= 2
                            && self.ident(j - 2) == Some("process")
                            && !self.punct(j + 1, b'.')
                            && !self.punct(j + 1, b'['))
                            || (id == "environ"
                                && !self.punct(j + 1, b'[')
                                && !self.punct(j + 1, b'.'));
                        if whole {
                            leaks.push(("*".to_string(), t.span));
                        }
                    }
                    Tok::Str {
                        value,
                        fstring: true,
                    } => {
                        let raw = t.text(self.src);
                        for c in FSTRING_REF.captures_iter(value) {
                            let Some(m) = c.get(1) else { continue };
                            if let Some(env) = aliases
                                .get(m.as_str())
                                .filter(|e| crate::roles::is_llm_key(self.catalog, e))
                            {
                                let at =
                                    raw.find(&format!("{{{}", m.as_str())).map_or(t.span, |o| {
                                        Span::new(
                                            t.span.start as usize + o + 1,
                                            t.span.start as usize + o + 1 + m.len(),
                                        )
                                    });
                                leaks.push((env.to_string(), at));
                            }
                        }
                        for c in FSTRING_ENV.captures_iter(value) {
                            if let Some(m) = c
                                .get(1)
                                .filter(|m| crate::roles::is_llm_key(self.catalog, m.as_str()))
                            {
                                leaks.push((m.as_str().to_string(), t.span));
                            }
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if !leaks.is_empty() {
                out.push(LogCall { callee, leaks });
            }
        }
        out
    }

    fn headers(&self, aliases: &Aliases<'a>) -> Vec<HeaderUse> {
        let mut out = Vec::new();
        for i in 0..self.t.len() {
            let name: &str = match &self.t[i].kind {
                Tok::Ident => self.t[i].text(self.src),
                Tok::Str {
                    value,
                    fstring: false,
                } => value,
                _ => continue,
            };
            // cheap tests first: this runs for every identifier and string of every file
            if !self.punct(i + 1, b':')
                || !["authorization", "x-api-key", "api-key"]
                    .iter()
                    .any(|h| name.eq_ignore_ascii_case(h))
            {
                continue;
            }
            let name = name.to_string();
            // value: to the next top-level `,` / `}`
            let mut k = i + 2;
            let mut depth = 0usize;
            while k < self.t.len() {
                match self.t[k].kind {
                    Tok::Punct(b'(' | b'[' | b'{') => depth += 1,
                    Tok::Punct(b')' | b']' | b'}') if depth == 0 => break,
                    Tok::Punct(b')' | b']' | b'}') => depth -= 1,
                    Tok::Punct(b',' | b';') if depth == 0 => break,
                    _ => {}
                }
                k += 1;
            }
            // a header value is one expression: a "value" running over many lines is a type
            // annotation or a parameter list that happens to name `authorization`
            let lines = k.min(self.t.len().saturating_sub(1));
            if lines > i + 2
                && memchr::memchr_iter(
                    b'\n',
                    &self.src.as_bytes()[self.t[i].span.end as usize
                        ..(self.t[lines].span.start as usize).max(self.t[i].span.end as usize)],
                )
                .count()
                    > 3
            {
                continue;
            }
            let mut prefix = String::new();
            let mut key_names = Vec::new();
            for j in i + 2..k {
                match &self.t[j].kind {
                    Tok::Str { value, fstring } if prefix.is_empty() && key_names.is_empty() => {
                        prefix = if *fstring {
                            value.split('{').next().unwrap_or("").to_string()
                        } else {
                            value.clone()
                        };
                        if *fstring {
                            for c in FSTRING_REF.captures_iter(value) {
                                if let Some(m) = c.get(1) {
                                    key_names.push(
                                        aliases.get(m.as_str()).map_or_else(
                                            || m.as_str().to_string(),
                                            |e| e.to_string(),
                                        ),
                                    );
                                }
                            }
                        }
                    }
                    Tok::Tmpl { value } if prefix.is_empty() && key_names.is_empty() => {
                        prefix = value.clone()
                    }
                    Tok::Ident => {
                        let id = self.t[j].text(self.src);
                        if let Some((env, _, _)) = self.env_read_at(j) {
                            key_names.push(env.to_string());
                        } else if let Some(env) = aliases.get(id) {
                            key_names.push(env.to_string());
                        } else if is_keyish_var(id)
                            && !(j > 0
                                && self.punct(j - 1, b'.')
                                && self.ident(j.saturating_sub(2)) == Some("env"))
                        {
                            key_names.push(id.to_string());
                        }
                    }
                    _ => {}
                }
            }
            if key_names.is_empty() {
                continue;
            }
            let end = self
                .t
                .get(k.saturating_sub(1))
                .map_or(self.t[i].span.end, |t| t.span.end) as usize;
            out.push(HeaderUse {
                header: name,
                span: Span::new(
                    self.t[i].span.start as usize,
                    end.max(self.t[i].span.end as usize),
                ),
                prefix,
                key_names,
            });
        }
        out
    }

    fn bundle_leaks(&self, next: bool, aliases: &Aliases<'a>) -> Vec<BundleLeak> {
        let mut out = Vec::new();
        for i in 0..self.t.len() {
            let Some(key) = self.ident(i) else { continue };
            let prop = match (next, key) {
                (true, "env") => "next.config env",
                (false, "define") => "vite define",
                (false, "envPrefix") => "vite envPrefix",
                _ => continue,
            };
            if !self.punct(i + 1, b':') {
                continue;
            }
            if prop == "vite envPrefix" {
                for j in i + 2..(i + 12).min(self.t.len()) {
                    if let Some(p) = self.str_at(j) {
                        let widening = p.is_empty()
                            || self
                                .catalog
                                .providers
                                .iter()
                                .flat_map(|q| &q.key_env)
                                .any(|k| k.starts_with(p));
                        if widening {
                            out.push(BundleLeak {
                                via: prop,
                                name: p.to_string(),
                                span: self.t[j].span,
                                whole_env: p.is_empty(),
                            });
                        }
                    }
                    if self.punct(j, b',') && !self.punct(i + 2, b'[') || self.punct(j, b']') {
                        break;
                    }
                }
                continue;
            }
            if !self.punct(i + 2, b'{') {
                continue;
            }
            let close = self.close_of(i + 2);
            for (name, span, vs, ve) in self.pairs(i + 2, close, b':') {
                let whole = (vs + 3 == ve
                    && self.ident(vs) == Some("process")
                    && self.ident(vs + 2) == Some("env"))
                    || (ve == vs + 1 && self.ident(vs) == Some("env"))
                    || name == "process.env" && ve > vs;
                let mut secret = None;
                for j in vs..ve {
                    if let Some((env, _, _)) = self.env_read_at(j) {
                        secret = Some(env.to_string());
                    } else if self.ident(j) == Some("env") && self.punct(j + 1, b'.') {
                        secret = self.ident(j + 2).map(String::from);
                    } else if let Some(env) = self.ident(j).and_then(|id| aliases.get(id)) {
                        secret = Some(env.to_string());
                    }
                }
                let leaks_key = secret
                    .as_deref()
                    .is_some_and(|e| crate::roles::is_secret_name(self.catalog, e))
                    || crate::roles::is_secret_name(
                        self.catalog,
                        name.trim_start_matches("process.env.")
                            .trim_start_matches("import.meta.env."),
                    );
                if whole || leaks_key {
                    out.push(BundleLeak {
                        via: prop,
                        name: secret.unwrap_or(name),
                        span,
                        whole_env: whole,
                    });
                }
            }
        }
        out
    }
}

/// `apiKey`, `api_key`, `openaiKey`, `OPENAI_API_KEY`, `token`: a variable that holds a key.
fn is_keyish_var(id: &str) -> bool {
    let l = id.to_ascii_lowercase().replace('_', "");
    l.ends_with("apikey")
        || l == "key"
        || l.ends_with("secretkey")
        || l.ends_with("authtoken")
        || l == "token"
        || l.ends_with("accesstoken")
}

/// Fields of pydantic `BaseSettings` classes: each reads the upper-cased env var (plus
/// `env_prefix`); a default means the env var is optional.
fn settings_fields(text: &str) -> Vec<EnvRead> {
    static CLASS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^([ \t]*)class\s+\w+\s*\(([^)]*BaseSettings[^)]*)\)\s*:")
            .expect("internal error: class regex")
    });
    static FIELD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^([ \t]+)([a-z_][a-z0-9_]*)\s*:\s*([^=#\n]+?)\s*(?:=\s*(.+))?$")
            .expect("internal error: field regex")
    });
    static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"env_prefix\s*=\s*['"]([^'"]*)['"]"#).expect("internal error: prefix regex")
    });
    let mut out = Vec::new();
    for c in CLASS.captures_iter(text) {
        let (Some(all), Some(indent)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let body_start = text[all.end()..]
            .find('\n')
            .map_or(text.len(), |i| all.end() + i + 1);
        let mut body_end = text.len();
        let mut at = body_start;
        for line in text[body_start..].split_inclusive('\n') {
            let l = line.trim_end();
            if !l.trim().is_empty()
                && !l.trim_start().starts_with('#')
                && l.len() - l.trim_start().len() <= indent.as_str().len()
            {
                body_end = at;
                break;
            }
            at += line.len();
        }
        let body = &text[body_start..body_end];
        let prefix = PREFIX
            .captures(body)
            .and_then(|p| p.get(1))
            .map_or(String::new(), |m| m.as_str().to_ascii_uppercase());
        let mut at = body_start;
        for line in body.split_inclusive('\n') {
            if let Some(f) = FIELD.captures(line.trim_end()) {
                if let (Some(name), Some(ty)) = (f.get(2), f.get(3)) {
                    if name.as_str() != "model_config" && !ty.as_str().contains("ClassVar") {
                        let has_default = f.get(4).is_some() || ty.as_str().contains("None");
                        out.push(EnvRead {
                            line_start: 0,
                            name: intern(&format!(
                                "{prefix}{}",
                                name.as_str().to_ascii_uppercase()
                            )),
                            span: Span::new(at + name.start(), at + name.end()),
                            has_default,
                        });
                    }
                }
            }
            at += line.len();
        }
    }
    out
}

/// A window grows over neighbouring lines that continue the anchor's statement, at most this
/// many bytes each way (brackets opened inside it keep it open longer: see `lex::Sink`).
const WINDOW_REACH: usize = 512;

/// Does a line ending in `tail` run on into the next one?
fn runs_on(tail: &[u8]) -> bool {
    matches!(
        tail.last(),
        Some(b'{' | b'(' | b'[' | b',' | b'=' | b':' | b'?' | b'|' | b'&' | b'+' | b'\\' | b'>')
    )
}

/// Does a line starting with `head` continue the previous one?
fn continues(head: &[u8]) -> bool {
    matches!(
        head.first(),
        Some(b'}' | b')' | b']' | b'.' | b'?' | b':' | b'|' | b'&' | b'+' | b'=')
    )
}

fn trim(line: &[u8]) -> &[u8] {
    let s = line
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(line.len());
    let e = line
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(s, |p| p + 1);
    &line[s..e.max(s)]
}

/// The lines of `b` holding the statement around `s..e`: the anchor's own lines, grown while a
/// neighbouring line runs on into them or continues them.
pub(crate) fn statement_lines(b: &[u8], s: usize, e: usize) -> (usize, usize) {
    let line_start = |at: usize| memchr::memrchr(b'\n', &b[..at]).map_or(0, |p| p + 1);
    let line_end = |at: usize| memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |p| at + p + 1);
    let mut from = line_start(s);
    while from > 0 && s - from < WINDOW_REACH {
        let prev = line_start(from - 1);
        if runs_on(trim(&b[prev..from])) || continues(trim(&b[from..line_end(from)])) {
            from = prev;
        } else {
            break;
        }
    }
    let mut to = line_end(e.min(b.len()));
    while to < b.len() && to - e < WINDOW_REACH {
        let last = line_start(to - 1);
        let next_end = line_end(to);
        if runs_on(trim(&b[last..to])) || continues(trim(&b[to..next_end])) {
            to = next_end;
        } else {
            break;
        }
    }
    (from, to)
}

/// Calls `f(start, end)` for each run of at least `n` ASCII letters and digits in `b`, in order.
/// A run of `n >= 2B - 1` bytes covers a whole aligned block of `B` bytes, so only blocks made
/// of nothing else are looked at closer; testing a block is branch-free and vectorizes.
fn alnum_runs(b: &[u8], n: usize, mut f: impl FnMut(usize, usize)) {
    const B: usize = 16;
    fn alnum(c: u8) -> bool {
        (c.wrapping_sub(b'0') < 10) | ((c | 0x20).wrapping_sub(b'a') < 26)
    }
    let n = n.max(1);
    let mut report = |s: usize, e: usize, next: &mut usize| {
        if e - s >= n && s >= *next {
            f(s, e);
        }
        *next = (*next).max(e);
    };
    let mut next = 0; // runs reported end here; nothing before it is looked at again
    if n < 2 * B - 1 {
        let mut i = 0;
        while i < b.len() {
            let s = i;
            while i < b.len() && alnum(b[i]) {
                i += 1;
            }
            report(s, i, &mut next);
            i = i.max(s + 1);
        }
        return;
    }
    for (k, block) in b.chunks_exact(B).enumerate() {
        let all = block.iter().fold(true, |acc, &c| acc & alnum(c));
        let at = k * B;
        if !all || at < next {
            continue;
        }
        let mut s = at;
        while s > 0 && alnum(b[s - 1]) {
            s -= 1;
        }
        let mut e = at + B;
        while e < b.len() && alnum(b[e]) {
            e += 1;
        }
        report(s, e, &mut next);
    }
}

/// Does the file skip tests conditionally (`skipif`, `skipIf`, `pytest.skip(`, `.skip(`)? One
/// search for `skip` instead of one pass over the file per spelling.
fn skips_tests(b: &[u8]) -> bool {
    memchr::memmem::find_iter(b, b"skip").any(|i| {
        let after = &b[i + 4..];
        after.starts_with(b"if")
            || after.starts_with(b"If")
            || (after.starts_with(b"(") && i > 0 && b[i - 1] == b'.')
    })
}

/// Where a `'use client'` / `"use server"` directive is, if the file starts with one (after
/// blanks and comments): the one place a directive counts, so it needs no anchor word.
fn directive_at(b: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b[i..].starts_with(b"//") {
            i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p);
        } else if b[i..].starts_with(b"/*") {
            i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |p| i + 2 + p + 2);
        } else {
            break;
        }
    }
    let q = *b.get(i)?;
    let body = b.get(i + 1..i + 11)?;
    ((q == b'\'' || q == b'"')
        && (body == b"use client" || body == b"use server")
        && b.get(i + 11) == Some(&q))
    .then_some((i, i + 12))
}

pub fn windows(text: &str, catalog: &Catalog) -> Vec<(usize, usize)> {
    let anchors = catalog.code_anchors();
    let b = text.as_bytes();
    let mut hits: Vec<(usize, usize)> = anchors
        .words
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect();
    let before = hits.len();
    if let Some(re) = &anchors.prefixless {
        match anchors.prefixless_run {
            // only the lines holding a long enough run of letters and digits can match
            Some(run) => {
                let mut searched = 0;
                alnum_runs(b, run, |s, _| {
                    if s < searched {
                        return;
                    }
                    let from = memchr::memrchr(b'\n', &b[..s]).map_or(0, |p| p + 1);
                    let to = memchr::memchr(b'\n', &b[s..]).map_or(b.len(), |p| s + p);
                    hits.extend(
                        re.find_iter(&text[from..to])
                            .map(|m| (from + m.start(), from + m.end())),
                    );
                    searched = to;
                });
            }
            None => hits.extend(re.find_iter(text).map(|m| (m.start(), m.end()))),
        }
    }
    hits.extend(directive_at(b));
    if hits.len() > before {
        hits.sort_unstable();
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (s, e) in hits {
        if out.last().is_some_and(|last| e <= last.1) {
            continue;
        }
        let (from, to) = statement_lines(b, s, e);
        match out.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        }
    }
    out
}

/// Two sorted lists of disjoint line ranges as one.
fn union(a: Vec<(usize, usize)>, b: &[(usize, usize)]) -> Vec<(usize, usize)> {
    if b.is_empty() {
        return a;
    }
    let mut all = a;
    all.extend_from_slice(b);
    all.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(all.len());
    for (from, to) in all {
        match out.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        }
    }
    out
}

/// Sets each read's `line_start` (where the line holding its span starts) in one sweep in
/// offset order: each byte is searched once, however many reads share a line.
fn set_line_starts(text: &str, reads: &mut [EnvRead]) {
    let b = text.as_bytes();
    let mut order: Vec<usize> = (0..reads.len()).collect();
    order.sort_by_key(|&i| reads[i].span.start);
    let (mut at, mut start) = (0, 0);
    for i in order {
        let to = (reads[i].span.start as usize).min(b.len()).max(at);
        if let Some(p) = memchr::memrchr(b'\n', &b[at..to]) {
            start = u32::try_from(at + p + 1).unwrap_or(u32::MAX);
        }
        at = to;
        reads[i].line_start = start;
    }
}

/// Names and providers for the string literals found in tokens, plus the key literals that
/// are not strings (a commented-out `# api_key = "sk-…"`, a key in a docstring's prose): the
/// literal pass over the windows, which hold every key prefix of the file.
fn key_literal_context(
    text: &str,
    windows: Option<&[(usize, usize)]>,
    catalog: &Catalog,
    lits: &mut Vec<KeyLiteral>,
) {
    let mut mentions = crate::parse::text::Mentions::default();
    for lit in lits.iter_mut() {
        crate::parse::text::context(text, lit, catalog, &mut mentions);
    }
    let mut raw = Vec::new();
    match windows {
        Some(w) => {
            for &(from, to) in w {
                crate::parse::text::scan_range(text, from, to, catalog, &mut raw);
            }
        }
        None => crate::parse::text::scan_range(text, 0, text.len(), catalog, &mut raw),
    }
    raw.retain(|r| {
        !lits
            .iter()
            .any(|l| l.span.start < r.span.end && r.span.start < l.span.end)
    });
    lits.extend(raw);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(path: &str, text: &str) -> (FileFacts, CodeFacts) {
        let c = Catalog::builtin().expect("catalog");
        let f = parse(path, text, &c);
        let cf = match &f.outline {
            Outline::Code(cf) => (**cf).clone(),
            _ => panic!("code outline"),
        };
        (f, cf)
    }

    proptest::proptest! {
        #[test]
        fn alnum_runs_finds_every_long_run(
            text in "[a-f0-9 ._\n]{0,300}", n in 1usize..40
        ) {
            let b = text.as_bytes();
            let mut got = Vec::new();
            alnum_runs(b, n, |s, e| got.push((s, e)));
            let mut want = Vec::new();
            let mut i = 0;
            while i < b.len() {
                let s = i;
                while i < b.len() && b[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                if i - s >= n {
                    want.push((s, i));
                }
                i = i.max(s + 1);
            }
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn skip_spellings() {
        for t in [
            "@pytest.mark.skipif(x)",
            "it.skipIf(y)",
            "pytest.skip(\"no\")",
            "test.skip(",
            "describe.skip(",
        ] {
            assert!(skips_tests(t.as_bytes()), "{t}");
        }
        for t in ["skip", "skipped(", "the skip( here", "skipIt", ""] {
            assert!(!skips_tests(t.as_bytes()), "{t}");
        }
    }

    #[test]
    fn prefixless_keys_are_found_only_through_their_run() {
        let c = Catalog::builtin().expect("catalog");
        assert_eq!(c.code_anchors().prefixless_run, Some(32));
        let key = crate::catalog::synth_key("{hex:32}.{alnum:16}", 3);
        for text in [
            format!("const k = \"{key}\";\n"),
            format!("a.b(c);\nx = f(\"{key}\", 1)\n"),
            format!("x = '{key}'"),
        ] {
            let (_, cf) = code("src/k.ts", &text);
            assert_eq!(cf.key_literals.len(), 1, "{text}");
        }
        // 31 hex digits: no run, no window, no literal
        let short = format!("const k = \"{}\";\n", &key[1..]);
        assert!(windows(&short, &c).is_empty());
    }

    #[test]
    fn js_shapes() {
        let src = "'use client'\nimport OpenAI from 'openai';\nconst key = process.env.OPENROUTER_API_KEY;\nconst { ANTHROPIC_API_KEY, X: y } = process.env;\nexport const llm = new OpenAI({ apiKey: key, baseURL: 'https://api.openai.com/v1', dangerouslyAllowBrowser: true });\nconsole.log(`key ${key}`, key ? 'set' : 'unset');\nfetch(u, { headers: { Authorization: process.env.OPENAI_API_KEY, 'x-api-key': `Bearer ${key}` } });\n// new Anthropic({ apiKey: 'in a comment' })\n";
        let (f, c) = code("app/page.tsx", src);
        assert_eq!(c.directive, Some(Directive::UseClient));
        let reads: Vec<_> = c.env_reads.iter().map(|r| &*r.name).collect();
        assert_eq!(
            reads,
            [
                "OPENROUTER_API_KEY",
                "X",
                "ANTHROPIC_API_KEY",
                "OPENAI_API_KEY"
            ]
        );
        assert_eq!(c.sdk_calls.len(), 1, "the commented call is not code");
        let call = &c.sdk_calls[0];
        assert!(matches!(
            call.flag("dangerouslyAllowBrowser").map(|a| &a.value),
            Some(ArgValue::Bool(true))
        ));
        assert_eq!(f.scopes.len(), 1);
        assert_eq!(f.assignments[0].name, "OPENAI_API_KEY");
        assert_eq!(
            f.assignments[0].source,
            ValueSource::EnvRef("OPENROUTER_API_KEY".into())
        );
        assert_eq!(c.logs.len(), 1);
        assert_eq!(c.logs[0].leaks.len(), 1, "the ternary is a presence check");
        assert_eq!(c.headers.len(), 2);
        assert_eq!(c.headers[0].key_names, ["OPENAI_API_KEY"]);
    }

    #[test]
    fn python_shapes() {
        let src = "import os\nfrom openai import OpenAI\nfrom pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    openai_api_key: str\n    openai_base_url: str = \"https://api.openai.com/v1\"\n\nKEY = os.getenv(\"ANTHROPIC_API_KEY\")\nclient = OpenAI(api_key=os.environ[\"ANTHROPIC_API_KEY\"], base_url=os.environ.get(\"OPENAI_BASE_URL\", \"x\"))\nprint(f\"using {KEY}\")\nlogging.info(\"len %d\", len(KEY))\n";
        let (_, c) = code("app/llm.py", src);
        let reads: Vec<_> = c
            .env_reads
            .iter()
            .map(|r| (&*r.name, r.has_default))
            .collect();
        assert!(
            reads.contains(&("OPENAI_API_KEY", false))
                && reads.contains(&("OPENAI_BASE_URL", true)),
            "{reads:?}"
        );
        let call = &c.sdk_calls[0];
        assert!(matches!(&call.args[0].value, ArgValue::Env(n) if n == "ANTHROPIC_API_KEY"));
        assert_eq!(c.logs.len(), 1);
        assert_eq!(c.logs[0].callee, "print");
    }

    #[test]
    fn bundle_config() {
        let (_, c) = code(
            "next.config.js",
            "module.exports = { env: { OPENAI_API_KEY: process.env.OPENAI_API_KEY, SITE_URL: process.env.SITE_URL } }",
        );
        assert_eq!(c.bundle_leaks.len(), 1);
        let (_, c) = code(
            "vite.config.ts",
            "export default defineConfig(({ mode }) => { const env = loadEnv(mode, process.cwd(), ''); return { define: { 'process.env': env } } })",
        );
        assert!(c.bundle_leaks[0].whole_env);
    }
}
