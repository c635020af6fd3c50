//! The plan's `aws_iam_role`s, each with what applies to it: its `inline_policy` blocks, the
//! `aws_iam_role_policy` resources naming it, the managed policies attached to it (`managed_policy_arns`,
//! `aws_iam_role_policy_attachment`, `aws_iam_role_policy_attachments_exclusive`: an `aws_iam_policy` of the
//! plan, or an AWS managed policy the checker knows), its `permissions_boundary`, and its trust policy
//! (`assume_role_policy`).
//!
//! A role or policy named by a value known only after apply (a role created without `name`, a policy's `arn`) is
//! linked through the configuration's references (`role = aws_iam_role.metering.name`) when they name exactly one
//! resource of the module; otherwise the link is not decided and every role gets a finding saying so.

use super::document::{built_from, document};
use super::plan::{Plan, Resource, Step, show};
use crate::cloudformation::roles::{Document, Finding, Role, aws_managed, unknown_boundary};
use crate::cloudformation::template::{Node, TemplateError};

/// The resources that attach a policy to a role: type, the attribute naming the role, the policy attribute
/// (inline) or the attribute holding the policy ARN(s), whether that holds a list.
const ATTACHERS: [(&str, &str, &str, bool); 3] = [
    ("aws_iam_role_policy", "role", "policy", false),
    (
        "aws_iam_role_policy_attachment",
        "role",
        "policy_arn",
        false,
    ),
    (
        "aws_iam_role_policy_attachments_exclusive",
        "role_name",
        "policy_arns",
        true,
    ),
];

/// What an attribute naming a resource of the plan names.
enum Link<'a, 'p> {
    /// These resources (none: a resource the plan does not manage).
    To(Vec<&'a Resource<'p>>),
    /// Not decided offline, with why.
    Undecided(String),
}

