//! The generated items, as tokens: data only. For each kind of item, one function writes the rows of its data
//! (a few tokens per action, product type, pricing model or target) as the argument of the runtime crate's macro for
//! that kind (`__actions!`, `__product_types!`, ...), which holds the code; the statics behind the specs and the
//! grants are written here.

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
