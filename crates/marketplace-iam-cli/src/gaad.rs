//! `--gaad`: the output of `aws iam get-account-authorization-details`, and which of its users and roles may make
//! the calls.
//!
//! The file is read once into memory and deserialized into borrowed shapes: policy documents stay slices of the
//! file (`RawValue`) until the strict policy reader parses them, and a managed policy's non-default versions are
//! never parsed. Documents may be JSON objects (what the AWS CLI prints) or URL-encoded strings (what the API
//! returns); both are read.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use marketplace_iam_policy::{
    ActionReport, Context, Decision, OverGrant, Policy, PolicyError, PolicyFile, PolicyKind,
    PolicySet, Verdict, Warning, check,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::Unusable;

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
    user_name: String,
    arn: String,
    #[serde(default, borrow)]
    user_policy_list: Vec<RawInline<'a>>,
    #[serde(default)]
    group_list: Vec<String>,
    #[serde(default)]
    attached_managed_policies: Vec<RawAttached>,
    permissions_boundary: Option<RawBoundary>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawGroup<'a> {
    group_name: String,
    #[serde(default, borrow)]
    group_policy_list: Vec<RawInline<'a>>,
    #[serde(default)]
    attached_managed_policies: Vec<RawAttached>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawRole<'a> {
    role_name: String,
    arn: String,
    #[serde(default, borrow)]
    role_policy_list: Vec<RawInline<'a>>,
    #[serde(default)]
    attached_managed_policies: Vec<RawAttached>,
    permissions_boundary: Option<RawBoundary>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawInline<'a> {
    policy_name: String,
    #[serde(borrow)]
    policy_document: &'a RawValue,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawAttached {
    policy_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawBoundary {
    permissions_boundary_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawManagedPolicy<'a> {
    arn: String,
    default_version_id: Option<String>,
    #[serde(default, borrow)]
    policy_version_list: Vec<RawVersion<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawVersion<'a> {
    #[serde(default, borrow)]
    document: Option<&'a RawValue>,
    version_id: Option<String>,
    #[serde(default)]
    is_default_version: bool,
}

/// A user or role with its policies, ready to evaluate.
struct Principal {
    kind: &'static str,
    name: String,
    arn: String,
    set: PolicySet,
}

/// An account's users and roles with their policies, read from an authorization-details export.
pub(crate) struct Account {
    principals: Vec<Principal>,
    warnings: Vec<String>,
}

/// For one user or role: the same per-action answers as `check`, the over-grants by name, and the warnings.
#[derive(Serialize)]
pub(crate) struct PrincipalReport {
    /// `user` or `role`.
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) name: String,
    pub(crate) arn: String,
    pub(crate) verdict: Verdict,
    pub(crate) actions: Vec<ActionReport>,
    pub(crate) over_grants: Vec<OverGrantSummary>,
    pub(crate) warnings: Vec<Warning>,
}

/// An over-grant without the statements that grant it.
#[derive(Serialize)]
pub(crate) struct OverGrantSummary {
    pub(crate) action: String,
    pub(crate) access_level: &'static str,
    pub(crate) decision: Decision,
}

impl From<OverGrant> for OverGrantSummary {
    fn from(g: OverGrant) -> Self {
        OverGrantSummary {
            action: g.action,
            access_level: g.access_level.as_str(),
            decision: g.decision,
        }
    }
}

impl PrincipalReport {
    pub(crate) fn is_allowed(&self) -> bool {
        self.verdict == Verdict::Allowed
    }

    /// Whether the principal's policies are about one of the actions: it is allowed, conditional or explicitly
    /// denied, or allowed by the identity policies but not by the boundary or an SCP.
    pub(crate) fn is_relevant(&self) -> bool {
        self.actions.iter().any(|a| {
            a.decision != Decision::ImplicitDeny
                || a.statements.iter().any(|s| s.kind != PolicyKind::Identity)
        })
    }
}

/// The account-wide answer.
#[derive(Serialize)]
pub(crate) struct AccountReport {
    /// `allowed` when at least one user or role may make every call unconditionally.
    pub(crate) verdict: Verdict,
    pub(crate) actions: Vec<String>,
    pub(crate) principals: Vec<PrincipalReport>,
    pub(crate) warnings: Vec<String>,
}

impl AccountReport {
    pub(crate) fn is_allowed(&self) -> bool {
        self.verdict == Verdict::Allowed
    }

    pub(crate) fn to_json(&self) -> String {
        // Plain structs with string keys: serializing cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Decodes `%XX` escapes (RFC 3986, as IAM encodes policy documents). `+` is left alone: IAM encodes a space as
/// `%20`.
fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                None => {
                    return Err(format!(
                        "`%` at character {} is not followed by two hex digits",
                        s[..i].chars().count() + 1
                    ));
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "the decoded document is not UTF-8 text".to_owned())
}

struct Reader<'a> {
    file: String,
    text: &'a str,
}

