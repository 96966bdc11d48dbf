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
        varies: (Info, "for Bearer with an Azure OpenAI key, which the v1 route accepts"),
    }
}

static HEADER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?i)\b(authorization|x-api-key|api-key)\s*:\s*([^"'\n]*)"#).expect("internal error: header regex"));
static SCHEME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^(bearer|basic|token|digest|aws4-hmac-sha256|negotiate)\b").expect("internal error: scheme regex"));

/// What is wrong with one header on a line, if anything.
fn problem(cx: &Cx, header: &str, value: &str, command: &str, vars: &std::collections::HashSet<String>) -> Option<String> {
    let v = value.trim();
    let refs = ci::key_refs_in(cx.catalog, v, vars);
    let literal = cx.catalog.classify_key(v.rsplit(' ').next().unwrap_or(v), None).is_some();
    if refs.is_empty() && !literal && !v.contains('$') {
        return None;
    }
    if header.eq_ignore_ascii_case("authorization") && v.to_ascii_lowercase().starts_with("bearer bearer") {
        return Some("`Authorization: Bearer Bearer …`: the key already carries `Bearer `".into());
    }
    // the rest depends on who receives the header: a known provider host in the same shell
    // command (a curl to some other API is that API's business)
    let prov = command.split_whitespace().find_map(|w| {
        let url = crate::url::parse(w.trim_matches(['"', '\''])).ok()?;
        match cx.catalog.classify_url(&url) {
            crate::catalog::HostClass::Provider(p) => Some(cx.catalog.provider(p)),
            _ => None,
        }
    })?;
    if header.eq_ignore_ascii_case("authorization") {
        if prov.auth == "bearer" && !SCHEME.is_match(v) {
            return Some(format!("`Authorization` carries a key without `Bearer ` ({} expects `Bearer <key>`)", prov.name));
        }
        let anthropic_key = refs.iter().any(|(n, _, _)| n.contains("ANTHROPIC") && !n.contains("AUTH_TOKEN") && !n.contains("OAUTH"));
        if prov.auth == "x-api-key" && anthropic_key {
            return Some(format!("{} reads the key from `x-api-key`, not `Authorization: Bearer`", prov.name));
        }
    } else if header.eq_ignore_ascii_case("x-api-key") && prov.auth == "bearer" {
        return Some(format!("{} reads the key from `Authorization: Bearer`, not `x-api-key`", prov.name));
    }
    None
}

/// The shell command a script line belongs to: the line with the lines it continues (`\` at the
/// end of the line before) and the ones that continue it.
fn command_around(script: &str, line_start: usize) -> &str {
    let mut start = line_start.min(script.len());
    while start > 0 {
        let prev_end = start - 1; // the '\n' before this line
        let prev_start = script[..prev_end].rfind('\n').map_or(0, |i| i + 1);
        if !script[prev_start..prev_end].trim_end_matches('\r').ends_with('\\') {
            break;
        }
        start = prev_start;
    }
    let mut end = start;
    loop {
        let line_end = script[end..].find('\n').map_or(script.len(), |i| end + i);
        end = line_end;
        if line_end >= script.len() || !script[..line_end].trim_end_matches('\r').ends_with('\\') {
            break;
        }
        end += 1;
    }
    &script[start..end]
}

/// The same judgement for a header built in code.
fn code_problem(cx: &Cx, h: &crate::facts::code::HeaderUse, hosts: &[String]) -> Option<String> {
    let env_keys: Vec<&String> = h.key_names.iter().filter(|n| crate::roles::is_llm_key(cx.catalog, n)).collect();
    let prefix = h.prefix.trim_start().to_ascii_lowercase();
    let slot = |n: &str| crate::roles::name_info(cx.catalog, n).slot;
    if h.header.eq_ignore_ascii_case("authorization") {
        if prefix.starts_with("bearer bearer") {
            return Some("`Authorization: Bearer Bearer …`: the key already carries `Bearer `".into());
        }
        if env_keys.is_empty() {
            return None;
        }
        // judged only where the request goes to a known provider host written in this file,
        // by that provider's scheme (catalog `auth`)
        let bearer_host = hosts.iter().find_map(|h| match cx.catalog.classify_host(h) {
            crate::catalog::HostClass::Provider(p) if cx.catalog.provider(p).auth == "bearer" => Some(cx.catalog.provider(p)),
            _ => None,
        });
        if !SCHEME.is_match(&prefix) {
            return bearer_host.map(|p| format!("`Authorization` carries `{}` without `Bearer ` ({} expects `Bearer <key>`)", env_keys[0], p.name));
        }
        for k in &env_keys {
            let Some(pi) = slot(k) else { continue };
            let p = cx.catalog.provider(pi);
            let to_p = hosts.iter().any(|h| cx.catalog.classify_host(h) == crate::catalog::HostClass::Provider(pi));
            if p.auth == "x-api-key" && !k.contains("AUTH_TOKEN") && to_p {
                return Some(format!("{} reads the key from `x-api-key`, not `Authorization: Bearer`", p.name));
            }
            if p.auth == "api-key" && to_p {
                return Some(format!("{} keys go in the `api-key` header; `Authorization: Bearer` takes Entra tokens, except on the v1 route (`/openai/v1/`), which also takes the key as Bearer", p.name));
            }
        }
    } else if h.header.eq_ignore_ascii_case("x-api-key") {
        for k in &env_keys {
            let Some(pi) = slot(k) else { continue };
            let p = cx.catalog.provider(pi);
            if p.auth == "bearer" && hosts.iter().any(|h| cx.catalog.classify_host(h) == crate::catalog::HostClass::Provider(pi)) {
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
                let mut finding = Finding::new(&Self::META, Label::new(file, h.span, "auth header"), msg.clone())
                    .help("OpenAI-style APIs: `Authorization: Bearer <key>`; Anthropic: `x-api-key: <key>`; Azure OpenAI keys: `api-key: <key>`")
                    .evidence(format!("{}|{msg}", h.header));
                // the file's hosts do not say which Azure route it calls: the v1 route accepts
                // Bearer with the key, the deployment routes do not
                if msg.contains("`api-key` header") {
                    finding = finding.severity(crate::finding::Severity::Info).confidence(crate::catalog::Confidence::Low);
                }
                out.push(finding);
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
                        let Some(msg) = problem(cx, h.as_str(), v.as_str(), command_around(&run.value, line.offset), &vars) else { continue };
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
