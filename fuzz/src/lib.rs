//! The fuzz targets' harness: what each target does with its input lives in the workspace crate
//! `marketplace-iam-fuzz-harness`, which the stable regression tests (`tests/fuzz_regressions.rs`) also call.

pub use marketplace_iam_fuzz_harness::*;