/// The resources of type `kind` the attribute at `path` of `r` names: by a known name, id or ARN, else through
/// the configuration's references.
fn linked<'a, 'p>(
    plan: &'a Plan<'p>,
    r: &Resource<'_>,
    path: &[Step<'_>],
    kind: &str,
) -> Link<'a, 'p> {
    let of_kind = || {
        plan.resources
            .iter()
            .filter(move |x| !x.data && x.kind == kind)
    };
    if let Some(value) = r.text(path) {
        return Link::To(
            of_kind()
                .filter(|x| {
                    ["name", "id", "arn"]
                        .iter()
                        .any(|k| x.text(&[Step::Key(k)]) == Some(value))
                })
                .collect(),
        );
    }
    let attribute = format!("`{}.{}`", r.address, show(path));
    if !r.is_unknown(path) {
        return Link::Undecided(format!("{attribute} is not set"));
    }
    let references = r.references(path);
    let prefix = format!("{kind}.");
    // `aws_iam_role.r["a"].name`: that instance (Terraform lists `aws_iam_role.r` beside it); `aws_iam_role.r`
    // alone: the one instance there is.
    let named: Vec<(&str, Option<&str>)> = references
        .iter()
        .filter_map(|reference| {
            let rest = reference.strip_prefix(&prefix)?;
            let name = rest.split(['.', '[']).next().unwrap_or(rest);
            let instance = rest
                .strip_prefix(name)
                .filter(|k| k.starts_with('['))
                .and_then(|k| k.split_inclusive(']').next());
            Some((name, instance))
        })
        .collect();
    let mut found: Vec<&Resource<'p>> = Vec::new();
    for &(name, instance) in &named {
        if instance.is_none() && named.iter().any(|(n, i)| *n == name && i.is_some()) {
            continue;
        }
        for x in of_kind().filter(|x| x.module == r.module && x.name == name) {
            let same = instance.is_none_or(|k| x.address.ends_with(&format!("{name}{k}")));
            if same && !found.iter().any(|f| f.address == x.address) {
                found.push(x);
            }
        }
    }
    match found.len() {
        1 => Link::To(found),
        0 => Link::Undecided(format!(
            "{attribute} is known only after apply{} and names no {kind} of its module",
            built_from(&references)
        )),
        _ => Link::Undecided(format!(
            "{attribute} is known only after apply{} and may name any of {}",
            built_from(&references),
            found
                .iter()
                .map(|f| format!("`{}`", f.address))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// What the managed policy ARN at `path` of `r` attaches: an `aws_iam_policy` of the plan, a known AWS managed
/// policy, or a finding saying its grants are not counted.
fn attached(
    plan: &Plan<'_>,
    r: &Resource<'_>,
    path: &[Step<'_>],
) -> Result<Result<Document, Finding>, TemplateError> {
    let pos = r.pos_of(path);
    let shown = format!("{}.{}", r.address, show(path));
    if let Some(arn) = r.text(path)
        && let Some(known) = aws_managed(arn, pos, &shown)
    {
        return Ok(known);
    }
    let finding = |message: String| Finding {
        code: "unknown_managed_policy",
        message,
        pos,
        path: shown.clone(),
    };
    Ok(match linked(plan, r, path, "aws_iam_policy") {
        Link::To(found) if found.len() == 1 => {
            match document(plan, found[0], &[Step::Key("policy")])? {
                Some(doc) => Ok(doc),
                None => Err(finding(format!(
                    "`{}` has no `policy`: its grants are not counted",
                    found[0].address
                ))),
            }
        }
        Link::To(_) => Err(finding(format!(
            "managed policy `{}` is not an aws_iam_policy of the plan: its grants are not counted",
            r.text(path).unwrap_or_default()
        ))),
        Link::Undecided(why) => Err(finding(format!("{why}: its grants are not counted"))),
    })
}

/// The indices of a list attribute, or `None` when the whole list is known only after apply. `inline_policy` and
/// `managed_policy_arns` of `aws_iam_role` are computed: a role that does not set them plans them unknown, and
/// they then only reflect the policies other resources attach, so they count as empty when the configuration
/// does not set them (and as unknown when the plan has no configuration to tell).
fn indices(r: &Resource<'_>, name: &str) -> Option<Vec<usize>> {
    let path = [Step::Key(name)];
    if r.is_unknown(&path) && r.value(&path).is_none() {
        return (r.configured(name) == Some(false)).then(Vec::new);
    }
    let count = r.value(&path).and_then(Node::as_list).map_or(0, <[_]>::len);
    Some((0..count).collect())
}

/// The policy ARNs a resource attaches: each one's path, or the list's when it is unknown as a whole.
fn arn_paths<'a>(r: &Resource<'_>, name: &'a str, list: bool) -> Vec<Vec<Step<'a>>> {
    if !list {
        return vec![vec![Step::Key(name)]];
    }
    match indices(r, name) {
        Some(all) => all
            .into_iter()
            .map(|i| vec![Step::Key(name), Step::Index(i)])
            .collect(),
        None => vec![vec![Step::Key(name)]],
    }
}

/// Adds `doc` to the role's identity policies unless it is there already (attached twice).
fn add(role: &mut Role, doc: Document) {
    if !role.identity.iter().any(|d| d.path == doc.path) {
        role.identity.push(doc);
    }
}

/// Every role of the plan, with what applies to it.
pub(crate) fn roles(plan: &Plan<'_>) -> Result<Vec<Role>, TemplateError> {
    let mut out = Vec::new();
    for r in plan
        .resources
        .iter()
        .filter(|r| !r.data && r.kind == "aws_iam_role")
    {
        out.push(role(plan, r)?);
    }
    // Policies attached by other resources, and the links not decided, which every role hears of.
    let mut undecided = Vec::new();
    for a in plan.resources.iter().filter(|a| !a.data) {
        let Some((_, role_attr, policy_attr, list)) =
            ATTACHERS.iter().find(|(kind, ..)| *kind == a.kind)
        else {
            continue;
        };
        let role_path = [Step::Key(role_attr)];
        let targets = match linked(plan, a, &role_path, "aws_iam_role") {
            Link::To(found) => found,
            Link::Undecided(why) => {
                undecided.push(Finding {
                    code: "unlinked_policy",
                    message: format!(
                        "{why}: the policies of `{}` are not counted for any role; name the role by a reference to its resource (`role = aws_iam_role.<name>.name`)",
                        a.address
                    ),
                    pos: a.pos_of(&role_path),
                    path: format!("{}.{role_attr}", a.address),
                });
                continue;
            }
        };
        for target in targets {
            let Some(role) = out.iter_mut().find(|x| x.id == target.address) else {
                continue;
            };
            if a.kind == "aws_iam_role_policy" {
                let doc = document(plan, a, &[Step::Key(policy_attr)])?.ok_or_else(|| {
                    TemplateError::at(a.pos, format!("{} has no `policy`", a.address))
                })?;
                add(role, doc);
                continue;
            }
            for path in arn_paths(a, policy_attr, *list) {
                match attached(plan, a, &path)? {
                    Ok(doc) => add(role, doc),
                    Err(finding) => role.findings.push(finding),
                }
            }
        }
    }
    for role in &mut out {
        role.findings.extend(undecided.iter().cloned());
    }
    Ok(out)
}

/// One role with its own attributes' policies.
fn role(plan: &Plan<'_>, r: &Resource<'_>) -> Result<Role, TemplateError> {
    let mut role = Role {
        id: r.address.clone(),
        pos: r.pos,
        path: r.address.clone(),
        identity: Vec::new(),
        boundary: None,
        trust: None,
        findings: Vec::new(),
    };
    let trust = [Step::Key("assume_role_policy")];
    if r.value(&trust).is_some() {
        role.trust = document(plan, r, &trust)?;
    } else if r.is_unknown(&trust) {
        role.findings.push(Finding {
            code: "unresolved",
            message: format!(
                "the trust policy is known only after apply{}: who may assume the role is not checked",
                built_from(&r.references(&trust))
            ),
            pos: r.pos,
            path: format!("{}.assume_role_policy", r.address),
        });
    }
    match indices(r, "inline_policy") {
        None => role
            .identity
            .extend(document(plan, r, &[Step::Key("inline_policy")])?),
        Some(all) => {
            for i in all {
                let block = [Step::Key("inline_policy"), Step::Index(i)];
                let empty = |k: &'static str| {
                    let path = [block[0], block[1], Step::Key(k)];
                    r.text(&path).is_none_or(str::is_empty) && !r.is_unknown(&path)
                };
                // The provider reports a role without inline policies as one empty block.
                if empty("name") && empty("policy") {
                    continue;
                }
                role.identity.extend(document(
                    plan,
                    r,
                    &[block[0], block[1], Step::Key("policy")],
                )?);
            }
        }
    }
    for path in arn_paths(r, "managed_policy_arns", true) {
        match attached(plan, r, &path)? {
            Ok(doc) => add(&mut role, doc),
            Err(finding) => role.findings.push(finding),
        }
    }
    let boundary = [Step::Key("permissions_boundary")];
    let set = r.text(&boundary).is_some_and(|b| !b.is_empty());
    if set || r.is_unknown(&boundary) {
        let path = format!("{}.permissions_boundary", r.address);
        role.boundary = Some(match attached(plan, r, &boundary)? {
            Ok(doc) => doc,
            Err(finding) => {
                let reason = format!("the permissions boundary {}", finding.message);
                role.findings.push(finding);
                unknown_boundary(path, r.pos_of(&boundary), reason)
            }
        });
    }
    Ok(role)
}
