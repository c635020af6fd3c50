//! The generated code, as tokens: the engine's validated model (or, after an error, the names it could salvage) →
//! Rust items.
//!
//! The items are written as Rust source text and handed to the compiler's lexer (`TokenStream::from_str`), which is
//! faster at expansion and much cheaper to compile than building token trees with `quote!`. Per-action data goes
//! through `macro_rules!` tables (a few tokens per action; rustc builds the variants, constants, lookup tables and
//! marker types from them), so that a file with thousands of actions still expands and compiles quickly.
//!
//! This module depends only on the engine, `proc-macro2` and `quote`, so the expansion benchmark
//! (`cargo xtask bench-expand`) compiles it as it is.

use std::fmt::Write as _;

use marketplace_iam_model::{Policies, Requirement, Salvaged, screaming_snake};

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

/// A Rust string literal for `s`.
fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// A `#[doc = "..."]` line; the example block is added only when `plan.examples`.
fn doc(plan: &Plan, text: &str, example: &dyn Fn() -> String) -> String {
    let mut full = text.to_owned();
    if plan.examples {
        let example = example();
        if !example.is_empty() {
            full.push_str("\n\n# Examples\n\n```\n");
            full.push_str(&example);
            full.push_str("\n```");
        }
    }
    format!("#[doc = {}]\n", lit(&full))
}

/// One generated item per element of `items` (through `&dyn Fn`, so the macro crate compiles one copy of this per
/// element type rather than one per call).
fn rows<T>(items: &[T], row: &dyn Fn(&T) -> String) -> Vec<String> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(row(item));
    }
    out
}

/// A `const fn` of an enum that reads its value from a static table indexed by the discriminant (no per-variant
/// `match`, so large files stay cheap to compile).
fn table(
    out: &mut String,
    docs: String,
    name: &str,
    ty: &str,
    rows: Vec<String>,
    placeholder: &str,
) {
    out.push_str(&docs);
    let _ = write!(
        out,
        "pub const fn {name}(self) -> {ty} {{\n    const TABLE: &[{ty}] = &["
    );
    for r in rows {
        out.push_str(&r);
        out.push_str(", ");
    }
    let _ = writeln!(out, "{placeholder}];\n    TABLE[self as usize]\n}}");
}

/// `Display` and `FromStr` of `ty` by its `id()` (`what` says what the id looks like; `kind` names the type in errors).
fn by_id(out: &mut String, ty: &str, kind: &str, what: &str) {
    let _ = write!(
        out,
        r#"/// Shows {what}, which [`FromStr`](::core::str::FromStr) reads back.
impl ::core::fmt::Display for {ty} {{
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {{
        f.write_str(self.id())
    }}
}}

/// Parses {what}, ignoring letter case.
impl ::core::str::FromStr for {ty} {{
    type Err = ParseError;
    fn from_str(s: &str) -> ::core::result::Result<Self, ParseError> {{
        {ty}::ALL
            .iter()
            .copied()
            .find(|x| x.id().eq_ignore_ascii_case(s))
            .ok_or(ParseError {{ kind: {kind:?}, input: ::std::string::String::from(s) }})
    }}
}}

"#
    );
}

/// `&[Action::A, ...]` through the `action_list_from_policies_toml!` table.
fn action_list(plan: &Plan, indices: &[usize]) -> String {
    let mut out = String::from("action_list_from_policies_toml!(");
    for &i in indices {
        out.push(' ');
        out.push_str(&plan.actions[i].ident);
    }
    out.push(')');
    out
}

/// `Kind::A, Kind::B`: the variants of the items at `indices`, for a slice literal or a doc example.
fn variants<'p>(kind: &str, indices: &[usize], ident: &dyn Fn(usize) -> &'p str) -> String {
    let mut out = String::new();
    for &i in indices {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(kind);
        out.push_str("::");
        out.push_str(ident(i));
    }
    out
}

fn option_lit(s: &Option<String>) -> String {
    match s {
        Some(s) => format!("::core::option::Option::Some({})", lit(s)),
        None => "::core::option::Option::None".to_owned(),
    }
}

