//! `--gaad --who-can-assume`: for each role of the export that may make every call, who may assume it.
//!
//! A role's trust policy is read from the export (`AssumeRolePolicyDocument`). Each user and role of the export is
//! asked the assume-role chain of `check --assume` (its identity policies and boundary, the trust policy, the
//! `--scp` policies) as a caller of `sts:AssumeRole` on the role. The request is not known beyond the caller's and
//! the role's ARNs: without `--context`, a condition on another key (an external ID, MFA) stays open and makes the
//! answer `conditional`, naming it; with `--context`, the context is the request. Beside them, every principal the
//! trust policy names is listed with its kind (another account, any principal, a web identity provider, a service)
//! and what it must meet, since those callers are outside the export.

use std::collections::hash_map::Entry;
use std::io::{self, Write};

use foldhash::{HashMap, HashMapExt};
use marketplace_iam_policy::{
    Caller, ConditionRef, Context, Decision, PolicyFile, PolicySet, Principal, PrincipalValue,
    StatementRef, TrustRequest, Verdict, evaluate_trust_open,
};
use serde::Serialize;

use super::account::Account;
use super::report::Class;
use crate::assume::{Hop, Outcome, Sts, Who};
use crate::output::{self, BOLD, DIM, GREEN, YELLOW};
use crate::{CheckFormat, Unusable};

/// The condition keys the request is known to carry: from the caller's and the role's ARNs.
const KNOWN_KEYS: [&str; 3] = [
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:ResourceAccount",
];

/// A role that may make every call, and who may assume it.
#[derive(Serialize)]
pub(crate) struct RoleAssumers {
    name: String,
    arn: String,
    /// Whether the export has the role's trust policy.
    has_trust_policy: bool,
    /// Every principal its trust policy names for the STS call of its type.
    trusted: Vec<Trusted>,
    /// The users and roles of the export that may assume it.
    assumers: Vec<Assumer>,
}

/// A principal a trust policy names.
#[derive(Serialize)]
struct Trusted {
    /// The principal type as written: `AWS`, `Service`, `Federated`; `*` for `"Principal": "*"`, `NotPrincipal` for
    /// an `Allow` with `NotPrincipal` (everyone but those named).
    #[serde(rename = "type")]
    principal_type: String,
    id: String,
    kind: &'static str,
    /// The STS call this principal makes: `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity` or
    /// `sts:AssumeRoleWithSAML`.
    action: &'static str,
    /// `allow`, `conditional` (under `conditions`) or `explicit_deny` (a `Deny` of the trust policy applies).
    decision: &'static str,
    conditions: Vec<ConditionRef>,
    statements: Vec<StatementRef>,
}

/// A user or role of the export that may assume the role.
#[derive(Serialize)]
struct Assumer {
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    arn: String,
    /// `allow`, or `conditional` under `conditions`.
    decision: &'static str,
    /// Whether the trust policy names it by its ARN (then, in the role's account, its identity policies need not
    /// allow the call).
    trust_names_it: bool,
    /// The open conditions the answer depends on.
    conditions: Vec<ConditionRef>,
    /// The statements the answer rests on: the trust policy's, the caller's identity policies' and the SCPs'.
    statements: Vec<StatementRef>,
}

/// `arn:<partition>:<service>::<account>:...`: the partition and the account.
fn partition_and_account(arn: &str) -> (&str, &str) {
    let mut parts = arn.splitn(6, ':');
    let partition = parts.nth(1).unwrap_or("aws");
    let account = parts.nth(2).unwrap_or("");
    (partition, account)
}

