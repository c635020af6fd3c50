//! `marketplace-iam stack`: a product's notification stack (the queue, its queue policy, the subscriptions or the
//! rule, and the consumer's role on a target), as its filled policies or as a CloudFormation template or Terraform
//! configuration. The values are the command line's `role` options, checked by the same rules.

use clap::{Args, ValueEnum};
use marketplace_iam::RoleBuilder;
use marketplace_iam_model::Parameter;
use marketplace_iam_model::iac::{self, Stack};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::choice::{self, NotifiedProductArg, RouteArg, TargetArg};
use crate::role::{self, BOUNDARY_OPTION};
use crate::{EXIT_ALLOWED, ParameterArgs, Unusable, output};

#[derive(Args)]
pub(crate) struct StackArgs {
    /// The product whose notifications the stack receives (any letter case).
    #[arg(value_name = "PRODUCT", value_enum, ignore_case = true)]
    product: NotifiedProductArg,

    /// How AWS Marketplace delivers the notifications to the queue (any letter case).
    #[arg(long, value_name = "ROUTE", value_enum, ignore_case = true)]
    route: RouteArg,

    /// Where the consumer runs (any letter case): one of the route's targets (cross-account, ecs, eks, lambda).
    #[arg(long, value_name = "TARGET", value_enum, ignore_case = true)]
    target: TargetArg,

    #[command(flatten)]
    parameters: ParameterArgs,

    /// With `--format cloudformation` or `terraform`: the ARN of a managed policy to set as the consumer role's
    /// permissions boundary (the template's default).
    #[arg(long, value_name = "ARN")]
    permissions_boundary: Option<String>,

    /// `policies`: the consumer role's trust and permissions policies, the queue policy and (sns) the subscriber's
    /// policy, every parameter filled in (all required; --key-id adds the key's actions), with ARNs of the
    /// commercial partition; `subscriber-policy`: only the policy whoever deploys the stack needs to subscribe the
    /// queue to the product's topics (sns); `cloudformation` / `terraform`: the published stack with the values
    /// given as defaults, for any partition.
    #[arg(long, value_enum, default_value_t = StackFormat::Policies)]
    format: StackFormat,
}

/// The output format of `stack`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StackFormat {
    /// The stack's documents, filled, as one JSON object.
    Policies,
    /// The identity policy that lets the deployer subscribe the queue to the product's topics (route sns).
    SubscriberPolicy,
    /// A CloudFormation template (JSON).
    Cloudformation,
    /// A Terraform configuration (JSON syntax, `.tf.json`).
    Terraform,
}

/// The option that gives `p` (`QueueName` -> `--queue-name`).
pub(crate) fn option(p: Parameter) -> &'static str {
    p.name()
        .parse::<marketplace_iam::Parameter>()
        .map_or(p.name(), role::option_of)
}

/// The options of `parameters`, comma-separated.
fn options(parameters: &[Parameter]) -> String {
    parameters
        .iter()
        .map(|&p| option(p))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The parameters whose `${Name}` placeholders `texts` hold, in [`Parameter::ALL`]'s order.
pub(crate) fn named_in(texts: &[&str]) -> Vec<Parameter> {
    let mut out = Parameter::used_in_all(texts.iter().copied());
    out.sort_by_key(|p| Parameter::ALL.iter().position(|q| q == p));
    out
}

pub(crate) fn run(args: &StackArgs) -> Result<u8, Unusable> {
    let policies = choice::policies()?;
    let route = args.route.0;
    let target = args.target.0;
    if route.product != args.product.0 {
        return Err(Unusable(format!(
            "--route {}: the route carries the notifications of {} products, not of {}",
            route.id, route.product, args.product.0
        )));
    }
    let stack = policies.stack(&route.id, target.id()).ok_or_else(|| {
        Unusable(format!(
            "--target {target}: the {} route has no consumer there; its targets are: {}",
            route.id,
            route.targets.join(", ")
        ))
    })?;
    let values = values(&stack, &args.parameters)?;
    if let Some(arn) = &args.permissions_boundary {
        if !matches!(
            args.format,
            StackFormat::Cloudformation | StackFormat::Terraform
        ) {
            return Err(Unusable(format!(
                "{BOUNDARY_OPTION} applies to --format cloudformation and terraform, whose role it bounds"
            )));
        }
        RoleBuilder::check_permissions_boundary(arn)
            .map_err(|e| Unusable(format!("{BOUNDARY_OPTION}: {e}")))?;
    }
    let text = match args.format {
        StackFormat::Policies => documents(&stack, &values)?,
        StackFormat::SubscriberPolicy => {
            let subscriber = stack.subscriber_policy().ok_or_else(|| {
                Unusable(format!(
                    "--format subscriber-policy: the {} route subscribes to no topic, so it needs no subscriber \
                     policy (its stack creates the rule itself); see `--format policies`",
                    route.id
                ))
            })?;
            fill(&subscriber, &values, "the subscriber policy")?
        }
        StackFormat::Cloudformation | StackFormat::Terraform => template(
            args.format,
            &stack,
            &values,
            args.permissions_boundary.as_deref(),
        ),
    };
    output::write_stdout(|out| out.write_all(text.as_bytes()))?;
    if matches!(
        args.format,
        StackFormat::Policies | StackFormat::SubscriberPolicy
    ) {
        role::partition_note(&text, "stack");
    }
    Ok(EXIT_ALLOWED)
}

/// The values given, each checked against its parameter's rule (narrowed where the stack needs it, as its templates
/// are) and refused where the stack does not take it.
fn values<'a>(
    stack: &Stack<'_>,
    args: &'a ParameterArgs,
) -> Result<Vec<(Parameter, &'a str)>, Unusable> {
    let mut takes = stack.required();
    takes.extend(stack.optional());
    let mut out = Vec::new();
    for (parameter, option, value) in role::given(args) {
        let p = Parameter::from_name(parameter.name()).ok_or_else(|| {
            Unusable(format!(
                "internal error: {option} gives {parameter}, which the engine does not know"
            ))
        })?;
        if !takes.contains(&p) {
            return Err(Unusable(format!(
                "{option} does not apply to the {} route on the {} target; it takes {}",
                stack.route.id,
                stack.target.id,
                options(&takes)
            )));
        }
        stack
            .check(p, value)
            .map_err(|e| Unusable(format!("{option} {value:?}: {e}")))?;
        out.push((p, value));
    }
    Ok(out)
}

