//! The proc macro of [marketplace-iam](https://docs.rs/marketplace-iam). Thin on purpose: it forwards its input
//! to [`marketplace_iam_codegen`], an ordinary library that reads and validates policies.toml with the engine and
//! writes the items with `quote!`, so that the code generation is tested and benchmarked without a compiler in the
//! loop.
//!
//! Most users never call it: `marketplace-iam` carries the items of the project's own policies.toml already
//! generated (by `cargo xtask gen-docs`, with the same code generation), and re-exports [`policies!`] with its
//! `macros` feature for sellers who keep their own file.

use proc_macro::TokenStream;

/// Expands a policies.toml into typed data: `Action`, a `&'static str` constant per action, `ProductType`,
/// `PricingModel`, `DeploymentTarget`, a marker type per product type and pricing model implementing
/// `marketplace_iam::Policy`, and the grants `marketplace_iam::Grants<A>` exactly where the file grants action `A`.
///
/// ```text
/// policies!();                              // ./policies.toml of the invoking crate
/// policies!(path = "config/policies.toml"); // a path relative to the invoking crate's Cargo.toml
/// policies!(source = "schema_version = 1 ..."); // inline TOML (for tests)
/// policies!(path = "policies.toml", crate = ::my_sdk::marketplace_iam); // where marketplace_iam is re-exported
/// ```
///
/// Paths resolve against the invoking crate's `CARGO_MANIFEST_DIR`, never the current directory. The expansion
/// includes the file with `include_str!`, so editing it rebuilds the crate on stable Rust.
///
/// Every problem in the file is reported as its own compile error, located `file:line:col` with the offending line,
/// and the macro still emits placeholder items, so the code that uses them shows no secondary errors.
#[proc_macro]
pub fn policies(input: TokenStream) -> TokenStream {
    marketplace_iam_codegen::policies(input.into()).into()
}