/// The generated items, as Rust source.
pub(crate) fn generate(plan: &Plan) -> String {
    let mut out = String::with_capacity(4096 + plan.actions.len() * 256);
    let placeholder_variant = if plan.valid {
        ""
    } else {
        "#[doc(hidden)] __PoliciesTomlHasErrors,"
    };
    let placeholder_str = if plan.valid { "" } else { "\"\"," };
    let placeholder_slice = if plan.valid { "" } else { "&[]," };
    let placeholder_none = if plan.valid {
        ""
    } else {
        "::core::option::Option::None,"
    };
    let placeholder_product = if plan.valid {
        ""
    } else {
        "ProductType::__PoliciesTomlHasErrors,"
    };
    let a0 = plan.actions.first();
    let p0 = plan.products.first();
    let m0 = plan.models.iter().find(|m| m.json.is_some());

    // ---- actions, through one macro_rules! table
    let action_doc = doc(
        plan,
        "An IAM action that policies.toml declares: one variant per action.\n\n\
         Variant names are the action ids of policies.toml; each also has a marker type of the same name (for \
         [`Grants`]) and a `&'static str` constant.",
        &|| {
            let a = a0.expect("a valid file declares an action");
            format!(
                "use marketplace_iam::Action;\n\n\
                 let action: Action = \"{}\".parse().unwrap();\n\
                 assert_eq!(action, Action::{});\n\
                 assert_eq!(action.to_string(), \"{}\");",
                a.name.to_uppercase(),
                a.ident,
                a.name
            )
        },
    );
    let all_doc = doc(
        plan,
        "Every action, in the order policies.toml declares them.",
        &|| {
            format!(
                "assert_eq!(marketplace_iam::Action::ALL.len(), {});",
                plan.actions.len()
            )
        },
    );
    let as_str_doc = doc(
        plan,
        "The exact IAM action name, e.g. `aws-marketplace:BatchMeterUsage`.",
        &|| {
            let a = a0.expect("an action");
            format!(
                "assert_eq!(marketplace_iam::Action::{}.as_str(), \"{}\");",
                a.ident, a.name
            )
        },
    );
    let id_doc = doc(
        plan,
        "The action's id in policies.toml (its name without the `aws-marketplace:` prefix).",
        &|| {
            let a = a0.expect("an action");
            format!(
                "assert_eq!(marketplace_iam::Action::{0}.id(), \"{0}\");",
                a.ident
            )
        },
    );
    let purpose_doc = doc(
        plan,
        "What a seller's integration uses the action for, in one line.",
        &|| {
            let a = a0.expect("an action");
            format!(
                "assert!(!marketplace_iam::Action::{}.purpose().is_empty());",
                a.ident
            )
        },
    );
    let level_doc = doc(
        plan,
        "The action's IAM access level as AWS's catalog gives it (`Read`, `Write`, ...).",
        &|| {
            let a = a0.expect("an action");
            format!(
                "assert_eq!(marketplace_iam::Action::{}.access_level(), \"{}\");",
                a.ident, a.access_level
            )
        },
    );
    out.push_str(
        &r#"macro_rules! actions_from_policies_toml {
    ($($variant:ident $konst:ident $name:literal $purpose:literal $service:literal $level:literal $example:literal;)*) => {
        @ACTION_DOC
        // Debug is written by hand from the id table: the derived one is a match with an arm per action.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Action {
            $(
                #[doc = ::core::concat!("`", $name, "` (", $service, ", ", $level, " access): ", $purpose)]
                $variant,
            )*
            @PLACEHOLDER_VARIANT
        }

        $(
            #[doc = ::core::concat!("The IAM action name `", $name, "`.", $example)]
            pub const $konst: &str = $name;
        )*

        impl Action {
            @ALL_DOC
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            @AS_STR_DOC
            pub const fn as_str(self) -> &'static str {
                const NAMES: &[&str] = &[$($name,)* @PLACEHOLDER_STR];
                NAMES[self as usize]
            }

            @ID_DOC
            pub const fn id(self) -> &'static str {
                const IDS: &[&str] = &[$(::core::stringify!($variant),)* @PLACEHOLDER_STR];
                IDS[self as usize]
            }

            @PURPOSE_DOC
            pub const fn purpose(self) -> &'static str {
                const PURPOSES: &[&str] = &[$($purpose,)* @PLACEHOLDER_STR];
                PURPOSES[self as usize]
            }

            @LEVEL_DOC
            pub const fn access_level(self) -> &'static str {
                const LEVELS: &[&str] = &[$($level,)* @PLACEHOLDER_STR];
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

