//! Labelled corpora in the format of `../shared/tools/accept.py` (`<case>/` with
//! `<case>.expect.toml` beside it): our own `tests/corpus/` (keys as `@@KEY:…@@` placeholders
//! the harness swaps for synthetic keys) and, when it is beside the repository, the shared
//! corpus. Each case is copied to a temporary folder and the binary is run exactly as accept.py
//! runs it.

mod common;

use std::path::Path;
use std::process::Command;

#[derive(serde::Deserialize)]
struct Expect {
    #[serde(default)]
    clean: bool,
    #[serde(default)]
    expect: Vec<Spec>,
    #[serde(default)]
    absent: Vec<Spec>,
}

#[derive(serde::Deserialize)]
struct Spec {
    category: Option<String>,
    path: String,
    line: Option<u64>,
    lines: Option<Vec<u64>>,
    why: String,
}

impl Spec {
    fn lines(&self) -> Option<Vec<u64>> {
        self.lines.clone().or(self.line.map(|l| vec![l]))
    }
}

struct Found {
    category: String,
    path: String,
    line: u64,
    severity: String,
}

fn run(dir: &Path) -> Vec<Found> {
    let out = Command::new(env!("CARGO_BIN_EXE_keylint"))
        .arg("lint")
        .arg(dir)
        .args(["--format", "json"])
        .output()
        .expect("run keylint");
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let prefix = format!("{}/", dir.display());
    doc["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            let p = f["path"].as_str().unwrap_or_default();
            let p = p.strip_prefix(&prefix).unwrap_or(p);
            Found {
                category: f["category"].as_str().unwrap_or_default().to_string(),
                path: p.strip_prefix("./").unwrap_or(p).to_string(),
                line: f["line"].as_u64().unwrap_or(0),
                severity: f["severity"].as_str().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

#[test]
fn own_corpus_scores_full_recall_and_no_false_positives() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let failures = score(&root, 1);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The shared corpus (`../shared/corpus`, beside the repository in CI and in the workplace):
/// every case scored through the binary, as accept.py scores it. Skipped where it is absent.
#[test]
fn shared_corpus_scores_full_recall_and_no_false_positives() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !root.is_dir() {
        return;
    }
    let failures = score(&root, 20);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn score(root: &Path, at_least: usize) -> Vec<String> {
    let mut cases: Vec<_> = std::fs::read_dir(root)
        .expect("corpus")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= at_least, "corpus cases went missing");
    let mut failures = Vec::new();
    for case in &cases {
        let text = std::fs::read_to_string(root.join(format!("{case}.expect.toml")))
            .unwrap_or_else(|_| panic!("{case}: no expect file"));
        let expect: Expect = toml::from_str(&text).expect("expect toml");
        let m = common::materialize(&root.join(case));
        let found = run(m.dir.path());
        if expect.clean && !found.is_empty() {
            failures.push(format!("{case}: clean case has {} findings", found.len()));
        }
        for e in &expect.expect {
            let lines = e.lines();
            let hit = found.iter().any(|f| {
                f.path == e.path
                    && e.category.as_deref().is_none_or(|c| c == f.category)
                    && lines.as_ref().is_none_or(|ls| ls.contains(&f.line))
            });
            if !hit {
                failures.push(format!("{case}: MISS {}: {}", e.path, e.why));
            }
        }
        for a in &expect.absent {
            let lines = a.lines();
            if found.iter().any(|f| {
                f.path == a.path
                    && f.severity != "info"
                    && lines.as_ref().is_none_or(|ls| ls.contains(&f.line))
            }) {
                failures.push(format!("{case}: FALSE POSITIVE {}: {}", a.path, a.why));
            }
        }
    }
    failures
}
