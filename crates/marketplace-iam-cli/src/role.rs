//! `marketplace-iam role`: a deployable role for a product type or pricing model on a target.

use marketplace_iam::RoleBuilder;
use marketplace_iam_model::Parameter;
use serde_json::{Value, json};

use crate::{EXIT_ALLOWED, RoleArgs, RoleFormat, Unusable, output};

/// The parameters given on the command line, by their names in policies.toml.
fn given(args: &RoleArgs) -> Vec<(Parameter, &str)> {
    [
        (Parameter::AccountId, &args.account_id),
        (Parameter::OidcProvider, &args.oidc_provider),
        (Parameter::Namespace, &args.namespace),
        (Parameter::ServiceAccount, &args.service_account),
        (Parameter::TrustedRoleArn, &args.trusted_role_arn),
        (Parameter::ExternalId, &args.external_id),
    ]
    .into_iter()
    .filter_map(|(p, v)| v.as_deref().map(|v| (p, v)))
    .collect()
}

/// The command-line option of a parameter (`--account-id`).
fn option(p: Parameter) -> String {
    format!("--{}", p.variable().replace('_', "-"))
}

pub(crate) fn run(args: &RoleArgs) -> Result<u8, Unusable> {
    let choice = args.spec.0;
    let target = args.target.0;
    let given = given(args);
    let mut builder = RoleBuilder::new(choice, target).map_err(|e| Unusable(e.to_string()))?;
    for (p, value) in &given {
        if !target.parameters().contains(&p.name()) {
            return Err(Unusable(format!(
                "{} does not apply to the {target} target; it takes {}",
                option(*p),
                options(target.parameters())
            )));
        }
        p.check(value)
            .map_err(|e| Unusable(format!("{}: {e}", option(*p))))?;
        builder = builder.parameter(p.name(), *value);
    }
    let text = match args.format {
        RoleFormat::Json => {
            let role = builder.build().map_err(|e| match e {
                marketplace_iam::RoleError::Missing(names) => Unusable(format!(
                    "the {target} trust policy needs {}",
                    options(&names)
                )),
                other => Unusable(other.to_string()),
            })?;
            let value = json!({
                "policy": choice.id(),
                "target": target.id(),
                "signer": target.signer(),
                "instance_profile": role.instance_profile,
                "trust_policy": parse(&role.trust_policy)?,
                "permissions_policy": parse(role.permissions_policy)?,
            });
            pretty(&value)?
        }
        RoleFormat::Cloudformation | RoleFormat::Terraform => {
            template(args.format, choice, target, &given)?
        }
    };
    output::write_stdout(|out| out.write_all(text.as_bytes()))?;
    Ok(EXIT_ALLOWED)
}

fn options(names: &[&str]) -> String {
    names
        .iter()
        .filter_map(|n| Parameter::from_name(n))
        .map(option)
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse(json: &str) -> Result<Value, Unusable> {
    serde_json::from_str(json).map_err(|e| {
        Unusable(format!(
            "internal error: a generated document is not JSON: {e}"
        ))
    })
}

fn pretty(value: &Value) -> Result<String, Unusable> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Unusable(format!("internal error: {e}")))
}

/// The published template of the deployment, rendered by the engine from the same policies.toml the runtime crate
/// was generated from, with the given parameters as defaults.
fn template(
    format: RoleFormat,
    choice: marketplace_iam::PolicyChoice,
    target: marketplace_iam::DeploymentTarget,
    given: &[(Parameter, &str)],
) -> Result<String, Unusable> {
    let policies = marketplace_iam_model::parse("policies.toml", marketplace_iam::POLICIES_TOML)
        .map_err(|e| {
            Unusable(format!(
                "internal error: the built-in policies.toml is invalid:\n{e}"
            ))
        })?;
    let stem = format!("{}-{}", choice.id().replace('/', "-"), target.id());
    let deployment = policies
        .deployments()
        .into_iter()
        .find(|d| d.stem() == stem)
        .ok_or_else(|| Unusable(format!("no template for {choice} on {target}")))?;
    let inputs = deployment.inputs();
    let mut defaults = Vec::with_capacity(given.len());
    for &(p, v) in given {
        if inputs.contains(&p) {
            defaults.push((p, v));
        } else if p == Parameter::AccountId {
            // The account id is not a template input: the deployment supplies it.
            output::note(&format!(
                "{} is not needed here: the template takes the account from the deployment",
                option(p)
            ));
        } else {
            return Err(Unusable(format!(
                "{} is not an input of this template",
                option(p)
            )));
        }
    }
    Ok(match format {
        RoleFormat::Terraform => {
            marketplace_iam_model::iac::terraform_with_defaults(&deployment, &defaults)
        }
        _ => marketplace_iam_model::iac::cloudformation_with_defaults(&deployment, &defaults),
    })
}