macro_rules! action_list_from_policies_toml {
    ($($action:ident)*) => {
        &[$(Action::$action),*]
    };
}

macro_rules! grants_from_policies_toml {
    ($policy:ident: $($action:ident)*) => {
        $(impl GrantedTo<$policy> for $action {})*
    };
}

"#
        .replace("@ACTION_DOC", &action_doc)
        .replace("@ALL_DOC", &all_doc)
        .replace("@AS_STR_DOC", &as_str_doc)
        .replace("@ID_DOC", &id_doc)
        .replace("@PURPOSE_DOC", &purpose_doc)
        .replace("@LEVEL_DOC", &level_doc)
        .replace("@PLACEHOLDER_VARIANT", placeholder_variant)
        .replace("@PLACEHOLDER_STR", placeholder_str),
    );
    out.push_str("actions_from_policies_toml! {\n");
    for a in &plan.actions {
        let konst = screaming_snake(&a.ident);
        let example = if plan.examples {
            format!(
                "\n\n# Examples\n\n```\nassert_eq!(marketplace_iam::{konst}, \"{}\");\n```",
                a.name
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "    {} {} {} {} {} {} {};",
            a.ident,
            konst,
            lit(&a.name),
            lit(&a.purpose),
            lit(&a.service),
            lit(&a.access_level),
            lit(&example)
        );
    }
    out.push_str("}\n\n");

    out.push_str(
        r#"impl ::core::fmt::Debug for Action {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(self.id())
    }
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

"#,
    );
    out.push_str(&doc(
        plan,
        "The error of parsing an [`Action`], [`ProductType`], [`PricingModel`] or [`DeploymentTarget`] from a string.",
        &|| {
            "let err = \"aws-marketplace:Nope\".parse::<marketplace_iam::Action>().unwrap_err();\n\
             assert_eq!(err.to_string(), \"unknown IAM action `aws-marketplace:Nope`\");"
                .to_owned()
        },
    ));
    out.push_str(
        r#"#[derive(Debug, Clone, PartialEq, Eq)]
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

"#,
    );

    generate_products(
        plan,
        &mut out,
        p0,
        placeholder_variant,
        placeholder_str,
        placeholder_slice,
    );
    generate_models(
        plan,
        &mut out,
        m0,
        placeholder_variant,
        placeholder_str,
        placeholder_slice,
        placeholder_none,
        placeholder_product,
    );
    generate_traits(plan, &mut out, a0, p0);
    generate_markers(plan, &mut out);
    generate_targets(plan, &mut out);
    out
}

