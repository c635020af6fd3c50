//! An authorization-details export read into memory, and each of its users and roles checked.
//!
//! The file is read once into memory (at most [`MAX_GAAD_BYTES`]) and deserialized into borrowed shapes: names and
//! policy documents stay slices of the file until used, and a managed policy's non-default versions are never
//! parsed. Documents may be JSON objects (what the AWS CLI prints) or URL-encoded strings (what the API returns);
//! both are read.
//!
//! Each managed policy and each group's inline policy is read and prepared ([`Checker::prepare`]) once, however
//! many principals it is attached to; an inline document whose text occurs more than once in the export, once.
//! A principal's own inline documents are read when the principal is checked and dropped after it is written.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use marketplace_iam_policy::{
    ActionReport, Checker, Member, Policy, PolicyFile, PolicyKind, Prepared, Report,
};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::document::Reader;
use crate::Unusable;
use crate::input::line_col;

/// The largest export `--gaad` reads: 512 MiB. IAM's quotas on users, roles, policies and policy sizes bound an
/// account's export; the largest the benchmarks use is 200 MB, and the limit leaves room above that while refusing
/// a file that cannot be one account's export, after reading at most one byte more.
pub(crate) const MAX_GAAD_BYTES: u64 = 512 << 20;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawAccount<'a> {
    #[serde(default, borrow)]
    user_detail_list: Option<Vec<RawUser<'a>>>,
    #[serde(default, borrow)]
    group_detail_list: Option<Vec<RawGroup<'a>>>,
    #[serde(default, borrow)]
    role_detail_list: Option<Vec<RawRole<'a>>>,
    #[serde(default, borrow)]
    policies: Option<Vec<RawManagedPolicy<'a>>>,
    #[serde(default)]
    is_truncated: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawUser<'a> {
    #[serde(borrow)]
    user_name: Cow<'a, str>,
    #[serde(borrow)]
    arn: Cow<'a, str>,
    #[serde(default, borrow)]
    user_policy_list: Box<[RawInline<'a>]>,
    #[serde(default, borrow)]
    group_list: Box<[Cow<'a, str>]>,
    #[serde(default, borrow)]
    attached_managed_policies: Box<[RawAttached<'a>]>,
    #[serde(borrow)]
    permissions_boundary: Option<RawBoundary<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawGroup<'a> {
    #[serde(borrow)]
    group_name: Cow<'a, str>,
    #[serde(default, borrow)]
    group_policy_list: Box<[RawInline<'a>]>,
    #[serde(default, borrow)]
    attached_managed_policies: Box<[RawAttached<'a>]>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawRole<'a> {
    #[serde(borrow)]
    role_name: Cow<'a, str>,
    #[serde(borrow)]
    arn: Cow<'a, str>,
    #[serde(default, borrow)]
    role_policy_list: Box<[RawInline<'a>]>,
    #[serde(default, borrow)]
    attached_managed_policies: Box<[RawAttached<'a>]>,
    #[serde(borrow)]
    permissions_boundary: Option<RawBoundary<'a>>,
    /// Read only when asked who may assume the role.
    #[serde(default, borrow)]
    assume_role_policy_document: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawInline<'a> {
    #[serde(borrow)]
    policy_name: Cow<'a, str>,
    #[serde(borrow)]
    policy_document: &'a RawValue,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawAttached<'a> {
    #[serde(borrow)]
    policy_arn: Cow<'a, str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawBoundary<'a> {
    #[serde(borrow)]
    permissions_boundary_arn: Cow<'a, str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawManagedPolicy<'a> {
    #[serde(borrow)]
    arn: Cow<'a, str>,
    #[serde(borrow)]
    default_version_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    policy_version_list: Vec<RawVersion<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawVersion<'a> {
    #[serde(default, borrow)]
    document: Option<&'a RawValue>,
    #[serde(borrow)]
    version_id: Option<Cow<'a, str>>,
    #[serde(default)]
    is_default_version: bool,
}

/// A document read from the export, with what the checker made of it for each part it plays (prepared when first
/// needed).
struct Shared {
    policy: Policy,
    identity: OnceLock<Prepared>,
    boundary: OnceLock<Prepared>,
}

impl Shared {
    fn new(policy: Policy) -> Shared {
        Shared {
            policy,
            identity: OnceLock::new(),
            boundary: OnceLock::new(),
        }
    }

    fn prepared(&self, checker: &Checker<'_>, kind: PolicyKind) -> &Prepared {
        let cell = match kind {
            PolicyKind::Boundary => &self.boundary,
            _ => &self.identity,
        };
        cell.get_or_init(|| checker.prepare(&self.policy, kind))
    }
}

/// A user or role of the export, borrowed from it.
pub(crate) struct Principal<'x, 'a> {
    /// `user` or `role`.
    pub(crate) kind: &'static str,
    pub(crate) name: &'x str,
    pub(crate) arn: &'x str,
    /// `UserDetailList[3]` or `RoleDetailList[3]`: where errors about its documents are.
    list: &'static str,
    position: usize,
    inline: &'x [RawInline<'a>],
    attached: &'x [RawAttached<'a>],
    groups: &'x [Cow<'a, str>],
    boundary: Option<&'x str>,
}

/// An account's users and roles with their policies, read from an authorization-details export (borrowed from its
/// text), with the shared policies read.
pub(crate) struct Account<'a> {
    /// The check every principal gets; the shared policies are prepared for it.
    checker: &'a Checker<'a>,
    reader: Reader<'a>,
    users: Vec<RawUser<'a>>,
    roles: Vec<RawRole<'a>>,
    /// Managed policies by ARN: the default version.
    managed: HashMap<Cow<'a, str>, Shared>,
    /// Per group, its policies in the order a member's report names them: inline, then attached.
    groups: HashMap<Cow<'a, str>, Vec<GroupPolicy<'a>>>,
    /// The inline documents of users and roles whose text occurs more than once in the export: for each
    /// occurrence (by its address in the text), the address of the first, under which it is kept once read.
    repeated: HashMap<usize, usize>,
    /// The account-level warnings, in the order the report gives them.
    pub(crate) warnings: Vec<String>,
}

/// A policy of a group, named as its members' reports name it.
struct GroupPolicy<'a> {
    name: String,
    policy: GroupSource<'a>,
}

enum GroupSource<'a> {
    Inline(Box<Shared>),
    Managed(Cow<'a, str>),
}

/// What checking principals one after the other on one thread keeps: the SCPs prepared once, and the inline
/// documents that occur more than once, read once.
pub(crate) struct Session<'c, 'a> {
    scps: Vec<(&'c PolicyFile, Prepared)>,
    inline: HashMap<usize, Arc<Shared>>,
    text: std::marker::PhantomData<&'a str>,
}

impl<'c> Session<'c, '_> {
    pub(crate) fn new(account: &Account<'_>, scps: &'c [PolicyFile]) -> Self {
        Session {
            scps: scps
                .iter()
                .map(|f| (f, account.checker.prepare(&f.policy, PolicyKind::Scp)))
                .collect(),
            inline: HashMap::new(),
            text: std::marker::PhantomData,
        }
    }
}
impl<'a> Account<'a> {
    /// Reads an export held in memory; `file` names it in messages. Every managed policy's default version and
    /// every group's inline policy is read here; the users' and roles' inline documents when they are checked.
    pub(crate) fn parse(
        file: &str,
        text: &'a str,
        checker: &'a Checker<'a>,
    ) -> Result<Account<'a>, Unusable> {
        let located = |inner: &serde_json::Error, path: &str| {
            let mut message = inner.to_string();
            let suffix = format!(" at line {} column {}", inner.line(), inner.column());
            if let Some(stripped) = message.strip_suffix(&suffix) {
                message = stripped.to_owned();
            }
            let path = if path.is_empty() || path == "." {
                String::new()
            } else {
                format!("{path}: ")
            };
            Unusable(format!(
                "{file}:{}:{}: {path}{message} (expected the output of `aws iam get-account-authorization-details`)",
                inner.line().max(1),
                inner.column().max(1)
            ))
        };
        // Tracking the path to each value costs about a third of the reading time: only an export that fails is
        // read again, for the path to the error.
        let raw: RawAccount<'a> = match serde_json::from_str(text) {
            Ok(raw) => raw,
            Err(first) => {
                let mut de = serde_json::Deserializer::from_str(text);
                serde_path_to_error::deserialize::<_, RawAccount<'a>>(&mut de)
                    .map_err(|e| located(e.inner(), &e.path().to_string()))?;
                de.end().map_err(|e| located(&e, ""))?;
                return Err(located(&first, ""));
            }
        };
        if raw.user_detail_list.is_none()
            && raw.group_detail_list.is_none()
            && raw.role_detail_list.is_none()
            && raw.policies.is_none()
        {
            return Err(Unusable(format!(
                "{file}: not the output of `aws iam get-account-authorization-details`: it has none of UserDetailList, GroupDetailList, RoleDetailList and Policies"
            )));
        }
        let reader = Reader {
            file: file.to_owned(),
            text,
        };
        let mut warnings = Vec::new();
        if raw.is_truncated {
            warnings.push(format!(
                "{file}: IsTruncated is true: the export is one page of several, so users, roles and policies may be missing (the AWS CLI fetches every page unless --max-items is given)"
            ));
        }

        // Managed policies: the default version only.
        let mut managed: HashMap<Cow<'a, str>, Shared> = HashMap::new();
        let policies = raw.policies.unwrap_or_default();
        for (i, p) in policies.iter().enumerate() {
            let default = p.policy_version_list.iter().position(|v| {
                v.is_default_version
                    || (p.default_version_id.is_some() && v.version_id == p.default_version_id)
            });
            let Some(v) = default else {
                warnings.push(format!(
                    "{file}: Policies[{i}] ({}) has no default version in PolicyVersionList; it is treated as granting nothing",
                    p.arn
                ));
                continue;
            };
            let Some(document) = p.policy_version_list[v].document else {
                warnings.push(format!(
                    "{file}: Policies[{i}].PolicyVersionList[{v}] ({}) has no Document; it is treated as granting nothing",
                    p.arn
                ));
                continue;
            };
            let policy = reader.document(
                document,
                format_args!("Policies[{i}].PolicyVersionList[{v}].Document"),
                PolicyKind::Identity,
            )?;
            managed.insert(p.arn.clone(), Shared::new(policy));
        }

        let mut missing: HashSet<Cow<'a, str>> = HashSet::new();
        let mut groups: HashMap<Cow<'a, str>, Vec<GroupPolicy<'a>>> = HashMap::new();
        let raw_groups = raw.group_detail_list.unwrap_or_default();
        for (i, g) in raw_groups.iter().enumerate() {
            let mut files = Vec::new();
            for (j, inline) in g.group_policy_list.iter().enumerate() {
                let policy = reader.document(
                    inline.policy_document,
                    format_args!("GroupDetailList[{i}].GroupPolicyList[{j}].PolicyDocument"),
                    PolicyKind::Identity,
                )?;
                files.push(GroupPolicy {
                    name: format!("group {} inline {}", g.group_name, inline.policy_name),
                    policy: GroupSource::Inline(Box::new(Shared::new(policy))),
                });
            }
            for a in &g.attached_managed_policies {
                let arn = &a.policy_arn;
                if managed.contains_key(&**arn) {
                    files.push(GroupPolicy {
                        name: format!("group {} {arn}", g.group_name),
                        policy: GroupSource::Managed(arn.clone()),
                    });
                } else {
                    missing.insert(arn.clone());
                }
            }
            groups.insert(g.group_name.clone(), files);
        }

        let users = raw.user_detail_list.unwrap_or_default();
        let roles = raw.role_detail_list.unwrap_or_default();
        // What the report says about the principals' references, in the order it always has: per user its
        // missing groups and boundary, per role its boundary, then the missing managed policies by ARN.
        let missing_boundary = |arn: &Option<RawBoundary<'_>>,
                                who: String,
                                warnings: &mut Vec<String>| {
            if let Some(b) = arn
                && !managed.contains_key(&*b.permissions_boundary_arn)
            {
                warnings.push(format!(
                    "{who}: its permissions boundary {} is not among the export's Policies; it is evaluated without one, which may overstate what it may do",
                    b.permissions_boundary_arn
                ));
            }
        };
        for u in &users {
            for g in &u.group_list {
                if !groups.contains_key(&**g) {
                    warnings.push(format!(
                        "user {}: its group {g} is not in GroupDetailList; the group's policies are not counted",
                        u.user_name
                    ));
                }
            }
            missing_boundary(
                &u.permissions_boundary,
                format!("user {}", u.user_name),
                &mut warnings,
            );
        }
        for r in &roles {
            missing_boundary(
                &r.permissions_boundary,
                format!("role {}", r.role_name),
                &mut warnings,
            );
        }
        let attached = users
            .iter()
            .flat_map(|u| &u.attached_managed_policies)
            .chain(roles.iter().flat_map(|r| &r.attached_managed_policies));
        for a in attached {
            if !managed.contains_key(&*a.policy_arn) {
                missing.insert(a.policy_arn.clone());
            }
        }
        // Each inline document's text is hashed once: the first occurrence is remembered, and a later one maps
        // both to the first.
        let mut first_of: HashMap<&'a str, usize> = HashMap::new();
        let mut repeated = HashMap::new();
        let inline = users
            .iter()
            .flat_map(|u| &u.user_policy_list)
            .chain(roles.iter().flat_map(|r| &r.role_policy_list))
            .map(|i| i.policy_document.get());
        for text in inline {
            match first_of.entry(text) {
                Entry::Occupied(first) => {
                    repeated.insert(address(text), *first.get());
                    repeated.insert(*first.get(), *first.get());
                }
                Entry::Vacant(slot) => {
                    slot.insert(address(text));
                }
            }
        }
        drop(first_of);

        let mut missing: Vec<Cow<'a, str>> = missing.into_iter().collect();
        missing.sort_unstable();
        for arn in missing {
            warnings.push(format!(
                "managed policy {arn} is attached but not among the export's Policies; it is treated as granting nothing (export without --filter, or include AWSManagedPolicy)"
            ));
        }
        Ok(Account {
            checker,
            reader,
            users,
            roles,
            managed,
            groups,
            repeated,
            warnings,
        })
    }

    /// The `i`th user or role: every user, then every role, in the export's order.
    pub(crate) fn principal(&self, i: usize) -> Principal<'_, 'a> {
        if let Some(u) = self.users.get(i) {
            return Principal {
                kind: "user",
                name: &u.user_name,
                arn: &u.arn,
                list: "UserDetailList",
                position: i,
                inline: &u.user_policy_list,
                attached: &u.attached_managed_policies,
                groups: &u.group_list,
                boundary: u
                    .permissions_boundary
                    .as_ref()
                    .map(|b| &*b.permissions_boundary_arn),
            };
        }
        let position = i - self.users.len();
        let r = &self.roles[position];
        Principal {
            kind: "role",
            name: &r.role_name,
            arn: &r.arn,
            list: "RoleDetailList",
            position,
            inline: &r.role_policy_list,
            attached: &r.attached_managed_policies,
            groups: &[],
            boundary: r
                .permissions_boundary
                .as_ref()
                .map(|b| &*b.permissions_boundary_arn),
        }
    }

    /// How many users and roles the export holds together.
    pub(crate) fn len(&self) -> usize {
        self.users.len() + self.roles.len()
    }

    /// How many users and roles the export holds.
    pub(crate) fn counts(&self) -> (usize, usize) {
        (self.users.len(), self.roles.len())
    }

    /// Checks one user or role: its inline documents (read now), its managed policies and its groups' policies
    /// (read once for the account), its boundary, and the session's SCPs. A document IAM would refuse is an error
    /// located in the export.
    pub(crate) fn check(
        &self,
        session: &mut Session<'_, 'a>,
        p: &Principal<'_, 'a>,
    ) -> Result<Report, Unusable> {
        self.with_members(session, p, |checker, identity, boundary, scps| {
            checker.check(identity, boundary, scps)
        })
    }

    /// The decisions alone for one user or role, as [`Account::check`] gives them.
    pub(crate) fn decide(
        &self,
        session: &mut Session<'_, 'a>,
        p: &Principal<'_, 'a>,
    ) -> Result<Vec<ActionReport>, Unusable> {
        self.with_members(session, p, |checker, identity, boundary, scps| {
            checker.decide(identity, boundary, scps)
        })
    }

    /// The trust policy of the `position`th role (`None`: the export has none for it), named `trust policy of role
    /// <name>`; a document IAM would refuse is an error located in the export.
    pub(crate) fn trust_policy(&self, position: usize) -> Result<Option<PolicyFile>, Unusable> {
        let Some(role) = self.roles.get(position) else {
            return Ok(None);
        };
        role.assume_role_policy_document
            .map(|raw| {
                Ok(PolicyFile {
                    name: format!("trust policy of role {}", role.role_name),
                    policy: self.reader.document(
                        raw,
                        format_args!("RoleDetailList[{position}].AssumeRolePolicyDocument"),
                        PolicyKind::Trust,
                    )?,
                })
            })
            .transpose()
    }

    /// The principal's policies as `check` takes them (copies, named as the report names them): what the tests
    /// check the account's writers against, and the caller's policies when asked who may assume a role.
    pub(crate) fn policy_set(
        &self,
        p: &Principal<'_, 'a>,
        scps: &[PolicyFile],
    ) -> Result<marketplace_iam_policy::PolicySet, Unusable> {
        let file = |name: &str, policy: &Policy| PolicyFile {
            name: name.to_owned(),
            policy: policy.clone(),
        };
        let mut identity = Vec::new();
        for (j, inline) in p.inline.iter().enumerate() {
            let policy = self.inline_document(p, j)?;
            identity.push(file(&format!("inline {}", inline.policy_name), &policy));
        }
        for a in p.attached {
            if let Some((arn, shared)) = self.managed.get_key_value(&*a.policy_arn) {
                identity.push(file(arn, &shared.policy));
            }
        }
        for g in p.groups {
            for gp in self.groups.get(&**g).into_iter().flatten() {
                let policy = match &gp.policy {
                    GroupSource::Inline(shared) => &shared.policy,
                    GroupSource::Managed(arn) => &self.managed[&**arn].policy,
                };
                identity.push(file(&gp.name, policy));
            }
        }
        let mut set = marketplace_iam_policy::PolicySet::new(identity);
        if let Some((arn, shared)) = p.boundary.and_then(|arn| self.managed.get_key_value(arn)) {
            set = set.with_boundary(file(arn, &shared.policy));
        }
        set.scps = scps.to_vec();
        Ok(set)
    }

    /// The principal's `j`th inline document, read; an error is located in the export.
    fn inline_document(&self, p: &Principal<'_, 'a>, j: usize) -> Result<Policy, Unusable> {
        let suffix = if p.kind == "user" { "User" } else { "Role" };
        self.reader.document(
            p.inline[j].policy_document,
            format_args!(
                "{}[{}].{suffix}PolicyList[{j}].PolicyDocument",
                p.list, p.position
            ),
            PolicyKind::Identity,
        )
    }

    /// Calls `f` with the principal's policies, each prepared for the part it plays.
    fn with_members<R>(
        &self,
        session: &mut Session<'_, 'a>,
        p: &Principal<'_, 'a>,
        f: impl FnOnce(&Checker<'_>, &[Member<'_>], Option<&Member<'_>>, &[Member<'_>]) -> R,
    ) -> Result<R, Unusable> {
        let checker = self.checker;
        let mut own: Vec<(String, Arc<Shared>)> = Vec::with_capacity(p.inline.len());
        for (j, inline) in p.inline.iter().enumerate() {
            let text = inline.policy_document.get();
            let slot = self.repeated.get(&address(text)).copied();
            let shared = match slot.and_then(|slot| session.inline.get(&slot)) {
                Some(shared) => Arc::clone(shared),
                None => {
                    let shared = Arc::new(Shared::new(self.inline_document(p, j)?));
                    if let Some(slot) = slot {
                        session.inline.insert(slot, Arc::clone(&shared));
                    }
                    shared
                }
            };
            own.push((format!("inline {}", inline.policy_name), shared));
        }

        let mut identity: Vec<Member<'_>> = Vec::new();
        for (name, shared) in &own {
            identity.push(Member {
                name,
                policy: &shared.policy,
                prepared: shared.prepared(checker, PolicyKind::Identity),
            });
        }
        for a in p.attached {
            if let Some((arn, shared)) = self.managed.get_key_value(&*a.policy_arn) {
                identity.push(Member {
                    name: arn,
                    policy: &shared.policy,
                    prepared: shared.prepared(checker, PolicyKind::Identity),
                });
            }
        }
        for g in p.groups {
            for gp in self.groups.get(&**g).into_iter().flatten() {
                let shared = match &gp.policy {
                    GroupSource::Inline(shared) => shared,
                    GroupSource::Managed(arn) => &self.managed[&**arn],
                };
                identity.push(Member {
                    name: &gp.name,
                    policy: &shared.policy,
                    prepared: shared.prepared(checker, PolicyKind::Identity),
                });
            }
        }
        let boundary = p
            .boundary
            .and_then(|arn| self.managed.get_key_value(arn))
            .map(|(arn, shared)| Member {
                name: arn,
                policy: &shared.policy,
                prepared: shared.prepared(checker, PolicyKind::Boundary),
            });
        let scps: Vec<Member<'_>> = session
            .scps
            .iter()
            .map(|(f, prepared)| Member {
                name: &f.name,
                policy: &f.policy,
                prepared,
            })
            .collect();
        Ok(f(checker, &identity, boundary.as_ref(), &scps))
    }
}

/// Where a string of the export starts: two slices of the text are the same occurrence when their addresses are.
fn address(text: &str) -> usize {
    text.as_ptr() as usize
}

/// Reads an export of `aws iam get-account-authorization-details` (from standard input for `-`), at most
/// [`MAX_GAAD_BYTES`]: the name messages use for it, and its bytes.
pub(crate) fn read(path: &Path) -> Result<(String, Vec<u8>), Unusable> {
    crate::input::read_bytes_bounded(
        path,
        MAX_GAAD_BYTES,
        "an authorization-details export (`--gaad`)",
    )
}

/// The export's text: UTF-8, without a byte order mark.
pub(crate) fn text<'b>(file: &str, bytes: &'b [u8]) -> Result<&'b str, Unusable> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(
            std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
            e.valid_up_to(),
        );
        Unusable(format!(
            "{file}:{line}:{column}: the file is not UTF-8 text"
        ))
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}
