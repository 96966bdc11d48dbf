//! Input shapes that were quadratic (issue 16, "linear in the input"), through the real binary:
//! each must finish before a deadline (a hang or a quadratic step fails the test; the deadline is
//! generous so a slow machine does not) and report the expected number of findings, so a run that
//! skips the input cannot pass. `bench/shapes.py` runs the same shapes at the sizes.
//!
//! Sizes are chosen for debug builds: each run takes a few seconds here, where the quadratic
//! steps took minutes at the same sizes.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(60);

/// Runs `keylint lint DIR --format json` in a child process, killed at the deadline; returns
/// the number of findings per rule.
fn lint(dir: &Path) -> BTreeMap<String, usize> {
    let output = common::output_within(
        Command::new(env!("CARGO_BIN_EXE_keylint"))
            .args(["lint", ".", "--format", "json", "--fail-on", "never"])
            .current_dir(dir),
        DEADLINE,
    );
    let (status, out) = (output.status, output.stdout);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(status.success(), "keylint failed: {status}\n{err}");
    let report: serde_json::Value = serde_json::from_slice(&out).expect("JSON report");
    let mut by_rule = BTreeMap::new();
    for f in report["findings"].as_array().expect("findings") {
        *by_rule
            .entry(f["rule"].as_str().expect("rule").to_string())
            .or_default() += 1;
    }
    by_rule
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|&(r, n)| (r.to_string(), n)).collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

/// Many findings in one file: `settle()` counted lines from the file start for each one.
#[test]
fn many_findings_in_one_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 20_000;
    write(
        dir.path(),
        "app.py",
        &format!("import os\n{}", "print(os.environ)\n".repeat(n)),
    );
    assert_eq!(lint(dir.path()), counts(&[("key-in-log", n)]));
}

/// Many `.env.<mode>` files in one folder: each mode's stack searched the whole folder.
#[test]
fn many_modes_in_one_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 5_000;
    write(dir.path(), ".env", "APP_NAME=demo\n");
    for i in 0..n {
        write(
            dir.path(),
            &format!(".env.m{i}"),
            &format!("MODE_NAME=m{i}\nOPENAI_API_KEY=your-key-here\n"),
        );
    }
    assert_eq!(lint(dir.path()), counts(&[("placeholder-key", n)]));
}

/// `.env` and `.env.example` with many names, half of them in both.
#[test]
fn many_names_in_env_and_example() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 20_000;
    let (mut env, mut example) = (String::new(), String::new());
    for i in 0..n / 2 {
        writeln!(env, "SHARED_NAME_{i}=v{i}").ok();
        writeln!(example, "SHARED_NAME_{i}=").ok();
        writeln!(env, "LOADED_ONLY_{i}=v{i}").ok();
        writeln!(example, "EXAMPLE_ONLY_{i}=").ok();
    }
    write(dir.path(), ".env", &env);
    write(dir.path(), ".env.example", &example);
    assert_eq!(lint(dir.path()), counts(&[("example-drift", n)]));
}

/// Code reading many LLM key names that no env file sets, beside an env file with many other
/// names: the near-miss search compared every read name with every provided name.
#[test]
fn many_reads_against_many_provided_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 5_000;
    let (mut env, mut code) = (String::new(), String::from("import os\n"));
    for i in 0..n {
        writeln!(env, "CONFIG_VALUE_{i}=v").ok();
        writeln!(code, "a{i} = os.environ[\"X{i}_OPENAI_API_KEY\"]").ok();
    }
    write(dir.path(), ".env", &env);
    write(dir.path(), "app.py", &code);
    assert_eq!(lint(dir.path()), counts(&[("undefined-env-read", n)]));
}

/// One name assigned many times in one `.env`.
#[test]
fn one_name_assigned_many_times() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 20_000;
    let text: String = (0..n).map(|i| format!("APP_SETTING=value{i}\n")).collect();
    write(dir.path(), ".env", &text);
    assert_eq!(lint(dir.path()), counts(&[("duplicate-key", n - 1)]));
}

/// One long line (the size cap raised in `keylint.toml`): env reads on it had their line start
/// searched backwards from each one, and findings on it had their column counted from the line
/// start each.
#[test]
fn one_long_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mb = 1024 * 1024;
    write(
        dir.path(),
        "keylint.toml",
        &format!("[scan]\nmax_file_size = {}\n", 8 * mb),
    );
    // one print per 64 reads: a finding every ~1.8 KB of the line
    let reads = 4 * mb / 28;
    let mut line = String::with_capacity(5 * mb);
    let mut prints = 0;
    for i in 0..reads {
        line.push_str("x = os.environ.get('HOME'); ");
        if i % 64 == 0 {
            line.push_str("print(os.environ); ");
            prints += 1;
        }
    }
    write(dir.path(), "app.py", &format!("import os\n{line}\n"));
    assert_eq!(lint(dir.path()), counts(&[("key-in-log", prints)]));
}