fn generate_products(
    plan: &Plan,
    out: &mut String,
    p0: Option<&ProductPlan>,
    placeholder_variant: &str,
    placeholder_str: &str,
    placeholder_slice: &str,
) {
    let p0 = || p0.expect("a valid file declares a product");
    out.push_str(&doc(
        plan,
        "A product type of policies.toml, with the policy AWS documents for it.",
        &|| {
            let p = p0();
            format!(
                "use marketplace_iam::ProductType;\n\n\
             let product: ProductType = \"{}\".parse().unwrap();\n\
             assert_eq!(product, ProductType::{});\n\
             assert!(product.policy_json().contains(\"\\\"Effect\\\": \\\"Allow\\\"\"));",
                p.id, p.ident
            )
        },
    ));
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n#[non_exhaustive]\npub enum ProductType {\n");
    for p in &plan.products {
        let _ = writeln!(
            out,
            "    #[doc = {}]\n    {},",
            lit(&format!("{} products (`{}`).", p.name, p.id)),
            p.ident
        );
    }
    let _ = writeln!(out, "    {placeholder_variant}\n}}\n\nimpl ProductType {{");
    out.push_str(&doc(
        plan,
        "Every product type, in the order policies.toml declares them.",
        &|| {
            format!(
                "assert_eq!(marketplace_iam::ProductType::ALL.len(), {});",
                plan.products.len()
            )
        },
    ));
    out.push_str("pub const ALL: &'static [ProductType] = &[");
    for p in &plan.products {
        let _ = write!(out, "ProductType::{}, ", p.ident);
    }
    out.push_str("];\n");
    table(
        out,
        doc(
            plan,
            "The product's id (`saas`): its published policy is `docs/policies/<id>.json`.",
            &|| {
                let p = p0();
                format!(
                    "assert_eq!(marketplace_iam::ProductType::{}.id(), \"{}\");",
                    p.ident, p.id
                )
            },
        ),
        "id",
        "&'static str",
        rows(&plan.products, &|p| lit(&p.id)),
        placeholder_str,
    );
    table(
        out,
        doc(plan, "The product type's display name (`SaaS`).", &|| {
            let p = p0();
            format!(
                "assert_eq!(marketplace_iam::ProductType::{}.name(), \"{}\");",
                p.ident, p.name
            )
        }),
        "name",
        "&'static str",
        rows(&plan.products, &|p| lit(&p.name)),
        placeholder_str,
    );
    table(
        out,
        doc(
            plan,
            "The actions of the product's policy, in the order the policy lists them.",
            &|| {
                let p = p0();
                format!(
                    "use marketplace_iam::{{Action, ProductType}};\nassert_eq!(ProductType::{}.actions(), &[{}]);",
                    p.ident,
                    variants("Action", &p.actions, &|i| &plan.actions[i].ident)
                )
            },
        ),
        "actions",
        "&'static [Action]",
        rows(&plan.products, &|p| action_list(plan, &p.actions)),
        placeholder_slice,
    );
    table(
        out,
        doc(
            plan,
            "The product's IAM policy document, byte for byte the published `docs/policies/<id>.json`.",
            &|| {
                format!(
                    "let json = marketplace_iam::ProductType::{}.policy_json();\n\
                     assert!(json.starts_with(\"{{\\n    \\\"Version\\\": \\\"2012-10-17\\\"\"));",
                    p0().ident
                )
            },
        ),
        "policy_json",
        "&'static str",
        rows(&plan.products, &|p| lit(&p.json)),
        placeholder_str,
    );
    table(
        out,
        doc(
            plan,
            "The product's pricing models, in the order policies.toml declares them.",
            &|| {
                let p = p0();
                format!(
                    "use marketplace_iam::{{PricingModel, ProductType}};\nassert_eq!(ProductType::{}.pricing_models(), &[{}]);",
                    p.ident,
                    variants("PricingModel", &p.models, &|i| &plan.models[i].ident)
                )
            },
        ),
        "pricing_models",
        "&'static [PricingModel]",
        rows(&plan.products, &|p| {
            format!(
                "&[{}]",
                variants("PricingModel", &p.models, &|i| &plan.models[i].ident)
            )
        }),
        placeholder_slice,
    );
    out.push_str(&doc(plan, "Whether the product's policy grants `action`.", &|| {
        let p = p0();
        let a = &plan.actions[p.actions[0]];
        format!("use marketplace_iam::{{Action, ProductType}};\nassert!(ProductType::{}.grants(Action::{}));", p.ident, a.ident)
    }));
    out.push_str(
        r#"pub const fn grants(self, action: Action) -> bool {
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

"#,
    );
    by_id(
        out,
        "ProductType",
        "product type",
        "the product's id (`saas`)",
    );
}

