//! Fuzz target `policy_document`: see `marketplace_iam_fuzz::policy_document`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| marketplace_iam_fuzz::policy_document(data));
