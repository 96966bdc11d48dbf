use crate::catalog::Confidence;
use crate::checks::public_env_secret::verdict;
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::facts::code::{ArgValue, SdkCall};
use crate::source::Span;
use crate::roles;
use crate::runtime::{Runtime, runtime};
use crate::values::looks_live;

declare_check! {
    /// ## What it does
    /// Finds keys that reach code running in the browser: a browser-exposed variable holding a
    /// secret read in code (`process.env.REACT_APP_OPENAI_API_KEY`,
    /// `import.meta.env.VITE_…KEY`), an SDK constructed with a key in browser code (`'use client'`
    /// files, a Vite/CRA app's `src/`, Next.js `pages/`), `dangerouslyAllowBrowser: true` with a
    /// key from the environment or a literal, and key literals in browser code.
    ///
    /// ## Why it breaks
    /// Everything in browser code ships to every visitor. The key is public once deployed, gets
    /// abused, and is revoked: then every request fails with `401`.
    ///
    /// ## Example
    /// ```js
    /// const client = new OpenAI({ apiKey: import.meta.env.VITE_OPENAI_API_KEY, dangerouslyAllowBrowser: true });
    /// ```
    ///
    /// ## Fix
    /// Call the provider from a server route or server action and keep the key server-side;
    /// the browser talks to your route.
    ClientSideKey {
        id: "client-side-key",
        category: Exposure,
        severity: Error,
        confidence: High,
        summary: "a key read, used or written in code that runs in the browser",
        varies: (Warning, "for `dangerouslyAllowBrowser` in a module not known to run in the browser; info for a NEXT_PUBLIC_ key read in a module not known to run on either side"),
    }
}

/// An SDK call this check reports: the span and why (a key plus `dangerouslyAllowBrowser`, or a
/// key in browser code).
fn reported_call(cx: &Cx, call: &SdkCall, rt: Runtime) -> Option<(Span, &'static str)> {
    let sdk = &cx.catalog.sdks[call.sdk];
    let key = call.arg(&sdk.key_params);
    let has_key = key.is_some_and(|k| matches!(&k.value, ArgValue::Env(_)) || matches!(&k.value, ArgValue::Str(s) if looks_live(s.expose())));
    let flag = call.flag("dangerouslyAllowBrowser").filter(|a| matches!(a.value, ArgValue::Bool(true)));
    match (flag, rt) {
        (Some(flag), _) if has_key => Some((flag.key_span, "`dangerouslyAllowBrowser: true` with a key from the environment or a literal")),
        (_, Runtime::Browser) if has_key => Some((call.span, "an SDK client built with a key in browser code")),
        _ => None,
    }
}

/// The env names an SDK call reported by [`reported_call`] takes its key from: their reads are
/// the same root cause, reported once at the call.
fn names_reported_at_calls<'a>(cx: &Cx, code: &'a crate::facts::code::CodeFacts, rt: Runtime) -> Vec<&'a str> {
    code.sdk_calls
        .iter()
        .filter(|c| reported_call(cx, c, rt).is_some())
        .filter_map(|c| match &c.arg(&cx.catalog.sdks[c.sdk].key_params)?.value {
            ArgValue::Env(n) => Some(n.as_ref()),
            _ => None,
        })
        .collect()
}

