//! The arguments of `policies!` and `require!`.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// Where the TOML comes from.
pub(crate) enum Source {
    /// A file: the path as written (relative to the invoking crate), and the literal to point errors at.
    Path(LitStr),
    /// The default `policies.toml`.
    Default,
    /// Inline TOML, and the span of the `source` key (errors point there rather than at the whole text).
    Inline(LitStr, Span),
}

/// `policies!(path = "...", crate = some::path)`.
pub(crate) struct Args {
    pub source: Source,
    /// The path of the runtime crate; `::marketplace_iam` unless `crate = ...` says otherwise.
    pub krate: TokenStream,
}

const USAGE: &str =
    "expected `path = \"...\"`, `source = \"...\"` or `crate = path::to::marketplace_iam`";

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut source = None;
        let mut krate = None;
        while !input.is_empty() {
            let key: Ident = if input.peek(Token![crate]) {
                let k: Token![crate] = input.parse()?;
                Ident::new("crate", k.span)
            } else {
                input.parse().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        format!("{USAGE}: policies!() takes no other arguments"),
                    )
                })?
            };
            let name = key.to_string();
            if !matches!(name.as_str(), "path" | "source" | "crate") {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown argument `{name}`: {USAGE}"),
                ));
            }
            input
                .parse::<Token![=]>()
                .map_err(|e| syn::Error::new(e.span(), format!("expected `=` after `{name}`")))?;
            if name == "crate" {
                if krate.is_some() {
                    return Err(syn::Error::new(key.span(), "`crate` is given twice"));
                }
                let path: syn::Path = input.parse().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        "expected a path after `crate =`, e.g. `crate = ::my_sdk::marketplace_iam`",
                    )
                })?;
                krate = Some(quote!(#path));
            } else {
                if source.is_some() {
                    return Err(syn::Error::new(
                        key.span(),
                        "policies!() takes one of `path = \"...\"` and `source = \"...\"`, once",
                    ));
                }
                let value: LitStr = input.parse().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        format!("expected a string literal after `{name} =`"),
                    )
                })?;
                if value.value().is_empty() {
                    return Err(syn::Error::new(
                        value.span(),
                        format!("`{name}` must not be empty"),
                    ));
                }
                source = Some(if name == "path" {
                    Source::Path(value)
                } else {
                    Source::Inline(value, key.span())
                });
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "unexpected tokens: separate the arguments of policies!() with `,`",
                )
            })?;
        }
        Ok(Args {
            source: source.unwrap_or(Source::Default),
            krate: krate.unwrap_or_else(|| quote!(::marketplace_iam)),
        })
    }
}

impl Source {
    /// The span errors about the data point at.
    pub(crate) fn span(&self) -> Span {
        match self {
            Source::Path(lit) => lit.span(),
            Source::Inline(_, key) => *key,
            Source::Default => Span::call_site(),
        }
    }
}
