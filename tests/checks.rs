//! Data-driven: every `tests/fixtures/<id>/fires-*` must yield a `<id>` finding, every
//! `quiet-*` none; and no format's output contains any synthetic key the fixture holds.

mod common;

use keylint::cli::Format;

#[test]
fn fixtures_fire_and_stay_quiet() {
    let mut failures = Vec::new();
    let cases = common::cases();
    assert!(
        cases.len() >= 28,
        "fixture folders went missing: {}",
        cases.len()
    );
    for (id, case, path) in cases {
        let m = common::materialize(&path);
        let report = common::lint(m.dir.path());
        let hits: Vec<_> = report.findings.iter().filter(|f| f.meta.id == id).collect();
        let wrong = if case.starts_with("fires-") {
            hits.is_empty()
        } else if case.starts_with("quiet-") {
            !hits.is_empty()
        } else {
            panic!("{id}/{case}: fixture names start with fires- or quiet-");
        };
        if wrong {
            let got: Vec<String> = report
                .findings
                .iter()
                .map(|f| format!("{}: {}", f.meta.id, f.message))
                .collect();
            failures.push(format!("{id}/{case}: got {got:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_fixture_key_appears_in_any_output() {
    for (id, case, path) in common::cases() {
        let m = common::materialize(&path);
        let report = common::lint(m.dir.path());
        for format in [Format::Human, Format::Json] {
            let out = common::render(&report, format);
            for key in &m.keys {
                // a key's distinctive body: anything past the first 12 characters
                let body = &key[key.len().min(12)..];
                assert!(
                    body.len() < 8 || !out.contains(body),
                    "{id}/{case}: {format:?} output leaks a key"
                );
                assert!(
                    !out.contains(key.as_str()),
                    "{id}/{case}: {format:?} output contains a raw key"
                );
            }
            // Debug of every finding too (what a panic or log would print)
            let dbg = format!("{:?}", report.findings);
            assert!(
                m.keys.iter().all(|k| !dbg.contains(k.as_str())),
                "{id}/{case}: Debug leaks a key"
            );
        }
    }
}

#[test]
fn fixture_output_snapshots() {
    for (id, case, path) in common::cases() {
        if !case.starts_with("fires-") {
            continue;
        }
        let m = common::materialize(&path);
        let report = common::lint(m.dir.path());
        let name = format!("{id}__{case}");
        insta::assert_snapshot!(
            format!("{name}__human"),
            common::render(&report, Format::Human)
        );
        insta::assert_snapshot!(
            format!("{name}__json"),
            common::render(&report, Format::Json)
        );
    }
}

/// Realistic projects (multi-stage Next.js and Python images, compose with a LiteLLM sidecar):
/// nothing at warning or above, from any check.
#[test]
fn realistic_shapes_have_no_false_positives() {
    for case in [
        "dotenv-in-image/quiet-nextjs-multistage",
        "public-env-build-time/quiet-nextjs-multistage",
        "dockerfile-secret-env/quiet-multistage-python",
        "compose-build-arg-secret/quiet-litellm-sidecar",
        "key-endpoint-mismatch/quiet-compose-litellm-sidecar",
    ] {
        let m = common::materialize(&common::fixtures_root().join(case));
        let report = common::lint(m.dir.path());
        let loud: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.severity >= keylint::finding::Severity::Warning)
            .map(|f| format!("{}: {}", f.meta.id, f.message))
            .collect();
        assert!(loud.is_empty(), "{case}: {loud:#?}");
    }
}

/// key-in-url: a warning when the URL is built in browser code or printed, advice (info) for a
/// URL built on the server and never printed.
#[test]
fn key_in_url_warns_only_in_the_browser_or_when_printed() {
    use keylint::finding::Severity;
    for (case, want) in [
        ("fires-gemini-rest-printed", Severity::Warning),
        ("fires-browser-template", Severity::Warning),
        ("fires-concat-logged", Severity::Warning),
        ("fires-server-url-is-advice", Severity::Info),
    ] {
        let m = common::materialize(&common::fixtures_root().join("key-in-url").join(case));
        let report = common::lint(m.dir.path());
        let got: Vec<Severity> = report
            .findings
            .iter()
            .filter(|f| f.meta.id == "key-in-url")
            .map(|f| f.severity)
            .collect();
        assert_eq!(got, [want], "{case}");
    }
}

/// env-name-drift, the set side: a name a Dockerfile sets that nothing reads is reported where
/// it is set, with the read of the intended name as the related location; and when the read
/// side already reports the pair (a dotenv file exists and nothing provides the read name),
/// it is reported once, at the read.
#[test]
fn env_name_drift_set_side_points_at_both_places_once() {
    fn drift(report: &keylint::Report) -> Vec<(String, Vec<String>)> {
        let path = |i: usize| report.index.files[i].source.rel_path.clone();
        report
            .findings
            .iter()
            .filter(|f| f.meta.id == "env-name-drift")
            .map(|f| {
                (
                    path(f.primary.file),
                    f.related.iter().map(|l| path(l.file)).collect(),
                )
            })
            .collect()
    }
    let m = common::materialize(
        &common::fixtures_root().join("env-name-drift/fires-dockerfile-env-trailing-underscore"),
    );
    let report = common::lint(m.dir.path());
    assert_eq!(
        drift(&report),
        [("Dockerfile".to_string(), vec!["app.py".to_string()])]
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let write = |p: &str, t: &str| std::fs::write(dir.path().join(p), t).expect("write");
    write(".env.example", "PORT=8080\n");
    write(
        "Dockerfile",
        "FROM python:3.12-slim\nCOPY . .\nENV ANTHROPIC_APIKEY=\"\"\n",
    );
    write(
        "app.py",
        "import os\nimport anthropic\nclient = anthropic.Anthropic(api_key=os.environ[\"ANTHROPIC_API_KEY\"])\n",
    );
    let report = common::lint(dir.path());
    assert_eq!(
        drift(&report),
        [("app.py".to_string(), vec!["Dockerfile".to_string()])]
    );
}
