//! What is generated, independent of whether it came from a valid file: the engine's validated model (or, after an
//! error, the names it could salvage) → one plan.

use marketplace_iam_model::catalog::{self, AccessLevel};
use marketplace_iam_model::{Policies, Requirement, Salvaged, screaming_snake};

/// The items one `policies!` expansion generates.
#[derive(Debug, Clone)]
pub struct Plan {
    pub(crate) actions: Vec<ActionPlan>,
    pub(crate) products: Vec<ProductPlan>,
    pub(crate) models: Vec<ModelPlan>,
    pub(crate) targets: Vec<TargetPlan>,
    /// The notification consumers: one per notification route.
    pub(crate) consumers: Vec<ConsumerPlan>,
    /// `false` for placeholder items emitted after an error.
    pub(crate) valid: bool,
    /// Whether to put runnable examples in the docs (only for the `marketplace-iam` crate itself, where the paths in
    /// the examples are right).
    pub(crate) examples: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct ActionPlan {
    /// The id: the variant, and the name the marker is re-exported as.
    pub ident: String,
    /// `BATCH_METER_USAGE`.
    pub konst: String,
    pub name: String,
    pub purpose: String,
    /// The variant of the vocabulary's `AccessLevel`.
    pub access_level: &'static str,
    /// The marker in the runtime crate: the module of its prefix (`aws_marketplace`) and its name; `None` for the
    /// placeholder of a broken file's action that is not in AWS's catalog.
    pub marker: Option<(String, String)>,
}

#[derive(Debug, Clone)]
pub(crate) struct ProductPlan {
    pub ident: String,
    pub id: String,
    pub name: String,
    pub actions: Vec<usize>,
    pub json: String,
    pub models: Vec<usize>,
    /// Indices of the targets its policy is deployed to.
    pub targets: Vec<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct ModelPlan {
    pub ident: String,
    /// `<product>/<model>`.
    pub id: String,
    /// The model's own id.
    pub model_id: String,
    pub name: String,
    pub description: String,
    pub product: usize,
    pub actions: Vec<usize>,
    pub json: Option<String>,
    pub no_policy: Option<String>,
    /// Indices of the targets its policy is deployed to (a model without a policy: its product's).
    pub targets: Vec<usize>,
}

/// The consumer of a notification route: its queue's actions, as a policy of its own (`SaasSnsConsumer`).
#[derive(Debug, Clone)]
pub(crate) struct ConsumerPlan {
    pub ident: String,
    /// `<product>/<route>-consumer`.
    pub id: String,
    pub name: String,
    pub product: usize,
    pub actions: Vec<usize>,
    /// The consumer policy, with its `${Parameter}` placeholders.
    pub json: String,
    /// Indices of the targets a consumer runs on.
    pub targets: Vec<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct TargetPlan {
    pub ident: String,
    pub id: String,
    pub name: String,
    pub signer: String,
    pub trust: String,
    /// Names of the vocabulary's `Parameter` variants.
    pub parameters: Vec<&'static str>,
    pub instance_profile: bool,
    /// Indices of the products it serves: all their policies, or some of their pricing models'.
    pub serves: Vec<usize>,
}

/// The variant of the runtime crate's `AccessLevel` for the engine's.
pub(crate) fn access_level_variant(level: AccessLevel) -> &'static str {
    match level {
        AccessLevel::List => "List",
        AccessLevel::Read => "Read",
        AccessLevel::Write => "Write",
        AccessLevel::PermissionsManagement => "PermissionsManagement",
        AccessLevel::Tagging => "Tagging",
    }
}

/// Where the runtime crate keeps the marker of the IAM action `name` (`aws-marketplace:MeterUsage` →
/// `actions::aws_marketplace::MeterUsage`): one module per prefix, one marker per action of AWS's catalog.
pub(crate) fn marker_path(name: &str) -> Option<(String, String)> {
    let (prefix, action) = name.split_once(':')?;
    Some((prefix.replace('-', "_"), action.to_owned()))
}

/// The plan for a valid file; `examples` adds runnable examples to the docs.
pub fn plan(p: &Policies, examples: bool) -> Plan {
    let mut models = Vec::new();
    let mut products = Vec::new();
    for (pi, product) in p.products.iter().enumerate() {
        let first = models.len();
        for m in &product.pricing_models {
            models.push(ModelPlan {
                ident: m.type_name(product),
                id: format!("{}/{}", product.id, m.id),
                model_id: m.id.clone(),
                name: format!("{} {}", product.name, m.name),
                description: m.description.clone(),
                product: pi,
                actions: m.actions().iter().map(|a| a.0).collect(),
                json: None,
                no_policy: match &m.requirement {
                    Requirement::Actions(_) => None,
                    Requirement::NoPolicy { reason } => Some(reason.clone()),
                },
                targets: Vec::new(),
            });
        }
        products.push(ProductPlan {
            ident: product.type_name(),
            id: product.id.clone(),
            name: product.name.clone(),
            actions: product.actions.iter().map(|a| a.0).collect(),
            json: String::new(),
            models: (first..models.len()).collect(),
            targets: Vec::new(),
        });
    }
    let target_indices = |doc: &marketplace_iam_model::Document<'_>| -> Vec<usize> {
        doc.targets()
            .filter_map(|t| p.targets.iter().position(|x| x.id == t.id))
            .collect()
    };
    // The JSON comes from the engine's documents: the very function `cargo xtask gen-docs` publishes with.
    for doc in p.documents() {
        let Some(pi) = p.products.iter().position(|x| x.id == doc.product.id) else {
            continue;
        };
        match doc.pricing_model {
            None => {
                products[pi].json = doc.json();
                products[pi].targets = target_indices(&doc);
                // A model without a policy is deployed nowhere of its own; it keeps its product's targets.
                for &mi in &products[pi].models {
                    models[mi].targets = products[pi].targets.clone();
                }
            }
            Some(m) => {
                if let Some(mi) = products[pi]
                    .models
                    .iter()
                    .copied()
                    .find(|&mi| models[mi].model_id == m.id)
                {
                    models[mi].json = Some(doc.json());
                    models[mi].targets = target_indices(&doc);
                }
            }
        }
    }
    Plan {
        actions: p
            .actions
            .iter()
            .map(|a| ActionPlan {
                ident: a.id.clone(),
                konst: screaming_snake(&a.id),
                name: a.name.clone(),
                purpose: a.purpose.clone(),
                access_level: access_level_variant(a.access_level),
                marker: marker_path(&a.name),
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
                serves: p
                    .products
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| t.product_ids().contains(&x.id.as_str()))
                    .map(|(i, _)| i)
                    .collect(),
            })
            .collect(),
        consumers: p
            .notifications
            .iter()
            .filter_map(|n| {
                let product = p.products.iter().position(|x| x.id == n.product)?;
                Some(ConsumerPlan {
                    ident: format!(
                        "{}{}Consumer",
                        p.products[product].type_name(),
                        marketplace_iam_model::upper_camel(&n.id)
                    ),
                    id: format!("{}/{}-consumer", n.product, n.id),
                    name: format!(
                        "{} notification consumer ({})",
                        p.products[product].name, n.name
                    ),
                    product,
                    actions: n.consumer.iter().map(|a| a.0).collect(),
                    json: n.consumer_policy(p, false),
                    targets: n
                        .targets
                        .iter()
                        .filter_map(|t| p.targets.iter().position(|x| &x.id == t))
                        .collect(),
                })
            })
            .collect(),
        products,
        models,
        valid: true,
        examples,
    }
}

