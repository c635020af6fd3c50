//! The generated items, as tokens: one function per kind of item, each with `quote!`.
//!
//! The items name the runtime crate's vocabulary by path (`<krate>::Policy`, `<krate>::ParseError`, ...) and hold
//! only data: enums whose methods read static tables indexed by the discriminant (no per-variant `match`, so large
//! files stay cheap to compile), the marker types of the products and pricing models, and their grants.

mod actions;
mod policies;
mod products;
pub(crate) mod shared;
mod targets;

use proc_macro2::TokenStream;
use quote::quote;

use crate::plan::Plan;
use shared::{Gen, ident};

/// The items of `plan`; `krate` is the path of the runtime crate (`::marketplace_iam`).
pub fn generate(plan: &Plan, krate: &TokenStream) -> TokenStream {
    let g = Gen {
        plan,
        krate,
        action_idents: plan.actions.iter().map(|a| ident(&a.ident)).collect(),
    };
    let actions = actions::generate(&g);
    let products = products::products(&g);
    let models = products::models(&g);
    let targets = targets::generate(&g);
    let policies = policies::generate(&g);
    quote! {
        #actions
        #products
        #models
        #targets
        #policies
    }
}
