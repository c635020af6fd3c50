//! The generated code, as tokens: the engine's validated model (or, after an error, the names it could salvage) →
//! Rust items.
//!
//! Per-item data goes into static tables indexed by the enum discriminant rather than into one `match` arm per
//! variant, so that a file with thousands of actions still compiles quickly.
//!
//! This module depends only on the engine, `proc-macro2` and `quote`, so the expansion benchmark
//! (`cargo xtask bench-expand`) compiles it as it is.

use marketplace_iam_model::{Policies, Requirement, Salvaged, screaming_snake};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// What is generated, independent of whether it came from a valid file.
pub(crate) struct Plan {
    actions: Vec<ActionPlan>,
    products: Vec<ProductPlan>,
    models: Vec<ModelPlan>,
    targets: Vec<TargetPlan>,
    /// `false` for placeholder items emitted after an error.
    valid: bool,
    /// Whether to put runnable examples in the docs (only for the `marketplace-iam` crate itself, where the paths in
    /// the examples are right).
    examples: bool,
}

struct TargetPlan {
    ident: String,
    id: String,
    name: String,
    signer: String,
    trust: String,
    parameters: Vec<&'static str>,
    instance_profile: bool,
    /// Indices of the products it serves.
    serves: Vec<usize>,
}

struct ActionPlan {
    ident: String,
    name: String,
    purpose: String,
    service: String,
    access_level: String,
}

struct ProductPlan {
    ident: String,
    id: String,
    name: String,
    actions: Vec<usize>,
    json: String,
    models: Vec<usize>,
}

struct ModelPlan {
    ident: String,
    id: String,
    name: String,
    description: String,
    product: usize,
    actions: Vec<usize>,
    json: Option<String>,
    no_policy: Option<String>,
}

/// Placeholder items after an error: the names the file declares, with no data, and every grant holding.
pub(crate) fn skeleton(salvaged: Salvaged) -> Plan {
    let mut plan = Plan {
        actions: salvaged
            .actions
            .into_iter()
            .map(|ident| ActionPlan {
                ident,
                name: String::new(),
                purpose: String::new(),
                service: String::new(),
                access_level: String::new(),
            })
            .collect(),
        products: Vec::new(),
        models: Vec::new(),
        targets: Vec::new(),
        valid: false,
        examples: false,
    };
    for (p, (ident, models)) in salvaged.products.into_iter().enumerate() {
        let first = plan.models.len();
        for m in models {
            plan.models.push(ModelPlan {
                ident: m,
                id: String::new(),
                name: String::new(),
                description: String::new(),
                product: p,
                actions: Vec::new(),
                json: None,
                no_policy: None,
            });
        }
        plan.products.push(ProductPlan {
            ident,
            id: String::new(),
            name: String::new(),
            actions: Vec::new(),
            json: String::new(),
            models: (first..plan.models.len()).collect(),
        });
    }
    plan
}

/// The plan for a valid file; `examples` adds runnable examples to the docs.
pub(crate) fn plan(p: &Policies, examples: bool) -> Plan {
    let mut models = Vec::new();
    let mut products = Vec::new();
    for (pi, product) in p.products.iter().enumerate() {
        let first = models.len();
        for m in &product.pricing_models {
            models.push(ModelPlan {
                ident: m.type_name(product),
                id: format!("{}/{}", product.id, m.id),
                name: format!("{} {}", product.name, m.name),
                description: m.description.clone(),
                product: pi,
                actions: m.actions().iter().map(|a| a.0).collect(),
                json: None,
                no_policy: match &m.requirement {
                    Requirement::Actions(_) => None,
                    Requirement::NoPolicy { reason } => Some(reason.clone()),
                },
            });
        }
        products.push(ProductPlan {
            ident: product.type_name(),
            id: product.id.clone(),
            name: product.name.clone(),
            actions: product.actions.iter().map(|a| a.0).collect(),
            json: String::new(),
            models: (first..models.len()).collect(),
        });
    }
    // The JSON comes from the engine's documents: the very function `cargo xtask gen-docs` publishes with.
    for doc in p.documents() {
        let pi = p
            .products
            .iter()
            .position(|x| x.id == doc.product.id)
            .unwrap_or_default();
        match doc.pricing_model {
            None => products[pi].json = doc.json(),
            Some(m) => {
                let mi = products[pi].models[doc
                    .product
                    .pricing_models
                    .iter()
                    .position(|x| x.id == m.id)
                    .unwrap_or_default()];
                models[mi].json = Some(doc.json());
            }
        }
    }
    Plan {
        actions: p
            .actions
            .iter()
            .map(|a| ActionPlan {
                ident: a.id.clone(),
                name: a.name.clone(),
                purpose: a.purpose.clone(),
                service: a.service.catalog_name().to_owned(),
                access_level: a.access_level.as_str().to_owned(),
            })
            .collect(),
        targets: p
            .targets
            .iter()
            .map(|t| TargetPlan {
                ident: t.type_name(),
                id: t.id.clone(),
                name: t.name.clone(),
                signer: t.signer.clone(),
                trust: t.trust.render(),
                parameters: t.trust.parameters().iter().map(|p| p.name()).collect(),
                instance_profile: t.instance_profile,
                serves: t
                    .serves
                    .iter()
                    .filter_map(|id| p.products.iter().position(|x| &x.id == id))
                    .collect(),
            })
            .collect(),
        products,
        models,
        valid: true,
        examples,
    }
}

