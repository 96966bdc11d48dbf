//! Output of `keylint history`: human, JSON, SARIF and GitHub annotations.
//!
//! A finding carries the key only as [`crate::redact::redact`]'s form; paths and notes come from
//! the repository (a file may be named after a key) and go through [`crate::redact::scrub`].

use std::io::Write;

use serde::Serialize;
use serde_json::json;

use crate::cli::Format;
use crate::history::{HistoryFinding, HistoryReport};
use crate::redact;

pub struct Options {
    pub quiet: bool,
    pub verbose: bool,
    /// print the wall time in the summary (not in tests)
    pub timing: bool,
}

/// The one place a history finding's texts are made printable.
struct Shown {
    path: String,
    key: String,
    message: String,
}

fn shown(f: &HistoryFinding) -> Shown {
    let path = redact::display(&f.path);
    let key = redact::redact(f.key.expose());
    let later = match f.later {
        0 => String::new(),
        1 => "; 1 later blob holds it too".to_string(),
        n => format!("; {n} later blobs hold it too"),
    };
    let message = redact::display(&format!(
        "{} {} `{key}` committed in {} ({}), {}{later}",
        f.provider_name,
        f.kind,
        f.short_commit(),
        f.date,
        f.status()
    ));
    Shown { path, key, message }
}

pub fn render(
    report: &HistoryReport,
    format: Format,
    o: &Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => human(report, o, out),
        Format::Json => json(report, out),
        Format::Sarif => sarif(report, out),
        Format::Github => github(report, out),
    }?;
    // the machine formats keep stdout clean; the notes go to stderr
    if format != Format::Human && o.verbose {
        for n in &report.notes {
            writeln!(err, "keylint: note: {}", redact::display(n))?;
        }
    }
    Ok(())
}

fn human(report: &HistoryReport, o: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    for f in &report.findings {
        let s = shown(f);
        writeln!(
            out,
            "{}  {}  {}:{}:{}  {}  {}  {}",
            f.short_commit(),
            f.date,
            s.path,
            f.line,
            f.column,
            redact::display(&f.provider_name),
            s.key,
            f.status()
        )?;
        if f.later > 0 {
            writeln!(
                out,
                "    + {} later blob{} with the same key",
                f.later,
                if f.later == 1 { "" } else { "s" }
            )?;
        }
    }
    if o.quiet {
        return Ok(());
    }
    if o.verbose {
        for n in &report.notes {
            writeln!(out, "note: {}", redact::display(n))?;
        }
    } else if !report.notes.is_empty() {
        writeln!(
            out,
            "note: {} problems met reading the repository (-v lists them)",
            report.notes.len()
        )?;
    }
    let at_head = report.findings.iter().filter(|f| f.at_head).count();
    let keys = match report.findings.len() {
        0 => "no keys found".to_string(),
        1 => format!("1 key found ({at_head} still at HEAD)"),
        n => format!("{n} keys found ({at_head} still at HEAD)"),
    };
    let time = match report.elapsed {
        Some(d) if o.timing => format!(" in {:.2}s", d.as_secs_f64()),
        _ => String::new(),
    };
    writeln!(
        out,
        "history {}: {}, {} added, {} read: {keys}{time}",
        redact::display(&report.range),
        count(report.commits, "commit"),
        count(report.blobs, "blob"),
        report.blobs_read,
    )?;
    if !report.findings.is_empty() {
        writeln!(
            out,
            "help: a key that was ever pushed is exposed: revoke and rotate it at the provider; removing it from history does not make it secret again"
        )?;
    }
    Ok(())
}

