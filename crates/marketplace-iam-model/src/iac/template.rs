//! What every template shares: the JSON writer, the partition, parameters and variables with their validation, the
//! trust policy and the optional permissions boundary.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::json::{self, Json};
use crate::model::{Parameter, PermissionsBoundary, Target};

/// The values a template takes as the defaults of its inputs (none by default: the published templates).
#[derive(Debug, Clone, Copy, Default)]
pub struct Defaults<'a> {
    /// Values of trust-policy parameters; one for a parameter that is not among the deployment's
    /// inputs ([`Deployment::inputs`](super::Deployment::inputs), [`Stack::inputs`](super::Stack::inputs)) is not used.
    pub parameters: &'a [(Parameter, &'a str)],
    /// The role's permissions boundary, a managed policy's ARN; the caller checks it with
    /// [`PermissionsBoundary::check`] (the template's own validation would refuse an invalid default).
    pub permissions_boundary: Option<&'a str>,
}

/// A template's declaration of `p`, with its default under `key` when `defaults` gives one.
pub(super) fn with_default(
    p: Parameter,
    defaults: &Defaults<'_>,
    key: &str,
    mut declaration: Value,
) -> Value {
    if let (Some((_, value)), Value::Object(fields)) = (
        defaults.parameters.iter().find(|(q, _)| *q == p),
        &mut declaration,
    ) {
        fields.insert(key.to_owned(), Value::String((*value).to_owned()));
    }
    declaration
}

/// A CloudFormation template of `description` with `sections` (`Parameters`, `Resources`, ...), written as every
/// published template is.
pub(super) fn cloudformation_template(
    description: String,
    sections: Vec<(&str, Map<String, Value>)>,
) -> String {
    let mut template = Map::new();
    template.insert("AWSTemplateFormatVersion".to_owned(), json!("2010-09-09"));
    template.insert("Description".to_owned(), json!(description));
    for (name, section) in sections {
        template.insert(name.to_owned(), Value::Object(section));
    }
    pretty(&Value::Object(template))
}

/// A Terraform configuration (JSON syntax) requiring the AWS provider, with its variables, data sources (left out
/// when there is none), resources and outputs, written as every published configuration is.
pub(super) fn terraform_configuration(
    variables: Map<String, Value>,
    data: Map<String, Value>,
    resources: Map<String, Value>,
    outputs: Map<String, Value>,
) -> String {
    let mut config = Map::new();
    config.insert(
        "terraform".to_owned(),
        json!({ "required_providers": { "aws": { "source": "hashicorp/aws", "version": ">= 5.0" } } }),
    );
    config.insert("variable".to_owned(), Value::Object(variables));
    if !data.is_empty() {
        config.insert("data".to_owned(), Value::Object(data));
    }
    config.insert("resource".to_owned(), Value::Object(resources));
    config.insert("output".to_owned(), Value::Object(outputs));
    pretty(&Value::Object(config))
}

/// The indentation of the published templates: two spaces.
pub(super) const TEMPLATE_INDENT: &str = "  ";

/// A template as the engine writes every JSON document (see `json`): keys in the order of `value`'s map (sorted),
/// a trailing newline.
pub(super) fn pretty(value: &Value) -> String {
    json::write(&from_serde(value), TEMPLATE_INDENT)
}

/// `value` as the engine's JSON value, borrowing its strings.
pub(super) fn from_serde(value: &Value) -> Json<'_> {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => Json::Number(n.to_string()),
        Value::String(s) => Json::str(s),
        Value::Array(items) => Json::Array(items.iter().map(from_serde).collect()),
        Value::Object(fields) => Json::Object(
            fields
                .iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), from_serde(v)))
                .collect(),
        ),
    }
}

pub(super) fn parse(json: &str) -> Value {
    serde_json::from_str(json).unwrap_or(Value::Null)
}

/// How a CloudFormation template names the partition it is deployed in (inside `Fn::Sub`).
pub(super) const CLOUDFORMATION_PARTITION: &str = "${AWS::Partition}";

/// How a Terraform configuration names the partition it is deployed in.
pub(super) const TERRAFORM_PARTITION: &str = "${data.aws_partition.current.partition}";

/// JSON `text` with every ARN of the `aws` partition (a string that begins `arn:aws:`) written for `partition`
/// instead. Only whole ARNs change: the other partitions' ARNs (`arn:aws-cn:`) and text that merely mentions one stay.
pub(super) fn partitioned(text: &str, partition: &str) -> String {
    text.replace("\"arn:aws:", &format!("\"arn:{partition}:"))
}

