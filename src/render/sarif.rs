//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! One rule per check (docs, help link, tags, `security-severity`), one result per finding with
//! keylint's fingerprint and a `primaryLocationLineHash` computed from the *masked* line, so no
//! field can carry secret text. Suppressed findings are results with an `inSource` suppression
//! and its justification.

use std::io::Write;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::Report;
use crate::checks::{ALL, Meta};
use crate::finding::{Category, Finding, Severity};
use crate::render::{masked, positions};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub ranks security results by this (0–10): leaks rank high, misconfigurations low.
fn security_severity(m: &Meta) -> &'static str {
    let leak = matches!(m.category, Category::Exposure | Category::Baked);
    match (leak, m.severity) {
        (true, Severity::Error) => "8.0",
        (true, Severity::Warning) => "6.0",
        (true, Severity::Info) => "3.0",
        (false, Severity::Error) => "5.0",
        (false, Severity::Warning) => "3.0",
        (false, Severity::Info) => "1.0",
    }
}

fn camel(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rule(m: &Meta) -> Value {
    let mut tags = vec![m.category.as_str()];
    if matches!(m.category, Category::Exposure | Category::Baked) {
        tags.push("security");
    }
    json!({
        "id": m.id,
        "name": camel(m.id),
        "shortDescription": { "text": m.summary },
        "fullDescription": { "text": m.summary },
        "helpUri": m.url(),
        "help": { "text": m.doc_text(), "markdown": m.doc_text() },
        "defaultConfiguration": { "level": level(m.severity) },
        "properties": {
            "tags": tags,
            "precision": match m.confidence {
                crate::catalog::Confidence::High => "high",
                crate::catalog::Confidence::Medium => "medium",
                crate::catalog::Confidence::Low => "low",
            },
            "security-severity": security_severity(m),
        }
    })
}

fn location(report: &Report, file: usize, span: crate::source::Span) -> Value {
    let f = &report.index.files[file];
    let (s, e) = positions(f, span);
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&f.source.rel_path), "uriBaseId": "%SRCROOT%" },
            "region": {
                "startLine": s.line,
                "startColumn": s.column,
                "endLine": e.line,
                "endColumn": e.column.max(if e.line == s.line { s.column } else { 1 }),
            }
        }
    })
}

/// A relative path as a URI reference: segments percent-encoded where needed.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Hash of the finding's line as shown (secrets masked), with GitHub's `hash:occurrence` shape.
fn line_hash(report: &Report, f: &Finding, masked_cache: &mut [Option<String>]) -> String {
    let fi = f.primary.file;
    if masked_cache[fi].is_none() {
        masked_cache[fi] = Some(masked(&report.index.files[fi]).0);
    }
    let text = masked_cache[fi].as_deref().unwrap_or("");
    let line = report.index.files[fi]
        .source
        .position(f.primary.span.start as usize)
        .line;
    let content = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let digest = Sha256::digest(content.split_whitespace().collect::<String>().as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}:1")
}

pub fn to_sarif(report: &Report) -> Value {
    let rules: Vec<Value> = ALL.iter().map(|c| rule(c.meta())).collect();
    let index_of = |id: &str| ALL.iter().position(|c| c.meta().id == id).unwrap_or(0);
    let mut cache = vec![None; report.index.files.len()];
    let mut results = Vec::new();
    for f in report.findings.iter().chain(&report.suppressed) {
        let path = &report.index.files[f.primary.file].source.rel_path;
        let mut message = f.message.clone();
        if let Some(h) = &f.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut loc = location(report, l.file, l.span);
                loc["id"] = json!(i + 1);
                loc["message"] = json!({ "text": l.message });
                loc
            })
            .collect();
        let mut r = json!({
            "ruleId": f.meta.id,
            "ruleIndex": index_of(f.meta.id),
            "level": level(f.severity),
            "message": { "text": message },
            "locations": [location(report, f.primary.file, f.primary.span)],
            "partialFingerprints": {
                "keylint/v1": f.fingerprint(path),
                "primaryLocationLineHash": line_hash(report, f, &mut cache),
            },
            "properties": {
                "category": f.meta.category.as_str(),
                "confidence": f.confidence.as_str(),
            }
        });
        if !related.is_empty() {
            r["relatedLocations"] = json!(related);
        }
        if let Some(reason) = &f.suppressed {
            r["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
        }
        results.push(r);
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "keylint",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/keylint/keylint",
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_sarif(report))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(camel("key-endpoint-mismatch"), "KeyEndpointMismatch");
        assert_eq!(uri("a b/c#.env"), "a%20b/c%23.env");
    }
}
