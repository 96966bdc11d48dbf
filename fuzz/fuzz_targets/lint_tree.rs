//! End-to-end lint of a small virtual tree (NUL-separated files, `@K` is a planted key):
//! every check and renderer runs, and no output may hold the key.
//! The body lives in `keylint::harness`, shared with the seed replay in `tests/fuzz_seeds.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keylint::harness::run("lint_tree", data));
