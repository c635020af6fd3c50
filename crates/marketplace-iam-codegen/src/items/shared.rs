//! What every item generator shares: the plan and the runtime crate's path ([`Gen`]), docs, identifiers, and the
//! shapes of code that recur (tables indexed by discriminant, `ALL`/`Display`/`FromStr` by id).

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
    /// `#[doc = "..."]` with `text`, and a runnable example block when the plan asks for examples.
    pub fn doc(&self, text: &str, example: impl FnOnce() -> String) -> TokenStream {
        let mut full = text.to_owned();
        if self.plan.examples {
            let example = example();
            if !example.is_empty() {
                full.push_str("\n\n# Examples\n\n```\n");
                full.push_str(&example);
                full.push_str("\n```");
            }
        }
        quote!(#[doc = #full])
    }

    /// The hidden variant after an error, which keeps every table non-empty.
    pub fn placeholder_variant(&self) -> TokenStream {
        if self.plan.valid {
            TokenStream::new()
        } else {
            quote!(
                #[doc(hidden)]
                __PoliciesTomlHasErrors,
            )
        }
    }

    /// One more table row after an error, for the placeholder variant.
    pub fn placeholder_row(&self, row: TokenStream) -> TokenStream {
        if self.plan.valid {
            TokenStream::new()
        } else {
            quote!(#row,)
        }
    }
}

/// An identifier from a name the engine validated as a Rust name.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `&[Kind::A, Kind::B]` for the items at `indices`.
pub(crate) fn variant_slice(
    kind: &str,
    indices: &[usize],
    name: impl Fn(usize) -> String,
) -> TokenStream {
    let kind = ident(kind);
    let variants = indices.iter().map(|&i| ident(&name(i)));
    quote!(&[#(#kind::#variants),*])
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

/// A `const fn` of an enum reading its value from a static table indexed by the discriminant.
pub(crate) fn table(
    docs: TokenStream,
    name: &str,
    ty: TokenStream,
    rows: Vec<TokenStream>,
    placeholder: TokenStream,
) -> TokenStream {
    let name = ident(name);
    quote! {
        #docs
        pub const fn #name(self) -> #ty {
            const TABLE: &[#ty] = &[#(#rows,)* #placeholder];
            TABLE[self as usize]
        }
    }
}

/// `ALL`, `Display` and `FromStr` of an enum by its id, and serde by the runtime crate's `serde` feature.
pub(crate) fn by_id(
    g: &Gen<'_>,
    ty: &str,
    variants: &[String],
    kind: &str,
    what: &str,
    all_doc: TokenStream,
) -> TokenStream {
    let krate = g.krate;
    let ty = ident(ty);
    let kind = ident(kind);
    let variants = variants.iter().map(|v| ident(v));
    let display = format!("Shows {what}, which [`FromStr`](::core::str::FromStr) reads back.");
    let parse = format!("Parses {what}, ignoring letter case.");
    quote! {
        impl #ty {
            #all_doc
            pub const ALL: &'static [#ty] = &[#(#ty::#variants),*];
        }

        #[doc = #display]
        impl ::core::fmt::Display for #ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.id())
            }
        }

        #[doc = #parse]
        impl ::core::str::FromStr for #ty {
            type Err = #krate::ParseError;
            fn from_str(s: &str) -> ::core::result::Result<Self, #krate::ParseError> {
                #ty::ALL
                    .iter()
                    .copied()
                    .find(|x| x.id().eq_ignore_ascii_case(s))
                    .ok_or_else(|| #krate::ParseError::new(#krate::ValueKind::#kind, s))
            }
        }

        #krate::__serde_by_id!(#ty, id);
    }
}
