//! The proc macro of [marketplace-iam](https://docs.rs/marketplace-iam): `policies!` reads a policies.toml at
//! compile time and expands into the typed API of the `marketplace-iam` crate.
//!
//! This crate is thin on purpose: it parses its arguments and turns the engine's validated model
//! ([`marketplace_iam_model`]) into tokens. Reading, validating and rendering policies.toml, including the policy
//! JSON baked into the constants, all happen in the engine, the same code `cargo xtask gen-docs` publishes with.
//!
//! Most users never call it: they depend on `marketplace-iam`, which invokes it on the project's policies.toml.
//! A seller who keeps their own policies.toml invokes it themselves, see [`policies!`].

mod codegen;
mod expand;

use proc_macro::TokenStream;
use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// Expands policies.toml into the typed IAM API: `Action`, a `&'static str` constant per action, `ProductType`,
/// `PricingModel`, a marker type per action, product and pricing model, and the `Grants<A>` trait implemented exactly
/// where the file grants action `A`.
///
/// ```text
/// policies!();                              // ./policies.toml of the invoking crate
/// policies!(path = "config/policies.toml"); // a path relative to the invoking crate's Cargo.toml
/// policies!(source = "schema_version = 1 ..."); // inline TOML (for tests)
/// ```
///
/// Paths resolve against the invoking crate's `CARGO_MANIFEST_DIR`, never the current directory. The expansion
/// includes the file with `include_bytes!`, so editing it rebuilds the crate on stable Rust.
///
/// Every problem in the file is reported as its own compile error, located `file:line:col` with the offending line,
/// and the macro still emits placeholder items, so the code that uses them shows no secondary errors.
#[proc_macro]
pub fn policies(input: TokenStream) -> TokenStream {
    match syn::parse::<Args>(input) {
        Ok(args) => expand::expand(args).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Implementation of `marketplace_iam::require!`; call that instead.
///
/// Input: `<path of the runtime crate> ; Policy: ActionA, ActionB`. Each check is spanned on its action, so the error
/// points at the action the policy lacks.
#[doc(hidden)]
#[proc_macro]
pub fn __require(input: TokenStream) -> TokenStream {
    match syn::parse::<Require>(input) {
        Ok(req) => expand::require(req).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

pub(crate) struct Require {
    pub krate: proc_macro2::TokenStream,
    pub policy: syn::Type,
    pub actions: Vec<syn::Type>,
}

impl Parse for Require {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut krate = proc_macro2::TokenStream::new();
        while !input.peek(Token![;]) {
            krate.extend([input.parse::<proc_macro2::TokenTree>()?]);
        }
        input.parse::<Token![;]>()?;
        let policy: syn::Type = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `Policy: Action, ...`, e.g. `require!(Saas: BatchMeterUsage)`",
            )
        })?;
        input.parse::<Token![:]>().map_err(|e| {
            syn::Error::new(e.span(), "expected `:` after the product type or pricing model, e.g. `require!(Saas: BatchMeterUsage)`")
        })?;
        let actions = syn::punctuated::Punctuated::<syn::Type, Token![,]>::parse_terminated(input)?;
        if actions.is_empty() {
            return Err(syn::Error::new(
                input.span(),
                "expected at least one action after `:`",
            ));
        }
        Ok(Require {
            krate,
            policy,
            actions: actions.into_iter().collect(),
        })
    }
}

/// Where the TOML comes from.
pub(crate) enum Args {
    /// A file: the path as written (relative to the invoking crate), and the literal to point errors at.
    Path(LitStr),
    /// The default `policies.toml`.
    Default,
    /// Inline TOML, and the span of the `source` key (errors point there rather than at the whole text).
    Source(LitStr, Span),
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Ok(Args::Default);
        }
        let key: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `path = \"...\"` or `source = \"...\"`: policies!() takes no other arguments",
            )
        })?;
        let key_span = key.span();
        let make: Box<dyn Fn(LitStr) -> Args> = match key.to_string().as_str() {
            "path" => Box::new(Args::Path),
            "source" => Box::new(move |lit| Args::Source(lit, key_span)),
            other => {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown argument `{other}`: expected `path = \"...\"` or `source = \"...\"`"
                    ),
                ));
            }
        };
        input
            .parse::<Token![=]>()
            .map_err(|e| syn::Error::new(e.span(), format!("expected `=` after `{key}`")))?;
        let value: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected a string literal after `{key} =`"),
            )
        })?;
        let _ = input.parse::<Option<Token![,]>>()?;
        if !input.is_empty() {
            return Err(syn::Error::new(
                input.span(),
                "unexpected tokens: policies!() takes one argument, `path = \"...\"` or `source = \"...\"`",
            ));
        }
        if value.value().is_empty() {
            return Err(syn::Error::new(
                value.span(),
                format!("`{key}` must not be empty"),
            ));
        }
        Ok(make(value))
    }
}

impl Args {
    /// The span errors about the data point at.
    pub(crate) fn span(&self) -> Span {
        match self {
            Args::Path(lit) => lit.span(),
            Args::Source(_, key) => *key,
            Args::Default => Span::call_site(),
        }
    }
}
