//! The human view leads with what matters: errors, then warnings; info hidden by default with
//! one line counting it; a per-rule summary table; `--min-severity` / `--min-confidence` in
//! every format; `rules --format json`; "did you mean" for check ids.

use std::path::Path;
use std::process::Command;

fn keylint(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_keylint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run keylint");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// Wall time varies from run to run.
fn untimed(s: &str) -> String {
    let re = regex::Regex::new(r" \(\d+\.\d\d s\)").expect("regex");
    re.replace_all(s, " (TIME)").into_owned()
}

/// A repository with one error, one warning and a hundred and fifty info findings.
fn noisy_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let mut env: String = (0..150).map(|i| format!("SETTING_{i}=x\n")).collect();
    env.push_str("OPENAI_API_KEY=sk-xxxx\n");
    std::fs::write(d.join(".env"), env).expect("write");
    std::fs::write(d.join(".gitignore"), ".env\n").expect("write");
    std::fs::write(
        d.join(".env.example"),
        "OPENAI_API_KEY=\nOPENAI_API_BASE=https://api.openai.com/v1\n",
    )
    .expect("write");
    dir
}

#[test]
fn default_human_view_hides_info_and_leads_with_errors() {
    let dir = noisy_repo();
    let (code, out) = keylint(dir.path(), &["lint", ".", "--color", "never"]);
    assert_eq!(code, 1);
    let out = untimed(&out);
    assert!(!out.contains("example-drift\n\n"), "an info block is shown");
    let err = out.find("placeholder-key").expect("error shown");
    let warn = out.find("ignored-base-url-var").expect("warning shown");
    assert!(err < warn, "errors come first:\n{out}");
    insta::assert_snapshot!("noisy_repo_default_human", out);

    // asked for, info comes last
    let (_, all) = keylint(
        dir.path(),
        &["lint", ".", "--color", "never", "--min-severity", "info"],
    );
    let first_info = all.find("\nexample-drift\n").expect("info shown");
    assert!(first_info > all.find("\nignored-base-url-var\n").expect("warning"));
    assert!(!all.contains("not shown"), "{all}");
}

#[test]
fn min_severity_and_min_confidence_apply_to_every_format_and_the_exit_status() {
    let dir = noisy_repo();
    let count = |args: &[&str]| {
        let mut a = vec!["lint", ".", "--format", "json"];
        a.extend_from_slice(args);
        let (code, out) = keylint(dir.path(), &a);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        (code, v["findings"].as_array().expect("findings").len())
    };
    // machine formats keep info by default
    let (code, all) = count(&[]);
    assert!(code == 1 && all > 150, "{code} {all}");
    assert_eq!(count(&["--min-severity", "warning"]), (1, 2));
    assert_eq!(count(&["--min-severity", "error"]), (1, 1));
    let (code, n) = count(&["--min-confidence", "high"]);
    assert!(code == 1 && n < all && n >= 1, "{code} {n}");
    // what is left out does not fail the run
    let (code, _) = keylint(
        dir.path(),
        &[
            "lint",
            ".",
            "--min-severity",
            "error",
            "--fail-on",
            "warning",
        ],
    );
    assert_eq!(code, 1);
    std::fs::write(dir.path().join(".env"), "SETTING_1=x\nOPENAI_API_KEY=\n").expect("write");
    let (code, out) = keylint(
        dir.path(),
        &[
            "lint",
            ".",
            "--min-severity",
            "error",
            "--fail-on",
            "warning",
            "--color",
            "never",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("left out by --min-severity"), "{out}");
    let (_, sarif) = keylint(
        dir.path(),
        &[
            "lint",
            ".",
            "--format",
            "sarif",
            "--min-severity",
            "warning",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&sarif).expect("sarif");
    for r in v["runs"][0]["results"].as_array().expect("results") {
        assert_ne!(r["level"], "note", "{r}");
    }
}

#[test]
fn rules_as_json_and_did_you_mean() {
    let dir = tempfile::tempdir().expect("tmp");
    let (code, out) = keylint(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let list = v.as_array().expect("array");
    assert_eq!(list.len(), keylint::checks::ALL.len());
    let kem = list
        .iter()
        .find(|r| r["id"] == "key-endpoint-mismatch")
        .expect("key-endpoint-mismatch");
    assert_eq!(kem["severity"], "error");
    assert_eq!(kem["varies"]["severity"], "warning");

    let (code, out) = keylint(dir.path(), &["explain", "key-endpoint-mismatches"]);
    assert_eq!(code, 2);
    assert!(
        out.contains("did you mean `key-endpoint-mismatch`?"),
        "{out}"
    );
    std::fs::write(
        dir.path().join("keylint.toml"),
        "[checks]\ndisable = [\"fork-pr-secrets\"]\n",
    )
    .expect("write");
    let (code, out) = keylint(dir.path(), &["lint", "."]);
    assert_eq!(code, 2);
    assert!(out.contains("did you mean `fork-pr-secret`?"), "{out}");
}
