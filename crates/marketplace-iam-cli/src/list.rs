//! `marketplace-iam list`: the product types, pricing models, actions, deployment targets and notification routes the
//! command knows, all from the `marketplace-iam` crate's data (policies.toml), as text or as one JSON object.

use std::io::{self, Write};

use anstyle::Style;
use marketplace_iam::{Action, DeploymentTarget, PolicyChoice, PricingModel, ProductType};
use serde::Serialize;

use crate::{EXIT_ALLOWED, Format, Unusable, choice, output, role, stack};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

/// The whole answer; its JSON form is documented in the README ("`marketplace-iam list`").
#[derive(Serialize)]
struct Listing {
    product_types: Vec<ProductEntry>,
    pricing_models: Vec<ModelEntry>,
    actions: Vec<ActionEntry>,
    targets: Vec<TargetEntry>,
    notification_routes: Vec<RouteEntry>,
}

#[derive(Serialize)]
struct RouteEntry {
    id: &'static str,
    name: &'static str,
    product: &'static str,
    /// The service principal that sends to the queue.
    sender: &'static str,
    /// What the consumer's policy grants on the queue, then on the key of an encrypted queue.
    consumer: Vec<&'static str>,
    encrypted: Vec<&'static str>,
    /// What whoever deploys the stack needs to subscribe the queue (empty for a rule).
    subscriber: Vec<&'static str>,
    /// The targets a consumer runs on (`stack <product> --route <id> --target <target>`).
    targets: Vec<&'static str>,
    /// What the route's documents need, beside the target's own.
    parameters: Vec<ParameterEntry>,
}

#[derive(Serialize)]
struct ProductEntry {
    id: &'static str,
    name: &'static str,
    actions: Vec<&'static str>,
    pricing_models: Vec<&'static str>,
}

#[derive(Serialize)]
struct ModelEntry {
    id: &'static str,
    name: &'static str,
    product: &'static str,
    /// Empty when the model needs no policy.
    actions: Vec<&'static str>,
    /// Why the model needs no policy; `null` when it has one.
    no_policy: Option<&'static str>,
}

#[derive(Serialize)]
struct ActionEntry {
    name: &'static str,
    access_level: &'static str,
    purpose: &'static str,
}

#[derive(Serialize)]
struct TargetEntry {
    id: &'static str,
    name: &'static str,
    products: Vec<&'static str>,
    /// The policies (`role <policy> --target <id>`) deployed there.
    policies: Vec<&'static str>,
    /// Whether every policy of each of its products is deployed there (the text then names the products only).
    #[serde(skip)]
    whole: bool,
    signer: &'static str,
    instance_profile: bool,
    parameters: Vec<ParameterEntry>,
}

#[derive(Serialize)]
struct ParameterEntry {
    name: &'static str,
    option: &'static str,
}

fn action_names(actions: &[Action]) -> Vec<&'static str> {
    actions.iter().map(|a| a.as_str()).collect()
}

/// The policies with a document that are deployed on `target`.
fn deployed(target: DeploymentTarget) -> impl Iterator<Item = PolicyChoice> {
    PolicyChoice::all()
        .filter(move |c| c.spec().policy_json().is_some() && c.spec().deploys_to(target.spec()))
}

fn routes() -> Result<Vec<RouteEntry>, Unusable> {
    let policies = choice::policies()?;
    let names = |indices: &[marketplace_iam_model::ActionIndex]| -> Vec<&'static str> {
        indices
            .iter()
            .map(|&i| policies.action(i).name.as_str())
            .collect()
    };
    Ok(policies
        .notifications
        .iter()
        .map(|r| {
            let documents = [
                r.consumer_policy(policies, true),
                r.queue_policy(policies),
                r.subscriber_policy(policies).unwrap_or_default(),
            ];
            let texts: Vec<&str> = documents.iter().map(String::as_str).collect();
            RouteEntry {
                id: &r.id,
                name: &r.name,
                product: &r.product,
                sender: &r.sender,
                consumer: names(&r.consumer),
                encrypted: names(&r.encrypted),
                subscriber: names(&r.subscriber),
                targets: r.targets.iter().map(String::as_str).collect(),
                parameters: stack::named_in(&texts)
                    .into_iter()
                    .map(|p| ParameterEntry {
                        name: p.name(),
                        option: stack::option(p),
                    })
                    .collect(),
            }
        })
        .collect())
}

