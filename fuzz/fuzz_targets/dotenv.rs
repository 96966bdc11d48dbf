//! The dotenv front end on arbitrary text.
//! The body lives in `keylint::harness`, shared with the seed replay in `tests/fuzz_seeds.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keylint::harness::run("dotenv", data));