/// `#[doc = "..."]` lines; an example block is added only when `plan.examples`.
fn docs(plan: &Plan, text: &str, example: &str) -> TokenStream {
    let mut full = text.to_owned();
    if plan.examples && !example.is_empty() {
        full.push_str("\n\n# Examples\n\n```\n");
        full.push_str(example);
        full.push_str("\n```");
    }
    quote!(#[doc = #full])
}

/// The items of `plan`.
pub(crate) fn generate(plan: &Plan) -> TokenStream {
    let hidden_placeholder = (!plan.valid).then(|| {
        quote!(
            #[doc(hidden)]
            __PoliciesTomlHasErrors,
        )
    });
    let a_idents: Vec<_> = plan
        .actions
        .iter()
        .map(|a| format_ident!("{}", a.ident))
        .collect();
    let p_idents: Vec<_> = plan
        .products
        .iter()
        .map(|p| format_ident!("{}", p.ident))
        .collect();
    let m_idents: Vec<_> = plan
        .models
        .iter()
        .map(|m| format_ident!("{}", m.ident))
        .collect();
    let a_consts: Vec<_> = plan
        .actions
        .iter()
        .map(|a| format_ident!("{}", screaming_snake(&a.ident)))
        .collect();
    let placeholder_str = (!plan.valid).then(|| quote!("",));
    let placeholder_slice = (!plan.valid).then(|| quote!(&[],));
    let placeholder_none = (!plan.valid).then(|| quote!(::core::option::Option::None,));
    let hidden_product_placeholder =
        (!plan.valid).then(|| quote!(ProductType::__PoliciesTomlHasErrors,));

    // Examples use the first item of each kind, so they are real for the data at hand.
    let a0 = plan.actions.first();
    let p0 = plan.products.first();
    let m0 = plan.models.iter().find(|m| m.json.is_some());
    let ex = |f: &dyn Fn() -> String| if plan.examples { f() } else { String::new() };

    // ---- Action
    let action_doc = docs(
        plan,
        "An IAM action that policies.toml declares: one variant per action.\n\n\
         Variant names are the action ids of policies.toml; each also has a marker type of the same name (for \
         [`Grants`]) and a `&'static str` constant.",
        &ex(&|| {
            let a = a0.unwrap();
            format!(
                "use marketplace_iam::Action;\n\n\
                 let action: Action = \"{}\".parse().unwrap();\n\
                 assert_eq!(action, Action::{});\n\
                 assert_eq!(action.to_string(), \"{}\");",
                a.name.to_uppercase(),
                a.ident,
                a.name
            )
        }),
    );
    // One row per action for the `macro_rules!` below: the proc macro emits eight tokens per action and rustc builds
    // the variants, constants, tables and marker types from them.
    let action_rows = plan.actions.iter().zip(&a_consts).map(|(a, c)| {
        let example = ex(&|| {
            format!(
                "\n\n# Examples\n\n```\nassert_eq!(marketplace_iam::{c}, \"{}\");\n```",
                a.name
            )
        });
        let ident = format_ident!("{}", a.ident);
        let (name, purpose, service, level) = (&a.name, &a.purpose, &a.service, &a.access_level);
        quote!(#ident #c #name #purpose #service #level #example;)
    });
    let doc_all_actions = docs(
        plan,
        "Every action, in the order policies.toml declares them.",
        &ex(&|| {
            format!(
                "assert_eq!(marketplace_iam::Action::ALL.len(), {});",
                plan.actions.len()
            )
        }),
    );
    let doc_as_str = docs(
        plan,
        "The exact IAM action name, e.g. `aws-marketplace:BatchMeterUsage`.",
        &ex(&|| {
            let a = a0.unwrap();
            format!(
                "assert_eq!(marketplace_iam::Action::{}.as_str(), \"{}\");",
                a.ident, a.name
            )
        }),
    );
    let doc_id = docs(
        plan,
        "The action's id in policies.toml (its name without the `aws-marketplace:` prefix).",
        &ex(&|| {
            let a = a0.unwrap();
            format!(
                "assert_eq!(marketplace_iam::Action::{}.id(), \"{}\");",
                a.ident, a.ident
            )
        }),
    );
    let doc_purpose = docs(
        plan,
        "What a seller's integration uses the action for, in one line.",
        &ex(&|| {
            let a = a0.unwrap();
            format!(
                "assert!(!marketplace_iam::Action::{}.purpose().is_empty());",
                a.ident
            )
        }),
    );
    let doc_level = docs(
        plan,
        "The action's IAM access level as AWS's catalog gives it (`Read`, `Write`, ...).",
        &ex(&|| {
            let a = a0.unwrap();
            format!(
                "assert_eq!(marketplace_iam::Action::{}.access_level(), \"{}\");",
                a.ident, a.access_level
            )
        }),
    );

    // ---- products
    let product_doc = docs(
        plan,
        "A product type of policies.toml, with the policy AWS documents for it.",
        &ex(&|| {
            let p = p0.unwrap();
            format!(
                "use marketplace_iam::ProductType;\n\n\
                 let product: ProductType = \"{}\".parse().unwrap();\n\
                 assert_eq!(product, ProductType::{});\n\
                 assert!(product.policy_json().contains(\"\\\"Effect\\\": \\\"Allow\\\"\"));",
                p.id, p.ident
            )
        }),
    );
    let p_variant_docs = plan.products.iter().map(|p| {
        let text = format!("{} products (`{}`).", p.name, p.id);
        quote!(#[doc = #text])
    });
    let p_ids: Vec<&str> = plan.products.iter().map(|p| p.id.as_str()).collect();
    let p_names: Vec<&str> = plan.products.iter().map(|p| p.name.as_str()).collect();
    let p_json: Vec<&str> = plan.products.iter().map(|p| p.json.as_str()).collect();
    let p_actions = plan.products.iter().map(|p| {
        let a = p.actions.iter().map(|&i| &a_idents[i]);
        quote!(action_list_from_policies_toml!(#(#a)*))
    });
    let p_models = plan.products.iter().map(|p| {
        let m = p.models.iter().map(|&i| &m_idents[i]);
        quote!(&[#(PricingModel::#m),*])
    });
    let doc_all_products = docs(
        plan,
        "Every product type, in the order policies.toml declares them.",
        &ex(&|| {
            format!(
                "assert_eq!(marketplace_iam::ProductType::ALL.len(), {});",
                plan.products.len()
            )
        }),
    );
    let doc_p_id = docs(
        plan,
        "The product's id (`saas`): its published policy is `docs/policies/<id>.json`.",
        &ex(&|| {
            let p = p0.unwrap();
            format!(
                "assert_eq!(marketplace_iam::ProductType::{}.id(), \"{}\");",
                p.ident, p.id
            )
        }),
    );
    let doc_p_name = docs(
        plan,
        "The product type's display name (`SaaS`).",
        &ex(&|| {
            let p = p0.unwrap();
            format!(
                "assert_eq!(marketplace_iam::ProductType::{}.name(), \"{}\");",
                p.ident, p.name
            )
        }),
    );
    let doc_p_actions = docs(
        plan,
        "The actions of the product's policy, in the order the policy lists them.",
        &ex(&|| {
            let p = p0.unwrap();
            format!(
                "use marketplace_iam::{{Action, ProductType}};\n\
             assert_eq!(ProductType::{}.actions(), &[{}]);",
                p.ident,
                p.actions
                    .iter()
                    .map(|&i| format!("Action::{}", plan.actions[i].ident))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }),
    );
    let doc_p_json = docs(
        plan,
        "The product's IAM policy document, byte for byte the published `docs/policies/<id>.json`.",
        &ex(&|| {
            let p = p0.unwrap();
            format!(
                "let json = marketplace_iam::ProductType::{}.policy_json();\n\
                 assert!(json.starts_with(\"{{\\n    \\\"Version\\\": \\\"2012-10-17\\\"\"));",
                p.ident
            )
        }),
    );
    let doc_p_models = docs(
        plan,
        "The product's pricing models, in the order policies.toml declares them.",
        &ex(&|| {
            let p = p0.unwrap();
            format!(
                "use marketplace_iam::{{PricingModel, ProductType}};\n\
             assert_eq!(ProductType::{}.pricing_models(), &[{}]);",
                p.ident,
                p.models
                    .iter()
                    .map(|&i| format!("PricingModel::{}", plan.models[i].ident))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }),
    );
    let doc_grants = docs(
        plan,
        "Whether the product's policy grants `action`.",
        &ex(&|| {
            let p = p0.unwrap();
            let a = &plan.actions[p.actions[0]];
            format!(
                "use marketplace_iam::{{Action, ProductType}};\nassert!(ProductType::{}.grants(Action::{}));",
                p.ident, a.ident
            )
        }),
    );

    // ---- pricing models
    let model_doc = docs(
        plan,
        "A pricing model of a product type, with the least-privilege set of actions it calls.",
        &ex(&|| {
            let m = m0.unwrap();
            format!(
                "use marketplace_iam::PricingModel;\n\n\
                 let model: PricingModel = \"{}\".parse().unwrap();\n\
                 assert_eq!(model, PricingModel::{});\n\
                 assert!(model.policy_json().is_some());",
                m.id, m.ident
            )
        }),
    );
    let m_variant_docs = plan.models.iter().map(|m| {
        let text = format!("{} (`{}`): {}", m.name, m.id, m.description);
        quote!(#[doc = #text])
    });
    let m_ids: Vec<&str> = plan.models.iter().map(|m| m.id.as_str()).collect();
    let m_names: Vec<&str> = plan.models.iter().map(|m| m.name.as_str()).collect();
    let m_product: Vec<_> = plan.models.iter().map(|m| &p_idents[m.product]).collect();
    let m_actions = plan.models.iter().map(|m| {
        let a = m.actions.iter().map(|&i| &a_idents[i]);
        quote!(action_list_from_policies_toml!(#(#a)*))
    });
    let opt = |s: &Option<String>| match s {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    };
    let m_json: Vec<_> = plan.models.iter().map(|m| opt(&m.json)).collect();
    let m_no_policy: Vec<_> = plan.models.iter().map(|m| opt(&m.no_policy)).collect();
    let doc_all_models = docs(
        plan,
        "Every pricing model of every product, in the order policies.toml declares them.",
        &ex(&|| {
            format!(
                "assert_eq!(marketplace_iam::PricingModel::ALL.len(), {});",
                plan.models.len()
            )
        }),
    );
    let doc_m_id = docs(
        plan,
        "`<product>/<model>`, e.g. `saas/subscriptions`; its published policy is `docs/policies/<product>-<model>.json`.",
        &ex(&|| {
            let m = m0.unwrap();
            format!(
                "assert_eq!(marketplace_iam::PricingModel::{}.id(), \"{}\");",
                m.ident, m.id
            )
        }),
    );
    let doc_m_name = docs(
        plan,
        "Display name, product first (`SaaS Subscriptions`).",
        &ex(&|| {
            let m = m0.unwrap();
            format!(
                "assert_eq!(marketplace_iam::PricingModel::{}.name(), \"{}\");",
                m.ident, m.name
            )
        }),
    );
    let doc_m_product = docs(
        plan,
        "The product type the model belongs to.",
        &ex(&|| {
            let m = m0.unwrap();
            format!(
                "use marketplace_iam::{{PricingModel, ProductType}};\nassert_eq!(PricingModel::{}.product(), ProductType::{});",
                m.ident, plan.products[m.product].ident
            )
        }),
    );
    let doc_m_actions = docs(
        plan,
        "The least-privilege actions the model calls; empty when it makes no call.",
        &ex(&|| {
            let m = m0.unwrap();
            format!(
                "assert_eq!(marketplace_iam::PricingModel::{}.actions().len(), {});",
                m.ident,
                m.actions.len()
            )
        }),
    );
    let doc_m_json = docs(
        plan,
        "The model's IAM policy document, byte for byte the published file; `None` when the model makes no call and \
         needs no policy (see [`no_policy_reason`](Self::no_policy_reason)).",
        &ex(&|| {
            let m = m0.unwrap();
            format!(
                "assert!(marketplace_iam::PricingModel::{}.policy_json().is_some());",
                m.ident
            )
        }),
    );
    let doc_m_reason = docs(
        plan,
        "Why the model needs no policy, for the models that make no call.",
        &ex(&|| {
            let m = m0.unwrap();
            format!(
                "assert_eq!(marketplace_iam::PricingModel::{}.no_policy_reason(), None);",
                m.ident
            )
        }),
    );

    // ---- markers and grants
    let policy_markers = plan
        .products
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let ident = &p_idents[i];
            let json = &p.json;
            let granted: Vec<_> = p.actions.iter().map(|&a| &a_idents[a]).collect();
            let text = format!(
                "Marker type of the {} product type's policy (`docs/policies/{}.json`), for bounds such as `P: Grants<A>`.",
                p.name, p.id
            );
            (quote! {
                #[doc = #text]
                #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
                pub struct #ident;
                impl Policy for #ident {
                    const NAME: &'static str = #ident::PRODUCT.name();
                    const PRODUCT: ProductType = ProductType::#ident;
                    const PRICING_MODEL: ::core::option::Option<PricingModel> = ::core::option::Option::None;
                    const ACTIONS: &'static [Action] = ProductType::#ident.actions();
                    const POLICY_JSON: ::core::option::Option<&'static str> = ::core::option::Option::Some(#json);
                }
            }, ident.clone(), granted)
        })
        .chain(plan.models.iter().enumerate().map(|(i, m)| {
            let ident = &m_idents[i];
            let product = &p_idents[m.product];
            let json = opt(&m.json);
            let granted: Vec<_> = m.actions.iter().map(|&a| &a_idents[a]).collect();
            let text = format!("Marker type of the pricing model {} (`{}`), for bounds such as `P: Grants<A>`.", m.name, m.id);
            (quote! {
                #[doc = #text]
                #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
                pub struct #ident;
                impl Policy for #ident {
                    const NAME: &'static str = PricingModel::#ident.name();
                    const PRODUCT: ProductType = ProductType::#product;
                    const PRICING_MODEL: ::core::option::Option<PricingModel> =
                        ::core::option::Option::Some(PricingModel::#ident);
                    const ACTIONS: &'static [Action] = PricingModel::#ident.actions();
                    const POLICY_JSON: ::core::option::Option<&'static str> = #json;
                }
            }, ident.clone(), granted)
        }))
        .map(|(item, ident, granted)| {
            let grants = if plan.valid {
                quote!(grants_from_policies_toml!(#ident: #(#granted)*);)
            } else {
                TokenStream::new()
            };
            quote!(#item #grants)
        });
    // After an error every grant holds, so bounds in the user's code add no errors to the real one.
    let blanket = (!plan.valid).then(|| {
        quote!(
            impl<P: Policy, A: IamAction> Grants<A> for P {}
        )
    });

    let doc_iam_action = docs(
        plan,
        "Implemented by the marker type of each action (see [`Action`]).",
        &ex(&|| {
            let a = a0.unwrap();
            format!(
                "use marketplace_iam::{{Action, IamAction, {0}}};\nassert_eq!({0}::ACTION, Action::{0});",
                a.ident
            )
        }),
    );
    let doc_policy = docs(
        plan,
        "Implemented by the marker type of each product type and pricing model: what its policy grants.",
        &ex(&|| {
            let p = p0.unwrap();
            format!(
                "use marketplace_iam::{{Policy, {0}}};\n\
                 assert_eq!({0}::POLICY_JSON, Some(marketplace_iam::ProductType::{0}.policy_json()));",
                p.ident
            )
        }),
    );
    let doc_policy_trait_items = [
        "Display name.",
        "The product type.",
        "The pricing model, or `None` for a product type's own policy.",
        "The actions the policy grants.",
        "The policy document; `None` for a pricing model that needs no policy.",
    ];
    let [d_name, d_product, d_model, d_actions, d_json] =
        doc_policy_trait_items.map(|t| quote!(#[doc = #t]));
    let doc_grants_trait = docs(
        plan,
        "`P: Grants<A>` holds exactly where policies.toml grants action `A` to the product type or pricing model `P`.\n\n\
         Bound a function that makes an AWS Marketplace call by the grant it needs, and a service built for a product \
         whose policy lacks the action does not compile.",
        &ex(&|| {
            let p = p0.unwrap();
            let a = &plan.actions[p.actions[0]];
            format!(
                "use marketplace_iam::{{Grants, {a}, {p}}};\n\n\
                 fn call<P: Grants<{a}>>() -> &'static str {{\n    marketplace_iam::{c}\n}}\n\n\
                 assert_eq!(call::<{p}>(), \"{n}\");",
                a = a.ident,
                p = p.ident,
                c = screaming_snake(&a.ident),
                n = a.name
            )
        }),
    );
    let doc_parse_error = docs(
        plan,
        "The error of parsing an [`Action`], [`ProductType`] or [`PricingModel`] from a string.",
        &ex(&|| {
            "let err = \"aws-marketplace:Nope\".parse::<marketplace_iam::Action>().unwrap_err();\n\
         assert_eq!(err.to_string(), \"unknown IAM action `aws-marketplace:Nope`\");"
                .to_owned()
        }),
    );

    let targets = generate_targets(plan, &p_idents);
    quote! {
        macro_rules! actions_from_policies_toml {
            ($($variant:ident $konst:ident $name:literal $purpose:literal $service:literal $level:literal $example:literal;)*) => {
                #action_doc
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
                #[non_exhaustive]
                pub enum Action {
                    $(
                        #[doc = ::core::concat!("`", $name, "` (", $service, ", ", $level, " access): ", $purpose)]
                        $variant,
                    )*
                    #hidden_placeholder
                }

                $(
                    #[doc = ::core::concat!("The IAM action name `", $name, "`.", $example)]
                    pub const $konst: &str = $name;
                )*

                impl Action {
                    #doc_all_actions
                    pub const ALL: &'static [Action] = &[$(Action::$variant),*];

                    #doc_as_str
                    pub const fn as_str(self) -> &'static str {
                        const NAMES: &[&str] = &[$($name,)* #placeholder_str];
                        NAMES[self as usize]
                    }

                    #doc_id
                    pub const fn id(self) -> &'static str {
                        const IDS: &[&str] = &[$(::core::stringify!($variant),)* #placeholder_str];
                        IDS[self as usize]
                    }

                    #doc_purpose
                    pub const fn purpose(self) -> &'static str {
                        const PURPOSES: &[&str] = &[$($purpose,)* #placeholder_str];
                        PURPOSES[self as usize]
                    }

                    #doc_level
                    pub const fn access_level(self) -> &'static str {
                        const LEVELS: &[&str] = &[$($level,)* #placeholder_str];
                        LEVELS[self as usize]
                    }
                }

                $(
                    #[doc = ::core::concat!(
                        "Marker type of the action `", $name, "`, for bounds such as `P: Grants<",
                        ::core::stringify!($variant), ">`."
                    )]
                    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
                    pub struct $variant;

                    impl IamAction for $variant {
                        const ACTION: Action = Action::$variant;
                    }
                )*
            };
        }
        actions_from_policies_toml! { #(#action_rows)* }

        macro_rules! action_list_from_policies_toml {
            ($($action:ident)*) => {
                &[$(Action::$action),*]
            };
        }

        macro_rules! grants_from_policies_toml {
            ($policy:ident: $($action:ident)*) => {
                $(impl Grants<$action> for $policy {})*
            };
        }

        impl ::core::fmt::Display for Action {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Parses an IAM action name the way IAM matches them: ignoring letter case.
        impl ::core::str::FromStr for Action {
            type Err = ParseError;
            fn from_str(s: &str) -> ::core::result::Result<Self, ParseError> {
                Action::ALL
                    .iter()
                    .copied()
                    .find(|a| a.as_str().eq_ignore_ascii_case(s))
                    .ok_or(ParseError { kind: "IAM action", input: ::std::string::String::from(s) })
            }
        }

        #doc_parse_error
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct ParseError {
            kind: &'static str,
            input: ::std::string::String,
        }

        impl ::core::fmt::Display for ParseError {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::write!(f, "unknown {} `{}`", self.kind, self.input)
            }
        }

        impl ::std::error::Error for ParseError {}

        #product_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ProductType {
            #(#p_variant_docs #p_idents,)*
            #hidden_placeholder
        }

        impl ProductType {
            #doc_all_products
            pub const ALL: &'static [ProductType] = &[#(ProductType::#p_idents),*];

            #doc_p_id
            pub const fn id(self) -> &'static str {
                const IDS: &[&str] = &[#(#p_ids,)* #placeholder_str];
                IDS[self as usize]
            }

            #doc_p_name
            pub const fn name(self) -> &'static str {
                const NAMES: &[&str] = &[#(#p_names,)* #placeholder_str];
                NAMES[self as usize]
            }

            #doc_p_actions
            pub const fn actions(self) -> &'static [Action] {
                const ACTIONS: &[&[Action]] = &[#(#p_actions,)* #placeholder_slice];
                ACTIONS[self as usize]
            }

            #doc_p_json
            pub const fn policy_json(self) -> &'static str {
                const JSON: &[&str] = &[#(#p_json,)* #placeholder_str];
                JSON[self as usize]
            }

            #doc_p_models
            pub const fn pricing_models(self) -> &'static [PricingModel] {
                const MODELS: &[&[PricingModel]] = &[#(#p_models,)* #placeholder_slice];
                MODELS[self as usize]
            }

            #doc_grants
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

        /// Shows the product's id (`saas`), which [`FromStr`](::core::str::FromStr) reads back.
        impl ::core::fmt::Display for ProductType {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.id())
            }
        }

        /// Parses a product id (`saas`), ignoring letter case.
        impl ::core::str::FromStr for ProductType {
            type Err = ParseError;
            fn from_str(s: &str) -> ::core::result::Result<Self, ParseError> {
                ProductType::ALL
                    .iter()
                    .copied()
                    .find(|p| p.id().eq_ignore_ascii_case(s))
                    .ok_or(ParseError { kind: "product type", input: ::std::string::String::from(s) })
            }
        }

        #model_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum PricingModel {
            #(#m_variant_docs #m_idents,)*
            #hidden_placeholder
        }

        impl PricingModel {
            #doc_all_models
            pub const ALL: &'static [PricingModel] = &[#(PricingModel::#m_idents),*];

            #doc_m_id
            pub const fn id(self) -> &'static str {
                const IDS: &[&str] = &[#(#m_ids,)* #placeholder_str];
                IDS[self as usize]
            }

            #doc_m_name
            pub const fn name(self) -> &'static str {
                const NAMES: &[&str] = &[#(#m_names,)* #placeholder_str];
                NAMES[self as usize]
            }

            #doc_m_product
            pub const fn product(self) -> ProductType {
                const PRODUCTS: &[ProductType] = &[#(ProductType::#m_product,)* #hidden_product_placeholder];
                PRODUCTS[self as usize]
            }

            #doc_m_actions
            pub const fn actions(self) -> &'static [Action] {
                const ACTIONS: &[&[Action]] = &[#(#m_actions,)* #placeholder_slice];
                ACTIONS[self as usize]
            }

            #doc_m_json
            pub const fn policy_json(self) -> ::core::option::Option<&'static str> {
                const JSON: &[::core::option::Option<&str>] = &[#(#m_json,)* #placeholder_none];
                JSON[self as usize]
            }

            #doc_m_reason
            pub const fn no_policy_reason(self) -> ::core::option::Option<&'static str> {
                const REASONS: &[::core::option::Option<&str>] = &[#(#m_no_policy,)* #placeholder_none];
                REASONS[self as usize]
            }
        }

        /// Shows `<product>/<model>` (`saas/subscriptions`), which [`FromStr`](::core::str::FromStr) reads back.
        impl ::core::fmt::Display for PricingModel {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.id())
            }
        }

        /// Parses `<product>/<model>` (`saas/subscriptions`), ignoring letter case.
        impl ::core::str::FromStr for PricingModel {
            type Err = ParseError;
            fn from_str(s: &str) -> ::core::result::Result<Self, ParseError> {
                PricingModel::ALL
                    .iter()
                    .copied()
                    .find(|m| m.id().eq_ignore_ascii_case(s))
                    .ok_or(ParseError { kind: "pricing model", input: ::std::string::String::from(s) })
            }
        }

        #doc_iam_action
        pub trait IamAction: ::core::marker::Copy + ::core::default::Default + 'static {
            /// The action.
            const ACTION: Action;
        }

        #doc_policy
        pub trait Policy: ::core::marker::Copy + ::core::default::Default + 'static {
            #d_name
            const NAME: &'static str;
            #d_product
            const PRODUCT: ProductType;
            #d_model
            const PRICING_MODEL: ::core::option::Option<PricingModel>;
            #d_actions
            const ACTIONS: &'static [Action];
            #d_json
            const POLICY_JSON: ::core::option::Option<&'static str>;
        }

        #doc_grants_trait
        #[diagnostic::on_unimplemented(
            message = "`{Self}` is not granted `{A}`: its policy in policies.toml does not list that action",
            label = "the policy of `{Self}` does not grant `{A}`",
            note = "a call that needs `{A}` fails with AccessDenied under this policy",
            note = "use a product type or pricing model whose policy grants `{A}`, or add the action to `{Self}`'s `actions` in policies.toml"
        )]
        pub trait Grants<A: IamAction>: Policy {}

        #(#policy_markers)*
        #blanket
        #targets
    }
}

/// `DeploymentTarget`: where a product runs, which role signs its calls, and that role's trust policy template.
/// Few items, so plain `match`es.
fn generate_targets(plan: &Plan, p_idents: &[proc_macro2::Ident]) -> TokenStream {
    let idents: Vec<_> = plan
        .targets
        .iter()
        .map(|t| format_ident!("{}", t.ident))
        .collect();
    let ids: Vec<&str> = plan.targets.iter().map(|t| t.id.as_str()).collect();
    let names: Vec<&str> = plan.targets.iter().map(|t| t.name.as_str()).collect();
    let signers: Vec<&str> = plan.targets.iter().map(|t| t.signer.as_str()).collect();
    let trusts: Vec<&str> = plan.targets.iter().map(|t| t.trust.as_str()).collect();
    let params = plan.targets.iter().map(|t| {
        let p = &t.parameters;
        quote!(&[#(#p),*])
    });
    let profiles: Vec<bool> = plan.targets.iter().map(|t| t.instance_profile).collect();
    let serves = plan.targets.iter().map(|t| {
        let products = t.serves.iter().map(|&i| &p_idents[i]);
        quote!(&[#(ProductType::#products),*])
    });
    let variant_docs = plan.targets.iter().map(|t| {
        let text = format!("{} (`{}`): {}", t.name, t.id, t.signer);
        quote!(#[doc = #text])
    });
    let t0 = plan.targets.first();
    let ex = |f: &dyn Fn(&TargetPlan) -> String| match t0 {
        Some(t) if plan.examples => f(t),
        _ => String::new(),
    };
    let doc_enum = docs(
        plan,
        "Where a product's software runs, which IAM role signs its metering calls there, and that role's trust policy.",
        &ex(&|t| {
            format!(
                "use marketplace_iam::DeploymentTarget;

                 let target: DeploymentTarget = \"{}\".parse().unwrap();
                 assert_eq!(target, DeploymentTarget::{});
                 assert!(target.trust_policy_template().contains(\"sts:AssumeRole\"));",
                t.id, t.ident
            )
        }),
    );
    let doc_all = docs(
        plan,
        "Every target, in the order policies.toml declares them.",
        &ex(&|_| {
            format!(
                "assert_eq!(marketplace_iam::DeploymentTarget::ALL.len(), {});",
                plan.targets.len()
            )
        }),
    );
    let doc_id = docs(
        plan,
        "The target's id (`ecs`).",
        &ex(&|t| {
            format!(
                "assert_eq!(marketplace_iam::DeploymentTarget::{}.id(), \"{}\");",
                t.ident, t.id
            )
        }),
    );
    let doc_name = docs(
        plan,
        "Display name.",
        &ex(&|t| {
            format!(
                "assert_eq!(marketplace_iam::DeploymentTarget::{}.name(), \"{}\");",
                t.ident, t.name
            )
        }),
    );
    let doc_signer = docs(
        plan,
        "Which role signs the metering calls on this target, in a sentence.",
        &ex(&|t| {
            format!(
                "assert!(!marketplace_iam::DeploymentTarget::{}.signer().is_empty());",
                t.ident
            )
        }),
    );
    let doc_trust = docs(
        plan,
        "The role's trust policy, byte for byte `docs/trust-policies/<id>.json`, with `${Parameter}` placeholders.",
        &ex(&|t| {
            format!(
                "assert!(marketplace_iam::DeploymentTarget::{}.trust_policy_template().ends_with(\"}}\\n\"));",
                t.ident
            )
        }),
    );
    let doc_params = docs(
        plan,
        "The parameters the trust policy needs (`AccountId`, ...), in order of first use.",
        &ex(&|t| {
            format!(
                "let _ = marketplace_iam::DeploymentTarget::{}.parameters();",
                t.ident
            )
        }),
    );
    let doc_profile = docs(
        plan,
        "Whether the role is used through an EC2 instance profile.",
        &ex(&|t| {
            format!(
                "let _ = marketplace_iam::DeploymentTarget::{}.instance_profile();",
                t.ident
            )
        }),
    );
    let doc_serves = docs(
        plan,
        "The product types whose software runs on this target.",
        &ex(&|t| {
            format!(
                "assert!(!marketplace_iam::DeploymentTarget::{}.serves().is_empty());",
                t.ident
            )
        }),
    );
    quote! {
        #doc_enum
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum DeploymentTarget {
            #(#variant_docs #idents,)*
        }

        impl DeploymentTarget {
            #doc_all
            pub const ALL: &'static [DeploymentTarget] = &[#(DeploymentTarget::#idents),*];

            #doc_id
            pub const fn id(self) -> &'static str {
                match self { #(DeploymentTarget::#idents => #ids,)* }
            }

            #doc_name
            pub const fn name(self) -> &'static str {
                match self { #(DeploymentTarget::#idents => #names,)* }
            }

            #doc_signer
            pub const fn signer(self) -> &'static str {
                match self { #(DeploymentTarget::#idents => #signers,)* }
            }

            #doc_trust
            pub const fn trust_policy_template(self) -> &'static str {
                match self { #(DeploymentTarget::#idents => #trusts,)* }
            }

            #doc_params
            pub const fn parameters(self) -> &'static [&'static str] {
                match self { #(DeploymentTarget::#idents => #params,)* }
            }

            #doc_profile
            pub const fn instance_profile(self) -> bool {
                match self { #(DeploymentTarget::#idents => #profiles,)* }
            }

            #doc_serves
            pub const fn serves(self) -> &'static [ProductType] {
                match self { #(DeploymentTarget::#idents => #serves,)* }
            }
        }

        /// Shows the target's id (`ecs`), which [`FromStr`](::core::str::FromStr) reads back.
        impl ::core::fmt::Display for DeploymentTarget {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.id())
            }
        }

        /// Parses a target id (`ecs`), ignoring letter case.
        impl ::core::str::FromStr for DeploymentTarget {
            type Err = ParseError;
            fn from_str(s: &str) -> ::core::result::Result<Self, ParseError> {
                DeploymentTarget::ALL
                    .iter()
                    .copied()
                    .find(|t| t.id().eq_ignore_ascii_case(s))
                    .ok_or(ParseError { kind: "deployment target", input: ::std::string::String::from(s) })
            }
        }
    }
}
