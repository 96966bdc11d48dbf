//! The binary: exit codes, formats, subcommands, the demo snapshot.

use std::path::Path;
use std::process::Command;

fn keylint(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_keylint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run keylint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn demo() -> String {
    format!("{}/examples/demo", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn exit_codes() {
    assert_eq!(keylint(&["lint", &demo()]).0, 1);
    assert_eq!(keylint(&["lint", &demo(), "--fail-on", "never"]).0, 0);
    let clean = tempfile::tempdir().expect("tmp");
    std::fs::write(clean.path().join(".env.example"), "OPENAI_API_KEY=\n").expect("write");
    assert_eq!(
        keylint(&["lint", clean.path().to_str().expect("utf8")]).0,
        0
    );
    let (code, _, err) = keylint(&["lint", "/definitely/not/here"]);
    assert_eq!(code, 2);
    assert!(err.contains("path not found"), "{err}");
    let (code, _, err) = keylint(&["lint", &demo(), "--config", "/nope.toml"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn bad_config_is_exit_2_with_a_span() {
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = dir.path().join("keylint.toml");
    std::fs::write(&cfg, "[checks]\ndisabel = [\"x\"]\n").expect("write");
    let (code, _, err) = keylint(&["lint", dir.path().to_str().expect("utf8")]);
    assert_eq!(code, 2);
    assert!(err.contains("disabel"), "{err}");
    std::fs::write(&cfg, "[checks]\ndisable = [\"no-such-check\"]\n").expect("write");
    let (code, _, err) = keylint(&["lint", dir.path().to_str().expect("utf8")]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-check"), "{err}");
}

#[test]
fn config_disables_and_overrides() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join(".env.example"),
        "OPENAI_BASE_URL=https://api.openai.com\n",
    )
    .expect("write");
    let p = dir.path().to_str().expect("utf8");
    assert_eq!(keylint(&["lint", p]).0, 1);
    std::fs::write(
        dir.path().join(".keylint.toml"),
        "[checks.severity]\nmalformed-endpoint = \"info\"\n",
    )
    .expect("write");
    assert_eq!(keylint(&["lint", p]).0, 0);
    std::fs::write(
        dir.path().join(".keylint.toml"),
        "[checks]\ndisable = [\"malformed-endpoint\"]\n",
    )
    .expect("write");
    let (_, out, _) = keylint(&["lint", p, "--format", "json"]);
    assert!(out.contains("\"findings\": []"), "{out}");
}

#[test]
fn rules_and_explain_cover_every_check() {
    let (code, out, _) = keylint(&["rules"]);
    assert_eq!(code, 0);
    for c in keylint::checks::ALL {
        let m = c.meta();
        assert!(
            out.contains(m.id) && out.contains(m.category.as_str()),
            "{}",
            m.id
        );
        let (code, text, _) = keylint(&["explain", m.id]);
        assert_eq!(code, 0);
        assert!(text.contains("## Why it breaks"), "{}", m.id);
    }
    assert_eq!(keylint(&["explain", "nope"]).0, 2);
}

#[test]
fn bad_input_is_skipped_with_a_note_not_a_panic() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join(".env"),
        b"OPENAI_API_KEY=\x00\x01\x02binary",
    )
    .expect("write");
    std::fs::create_dir(dir.path().join("a")).expect("mkdir");
    std::fs::write(dir.path().join("a/.env"), b"NAME=caf\xe9\n").expect("write");
    std::fs::write(dir.path().join("b.env"), "X=1\n".repeat(1_000_000)).expect("write");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("c.env")).expect("symlink");
        std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).expect("symlink");
    }
    let p = dir.path().to_str().expect("utf8");
    let (code, out, err) = keylint(&["lint", p, "--verbose"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("binary") && err.contains("not UTF-8") && err.contains("size cap"),
        "{err}"
    );
    #[cfg(unix)]
    assert!(err.contains("outside the scanned root"), "{err}");
    let (_, json, _) = keylint(&["lint", p, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(v["summary"]["files_skipped"].as_u64().unwrap_or(0) >= 3);
}

#[test]
fn demo_output_is_stable() {
    let (_, json, _) = keylint(&["lint", &demo(), "--format", "json"]);
    insta::assert_snapshot!("demo_json", json);
    let (_, human, _) = keylint(&["lint", &demo(), "--color", "never"]);
    // the wall time in the summary changes from run to run
    let human = regex::Regex::new(r" \(\d+\.\d\d s\)")
        .expect("regex")
        .replace_all(&human, " (TIME)")
        .into_owned();
    insta::assert_snapshot!("demo_human", human);
}

#[test]
fn suppressions_keep_their_reason_and_do_not_fail_the_run() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join(".env.example"),
        "# keylint: ignore[malformed-endpoint] our proxy serves the root\nOPENAI_BASE_URL=https://api.openai.com\n",
    )
    .expect("write");
    let p = dir.path().to_str().expect("utf8");
    let (code, json, _) = keylint(&["lint", p, "--format", "json"]);
    assert_eq!(code, 0, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["suppressed"][0]["rule"], "malformed-endpoint");
    assert_eq!(v["suppressed"][0]["reason"], "our proxy serves the root");
    assert_eq!(v["summary"]["suppressed"], 1);
}

#[test]
fn readme_check_table_is_current() {
    let readme = std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR")))
        .expect("README");
    let block = readme
        .split("<!-- rules:start -->\n```text\n")
        .nth(1)
        .and_then(|r| r.split("```\n<!-- rules:end -->").next())
        .expect("rules block");
    let (_, rules, _) = keylint(&["rules"]);
    assert_eq!(
        block, rules,
        "README check table is stale: paste `keylint rules` between the markers"
    );
}

#[test]
fn docs_checks_md_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks.md");
    let want = keylint::explain::checks_markdown();
    if std::env::var_os("KEYLINT_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().expect("docs dir")).expect("mkdir");
        std::fs::write(&path, &want).expect("write docs");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/checks.md is stale: run `KEYLINT_UPDATE_DOCS=1 cargo test --test cli`"
    );
}
