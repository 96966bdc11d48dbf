//! Checks: one file each, declared with [`declare_check!`], registered in [`checks!`].
//!
//! A check overrides one hook: [`Check::check_file`] (one parsed file), [`Check::check_scope`]
//! (one set of values a process sees together) or [`Check::check_project`] (everything). It
//! receives facts and scopes, never file syntax, so a new front end feeds every check for free.

use crate::catalog::{Catalog, Confidence};
use crate::finding::{Category, Finding, Severity};
use crate::index::{ProjectIndex, ScopeView};

/// A check's identity and documentation, all of it derived from its declaration.
#[derive(Debug)]
pub struct Meta {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    pub summary: &'static str,
    /// When some findings carry another severity than the default: which one and when
    /// (`rules` and `explain` print it, so the table says what `--fail-on` will see).
    pub varies: Option<(Severity, &'static str)>,
    /// The doc comment: `## What it does`, `## Why it breaks`, `## Example`, `## Fix`.
    pub doc: &'static str,
}

impl Meta {
    /// The doc comment with the one-space indent of `///` removed.
    pub fn doc_text(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }

    pub fn url(&self) -> String {
        format!(
            "https://github.com/keylint/keylint/blob/main/docs/checks.md#{}",
            self.id
        )
    }
}

/// What every hook gets.
pub struct Cx<'a> {
    pub index: &'a ProjectIndex,
    pub catalog: &'a Catalog,
}

pub trait Check: Sync {
    fn meta(&self) -> &'static Meta;
    fn check_file(&self, _cx: &Cx, _file: usize, _out: &mut Vec<Finding>) {}
    fn check_scope(&self, _cx: &Cx, _scope: &ScopeView, _out: &mut Vec<Finding>) {}
    fn check_project(&self, _cx: &Cx, _out: &mut Vec<Finding>) {}
}

