//! `check --cloudformation <template>`: the roles a CloudFormation template (JSON or YAML) defines, each checked
//! where it is defined.
//!
//! Phases, each in its module: [`template`] reads the file into a tree with positions (refusing duplicate keys and
//! unknown tags); [`graph`] refuses references to nothing and circular ones; [`intrinsic`] resolves the intrinsic
//! functions offline, keeping unknown values as named tokens ([`token`] reads them);
//! [`roles`] gathers each `AWS::IAM::Role` with the policies attached to it ([`managed`] knows the AWS managed
//! policies a seller plausibly attaches); [`trust`] reads the trust policies; [`report`] checks each role and
//! writes one verdict per role with every finding located at `file:line:column` and a path in the template.

mod graph;
mod intrinsic;
pub(crate) mod managed;
pub(crate) mod report;
pub(crate) mod roles;
pub(crate) mod template;
#[cfg(test)]
mod tests;
pub(crate) mod token;
pub(crate) mod trust;

use std::path::Path;

use marketplace_iam_policy::PolicyFile;

use crate::{CheckFormat, Unusable, input};

pub(crate) use intrinsic::Settings;
use report::Outcome;
use roles::Entry;
use template::{Node, Pos, TemplateError};

/// More resources than this is refused (CloudFormation's limit is 500), which also bounds the depth of the
/// search for reference cycles.
const MAX_RESOURCES: usize = 2000;

/// The most a template may weigh: CloudFormation's own limit is 1 MB.
const MAX_TEMPLATE_BYTES: u64 = 16 << 20;

/// What `check --cloudformation` is asked.
pub(crate) struct Request<'a> {
    /// The template file (`-`: standard input).
    pub(crate) path: &'a Path,
    /// Parameter values and pseudo parameters.
    pub(crate) settings: Settings,
    /// `--role`: the logical id of the one role to check.
    pub(crate) role: Option<&'a str>,
    /// The actions to check.
    pub(crate) required: &'a [String],
    /// `--resource`: the one resource the actions with resource types are decided on.
    pub(crate) resource: Option<&'a str>,
    /// The product or pricing model they come from, for messages.
    pub(crate) spec: Option<&'static str>,
    /// SCPs that apply to the account.
    pub(crate) scps: Vec<PolicyFile>,
    /// The output format.
    pub(crate) format: CheckFormat,
}

/// Parses `--parameter Name=Value` arguments.
pub(crate) fn parameters(
    args: &[String],
) -> Result<std::collections::HashMap<String, String>, Unusable> {
    args.iter()
        .map(|a| match a.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok((name.trim().to_owned(), value.to_owned()))
            }
            _ => Err(Unusable(format!(
                "--parameter `{a}`: expected Name=Value, e.g. --parameter QueueArn=arn:aws:sqs:us-east-1:111122223333:q"
            ))),
        })
        .collect()
}

/// Runs `check --cloudformation`: the exit code is 0 only when every checked role is allowed.
pub(crate) fn run(request: Request<'_>) -> Result<u8, Unusable> {
    with_roles(
        request.path,
        &request.settings,
        |file, resolver, mut entries| {
            let located = |e: TemplateError| e.in_file(file);
            if let Some(wanted) = request.role {
                report::pick(
                    &mut entries,
                    entry_id,
                    wanted,
                    file,
                    "has no AWS::IAM::Role",
                )?;
            }
            let mut outcome = Outcome::new(file.to_owned());
            for entry in entries {
                match entry {
                    Entry::Role(role) => {
                        let checked = report::check_role(
                            resolver,
                            role,
                            request.required,
                            request.resource,
                            &request.scps,
                        )
                        .map_err(located)?;
                        outcome.roles.push(checked);
                    }
                    Entry::Skipped { id, pos, reason } => outcome.skipped.push((id, pos, reason)),
                }
            }
            outcome.write(request.format, request.spec)?;
            Ok(outcome.exit_code())
        },
    )
}