/// Placeholder items after an error: the names the file declares, with no data, and every grant holding.
pub(crate) fn skeleton(salvaged: Salvaged) -> Plan {
    let mut plan = Plan {
        actions: salvaged
            .actions
            .into_iter()
            .map(|ident| {
                // The id is usually the action's name in its prefix; one that is not in the catalog stands for the
                // runtime crate's placeholder action.
                let marker = catalog::prefixes()
                    .iter()
                    .find_map(|p| catalog::lookup_ignore_case(&format!("{p}:{ident}")))
                    .and_then(|a| marker_path(a.name));
                ActionPlan {
                    konst: screaming_snake(&ident),
                    ident,
                    name: String::new(),
                    purpose: String::new(),
                    access_level: "Read",
                    marker,
                }
            })
            .collect(),
        products: Vec::new(),
        models: Vec::new(),
        targets: Vec::new(),
        consumers: Vec::new(),
        valid: false,
        examples: false,
    };
    for (p, (ident, models)) in salvaged.products.into_iter().enumerate() {
        let first = plan.models.len();
        for m in models {
            plan.models.push(ModelPlan {
                ident: m,
                id: String::new(),
                model_id: String::new(),
                name: String::new(),
                description: String::new(),
                product: p,
                actions: Vec::new(),
                json: None,
                no_policy: None,
                targets: Vec::new(),
            });
        }
        plan.products.push(ProductPlan {
            ident,
            id: String::new(),
            name: String::new(),
            actions: Vec::new(),
            json: String::new(),
            models: (first..plan.models.len()).collect(),
            targets: Vec::new(),
        });
    }
    plan
}
