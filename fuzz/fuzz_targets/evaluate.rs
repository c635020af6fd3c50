//! Fuzz target `evaluate`: see `marketplace_iam_fuzz::evaluate`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| marketplace_iam_fuzz::evaluate(data));
