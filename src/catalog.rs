//! The provider catalog: `rules/providers.toml`, compiled in, validated at load, extendable
//! from the user's config through the same types.
//!
//! Everything keylint knows about a provider (key formats, env names, hosts, base URLs, stale
//! URLs, model prefixes) is data here; checks ask the [`Catalog`] questions and never name a
//! provider in Rust.
//!
//! Secrets that are not LLM keys (`rules/secrets.toml`: GitHub, Stripe, Supabase, AWS…) live
//! beside the providers but apart from them: [`Catalog::classify_key`] only ever answers with a
//! provider (so the mismatch checks, which compare a key's provider with an endpoint's, never
//! judge a GitHub token), [`Catalog::classify_secret`] answers with an issuer, and
//! [`Catalog::classify_token`] asks both, for the exposure checks and the literal searches.

use std::collections::{HashMap, HashSet};

use regex::{Regex, RegexSet};
use serde::Deserialize;

use crate::url::BaseUrl;

pub const BUILTIN: &str = include_str!("../rules/providers.toml");
/// The non-LLM secrets (`[[secret]]`, `[secret_names]`), loaded as a second catalog file.
pub const SECRETS: &str = include_str!("../rules/secrets.toml");
/// Retired models and APIs, SDK generations (`[[retired_model]]`, `[[retired_api]]`,
/// `[[sdk_generation]]`), loaded as a third catalog file.
pub const LIFECYCLE: &str = include_str!("../rules/lifecycle.toml");

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Deserialize,
    serde::Serialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// Client appends `/chat/completions` to a base that ends in the version.
    Openai,
    /// Client appends `/v1/messages` to a root.
    Anthropic,
    /// Provider's own SDK paths.
    Native,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Vendor,
    Aggregator,
    Gateway,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFormat {
    pub kind: String,
    pub regex: String,
    #[serde(default)]
    pub prefix: Option<String>,
    pub confidence: Confidence,
    /// Shape alone is not distinctive: only meaningful when the variable name names this provider.
    #[serde(default)]
    pub needs_context: bool,
    /// Other providers that issue the same shape.
    #[serde(default)]
    pub shared_with: Vec<String>,
    /// Generator spec for a synthetic, format-valid key (tests and fixtures).
    pub example: String,
    /// For a format with no prefix: every match holds this many ASCII letters and digits in a
    /// row (and no line break), so the unanchored search for it in source files only looks at
    /// the lines that have such a run. Checked against `example` at load.
    #[serde(default)]
    pub min_run: Option<usize>,
    /// More generator specs of shapes the regex accepts that `example` does not show (OpenAI's
    /// legacy `sk-…T3BlbkFJ…` without `None-`): what a key-shape validator is tested against
    /// besides `example`. Each must match `regex` (checked at load).
    #[serde(default)]
    pub variants: Vec<String>,
    /// The ordinary key the provider issues today for its API: a key-shape validator written
    /// for the provider must accept it (stale-key-pattern). False for retired shapes and for
    /// keys of other APIs (admin keys, OAuth tokens, coding-plan keys).
    #[serde(default = "yes")]
    pub validator_must_accept: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyEnv {
    pub name: String,
    pub current: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseUrlSpec {
    pub url: String,
    pub protocol: Protocol,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stale {
    pub url: String,
    pub reason: String,
    #[serde(rename = "use")]
    pub replacement: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub docs: String,
    pub kind: ProviderKind,
    #[serde(default)]
    pub compat_slot: bool,
    #[serde(default)]
    pub aggregator: bool,
    #[serde(default)]
    pub key_env: Vec<String>,
    #[serde(default)]
    pub base_url_env: Vec<String>,
    #[serde(default)]
    pub legacy_base_url_env: Vec<LegacyEnv>,
    #[serde(default)]
    pub model_env: Vec<String>,
    #[serde(default)]
    pub hosts: Vec<String>,
    #[serde(default)]
    pub host_suffixes: Vec<String>,
    pub auth: String,
    #[serde(default)]
    pub models: Vec<String>,
    #[serde(default)]
    pub compat_models: Vec<String>,
    #[serde(default)]
    pub base_urls: Vec<BaseUrlSpec>,
    #[serde(default)]
    pub strict_paths: bool,
    #[serde(default, rename = "key")]
    pub keys: Vec<KeyFormat>,
    #[serde(default)]
    pub stale: Vec<Stale>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicPrefix {
    pub prefix: String,
    pub framework: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicByDesign {
    #[serde(default)]
    pub name_words: Vec<String>,
    #[serde(default)]
    pub value_prefixes: Vec<String>,
    /// one product's public key each, with the reason (`explain`); their words and prefixes
    /// are merged into `name_words` / `value_prefixes` at load
    #[serde(default, rename = "kind")]
    pub kinds: Vec<PublicKind>,
    /// key-shaped values that are public by design when written beside these words
    #[serde(default, rename = "context")]
    pub contexts: Vec<PublicContext>,
    /// products whose client keys are public by design (analytics, error tracking): a key
    /// name set or inlined within `near_window` bytes after one of these words belongs to them
    #[serde(default)]
    pub near_words: Vec<String>,
    #[serde(default)]
    pub near_window: usize,
}

/// A product's key that is public by design (a Stripe `pk_`, a PostHog `phc_`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKind {
    /// short name (`stripe-publishable`), for fixtures' `@@KEY:<id>@@` placeholders
    pub id: String,
    /// what the value is (`Stripe publishable key (pk_)`)
    pub what: String,
    /// generator spec for a synthetic value of this kind (tests and fixtures)
    #[serde(default)]
    pub example: Option<String>,
    /// why it is not a secret (printed by `explain`)
    pub reason: String,
    #[serde(default)]
    pub name_words: Vec<String>,
    #[serde(default)]
    pub value_prefixes: Vec<String>,
}

/// A token that is not an LLM key (`rules/secrets.toml`): an issuer, a shape, no endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    pub id: String,
    /// who issues it (`GitHub`), first in every message
    pub issuer: String,
    /// what it is (`personal access token`)
    pub kind: String,
    pub docs: String,
    /// the shape, anchored at load
    pub regex: String,
    #[serde(default)]
    pub prefix: Option<String>,
    pub confidence: Confidence,
    /// shape alone says nothing: the value counts only under one of these names
    /// (`AWS_SECRET_ACCESS_KEY`), compared after the browser prefix, at the end of the name
    #[serde(default)]
    pub names: Vec<String>,
    /// names that usually hold it (`GITHUB_TOKEN`): a read or a print of one is a secret's
    #[serde(default)]
    pub env: Vec<String>,
    /// a JWT that counts only when its payload's `role` claim is this (`service_role`)
    #[serde(default)]
    pub jwt_role: Option<String>,
    /// JWTs issued (`iss`) by one of these are published demo keys, not secrets
    #[serde(default)]
    pub jwt_demo_issuers: Vec<String>,
    /// generator spec for a synthetic, format-valid token (tests and fixtures)
    pub example: String,
}

impl Secret {
    /// `GitHub personal access token`
    pub fn what(&self) -> String {
        format!("{} {}", self.issuer, self.kind)
    }
}

/// Values that have a secret's shape but are documented examples (`AKIA…EXAMPLE`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretValues {
    /// lower-case words; a value holding one (any case) is no secret
    #[serde(default)]
    pub placeholder_words: Vec<String>,
}

/// Names that say "secret" whatever the value (`*_SECRET`, `*_PRIVATE_KEY`, `*_TOKEN`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretNames {
    /// anywhere in the name
    #[serde(default)]
    pub words: Vec<String>,
    /// at the end of the name, when it is not public by design
    #[serde(default)]
    pub suffixes: Vec<String>,
}

/// A key format that is also used for a public-by-design value, told apart by what is written
/// near it (a Firebase web config's `apiKey` is an `AIza…` key beside `authDomain`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicContext {
    pub prefix: String,
    /// any of these within `window` bytes of the value
    pub near: Vec<String>,
    pub window: usize,
    /// what the value is, for messages (`a Firebase web config apiKey`)
    pub what: String,
    /// why it is not a secret (printed by `explain`)
    pub reason: String,
}

