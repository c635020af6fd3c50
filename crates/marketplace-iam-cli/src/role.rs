//! `marketplace-iam role`: a deployable role for a product type or pricing model on a target.

use marketplace_iam::{DeploymentTarget, Parameter, RoleBuilder, RoleError};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::{EXIT_ALLOWED, ParameterArgs, RoleArgs, RoleFormat, Unusable, output};

/// Each trust-policy parameter, the option that gives it, and the value given: the one place that maps the command
/// line to `RoleBuilder`'s parameters.
fn parameter_options(args: &ParameterArgs) -> [(Parameter, &'static str, Option<&str>); 6] {
    [
        (
            Parameter::AccountId,
            "--account-id",
            args.account_id.as_deref(),
        ),
        (
            Parameter::OidcProvider,
            "--oidc-provider",
            args.oidc_provider.as_deref(),
        ),
        (
            Parameter::Namespace,
            "--namespace",
            args.namespace.as_deref(),
        ),
        (
            Parameter::ServiceAccount,
            "--service-account",
            args.service_account.as_deref(),
        ),
        (
            Parameter::TrustedRoleArn,
            "--trusted-role-arn",
            args.trusted_role_arn.as_deref(),
        ),
        (
            Parameter::ExternalId,
            "--external-id",
            args.external_id.as_deref(),
        ),
    ]
}

/// The parameters given on the command line: parameter, option, value.
fn given(args: &ParameterArgs) -> Vec<(Parameter, &'static str, &str)> {
    parameter_options(args)
        .into_iter()
        .filter_map(|(parameter, option, value)| value.map(|v| (parameter, option, v)))
        .collect()
}

/// The command-line option of a parameter (`AccountId` -> `--account-id`).
fn option_of(parameter: Parameter) -> &'static str {
    parameter_options(&ParameterArgs::default())
        .into_iter()
        .find(|(p, _, _)| *p == parameter)
        .map_or(parameter.name(), |(_, option, _)| option)
}

/// The parameters a target's trust policy takes: parameter and command-line option.
pub(crate) fn target_parameters(target: DeploymentTarget) -> Vec<(Parameter, &'static str)> {
    target
        .parameters()
        .iter()
        .map(|&p| (p, option_of(p)))
        .collect()
}

/// `RoleBuilder`'s error in the command's words: parameters by their options.
fn role_error(e: RoleError, target: DeploymentTarget) -> Unusable {
    match e {
        RoleError::Missing(missing) => Unusable(format!(
            "the {target} trust policy needs {}",
            options(&missing)
        )),
        RoleError::Unexpected {
            parameter,
            expected,
        } => Unusable(if expected.is_empty() {
            format!(
                "{} does not apply to the {target} target, which takes no parameter",
                option_of(parameter)
            )
        } else {
            format!(
                "{} does not apply to the {target} target; it takes {}",
                option_of(parameter),
                options(&expected)
            )
        }),
        RoleError::InvalidPermissionsBoundary { message, .. } => {
            Unusable(format!("{BOUNDARY_OPTION}: {message}"))
        }
        other => Unusable(other.to_string()),
    }
}

/// The option that gives the role's permissions boundary.
const BOUNDARY_OPTION: &str = "--permissions-boundary";

fn options(parameters: &[Parameter]) -> String {
    parameters
        .iter()
        .map(|&p| option_of(p))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn run(args: &RoleArgs) -> Result<u8, Unusable> {
    let choice = args.spec.0;
    let target = args.target.0;
    let given = given(&args.parameters);
    let builder = RoleBuilder::new(choice, target).map_err(|e| role_error(e, target))?;
    let text = match args.format {
        RoleFormat::Json => {
            // RoleBuilder checks every value and which the target takes; its error is the one reported.
            let mut builder = given.iter().fold(builder, |b, &(parameter, _, value)| {
                b.parameter(parameter, value)
            });
            if let Some(arn) = &args.permissions_boundary {
                builder = builder.permissions_boundary(arn);
            }
            let role = builder.build().map_err(|e| role_error(e, target))?;
            let trust_policy = embedded(&role.trust_policy)?;
            let permissions_policy = embedded(&role.permissions_policy)?;
            pretty(&RoleJson {
                policy: choice.id(),
                target: target.id(),
                signer: target.signer(),
                instance_profile: role.instance_profile,
                permissions_boundary: role.permissions_boundary.as_deref(),
                trust_policy: &trust_policy,
                permissions_policy: &permissions_policy,
            })?
        }
        RoleFormat::Cloudformation | RoleFormat::Terraform => {
            let boundary = args.permissions_boundary.as_deref();
            if let Some(arn) = boundary {
                // The template's own validation would refuse an invalid default: checked as RoleBuilder does.
                RoleBuilder::check_permissions_boundary(arn).map_err(|e| role_error(e, target))?;
            }
            template(args.format, choice, target, &given, boundary)?
        }
    };
    output::write_stdout(|out| out.write_all(text.as_bytes()))?;
    if args.format == RoleFormat::Json {
        partition_note(&text);
    }
    Ok(EXIT_ALLOWED)
}

/// Says, on stderr, how to use a printed document outside the commercial partition when it names an ARN of it (the
/// templates need no such note: they take the partition from the deployment).
pub(crate) fn partition_note(text: &str) {
    if text.contains("\"arn:aws:") {
        output::note(
            "the ARNs printed are in the commercial partition (arn:aws:); in AWS GovCloud (US) write them \
             arn:aws-us-gov:, in the China Regions arn:aws-cn:, or use `role --format cloudformation` or \
             `--format terraform`, which take the partition from the deployment",
        );
    }
}

/// The indentation of the published documents (docs/policies/*.json), used for the whole `--format json` object.
const INDENT: &str = "    ";

/// `role --format json`: the role's documents keep the published text, so `Version` comes before `Statement` and
/// every key stays where the published document has it (a `serde_json::Value` would sort the keys).
#[derive(Serialize)]
struct RoleJson<'a> {
    policy: &'static str,
    target: &'static str,
    signer: &'static str,
    instance_profile: bool,
    /// `null` when none was given.
    permissions_boundary: Option<&'a str>,
    trust_policy: &'a RawValue,
    permissions_policy: &'a RawValue,
}

