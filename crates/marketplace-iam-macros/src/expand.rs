//! Reading the file and reporting its problems; the items themselves come from [`crate::codegen`].

use std::path::PathBuf;

use proc_macro2::{Literal, Span, TokenStream};
use quote::{quote, quote_spanned};

use crate::codegen;
use crate::{Args, Require};

pub(crate) fn expand(args: Args) -> TokenStream {
    let span = args.span();
    let examples = std::env::var("CARGO_CRATE_NAME").is_ok_and(|n| n == "marketplace_iam");
    // `file`: the absolute path, as a literal, when the text comes from a file.
    let (display, bytes, file) = match &args {
        Args::Source(lit, _) => (
            "<inline policies>".to_owned(),
            lit.value().into_bytes(),
            None,
        ),
        Args::Default | Args::Path(_) => {
            let rel = match &args {
                Args::Path(lit) => lit.value(),
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
                    return error_with_skeleton(&[message], span, "");
                }
            }
        }
    };
    match marketplace_iam_model::parse_bytes(&display, &bytes) {
        Ok(policies) => {
            let items = items(&codegen::generate(&codegen::plan(&policies, examples)));
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
            quote! {
                /// The text of the policies.toml this API was generated from, for tools that run the engine on the
                /// same data (`marketplace_iam_model::parse("policies.toml", POLICIES_TOML)`).
                pub const POLICIES_TOML: &str = #text;
                #items
            }
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
            let skeleton = error_with_skeleton(&messages, span, &text);
            // The file may not be UTF-8 here, so it is tracked as bytes: fixing it rebuilds the invoking crate.
            let track = file
                .map(|abs| quote_spanned!(span=> const _: &[u8] = ::core::include_bytes!(#abs);));
            quote!(#track #skeleton)
        }
    }
}

/// The generated source as tokens. It is this crate's own output, so a lexer error is a bug here: reported, not
/// hidden.
fn items(source: &str) -> TokenStream {
    source.parse().unwrap_or_else(|e| {
        let message = format!(
            "marketplace-iam-macros generated invalid Rust ({e:?}); please report this bug"
        );
        quote!(::core::compile_error! { #message })
    })
}

/// One `compile_error!` per problem, plus placeholder items named after whatever the file declares.
fn error_with_skeleton(messages: &[String], span: Span, text: &str) -> TokenStream {
    let errors = messages
        .iter()
        .map(|m| quote_spanned!(span=> ::core::compile_error! { #m }));
    let items = items(&codegen::generate(&codegen::skeleton(
        marketplace_iam_model::salvage(text),
    )));
    let items = quote!(#[doc(hidden)] pub const POLICIES_TOML: &str = ""; #items);
    quote!(#(#errors)* #items)
}

/// `require!`: one `granted::<Policy, Action>()` per action, every token of it located at the action, so an unmet
/// bound is reported on the action the policy lacks.
pub(crate) fn require(req: Require) -> TokenStream {
    let Require {
        krate,
        policy,
        actions,
    } = req;
    let checks = actions.iter().map(|action| {
        let span = syn::spanned::Spanned::span(action);
        let policy = relocate(quote!(#policy), span);
        let krate = relocate(krate.clone(), span);
        quote_spanned!(span=> #krate::__private::granted::<#policy, #action>();)
    });
    quote!(const _: () = { #(#checks)* };)
}

/// The same tokens, shown at `at` (name resolution is unchanged).
fn relocate(tokens: TokenStream, at: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut group = proc_macro2::Group::new(g.delimiter(), relocate(g.stream(), at));
                group.set_span(g.span().located_at(at));
                tt = proc_macro2::TokenTree::Group(group);
            } else {
                tt.set_span(tt.span().located_at(at));
            }
            tt
        })
        .collect()
}
