//! The GitHub Action, run the way a runner runs a composite action: each `run:` step through
//! bash with its `env:` evaluated from the inputs, and GITHUB_ACTION_PATH, RUNNER_TEMP,
//! GITHUB_OUTPUT and GITHUB_STEP_SUMMARY pointing into a temporary folder. `uses:` steps (the
//! cache) are skipped; the cache's effect is simulated by placing the test binary where the
//! install step looks for it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use keylint::parse::yaml::{self, Node};

fn action() -> (String, Node) {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml");
    let node = yaml::parse(&text).expect("action.yml parses");
    (text, node)
}

struct Run {
    status: i32,
    stdout: String,
    outputs: String,
    summary: String,
    temp: PathBuf,
}

/// `${{ inputs.x }}` from the given inputs or the action's defaults; nothing else is evaluated.
fn eval(expr: &str, inputs: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = expr;
    while let Some(i) = rest.find("${{") {
        out.push_str(&rest[..i]);
        let j = rest[i..].find("}}").map_or(rest.len(), |j| i + j + 2);
        let inner = rest[i + 3..j - 2].trim();
        let name = inner
            .strip_prefix("inputs.")
            .unwrap_or_else(|| panic!("run step env uses {inner}: only inputs are expected"));
        out.push_str(inputs.get(name).map_or("", String::as_str));
        rest = &rest[j..];
    }
    out.push_str(rest);
    out
}

fn run_action(workspace: &Path, given: &[(&str, &str)]) -> Run {
    let (_, node) = action();
    let mut inputs = BTreeMap::new();
    for (k, v) in node.get("inputs").expect("inputs").entries() {
        let default = v.get("default").and_then(Node::as_str).unwrap_or("");
        inputs.insert(k.as_str().expect("name").to_string(), default.to_string());
    }
    for (k, v) in given {
        assert!(inputs.contains_key(*k), "unknown input {k}");
        inputs.insert((*k).to_string(), (*v).to_string());
    }
    let temp = tempfile::tempdir().expect("tmp").keep();
    // what the cache step would restore
    let bin = temp.join("keylint/bin");
    std::fs::create_dir_all(&bin).expect("bin dir");
    std::fs::copy(env!("CARGO_BIN_EXE_keylint"), bin.join("keylint")).expect("copy binary");
    let (outputs, summary) = (temp.join("output"), temp.join("summary.md"));
    let mut stdout = String::new();
    let mut status = 0;
    for step in node
        .get("runs")
        .and_then(|r| r.get("steps"))
        .expect("steps")
        .items()
    {
        let Some(script) = step.get("run").and_then(Node::as_str) else {
            continue;
        };
        let mut c = Command::new("bash");
        c.arg("-c").arg(script).current_dir(workspace);
        c.env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("RUNNER_TEMP", &temp)
            .env("GITHUB_OUTPUT", &outputs)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_WORKSPACE", workspace)
            .env("NO_COLOR", "1");
        for (k, v) in step.get("env").map(Node::entries).unwrap_or(&[]) {
            c.env(
                k.as_str().expect("env name"),
                eval(v.as_str().expect("env value"), &inputs),
            );
        }
        let out = c.output().expect("bash");
        stdout.push_str(&String::from_utf8_lossy(&out.stdout));
        stdout.push_str(&String::from_utf8_lossy(&out.stderr));
        status = out.status.code().unwrap_or(-1);
        if status != 0 {
            break;
        }
    }
    Run {
        status,
        stdout,
        outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        temp,
    }
}

fn workspace() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let key = common::plant_mismatch(dir.path());
    (dir, key)
}

#[test]
fn run_steps_never_interpolate_expressions() {
    let (_, node) = action();
    for step in node
        .get("runs")
        .and_then(|r| r.get("steps"))
        .expect("steps")
        .items()
    {
        if let Some(script) = step.get("run").and_then(Node::as_str) {
            assert!(
                !script.contains("${{"),
                "an expression inside run: {script}"
            );
        }
    }
}

#[test]
fn action_annotates_summarises_writes_sarif_and_fails() {
    let (ws, key) = workspace();
    let r = run_action(ws.path(), &[("sarif", "keylint.sarif")]);
    assert_eq!(r.status, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("keylint 0.1.0 restored from cache")
            || r.stdout.contains("keylint 0.1.0"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("::error file=.env,line=1"),
        "{}",
        r.stdout
    );
    assert!(
        r.outputs.contains("findings=1\n") && r.outputs.contains("sarif=keylint.sarif\n"),
        "{}",
        r.outputs
    );
    let sarif = std::fs::read_to_string(ws.path().join("keylint.sarif")).expect("sarif");
    let doc: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    assert_eq!(
        doc["runs"][0]["results"][0]["ruleId"], "key-endpoint-mismatch",
        "{sarif}"
    );
    assert!(
        r.summary
            .contains("| Severity | Check | Location | Message |"),
        "{}",
        r.summary
    );
    for text in [&r.stdout, &r.outputs, &r.summary, &sarif] {
        assert!(
            !text.contains(&key[12..]),
            "the key leaked into action output"
        );
    }
    let _ = std::fs::remove_dir_all(&r.temp);
}

#[test]
fn action_inputs_switch_things_off_and_are_not_shell_code() {
    let (ws, _) = workspace();
    let r = run_action(
        ws.path(),
        &[
            ("fail-on", "never"),
            ("annotations", "false"),
            ("summary", "false"),
        ],
    );
    assert_eq!(r.status, 0, "{}", r.stdout);
    assert!(!r.stdout.contains("::error"), "{}", r.stdout);
    assert!(r.summary.is_empty(), "{}", r.summary);
    assert!(r.outputs.contains("findings=1\n") && !r.outputs.contains("sarif="));
    let _ = std::fs::remove_dir_all(&r.temp);
    // inputs reach keylint as words, never as shell code or globs
    let r = run_action(ws.path(), &[("paths", ". ; touch pwned $(touch pwned2) *")]);
    assert!(!ws.path().join("pwned").exists() && !ws.path().join("pwned2").exists());
    assert_eq!(r.status, 2, "{}", r.stdout);
    let r2 = run_action(ws.path(), &[("fail-on", "sometimes")]);
    assert_eq!(r2.status, 2, "{}", r2.stdout);
    let _ = std::fs::remove_dir_all(&r.temp);
    let _ = std::fs::remove_dir_all(&r2.temp);
}