/// First 16 hex digits of the SHA-256 of a key.
pub fn fingerprint(key: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(key.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[derive(Serialize)]
struct JsonHistory<'a> {
    version: u32,
    command: &'static str,
    range: String,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    /// full commit id
    commit: &'a str,
    /// author date, YYYY-MM-DD
    date: &'a str,
    path: String,
    line: u32,
    column: u32,
    /// the redacted key (never the key)
    key: String,
    provider: &'a str,
    providers: &'a [String],
    kind: &'a str,
    confidence: &'static str,
    at_head: bool,
    status: &'static str,
    later_occurrences: usize,
    message: String,
    /// first 16 hex digits of the key's SHA-256: the same key across runs and tools, without
    /// the key
    fingerprint: String,
}

#[derive(Serialize)]
struct JsonSummary {
    commits: usize,
    blobs: usize,
    blobs_read: usize,
    blobs_skipped: usize,
    keys: usize,
    at_head: usize,
}

fn json(report: &HistoryReport, out: &mut dyn Write) -> std::io::Result<()> {
    let findings = report
        .findings
        .iter()
        .map(|f| {
            let s = shown(f);
            JsonFinding {
                commit: &f.commit,
                date: &f.date,
                path: s.path,
                line: f.line,
                column: f.column,
                key: s.key,
                provider: f.providers.first().map_or("", String::as_str),
                providers: &f.providers,
                kind: &f.kind,
                confidence: f.confidence.as_str(),
                at_head: f.at_head,
                status: f.status(),
                later_occurrences: f.later,
                message: s.message,
                fingerprint: fingerprint(f.key.expose()),
            }
        })
        .collect();
    let doc = JsonHistory {
        version: 1,
        command: "history",
        range: redact::display(&report.range),
        findings,
        summary: JsonSummary {
            commits: report.commits,
            blobs: report.blobs,
            blobs_read: report.blobs_read,
            blobs_skipped: report.blobs_skipped,
            keys: report.findings.len(),
            at_head: report.findings.iter().filter(|f| f.at_head).count(),
        },
        notes: report.notes.iter().map(|n| redact::display(n)).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

const RULE: &str = "history-key";

fn sarif(report: &HistoryReport, out: &mut dyn Write) -> std::io::Result<()> {
    let results: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let s = shown(f);
            json!({
                "ruleId": RULE,
                "level": "error",
                "message": { "text": s.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": s.path },
                        "region": { "startLine": f.line, "startColumn": f.column }
                    }
                }],
                "partialFingerprints": {
                    "keylintHistory/v1": format!("{}:{}:{}", f.commit, s.path, f.line)
                },
                "properties": {
                    "commit": f.commit,
                    "date": f.date,
                    "atHead": f.at_head,
                    "laterOccurrences": f.later,
                    "provider": f.providers.first(),
                }
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "keylint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/keylint/keylint",
                "rules": [{
                    "id": RULE,
                    "name": "HistoryKey",
                    "shortDescription": { "text": "a key literal in a blob a commit added" },
                    "fullDescription": { "text": "A live-looking key of a catalog format was committed; it stays in the repository's history after it is deleted." },
                    "help": { "text": "Revoke and rotate the key at the provider: a pushed key is exposed whether or not it is still in the tree." },
                    "defaultConfiguration": { "level": "error" },
                    "properties": { "tags": ["exposure", "security"], "precision": "high", "security-severity": "8.0" }
                }]
            }},
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn github(report: &HistoryReport, out: &mut dyn Write) -> std::io::Result<()> {
    use crate::render::github::{data, prop};
    for f in &report.findings {
        let s = shown(f);
        writeln!(
            out,
            "::error file={},line={},col={},title={}::{}",
            prop(&s.path),
            f.line,
            f.column,
            prop("keylint(history)"),
            data(&format!(
                "{}\nhelp: revoke and rotate this key at the provider",
                s.message
            ))
        )?;
    }
    // the job summary, when the runner names its file
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let md = |s: &str| redact::display(s).replace('|', "\\|");
        let mut text = format!(
            "## keylint history {}\n\n{} keys in {} commits\n\n",
            md(&report.range),
            report.findings.len(),
            report.commits
        );
        if !report.findings.is_empty() {
            text.push_str("| commit | date | path | provider | key | at HEAD |\n| --- | --- | --- | --- | --- | --- |\n");
            for f in &report.findings {
                let s = shown(f);
                text.push_str(&format!(
                    "| {} | {} | {}:{} | {} | `{}` | {} |\n",
                    f.short_commit(),
                    f.date,
                    md(&s.path),
                    f.line,
                    md(&f.provider_name),
                    s.key,
                    f.status()
                ));
            }
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        file.write_all(text.as_bytes())?;
    }
    Ok(())
}
