//! What `--assume` names: a trust policy file, or a role that a CloudFormation template or a Terraform plan
//! defines (its trust policy and its own policies, read as `check --cloudformation` and `--terraform` read them).

use std::path::Path;

use marketplace_iam_policy::{
    PolicyFile, PolicyKind, PolicySet, PrincipalValue, ReadError, invalid_aws_principal,
};

use crate::cloudformation::template::{self, Node};
use crate::cloudformation::{self, Settings};
use crate::policy_files::{Found, PolicyFiles};
use crate::{Unusable, input, output, terraform};

/// The most an `--assume` file is read to tell what it is (a template's own limit).
const MAX_BYTES: u64 = 16 << 20;

/// Where the role to assume is defined, when `--assume` names a template or a plan.
pub(crate) struct Template<'a> {
    /// `--parameter`, `--account-id`, `--region`, `--partition`.
    pub(crate) settings: Settings,
    /// `--role`: its logical id or address (needed when the file defines several roles).
    pub(crate) role: Option<&'a str>,
    /// Whether POLICY files or `--boundary` were given too (the template gives the role's own policies).
    pub(crate) own_policies: bool,
}

/// The role to assume: its trust policy and its own policies.
pub(super) struct Assumed {
    pub(super) trust: PolicyFile,
    pub(super) role: PolicySet,
    /// `template.yaml role MeteringRole` when the role comes from a template or a plan.
    pub(super) defined_in: Option<String>,
    /// For a role of a template or plan: its documents as SARIF locates findings in them, and the findings of
    /// reading it (each also said on stderr).
    pub(super) documents: Option<(PolicyFiles, Vec<Found>)>,
}

/// What kind of file `--assume` names.
enum Kind {
    TrustPolicy,
    CloudFormation,
    Terraform,
}

fn kind(path: &Path) -> Kind {
    let text = (!input::is_stdin(path))
        .then(|| input::read_bytes_bounded(path, MAX_BYTES, "a file").ok())
        .flatten()
        .and_then(|(_, bytes)| String::from_utf8(bytes).ok());
    let root: Option<Node> = text.and_then(|t| template::parse(&t).ok());
    match root {
        Some(root) if root.get("Resources").is_some() => Kind::CloudFormation,
        Some(root) if root.get("format_version").is_some() => Kind::Terraform,
        _ => Kind::TrustPolicy,
    }
}

/// Reads what `--assume` names. A trust policy goes with the role's policies from the command line (`role`); a
/// template's or plan's role brings its own, and the `--scp` policies of `role` apply to it.
pub(super) fn assumed(
    path: &Path,
    role: PolicySet,
    template: &Template<'_>,
) -> Result<Assumed, Unusable> {
    let defined = match kind(path) {
        Kind::TrustPolicy => {
            if role.identity.is_empty() {
                return Err(Unusable(
                    "--assume with a trust policy needs the role's own policies: give them as POLICY.json files (or give --assume a CloudFormation template or Terraform plan that defines the role)".to_owned(),
                ));
            }
            let trust = read("--assume", path, None)?;
            let text = std::fs::read_to_string(path).unwrap_or_default();
            check_principals(&trust, &|_, id| {
                let quoted = serde_json::to_string(id).unwrap_or_default();
                let at = text
                    .find(&quoted)
                    .map(|offset| {
                        let (line, column) = input::line_col(&text, offset);
                        format!(":{line}:{column}")
                    })
                    .unwrap_or_default();
                format!("{}{at}", trust.name)
            })?;
            return Ok(Assumed {
                trust,
                role,
                defined_in: None,
                documents: None,
            });
        }
        Kind::CloudFormation => {
            cloudformation::defined_role(path, &template.settings, template.role, &role.scps)?
        }
        Kind::Terraform => terraform::defined_role(path, template.role, &role.scps)?,
    };
    if template.own_policies {
        return Err(Unusable(format!(
            "--assume {}: the file defines the role {} with its own policies: leave out the POLICY files and --boundary",
            path.display(),
            defined.id
        )));
    }
    let file = path.display().to_string();
    let documents = PolicyFiles::documents(&file, &defined.documents);
    check_principals(&defined.trust, &|index, _| {
        let pos = documents
            .locate(&defined.trust.name, Some(index))
            .map(|(pos, _)| pos)
            .unwrap_or_default();
        format!("{file}:{}:{}: {}", pos.line, pos.column, defined.id)
    })?;
    // What depends on values not known offline, and the trust policy's findings: said, with where they are.
    let found: Vec<Found> = defined
        .findings
        .iter()
        .map(|f| Found {
            code: f.code,
            message: f.message.clone(),
            file: file.clone(),
            pos: f.pos,
            path: f.path.clone(),
        })
        .collect();
    for f in &found {
        output::warning(&format!(
            "{}:{}:{}: {}: {}",
            f.file, f.pos.line, f.pos.column, f.path, f.message
        ));
    }
    Ok(Assumed {
        trust: defined.trust,
        role: defined.set,
        defined_in: Some(format!("{file} role {}", defined.id)),
        documents: Some((documents, found)),
    })
}