/// For each role that `classes` (the survey) says may make every call, who may assume it.
pub(crate) fn who_can_assume(
    account: &Account<'_>,
    classes: &[Class],
    scps: &[PolicyFile],
    context: Option<&Context>,
) -> Result<Vec<RoleAssumers>, Unusable> {
    let (users, _) = account.counts();
    let unknown = |key: &str| !KNOWN_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key));
    let open: Option<&dyn Fn(&str) -> bool> = if context.is_none() {
        Some(&unknown)
    } else {
        None
    };
    let nobody = PolicySet::new(Vec::new());
    // Each caller's policies, copied from the export once.
    let mut sets: HashMap<usize, PolicySet> = HashMap::new();
    let mut out = Vec::new();
    for (i, _) in classes
        .iter()
        .enumerate()
        .filter(|&(i, class)| i >= users && *class == Class::Allowed)
    {
        let role = account.principal(i);
        let Some(trust) = account.trust_policy(i - users)? else {
            out.push(RoleAssumers {
                name: role.name.to_owned(),
                arn: role.arn.to_owned(),
                has_trust_policy: false,
                trusted: Vec::new(),
                assumers: Vec::new(),
            });
            continue;
        };
        let (_, role_account) = partition_and_account(role.arn);
        let mut assumers = Vec::new();
        for j in 0..account.len() {
            let caller = account.principal(j);
            let mut request = context.cloned().unwrap_or_default();
            request.insert("aws:PrincipalArn", caller.arn);
            request.insert("aws:PrincipalAccount", partition_and_account(caller.arn).1);
            request.insert("aws:ResourceAccount", role_account);
            let mut sts = Sts {
                role_arn: role.arn,
                who: Who::Aws {
                    arn: caller.arn,
                    policies: &nobody,
                    scps,
                },
                trust: &trust,
                rcps: &[],
                context: &request,
                open,
            };
            // The trust policy first: most callers are not named, and need no copy of their policies.
            let answer = sts.trust();
            if !matches!(answer.decision, Decision::Allow | Decision::Conditional) {
                continue;
            }
            let trust_names_it = answer.names_caller_arn;
            let policies = match sets.entry(j) {
                Entry::Occupied(set) => set.into_mut(),
                Entry::Vacant(slot) => slot.insert(account.policy_set(&caller, &[])?),
            };
            sts.who = Who::Aws {
                arn: caller.arn,
                policies,
                scps,
            };
            let Some((decision, conditions, statements)) = combined(&sts.hops(answer)) else {
                continue;
            };
            assumers.push(Assumer {
                kind: caller.kind,
                name: caller.name.to_owned(),
                arn: caller.arn.to_owned(),
                decision: decision.as_str(),
                trust_names_it,
                conditions,
                statements,
            });
        }
        out.push(RoleAssumers {
            name: role.name.to_owned(),
            arn: role.arn.to_owned(),
            has_trust_policy: true,
            trusted: trusted(&trust, role.arn, context),
            assumers,
        });
    }
    Ok(out)
}

/// The STS request's answer over its hops: `None` when one denies; else `allow` or `conditional`, with the open
/// conditions and the statements the answer rests on.
fn combined(hops: &[Hop]) -> Option<(Decision, Vec<ConditionRef>, Vec<StatementRef>)> {
    let mut decision = Decision::Allow;
    let (mut open, mut rests_on) = (Vec::new(), Vec::new());
    for hop in hops {
        let Outcome::Decided {
            decision: d,
            statements,
            conditions,
            ..
        } = &hop.outcome
        else {
            continue;
        };
        match d {
            Decision::Allow => {}
            Decision::Conditional => {
                decision = Decision::Conditional;
                open.extend(conditions.iter().cloned());
            }
            Decision::ImplicitDeny | Decision::ExplicitDeny => return None,
        }
        rests_on.extend(statements.iter().cloned());
    }
    Some((decision, open, rests_on))
}