/// An SDK constructor: which provider it talks to and which arguments carry key, base, model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sdk {
    pub names: Vec<String>,
    pub provider: String,
    pub key_params: Vec<String>,
    pub base_params: Vec<String>,
    #[serde(default)]
    pub model_params: Vec<String>,
    /// no usable default host (Azure needs an endpoint)
    #[serde(default)]
    pub no_default: bool,
    /// the path this client wants its base URL to end with, when it differs from the
    /// provider's other clients (the AI SDK's `createAnthropic` wants `/v1`, the Anthropic SDK
    /// none): a base URL given to this client is judged by it
    #[serde(default)]
    pub base_path: Option<String>,
    /// parts of the names the code front end searches for (`Cohere` finds `ChatCohere` and
    /// `CohereClient`); every name must contain one. Empty: the names themselves.
    #[serde(default)]
    pub anchors: Vec<String>,
}

/// Model ids a provider has shut down: requests naming them fail from `retired` on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetiredModel {
    pub provider: String,
    /// exact ids (compared without case, and without a `models/` prefix)
    pub ids: Vec<String>,
    /// shutdown date, `YYYY-MM-DD`
    pub retired: String,
    pub replacement: String,
    pub source: String,
}

/// An API or a tool of one a provider has shut down.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetiredApi {
    pub provider: String,
    /// what it is, first in every message (`Assistants API`)
    pub what: String,
    /// attribute chains that call it (`beta.assistants`)
    #[serde(default)]
    pub chains: Vec<String>,
    /// a tool type string (`retrieval`), counted as the value of a `type` key…
    #[serde(default)]
    pub tool: Option<String>,
    /// …in a file that also contains this word
    #[serde(default)]
    pub context: Option<String>,
    pub retired: String,
    pub replacement: String,
    pub source: String,
}

/// A package whose major version changed the call shape (openai-python 0.x → 1.x).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SdkGeneration {
    pub package: String,
    /// where its pins are read: `pypi` (requirements, pyproject, poetry.lock, uv.lock)
    pub ecosystem: String,
    /// the module code imports (`import openai`)
    pub module: String,
    /// the first version of the new generation
    pub boundary: String,
    /// `module.<attr>` the old generation had and the new one removed
    pub before: Vec<String>,
    /// names only the new generation exports (`from module import <name>`)
    pub after: Vec<String>,
    pub before_fails: String,
    pub after_fails: String,
    /// what happens instead of `before_fails` for some `before` names (`api_base` is ignored)
    #[serde(default)]
    pub before_notes: std::collections::BTreeMap<String, String>,
    pub before_fix: String,
    pub after_fix: String,
    pub source: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    #[serde(default)]
    pub sdk: Vec<Sdk>,
    #[serde(default, rename = "provider")]
    pub providers: Vec<Provider>,
    #[serde(default)]
    pub public_prefix: Vec<PublicPrefix>,
    #[serde(default)]
    pub public_by_design: PublicByDesign,
    #[serde(default, rename = "secret")]
    pub secrets: Vec<Secret>,
    #[serde(default)]
    pub secret_names: SecretNames,
    #[serde(default)]
    pub secret_values: SecretValues,
    #[serde(default)]
    pub retired_model: Vec<RetiredModel>,
    #[serde(default)]
    pub retired_api: Vec<RetiredApi>,
    #[serde(default)]
    pub sdk_generation: Vec<SdkGeneration>,
}

/// What the code front end searches a source file for before it builds any token.
#[derive(Debug)]
pub struct CodeAnchors {
    /// words near which every shape the code front end reads is found
    pub words: aho_corasick::AhoCorasick,
    /// the literal prefixes of the key formats
    pub prefixes: aho_corasick::AhoCorasick,
    /// key formats with no literal prefix and no need of a name, unanchored
    pub prefixless: Option<Regex>,
    /// when every prefixless format declares `min_run`: the smallest, else `None` (the
    /// prefixless regex then runs over whole files)
    pub prefixless_run: Option<usize>,
}

/// Index of one key format inside the catalog: (provider index, format index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatId {
    pub provider: usize,
    pub format: usize,
}

/// What a literal value's shape says about its provider.
#[derive(Debug, Clone)]
pub struct KeyMatch {
    pub format: FormatId,
    /// Provider ids that issue this shape (the format's provider first).
    pub candidates: Vec<String>,
    pub confidence: Confidence,
}

/// What a literal value's shape says about a non-LLM secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretMatch {
    /// index into [`Catalog::secrets`]
    pub secret: usize,
    pub confidence: Confidence,
}

/// A value's shape: an LLM provider's key or another issuer's secret.
#[derive(Debug, Clone)]
pub enum Token {
    Key(KeyMatch),
    Secret(SecretMatch),
}

