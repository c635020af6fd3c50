//! Fuzz target `policies_toml`: see `marketplace_iam_fuzz::policies_toml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| marketplace_iam_fuzz::policies_toml(data));
