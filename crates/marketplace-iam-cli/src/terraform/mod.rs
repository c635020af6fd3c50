//! `check --terraform <plan.json>`: the roles a Terraform plan (`terraform show -json <planfile>`) creates or
//! keeps, each checked where the plan defines it.
//!
//! Phases, each in its module: [`json`] reads the file into a tree with positions; [`plan`] checks the format
//! version and gathers the resources of every module with what is known only after apply and the
//! configuration's references; [`document`] reads policy documents (JSON strings, `aws_iam_policy_document`
//! data sources); [`roles`] gathers each `aws_iam_role` with the policies attached to it. The checking and the
//! report are the CloudFormation module's ([`crate::cloudformation::report`], its trust findings and AWS managed
//! policies): one verdict per role, every finding at `plan.json:line:column` with the Terraform address and the
//! path inside the policy.

mod document;
mod json;
mod plan;
mod roles;

use std::path::Path;

use marketplace_iam_policy::PolicyFile;

use crate::cloudformation::report::{self, Labels, Outcome};
use crate::cloudformation::roles::Role;
use crate::cloudformation::template::TemplateError;
use crate::{CheckFormat, Unusable, input};

/// The most a plan may weigh.
const MAX_PLAN_BYTES: u64 = 64 << 20;

/// What the report calls a plan and its roles.
const LABELS: Labels = Labels {
    file: "plan",
    id: "address",
    no_role: "plans no aws_iam_role",
};

/// What `check --terraform` is asked.
pub(crate) struct Request<'a> {
    /// The plan file (`-`: standard input).
    pub(crate) path: &'a Path,
    /// `--role`: the address of the one role to check.
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

/// Runs `check --terraform`: the exit code is 0 only when every checked role is allowed.
pub(crate) fn run(request: Request<'_>) -> Result<u8, Unusable> {
    with_roles(request.path, |file, plan, mut roles| {
        let located = |e: TemplateError| e.in_file(file);
        if let Some(wanted) = request.role {
            report::pick(&mut roles, |r| &r.id, wanted, file, LABELS.no_role)?;
        }
        let mut outcome = Outcome::labelled(file.to_owned(), LABELS);
        for role in roles {
            let checked = report::check_role(
                plan,
                Box::new(role),
                request.required,
                request.resource,
                &request.scps,
            )
            .map_err(located)?;
            outcome.roles.push(checked);
        }
        outcome.write(request.format, request.spec)?;
        Ok(outcome.exit_code())
    })
}

/// The role of the plan `path` that `wanted` (an address) names, or its only role, as `check --assume` takes it.
pub(crate) fn defined_role(
    path: &Path,
    wanted: Option<&str>,
    scps: &[PolicyFile],
) -> Result<report::Defined, Unusable> {
    with_roles(path, |file, plan, roles| {
        report::defined(plan, roles, wanted, file, LABELS, scps)
    })
}

/// Reads the plan at `path` and gathers its roles; `f` gets the file's name, the plan and the roles.
fn with_roles<R>(
    path: &Path,
    f: impl FnOnce(&str, &plan::Plan<'_>, Vec<Role>) -> Result<R, Unusable>,
) -> Result<R, Unusable> {
    let (file, bytes) = input::read_bytes_bounded(path, MAX_PLAN_BYTES, "a plan")?;
    let located = |e: TemplateError| e.in_file(&file);
    let text = input::utf8(
        &file,
        &bytes,
        "a plan is the JSON `terraform show -json <planfile>` writes",
    )?;
    let root = json::parse(text).map_err(located)?;
    let plan = plan::Plan::read(&root).map_err(located)?;
    let roles = roles::roles(&plan).map_err(located)?;
    f(&file, &plan, roles)
}