impl Token {
    pub fn confidence(&self) -> Confidence {
        match self {
            Token::Key(m) => m.confidence,
            Token::Secret(m) => m.confidence,
        }
    }
}

/// Where a host points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostClass {
    Provider(usize),
    /// loopback, private network, compose service name, or a configured gateway: accepts any key
    Local,
    Unknown,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("provider catalog: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("provider catalog: {0}")]
    Invalid(String),
}

#[derive(Debug)]
pub struct Catalog {
    pub providers: Vec<Provider>,
    pub sdks: Vec<Sdk>,
    pub public_prefixes: Vec<PublicPrefix>,
    pub public_by_design: PublicByDesign,
    /// non-LLM secrets; never providers
    pub secrets: Vec<Secret>,
    pub secret_names: SecretNames,
    pub secret_values: SecretValues,
    pub retired_models: Vec<RetiredModel>,
    pub retired_apis: Vec<RetiredApi>,
    pub sdk_generations: Vec<SdkGeneration>,
    /// lower-case retired model id -> index into `retired_models`
    retired_ids: HashMap<String, usize>,
    /// what the code front end searches for retired models and SDK generations (built on
    /// first use)
    lifecycle_anchors: std::sync::OnceLock<crate::parse::lifecycle::Anchors>,
    /// anchored secret regexes, parallel to `secrets`
    secret_set: RegexSet,
    formats: Vec<FormatId>,
    /// anchored format regexes, parallel to `formats`
    format_set: RegexSet,
    format_res: Vec<Regex>,
    model_res: Vec<(usize, Regex, bool)>,
    by_env: HashMap<String, (usize, EnvRole)>,
    by_host: HashMap<String, usize>,
    extra_gateways: HashSet<String>,
    /// what the code front end searches for before it tokenizes (built on first use)
    code_anchors: std::sync::OnceLock<CodeAnchors>,
    /// what the literal pass searches every text file for (built on first use)
    text_anchors: std::sync::OnceLock<crate::parse::text::Anchors>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvRole {
    Key,
    BaseUrl,
    LegacyBaseUrl,
    Model,
}

impl Catalog {
    pub fn builtin() -> Result<Self, CatalogError> {
        Self::from_files(&builtin_files()?, &[])
    }

