//! The data behind `Policy::SPEC`, `ProductType::spec` and `DeploymentTarget::spec` (rows of the runtime crate's
//! `__specs!`, which writes them as statics of a hidden module), and the marker type of each product type and
//! pricing model with its grants.

use marketplace_iam_model::catalog;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::shared::{Gen, ident};
use crate::plan::marker_path;

pub(crate) fn generate(g: &Gen<'_>) -> TokenStream {
    let krate = g.krate;
    let plan = g.plan;

    let targets = plan.targets.iter().enumerate().map(|(i, t)| {
        let name = ident(&format!("TARGET_{i}"));
        let (id, tname, signer, trust, ip) =
            (&t.id, &t.name, &t.signer, &t.trust, t.instance_profile);
        let parameters = t.parameters.iter().map(|p| ident(p));
        let serves = t.serves.iter().map(|&p| &plan.products[p].id);
        quote!(#name #id #tname #signer #trust [#(#parameters)*] #ip [#(#serves)*];)
    });
    let targets_of = |name: String, of: &[usize]| {
        let name = ident(&name);
        let of = of.iter().map(|i| ident(&format!("TARGET_{i}")));
        quote!(#name [#(#of)*];)
    };
    let targets_of = plan
        .products
        .iter()
        .enumerate()
        .map(|(pi, p)| targets_of(format!("TARGETS_OF_PRODUCT_{pi}"), &p.targets))
        .chain(
            plan.models
                .iter()
                .enumerate()
                .map(|(mi, m)| targets_of(format!("TARGETS_OF_MODEL_{mi}"), &m.targets)),
        )
        .chain(
            plan.consumers
                .iter()
                .enumerate()
                .map(|(ci, c)| targets_of(format!("TARGETS_OF_CONSUMER_{ci}"), &c.targets)),
        );
    let products = plan.products.iter().enumerate().map(|(pi, p)| {
        let (name, names) = (
            ident(&format!("PRODUCT_{pi}")),
            ident(&format!("ACTIONS_OF_PRODUCT_{pi}")),
        );
        let targets = ident(&format!("TARGETS_OF_PRODUCT_{pi}"));
        let (n, variant, id, pname, json) =
            (p.actions.len(), ident(&p.ident), &p.id, &p.name, &p.json);
        quote!(#name #names #n #variant #id #pname #json #targets;)
    });
    let models = plan.models.iter().enumerate().map(|(mi, m)| {
        let (name, names) = (ident(&format!("MODEL_{mi}")), ident(&format!("ACTIONS_OF_MODEL_{mi}")));
        let targets = ident(&format!("TARGETS_OF_MODEL_{mi}"));
        let (n, variant, id, mname, model_id) = (m.actions.len(), ident(&m.ident), &m.id, &m.name, &m.model_id);
        let product = &plan.products[m.product];
        let (product_id, product_name) = (&product.id, &product.name);
        let (json, no_policy) = (m.json.iter(), m.no_policy.iter());
        quote!(#name #names #n #variant #id #mname #product_id #product_name #model_id [#(#json)*] [#(#no_policy)*] #targets;)
    });
    let consumers = plan.consumers.iter().enumerate().map(|(ci, c)| {
        let (name, names) = (
            ident(&format!("CONSUMER_{ci}")),
            ident(&format!("ACTIONS_OF_CONSUMER_{ci}")),
        );
        let targets = ident(&format!("TARGETS_OF_CONSUMER_{ci}"));
        let product = &plan.products[c.product];
        let (id, cname, product_id, product_name, json) =
            (&c.id, &c.name, &product.id, &product.name, &c.json);
        let actions = c.actions.iter().map(|&a| &plan.actions[a].name);
        quote!(#name #names #id #cname #product_id #product_name #json [#(#actions)*] #targets;)
    });
    let placeholders = (!plan.valid).then(|| quote!(placeholders));

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

    let consumer_markers = plan.consumers.iter().enumerate().map(|(ci, c)| {
        let doc = format!(
            "Marker type of the {}: the policy of the role that polls the notification queue, for bounds such as \
             `P: Grants<ReceiveMessage>`.",
            c.name
        );
        marker(g, &c.ident, &doc, &format!("CONSUMER_{ci}"), &c.actions)
    });

    quote! {
        #krate::__specs! {
            targets { #(#targets)* }
            targets_of { #(#targets_of)* }
            products { #(#products)* }
            models { #(#models)* }
            consumers { #(#consumers)* }
            #placeholders
        }
        #(#product_markers)*
        #(#model_markers)*
        #(#consumer_markers)*
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