impl Reader<'_> {
    /// Parses one embedded policy document; errors name the export, the position and the JSON path in it.
    fn document(&self, raw: &RawValue, path: &str) -> Result<Policy, Unusable> {
        let slice = raw.get();
        // The raw value is a slice of `self.text`: its offset locates errors in the export.
        // Located only on error: counting lines for every document would be quadratic in the export's size.
        let offset = (slice.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        let at = || line_col(self.text, offset);
        let join = |e: &PolicyError| {
            if e.path.is_empty() {
                path.to_owned()
            } else {
                format!("{path}.{}", e.path)
            }
        };
        if slice.starts_with('"') {
            let encoded: String = serde_json::from_str(slice).map_err(|e| {
                let (line, column) = at();
                Unusable(format!("{}:{line}:{column}: {path}: {e}", self.file))
            })?;
            let decoded = percent_decode(&encoded).map_err(|e| {
                let (line, column) = at();
                Unusable(format!(
                    "{}:{line}:{column}: {path}: the URL-encoded policy document cannot be decoded: {e}",
                    self.file
                ))
            })?;
            Policy::parse(&self.file, &decoded).map_err(|e| {
                let (line, column) = at();
                Unusable(format!(
                    "{}:{line}:{column}: {}: {} (at {}:{} of the URL-decoded document)",
                    self.file,
                    join(&e),
                    e.message,
                    e.line,
                    e.column
                ))
            })
        } else {
            Policy::parse(&self.file, slice).map_err(|e| {
                // Relocate the document's position into the export.
                let (line, column) = at();
                let (l, c) = if e.line <= 1 {
                    (line, column + e.column.saturating_sub(1))
                } else {
                    (line + e.line - 1, e.column)
                };
                Unusable(format!(
                    "{}:{l}:{c}: {}: {}",
                    self.file,
                    join(&e),
                    e.message
                ))
            })
        }
    }
}

impl Account {
    /// Reads an export of `aws iam get-account-authorization-details`, from standard input for `-`.
    pub(crate) fn read(path: &Path) -> Result<Account, Unusable> {
        let (file, bytes) = crate::input::read_bytes(path)?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let (line, column) = line_col(
                std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
                e.valid_up_to(),
            );
            Unusable(format!(
                "{file}:{line}:{column}: the file is not UTF-8 text"
            ))
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Account::parse(&file, text)
    }

