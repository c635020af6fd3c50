//! The data behind `Policy::SPEC`, `ProductType::spec` and `DeploymentTarget::spec` (statics of a hidden module),
//! and the marker type of each product type and pricing model with its grants.

use marketplace_iam_model::catalog;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::shared::{Gen, ident};
use crate::plan::marker_path;

fn option_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    }
}

pub(crate) fn generate(g: &Gen<'_>) -> TokenStream {
    let krate = g.krate;
    let plan = g.plan;

    let targets = plan.targets.iter().enumerate().map(|(i, t)| {
        let name = ident(&format!("TARGET_{i}"));
        let (id, tname, signer, trust, ip) = (&t.id, &t.name, &t.signer, &t.trust, t.instance_profile);
        let parameters = t.parameters.iter().map(|p| ident(p));
        let serves = t.serves.iter().map(|&p| &plan.products[p].id);
        quote! {
            pub static #name: #krate::TargetSpec = #krate::TargetSpec::__new(
                #id, #tname, #signer, #trust, &[#(#krate::Parameter::#parameters),*], #ip, &[#(#serves),*],
            );
        }
    });
    let targets_of = plan.products.iter().enumerate().map(|(pi, _)| {
        let name = ident(&format!("TARGETS_OF_PRODUCT_{pi}"));
        let of: Vec<_> = plan
            .targets
            .iter()
            .enumerate()
            .filter(|(_, t)| t.serves.contains(&pi))
            .map(|(i, _)| ident(&format!("TARGET_{i}")))
            .collect();
        let n = of.len();
        quote!(pub static #name: [&#krate::TargetSpec; #n] = [#(&#of),*];)
    });
    // A policy's action names, read at compile time from its `actions()` (one static array each).
    let action_names = |name: &str, n: usize, of: TokenStream| {
        let array = ident(&format!("ACTIONS_OF_{name}"));
        let names =
            quote!(pub static #array: [&str; #n] = super::__action_names::<#n>(#of.actions()););
        (names, quote!(&#array))
    };
    let products = plan.products.iter().enumerate().map(|(pi, p)| {
        let name = ident(&format!("PRODUCT_{pi}"));
        let targets = ident(&format!("TARGETS_OF_PRODUCT_{pi}"));
        let (id, pname, json) = (&p.id, &p.name, &p.json);
        let variant = ident(&p.ident);
        let (names, actions) = action_names(
            &format!("PRODUCT_{pi}"),
            p.actions.len(),
            quote!(super::ProductType::#variant),
        );
        quote! {
            #names
            pub static #name: #krate::PolicySpec = #krate::PolicySpec::__new(
                #id, #pname, #id, #pname, ::core::option::Option::None, #actions,
                ::core::option::Option::Some(#json), ::core::option::Option::None, &#targets,
            );
        }
    });
    let models = plan.models.iter().enumerate().map(|(mi, m)| {
        let name = ident(&format!("MODEL_{mi}"));
        let targets = ident(&format!("TARGETS_OF_PRODUCT_{}", m.product));
        let (id, mname, model_id) = (&m.id, &m.name, &m.model_id);
        let product = &plan.products[m.product];
        let (product_id, product_name) = (&product.id, &product.name);
        let variant = ident(&m.ident);
        let (names, actions) =
            action_names(&format!("MODEL_{mi}"), m.actions.len(), quote!(super::PricingModel::#variant));
        let json = option_str(m.json.as_deref());
        let no_policy = option_str(m.no_policy.as_deref());
        quote! {
            #names
            pub static #name: #krate::PolicySpec = #krate::PolicySpec::__new(
                #id, #mname, #product_id, #product_name, ::core::option::Option::Some(#model_id), #actions, #json,
                #no_policy, &#targets,
            );
        }
    });
    let placeholders = (!plan.valid).then(|| {
        quote! {
            pub static PLACEHOLDER: #krate::PolicySpec = #krate::PolicySpec::__new(
                "", "", "", "", ::core::option::Option::None, &[], ::core::option::Option::None,
                ::core::option::Option::None, &[],
            );
            pub static PLACEHOLDER_TARGET: #krate::TargetSpec =
                #krate::TargetSpec::__new("", "", "", "", &[], false, &[]);
        }
    });

    let product_markers = plan.products.iter().enumerate().map(|(pi, p)| {
        let doc = format!(
            "Marker type of the {} product type's policy (`docs/policies/{}.json`), for bounds such as `P: Grants<A>`.",
            p.name, p.id
        );
        let spec = if plan.valid { format!("PRODUCT_{pi}") } else { "PLACEHOLDER".to_owned() };
        marker(g, &p.ident, &doc, &spec, &p.actions)
    });
    let model_markers = plan.models.iter().enumerate().map(|(mi, m)| {
        let doc = format!(
            "Marker type of the pricing model {} (`{}`), for bounds such as `P: Grants<A>`.",
            m.name, m.id
        );
        let spec = if plan.valid {
            format!("MODEL_{mi}")
        } else {
            "PLACEHOLDER".to_owned()
        };
        marker(g, &m.ident, &doc, &spec, &m.actions)
    });

    quote! {
        /// The data of the policies and deployment targets of this expansion of `policies!`, as the runtime crate's
        /// vocabulary; reached through `Policy::SPEC`, `ProductType::spec` and `DeploymentTarget::spec`.
        #[doc(hidden)]
        pub mod __policies_toml {
            #(#targets)*
            #(#targets_of)*
            #(#products)*
            #(#models)*
            #placeholders
        }

        #(#product_markers)*
        #(#model_markers)*
    }
}

/// A product type's or pricing model's marker type, its `Policy` impl and its grants. After an error every grant
/// holds, so bounds in the user's code add no errors to the real one.
fn marker(g: &Gen<'_>, name: &str, doc: &str, spec: &str, actions: &[usize]) -> TokenStream {
    let krate = g.krate;
    let ty = ident(name);
    let spec = ident(spec);
    let granted: Vec<TokenStream> = if g.plan.valid {
        actions
            .iter()
            .map(|&a| g.action_idents[a].to_token_stream())
            .collect()
    } else {
        catalog::all()
            .iter()
            .filter_map(|a| marker_path(a.name))
            .map(|(module, marker)| {
                let (module, marker) = (ident(&module), ident(&marker));
                quote!(#krate::actions::#module::#marker)
            })
            .chain([quote!(#krate::__private::UnknownAction)])
            .collect()
    };
    quote! {
        #krate::__policy_marker!(#doc #ty #spec);
        #krate::__grants!(#ty: #(#granted),*);
    }
}