/// `value` with every string that holds a `${...}` substitution wrapped in `Fn::Sub`.
pub(super) fn substitute(v: Value) -> Value {
    match v {
        Value::String(s) if s.contains("${") => json!({ "Fn::Sub": s }),
        Value::Array(a) => Value::Array(a.into_iter().map(substitute).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, substitute(v))).collect()),
        other => other,
    }
}

/// The trust policy for CloudFormation: an object with `Fn::Sub` on the strings that hold parameters, or, where a
/// condition key holds one (JSON keys cannot be substituted), the whole document as one `Fn::Sub` string.
pub(super) fn cloudformation_trust(target: &Target) -> Value {
    let text = partitioned(
        &target
            .trust
            .render()
            .replace("${AccountId}", "${AWS::AccountId}"),
        CLOUDFORMATION_PARTITION,
    );
    let keys_have_parameters = target.trust.conditions.iter().any(|c| c.key.contains("${"));
    if keys_have_parameters {
        return json!({ "Fn::Sub": text });
    }
    substitute(parse(&text))
}

/// The condition under which a CloudFormation role has a permissions boundary: one was given.
pub(super) const BOUNDARY_CONDITION: &str = "HasPermissionsBoundary";

/// A template input: a parameter, its description in the template, and the length it allows there (the
/// parameter's own, or narrower where the template uses the value where AWS allows less).
#[derive(Debug, Clone)]
pub(super) struct Input {
    pub(super) parameter: Parameter,
    pub(super) description: String,
    pub(super) length: (usize, usize),
}

impl Input {
    /// `p` as its own rule and description say.
    pub(super) fn of(p: Parameter) -> Input {
        Input {
            parameter: p,
            description: p.description().to_owned(),
            length: p.length(),
        }
    }

    /// The length and the pattern, in words (as [`Parameter::constraint`]).
    fn constraint(&self) -> String {
        let (min, max) = self.length;
        format!(
            "{min} to {max} characters matching {}",
            self.parameter.pattern()
        )
    }

    /// The value `defaults` gives the input, if any.
    fn default<'a>(&self, defaults: &Defaults<'a>) -> Option<&'a str> {
        defaults
            .parameters
            .iter()
            .find(|(q, _)| *q == self.parameter)
            .map(|(_, v)| *v)
    }
}

/// A CloudFormation parameter's declaration: its description and the rule of [`Parameter::pattern`] and
/// [`Parameter::length`], with its `Default` when `defaults` gives one.
pub(super) fn cloudformation_parameter(p: Parameter, defaults: &Defaults<'_>) -> Value {
    cloudformation_input(&Input::of(p), defaults)
}

/// The CloudFormation declaration of an input.
pub(super) fn cloudformation_input(input: &Input, defaults: &Defaults<'_>) -> Value {
    with_default(
        input.parameter,
        defaults,
        "Default",
        json!({
            "Type": "String",
            "Description": input.description,
            "AllowedPattern": input.parameter.pattern(),
            "MinLength": input.length.0,
            "MaxLength": input.length.1,
            "ConstraintDescription": format!("must be {}", input.constraint()),
        }),
    )
}

/// An optional CloudFormation input: empty (the default) for none, or a value of its rule (the pattern made
/// optional; a pattern that fixes the length, as [`Parameter::KeyId`]'s does, keeps fixing it).
pub(super) fn cloudformation_optional_input(input: &Input, defaults: &Defaults<'_>) -> Value {
    json!({
        "Type": "String",
        "Default": input.default(defaults).unwrap_or_default(),
        "Description": format!("{} Empty (the default) for none.", input.description),
        "AllowedPattern": optional_pattern(input.parameter.pattern()),
        "MaxLength": input.length.1,
        "ConstraintDescription": format!("must be empty or {}", input.constraint()),
    })
}

/// A regular expression anchored `^...$` that also matches the empty string.
fn optional_pattern(pattern: &str) -> String {
    format!(
        "^({})?$",
        pattern.trim_start_matches('^').trim_end_matches('$')
    )
}

