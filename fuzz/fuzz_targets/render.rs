//! End-to-end through the binary's entry point on a real folder (NUL-separated files, `@K`
//! `@H` `@A` `@Z` are planted keys of four shapes): every format, `--diff` and coloured output;
//! none may print 20 characters of a key or a control byte from the input.
//! The body lives in `keylint::harness`, shared with the seed replay in `tests/fuzz_seeds.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keylint::harness::run("render", data));
