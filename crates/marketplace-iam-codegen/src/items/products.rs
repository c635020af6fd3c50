//! `ProductType` and `PricingModel`: the product types of policies.toml and their pricing models, with the policy
//! of each.

use proc_macro2::TokenStream;
use quote::quote;

use super::shared::{Gen, by_id, ident, table, variant_list, variant_slice};

/// `&[Action::A, ...]`, through the `__action_list_from_policies_toml!` table (one token per action).
fn action_slice(g: &Gen<'_>, indices: &[usize]) -> TokenStream {
    let actions = indices.iter().map(|&i| &g.action_idents[i]);
    quote!(__action_list_from_policies_toml!(#(#actions)*))
}

pub(crate) fn products(g: &Gen<'_>) -> TokenStream {
    let krate = g.krate;
    let plan = g.plan;
    let products = &plan.products;
    let first = |f: &dyn Fn(&crate::plan::ProductPlan) -> String| {
        products.first().map(f).unwrap_or_default()
    };
    let enum_doc = g.doc(
        "A product type of policies.toml, with the policy AWS documents for it.",
        || {
            first(&|p| {
                format!(
                    "use marketplace_iam::ProductType;\n\n\
                 let product: ProductType = \"{}\".parse().unwrap();\n\
                 assert_eq!(product, ProductType::{});\n\
                 assert!(product.policy_json().contains(\"\\\"Effect\\\": \\\"Allow\\\"\"));",
                    p.id, p.ident
                )
            })
        },
    );
    let variants = products.iter().map(|p| {
        let doc = format!("{} products (`{}`).", p.name, p.id);
        let v = ident(&p.ident);
        quote!(#[doc = #doc] #v,)
    });
    let placeholder = g.placeholder_variant();
    let empty_str = g.placeholder_row(quote!(""));
    let empty_slice = g.placeholder_row(quote!(&[]));
    let str_rows = |f: &dyn Fn(&crate::plan::ProductPlan) -> &str| -> Vec<TokenStream> {
        products
            .iter()
            .map(|p| {
                let s = f(p);
                quote!(#s)
            })
            .collect()
    };
    let id = table(
        g.doc(
            "The product's id (`saas`): its published policy is `docs/policies/<id>.json`.",
            || {
                first(&|p| {
                    format!(
                        "assert_eq!(marketplace_iam::ProductType::{}.id(), \"{}\");",
                        p.ident, p.id
                    )
                })
            },
        ),
        "id",
        quote!(&'static str),
        str_rows(&|p| &p.id),
        empty_str.clone(),
    );
    let name = table(
        g.doc("The product type's display name (`SaaS`).", || {
            first(&|p| {
                format!(
                    "assert_eq!(marketplace_iam::ProductType::{}.name(), \"{}\");",
                    p.ident, p.name
                )
            })
        }),
        "name",
        quote!(&'static str),
        str_rows(&|p| &p.name),
        empty_str.clone(),
    );
    let actions = table(
        g.doc("The actions of the product's policy, in the order the policy lists them.", || {
            first(&|p| {
                format!(
                    "use marketplace_iam::{{Action, ProductType}};\nassert_eq!(ProductType::{}.actions(), &[{}]);",
                    p.ident,
                    variant_list("Action", &p.actions, |i| plan.actions[i].ident.clone())
                )
            })
        }),
        "actions",
        quote!(&'static [Action]),
        products.iter().map(|p| action_slice(g, &p.actions)).collect(),
        empty_slice.clone(),
    );
    let policy_json_doc = g.doc(
        "The product's IAM policy document, byte for byte the published `docs/policies/<id>.json`.",
        || {
            first(&|p| {
                format!(
                    "let json = marketplace_iam::ProductType::{}.policy_json();\n\
                     assert!(json.starts_with(\"{{\\n    \\\"Version\\\": \\\"2012-10-17\\\"\"));",
                    p.ident
                )
            })
        },
    );
    let pricing_models = table(
        g.doc("The product's pricing models, in the order policies.toml declares them.", || {
            first(&|p| {
                format!(
                    "use marketplace_iam::{{PricingModel, ProductType}};\nassert_eq!(ProductType::{}.pricing_models(), &[{}]);",
                    p.ident,
                    variant_list("PricingModel", &p.models, |i| plan.models[i].ident.clone())
                )
            })
        }),
        "pricing_models",
        quote!(&'static [PricingModel]),
        products
            .iter()
            .map(|p| variant_slice("PricingModel", &p.models, |i| plan.models[i].ident.clone()))
            .collect(),
        empty_slice,
    );
    let spec = spec_fn(
        g,
        "ProductType",
        products.iter().map(|p| p.ident.clone()),
        |i| format!("PRODUCT_{i}"),
    );
    let grants_doc = g.doc("Whether the product's policy grants `action`.", || {
        first(&|p| match p.actions.first() {
            Some(&a) => format!(
                "use marketplace_iam::{{Action, ProductType}};\nassert!(ProductType::{}.grants(Action::{}));",
                p.ident, plan.actions[a].ident
            ),
            None => String::new(),
        })
    });
    let all_doc = g.doc(
        "Every product type, in the order policies.toml declares them.",
        || {
            format!(
                "assert_eq!(marketplace_iam::ProductType::ALL.len(), {});",
                products.len()
            )
        },
    );
    let by_id = by_id(
        g,
        "ProductType",
        &products.iter().map(|p| p.ident.clone()).collect::<Vec<_>>(),
        "ProductType",
        "the product's id (`saas`)",
        all_doc,
    );
    quote! {
        #enum_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ProductType {
            #(#variants)*
            #placeholder
        }

        impl ProductType {
            #id
            #name
            #actions
            #policy_json_doc
            pub const fn policy_json(self) -> &'static str {
                match self.spec().policy_json() {
                    ::core::option::Option::Some(json) => json,
                    ::core::option::Option::None => "",
                }
            }
            #pricing_models
            #spec
            #grants_doc
            pub const fn grants(self, action: Action) -> bool {
                let actions = self.actions();
                let mut i = 0;
                while i < actions.len() {
                    if actions[i] as usize == action as usize {
                        return true;
                    }
                    i += 1;
                }
                false
            }
        }

        #by_id

        impl ::core::convert::From<ProductType> for &'static #krate::PolicySpec {
            fn from(product: ProductType) -> Self {
                product.spec()
            }
        }
    }
}

/// `spec()`: the policy's data, a static of the hidden `__policies_toml` module.
fn spec_fn(
    g: &Gen<'_>,
    ty: &str,
    variants: impl Iterator<Item = String>,
    name: impl Fn(usize) -> String,
) -> TokenStream {
    let krate = g.krate;
    let ty = ident(ty);
    let arms = variants.enumerate().map(|(i, v)| {
        let v = ident(&v);
        let s = ident(&name(i));
        quote!(#ty::#v => &__policies_toml::#s,)
    });
    let placeholder = if g.plan.valid {
        TokenStream::new()
    } else {
        quote!(#ty::__PoliciesTomlHasErrors => &__policies_toml::PLACEHOLDER,)
    };
    quote! {
        /// Everything policies.toml says about this policy, as the runtime crate's vocabulary: what a role is built
        /// from.
        pub const fn spec(self) -> &'static #krate::PolicySpec {
            match self {
                #(#arms)*
                #placeholder
            }
        }
    }
}

pub(crate) fn models(g: &Gen<'_>) -> TokenStream {
    let krate = g.krate;
    let plan = g.plan;
    let models = &plan.models;
    let m0 = models.iter().find(|m| m.json.is_some());
    let first = |f: &dyn Fn(&crate::plan::ModelPlan) -> String| m0.map(f).unwrap_or_default();
    let enum_doc = g.doc(
        "A pricing model of a product type, with the least-privilege set of actions it calls.",
        || {
            first(&|m| {
                format!(
                    "use marketplace_iam::PricingModel;\n\n\
                     let model: PricingModel = \"{}\".parse().unwrap();\n\
                     assert_eq!(model, PricingModel::{});\n\
                     assert!(model.policy_json().is_some());",
                    m.id, m.ident
                )
            })
        },
    );
    let variants = models.iter().map(|m| {
        let doc = format!("{} (`{}`): {}", m.name, m.id, m.description);
        let v = ident(&m.ident);
        quote!(#[doc = #doc] #v,)
    });
    let placeholder = g.placeholder_variant();
    let empty_str = g.placeholder_row(quote!(""));
    let str_rows = |f: &dyn Fn(&crate::plan::ModelPlan) -> &str| -> Vec<TokenStream> {
        models
            .iter()
            .map(|m| {
                let s = f(m);
                quote!(#s)
            })
            .collect()
    };
    let id = table(
        g.doc(
            "`<product>/<model>`, e.g. `saas/subscriptions`; its published policy is `docs/policies/<product>-<model>.json`.",
            || first(&|m| format!("assert_eq!(marketplace_iam::PricingModel::{}.id(), \"{}\");", m.ident, m.id)),
        ),
        "id",
        quote!(&'static str),
        str_rows(&|m| &m.id),
        empty_str.clone(),
    );
    let name = table(
        g.doc(
            "Display name, product first (`SaaS Subscriptions`).",
            || {
                first(&|m| {
                    format!(
                        "assert_eq!(marketplace_iam::PricingModel::{}.name(), \"{}\");",
                        m.ident, m.name
                    )
                })
            },
        ),
        "name",
        quote!(&'static str),
        str_rows(&|m| &m.name),
        empty_str,
    );
    let product = table(
        g.doc("The product type the model belongs to.", || {
            first(&|m| {
                format!(
                    "use marketplace_iam::{{PricingModel, ProductType}};\nassert_eq!(PricingModel::{}.product(), ProductType::{});",
                    m.ident, plan.products[m.product].ident
                )
            })
        }),
        "product",
        quote!(ProductType),
        models
            .iter()
            .map(|m| {
                let p = ident(&plan.products[m.product].ident);
                quote!(ProductType::#p)
            })
            .collect(),
        g.placeholder_row(quote!(ProductType::__PoliciesTomlHasErrors)),
    );
    let actions = table(
        g.doc("The least-privilege actions the model calls; empty when it makes no call.", || {
            first(&|m| {
                format!(
                    "use marketplace_iam::{{Action, PricingModel}};\nassert_eq!(PricingModel::{}.actions(), &[{}]);",
                    m.ident,
                    variant_list("Action", &m.actions, |i| plan.actions[i].ident.clone())
                )
            })
        }),
        "actions",
        quote!(&'static [Action]),
        models.iter().map(|m| action_slice(g, &m.actions)).collect(),
        g.placeholder_row(quote!(&[])),
    );
    let no_policy = models.iter().find(|m| m.no_policy.is_some());
    let policy_json_doc = g.doc(
        "The model's IAM policy document, byte for byte the published file; `None` when the model makes no call and \
         needs no policy (see [`no_policy_reason`](Self::no_policy_reason)).",
        || {
            first(&|m| {
                format!(
                    "let json = marketplace_iam::PricingModel::{}.policy_json().unwrap();\n\
                     assert!(json.contains(\"\\\"Effect\\\": \\\"Allow\\\"\"));",
                    m.ident
                )
            })
        },
    );
    let no_policy_doc = g.doc("Why the model needs no policy, for the models that make no call.", || {
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
    });
    let spec = spec_fn(
        g,
        "PricingModel",
        models.iter().map(|m| m.ident.clone()),
        |i| format!("MODEL_{i}"),
    );
    let all_doc = g.doc(
        "Every pricing model of every product, in the order policies.toml declares them.",
        || {
            format!(
                "assert_eq!(marketplace_iam::PricingModel::ALL.len(), {});",
                models.len()
            )
        },
    );
    let by_id = by_id(
        g,
        "PricingModel",
        &models.iter().map(|m| m.ident.clone()).collect::<Vec<_>>(),
        "PricingModel",
        "`<product>/<model>` (`saas/subscriptions`)",
        all_doc,
    );
    quote! {
        #enum_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum PricingModel {
            #(#variants)*
            #placeholder
        }

        impl PricingModel {
            #id
            #name
            #product
            #actions
            #policy_json_doc
            pub const fn policy_json(self) -> ::core::option::Option<&'static str> {
                self.spec().policy_json()
            }
            #no_policy_doc
            pub const fn no_policy_reason(self) -> ::core::option::Option<&'static str> {
                self.spec().no_policy_reason()
            }
            #spec
        }

        #by_id

        impl ::core::convert::From<PricingModel> for &'static #krate::PolicySpec {
            fn from(model: PricingModel) -> Self {
                model.spec()
            }
        }
    }
}
