//! What every item generator shares: the plan and the runtime crate's path ([`Gen`]), identifiers, and the
//! `examples { ... }` argument of the runtime crate's item macros.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::plan::Plan;

/// What every item generator needs.
pub(crate) struct Gen<'p> {
    pub plan: &'p Plan,
    pub krate: &'p TokenStream,
    /// The identifier of each action, made once: policies name the same actions many times.
    pub action_idents: Vec<Ident>,
}

impl Gen<'_> {
    /// `examples { name: [#[doc = "..."]], ... }`: for each item, its runnable example as a doc attribute when the
    /// plan asks for examples (the runtime crate's own expansion) and the example is not empty; else `[]`.
    pub fn examples(&self, items: &[(&str, &dyn Fn() -> String)]) -> TokenStream {
        let entries = items.iter().map(|(name, example)| {
            let name = ident(name);
            let example = if self.plan.examples {
                example()
            } else {
                String::new()
            };
            if example.is_empty() {
                quote!(#name: [])
            } else {
                let doc = format!("\n# Examples\n\n```\n{example}\n```");
                quote!(#name: [#[doc = #doc]])
            }
        });
        quote!(examples { #(#entries),* })
    }

    /// `[A B C]`: the identifiers of the actions at `indices`.
    pub fn action_list(&self, indices: &[usize]) -> TokenStream {
        let actions = indices.iter().map(|&i| &self.action_idents[i]);
        quote!([#(#actions)*])
    }
}

/// An identifier from a name the engine validated as a Rust name.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `Kind::A, Kind::B` as text, for a doc example.
pub(crate) fn variant_list(
    kind: &str,
    indices: &[usize],
    name: impl Fn(usize) -> String,
) -> String {
    indices
        .iter()
        .map(|&i| format!("{kind}::{}", name(i)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The name of the variant or marker a broken file's placeholder row uses.
pub(crate) const PLACEHOLDER: &str = "__PoliciesTomlHasErrors";
