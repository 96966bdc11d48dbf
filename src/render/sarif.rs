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
    let mut r = json!({
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
        }
    });
    // GitHub shows a rule with a `security-severity` as a security alert: only leaks get one
    if matches!(m.category, Category::Exposure | Category::Baked) {
        r["properties"]["security-severity"] = json!(security_severity(m));
    }
    r
}

fn location(report: &Report, file: usize, span: crate::source::Span) -> Value {
    let f = &report.index.files[file];
    let (s, e) = positions(f, span);
    json!({
        "physicalLocation": {
            "artifactLocation": {
                "uri": uri(&crate::render::shown_path(&f.source.rel_path)),
                "uriBaseId": "%SRCROOT%"
            },
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

/// An absolute folder as a `file://` URI.
fn base_uri(dir: &std::path::Path) -> String {
    let s = dir.to_string_lossy().replace('\\', "/");
    let s = if s.starts_with('/') {
        s
    } else {
        format!("/{s}")
    };
    format!("file://{}", uri(&s))
}

/// The masked text of the file whose findings are being written: findings come sorted by
/// path, so one file at a time is enough (memory stays at the largest file, not the tree).
#[derive(Default)]
struct LineCache {
    file: Option<usize>,
    text: String,
    masker: crate::redact::Masker,
}

/// Hash of the finding's line as shown (secrets masked), with GitHub's `hash:occurrence` shape.
fn line_hash(report: &Report, f: &Finding, cache: &mut LineCache) -> String {
    let fi = f.primary.file;
    let file = &report.index.files[fi];
    if cache.file != Some(fi) {
        let (text, masker) = masked(file);
        *cache = LineCache {
            file: Some(fi),
            text,
            masker,
        };
    }
    let line = file.source.line_span(f.primary.span.start as usize);
    let (a, b) = (
        cache.masker.map(line.start as usize, false),
        cache.masker.map(line.end as usize, true),
    );
    let content = cache.text.get(a..b.max(a)).unwrap_or("");
    let digest = Sha256::digest(content.split_whitespace().collect::<String>().as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}:1")
}

fn result(report: &Report, f: &Finding, cache: &mut LineCache) -> Value {
    let path = &report.index.files[f.primary.file].source.rel_path;
    let mut message = f.message.clone();
    // GitHub links `[text](id)` in a result's message to its related location `id`
    for (i, l) in f.related.iter().enumerate() {
        let text = l.message.replace(['[', ']'], "");
        let text = if text.is_empty() {
            "related location".to_string()
        } else {
            text
        };
        message.push_str(&format!("\n[{text}]({})", i + 1));
    }
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
        "ruleIndex": ALL.iter().position(|c| c.meta().id == f.meta.id).unwrap_or(0),
        "level": level(f.severity),
        "message": { "text": message },
        "locations": [location(report, f.primary.file, f.primary.span)],
        "partialFingerprints": {
            "keylint/v1": f.fingerprint(path),
            "primaryLocationLineHash": line_hash(report, f, cache),
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
    r
}

/// Writes the SARIF document as a stream: the tool section, then one result at a time, so a
/// run with hundreds of thousands of findings never holds the whole document (a `Value` tree
/// of 300k results took 4.5 GB).
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    let tool = json!({
        "driver": {
            "name": "keylint",
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://github.com/keylint/keylint",
            "rules": ALL.iter().map(|c| rule(c.meta())).collect::<Vec<Value>>(),
        }
    });
    w.write_all(
        b"{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": ",
    )?;
    serde_json::to_writer(&mut w, &tool)?;
    w.write_all(b",\n      \"automationDetails\": {\"id\": \"keylint/\"}")?;
    if let Some(base) = &report.base {
        // where `%SRCROOT%` is: reported paths are relative to the repository's top level
        let mut dir = base_uri(base);
        if !dir.ends_with('/') {
            dir.push('/');
        }
        w.write_all(b",\n      \"originalUriBaseIds\": ")?;
        serde_json::to_writer(&mut w, &json!({ "%SRCROOT%": { "uri": dir } }))?;
    }
    w.write_all(b",\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [")?;
    let mut cache = LineCache::default();
    for (i, f) in report.findings.iter().chain(&report.suppressed).enumerate() {
        w.write_all(if i == 0 {
            b"\n        "
        } else {
            b",\n        "
        })?;
        serde_json::to_writer(&mut w, &result(report, f, &mut cache))?;
    }
    w.write_all(b"\n      ]\n    }\n  ]\n}\n")?;
    w.flush()
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
