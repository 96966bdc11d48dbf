//! The registry, the check files, the docs and the fixtures agree.

mod common;

use keylint::catalog::{Catalog, synth_key};
use keylint::checks::ALL;

#[test]
fn every_check_has_docs_files_and_fixtures() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/checks");
    let mut files: Vec<String> = std::fs::read_dir(&src)
        .expect("src/checks")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().replace(".rs", ""))
        .filter(|n| n != "mod")
        .collect();
    files.sort();
    let mut ids: Vec<String> = ALL.iter().map(|c| c.meta().id.replace('-', "_")).collect();
    ids.sort();
    assert_eq!(files, ids, "src/checks/*.rs and the checks! list disagree");
    let cases = common::cases();
    for c in ALL {
        let m = c.meta();
        assert!(
            m.id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'),
            "{} is not kebab-case",
            m.id
        );
        for heading in [
            "## What it does",
            "## Why it breaks",
            "## Example",
            "## Fix",
        ] {
            assert!(
                m.doc_text().contains(heading),
                "{}: doc lacks {heading}",
                m.id
            );
        }
        for prefix in ["fires-", "quiet-"] {
            assert!(
                cases
                    .iter()
                    .any(|(id, case, _)| id == m.id && case.starts_with(prefix)),
                "{}: no {prefix}* fixture",
                m.id
            );
        }
    }
    for (id, _, path) in &cases {
        assert!(
            keylint::checks::by_id(id).is_some(),
            "fixture folder for unknown check {id}"
        );
        assert!(
            std::fs::read_dir(path).expect("case").next().is_some(),
            "{} is empty",
            path.display()
        );
    }
}

#[test]
fn catalog_examples_match_their_own_provider_only() {
    let c = Catalog::builtin().expect("catalog");
    assert!(c.providers.len() >= 20);
    for (pi, p) in c.providers.iter().enumerate() {
        for (fi, f) in p.keys.iter().enumerate() {
            for seed in 0..20 {
                let key = synth_key(&f.example, seed);
                let ctx = f.needs_context.then_some(pi);
                let m = c
                    .classify_key(&key, ctx)
                    .unwrap_or_else(|| panic!("{}: example of `{}` does not match", p.id, f.kind));
                assert_eq!(
                    m.candidates[0], p.id,
                    "{}: `{}` example classified as {:?}",
                    p.id, f.kind, m.candidates
                );
                let _ = fi;
            }
        }
        for b in &p.base_urls {
            assert!(keylint::url::parse(&b.url).is_ok(), "{}: {}", p.id, b.url);
        }
    }
}

#[test]
fn redaction_of_every_catalog_shape_hides_the_body() {
    let c = Catalog::builtin().expect("catalog");
    for p in &c.providers {
        for f in &p.keys {
            let key = synth_key(&f.example, 3);
            let r = keylint::redact::redact(&key);
            assert!(
                r.chars().count() * 2 < key.chars().count() + 16,
                "{}: {r}",
                p.id
            );
            assert!(!r.contains(&key[key.len() / 2..]), "{}", p.id);
        }
    }
}
