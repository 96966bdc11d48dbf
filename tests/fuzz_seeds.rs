//! Replays every committed fuzz input (`fuzz/seeds/<target>/`, including the ones the fuzzers
//! found interesting) through the same harness the `fuzz/` targets run, so a regression in any
//! front end or in the end-to-end lint fails the normal suite, not just a fuzzing session.

use std::path::Path;

#[test]
fn every_committed_fuzz_input_still_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let mut replayed = 0;
    for target in keylint::harness::TARGETS {
        let dir = root.join(target);
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        inputs.sort();
        assert!(!inputs.is_empty(), "{target} has no seeds");
        for input in inputs {
            let data = std::fs::read(&input).expect("read seed");
            let outcome = std::panic::catch_unwind(|| keylint::harness::run(target, &data));
            assert!(outcome.is_ok(), "{target}: {} fails", input.display());
            replayed += 1;
        }
    }
    assert!(replayed > 150, "only {replayed} inputs replayed");
}

/// The harness is what the fuzz targets call: every target in `fuzz/Cargo.toml` is listed in
/// `keylint::harness::TARGETS` and has a file that calls it by its own name.
#[test]
fn fuzz_targets_match_the_harness() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let declared: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|n| *n != "keylint-fuzz")
        .collect();
    assert_eq!(declared, keylint::harness::TARGETS);
    for t in &declared {
        let body = std::fs::read_to_string(root.join(format!("fuzz_targets/{t}.rs")))
            .unwrap_or_else(|e| panic!("{t}: {e}"));
        assert!(
            body.contains(&format!("harness::run(\"{t}\"")),
            "{t} runs another target"
        );
    }
}