/// The role of the template `path` that `wanted` names (or its only role), as `check --assume` takes it. A role the
/// checker skips is an error saying why.
pub(crate) fn defined_role(
    path: &Path,
    settings: &Settings,
    wanted: Option<&str>,
    scps: &[PolicyFile],
) -> Result<report::Defined, Unusable> {
    with_roles(path, settings, |file, resolver, entries| {
        let mut roles = Vec::new();
        for entry in entries {
            match entry {
                Entry::Role(role) => roles.push(*role),
                Entry::Skipped { id, pos, reason } if wanted == Some(id.as_str()) => {
                    return Err(Unusable(format!(
                        "--assume: {file}:{}:{}: role {id} cannot be checked: {reason}",
                        pos.line, pos.column
                    )));
                }
                Entry::Skipped { id, pos, reason } if wanted.is_none() => {
                    crate::output::warning(&format!(
                        "{file}:{}:{}: role {id} is not among the roles to assume: {reason}",
                        pos.line, pos.column
                    ));
                }
                Entry::Skipped { .. } => {}
            }
        }
        report::defined(resolver, roles, wanted, file, report::TEMPLATE, scps)
    })
}

/// Reads the template at `path` and gathers its roles with the policies attached to them; `f` gets the file's name,
/// the resolver of its intrinsic functions and the roles.
fn with_roles<R>(
    path: &Path,
    settings: &Settings,
    f: impl FnOnce(&str, &intrinsic::Resolver<'_>, Vec<Entry>) -> Result<R, Unusable>,
) -> Result<R, Unusable> {
    let (file, bytes) = input::read_bytes_bounded(path, MAX_TEMPLATE_BYTES, "a template")?;
    let located = |e: TemplateError| e.in_file(&file);
    let text = input::utf8(&file, &bytes, "a template is JSON or YAML text")?;
    let root = template::parse(text).map_err(located)?;
    let resources = validate(&root).map_err(located)?;
    graph::check_cycles(resources).map_err(located)?;
    let names = |section: &str| -> Vec<&str> {
        root.get(section)
            .and_then(Node::entries)
            .unwrap_or_default()
            .iter()
            .map(|(k, _)| k.name.as_str())
            .collect()
    };
    let (parameter_names, resource_names) = (names("Parameters"), names("Resources"));
    for section in ["Resources", "Outputs", "Conditions"] {
        if let Some(node) = root.get(section) {
            graph::check_targets(node, &parameter_names, &resource_names).map_err(located)?;
        }
    }
    for key in settings.parameters.keys() {
        if root.get("Parameters").and_then(|p| p.get(key)).is_none() {
            return Err(Unusable(format!(
                "--parameter {key}: the template has no parameter `{key}`"
            )));
        }
    }
    let resolver = intrinsic::Resolver::new(&root, settings);
    let entries = roles::roles(&resolver, resources).map_err(located)?;
    f(&file, &resolver, entries)
}

/// The logical id of a role, checked or skipped.
fn entry_id(entry: &Entry) -> &str {
    match entry {
        Entry::Role(r) => &r.id,
        Entry::Skipped { id, .. } => id,
    }
}

/// The template's `Resources`, after checking the file is a CloudFormation template at all.
fn validate(root: &Node) -> Result<&Node, TemplateError> {
    let start = Pos { line: 1, column: 1 };
    if root.entries().is_none() {
        return Err(TemplateError::at(
            root.pos,
            "not a CloudFormation template: the file is not a mapping with `Resources`",
        ));
    }
    let resources = root.get("Resources").ok_or_else(|| {
        TemplateError::at(
            start,
            "not a CloudFormation template: no `Resources` section (is this a policy document? check it without --cloudformation)",
        )
    })?;
    let entries = resources.entries().ok_or_else(|| {
        TemplateError::at(
            resources.pos,
            "`Resources` must be a mapping of logical ids to resources",
        )
    })?;
    if entries.len() > MAX_RESOURCES {
        return Err(TemplateError::at(
            resources.pos,
            format!(
                "{} resources: CloudFormation allows at most 500 in a template",
                entries.len()
            ),
        ));
    }
    for (key, node) in entries {
        let ok = node.get("Type").and_then(Node::as_str).is_some();
        if !ok {
            return Err(TemplateError::at(
                key.pos,
                format!(
                    "resource `{}` has no `Type`: every resource names its type, e.g. `Type: AWS::IAM::Role`",
                    key.name
                ),
            ));
        }
    }
    for section in ["Parameters", "Conditions", "Mappings"] {
        if let Some(s) = root.get(section)
            && s.entries().is_none()
        {
            return Err(TemplateError::at(
                s.pos,
                format!("`{section}` must be a mapping"),
            ));
        }
    }
    Ok(resources)
}
