//! `ProductType` and `PricingModel`: a row per product type and per pricing model for the runtime crate's
//! `__product_types!` and `__pricing_models!`.

use proc_macro2::TokenStream;
use quote::quote;

use super::shared::{Gen, PLACEHOLDER, ident, variant_list};
use crate::plan::{ModelPlan, ProductPlan};

pub(crate) fn products(g: &Gen<'_>) -> TokenStream {
    let krate = g.krate;
    let plan = g.plan;
    let products = &plan.products;
    let first = |f: &dyn Fn(&ProductPlan) -> String| products.first().map(f).unwrap_or_default();
    let examples = g.examples(&[
        ("enum", &|| {
            first(&|p| {
                format!(
                    "use marketplace_iam::ProductType;\n\n\
                     let product: ProductType = \"{}\".parse().unwrap();\n\
                     assert_eq!(product, ProductType::{});\n\
                     assert!(product.policy_json().contains(\"\\\"Effect\\\": \\\"Allow\\\"\"));",
                    p.id, p.ident
                )
            })
        }),
        ("all", &|| format!("assert_eq!(marketplace_iam::ProductType::ALL.len(), {});", products.len())),
        ("id", &|| first(&|p| format!("assert_eq!(marketplace_iam::ProductType::{}.id(), \"{}\");", p.ident, p.id))),
        ("name", &|| {
            first(&|p| format!("assert_eq!(marketplace_iam::ProductType::{}.name(), \"{}\");", p.ident, p.name))
        }),
        ("actions", &|| {
            first(&|p| {
                format!(
                    "use marketplace_iam::{{Action, ProductType}};\nassert_eq!(ProductType::{}.actions(), &[{}]);",
                    p.ident,
                    variant_list("Action", &p.actions, |i| plan.actions[i].ident.clone())
                )
            })
        }),
        ("policy_json", &|| {
            first(&|p| {
                format!(
                    "let json = marketplace_iam::ProductType::{}.policy_json();\n\
                     assert!(json.starts_with(\"{{\\n    \\\"Version\\\": \\\"2012-10-17\\\"\"));",
                    p.ident
                )
            })
        }),
        ("pricing_models", &|| {
            first(&|p| {
                format!(
                    "use marketplace_iam::{{PricingModel, ProductType}};\n\
                     assert_eq!(ProductType::{}.pricing_models(), &[{}]);",
                    p.ident,
                    variant_list("PricingModel", &p.models, |i| plan.models[i].ident.clone())
                )
            })
        }),
        ("grants", &|| {
            first(&|p| match p.actions.first() {
                Some(&a) => format!(
                    "use marketplace_iam::{{Action, ProductType}};\nassert!(ProductType::{}.grants(Action::{}));",
                    p.ident, plan.actions[a].ident
                ),
                None => String::new(),
            })
        }),
    ]);
    let rows = products.iter().enumerate().map(|(pi, p)| {
        let (variant, id, name) = (ident(&p.ident), &p.id, &p.name);
        let actions = g.action_list(&p.actions);
        let models = p.models.iter().map(|&m| ident(&plan.models[m].ident));
        let spec = ident(&format!("PRODUCT_{pi}"));
        quote!(#variant #id #name #actions [#(#models)*] #spec;)
    });
    let placeholder = (!plan.valid).then(|| {
        let variant = ident(PLACEHOLDER);
        quote!(#variant "" "" [] [] PLACEHOLDER;)
    });
    quote!(#krate::__product_types! { #examples rows { #(#rows)* #placeholder } })
}

pub(crate) fn models(g: &Gen<'_>) -> TokenStream {
    let krate = g.krate;
    let plan = g.plan;
    let models = &plan.models;
    let m0 = models.iter().find(|m| m.json.is_some());
    let no_policy = models.iter().find(|m| m.no_policy.is_some());
    let first = |f: &dyn Fn(&ModelPlan) -> String| m0.map(f).unwrap_or_default();
    let examples = g.examples(&[
        ("enum", &|| {
            first(&|m| {
                format!(
                    "use marketplace_iam::PricingModel;\n\n\
                     let model: PricingModel = \"{}\".parse().unwrap();\n\
                     assert_eq!(model, PricingModel::{});\n\
                     assert!(model.policy_json().is_some());",
                    m.id, m.ident
                )
            })
        }),
        ("all", &|| format!("assert_eq!(marketplace_iam::PricingModel::ALL.len(), {});", models.len())),
        ("id", &|| first(&|m| format!("assert_eq!(marketplace_iam::PricingModel::{}.id(), \"{}\");", m.ident, m.id))),
        ("name", &|| {
            first(&|m| format!("assert_eq!(marketplace_iam::PricingModel::{}.name(), \"{}\");", m.ident, m.name))
        }),
        ("product", &|| {
            first(&|m| {
                format!(
                    "use marketplace_iam::{{PricingModel, ProductType}};\n\
                     assert_eq!(PricingModel::{}.product(), ProductType::{});",
                    m.ident, plan.products[m.product].ident
                )
            })
        }),
        ("actions", &|| {
            first(&|m| {
                format!(
                    "use marketplace_iam::{{Action, PricingModel}};\nassert_eq!(PricingModel::{}.actions(), &[{}]);",
                    m.ident,
                    variant_list("Action", &m.actions, |i| plan.actions[i].ident.clone())
                )
            })
        }),
        ("policy_json", &|| {
            first(&|m| {
                format!(
                    "let json = marketplace_iam::PricingModel::{}.policy_json().unwrap();\n\
                     assert!(json.contains(\"\\\"Effect\\\": \\\"Allow\\\"\"));",
                    m.ident
                )
            })
        }),
        ("no_policy_reason", &|| {
            let with = first(&|m| {
                format!("assert_eq!(marketplace_iam::PricingModel::{}.no_policy_reason(), None);", m.ident)
            });
            match no_policy {
                Some(n) => format!(
                    "{with}\nassert!(marketplace_iam::PricingModel::{}.no_policy_reason().is_some());",
                    n.ident
                ),
                None => with,
            }
        }),
    ]);
    let rows = models.iter().enumerate().map(|(mi, m)| {
        let (variant, id, name, description) = (ident(&m.ident), &m.id, &m.name, &m.description);
        let product = ident(&plan.products[m.product].ident);
        let actions = g.action_list(&m.actions);
        let spec = ident(&format!("MODEL_{mi}"));
        quote!(#variant #id #name #description #product #actions #spec;)
    });
    let placeholder = (!plan.valid).then(|| {
        let variant = ident(PLACEHOLDER);
        quote!(#variant "" "" "" #variant [] PLACEHOLDER;)
    });
    quote!(#krate::__pricing_models! { #examples rows { #(#rows)* #placeholder } })
}
