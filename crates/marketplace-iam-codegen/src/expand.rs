//! `policies!`: reading the file, reporting its problems, and the items of [`crate::items`].

use std::path::PathBuf;

use proc_macro2::{Literal, Span, TokenStream};
use quote::{quote, quote_spanned};

use crate::args::{Args, Source};
use crate::{items, plan};

pub(crate) fn policies(args: Args) -> TokenStream {
    let Args { source, krate } = args;
    let span = source.span();
    // `file`: the absolute path, as a literal, when the text comes from a file.
    let (display, bytes, file) = match &source {
        Source::Inline(lit, _) => (
            "<inline policies>".to_owned(),
            lit.value().into_bytes(),
            None,
        ),
        Source::Default | Source::Path(_) => {
            let rel = match &source {
                Source::Path(lit) => lit.value(),
                _ => "policies.toml".to_owned(),
            };
            let dir = std::env::var_os("CARGO_MANIFEST_DIR")
                .map(PathBuf::from)
                .unwrap_or_default();
            let abs = dir.join(&rel);
            match marketplace_iam_model::read_policies_file(&abs) {
                Ok(bytes) => (rel, bytes, Some(Literal::string(&abs.to_string_lossy()))),
                Err(e) => {
                    let message = format!(
                        "could not read `{rel}`: {e}\n\
                         = note: the path is relative to the directory of the invoking crate's Cargo.toml \
                         (CARGO_MANIFEST_DIR)\n\
                         = help: create the file there, or pass `path = \"...\"` to `policies!`"
                    );
                    return error_with_skeleton(&[message], span, "", &krate);
                }
            }
        }
    };
    match marketplace_iam_model::parse_bytes(&display, &bytes) {
        Ok(policies) => {
            let items = items::generate(&plan::plan(&policies, false), &krate);
            // A valid file is UTF-8, so its text can be kept as a constant for tools that run the engine on it. For a
            // file, `include_str!` is also what makes cargo rebuild the invoking crate when the file changes (stable
            // Rust has no tracked paths).
            let text = match &file {
                Some(abs) => quote_spanned!(span=> ::core::include_str!(#abs)),
                None => {
                    let text = String::from_utf8_lossy(&bytes);
                    quote!(#text)
                }
            };
            let text = policies_toml(text);
            quote!(#text #items)
        }
        Err(diags) => {
            let messages: Vec<String> = diags
                .iter()
                .map(|d| {
                    let rendered = diags.render(d);
                    rendered
                        .strip_prefix("error: ")
                        .unwrap_or(&rendered)
                        .to_owned()
                })
                .collect();
            let text = String::from_utf8_lossy(&bytes);
            let skeleton = error_with_skeleton(&messages, span, &text, &krate);
            // The file may not be UTF-8 here, so it is tracked as bytes: fixing it rebuilds the invoking crate.
            let track = file
                .map(|abs| quote_spanned!(span=> const _: &[u8] = ::core::include_bytes!(#abs);));
            quote!(#track #skeleton)
        }
    }
}

/// One `compile_error!` per problem, plus placeholder items named after whatever the file declares.
fn error_with_skeleton(
    messages: &[String],
    span: Span,
    text: &str,
    krate: &TokenStream,
) -> TokenStream {
    let errors = messages
        .iter()
        .map(|m| quote_spanned!(span=> ::core::compile_error! { #m }));
    let items = items::generate(&plan::skeleton(marketplace_iam_model::salvage(text)), krate);
    quote! {
        #(#errors)*
        #[doc(hidden)]
        pub const POLICIES_TOML: &str = "";
        #items
    }
}

/// The constant that keeps the text of the policies.toml the items come from; `text` is an expression of it.
pub(crate) fn policies_toml(text: TokenStream) -> TokenStream {
    quote! {
        /// The text of the policies.toml this API was generated from, for tools that run the engine on the
        /// same data (`marketplace_iam_model::parse("policies.toml", POLICIES_TOML)`).
        pub const POLICIES_TOML: &str = #text;
    }
}
