//! Facts of a source file (JS/TS, Python, and key literals of any other language): env reads,
//! SDK constructor calls with their arguments, logging calls that print keys, auth headers,
//! key literals, bundler config that inlines env, and the runtime directive. Produced by
//! `parse::code`.

use std::sync::Arc;

use crate::facts::KeyLiteral;
use crate::redact::SecretStr;
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Js,
    Py,
    /// any other text source: only key literals are looked for
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    UseClient,
    UseServer,
}

#[derive(Debug, Clone)]
pub struct EnvRead {
    /// shared with every other read of the same name on this thread (`parse::code::intern`): a large
    /// monorepo reads the same few names hundreds of thousands of times
    pub name: Arc<str>,
    pub span: Span,
    /// `?? 'x'`, `|| 'x'`, `.get("X", "d")`, a settings default
    pub has_default: bool,
    /// byte offset where the read's line starts (filled in after the pass): two reads are on
    /// one line when these are equal. Offsets come from one sweep over the reads in order
    /// (the code front end sets them); a line number would cost counting every newline before it.
    pub line_start: u32,
}

#[derive(Debug, Clone)]
pub enum ArgValue {
    Str(SecretStr),
    Env(String),
    Bool(bool),
    Other,
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub param: String,
    pub key_span: Span,
    pub value: ArgValue,
    pub value_span: Span,
}

#[derive(Debug, Clone)]
pub struct SdkCall {
    /// index into the catalog's SDK list
    pub sdk: usize,
    pub callee: String,
    pub span: Span,
    pub args: Vec<Arg>,
}

impl SdkCall {
    pub fn arg(&self, names: &[String]) -> Option<&Arg> {
        self.args
            .iter()
            .find(|a| names.iter().any(|n| n == &a.param))
    }
    pub fn flag(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|a| a.param == name)
    }
}

#[derive(Debug, Clone)]
pub struct LogCall {
    pub callee: String,
    /// (what is printed: an env name, or `*` for the whole environment; its span)
    pub leaks: Vec<(String, Span)>,
}

#[derive(Debug, Clone)]
pub struct HeaderUse {
    pub header: String,
    pub span: Span,
    /// literal text the value starts with (`Bearer `)
    pub prefix: String,
    /// env names (or key-like variable names) the value is built from
    pub key_names: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct BundleLeak {
    /// `next.config env`, `vite define`, `vite envPrefix`
    pub via: &'static str,
    pub name: String,
    pub span: Span,
    pub whole_env: bool,
}

/// A URL whose query string carries a key: `` `…?key=${apiKey}` ``, `f"…&api_key={key}"`,
/// `"…?key=" + key`, `params={"key": api_key}`, `searchParams.set("key", apiKey)`.
#[derive(Debug, Clone)]
pub struct UrlKey {
    /// the query parameter (`key`, `api_key`, `token`)
    pub param: String,
    /// the env name the key is read from, or the variable holding it
    pub key: String,
    /// the value put into the query
    pub span: Span,
    /// the call that prints the URL or puts it in an exception message (`print`, `raise`):
    /// the URL itself or a variable assigned from it, passed to it later in the file
    pub printed: Option<(String, Span)>,
}

/// A regex that may validate a key's shape: written as a regex (a JS `/…/` literal,
/// `new RegExp("…")`, `re.compile(r"…")`, `re.match`, `pattern=`), anchored at its start, and
/// starting with text that begins a catalog key (`^sk-`, `^AIza`).
#[derive(Debug, Clone)]
pub struct KeyPattern {
    /// in the `regex` crate's syntax: flags and implied anchors folded in (`(?i)`, `^(?:…)$`
    /// for `re.fullmatch`)
    pub pattern: String,
    /// the literal text it requires first (`sk-`)
    pub prefix: String,
    pub span: Span,
}

/// An SDK client whose base URL comes from the incoming request while its key is the
/// server's own: `new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: body.baseURL })`.
#[derive(Debug, Clone)]
pub struct CallerBaseUrl {
    pub callee: String,
    /// the base URL argument
    pub base_span: Span,
    /// what of the request it reads: `request body`, `query string`, `request headers`
    pub source: &'static str,
    /// the server env key the client sends: its key argument's env read, or the SDK's default
    /// env name when it is given no key
    pub key_env: String,
    pub key_span: Option<Span>,
}

/// What a [`LifecycleUse`] is, by index into the catalog's lifecycle tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// a retired model id given as a model (`retired_models`)
    Model(usize),
    /// a retired API's attribute chain or tool (`retired_apis`)
    Api(usize),
    /// `module.<attr>` of an SDK generation's old side (`sdk_generations`)
    Before(usize),
    /// a name only an SDK generation's new side exports
    After(usize),
}

/// A use of something the lifecycle catalog names (`parse::lifecycle`).
#[derive(Debug, Clone)]
pub struct LifecycleUse {
    pub what: Lifecycle,
    /// what is written (`text-davinci-003`, `openai.ChatCompletion`), for messages
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct CodeFacts {
    pub lang: Lang,
    pub directive: Option<Directive>,
    pub env_reads: Vec<EnvRead>,
    pub sdk_calls: Vec<SdkCall>,
    pub logs: Vec<LogCall>,
    pub headers: Vec<HeaderUse>,
    pub key_literals: Vec<KeyLiteral>,
    pub bundle_leaks: Vec<BundleLeak>,
    /// hosts of provider URLs written in this file (`api.anthropic.com`)
    pub hosts: Vec<String>,
    /// the file skips tests conditionally (`skipif`, `pytest.skip(`, `it.skipIf`, `test.skip(`):
    /// its env reads may be what decides (a key that is empty on a fork skips, not fails)
    pub skips_tests: bool,
    pub url_keys: Vec<UrlKey>,
    pub key_patterns: Vec<KeyPattern>,
    pub caller_base_urls: Vec<CallerBaseUrl>,
    /// retired models and APIs, SDK-generation calls (`parse::lifecycle`)
    pub lifecycle: Vec<LifecycleUse>,
}