/// A published document as a member of the role object: its own text, indented one level deeper. A JSON document's
/// line breaks are all whitespace between tokens (a string cannot hold a raw one), so indenting after each is safe.
fn embedded(json: &str) -> Result<Box<RawValue>, Unusable> {
    let indented = json.trim_end().replace('\n', &format!("\n{INDENT}"));
    RawValue::from_string(indented).map_err(|e| {
        Unusable(format!(
            "internal error: a generated document is not JSON: {e}"
        ))
    })
}

fn pretty(value: &impl Serialize) -> Result<String, Unusable> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(INDENT.as_bytes());
    value
        .serialize(&mut serde_json::Serializer::with_formatter(
            &mut out, formatter,
        ))
        .map_err(|e| Unusable(format!("internal error: {e}")))?;
    out.push(b'\n');
    String::from_utf8(out).map_err(|e| Unusable(format!("internal error: {e}")))
}

/// The published template of the deployment, rendered by the engine from the same policies.toml the runtime crate
/// was generated from, with the given parameters as defaults.
fn template(
    format: RoleFormat,
    choice: marketplace_iam::PolicyChoice,
    target: marketplace_iam::DeploymentTarget,
    given: &[(Parameter, &str, &str)],
    permissions_boundary: Option<&str>,
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
    for &(parameter, option, value) in given {
        match marketplace_iam_model::Parameter::from_name(parameter.name()) {
            Some(p) if inputs.contains(&p) => {
                // A default the template's own AllowedPattern / validation would refuse is not written; the
                // library checks it, as RoleBuilder does.
                parameter
                    .validate(value)
                    .map_err(|e| Unusable(format!("{option}: {e}")))?;
                defaults.push((p, value));
            }
            Some(marketplace_iam_model::Parameter::AccountId) => {
                // The account id is not a template input: the deployment supplies it.
                output::note(&format!(
                    "{option} is not needed here: the template takes the account from the deployment"
                ));
            }
            _ => {
                return Err(Unusable(format!(
                    "{option} is not an input of this template"
                )));
            }
        }
    }
    let defaults = marketplace_iam_model::iac::Defaults {
        parameters: &defaults,
        permissions_boundary,
    };
    Ok(match format {
        RoleFormat::Terraform => {
            marketplace_iam_model::iac::terraform_with_defaults(&deployment, &defaults)
        }
        _ => marketplace_iam_model::iac::cloudformation_with_defaults(&deployment, &defaults),
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn every_parameter_of_every_target_has_an_option_of_the_command() {
        let cli = crate::Cli::command();
        let role = cli.find_subcommand("role").unwrap();
        let longs: Vec<String> = role
            .get_arguments()
            .filter_map(|a| a.get_long())
            .map(|l| format!("--{l}"))
            .collect();
        for (_, option, _) in parameter_options(&ParameterArgs::default()) {
            assert!(
                longs.iter().any(|l| l == option),
                "{option} is not an option of role"
            );
        }
        for &p in Parameter::ALL {
            assert_ne!(option_of(p), p.name(), "{p} has no option");
        }
        for &target in DeploymentTarget::ALL {
            for (parameter, option) in target_parameters(target) {
                assert_ne!(
                    parameter.name(),
                    option,
                    "{target}: {parameter} has no option"
                );
            }
        }
    }
}
