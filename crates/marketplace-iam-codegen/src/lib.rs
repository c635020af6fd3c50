//! The code generation behind [marketplace-iam](https://docs.rs/marketplace-iam)'s proc macros, as an ordinary
//! library: `marketplace-iam-macros` (the only proc-macro crate) forwards its input here, and the expansion
//! benchmark and the tests call the same functions.
//!
//! The phases: [`policies`] parses its arguments, reads and validates the policies.toml with the engine
//! ([`marketplace_iam_model`]), turns the validated model into a [`Plan`] ([`plan()`], or a skeleton of the names
//! a broken file still declares), and writes the plan's items with `quote!` ([`generate`]), one function per kind
//! of item. The items hold data only: rows of a few tokens per action, product type, pricing model and target, as
//! the arguments of the runtime crate's macros for each kind of item (`__actions!`, `__product_types!`,
//! `__specs!`, ...), which hold the code. They name the runtime crate (its vocabulary, `Policy`,
//! `Grants`, the action markers, and those macros) by path, `::marketplace_iam` unless `crate = ...` says otherwise.
//!
//! # Examples
//!
//! ```
//! let text = std::fs::read_to_string("../../policies.toml")?;
//! let policies = marketplace_iam_model::parse("policies.toml", &text).unwrap();
//! let plan = marketplace_iam_codegen::plan(&policies, false);
//! let items = marketplace_iam_codegen::generate(&plan, &quote::quote!(::marketplace_iam));
//! let code = items.to_string();
//! // Rows of data for the runtime crate's macros, which hold the code of the items.
//! assert!(code.contains(":: marketplace_iam :: __pricing_models ! {"));
//! assert!(code.contains(":: marketplace_iam :: __grants ! (SaasSubscriptions : ResolveCustomer , BatchMeterUsage)"));
//! # Ok::<(), std::io::Error>(())
//! ```

mod args;
mod catalog;
mod expand;
mod items;
mod plan;

use proc_macro2::TokenStream;

pub use items::generate;
pub use plan::{Plan, plan};

/// `policies!(...)`: the items of a policies.toml, or its errors (one `compile_error!` each) with placeholder items.
///
/// ```
/// let out = marketplace_iam_codegen::policies(quote::quote!(paht = "policies.toml"));
/// assert!(out.to_string().contains("unknown argument `paht`"));
/// ```
pub fn policies(input: TokenStream) -> TokenStream {
    match syn::parse2::<args::Args>(input) {
        Ok(args) => expand::policies(args),
        Err(e) => e.to_compile_error(),
    }
}

/// The runtime crate's own items, from the project's policies.toml: what `cargo xtask gen-docs` writes to
/// `crates/marketplace-iam/src/generated/policies.rs`, so that a service using the project's products compiles no
/// proc macro. The same items as `policies!()` expanded in the runtime crate, with its doc examples.
///
/// ```
/// let text = std::fs::read_to_string("../../policies.toml")?;
/// let policies = marketplace_iam_model::parse("policies.toml", &text).unwrap();
/// let code = marketplace_iam_codegen::runtime_items(&policies).to_string();
/// assert!(code.contains(":: marketplace_iam :: __grants ! (SaasSubscriptions : ResolveCustomer , BatchMeterUsage)"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn runtime_items(policies: &marketplace_iam_model::Policies) -> TokenStream {
    // The file sits in `src/generated/`; the crate's policies.toml beside its Cargo.toml.
    let text = expand::policies_toml(quote::quote!(::core::include_str!("../../policies.toml")));
    let items = generate(&plan(policies, true), &quote::quote!(::marketplace_iam));
    quote::quote!(#text #items)
}

/// The runtime crate's action markers, one per action of AWS's catalog (`marketplace_iam::actions`): what
/// `cargo xtask gen-docs` writes to `crates/marketplace-iam/src/generated/catalog.rs`.
///
/// ```
/// let out = marketplace_iam_codegen::catalog_markers().to_string();
/// assert!(out.contains("pub mod aws_marketplace"));
/// assert!(out.contains("MeterUsage \"aws-marketplace:MeterUsage\" Write"));
/// ```
pub fn catalog_markers() -> TokenStream {
    catalog::markers()
}
