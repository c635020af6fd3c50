//! The runtime crate's action markers: one per action of AWS's catalog, in a module per IAM prefix, as rows for the
//! runtime crate's `__action_markers!`.

use std::collections::BTreeMap;

use marketplace_iam_model::catalog;
use proc_macro2::TokenStream;
use quote::quote;

use crate::items::shared::ident;
use crate::plan::{access_level_variant, marker_path};

/// The modules of markers of every action of the engine's catalog; expanded inside the runtime crate, whose macro
/// (and private sealing trait) they name by `crate::`.
pub(crate) fn markers() -> TokenStream {
    let mut by_module: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
    for a in catalog::all() {
        let Some((module, marker)) = marker_path(a.name) else {
            continue;
        };
        let marker = ident(&marker);
        let name = a.name;
        let level = ident(access_level_variant(a.access_level));
        let doc = format!(
            "`{name}` ({} access).\n\nSee the Service Authorization Reference for `{}`: <{}>.",
            a.access_level.as_str(),
            a.prefix(),
            catalog::reference_page(a.prefix())
        );
        by_module
            .entry(module)
            .or_default()
            .push(quote!(#marker #name #level #doc;));
    }
    let modules = by_module.into_iter().map(|(module, rows)| {
        let doc = format!(
            "The actions of the `{}` IAM prefix.",
            module.replace('_', "-")
        );
        let module = ident(&module);
        quote! {
            #[doc = #doc]
            pub mod #module {
                crate::__action_markers! { #(#rows)* }
            }
        }
    });
    quote!(#(#modules)*)
}