fn listing() -> Result<Listing, Unusable> {
    Ok(Listing {
        product_types: ProductType::ALL
            .iter()
            .map(|p| ProductEntry {
                id: p.id(),
                name: p.name(),
                actions: action_names(p.actions()),
                pricing_models: p.pricing_models().iter().map(|m| m.id()).collect(),
            })
            .collect(),
        pricing_models: PricingModel::ALL
            .iter()
            .map(|m| ModelEntry {
                id: m.id(),
                name: m.name(),
                product: m.product().id(),
                actions: action_names(m.actions()),
                no_policy: m.no_policy_reason(),
            })
            .collect(),
        actions: Action::ALL
            .iter()
            .map(|a| ActionEntry {
                name: a.as_str(),
                access_level: a.access_level().as_str(),
                purpose: a.purpose(),
            })
            .collect(),
        targets: DeploymentTarget::ALL
            .iter()
            .map(|&t| TargetEntry {
                id: t.id(),
                name: t.name(),
                products: t.serves().iter().map(|p| p.id()).collect(),
                policies: deployed(t).map(PolicyChoice::id).collect(),
                whole: t.serves().iter().all(|&p| {
                    PolicyChoice::all()
                        .filter(|c| c.product() == p && c.spec().policy_json().is_some())
                        .all(|c| c.spec().deploys_to(t.spec()))
                }),
                signer: t.signer(),
                instance_profile: t.instance_profile(),
                parameters: role::target_parameters(t)
                    .into_iter()
                    .map(|(parameter, option)| ParameterEntry {
                        name: parameter.name(),
                        option,
                    })
                    .collect(),
            })
            .collect(),
        notification_routes: routes()?,
    })
}

/// The width of the widest of `ids`, to align the column after them.
fn width<'a>(ids: impl Iterator<Item = &'a str>) -> usize {
    ids.map(str::len).max().unwrap_or(0)
}

fn text(out: &mut dyn Write, l: &Listing) -> io::Result<()> {
    writeln!(
        out,
        "{BOLD}Product types{BOLD:#} (`policy <id>`: the policy AWS documents for the product type)"
    )?;
    let w = width(l.product_types.iter().map(|p| p.id));
    for p in &l.product_types {
        let actions: Vec<&str> = p.actions.iter().map(|a| output::short(a)).collect();
        writeln!(out, "  {:<w$}  {}: {}", p.id, p.name, actions.join(", "))?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "{BOLD}Pricing models{BOLD:#} (`policy <id>`: least privilege for one model)"
    )?;
    let w = width(l.pricing_models.iter().map(|m| m.id));
    for m in &l.pricing_models {
        match m.no_policy {
            Some(reason) => writeln!(
                out,
                "  {:<w$}  {}: no policy {DIM}({reason}){DIM:#}",
                m.id, m.name
            )?,
            None => {
                let actions: Vec<&str> = m.actions.iter().map(|a| output::short(a)).collect();
                writeln!(out, "  {:<w$}  {}: {}", m.id, m.name, actions.join(", "))?;
            }
        }
    }

    writeln!(out)?;
    writeln!(out, "{BOLD}Actions{BOLD:#}")?;
    let w = width(l.actions.iter().map(|a| a.name));
    let lw = width(l.actions.iter().map(|a| a.access_level));
    for a in &l.actions {
        writeln!(
            out,
            "  {:<w$}  {:<lw$}  {}",
            a.name, a.access_level, a.purpose
        )?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "{BOLD}Deployment targets{BOLD:#} (`role <id> --target <target>`)"
    )?;
    let w = width(l.targets.iter().map(|t| t.id));
    for t in &l.targets {
        let parameters = if t.parameters.is_empty() {
            "none".to_owned()
        } else {
            t.parameters
                .iter()
                .map(|p| format!("{} ({})", p.name, p.option))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(out, "  {:<w$}  {}", t.id, t.name)?;
        writeln!(
            out,
            "  {:<w$}  {}; parameters: {parameters}",
            "",
            if t.whole {
                format!("products: {}", t.products.join(", "))
            } else {
                format!("policies: {}", t.policies.join(", "))
            }
        )?;
        writeln!(out, "  {:<w$}  {DIM}{}{DIM:#}", "", t.signer)?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "{BOLD}Notification routes{BOLD:#} (`stack <product> --route <id> --target <target>`)"
    )?;
    let w = width(l.notification_routes.iter().map(|r| r.id));
    for r in &l.notification_routes {
        let short = |names: &[&str]| -> String {
            names
                .iter()
                .map(|a| output::short(a))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let parameters: Vec<String> = r
            .parameters
            .iter()
            .map(|p| format!("{} ({})", p.name, p.option))
            .collect();
        writeln!(out, "  {:<w$}  {} ({} products)", r.id, r.name, r.product)?;
        writeln!(
            out,
            "  {:<w$}  consumer: {}; with a key: {}; targets: {}",
            "",
            short(&r.consumer),
            short(&r.encrypted),
            r.targets.join(", ")
        )?;
        if !r.subscriber.is_empty() {
            writeln!(out, "  {:<w$}  subscriber: {}", "", short(&r.subscriber))?;
        }
        writeln!(out, "  {:<w$}  parameters: {}", "", parameters.join(", "))?;
    }
    Ok(())
}

pub(crate) fn run(format: Format) -> Result<u8, Unusable> {
    let listing = listing()?;
    match format {
        Format::Json => {
            let json = serde_json::to_string_pretty(&listing)
                .map_err(|e| Unusable(format!("internal error: {e}")))?;
            output::write_stdout(|out| writeln!(out, "{json}"))?;
        }
        Format::Text => output::write_stdout(|out| text(out, &listing))?,
    }
    Ok(EXIT_ALLOWED)
}
