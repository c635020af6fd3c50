//! The data behind `Policy` and `DeploymentTarget::spec` (statics of a hidden module), the marker type of each
//! product type and pricing model, and their grants.

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
    // The IAM names of a policy's actions, one static array each, read at compile time from its `actions()`.
    let mut names = TokenStream::new();
    let mut action_names = |name: &str, n: usize, actions: TokenStream| {
        let array = ident(&format!("ACTIONS_OF_{name}"));
        names.extend(quote! {
            pub static #array: [&str; #n] = super::__action_names_from_policies_toml::<#n>(#actions.actions());
        });
        quote!(&#array)
    };
    let products = plan.products.iter().enumerate().map(|(pi, p)| {
        let name = ident(&format!("PRODUCT_{pi}"));
        let targets = ident(&format!("TARGETS_OF_PRODUCT_{pi}"));
        let (id, pname, json) = (&p.id, &p.name, &p.json);
        let variant = ident(&p.ident);
        let actions = action_names(
            &format!("PRODUCT_{pi}"),
            p.actions.len(),
            quote!(super::ProductType::#variant),
        );
        quote! {
            pub static #name: #krate::PolicySpec = #krate::PolicySpec::__new(
                #id, #pname, #id, #pname, ::core::option::Option::None, #actions,
                ::core::option::Option::Some(#json), ::core::option::Option::None, &#targets,
            );
        }
    });
    let products: Vec<TokenStream> = products.collect();
    let models: Vec<TokenStream> = plan.models.iter().enumerate().map(|(mi, m)| {
        let name = ident(&format!("MODEL_{mi}"));
        let targets = ident(&format!("TARGETS_OF_PRODUCT_{}", m.product));
        let (id, mname, model_id) = (&m.id, &m.name, &m.model_id);
        let (product_id, product_name) = (&plan.products[m.product].id, &plan.products[m.product].name);
        let variant = ident(&m.ident);
        let actions = action_names(&format!("MODEL_{mi}"), m.actions.len(), quote!(super::PricingModel::#variant));
        let json = option_str(m.json.as_deref());
        let no_policy = option_str(m.no_policy.as_deref());
        quote! {
            pub static #name: #krate::PolicySpec = #krate::PolicySpec::__new(
                #id, #mname, #product_id, #product_name, ::core::option::Option::Some(#model_id), #actions, #json,
                #no_policy,
                &#targets,
            );
        }
    }).collect();
    let placeholders = if plan.valid {
        TokenStream::new()
    } else {
        quote! {
            pub static PLACEHOLDER: #krate::PolicySpec = #krate::PolicySpec::__new(
                "", "", "", "", ::core::option::Option::None, &[], ::core::option::Option::None,
                ::core::option::Option::None, &[],
            );
            pub static PLACEHOLDER_TARGET: #krate::TargetSpec =
                #krate::TargetSpec::__new("", "", "", "", &[], false, &[]);
        }
    };

    let product_markers = plan.products.iter().enumerate().map(|(pi, p)| {
        let doc = format!(
            "Marker type of the {} product type's policy (`docs/policies/{}.json`), for bounds such as `P: Grants<A>`.",
            p.name, p.id
        );
        let spec = if plan.valid { ident(&format!("PRODUCT_{pi}")) } else { ident("PLACEHOLDER") };
        marker(g, &p.ident, &doc, &spec, &p.actions)
    });
    let model_markers = plan.models.iter().enumerate().map(|(mi, m)| {
        let doc = format!(
            "Marker type of the pricing model {} (`{}`), for bounds such as `P: Grants<A>`.",
            m.name, m.id
        );
        let spec = if plan.valid {
            ident(&format!("MODEL_{mi}"))
        } else {
            ident("PLACEHOLDER")
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
            #names
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
fn marker(
    g: &Gen<'_>,
    name: &str,
    doc: &str,
    spec: &proc_macro2::Ident,
    actions: &[usize],
) -> TokenStream {
    let krate = g.krate;
    let ty = ident(name);
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
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct #ty;

        impl #krate::__private::Sealed for #ty {}

        impl #krate::Policy for #ty {
            const SPEC: &'static #krate::PolicySpec = &__policies_toml::#spec;
        }

        __grants_from_policies_toml!(#ty: #(#granted),*);
    }
}