impl Check for ClientSideKey {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    /// Env reads of browser-exposed names, judged once per name for the whole project (a
    /// monorepo reads the same few names in thousands of files).
    fn check_project(&self, cx: &Cx, out: &mut Vec<Finding>) {
        type Judged = Option<(String, Confidence, String, String)>;
        let mut memo: foldhash::HashMap<&str, Judged> = foldhash::HashMap::default();
        // a browser-exposed name that some file sets is reported there, once, by
        // public-env-secret: its reads are the same root cause
        let is_public = |name: &str| {
            cx.catalog.public_prefixes.iter().any(|p| {
                name.len() > p.prefix.len() && name.as_bytes()[..p.prefix.len()].eq_ignore_ascii_case(p.prefix.as_bytes())
            })
        };
        let defined: std::collections::HashSet<&str> = cx
            .index
            .files
            .iter()
            .filter(|f| f.kind != crate::classify::FileKind::Dockerfile && f.facts.code().is_none())
            .flat_map(|f| f.facts.assignments.iter().map(|a| a.name.as_str()))
            .filter(|n| is_public(n))
            .collect();
        for (file, f) in cx.index.files.iter().enumerate() {
            let Some(code) = f.facts.code() else { continue };
            if code.lang != crate::facts::code::Lang::Js || !code.env_reads.iter().any(|r| is_public(&r.name)) {
                continue;
            }
            let rt = runtime(cx.index, f);
            // a server-only module keeps the key on the server, whatever its name says
            if rt == Runtime::Server {
                continue;
            }
            let at_calls = names_reported_at_calls(cx, code, rt);
            for r in &code.env_reads {
                if defined.contains(r.name.as_ref()) || at_calls.contains(&r.name.as_ref()) {
                    continue;
                }
                // only browser-exposed names matter here: a cheap prefix test before the name is judged
                let public = cx.catalog.public_prefixes.iter().any(|p| {
                    r.name.len() > p.prefix.len() && r.name.as_bytes()[..p.prefix.len()].eq_ignore_ascii_case(p.prefix.as_bytes())
                });
                if !public {
                    continue;
                }
                let judged = memo.entry(&r.name).or_insert_with(|| {
                    let info = roles::name_info(cx.catalog, &r.name);
                    let prefix = info.public_prefix.clone()?;
                    let assign_info = roles::AssignInfo { name: info, key: None, secret: None, url: None, host: None };
                    // a generic name ending alone (`*_TOKEN`) is public-env-secret's advice
                    let (why, confidence) = verdict(cx, None, &assign_info).filter(|(_, c)| *c > Confidence::Low)?;
                    Some((why, confidence, prefix, assign_info.name.bare))
                });
                let Some((why, confidence, prefix, bare)) = judged else { continue };
                // Next.js inlines NEXT_PUBLIC_ reads only into modules that reach the client;
                // where nothing says which side a module runs on, it is advice
                let unsure = rt == Runtime::Unknown && prefix == "NEXT_PUBLIC_";
                let mut finding = Finding::new(&Self::META, Label::new(file, r.span, format!("`{prefix}*` is inlined into the bundle")), if unsure {
                    format!("`{}` {why}, and Next.js inlines `{prefix}` variables into every client module that reads them", r.name)
                } else {
                    format!("`{}` {why}, and the bundler inlines `{prefix}` variables into browser code", r.name)
                })
                .confidence(if unsure { Confidence::Medium } else { *confidence })
                .help(format!("read {bare} in server code only (an API route or server action)"))
                .evidence(format!("read|{}", r.name));
                if unsure {
                    finding = finding.severity(crate::finding::Severity::Info);
                }
                out.push(finding);
            }
        }
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(code) = f.facts.code() else { return };
        if code.lang != crate::facts::code::Lang::Js {
            return;
        }
        if code.sdk_calls.is_empty() && code.key_literals.is_empty() {
            return;
        }
        let rt = runtime(cx.index, f);
        for call in &code.sdk_calls {
            let Some((span, why)) = reported_call(cx, call, rt) else { continue };
            let mut finding = Finding::new(&Self::META, Label::new(file, span, "runs in the browser"), format!("`{}(…)`: {why}: every visitor can read the key", call.callee))
                .help("create the client in server code and expose only your own API route to the browser")
                .evidence(format!("sdk|{}", call.callee));
            // the flag says "browser", but nothing says this module reaches one (a Next.js
            // lib/ module may be imported by API routes only)
            if rt != Runtime::Browser {
                finding = finding.severity(crate::finding::Severity::Warning).confidence(Confidence::Medium);
            }
            out.push(finding);
        }
        if rt == Runtime::Browser {
            for lit in &code.key_literals {
                let Some(token) = cx.catalog.classify_literal_token(lit) else { continue };
                if token.confidence() < Confidence::Medium || !looks_live(lit.value.expose()) {
                    continue;
                }
                if cx.catalog.public_by_context(lit.value.expose(), &f.source.text, lit.span).is_some() {
                    continue;
                }
                out.push(
                    Finding::new(&Self::META, Label::new(file, lit.span, "key literal in browser code"), format!("{} `{}` is written into browser code", crate::checks::util::token_what(cx.catalog, &token), lit.value))
                        .help("rotate the key and move the call to server code")
                        .evidence(format!("literal|{}", cx.catalog.token_id(&token))),
                );
            }
        }
    }
}