/// Every principal the trust policy names, each once, with what the trust policy answers it for the STS call of its
/// type (those it names only for another call, such as `sts:TagSession`, are left out).
fn trusted(trust: &PolicyFile, role_arn: &str, context: Option<&Context>) -> Vec<Trusted> {
    let (partition, role_account) = partition_and_account(role_arn);
    let mut named: Vec<(String, String)> = Vec::new();
    for statement in &trust.policy.statements {
        let entries: Vec<(String, String)> = match &statement.principal {
            Some(Principal::Principal(PrincipalValue::Any)) => vec![("*".into(), "*".into())],
            Some(Principal::Principal(PrincipalValue::Typed(entries))) => entries
                .iter()
                .flat_map(|(kind, ids)| ids.iter().map(move |id| (kind.clone(), id.clone())))
                .collect(),
            Some(Principal::NotPrincipal(_)) => vec![("NotPrincipal".into(), "*".into())],
            None => Vec::new(),
        };
        for entry in entries {
            if !named.contains(&entry) {
                named.push(entry);
            }
        }
    }
    let mut request = context.cloned().unwrap_or_default();
    request.insert("aws:ResourceAccount", role_account);
    named
        .into_iter()
        .filter_map(|(principal_type, id)| {
            let root;
            let (caller, action, kind) = match principal_type.as_str() {
                "AWS" => {
                    let account = if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
                        root = format!("arn:{partition}:iam::{id}:root");
                        Some(id.as_str())
                    } else {
                        root = id.clone();
                        id.starts_with("arn:").then(|| partition_and_account(&id).1)
                    };
                    let whole = root.ends_with(":root");
                    let kind = match (id.as_str(), account) {
                        ("*", _) => "any_principal",
                        (_, Some(a)) if a == role_account && whole => "this_account",
                        (_, Some(a)) if a == role_account => "principal_of_this_account",
                        (_, Some(_)) if whole => "external_account",
                        (_, Some(_)) => "external_principal",
                        (_, None) => "unknown",
                    };
                    (Caller::Aws(root.as_str()), "sts:AssumeRole", kind)
                }
                "*" => (Caller::Aws("*"), "sts:AssumeRole", "any_principal"),
                "NotPrincipal" => (Caller::Aws("*"), "sts:AssumeRole", "everyone_but_named"),
                "Service" => (Caller::Service(&id), "sts:AssumeRole", "service"),
                "Federated" if id.contains(":saml-provider/") => {
                    (Caller::Federated(&id), "sts:AssumeRoleWithSAML", "saml")
                }
                "Federated" => (
                    Caller::Federated(&id),
                    "sts:AssumeRoleWithWebIdentity",
                    "web_identity",
                ),
                _ => return None,
            };
            let answer = evaluate_trust_open(
                trust,
                &TrustRequest {
                    action,
                    caller,
                    context: &request,
                },
                // Without --context only the role's account is known of these callers' requests.
                &|key: &str| context.is_none() && !key.eq_ignore_ascii_case("aws:ResourceAccount"),
            );
            // Named only for other calls (`sts:TagSession`, ...): not a way to assume the role.
            (answer.decision != Decision::ImplicitDeny).then(|| Trusted {
                principal_type: principal_type.clone(),
                id: id.clone(),
                kind,
                action,
                decision: answer.decision.as_str(),
                conditions: answer.conditions,
                statements: answer.statements,
            })
        })
        .collect()
}

/// What a kind of trusted principal is, for a person.
fn kind_text(kind: &str) -> &'static str {
    match kind {
        "any_principal" => "any AWS principal",
        "this_account" => "this account",
        "principal_of_this_account" => "a principal of this account",
        "external_account" => "another account",
        "external_principal" => "a principal of another account",
        "everyone_but_named" => "everyone but the principals NotPrincipal names",
        "service" => "an AWS service",
        "web_identity" => "a web identity provider",
        "saml" => "a SAML provider",
        _ => "an identifier that is not an ARN (IAM shows a deleted principal's unique ID)",
    }
}

