//! `--format json`: the frozen v1 wire format of `shared/design.md`. These structs are the
//! contract; they are separate from [`Finding`](crate::finding::Finding) so internal changes
//! cannot change the output by accident.

use std::io::Write;

use serde::Serialize;

use crate::Report;
use crate::finding::Severity;
use crate::render::positions;
use crate::walk::Skipped;

#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub version: u32,
    pub findings: Vec<JsonFinding>,
    /// findings covered by an inline `keylint: ignore[...]`, each with its `reason`
    pub suppressed: Vec<JsonFinding>,
    pub summary: Summary,
    pub skipped: &'a [Skipped],
    /// present when `--baseline` was given
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<JsonBaseline<'a>>,
}

#[derive(Serialize)]
pub struct JsonBaseline<'a> {
    pub matched: usize,
    pub stale: &'a [crate::baseline::Entry],
}

#[derive(Serialize)]
pub struct JsonFinding {
    pub rule: &'static str,
    pub category: &'static str,
    pub severity: &'static str,
    pub confidence: &'static str,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    pub related: Vec<JsonRelated>,
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Serialize)]
pub struct JsonRelated {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Serialize)]
pub struct Summary {
    pub files_scanned: usize,
    pub files_skipped: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
}

pub fn summary(report: &Report) -> Summary {
    let count = |s| report.findings.iter().filter(|f| f.severity == s).count();
    Summary {
        files_scanned: report.index.files.len(),
        files_skipped: report.skipped.len(),
        findings: report.findings.len(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        suppressed: report.suppressed.len(),
    }
}

pub fn to_wire(report: &Report) -> JsonReport<'_> {
    JsonReport {
        version: 1,
        findings: wire(report, &report.findings),
        suppressed: wire(report, &report.suppressed),
        summary: summary(report),
        skipped: &report.skipped,
        baseline: report.baseline.as_ref().map(|b| JsonBaseline {
            matched: b.matched,
            stale: &b.stale,
        }),
    }
}

fn wire(report: &Report, list: &[crate::finding::Finding]) -> Vec<JsonFinding> {
    list.iter()
        .map(|f| {
            let file = &report.index.files[f.primary.file];
            let (start, end) = positions(file, f.primary.span);
            let path = &file.source.rel_path;
            JsonFinding {
                rule: f.meta.id,
                category: f.meta.category.as_str(),
                severity: f.severity.as_str(),
                confidence: f.confidence.as_str(),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                message: f.message.clone(),
                help: f.help.clone(),
                related: f
                    .related
                    .iter()
                    .map(|l| {
                        let rf = &report.index.files[l.file];
                        let p = rf.source.position(l.span.start as usize);
                        JsonRelated {
                            path: crate::render::shown_path(&rf.source.rel_path),
                            line: p.line,
                            column: p.column,
                            message: l.message.clone(),
                        }
                    })
                    .collect(),
                fingerprint: f.fingerprint(path),
                reason: f.suppressed.clone(),
                path: crate::render::shown_path(path),
            }
        })
        .collect()
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_wire(report))?;
    writeln!(out)
}
