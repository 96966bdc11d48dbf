//! Where users run keylint: SARIF (schema-valid, no secrets), GitHub annotations and job
//! summary, --output, baselines, staged-file mode, --no-ignore-comments, --fix/--diff.

mod common;

use std::path::Path;
use std::process::Command;

use keylint::cli::Format;

fn keylint_in(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_keylint"));
    c.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in envs {
        c.env(k, v);
    }
    let out = c.output().expect("run keylint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn sarif_validator() -> jsonschema::Validator {
    let path = format!(
        "{}/../shared/reference/sarif-schema-2.1.0.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        // a copy travels with the repository for machines without ../shared
        std::fs::read_to_string(format!(
            "{}/tests/data/sarif-schema-2.1.0.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("SARIF schema")
    });
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema json");
    jsonschema::draft4::new(&schema).expect("compile SARIF schema")
}

#[test]
fn sarif_is_schema_valid_and_carries_no_key_for_every_fixture() {
    let v = sarif_validator();
    // the validator is not vacuous
    assert!(!v.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]})));
    let mut results = 0;
    for (id, case, path) in common::cases() {
        let m = common::materialize(&path);
        let report = common::lint(m.dir.path());
        let out = common::render(&report, Format::Sarif);
        let doc: serde_json::Value = serde_json::from_str(&out).expect("sarif json");
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .take(5)
            .collect();
        assert!(errors.is_empty(), "{id}/{case}: SARIF invalid: {errors:#?}");
        for key in &m.keys {
            let body = &key[key.len().min(12)..];
            assert!(
                body.len() < 8 || !out.contains(body),
                "{id}/{case}: SARIF leaks a key"
            );
        }
        results += doc["runs"][0]["results"].as_array().map_or(0, Vec::len);
        if case.starts_with("fires-") {
            let ids: Vec<&str> = doc["runs"][0]["results"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r["ruleId"].as_str())
                .collect();
            assert!(ids.contains(&id.as_str()), "{id}/{case}: no SARIF result");
        }
    }
    assert!(results > 50, "too few SARIF results: {results}");
}

#[test]
fn sarif_on_the_shared_corpus_validates() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        // ../shared is absent outside CI; the fixture test covers SARIF validity
        return;
    }
    let v = sarif_validator();
    let (_, out, err) = keylint_in(&corpus, &["lint", ".", "--format", "sarif"], &[]);
    let doc: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    assert!(v.is_valid(&doc));
    let r = &doc["runs"][0]["results"][0];
    assert!(
        r["partialFingerprints"]["keylint/v1"].is_string()
            && r["partialFingerprints"]["primaryLocationLineHash"].is_string()
    );
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert!(
        rules
            .iter()
            .all(|r| r["helpUri"].is_string() && r["help"]["markdown"].is_string())
    );
    // GitHub makes a rule with `security-severity` a security alert: leaks only
    for r in rules {
        let security = r["properties"]["tags"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t == "security"));
        assert_eq!(
            r["properties"]["security-severity"].is_string(),
            security,
            "{}",
            r["id"]
        );
    }
    assert!(
        rules
            .iter()
            .any(|r| r["id"] == "unused-suppression"
                && r["properties"]["security-severity"].is_null())
    );
    assert_eq!(doc["runs"][0]["automationDetails"]["id"], "keylint/");
}

fn mismatch_repo() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let key = common::plant_mismatch(dir.path());
    (dir, key)
}