    /// Reads an export held in memory; `file` names it in messages.
    pub(crate) fn parse(file: &str, text: &str) -> Result<Account, Unusable> {
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
        let mut de = serde_json::Deserializer::from_str(text);
        let raw: RawAccount<'_> = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| located(e.inner(), &e.path().to_string()))?;
        de.end().map_err(|e| located(&e, ""))?;
        if raw.user_detail_list.is_none()
            && raw.group_detail_list.is_none()
            && raw.role_detail_list.is_none()
            && raw.policies.is_none()
        {
            return Err(Unusable(format!(
                "{file}: not the output of `aws iam get-account-authorization-details`: it has none of UserDetailList, GroupDetailList, RoleDetailList and Policies"
            )));
        }
        let users = raw.user_detail_list.unwrap_or_default();
        let groups_raw = raw.group_detail_list.unwrap_or_default();
        let roles = raw.role_detail_list.unwrap_or_default();
        let policies = raw.policies.unwrap_or_default();
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
        let mut managed: HashMap<&str, PolicyFile> = HashMap::new();
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
                &format!("Policies[{i}].PolicyVersionList[{v}].Document"),
            )?;
            managed.insert(
                p.arn.as_str(),
                PolicyFile {
                    name: p.arn.clone(),
                    policy,
                },
            );
        }

        let mut missing: HashSet<String> = HashSet::new();
        let mut attach = |arns: &[RawAttached], prefix: &str, into: &mut Vec<PolicyFile>| {
            for a in arns {
                match managed.get(a.policy_arn.as_str()) {
                    Some(p) => into.push(PolicyFile {
                        name: format!("{prefix}{}", p.name),
                        policy: p.policy.clone(),
                    }),
                    None => {
                        missing.insert(a.policy_arn.clone());
                    }
                }
            }
        };

        let mut groups: HashMap<&str, Vec<PolicyFile>> = HashMap::new();
        for (i, g) in groups_raw.iter().enumerate() {
            let mut files = Vec::new();
            for (j, inline) in g.group_policy_list.iter().enumerate() {
                let policy = reader.document(
                    inline.policy_document,
                    &format!("GroupDetailList[{i}].GroupPolicyList[{j}].PolicyDocument"),
                )?;
                files.push(PolicyFile {
                    name: format!("group {} inline {}", g.group_name, inline.policy_name),
                    policy,
                });
            }
            attach(
                &g.attached_managed_policies,
                &format!("group {} ", g.group_name),
                &mut files,
            );
            groups.insert(g.group_name.as_str(), files);
        }

        let mut principals = Vec::new();
        let boundary_of = |b: &Option<RawBoundary>, who: &str, warnings: &mut Vec<String>| {
            let b = b.as_ref()?;
            match managed.get(b.permissions_boundary_arn.as_str()) {
                Some(p) => Some(p.clone()),
                None => {
                    warnings.push(format!(
                        "{who}: its permissions boundary {} is not among the export's Policies; it is evaluated without one, which may overstate what it may do",
                        b.permissions_boundary_arn
                    ));
                    None
                }
            }
        };

        for (i, u) in users.iter().enumerate() {
            let mut identity = Vec::new();
            for (j, inline) in u.user_policy_list.iter().enumerate() {
                let policy = reader.document(
                    inline.policy_document,
                    &format!("UserDetailList[{i}].UserPolicyList[{j}].PolicyDocument"),
                )?;
                identity.push(PolicyFile {
                    name: format!("inline {}", inline.policy_name),
                    policy,
                });
            }
            attach(&u.attached_managed_policies, "", &mut identity);
            for g in &u.group_list {
                match groups.get(g.as_str()) {
                    Some(files) => identity.extend(files.iter().cloned()),
                    None => warnings.push(format!(
                        "user {}: its group {g} is not in GroupDetailList; the group's policies are not counted",
                        u.user_name
                    )),
                }
            }
            let mut set = PolicySet::new(identity);
            set.boundary = boundary_of(
                &u.permissions_boundary,
                &format!("user {}", u.user_name),
                &mut warnings,
            );
            principals.push(Principal {
                kind: "user",
                name: u.user_name.clone(),
                arn: u.arn.clone(),
                set,
            });
        }
        for (i, r) in roles.iter().enumerate() {
            let mut identity = Vec::new();
            for (j, inline) in r.role_policy_list.iter().enumerate() {
                let policy = reader.document(
                    inline.policy_document,
                    &format!("RoleDetailList[{i}].RolePolicyList[{j}].PolicyDocument"),
                )?;
                identity.push(PolicyFile {
                    name: format!("inline {}", inline.policy_name),
                    policy,
                });
            }
            attach(&r.attached_managed_policies, "", &mut identity);
            let mut set = PolicySet::new(identity);
            set.boundary = boundary_of(
                &r.permissions_boundary,
                &format!("role {}", r.role_name),
                &mut warnings,
            );
            principals.push(Principal {
                kind: "role",
                name: r.role_name.clone(),
                arn: r.arn.clone(),
                set,
            });
        }

        let mut missing: Vec<String> = missing.into_iter().collect();
        missing.sort();
        for arn in missing {
            warnings.push(format!(
                "managed policy {arn} is attached but not among the export's Policies; it is treated as granting nothing (export without --filter, or include AWSManagedPolicy)"
            ));
        }
        Ok(Account {
            principals,
            warnings,
        })
    }

    /// Checks every user and role for the `required` actions, under the given SCPs and context.
    pub(crate) fn check(
        self,
        required: &[String],
        scps: &[PolicyFile],
        context: Option<&Context>,
    ) -> AccountReport {
        let mut reports = Vec::with_capacity(self.principals.len());
        for mut p in self.principals {
            p.set.scps = scps.to_vec();
            let report = check(&p.set, required, context);
            reports.push(PrincipalReport {
                kind: p.kind,
                name: p.name,
                arn: p.arn,
                verdict: report.verdict,
                actions: report.actions,
                over_grants: report.over_grants.into_iter().map(Into::into).collect(),
                warnings: report.warnings,
            });
        }
        let verdict = if reports.iter().any(PrincipalReport::is_allowed) {
            Verdict::Allowed
        } else {
            Verdict::NotAllowed
        };
        AccountReport {
            verdict,
            actions: required.to_vec(),
            principals: reports,
            warnings: self.warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("%7B%22a%22%3A%201%7D").unwrap(),
            "{\"a\": 1}"
        );
        assert_eq!(percent_decode("a+b%20c").unwrap(), "a+b c");
        assert!(percent_decode("%7").is_err());
        assert!(percent_decode("%zz").is_err());
        assert!(percent_decode("%ff").is_err());
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nx", 1 + 1), (1, 2));
    }
}
