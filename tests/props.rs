//! Property tests for every front end and the end-to-end lint (the same entry points the
//! `fuzz/` targets drive, here on every CI run): no panic, every span inside its text on char
//! boundaries, and no synthetic key in any output.

mod common;

use keylint::facts::FileFacts;
use proptest::prelude::*;

/// Text built from the pieces these formats are made of, so cases reach deep into the parsers.
fn structured() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_string()),
        Just("  ".to_string()),
        Just("=".to_string()),
        Just(": ".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("`".to_string()),
        Just("${".to_string()),
        Just("}".to_string()),
        Just("{".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("#".to_string()),
        Just("//".to_string()),
        Just("/*".to_string()),
        Just("\\".to_string()),
        Just("- ".to_string()),
        Just("OPENAI_API_KEY".to_string()),
        Just("process.env.".to_string()),
        Just("os.environ[".to_string()),
        Just("new OpenAI({ apiKey: ".to_string()),
        Just("https://api.openai.com/v1".to_string()),
        Just("${{ secrets.X }}".to_string()),
        Just("env:".to_string()),
        Just("services:".to_string()),
        Just("FROM node AS a".to_string()),
        Just("ARG ".to_string()),
        Just("<<EOF".to_string()),
        Just("\"env\": {".to_string()),
        Just("[model_providers.x]".to_string()),
        Just("é".to_string()),
        Just("\u{200B}".to_string()),
        "[a-zA-Z0-9_]{1,12}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

use keylint::harness::FRONT_ENDS as KINDS;

fn spans_ok(text: &str, f: &FileFacts) -> Result<(), TestCaseError> {
    keylint::harness::spans_ok(text, f).map_err(TestCaseError::fail)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn every_front_end_keeps_spans_in_bounds(text in structured(), k in 0..KINDS.len()) {
        let catalog = keylint::catalog::Catalog::builtin().expect("catalog");
        let (kind, path) = &KINDS[k];
        let f = keylint::parse::parse(kind, path, &text, &catalog);
        spans_ok(&text, &f)?;
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,300}", k in 0..KINDS.len()) {
        let catalog = keylint::catalog::Catalog::builtin().expect("catalog");
        let (kind, path) = &KINDS[k];
        let f = keylint::parse::parse(kind, path, &text, &catalog);
        spans_ok(&text, &f)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// A small virtual tree of random files with a real key planted: lint end to end, render
    /// every format, and the key never appears.
    #[test]
    fn end_to_end_lint_of_a_random_tree_never_leaks(
        texts in prop::collection::vec(structured(), 1..6),
        kinds in prop::collection::vec(0..KINDS.len(), 1..6),
    ) {
        let catalog = keylint::catalog::Catalog::builtin().expect("catalog");
        let dir = tempfile::tempdir().expect("tmp");
        let mut keys = Vec::new();
        for (i, (text, k)) in texts.iter().zip(kinds.iter().cycle()).enumerate() {
            let (_, path) = &KINDS[*k];
            let p = dir.path().join(format!("d{i}")).join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            let planted = common::substitute(&catalog, &format!("{text}\nOPENAI_API_KEY=@@KEY:openrouter@@ {text}"), &mut keys);
            std::fs::write(&p, planted).expect("write");
        }
        let report = common::lint(dir.path());
        for format in [keylint::cli::Format::Human, keylint::cli::Format::Json, keylint::cli::Format::Sarif, keylint::cli::Format::Github] {
            let out = common::render(&report, format);
            for key in &keys {
                prop_assert!(!out.contains(&key[12..]), "{:?} leaks a key", format);
            }
        }
    }
}