/// `text` with its placeholders filled; a parameter missing is named by its option.
fn fill(text: &str, values: &[(Parameter, &str)], what: &str) -> Result<String, Unusable> {
    let missing: Vec<Parameter> = named_in(&[text])
        .into_iter()
        .filter(|p| !values.iter().any(|(q, _)| q == p))
        .collect();
    if !missing.is_empty() {
        return Err(Unusable(format!(
            "{what} needs {}: give each (`--format cloudformation` or `terraform` leaves them to the deployment)",
            options(&missing)
        )));
    }
    Parameter::fill(text, values).map_err(Unusable)
}

/// `stack --format policies`: what the stack deploys, filled, as one JSON object (the documents keep the published
/// text: `Version` before `Statement`).
#[derive(Serialize)]
struct StackJson<'a> {
    product: &'a str,
    route: &'a str,
    target: &'a str,
    /// Whether the queue is encrypted with the given key (the consumer may then decrypt with it).
    encrypted: bool,
    trust_policy: &'a RawValue,
    consumer_policy: &'a RawValue,
    queue_policy: &'a RawValue,
    /// For a route through topics: what the deployer needs to subscribe the queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    subscriber_policy: Option<&'a RawValue>,
}

fn documents(stack: &Stack<'_>, values: &[(Parameter, &str)]) -> Result<String, Unusable> {
    let encrypted = stack
        .optional()
        .iter()
        .any(|p| values.iter().any(|(q, _)| q == p));
    let trust_text = stack.target.trust.render();
    let documents = stack.documents(encrypted);
    // Every parameter of every document is needed: report them all at once.
    let mut texts: Vec<&str> = documents.iter().map(|(_, t)| t.as_str()).collect();
    texts.push(&trust_text);
    let all = texts.join("\n");
    fill(
        &all,
        values,
        &format!(
            "the {} stack on the {} target",
            stack.route.id, stack.target.id
        ),
    )?;
    let trust = role::embedded(&fill(&trust_text, values, "the trust policy")?)?;
    let mut filled = Vec::with_capacity(documents.len());
    for (name, text) in &documents {
        filled.push((*name, role::embedded(&fill(text, values, name)?)?));
    }
    let get = |name: &str| filled.iter().find(|(n, _)| *n == name).map(|(_, v)| &**v);
    let missing = || Unusable("internal error: a stack document is missing".to_owned());
    role::pretty(&StackJson {
        product: &stack.route.product,
        route: &stack.route.id,
        target: &stack.target.id,
        encrypted,
        trust_policy: &trust,
        consumer_policy: get("consumer_policy").ok_or_else(missing)?,
        queue_policy: get("queue_policy").ok_or_else(missing)?,
        subscriber_policy: get("subscriber_policy"),
    })
}

/// The published template of the stack, with the values given as defaults (the account id excepted: the
/// deployment supplies it).
fn template(
    format: StackFormat,
    stack: &Stack<'_>,
    values: &[(Parameter, &str)],
    permissions_boundary: Option<&str>,
) -> String {
    let inputs = stack.inputs();
    let mut defaults = Vec::with_capacity(values.len());
    for &(p, value) in values {
        if inputs.contains(&p) {
            defaults.push((p, value));
        } else {
            output::note(&format!(
                "{} is not needed here: the template takes the account from the deployment",
                option(p)
            ));
        }
    }
    let defaults = iac::Defaults {
        parameters: &defaults,
        permissions_boundary,
    };
    match format {
        StackFormat::Terraform => iac::stack_terraform(stack, &defaults),
        _ => iac::stack_cloudformation(stack, &defaults),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every parameter a stack takes has its option.
    #[test]
    fn every_parameter_of_every_stack_has_an_option() {
        let policies = choice::policies().unwrap();
        for stack in policies.stacks() {
            for p in stack.required().into_iter().chain(stack.optional()) {
                assert_ne!(option(p), p.name(), "{}: {p:?}", stack.stem());
            }
        }
    }
}