/// Reads one file an option names (standard input is for the POLICY files); `kind` `None`: a document with
/// `Principal` (a trust policy, an RCP).
pub(super) fn read(
    option: &str,
    path: &Path,
    kind: Option<PolicyKind>,
) -> Result<PolicyFile, Unusable> {
    if input::is_stdin(path) {
        return Err(Unusable(format!(
            "{option}: give a file; standard input is only for the role's POLICY.json"
        )));
    }
    match kind {
        Some(kind) => input::read_policy(path, kind),
        None => PolicyFile::read(path).map_err(|e| match e {
            ReadError::Io { source, .. } => input::could_not_read(path, &source),
            other => Unusable(other.to_string()),
        }),
    }
}

/// Refuses a trust policy with an `AWS` principal IAM would refuse; `at(index, id)` says where statement `index`
/// names `id`, as `file:line:column`.
fn check_principals(
    trust: &PolicyFile,
    at: &dyn Fn(usize, &str) -> String,
) -> Result<(), Unusable> {
    for (index, statement) in trust.policy.statements.iter().enumerate() {
        let Some(principal) = &statement.principal else {
            return Err(Unusable(format!(
                "{}: Statement[{index}]: a trust policy's statement names its principal (`Principal`)",
                trust.name
            )));
        };
        let (field, value) = match principal {
            marketplace_iam_policy::Principal::Principal(v) => ("Principal", v),
            marketplace_iam_policy::Principal::NotPrincipal(v) => ("NotPrincipal", v),
        };
        let PrincipalValue::Typed(entries) = value else {
            continue;
        };
        for id in entries
            .iter()
            .filter(|(k, _)| k == "AWS")
            .flat_map(|(_, ids)| ids)
        {
            if let Some(why) = invalid_aws_principal(id) {
                return Err(Unusable(format!(
                    "{}: Statement[{index}].{field}.AWS: invalid principal `{id}`: {why}",
                    at(index, id)
                )));
            }
        }
    }
    Ok(())
}

/// Reads an RCP (`--rcp`), refusing what AWS Organizations refuses in one: `Allow` is supported only in
/// `RCPFullAWSAccess` (`"Principal": "*"`, `"Action": "*"`, `"Resource": "*"`), which is attached everywhere already
/// (AWS Organizations User Guide, "RCP syntax",
/// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html>).
pub(super) fn read_rcp(path: &Path) -> Result<PolicyFile, Unusable> {
    let rcp = read("--rcp", path, None)?;
    let full_access = |s: &marketplace_iam_policy::Statement| {
        matches!(
            &s.principal,
            Some(marketplace_iam_policy::Principal::Principal(
                PrincipalValue::Any
            ))
        ) && s.conditions.is_empty()
            && matches!(&s.actions, marketplace_iam_policy::Actions::Action(a) if a.len() == 1 && a.get(0) == Some("*"))
            && matches!(&s.resources, Some(marketplace_iam_policy::Resources::Resource(r)) if r.len() == 1 && r.get(0) == Some("*"))
    };
    let allow = rcp
        .policy
        .statements
        .iter()
        .position(|s| s.effect == marketplace_iam_policy::Effect::Allow && !full_access(s));
    if let Some(index) = allow {
        let at = PolicyFiles::read(&[path])
            .locate(&rcp.name, Some(index))
            .map(|(pos, _)| format!(":{}:{}", pos.line, pos.column))
            .unwrap_or_default();
        return Err(Unusable(format!(
            "{}{at}: Statement[{index}]: an RCP allows nothing: AWS Organizations supports `Allow` only in \
             RCPFullAWSAccess, which is attached to every account already; write the RCP's statements as `Deny`",
            rcp.name
        )));
    }
    Ok(rcp)
}