#[allow(clippy::too_many_arguments)]
fn generate_models(
    plan: &Plan,
    out: &mut String,
    m0: Option<&ModelPlan>,
    placeholder_variant: &str,
    placeholder_str: &str,
    placeholder_slice: &str,
    placeholder_none: &str,
    placeholder_product: &str,
) {
    let m0 = || m0.expect("a valid file declares a pricing model with a policy");
    out.push_str(&doc(
        plan,
        "A pricing model of a product type, with the least-privilege set of actions it calls.",
        &|| {
            let m = m0();
            format!(
                "use marketplace_iam::PricingModel;\n\n\
                 let model: PricingModel = \"{}\".parse().unwrap();\n\
                 assert_eq!(model, PricingModel::{});\n\
                 assert!(model.policy_json().is_some());",
                m.id, m.ident
            )
        },
    ));
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n#[non_exhaustive]\npub enum PricingModel {\n");
    for m in &plan.models {
        let _ = writeln!(
            out,
            "    #[doc = {}]\n    {},",
            lit(&format!("{} (`{}`): {}", m.name, m.id, m.description)),
            m.ident
        );
    }
    let _ = writeln!(out, "    {placeholder_variant}\n}}\n\nimpl PricingModel {{");
    out.push_str(&doc(
        plan,
        "Every pricing model of every product, in the order policies.toml declares them.",
        &|| {
            format!(
                "assert_eq!(marketplace_iam::PricingModel::ALL.len(), {});",
                plan.models.len()
            )
        },
    ));
    out.push_str("pub const ALL: &'static [PricingModel] = &[");
    for m in &plan.models {
        let _ = write!(out, "PricingModel::{}, ", m.ident);
    }
    out.push_str("];\n");
    table(
        out,
        doc(
            plan,
            "`<product>/<model>`, e.g. `saas/subscriptions`; its published policy is `docs/policies/<product>-<model>.json`.",
            &|| {
                let m = m0();
                format!(
                    "assert_eq!(marketplace_iam::PricingModel::{}.id(), \"{}\");",
                    m.ident, m.id
                )
            },
        ),
        "id",
        "&'static str",
        rows(&plan.models, &|m| lit(&m.id)),
        placeholder_str,
    );
    table(
        out,
        doc(
            plan,
            "Display name, product first (`SaaS Subscriptions`).",
            &|| {
                let m = m0();
                format!(
                    "assert_eq!(marketplace_iam::PricingModel::{}.name(), \"{}\");",
                    m.ident, m.name
                )
            },
        ),
        "name",
        "&'static str",
        rows(&plan.models, &|m| lit(&m.name)),
        placeholder_str,
    );
    table(
        out,
        doc(plan, "The product type the model belongs to.", &|| {
            let m = m0();
            format!(
                "use marketplace_iam::{{PricingModel, ProductType}};\nassert_eq!(PricingModel::{}.product(), ProductType::{});",
                m.ident, plan.products[m.product].ident
            )
        }),
        "product",
        "ProductType",
        rows(&plan.models, &|m| {
            format!("ProductType::{}", plan.products[m.product].ident)
        }),
        placeholder_product,
    );
    table(
        out,
        doc(
            plan,
            "The least-privilege actions the model calls; empty when it makes no call.",
            &|| {
                let m = m0();
                format!(
                    "assert_eq!(marketplace_iam::PricingModel::{}.actions().len(), {});",
                    m.ident,
                    m.actions.len()
                )
            },
        ),
        "actions",
        "&'static [Action]",
        rows(&plan.models, &|m| action_list(plan, &m.actions)),
        placeholder_slice,
    );
    table(
        out,
        doc(
            plan,
            "The model's IAM policy document, byte for byte the published file; `None` when the model makes no call and \
             needs no policy (see [`no_policy_reason`](Self::no_policy_reason)).",
            &|| {
                format!(
                    "assert!(marketplace_iam::PricingModel::{}.policy_json().is_some());",
                    m0().ident
                )
            },
        ),
        "policy_json",
        "::core::option::Option<&'static str>",
        rows(&plan.models, &|m| option_lit(&m.json)),
        placeholder_none,
    );
    table(
        out,
        doc(
            plan,
            "Why the model needs no policy, for the models that make no call.",
            &|| {
                format!(
                    "assert_eq!(marketplace_iam::PricingModel::{}.no_policy_reason(), None);",
                    m0().ident
                )
            },
        ),
        "no_policy_reason",
        "::core::option::Option<&'static str>",
        rows(&plan.models, &|m| option_lit(&m.no_policy)),
        placeholder_none,
    );
    out.push_str(
        r#"}

"#,
    );
    by_id(
        out,
        "PricingModel",
        "pricing model",
        "`<product>/<model>` (`saas/subscriptions`)",
    );
}

