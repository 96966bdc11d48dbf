//! Every front end: the first byte picks the file kind, the rest is the file.
//! The body lives in `keylint::harness`, shared with the seed replay in `tests/fuzz_seeds.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keylint::harness::run("front_end", data));