#[test]
fn github_annotations_and_step_summary() {
    let (dir, key) = mismatch_repo();
    let summary = dir.path().join("summary.md");
    let (code, out, _) = keylint_in(
        dir.path(),
        &["lint", ".", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf8"))],
    );
    assert_eq!(code, 1);
    let line = out
        .lines()
        .find(|l| l.starts_with("::error "))
        .expect("an error annotation");
    assert!(
        line.starts_with("::error file=.env,line=1,col=16,endLine=1,endColumn="),
        "{line}"
    );
    assert!(
        line.contains(",title=keylint(key-endpoint-mismatch)::"),
        "{line}"
    );
    assert!(!out.contains(&key[12..]), "annotation leaks the key");
    let md = std::fs::read_to_string(&summary).expect("summary written");
    assert!(
        md.contains("| Severity | Check | Location | Message |")
            && md.contains("`key-endpoint-mismatch`"),
        "{md}"
    );
    assert!(!md.contains(&key[12..]));
}

#[test]
fn output_file_keeps_the_human_view_on_stdout() {
    let (dir, _) = mismatch_repo();
    let (code, out, _) = keylint_in(
        dir.path(),
        &["lint", ".", "--format", "sarif", "--output", "k.sarif"],
        &[],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("key-endpoint-mismatch") && !out.contains("\"version\": \"2.1.0\""),
        "{out}"
    );
    let sarif = std::fs::read_to_string(dir.path().join("k.sarif")).expect("sarif written");
    assert!(sarif.contains("\"version\": \"2.1.0\""));
}

#[test]
fn baseline_survives_line_moves_and_new_problems_still_fail() {
    let (dir, key) = mismatch_repo();
    let d = dir.path();
    assert_eq!(keylint_in(d, &["lint", "."], &[]).0, 1);
    let (code, _, err) = keylint_in(
        d,
        &["lint", ".", "--write-baseline", "keylint-baseline.json"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let b = std::fs::read_to_string(d.join("keylint-baseline.json")).expect("baseline");
    assert!(
        !b.contains(&key[12..]) && !b.contains("sk-or"),
        "baseline holds a secret: {b}"
    );
    assert_eq!(
        keylint_in(
            d,
            &["lint", ".", "--baseline", "keylint-baseline.json"],
            &[]
        )
        .0,
        0
    );
    // move every line down
    let env = std::fs::read_to_string(d.join(".env")).expect("read");
    std::fs::write(d.join(".env"), format!("# moved\n\n{env}")).expect("write");
    let (code, out, _) = keylint_in(
        d,
        &["lint", ".", "--baseline", "keylint-baseline.json"],
        &[],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("hidden by the baseline"));
    // one new problem fails
    std::fs::write(d.join("compose.yaml"), "services:\n  app:\n    image: x\n    environment:\n      OPENAI_API_BASE: https://api.openai.com/v1\n").expect("write");
    let (code, out, _) = keylint_in(
        d,
        &["lint", ".", "--baseline", "keylint-baseline.json"],
        &[],
    );
    assert_eq!(code, 1, "{out}");
    // fixing one reports its entry as stale
    std::fs::write(
        d.join(".env"),
        "OPENAI_BASE_URL=https://api.openai.com/v1\n",
    )
    .expect("write");
    let (_, out, _) = keylint_in(
        d,
        &[
            "lint",
            ".",
            "--baseline",
            "keylint-baseline.json",
            "--format",
            "json",
        ],
        &[],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        doc["baseline"]["stale"].as_array().map(Vec::len),
        Some(1),
        "{out}"
    );
    // a broken baseline is a usage error
    std::fs::write(d.join("bad.json"), "{").expect("write");
    assert_eq!(
        keylint_in(d, &["lint", ".", "--baseline", "bad.json"], &[]).0,
        2
    );
}

#[test]
fn staged_files_are_judged_with_the_whole_repository_as_context() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::create_dir_all(d.join(".git")).expect("git dir");
    std::fs::create_dir_all(d.join(".github/workflows")).expect("wf dir");
    std::fs::write(d.join(".env.example"), "OPENAI_API_KEY=\n").expect("write");
    // the workflow sets a legacy name (a finding located in the workflow)...
    std::fs::write(
        d.join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n      OPENAI_API_BASE: https://api.openai.com/v1\n    steps:\n      - run: pytest\n",
    )
    .expect("write");
    // ...and the staged source reads a near-miss of a documented name
    std::fs::create_dir_all(d.join("app")).expect("app");
    std::fs::write(
        d.join("app/llm.py"),
        "import os\nKEY = os.environ[\"OPENAI_KEY\"]\n",
    )
    .expect("write");
    let (_, out, _) = keylint_in(
        d,
        &[
            "lint",
            "app/llm.py",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        &[],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(
        !paths.is_empty() && paths.iter().all(|p| *p == "app/llm.py"),
        "{paths:?}"
    );
    // the same name is judged against .env.example, which was not passed
    assert!(out.contains("env-name-drift"), "{out}");
    let (_, out, _) = keylint_in(
        d,
        &["lint", ".", "--format", "json", "--fail-on", "never"],
        &[],
    );
    assert!(out.contains(".github/workflows/ci.yml"));
}

#[test]
fn no_ignore_comments_reports_everything() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join(".env"),
        "OPENAI_API_KEY=sk-your-key-here  # keylint: ignore[placeholder-key] set by deploy\n",
    )
    .expect("write");
    std::fs::write(dir.path().join(".gitignore"), ".env\n").expect("write");
    let (code, out, _) = keylint_in(dir.path(), &["lint", ".", "--format", "json"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\"reason\": \"set by deploy\""), "{out}");
    let (code, out, _) = keylint_in(dir.path(), &["lint", ".", "--no-ignore-comments"], &[]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn fix_touches_only_the_spans_and_diff_never_shows_a_key() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let catalog = keylint::catalog::Catalog::builtin().expect("catalog");
    let mut keys = Vec::new();
    let before = common::substitute(
        &catalog,
        "# team env\r\nOPENAI_API_KEY=\"@@KEY:openai@@ \"\r\nOPENAI_API_BASE=https://api.openai.com/v1\r\nZHIPUAI_BASE_URL=https://open.bigmodel.cn/api/paas/v3\r\nOTHER=  untouched  \r\n",
        &mut keys,
    );
    std::fs::write(d.join(".env"), &before).expect("write");
    std::fs::write(d.join(".gitignore"), ".env\n").expect("write");
    let (code, diff, _) = keylint_in(d, &["lint", ".", "--diff"], &[]);
    assert_eq!(code, 0);
    assert!(
        diff.contains("+OPENAI_BASE_URL=https://api.openai.com/v1") && diff.contains("paas/v4"),
        "{diff}"
    );
    assert!(!diff.contains(&keys[0][12..]), "diff leaks the key");
    assert_eq!(
        std::fs::read_to_string(d.join(".env")).expect("read"),
        before,
        "--diff wrote"
    );
    let _ = keylint_in(d, &["lint", ".", "--fix"], &[]);
    let after = std::fs::read_to_string(d.join(".env")).expect("read");
    let expected = before
        .replace(" \"\r\n", "\"\r\n")
        .replace("OPENAI_API_BASE=https://api.openai.com/v1\r\n", "OPENAI_API_BASE=https://api.openai.com/v1\r\nOPENAI_BASE_URL=https://api.openai.com/v1\r\n")
        .replace("paas/v3", "paas/v4");
    assert_eq!(after, expected);
    let (code, out, _) = keylint_in(d, &["lint", "."], &[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn config_allowed_keys_are_never_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let catalog = keylint::catalog::Catalog::builtin().expect("catalog");
    let mut keys = Vec::new();
    let env = common::substitute(
        &catalog,
        "OPENAI_API_KEY=@@KEY:openrouter@@\nOPENAI_BASE_URL=https://openrouter.ai/api/v1\n",
        &mut keys,
    );
    std::fs::write(dir.path().join(".env"), env).expect("write");
    assert_eq!(
        keylint_in(dir.path(), &["lint", "."], &[]).0,
        1,
        "committed key fires"
    );
    std::fs::write(
        dir.path().join("keylint.toml"),
        format!("allowed_keys = [\"{}*\"]\n", &keys[0][..20]),
    )
    .expect("write");
    let (code, out, _) = keylint_in(dir.path(), &["lint", "."], &[]);
    assert_eq!(code, 0, "{out}");
    std::fs::write(dir.path().join("keylint.toml"), "allowed_keys = \"nope\"\n").expect("write");
    assert_eq!(keylint_in(dir.path(), &["lint", "."], &[]).0, 2);
}

#[test]
fn fix_drops_quotes_docker_run_would_keep() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::write(
        d.join("app.env"),
        "OPENAI_BASE_URL=\"https://api.openai.com/v1\"\nLOG_LEVEL=info\n",
    )
    .expect("write");
    std::fs::write(
        d.join("run.sh"),
        "#!/bin/sh\ndocker run --env-file app.env img\n",
    )
    .expect("write");
    let (code, diff, _) = keylint_in(d, &["lint", ".", "--diff"], &[]);
    assert_eq!(code, 0);
    assert!(
        diff.contains("+OPENAI_BASE_URL=https://api.openai.com/v1"),
        "{diff}"
    );
    let _ = keylint_in(d, &["lint", ".", "--fix"], &[]);
    assert_eq!(
        std::fs::read_to_string(d.join("app.env")).expect("read"),
        "OPENAI_BASE_URL=https://api.openai.com/v1\nLOG_LEVEL=info\n"
    );
}