fn generate_traits(
    plan: &Plan,
    out: &mut String,
    a0: Option<&ActionPlan>,
    p0: Option<&ProductPlan>,
) {
    out.push_str(&doc(plan, "Implemented by the marker type of each action (see [`Action`]).", &|| {
        let a = a0.expect("an action");
        format!("use marketplace_iam::{{Action, IamAction, {0}}};\nassert_eq!({0}::ACTION, Action::{0});", a.ident)
    }));
    out.push_str(
        r#"pub trait IamAction: ::core::marker::Copy + ::core::default::Default + 'static {
    /// The action.
    const ACTION: Action;
}

"#,
    );
    out.push_str(&doc(
        plan,
        "Implemented by the marker type of each product type and pricing model: what its policy grants.",
        &|| {
            let p = p0.expect("a product");
            format!(
                "use marketplace_iam::{{Policy, {0}}};\n\
                 assert_eq!({0}::POLICY_JSON, Some(marketplace_iam::ProductType::{0}.policy_json()));",
                p.ident
            )
        },
    ));
    out.push_str(
        r#"pub trait Policy: ::core::marker::Copy + ::core::default::Default + 'static {
    /// Display name.
    const NAME: &'static str;
    /// The product type.
    const PRODUCT: ProductType;
    /// The pricing model, or `None` for a product type's own policy.
    const PRICING_MODEL: ::core::option::Option<PricingModel>;
    /// The actions the policy grants.
    const ACTIONS: &'static [Action];
    /// The policy document; `None` for a pricing model that needs no policy.
    const POLICY_JSON: ::core::option::Option<&'static str>;
}

"#,
    );
    out.push_str(&doc(
        plan,
        "`P: Grants<A>` holds exactly where policies.toml grants action `A` to the product type or pricing model `P`.\n\n\
         Bound a function that makes an AWS Marketplace call by the grant it needs, and a service built for a product \
         whose policy lacks the action does not compile.",
        &|| {
            let p = p0.expect("a product");
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
        },
    ));
    out.push_str(
        r#"#[diagnostic::on_unimplemented(
    message = "`{Self}` is not granted `{A}`: its policy in policies.toml does not list that action",
    label = "the policy of `{Self}` does not grant `{A}`",
    note = "a call that needs `{A}` fails with AccessDenied under this policy",
    note = "use a product type or pricing model whose policy grants `{A}`, or add the action to `{Self}`'s `actions` in policies.toml"
)]
pub trait Grants<A: IamAction>: Policy {}

impl<P: Policy, A: IamAction + GrantedTo<P>> Grants<A> for P {}

/// The grants of policies.toml, one impl per (action, policy) pair; see [`Grants`], which is what to use.
///
/// The impls are written on the action (`impl GrantedTo<Saas> for BatchMeterUsage`), so each self type has only a
/// handful and rustc's overlap check stays linear in the number of actions.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{P}` is not granted `{Self}`: its policy in policies.toml does not list that action",
    label = "the policy of `{P}` does not grant `{Self}`",
    note = "a call that needs `{Self}` fails with AccessDenied under this policy",
    note = "use a product type or pricing model whose policy grants `{Self}`, or add the action to `{P}`'s `actions` in policies.toml"
)]
pub trait GrantedTo<P> {}

"#,
    );
}

