//! Baselines: `--write-baseline FILE` records today's findings by fingerprint (rule + path +
//! line-free evidence), `--baseline FILE` hides those on later runs. Lines can move; a new
//! problem still fails; entries no finding matches any more are reported as stale. The file holds
//! rule ids, paths and fingerprints only: no message, no value.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Report;
use crate::error::Fatal;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub tool: String,
    pub findings: Vec<Entry>,
}

/// What applying a baseline did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// findings the baseline knew (hidden from the report)
    pub matched: usize,
    /// baseline entries no current finding matches: fixed, or their evidence changed
    pub stale: Vec<Entry>,
}

pub fn from_report(report: &Report) -> Baseline {
    Baseline {
        version: 1,
        tool: "keylint".into(),
        findings: report
            .findings
            .iter()
            .map(|f| {
                let path = &report.index.files[f.primary.file].source.rel_path;
                // entries match by fingerprint; the path is for the reader, masked like any
                // printed path (a key used as a file name)
                Entry {
                    rule: f.meta.id.to_string(),
                    fingerprint: f.fingerprint(path),
                    path: crate::render::shown_path(path),
                }
            })
            .collect(),
    }
}

pub fn write(report: &Report, path: &Path) -> Result<(), Fatal> {
    let text = serde_json::to_string_pretty(&from_report(report)).map_err(|e| Fatal::Baseline {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    std::fs::write(path, text + "\n").map_err(|e| Fatal::Baseline {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

pub fn read(path: &Path) -> Result<Baseline, Fatal> {
    let err = |message: String| Fatal::Baseline {
        path: path.display().to_string(),
        message,
    };
    // a regular file only, capped: a FIFO given as --baseline is an error, not a wait
    let text = crate::fsread::read_text(path, crate::fsread::BASELINE_CAP)
        .map_err(|e| err(e.to_string()))?;
    let b: Baseline = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
    if b.version != 1 {
        return Err(err(format!("unsupported baseline version {}", b.version)));
    }
    Ok(b)
}

/// Moves the findings the baseline knows out of `report.findings`; counts repeats, so two equal
/// findings need two entries.
pub fn apply(report: &mut Report, baseline: &Baseline) -> Outcome {
    let mut left: HashMap<&str, Vec<&Entry>> = HashMap::new();
    for e in &baseline.findings {
        left.entry(e.fingerprint.as_str()).or_default().push(e);
    }
    let mut outcome = Outcome::default();
    let findings = std::mem::take(&mut report.findings);
    for f in findings {
        let path = &report.index.files[f.primary.file].source.rel_path;
        let fp = f.fingerprint(path);
        match left.get_mut(fp.as_str()).and_then(|v| v.pop()) {
            Some(_) => outcome.matched += 1,
            None => report.findings.push(f),
        }
    }
    let mut stale: Vec<Entry> = left.into_values().flatten().cloned().collect();
    stale.sort_by(|a, b| {
        (&a.path, &a.rule, &a.fingerprint).cmp(&(&b.path, &b.rule, &b.fingerprint))
    });
    outcome.stale = stale;
    outcome
}