/// The optional `PermissionsBoundary` parameter: empty (the default) for none.
pub(super) fn cloudformation_boundary_parameter(defaults: &Defaults<'_>) -> Value {
    json!({
        "Type": "String",
        "Default": defaults.permissions_boundary.unwrap_or_default(),
        "Description": PermissionsBoundary::description(),
        "AllowedPattern": optional_pattern(PermissionsBoundary::PATTERN),
        "MaxLength": PermissionsBoundary::MAX_LENGTH,
        "ConstraintDescription": format!("must be {}", PermissionsBoundary::constraint()),
    })
}

/// A CloudFormation condition that holds when the optional parameter `name` is not empty.
pub(super) fn cloudformation_given(name: &str) -> Value {
    json!({ "Fn::Not": [{ "Fn::Equals": [{ "Ref": name }, ""] }] })
}

/// A role's `PermissionsBoundary` property: the parameter when given, else none.
pub(super) fn cloudformation_role_boundary() -> Value {
    json!({
        "Fn::If": [BOUNDARY_CONDITION, { "Ref": PermissionsBoundary::NAME }, { "Ref": "AWS::NoValue" }],
    })
}

/// The Terraform condition of an input's rule on its variable.
fn terraform_rule(input: &Input, var: &str) -> String {
    format!(
        "length(var.{var}) >= {min} && length(var.{var}) <= {max} && can(regex(\"{pattern}\", var.{var}))",
        min = input.length.0,
        max = input.length.1,
        pattern = input.parameter.pattern()
    )
}

/// A Terraform variable's declaration with a `validation` block of `p`'s rule, and its `default` when `defaults`
/// gives one.
pub(super) fn terraform_variable(p: Parameter, defaults: &Defaults<'_>) -> Value {
    terraform_input(&Input::of(p), defaults)
}

/// The Terraform variable of an input.
pub(super) fn terraform_input(input: &Input, defaults: &Defaults<'_>) -> Value {
    let var = input.parameter.variable();
    with_default(
        input.parameter,
        defaults,
        "default",
        json!({
            "type": "string",
            "description": input.description,
            "validation": [{
                "condition": format!("${{{}}}", terraform_rule(input, &var)),
                "error_message": format!("{var} must be {}.", input.constraint()),
            }],
        }),
    )
}

/// An optional Terraform variable: `null` (the default) for none. `try` keeps the condition from failing on `null`
/// whether or not Terraform short-circuits `||`.
pub(super) fn terraform_optional_input(input: &Input, defaults: &Defaults<'_>) -> Value {
    let var = input.parameter.variable();
    json!({
        "type": "string",
        "default": input.default(defaults),
        "description": format!("{} null (the default) for none.", input.description),
        "validation": [{
            "condition": format!("${{var.{var} == null || try({}, false)}}", terraform_rule(input, &var)),
            "error_message": format!("{var} must be null or {}.", input.constraint()),
        }],
    })
}

/// The optional `permissions_boundary` variable: `null` (the default) leaves the role without a boundary. `try` and
/// `can` keep the condition from failing on `null` whether or not Terraform short-circuits `||`.
pub(super) fn terraform_boundary_variable(defaults: &Defaults<'_>) -> Value {
    let var = PermissionsBoundary::VARIABLE;
    json!({
        "type": "string",
        "default": defaults.permissions_boundary,
        "description": PermissionsBoundary::description().replace("empty for none", "null for none"),
        "validation": [{
            "condition": format!(
                "${{var.{var} == null || (try(length(var.{var}), 0) <= {max} && can(regex(\"{pattern}\", var.{var})))}}",
                max = PermissionsBoundary::MAX_LENGTH,
                pattern = PermissionsBoundary::PATTERN
            ),
            "error_message": format!(
                "{var} must be null or a managed policy ARN of at most {} characters matching {}.",
                PermissionsBoundary::MAX_LENGTH,
                PermissionsBoundary::PATTERN
            ),
        }],
    })
}

/// How a Terraform configuration names the account it is deployed in.
pub(super) const TERRAFORM_ACCOUNT: &str = "${data.aws_caller_identity.current.account_id}";

/// `text` (a policy with `${Parameter}` placeholders) for Terraform: `${AccountId}` the deployment's account,
/// each of `inputs` its variable, ARNs in the configuration's partition.
pub(super) fn terraform_placeholders(text: &str, inputs: &[Parameter]) -> String {
    let mut out = partitioned(text, TERRAFORM_PARTITION).replace("${AccountId}", TERRAFORM_ACCOUNT);
    for p in inputs {
        out = out.replace(
            &format!("${{{}}}", p.name()),
            &format!("${{var.{}}}", p.variable()),
        );
    }
    out
}