fn generate_markers(plan: &Plan, out: &mut String) {
    for p in &plan.products {
        let text = format!(
            "Marker type of the {} product type's policy (`docs/policies/{}.json`), for bounds such as `P: Grants<A>`.",
            p.name, p.id
        );
        let _ = write!(
            out,
            "#[doc = {doc}]\n#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]\npub struct {i};\n\
             impl Policy for {i} {{\n\
                 const NAME: &'static str = ProductType::{i}.name();\n\
                 const PRODUCT: ProductType = ProductType::{i};\n\
                 const PRICING_MODEL: ::core::option::Option<PricingModel> = ::core::option::Option::None;\n\
                 const ACTIONS: &'static [Action] = ProductType::{i}.actions();\n\
                 const POLICY_JSON: ::core::option::Option<&'static str> = ::core::option::Option::Some(ProductType::{i}.policy_json());\n\
             }}\n",
            doc = lit(&text),
            i = p.ident
        );
        grants(plan, out, &p.ident, &p.actions);
    }
    for m in &plan.models {
        let text = format!(
            "Marker type of the pricing model {} (`{}`), for bounds such as `P: Grants<A>`.",
            m.name, m.id
        );
        let _ = write!(
            out,
            "#[doc = {doc}]\n#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]\npub struct {i};\n\
             impl Policy for {i} {{\n\
                 const NAME: &'static str = PricingModel::{i}.name();\n\
                 const PRODUCT: ProductType = ProductType::{p};\n\
                 const PRICING_MODEL: ::core::option::Option<PricingModel> = ::core::option::Option::Some(PricingModel::{i});\n\
                 const ACTIONS: &'static [Action] = PricingModel::{i}.actions();\n\
                 const POLICY_JSON: ::core::option::Option<&'static str> = PricingModel::{i}.policy_json();\n\
             }}\n",
            doc = lit(&text),
            i = m.ident,
            p = plan.products[m.product].ident
        );
        grants(plan, out, &m.ident, &m.actions);
    }
    if !plan.valid {
        // After an error every grant holds, so bounds in the user's code add no errors to the real one.
        out.push_str("impl<P, A: IamAction> GrantedTo<P> for A {}\n");
    }
}

fn grants(plan: &Plan, out: &mut String, policy: &str, actions: &[usize]) {
    if !plan.valid {
        return;
    }
    let _ = write!(out, "grants_from_policies_toml!({policy}:");
    for &a in actions {
        out.push(' ');
        out.push_str(&plan.actions[a].ident);
    }
    out.push_str(");\n");
}