/// Declares a check's unit struct and its `META` from the doc comment and attributes.
macro_rules! declare_check {
    (
        $(#[doc = $doc:literal])*
        $name:ident {
            id: $id:literal,
            category: $cat:ident,
            severity: $sev:ident,
            confidence: $conf:ident,
            summary: $summary:literal
            $(, varies: ($low:ident, $when:literal))? $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;
        impl $name {
            pub const META: $crate::checks::Meta = $crate::checks::Meta {
                id: $id,
                category: $crate::finding::Category::$cat,
                severity: $crate::finding::Severity::$sev,
                confidence: $crate::catalog::Confidence::$conf,
                summary: $summary,
                varies: $crate::checks::varies!($(($low, $when))?),
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}

/// The check id closest to a mistyped one (`key-endpoint-mismatches`, `endpoint-mismatch`),
/// for "did you mean" in `explain` and in config errors.
pub fn did_you_mean(id: &str) -> Option<&'static str> {
    ALL.iter()
        .map(|c| c.meta().id)
        .map(|known| (strsim::jaro_winkler(id, known), known))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, known)| known)
}

/// The optional `varies: (Severity, "when")` of [`declare_check!`].
macro_rules! varies {
    () => {
        None
    };
    (($low:ident, $when:literal)) => {
        Some(($crate::finding::Severity::$low, $when))
    };
}
pub(crate) use varies;

/// Declares each check module and lists its check in [`ALL`], in this order.
macro_rules! checks {
    ($($module:ident :: $ty:ident),* $(,)?) => {
        $(pub mod $module;)*
        /// Every check, in registration order.
        pub static ALL: &[&dyn Check] = &[$(&$module::$ty),*];
    };
}

checks! {
    key_endpoint_mismatch::KeyEndpointMismatch,
    default_endpoint::DefaultEndpoint,
    ignored_base_url_var::IgnoredBaseUrlVar,
    stale_endpoint::StaleEndpoint,
    malformed_endpoint::MalformedEndpoint,
    empty_base_url::EmptyBaseUrl,
    model_provider_mismatch::ModelProviderMismatch,
    retired_model::RetiredModel,
    retired_api::RetiredApi,
    sdk_version_mismatch::SdkVersionMismatch,
    key_whitespace::KeyWhitespace,
    placeholder_key::PlaceholderKey,
    malformed_key::MalformedKey,
    duplicate_key::DuplicateKey,
    public_env_secret::PublicEnvSecret,
    committed_key::CommittedKey,
    example_drift::ExampleDrift,
    fork_pr_secret::ForkPrSecret,
    reusable_secret_not_passed::ReusableSecretNotPassed,
    untrusted_checkout_secrets::UntrustedCheckoutSecrets,
    key_as_input::KeyAsInput,
    secret_name_drift::SecretNameDrift,
    secret_as_variable::SecretAsVariable,
    secret_in_log::SecretInLog,
    build_arg_secret::BuildArgSecret,
    auth_header_format::AuthHeaderFormat,
    dockerfile_secret_arg::DockerfileSecretArg,
    dockerfile_secret_env::DockerfileSecretEnv,
    dotenv_in_image::DotenvInImage,
    secret_written_to_layer::SecretWrittenToLayer,
    public_env_build_time::PublicEnvBuildTime,
    compose_build_arg_secret::ComposeBuildArgSecret,
    env_file_quotes::EnvFileQuotes,
    undefined_interpolation::UndefinedInterpolation,
    compose_env_override::ComposeEnvOverride,
    client_side_key::ClientSideKey,
    bundle_env_leak::BundleEnvLeak,
    hardcoded_key::HardcodedKey,
    key_in_log::KeyInLog,
    key_in_url::KeyInUrl,
    stale_key_pattern::StaleKeyPattern,
    caller_chosen_base_url::CallerChosenBaseUrl,
    sdk_default_endpoint::SdkDefaultEndpoint,
    undefined_env_read::UndefinedEnvRead,
    env_name_drift::EnvNameDrift,
    editor_plaintext_key::EditorPlaintextKey,
    unresolved_env_reference::UnresolvedEnvReference,
    unexpanded_reference::UnexpandedReference,
    unused_suppression::UnusedSuppression,
    suppression_without_reason::SuppressionWithoutReason,
    parse_error::ParseError,
}

pub fn by_id(id: &str) -> Option<&'static dyn Check> {
    ALL.iter().copied().find(|c| c.meta().id == id)
}

/// Runs every enabled check over the index.
pub fn run_all(cx: &Cx, enabled: &(dyn Fn(&Meta) -> bool + Sync)) -> Vec<Finding> {
    let views: Vec<ScopeView> = cx
        .index
        .scopes
        .iter()
        .map(|s| ScopeView::new(cx.index, s))
        .collect();
    let checks: Vec<&dyn Check> = ALL.iter().copied().filter(|c| enabled(c.meta())).collect();
    let run = |check: &dyn Check| {
        let mut out = Vec::new();
        for file in 0..cx.index.files.len() {
            check.check_file(cx, file, &mut out);
        }
        for view in &views {
            check.check_scope(cx, view, &mut out);
        }
        check.check_project(cx, &mut out);
        out
    };
    // checks are independent readers of the index: workers take the next one until none is
    // left; results are put back in registry order, so the output never depends on timing
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(checks.len());
    if workers <= 1 || cx.index.files.len() < 64 {
        return checks.iter().flat_map(|c| run(*c)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, Vec<Finding>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(check) = checks.get(i) else { break };
                        mine.push((i, run(*check)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().flat_map(|(_, f)| f).collect()
}

/// Shared helpers for check implementations.
pub mod util {
    use crate::catalog::Catalog;

    /// "OpenRouter", or "DeepSeek or DashScope" for a shared shape.
    pub fn provider_names(catalog: &Catalog, candidates: &[usize]) -> String {
        let names: Vec<&str> = candidates
            .iter()
            .map(|&p| catalog.provider(p).name.as_str())
            .collect();
        match names.as_slice() {
            [] => "unknown".to_string(),
            [one] => (*one).to_string(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        }
    }

    /// Every `--env-file F` flag in scripts, package.json scripts and workflow `run:` steps:
    /// (file holding the command, the flag, the folder its path is relative to).
    pub fn env_file_flags(
        cx: &crate::checks::Cx,
    ) -> Vec<(usize, crate::facts::EnvFileRef, String)> {
        use crate::facts::Outline;
        // a workflow's paths are relative to the repository root it lives in
        fn root_of(path: &str) -> &str {
            path.find(".github/workflows/")
                .map_or("", |i| path[..i].trim_end_matches('/'))
        }
        let mut refs = Vec::new();
        for (fi, f) in cx.index.files.iter().enumerate() {
            let dir = || {
                f.source
                    .rel_path
                    .rsplit_once('/')
                    .map_or("", |(d, _)| d)
                    .to_string()
            };
            match &f.facts.outline {
                Outline::Script(list) => refs.extend(list.iter().map(|r| (fi, r.clone(), dir()))),
                Outline::Package(p) => {
                    refs.extend(p.env_files.iter().map(|r| (fi, r.clone(), dir())))
                }
                Outline::Workflow(wf) => {
                    let text = &f.source.text;
                    for run in wf
                        .jobs
                        .iter()
                        .flat_map(|j| &j.steps)
                        .filter_map(|s| s.run.as_ref())
                    {
                        for r in crate::facts::env_file_refs(&run.value, |s, e| {
                            run.source_span(text, s, e)
                        }) {
                            refs.push((fi, r, root_of(&f.source.rel_path).to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
        refs
    }

    /// A key literal worth reporting as a committed key: a catalog token of at least medium
    /// confidence that looks live, is no obvious fake, and is not public by its context (a
    /// Firebase web config's `apiKey`).
    pub fn reportable_literal(
        catalog: &Catalog,
        text: &str,
        lit: &crate::facts::KeyLiteral,
    ) -> Option<crate::catalog::Token> {
        let v = lit.value.expose();
        let token = catalog.classify_literal_token(lit)?;
        if token.confidence() < crate::catalog::Confidence::Medium
            || !crate::values::looks_live(v)
            || crate::values::looks_fake(v)
            || catalog.public_by_context(v, text, lit.span).is_some()
        {
            return None;
        }
        Some(token)
    }

    /// What a token is, for messages: "OpenAI key", "DeepSeek or DashScope key" for an LLM
    /// key, "GitHub personal access token" for another issuer's secret.
    pub fn token_what(catalog: &Catalog, t: &crate::catalog::Token) -> String {
        match t {
            crate::catalog::Token::Key(m) => {
                let ps: Vec<usize> = m
                    .candidates
                    .iter()
                    .filter_map(|c| catalog.index_of(c))
                    .collect();
                format!("{} key", provider_names(catalog, &ps))
            }
            crate::catalog::Token::Secret(m) => catalog.secret(*m).what(),
        }
    }

    pub fn provider_ids(catalog: &Catalog, candidates: &[usize]) -> String {
        candidates
            .iter()
            .map(|&p| catalog.provider(p).id.as_str())
            .collect::<Vec<_>>()
            .join("|")
    }

    /// The first base URL of a provider for a protocol (falls back to its first).
    pub fn suggested_base(
        catalog: &Catalog,
        p: usize,
        protocol: Option<crate::catalog::Protocol>,
    ) -> Option<String> {
        let prov = catalog.provider(p);
        prov.base_urls
            .iter()
            .find(|b| protocol.is_none_or(|pr| b.protocol == pr))
            .or(prov.base_urls.first())
            .map(|b| b.url.clone())
    }
}