    /// Builds the catalog from the built-in file plus user additions; a user provider with the
    /// id of a built-in one replaces it.
    pub fn from_files(files: &[CatalogFile], gateways: &[String]) -> Result<Self, CatalogError> {
        let mut providers: Vec<Provider> = Vec::new();
        let mut public_prefixes = Vec::new();
        let mut public_by_design = PublicByDesign::default();
        let mut sdks: Vec<Sdk> = Vec::new();
        let mut secrets: Vec<Secret> = Vec::new();
        let mut secret_names = SecretNames::default();
        let mut secret_values = SecretValues::default();
        let mut retired_models: Vec<RetiredModel> = Vec::new();
        let mut retired_apis: Vec<RetiredApi> = Vec::new();
        let mut sdk_generations: Vec<SdkGeneration> = Vec::new();
        for file in files {
            sdks.extend(file.sdk.iter().cloned());
            retired_models.extend(file.retired_model.iter().cloned());
            retired_apis.extend(file.retired_api.iter().cloned());
            sdk_generations.extend(file.sdk_generation.iter().cloned());
            for s in &file.secrets {
                if let Some(slot) = secrets.iter_mut().find(|q| q.id == s.id) {
                    *slot = s.clone();
                } else {
                    secrets.push(s.clone());
                }
            }
            secret_names
                .words
                .extend(file.secret_names.words.iter().cloned());
            secret_names
                .suffixes
                .extend(file.secret_names.suffixes.iter().cloned());
            secret_values.placeholder_words.extend(
                file.secret_values
                    .placeholder_words
                    .iter()
                    .map(|w| w.to_ascii_lowercase()),
            );
            for k in &file.public_by_design.kinds {
                public_by_design
                    .name_words
                    .extend(k.name_words.iter().cloned());
                public_by_design
                    .value_prefixes
                    .extend(k.value_prefixes.iter().cloned());
                public_by_design.kinds.push(k.clone());
            }
            for p in &file.providers {
                if let Some(slot) = providers.iter_mut().find(|q| q.id == p.id) {
                    *slot = p.clone();
                } else {
                    providers.push(p.clone());
                }
            }
            public_prefixes.extend(file.public_prefix.iter().cloned());
            public_by_design
                .name_words
                .extend(file.public_by_design.name_words.iter().cloned());
            public_by_design
                .value_prefixes
                .extend(file.public_by_design.value_prefixes.iter().cloned());
            public_by_design
                .contexts
                .extend(file.public_by_design.contexts.iter().cloned());
            public_by_design
                .near_words
                .extend(file.public_by_design.near_words.iter().cloned());
            public_by_design.near_window = public_by_design
                .near_window
                .max(file.public_by_design.near_window);
        }
        // longest prefix first, so NEXT_PUBLIC_ wins over PUBLIC_
        public_prefixes.sort_by_key(|p| std::cmp::Reverse(p.prefix.len()));

        let ids: HashSet<&str> = providers.iter().map(|p| p.id.as_str()).collect();
        let mut formats = Vec::new();
        let mut patterns = Vec::new();
        let mut model_res = Vec::new();
        let mut by_env = HashMap::new();
        let mut by_host = HashMap::new();
        for (pi, p) in providers.iter().enumerate() {
            for (fi, f) in p.keys.iter().enumerate() {
                for other in &f.shared_with {
                    if !ids.contains(other.as_str()) {
                        return Err(CatalogError::Invalid(format!(
                            "{}: key format `{}` is shared with unknown provider `{other}`",
                            p.id, f.kind
                        )));
                    }
                }
                if let Some(n) = f.min_run {
                    let longest = longest_alnum_run(&synth_key(&f.example, 1));
                    if f.prefix.is_some() || n == 0 || longest < n {
                        return Err(CatalogError::Invalid(format!(
                            "{}: key format `{}`: min_run = {n} needs a format with no prefix \
                             whose example holds such a run (it has {longest})",
                            p.id, f.kind
                        )));
                    }
                }
                let whole = Regex::new(&format!("^(?:{})$", f.regex)).map_err(|e| {
                    CatalogError::Invalid(format!("{}: key format `{}`: {e}", p.id, f.kind))
                })?;
                if let Some(v) = f
                    .variants
                    .iter()
                    .find(|v| !whole.is_match(&synth_key(v, 1)))
                {
                    return Err(CatalogError::Invalid(format!(
                        "{}: key format `{}`: variant `{v}` does not match its regex",
                        p.id, f.kind
                    )));
                }
                formats.push(FormatId {
                    provider: pi,
                    format: fi,
                });
                patterns.push(format!("^(?:{})$", f.regex));
            }
            for (list, extra) in [(&p.models, false), (&p.compat_models, true)] {
                for m in list {
                    let re = Regex::new(m).map_err(|e| {
                        CatalogError::Invalid(format!("{}: model pattern `{m}`: {e}", p.id))
                    })?;
                    model_res.push((pi, re, extra));
                }
            }
            let roles = [
                (&p.key_env, EnvRole::Key),
                (&p.base_url_env, EnvRole::BaseUrl),
                (&p.model_env, EnvRole::Model),
            ];
            for (names, role) in roles {
                for n in names {
                    insert_unique(&mut by_env, n, (pi, role), &p.id)?;
                }
            }
            for l in &p.legacy_base_url_env {
                insert_unique(&mut by_env, &l.name, (pi, EnvRole::LegacyBaseUrl), &p.id)?;
            }
            for h in &p.hosts {
                if by_host.insert(h.to_ascii_lowercase(), pi).is_some() {
                    return Err(CatalogError::Invalid(format!("host `{h}` listed twice")));
                }
            }
            for b in &p.base_urls {
                crate::url::parse(&b.url).map_err(|e| {
                    CatalogError::Invalid(format!("{}: base URL `{}`: {e:?}", p.id, b.url))
                })?;
            }
            for s in &p.stale {
                for u in [&s.url, &s.replacement] {
                    crate::url::parse(u).map_err(|e| {
                        CatalogError::Invalid(format!("{}: stale URL `{u}`: {e:?}", p.id))
                    })?;
                }
            }
        }
        let format_res = patterns
            .iter()
            .map(|p| Regex::new(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CatalogError::Invalid(format!("key regex: {e}")))?;
        let format_set = RegexSet::new(&patterns)
            .map_err(|e| CatalogError::Invalid(format!("key regex: {e}")))?;
        for s in &secrets {
            if providers.iter().any(|p| p.id == s.id) {
                return Err(CatalogError::Invalid(format!(
                    "secret `{}` has the id of a provider",
                    s.id
                )));
            }
            if s.prefix.is_none() && s.names.is_empty() {
                return Err(CatalogError::Invalid(format!(
                    "secret `{}`: a shape with no prefix needs `names` to count under",
                    s.id
                )));
            }
        }
        let secret_set = RegexSet::new(secrets.iter().map(|s| format!("^(?:{})$", s.regex)))
            .map_err(|e| CatalogError::Invalid(format!("secret regex: {e}")))?;
        for sdk in &sdks {
            if !providers.iter().any(|p| p.id == sdk.provider) {
                return Err(CatalogError::Invalid(format!(
                    "sdk {:?}: unknown provider `{}`",
                    sdk.names, sdk.provider
                )));
            }
            if let Some(a) = sdk.anchors.iter().find(|a| a.len() < 3) {
                return Err(CatalogError::Invalid(format!(
                    "sdk {:?}: anchor `{a}` is shorter than 3 bytes",
                    sdk.names
                )));
            }
            if !sdk.anchors.is_empty() {
                if let Some(n) = sdk
                    .names
                    .iter()
                    .find(|n| !sdk.anchors.iter().any(|a| n.contains(a.as_str())))
                {
                    return Err(CatalogError::Invalid(format!(
                        "sdk {:?}: name `{n}` holds none of its anchors {:?}, so calls to it \
                         would not be found",
                        sdk.names, sdk.anchors
                    )));
                }
            }
        }
        let retired_ids =
            lifecycle_index(&providers, &retired_models, &retired_apis, &sdk_generations)?;
        Ok(Catalog {
            retired_models,
            retired_apis,
            sdk_generations,
            retired_ids,
            lifecycle_anchors: std::sync::OnceLock::new(),
            sdks,
            providers,
            public_prefixes,
            public_by_design,
            secrets,
            secret_names,
            secret_values,
            secret_set,
            formats,
            format_set,
            format_res,
            model_res,
            by_env,
            by_host,
            extra_gateways: gateways.iter().map(|g| g.to_ascii_lowercase()).collect(),
            code_anchors: std::sync::OnceLock::new(),
            text_anchors: std::sync::OnceLock::new(),
        })
    }

    /// The SDK a constructor name belongs to (`OpenAI`, `openai.OpenAI` → OpenAI).
    pub fn sdk(&self, callee: &str) -> Option<&Sdk> {
        let last = callee.rsplit('.').next().unwrap_or(callee);
        self.sdks.iter().find(|s| s.names.iter().any(|n| n == last))
    }

    /// The code front end's search automata, built once per catalog.
    pub fn code_anchors(&self) -> &CodeAnchors {
        self.code_anchors.get_or_init(|| {
            // env access, logging, auth headers, URLs, key prefixes, SDK names: every shape
            // the code front end reads starts at or near one of these. An anchor only has to
            // land inside the statement, so a word is cut to a part that starts with rarer bytes
            // (`nsole`, `uthorization`): the searcher checks every place where the first three
            // bytes of some word could start, and `con`, `Aut`, `api` start half the words of a
            // program. The `'use client'` directive is found by its place (the file's first
            // statement), not by a word. Their order is chosen for the searcher's buckets
            // (crate::teddy).
            let minimal = crate::teddy::order(self.code_anchor_words());
            let prefixes = self.key_prefixes();
            // formats with no literal prefix that need no name for context (Zhipu's
            // `id.secret`): found by their own regex, unanchored
            let unanchored: Vec<&KeyFormat> = self
                .formats
                .iter()
                .map(|id| self.format(*id))
                .filter(|f| f.prefix.is_none() && !f.needs_context && !f.regex.contains("sk-"))
                .collect();
            let prefixless_run = unanchored
                .iter()
                .map(|f| f.min_run)
                .collect::<Option<Vec<usize>>>()
                .and_then(|runs| runs.into_iter().min());
            let prefixless: Vec<String> = unanchored
                .iter()
                .map(|f| {
                    format!(
                        "(?:{})",
                        f.regex.trim_start_matches('^').trim_end_matches('$')
                    )
                })
                .collect();
            CodeAnchors {
                // leftmost-first lets the search use its packed (SIMD) searcher
                words: aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                    .build(minimal)
                    .expect("internal error: code anchor words"),
                prefixes: aho_corasick::AhoCorasick::new(&prefixes)
                    .expect("internal error: key prefixes"),
                prefixless: (!prefixless.is_empty())
                    .then(|| Regex::new(&prefixless.join("|")).ok())
                    .flatten(),
                prefixless_run,
            }
        })
    }

    /// The code front end's anchor words (see [`Catalog::code_anchors`]): env access, logging,
    /// auth headers, URLs, key prefixes and SDK names, minimal (no word contains another).
    pub fn code_anchor_words(&self) -> Vec<String> {
        let mut words: Vec<String> = [
            "env",
            "log",
            "LOG",
            "print",
            "nsole",
            "uthorization",
            "UTHORIZATION",
            "pi-key",
            "pi-Key",
            "PI-Key",
            "PI-KEY",
            "://",
            "sk-",
            // keys in URL queries (`?key=`, `&api_key=`) and params objects
            // (`params={"key": …}`, `URLSearchParams`, `searchParams.set`). Above 64 words the
            // search leaves the packed (Teddy) path (~10x slower: `cargo bench`, "prefilter
            // source words"); measure before adding one
            "key=",
            "arams",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let prefixes = self.key_prefixes();
        words.extend(prefixes.iter().cloned());
        // an SDK's anchors (each of its names holds one; checked at load) or its names
        words.extend(self.sdks.iter().flat_map(|s| {
            if s.anchors.is_empty() {
                s.names.iter().cloned()
            } else {
                s.anchors.iter().cloned()
            }
            .collect::<Vec<_>>()
        }));
        // a word that contains another is found through it (`ChatOpenAI` through `OpenAI`):
        // fewer, case-sensitive patterns keep the search on its SIMD path
        crate::teddy::minimal(words)
    }

    /// The lifecycle scan's search automaton (retired model ids, retired API chains, SDK
    /// generation names), built once per catalog.
    pub fn lifecycle_anchors(&self) -> &crate::parse::lifecycle::Anchors {
        self.lifecycle_anchors
            .get_or_init(|| crate::parse::lifecycle::Anchors::build(self))
    }

    /// The retired-model entry of a model id (`text-davinci-003`, `models/gemini-pro`), if any.
    pub fn retired_model(&self, id: &str) -> Option<&RetiredModel> {
        self.retired_model_index(id)
            .map(|i| &self.retired_models[i])
    }

    /// [`Catalog::retired_model`] as an index into `retired_models`.
    pub fn retired_model_index(&self, id: &str) -> Option<usize> {
        let id = id.trim();
        let id = id.strip_prefix("models/").unwrap_or(id);
        if id.len() < 4 || id.len() > 64 {
            return None;
        }
        self.retired_ids.get(&id.to_ascii_lowercase()).copied()
    }

    /// The literal pass's search automaton, built once per catalog.
    pub fn text_anchors(&self) -> &crate::parse::text::Anchors {
        self.text_anchors
            .get_or_init(|| crate::parse::text::Anchors::build(self))
    }

    /// A key literal's match with what its file says about it: a shape several providers
    /// share becomes the one provider the file names (`hint`), high when the literal's own
    /// name says so, medium when a host, env name or SDK elsewhere in the file does.
    pub fn classify_literal(
        &self,
        value: &str,
        hint: Option<usize>,
        named: bool,
    ) -> Option<KeyMatch> {
        // a name vouches for the shape (and lets a format that needs one match); a mention
        // elsewhere in the file only picks among the providers that share it
        let m = self.classify_key(value, hint.filter(|_| named))?;
        match hint {
            Some(h)
                if m.candidates.len() > 1
                    && m.candidates.iter().any(|c| *c == self.providers[h].id) =>
            {
                Some(KeyMatch {
                    candidates: vec![self.providers[h].id.clone()],
                    confidence: if named {
                        Confidence::High
                    } else {
                        m.confidence.max(Confidence::Medium)
                    },
                    format: m.format,
                })
            }
            _ => Some(m),
        }
    }

    /// Every distinct literal prefix of the token formats, LLM keys and other secrets (for the
    /// aho-corasick prefilter; classify a candidate with [`Catalog::classify_token`]).
    pub fn key_prefixes(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .providers
            .iter()
            .flat_map(|p| p.keys.iter().filter_map(|k| k.prefix.clone()))
            .chain(self.secrets.iter().filter_map(|s| s.prefix.clone()))
            .collect();
        v.push("T3BlbkFJ".into());
        v.sort();
        v.dedup();
        v
    }

    pub fn provider(&self, idx: usize) -> &Provider {
        &self.providers[idx]
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.providers.iter().position(|p| p.id == id)
    }

    pub fn format(&self, id: FormatId) -> &KeyFormat {
        &self.providers[id.provider].keys[id.format]
    }

    /// What the shape of `value` says. Formats that need context only match when
    /// `name_provider` is their own provider. The most confident match wins; a shape shared by
    /// several providers lists them all.
    pub fn classify_key(&self, value: &str, name_provider: Option<usize>) -> Option<KeyMatch> {
        if value.len() < 16 || value.len() > 512 {
            return None;
        }
        let mut best: Option<(FormatId, Confidence)> = None;
        for i in self.format_set.matches(value).iter() {
            let id = self.formats[i];
            let f = self.format(id);
            if f.needs_context && name_provider != Some(id.provider) {
                continue;
            }
            // a name that agrees with a shape raises the shape's confidence
            let conf = if name_provider == Some(id.provider) {
                Confidence::High
            } else {
                f.confidence
            };
            if best.is_none_or(|(_, c)| conf > c) {
                best = Some((id, conf));
            }
        }
        let (id, confidence) = best?;
        let f = self.format(id);
        let mut candidates = vec![self.providers[id.provider].id.clone()];
        candidates.extend(f.shared_with.iter().cloned());
        Some(KeyMatch {
            format: id,
            candidates,
            confidence,
        })
    }

    /// What the shape of `value` says about a non-LLM secret. `name` (the variable that holds
    /// it, browser prefix removed) lets the prefix-less shapes count (`AWS_SECRET_ACCESS_KEY`).
    pub fn classify_secret(&self, value: &str, name: Option<&str>) -> Option<SecretMatch> {
        if value.len() < 16 || value.len() > 2048 {
            return None;
        }
        let matches = self.secret_set.matches(value);
        if !matches.matched_any() {
            return None;
        }
        let lower = value.to_ascii_lowercase();
        if self
            .secret_values
            .placeholder_words
            .iter()
            .any(|w| lower.contains(w.as_str()))
        {
            return None;
        }
        let mut best: Option<SecretMatch> = None;
        for i in matches.iter() {
            let s = &self.secrets[i];
            if !s.names.is_empty() && !name.is_some_and(|n| names_match(&s.names, n)) {
                continue;
            }
            if let Some(role) = &s.jwt_role {
                let Some((claimed, iss)) = jwt_claims(value) else {
                    continue;
                };
                if claimed != *role || iss.is_some_and(|i| s.jwt_demo_issuers.contains(&i)) {
                    continue;
                }
            }
            if best.is_none_or(|b| s.confidence > b.confidence) {
                best = Some(SecretMatch {
                    secret: i,
                    confidence: s.confidence,
                });
            }
        }
        best
    }

    /// An LLM key first, else another issuer's secret: what the exposure checks and the
    /// literal searches ask of a value found with no name (a literal in code, a settings leaf).
    /// [`Catalog::classify_literal`] for any token: an LLM key (judged with what its file says
    /// about it), else another issuer's secret (judged with the name it is assigned to).
    pub fn classify_literal_token(&self, lit: &crate::facts::KeyLiteral) -> Option<Token> {
        let v = lit.value.expose();
        self.classify_literal(v, lit.hint, lit.named)
            .map(Token::Key)
            .or_else(|| {
                self.classify_secret(v, lit.name.as_deref())
                    .map(Token::Secret)
            })
    }

    pub fn classify_token(&self, value: &str) -> Option<Token> {
        self.classify_key(value, None)
            .map(Token::Key)
            .or_else(|| self.classify_secret(value, None).map(Token::Secret))
    }

    /// Does the token's format start with a literal prefix (a distinctive shape)?
    pub fn token_prefixed(&self, t: &Token) -> bool {
        match t {
            Token::Key(m) => self.format(m.format).prefix.is_some(),
            Token::Secret(m) => self.secrets[m.secret].prefix.is_some(),
        }
    }

    /// The provider's or the secret's id (evidence, fingerprints).
    pub fn token_id(&self, t: &Token) -> &str {
        match t {
            Token::Key(m) => &self.providers[m.format.provider].id,
            Token::Secret(m) => &self.secrets[m.secret].id,
        }
    }

    pub fn secret(&self, m: SecretMatch) -> &Secret {
        &self.secrets[m.secret]
    }

    pub fn secret_index(&self, id: &str) -> Option<usize> {
        self.secrets.iter().position(|s| s.id == id)
    }

    /// The issuer of the secret a name usually holds (`NPM_TOKEN` → npm access token).
    pub fn secret_env(&self, name: &str) -> Option<&Secret> {
        self.secrets
            .iter()
            .find(|s| s.env.iter().any(|e| e.eq_ignore_ascii_case(name)))
    }

    /// Does a name say "secret" by itself (`SUPABASE_SERVICE_ROLE_KEY`, `JWT_SECRET`)? The
    /// `word` that says so, or `None`. Suffixes (`_TOKEN`) count only when `suffixes` is set.
    pub fn secret_name_word(&self, upper: &str, suffixes: bool) -> Option<&str> {
        self.secret_names
            .words
            .iter()
            .find(|w| upper.contains(w.as_str()))
            .or_else(|| {
                suffixes
                    .then(|| {
                        self.secret_names
                            .suffixes
                            .iter()
                            .find(|s| upper.ends_with(s.as_str()) && upper.len() > s.len())
                    })
                    .flatten()
            })
            .map(String::as_str)
    }

    /// A format whose distinctive prefix `value` starts with (for truncated or mangled keys).
    pub fn format_by_prefix(&self, value: &str) -> Option<FormatId> {
        self.formats
            .iter()
            .copied()
            .filter(|id| {
                self.format(*id)
                    .prefix
                    .as_deref()
                    .is_some_and(|p| value.starts_with(p))
            })
            .max_by_key(|id| self.format(*id).prefix.as_ref().map_or(0, String::len))
    }

    pub fn format_regex(&self, id: FormatId) -> &Regex {
        let i = self
            .formats
            .iter()
            .position(|f| *f == id)
            .expect("internal error: format id from this catalog");
        &self.format_res[i]
    }

    /// The provider and role of a catalog env var name.
    pub fn env(&self, name: &str) -> Option<(usize, EnvRole)> {
        self.by_env.get(name).copied()
    }

    pub fn legacy(&self, name: &str) -> Option<&LegacyEnv> {
        let (p, role) = self.env(name)?;
        if role != EnvRole::LegacyBaseUrl {
            return None;
        }
        self.providers[p]
            .legacy_base_url_env
            .iter()
            .find(|l| l.name == name)
    }

    pub fn classify_host(&self, host: &str) -> HostClass {
        let host = host.trim_end_matches('.');
        if self.extra_gateways.contains(host) {
            return HostClass::Local;
        }
        if let Some(&p) = self.by_host.get(host) {
            return if self.providers[p].kind == ProviderKind::Gateway {
                HostClass::Local
            } else {
                HostClass::Provider(p)
            };
        }
        for (pi, p) in self.providers.iter().enumerate() {
            if p.host_suffixes.iter().any(|s| host.ends_with(s.as_str())) {
                return if p.kind == ProviderKind::Gateway {
                    HostClass::Local
                } else {
                    HostClass::Provider(pi)
                };
            }
        }
        if is_local_host(host) {
            HostClass::Local
        } else {
            HostClass::Unknown
        }
    }

    pub fn classify_url(&self, url: &BaseUrl) -> HostClass {
        self.classify_host(&url.host)
    }

    /// Providers whose own model names match `model` (compat patterns excluded).
    pub fn model_providers(&self, model: &str) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .model_res
            .iter()
            .filter(|(_, re, compat)| !compat && re.is_match(model))
            .map(|(p, _, _)| *p)
            .collect();
        out.dedup();
        out
    }

    /// Does provider `p` serve `model` (its own names, or names it maps on a compatible route)?
    pub fn serves_model(&self, p: usize, model: &str) -> bool {
        self.providers[p].aggregator
            || self
                .model_res
                .iter()
                .any(|(q, re, _)| *q == p && re.is_match(model))
    }

    /// The browser-exposed prefix of a variable name, longest first.
    /// The public-by-design use a key literal at `span` of `text` has, judged by its prefix and
    /// the words around it (`None`: treat it as a secret).
    pub fn public_by_context(
        &self,
        value: &str,
        text: &str,
        span: crate::source::Span,
    ) -> Option<&PublicContext> {
        self.public_by_design.contexts.iter().find(|c| {
            if !value.starts_with(c.prefix.as_str()) {
                return false;
            }
            let mut lo = (span.start as usize).saturating_sub(c.window);
            let mut hi = (span.end as usize + c.window).min(text.len());
            while !text.is_char_boundary(lo) {
                lo -= 1;
            }
            while !text.is_char_boundary(hi) {
                hi += 1;
            }
            let around = &text[lo..hi];
            c.near.iter().any(|w| around.contains(w.as_str()))
        })
    }

    /// Is the name at `span` of `text` written just after a public-by-design product's name
    /// (a `// PostHog` comment above a Vite `define` entry)?
    pub fn public_by_nearby_word(&self, text: &str, span: crate::source::Span) -> bool {
        let end = (span.start as usize).min(text.len());
        let mut lo = end.saturating_sub(self.public_by_design.near_window);
        while !text.is_char_boundary(lo) {
            lo += 1;
        }
        let before = &text[lo..end];
        self.public_by_design
            .near_words
            .iter()
            .any(|w| before.contains(w.as_str()))
    }

    pub fn public_prefix(&self, name: &str) -> Option<&PublicPrefix> {
        self.public_prefixes
            .iter()
            .find(|p| name.starts_with(&p.prefix) && name.len() > p.prefix.len())
    }
}

/// The built-in catalog files: the providers, then the other secrets, then the lifecycle.
pub fn builtin_files() -> Result<Vec<CatalogFile>, CatalogError> {
    Ok(vec![
        toml::from_str(BUILTIN)?,
        toml::from_str(SECRETS)?,
        toml::from_str(LIFECYCLE)?,
    ])
}

/// A `YYYY-MM-DD` date (the catalog's shutdown dates).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Validates the lifecycle tables and indexes the retired model ids (lower case; a later entry
/// for the same id replaces an earlier one, so a user's `.keylint.toml` can correct a date).
fn lifecycle_index(
    providers: &[Provider],
    models: &[RetiredModel],
    apis: &[RetiredApi],
    gens: &[SdkGeneration],
) -> Result<HashMap<String, usize>, CatalogError> {
    let known = |id: &str| providers.iter().any(|p| p.id == id);
    let mut ids = HashMap::new();
    for (i, m) in models.iter().enumerate() {
        if !known(&m.provider) || !is_date(&m.retired) || m.ids.is_empty() {
            return Err(CatalogError::Invalid(format!(
                "retired_model {:?}: needs a known provider (`{}`), ids and a YYYY-MM-DD date (`{}`)",
                m.ids, m.provider, m.retired
            )));
        }
        for id in &m.ids {
            if id.len() < 4 || id.len() > 64 {
                return Err(CatalogError::Invalid(format!(
                    "retired_model id `{id}`: 4 to 64 bytes"
                )));
            }
            ids.insert(id.to_ascii_lowercase(), i);
        }
    }
    for a in apis {
        let tool_ok =
            a.tool.as_ref().is_none_or(|t| t.len() >= 3) && a.tool.is_some() == a.context.is_some();
        if !known(&a.provider)
            || !is_date(&a.retired)
            || (a.chains.is_empty() && a.tool.is_none())
            || !tool_ok
        {
            return Err(CatalogError::Invalid(format!(
                "retired_api `{}`: needs a known provider, chains or a tool with its context, and a YYYY-MM-DD date",
                a.what
            )));
        }
        if let Some(c) = a.chains.iter().find(|c| c.len() < 4 || !c.contains('.')) {
            return Err(CatalogError::Invalid(format!(
                "retired_api `{}`: chain `{c}` needs a `.`",
                a.what
            )));
        }
    }
    for g in gens {
        if g.ecosystem != "pypi" || g.module.is_empty() || g.before.is_empty() {
            return Err(CatalogError::Invalid(format!(
                "sdk_generation `{}`: ecosystem must be `pypi`, with a module and `before` names",
                g.package
            )));
        }
        crate::parse::pydeps::parse_version(&g.boundary).ok_or_else(|| {
            CatalogError::Invalid(format!(
                "sdk_generation `{}`: boundary `{}` is no version",
                g.package, g.boundary
            ))
        })?;
    }
    Ok(ids)
}

/// `name` is one of `names`, or ends with one after a `_` (`PROD_AWS_SECRET_ACCESS_KEY`).
fn names_match(names: &[String], name: &str) -> bool {
    names.iter().any(|n| {
        name.eq_ignore_ascii_case(n)
            || (name.len() > n.len()
                && name.is_char_boundary(name.len() - n.len())
                && name[name.len() - n.len()..].eq_ignore_ascii_case(n)
                && name.as_bytes()[name.len() - n.len() - 1] == b'_')
    })
}

/// The `role` claim of a JWT's payload (`service_role`, `anon`), if `value` is one.
pub fn jwt_role(value: &str) -> Option<String> {
    jwt_claims(value).map(|(role, _)| role)
}

/// The `role` and `iss` claims of a JWT's payload. Hand-written base64url of one segment: no
/// dependency for 20 lines.
fn jwt_claims(value: &str) -> Option<(String, Option<String>)> {
    let payload = value.split('.').nth(1)?;
    let bytes = b64url_decode(payload)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let role = v.get("role")?.as_str()?.to_string();
    let iss = v.get("iss").and_then(|i| i.as_str()).map(str::to_string);
    Some((role, iss))
}

fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().take_while(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn b64url_encode(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn insert_unique(
    map: &mut HashMap<String, (usize, EnvRole)>,
    name: &str,
    v: (usize, EnvRole),
    id: &str,
) -> Result<(), CatalogError> {
    if map.insert(name.to_string(), v).is_some() {
        return Err(CatalogError::Invalid(format!(
            "{id}: env name `{name}` is listed twice"
        )));
    }
    Ok(())
}

/// Hosts that reach the user's own machine or network: loopback, unspecified, RFC 1918,
/// link-local, CGNAT, ULA, `.local`/`.internal`/`.lan` names, and single-label names such as
/// compose service names (`http://litellm:4000`).
pub fn is_local_host(host: &str) -> bool {
    if host == "localhost" || host.ends_with(".localhost") || host == "::1" || host == "::" {
        return true;
    }
    if let Ok(ip) = host.parse::<std::net::Ipv4Addr>() {
        let o = ip.octets();
        return ip.is_loopback()
            || ip.is_private()
            || ip.is_link_local()
            || ip.is_unspecified()
            || (o[0] == 100 && (64..128).contains(&o[1]));
    }
    if let Ok(ip) = host.parse::<std::net::Ipv6Addr>() {
        let s = ip.segments()[0];
        return ip.is_loopback() || (s & 0xfe00) == 0xfc00 || (s & 0xffc0) == 0xfe80;
    }
    [
        ".local",
        ".internal",
        ".lan",
        ".home.arpa",
        ".svc",
        ".cluster.local",
    ]
    .iter()
    .any(|s| host.ends_with(s))
        || !host.contains('.')
}

/// Expands a generator spec (`sk-or-v1-{hex:64}`) into a synthetic key. Deterministic for a
/// seed; used by the test harness so no key-shaped string is ever committed.
/// The longest stretch of ASCII letters and digits in `s`.
pub fn longest_alnum_run(s: &str) -> usize {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

pub fn synth_key(spec: &str, seed: u64) -> String {
    let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut out = String::new();
    let mut rest = spec;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let inner = &rest[open + 1..close.min(rest.len())];
        let (class, arg) = inner.split_once(':').unwrap_or((inner, "0"));
        if class == "jwt" {
            // a JWT whose payload claims role `arg`: header, payload, random signature
            let reference: String = (0..20)
                .map(|_| (b'a' + (next() % 26) as u8) as char)
                .collect();
            let payload = format!(
                r#"{{"iss":"supabase","ref":"{reference}","role":"{arg}","iat":1700000000,"exp":2000000000}}"#
            );
            out.push_str(&b64url_encode(br#"{"alg":"HS256","typ":"JWT"}"#));
            out.push('.');
            out.push_str(&b64url_encode(payload.as_bytes()));
            out.push('.');
            let sig: Vec<u8> = (0..32).map(|_| next() as u8).collect();
            out.push_str(&b64url_encode(&sig));
            rest = rest.get(close + 1..).unwrap_or("");
            continue;
        }
        let n: usize = arg.parse().unwrap_or(0);
        let alphabet: &[u8] = match class {
            "hex" => b"0123456789abcdef",
            "digit" => b"0123456789",
            "upper32" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
            "lower" => b"abcdefghijklmnopqrstuvwxyz0123456789",
            "alpha" => b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "b64url" => b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
            _ => b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        };
        for _ in 0..n {
            out.push(alphabet[(next() % alphabet.len() as u64) as usize] as char);
        }
        rest = rest.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_loads() {
        let c = Catalog::builtin().expect("builtin catalog is valid");
        assert!(c.providers.len() >= 20);
    }

    #[test]
    fn sdk_anchors_must_find_every_name() {
        let base: CatalogFile = toml::from_str(BUILTIN).expect("builtin parses");
        let mut bad = base.clone();
        let cohere = bad
            .sdk
            .iter_mut()
            .find(|s| s.provider == "cohere")
            .expect("cohere");
        cohere.anchors = vec!["Cohere".into()]; // `ClientV2` holds no `Cohere`
        let err = Catalog::from_files(&[bad], &[]).expect_err("anchor misses a name");
        assert!(err.to_string().contains("ClientV2"), "{err}");
        // and every built-in name is found by the search words
        let c = Catalog::from_files(&[base], &[]).expect("valid");
        let words = &c.code_anchors().words;
        for sdk in &c.sdks {
            for n in &sdk.names {
                assert!(words.is_match(n.as_str()), "{n} has no anchor");
            }
        }
    }

    #[test]
    fn local_hosts() {
        for h in [
            "localhost",
            "127.0.0.1",
            "10.0.0.5",
            "192.168.1.2",
            "litellm",
            "::1",
            "0.0.0.0",
            "gpu.internal",
        ] {
            assert!(is_local_host(h), "{h}");
        }
        for h in ["api.openai.com", "8.8.8.8", "llm.example.com"] {
            assert!(!is_local_host(h), "{h}");
        }
    }

    #[test]
    fn every_secret_example_is_its_own_shape() {
        let c = Catalog::builtin().expect("catalog");
        assert!(c.secrets.len() >= 20);
        for (i, s) in c.secrets.iter().enumerate() {
            let v = synth_key(&s.example, 3);
            let name = s.names.first().map(String::as_str);
            let m = c.classify_secret(&v, name);
            assert_eq!(m.map(|m| m.secret), Some(i), "{}: {v:?}", s.id);
            // never an LLM key: the mismatch checks must not see it
            assert!(c.classify_key(&v, None).is_none(), "{} is LLM-shaped", s.id);
            if s.prefix.is_some() {
                assert!(c.classify_secret(&v, None).is_some(), "{}", s.id);
            } else {
                assert!(
                    c.classify_secret(&v, Some("SOMETHING_ELSE")).is_none(),
                    "{}",
                    s.id
                );
            }
        }
    }

    #[test]
    fn jwt_role_reads_the_payload() {
        let service = synth_key("{jwt:service_role}", 1);
        let anon = synth_key("{jwt:anon}", 1);
        assert_eq!(jwt_role(&service).as_deref(), Some("service_role"));
        assert_eq!(jwt_role(&anon).as_deref(), Some("anon"));
        let c = Catalog::builtin().expect("catalog");
        assert!(c.classify_secret(&service, None).is_some());
        assert!(c.classify_secret(&anon, None).is_none());
        // AWS's documented example ids are no secrets
        let documented = format!("AKIA{}EXAMPLE", "IOSFODNN7");
        assert!(c.classify_secret(&documented, None).is_none());
        assert_eq!(jwt_role("eyJ.!!!.x"), None);
        // the Supabase CLI's published local demo key is no secret
        let demo_payload = br#"{"iss":"supabase-demo","role":"service_role","exp":1983812996}"#;
        let demo = format!(
            "{}.{}.{}",
            b64url_encode(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64url_encode(demo_payload),
            "abcdefghijklmnopqrstuvwxyzABCDEFGH0123456789"
        );
        assert_eq!(jwt_role(&demo).as_deref(), Some("service_role"));
        assert!(c.classify_secret(&demo, None).is_none());
    }

    #[test]
    fn synth_is_deterministic_and_sized() {
        let a = synth_key("sk-or-v1-{hex:64}", 7);
        assert_eq!(a, synth_key("sk-or-v1-{hex:64}", 7));
        assert_ne!(a, synth_key("sk-or-v1-{hex:64}", 8));
        assert_eq!(a.len(), 73);
    }
}