/// `DeploymentTarget`: where a product runs, which role signs its calls, and that role's trust policy template.
/// Few items, so plain `match`es.
fn generate_targets(plan: &Plan, out: &mut String) {
    let t0 = plan.targets.first();
    fn ex<'a>(
        t0: Option<&'a TargetPlan>,
        f: &'a dyn Fn(&TargetPlan) -> String,
    ) -> impl Fn() -> String + 'a {
        move || t0.map(f).unwrap_or_default()
    }
    out.push_str(&doc(
        plan,
        "Where a product's software runs, which IAM role signs its metering calls there, and that role's trust policy.",
        &ex(t0, &|t| {
            format!(
                "use marketplace_iam::DeploymentTarget;\n\n\
                 let target: DeploymentTarget = \"{}\".parse().unwrap();\n\
                 assert_eq!(target, DeploymentTarget::{});\n\
                 assert!(target.trust_policy_template().contains(\"sts:AssumeRole\"));",
                t.id, t.ident
            )
        }),
    ));
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n#[non_exhaustive]\npub enum DeploymentTarget {\n");
    for t in &plan.targets {
        let _ = writeln!(
            out,
            "    #[doc = {}]\n    {},",
            lit(&format!("{} (`{}`): {}", t.name, t.id, t.signer)),
            t.ident
        );
    }
    out.push_str("}\n\nimpl DeploymentTarget {\n");
    out.push_str(&doc(
        plan,
        "Every target, in the order policies.toml declares them.",
        &ex(t0, &|_| {
            format!(
                "assert_eq!(marketplace_iam::DeploymentTarget::ALL.len(), {});",
                plan.targets.len()
            )
        }),
    ));
    out.push_str("pub const ALL: &'static [DeploymentTarget] = &[");
    for t in &plan.targets {
        let _ = write!(out, "DeploymentTarget::{}, ", t.ident);
    }
    out.push_str("];\n");
    let method = |out: &mut String,
                  docs: String,
                  name: &str,
                  ty: &str,
                  value: &dyn Fn(&TargetPlan) -> String| {
        out.push_str(&docs);
        let _ = write!(
            out,
            "pub const fn {name}(self) -> {ty} {{\n    match self {{\n"
        );
        for t in &plan.targets {
            let _ = writeln!(
                out,
                "        DeploymentTarget::{} => {},",
                t.ident,
                value(t)
            );
        }
        out.push_str("    }\n}\n");
    };
    method(
        out,
        doc(
            plan,
            "The target's id (`ecs`).",
            &ex(t0, &|t| {
                format!(
                    "assert_eq!(marketplace_iam::DeploymentTarget::{}.id(), \"{}\");",
                    t.ident, t.id
                )
            }),
        ),
        "id",
        "&'static str",
        &|t| lit(&t.id),
    );
    method(
        out,
        doc(
            plan,
            "Display name.",
            &ex(t0, &|t| {
                format!(
                    "assert_eq!(marketplace_iam::DeploymentTarget::{}.name(), {});",
                    t.ident,
                    lit(&t.name)
                )
            }),
        ),
        "name",
        "&'static str",
        &|t| lit(&t.name),
    );
    method(
        out,
        doc(
            plan,
            "Which role signs the metering calls on this target, in a sentence.",
            &ex(t0, &|t| {
                format!(
                    "assert!(!marketplace_iam::DeploymentTarget::{}.signer().is_empty());",
                    t.ident
                )
            }),
        ),
        "signer",
        "&'static str",
        &|t| lit(&t.signer),
    );
    method(
        out,
        doc(
            plan,
            "The role's trust policy, byte for byte `docs/trust-policies/<id>.json`, with `${Parameter}` placeholders.",
            &ex(t0, &|t| {
                format!(
                    "assert!(marketplace_iam::DeploymentTarget::{}.trust_policy_template().ends_with(\"}}\\n\"));",
                    t.ident
                )
            }),
        ),
        "trust_policy_template",
        "&'static str",
        &|t| lit(&t.trust),
    );
    method(
        out,
        doc(
            plan,
            "The parameters the trust policy needs (`AccountId`, ...), in order of first use.",
            &ex(t0, &|t| {
                format!(
                    "let _ = marketplace_iam::DeploymentTarget::{}.parameters();",
                    t.ident
                )
            }),
        ),
        "parameters",
        "&'static [&'static str]",
        &|t| format!("&[{}]", rows(&t.parameters, &|p| lit(p)).join(", ")),
    );
    method(
        out,
        doc(
            plan,
            "Whether the role is used through an EC2 instance profile.",
            &ex(t0, &|t| {
                format!(
                    "let _ = marketplace_iam::DeploymentTarget::{}.instance_profile();",
                    t.ident
                )
            }),
        ),
        "instance_profile",
        "bool",
        &|t| t.instance_profile.to_string(),
    );
    method(
        out,
        doc(
            plan,
            "The product types whose software runs on this target.",
            &ex(t0, &|t| {
                format!(
                    "assert!(!marketplace_iam::DeploymentTarget::{}.serves().is_empty());",
                    t.ident
                )
            }),
        ),
        "serves",
        "&'static [ProductType]",
        &|t| {
            format!(
                "&[{}]",
                variants("ProductType", &t.serves, &|i| &plan.products[i].ident)
            )
        },
    );
    out.push_str(
        r#"}

"#,
    );
    by_id(
        out,
        "DeploymentTarget",
        "deployment target",
        "the target's id (`ecs`)",
    );
}
