use std::sync::LazyLock;

use regex::Regex;

use crate::checks::{Check, Cx, Meta};
use crate::ci;
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Reads HTTP headers built by hand (`curl -H`, `wget --header`) in CI scripts: an
    /// `Authorization` header with a key but no `Bearer `, `Bearer Bearer`, an Anthropic API key
    /// sent as `Authorization: Bearer` to api.anthropic.com (it expects `x-api-key`), and an
    /// `x-api-key` header sent to a provider that reads `Authorization`.
    ///
    /// ## Why it breaks
    /// Providers read one header in one shape; anything else is "no key" and answers `401`.
    ///
    /// ## Example
    /// ```sh
    /// curl -H "Authorization: $OPENAI_API_KEY" https://api.openai.com/v1/models
    /// ```
    ///
    /// ## Fix
    /// `Authorization: Bearer $KEY` for OpenAI-style APIs; `x-api-key: $ANTHROPIC_API_KEY` plus
    /// `anthropic-version` for Anthropic.
    AuthHeaderFormat {
        id: "auth-header-format",
        category: Mismatch,
        severity: Error,
        confidence: Medium,
        summary: "an auth header in the wrong shape for its provider (no Bearer, Bearer Bearer, wrong header)",
    }
}

static HEADER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?i)\b(authorization|x-api-key|api-key)\s*:\s*([^"'\n]*)"#).expect("internal error: header regex"));
static SCHEME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^(bearer|basic|token|digest|aws4-hmac-sha256|negotiate)\b").expect("internal error: scheme regex"));

/// What is wrong with one header on a line, if anything.
fn problem(cx: &Cx, header: &str, value: &str, line: &str, vars: &std::collections::HashSet<String>) -> Option<String> {
    let v = value.trim();
    let refs = ci::key_refs_in(cx.catalog, v, vars);
    let literal = cx.catalog.classify_key(v.rsplit(' ').next().unwrap_or(v), None).is_some();
    if refs.is_empty() && !literal && !v.contains('$') {
        return None;
    }
    let to_anthropic = line.contains("api.anthropic.com");
    if header.eq_ignore_ascii_case("authorization") {
        if v.to_ascii_lowercase().starts_with("bearer bearer") {
            return Some("`Authorization: Bearer Bearer …`: the key already carries `Bearer `".into());
        }
        if !SCHEME.is_match(v) {
            return Some("`Authorization` carries a key without `Bearer `".into());
        }
        let anthropic_key = refs.iter().any(|(n, _, _)| n.contains("ANTHROPIC") && !n.contains("AUTH_TOKEN") && !n.contains("OAUTH"));
        if to_anthropic && anthropic_key {
            return Some("Anthropic's API reads the key from `x-api-key`, not `Authorization: Bearer`".into());
        }
    } else if header.eq_ignore_ascii_case("x-api-key") {
        let host = line.split_whitespace().find_map(|w| crate::url::parse(w.trim_matches(['"', '\''])).ok())?;
        if let crate::catalog::HostClass::Provider(p) = cx.catalog.classify_url(&host) {
            let prov = cx.catalog.provider(p);
            if prov.auth == "bearer" {
                return Some(format!("{} reads the key from `Authorization: Bearer`, not `x-api-key`", prov.name));
            }
        }
    }
    None
}

/// The same judgement for a header built in code.
fn code_problem(cx: &Cx, h: &crate::parse::code::HeaderUse, hosts: &[String]) -> Option<String> {
    let env_keys: Vec<&String> = h.key_names.iter().filter(|n| crate::roles::is_llm_key(cx.catalog, n)).collect();
    let prefix = h.prefix.trim_start().to_ascii_lowercase();
    let slot = |n: &str| crate::roles::name_info(cx.catalog, n).slot.map(|p| cx.catalog.provider(p));
    if h.header.eq_ignore_ascii_case("authorization") {
        if prefix.starts_with("bearer bearer") {
            return Some("`Authorization: Bearer Bearer …`: the key already carries `Bearer `".into());
        }
        if env_keys.is_empty() {
            return None;
        }
        if !SCHEME.is_match(&prefix) {
            return Some(format!("`Authorization` carries `{}` without `Bearer `", env_keys[0]));
        }
        for k in &env_keys {
            let Some(p) = slot(k) else { continue };
            if p.auth == "x-api-key" && !k.contains("AUTH_TOKEN") && hosts.iter().any(|h| p.hosts.contains(h)) {
                return Some(format!("{} reads the key from `x-api-key`, not `Authorization: Bearer`", p.name));
            }
            if p.auth == "api-key" {
                return Some(format!("{} keys go in the `api-key` header; `Authorization: Bearer` takes Entra tokens", p.name));
            }
        }
    } else if h.header.eq_ignore_ascii_case("x-api-key") {
        for k in &env_keys {
            let Some(p) = slot(k) else { continue };
            if p.auth == "bearer" && hosts.iter().any(|h| p.hosts.contains(h)) {
                return Some(format!("{} reads the key from `Authorization: Bearer`, not `x-api-key`", p.name));
            }
        }
    }
    None
}

impl Check for AuthHeaderFormat {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        if let Some(code) = f.facts.code() {
            for h in &code.headers {
                let Some(msg) = code_problem(cx, h, &code.hosts) else { continue };
                out.push(
                    Finding::new(&Self::META, Label::new(file, h.span, "auth header"), msg.clone())
                        .help("OpenAI-style APIs: `Authorization: Bearer <key>`; Anthropic: `x-api-key: <key>`; Azure OpenAI keys: `api-key: <key>`")
                        .evidence(format!("{}|{msg}", h.header)),
                );
            }
            return;
        }
        let Some(wf) = f.facts.workflow() else { return };
        for (j, job) in wf.jobs.iter().enumerate() {
            for (s, step) in job.steps.iter().enumerate() {
                let Some(run) = &step.run else { continue };
                let vars = ci::key_vars(cx.catalog, f, wf, j, Some(s));
                for line in ci::lines(run) {
                    for c in HEADER.captures_iter(line.text) {
                        let (Some(all), Some(h), Some(v)) = (c.get(0), c.get(1), c.get(2)) else { continue };
                        let Some(msg) = problem(cx, h.as_str(), v.as_str(), line.text, &vars) else { continue };
                        let span = ci::line_span(&f.source.text, run, &line, all.start(), all.end());
                        out.push(
                            Finding::new(&Self::META, Label::new(file, span, "auth header"), msg.clone())
                                .help("OpenAI-style APIs: `Authorization: Bearer $KEY`; Anthropic: `x-api-key: $ANTHROPIC_API_KEY`")
                                .evidence(format!("{}|{msg}", job.id)),
                        );
                    }
                }
            }
        }
    }
}