/// `` `sts:ExternalId` StringEquals "seller-42" ``, joined with "and".
fn conditions_text(conditions: &[ConditionRef]) -> String {
    conditions
        .iter()
        .map(|c| {
            let values: Vec<String> = c.values.iter().map(|v| format!("{v:?}")).collect();
            format!("`{}` {} {}", c.key, c.operator, values.join(" or "))
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

fn decision_text(decision: &str, conditions: &[ConditionRef]) -> String {
    match decision {
        "allow" => format!("{GREEN}allow{GREEN:#}"),
        "conditional" => format!(
            "{YELLOW}conditional{YELLOW:#} on {}",
            conditions_text(conditions)
        ),
        other => format!("{DIM}{other}{DIM:#}"),
    }
}

/// The text for a person.
fn write_text(out: &mut dyn Write, roles: &[RoleAssumers], spec: Option<&str>) -> io::Result<()> {
    let what = spec.map_or_else(|| "the calls".to_owned(), |s| format!("every call of {s}"));
    if roles.is_empty() {
        return writeln!(
            out,
            "No role of the export may make {what}: no role to assume for them."
        );
    }
    writeln!(out, "Who may assume the roles that may make {what}:")?;
    for role in roles {
        writeln!(out, "\n{BOLD}role {}{BOLD:#}  {}", role.name, role.arn)?;
        if !role.has_trust_policy {
            writeln!(
                out,
                "  the export has no AssumeRolePolicyDocument for it: nobody can be named"
            )?;
            continue;
        }
        writeln!(out, "  its trust policy names:")?;
        if role.trusted.is_empty() {
            writeln!(
                out,
                "    no principal, for any STS call: nobody may assume it"
            )?;
        }
        for t in &role.trusted {
            writeln!(
                out,
                "    {} {} ({}, {}): {}",
                kind_text(t.kind),
                t.id,
                t.principal_type,
                t.action,
                decision_text(t.decision, &t.conditions)
            )?;
        }
        if role.assumers.is_empty() {
            writeln!(out, "  no user or role of the export may assume it")?;
            continue;
        }
        writeln!(out, "  users and roles of the export that may assume it:")?;
        for a in &role.assumers {
            let named = if a.trust_names_it {
                " (the trust policy names it)"
            } else {
                ""
            };
            writeln!(
                out,
                "    {} {}{named}: {}",
                a.kind,
                a.name,
                decision_text(a.decision, &a.conditions)
            )?;
        }
    }
    Ok(())
}

/// Writes the answer in `format` (SARIF is refused before the export is read): JSON `{"verdict", "roles",
/// "warnings"}` with the account's verdict as `--gaad` gives it, JSON Lines one role per line (the warnings on
/// stderr), or text.
pub(crate) fn write(
    format: CheckFormat,
    roles: &[RoleAssumers],
    verdict: Verdict,
    warnings: &[String],
    spec: Option<&str>,
) -> Result<(), Unusable> {
    match format {
        CheckFormat::Json => {
            let verdict = match verdict {
                Verdict::Allowed => "allowed",
                Verdict::NotAllowed => "not_allowed",
            };
            #[derive(Serialize)]
            struct Document<'r> {
                verdict: &'static str,
                roles: &'r [RoleAssumers],
                warnings: &'r [String],
            }
            let document = Document {
                verdict,
                roles,
                warnings,
            };
            output::write_stdout_plain(|out| {
                serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::from)?;
                out.write_all(b"\n")
            })?;
        }
        CheckFormat::Jsonl => {
            for w in warnings {
                output::warning(w);
            }
            output::write_stdout_plain(|out| {
                for role in roles {
                    serde_json::to_writer(&mut *out, role).map_err(io::Error::from)?;
                    out.write_all(b"\n")?;
                }
                Ok(())
            })?;
        }
        CheckFormat::Text | CheckFormat::Sarif => {
            for w in warnings {
                output::warning(w);
            }
            output::write_stdout(|out| write_text(out, roles, spec))?;
        }
    }
    Ok(())
}
