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
use super::report::{Class, Nested, around_empty_array};
use crate::assume::{Hop, Outcome, Sts, Who};
use crate::output::{self, BOLD, DIM, GREEN, YELLOW};
use crate::{CheckFormat, Unusable};

/// The condition keys the request is known to carry: from the caller's and the role's ARNs, and that the caller is
/// not an AWS service.
const KNOWN_KEYS: [&str; 4] = [
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalIsAWSService",
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
    decision: Decision,
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
    decision: Decision,
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

/// Asks who may assume one role after another, keeping each caller's policies once copied.
struct Asker<'x, 'a> {
    account: &'x Account<'a>,
    scps: &'x [PolicyFile],
    context: Option<&'x Context>,
    /// Each caller's policies, copied from the export when first needed.
    sets: HashMap<usize, PolicySet>,
}

impl Asker<'_, '_> {
    /// Who may assume the `i`th principal of the export, a role whose trust policy is `trust`.
    fn role(&mut self, i: usize, trust: Option<&PolicyFile>) -> Result<RoleAssumers, Unusable> {
        let account = self.account;
        let role = account.principal(i);
        let mut answer = RoleAssumers {
            name: role.name.to_owned(),
            arn: role.arn.to_owned(),
            has_trust_policy: trust.is_some(),
            trusted: Vec::new(),
            assumers: Vec::new(),
        };
        let Some(trust) = trust else {
            return Ok(answer);
        };
        let unknown = |key: &str| !KNOWN_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key));
        let open: Option<&dyn Fn(&str) -> bool> = if self.context.is_none() {
            Some(&unknown)
        } else {
            None
        };
        let nobody = PolicySet::new(Vec::new());
        let (_, role_account) = partition_and_account(role.arn);
        // A trust policy that names only services and identity providers admits no user or role: skip asking each.
        let callers = if names_aws_principals(trust) {
            account.len()
        } else {
            0
        };
        for j in 0..callers {
            let caller = account.principal(j);
            let mut request = self.context.cloned().unwrap_or_default();
            request.insert("aws:PrincipalArn", caller.arn);
            request.insert("aws:PrincipalAccount", partition_and_account(caller.arn).1);
            request.insert("aws:PrincipalIsAWSService", "false");
            request.insert("aws:ResourceAccount", role_account);
            let mut sts = Sts {
                role_arn: role.arn,
                who: Who::Aws {
                    arn: caller.arn,
                    policies: &nobody,
                    scps: self.scps,
                },
                trust,
                rcps: &[],
                context: &request,
                open,
            };
            // The trust policy first: most callers are not named, and need no copy of their policies.
            let admitted = sts.trust();
            if !matches!(admitted.decision, Decision::Allow | Decision::Conditional) {
                continue;
            }
            let trust_names_it = admitted.names_caller_arn;
            let policies = match self.sets.entry(j) {
                Entry::Occupied(set) => set.into_mut(),
                Entry::Vacant(slot) => slot.insert(account.policy_set(&caller, &[])?),
            };
            sts.who = Who::Aws {
                arn: caller.arn,
                policies,
                scps: self.scps,
            };
            let Some((decision, conditions, statements)) = combined(&sts.hops(admitted)) else {
                continue;
            };
            answer.assumers.push(Assumer {
                kind: caller.kind,
                name: caller.name.to_owned(),
                arn: caller.arn.to_owned(),
                decision,
                trust_names_it,
                conditions,
                statements,
            });
        }
        answer.trusted = trusted(trust, role.arn, self.context);
        Ok(answer)
    }
}

/// Whether a statement of `trust` may name an IAM user or role: `"*"`, an `AWS` principal, or `NotPrincipal`.
fn names_aws_principals(trust: &PolicyFile) -> bool {
    trust.policy.statements.iter().any(|s| match &s.principal {
        Some(Principal::Principal(PrincipalValue::Typed(entries))) => {
            entries.iter().any(|(kind, _)| kind == "AWS")
        }
        Some(_) => true,
        None => false,
    })
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
                    let account = if crate::assume::is_account(&id) {
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
                decision: answer.decision,
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

fn decision_text(decision: Decision, conditions: &[ConditionRef]) -> String {
    match decision {
        Decision::Allow => format!("{GREEN}allow{GREEN:#}"),
        Decision::Conditional => format!(
            "{YELLOW}conditional{YELLOW:#} on {}",
            conditions_text(conditions)
        ),
        other => format!("{DIM}{}{DIM:#}", other.as_str()),
    }
}

/// One role's answer, for a person.
fn role_text(out: &mut dyn Write, role: &RoleAssumers) -> io::Result<()> {
    writeln!(out, "\n{BOLD}role {}{BOLD:#}  {}", role.name, role.arn)?;
    if !role.has_trust_policy {
        return writeln!(
            out,
            "  the export has no AssumeRolePolicyDocument for it: nobody can be named"
        );
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
        return writeln!(out, "  no user or role of the export may assume it");
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
    Ok(())
}

/// One role as an element of the JSON document's `roles`, two levels deep.
fn element(out: &mut dyn Write, role: &RoleAssumers) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, Nested::at(2));
    role.serialize(&mut serializer).map_err(io::Error::from)
}

/// A role's answer, given to a sink as it is made.
type Each<'e> = dyn FnMut(&mut dyn FnMut(&RoleAssumers) -> io::Result<()>) -> io::Result<()> + 'e;

/// The JSON document `{"verdict", "roles", "warnings"}`, pretty-printed as serde_json prints it whole, the roles
/// written one by one as `each` gives them.
fn write_json(
    out: &mut dyn Write,
    verdict: Verdict,
    warnings: &[String],
    each: &mut Each<'_>,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Whole<'r> {
        verdict: Verdict,
        roles: [(); 0],
        warnings: &'r [String],
    }
    let whole = serde_json::to_string_pretty(&Whole {
        verdict,
        roles: [],
        warnings,
    })?;
    let (head, tail) = around_empty_array(&whole, "roles");
    out.write_all(head.as_bytes())?;
    out.write_all(b"\"roles\": [")?;
    let mut first = true;
    each(&mut |role| {
        let separator: &[u8] = if first { b"\n    " } else { b",\n    " };
        first = false;
        out.write_all(separator)?;
        element(&mut *out, role)
    })?;
    out.write_all(if first { b"]" } else { b"\n  ]" })?;
    out.write_all(tail.as_bytes())?;
    out.write_all(b"\n")
}

/// Writes, for each role that `classes` (the survey) says may make every call, who may assume it, in `format`
/// (SARIF is refused before the export is read): JSON `{"verdict", "roles", "warnings"}` with the account's verdict
/// as `--gaad` gives it, JSON Lines one role per line (the warnings on stderr), or text. Roles are written as they
/// are answered: memory holds one role's answer, not the report. Every trust policy asked about is read before
/// anything is written, so that a bad one is refused with nothing on stdout.
pub(crate) fn write(
    format: CheckFormat,
    question: Question<'_, '_>,
    spec: Option<&str>,
) -> Result<(), Unusable> {
    let account = question.account;
    let (users, _) = account.counts();
    let roles = question
        .classes
        .iter()
        .enumerate()
        .filter(|&(i, class)| i >= users && *class == Class::Allowed)
        .map(|(i, _)| Ok((i, account.trust_policy(i - users)?)))
        .collect::<Result<Vec<_>, Unusable>>()?;
    let mut asker = Asker {
        account,
        scps: question.scps,
        context: question.context,
        sets: HashMap::new(),
    };
    let mut each = |sink: &mut dyn FnMut(&RoleAssumers) -> io::Result<()>| -> io::Result<()> {
        for (i, trust) in &roles {
            sink(&asker.role(*i, trust.as_ref())?)?;
        }
        Ok(())
    };
    match format {
        CheckFormat::Json => output::write_stdout_plain(|out| {
            write_json(out, question.verdict, &account.warnings, &mut each)
        })?,
        CheckFormat::Jsonl => {
            for w in &account.warnings {
                output::warning(w);
            }
            output::write_stdout_plain(|out| {
                each(&mut |role| {
                    serde_json::to_writer(&mut *out, role).map_err(io::Error::from)?;
                    out.write_all(b"\n")
                })
            })?;
        }
        CheckFormat::Text | CheckFormat::Sarif => {
            for w in &account.warnings {
                output::warning(w);
            }
            output::write_stdout(|out| {
                let what =
                    spec.map_or_else(|| "the calls".to_owned(), |s| format!("every call of {s}"));
                if roles.is_empty() {
                    return writeln!(
                        out,
                        "No role of the export may make {what}: no role to assume for them."
                    );
                }
                writeln!(out, "Who may assume the roles that may make {what}:")?;
                each(&mut |role| role_text(&mut *out, role))
            })?;
        }
    }
    Ok(())
}

/// What `--who-can-assume` is asked with.
pub(crate) struct Question<'x, 'a> {
    pub(crate) account: &'x Account<'a>,
    /// The survey's class of every principal.
    pub(crate) classes: &'x [Class],
    /// The account's SCPs (`--scp`).
    pub(crate) scps: &'x [PolicyFile],
    /// `--context`, if given.
    pub(crate) context: Option<&'x Context>,
    /// The account's verdict.
    pub(crate) verdict: Verdict,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(name: &str, assumers: usize) -> RoleAssumers {
        let condition = ConditionRef {
            policy: "trust policy of role r".to_owned(),
            kind: marketplace_iam_policy::PolicyKind::Trust,
            index: 1,
            sid: Some("Saas".to_owned()),
            operator: "StringEquals".to_owned(),
            key: "sts:ExternalId".to_owned(),
            values: vec!["seller \"42\"".to_owned()],
        };
        RoleAssumers {
            name: name.to_owned(),
            arn: format!("arn:aws:iam::111122223333:role/{name}"),
            has_trust_policy: assumers > 0,
            trusted: vec![Trusted {
                principal_type: "AWS".to_owned(),
                id: "arn:aws:iam::444455556666:root".to_owned(),
                kind: "external_account",
                action: "sts:AssumeRole",
                decision: Decision::Conditional,
                conditions: vec![condition.clone()],
                statements: Vec::new(),
            }],
            assumers: (0..assumers)
                .map(|i| Assumer {
                    kind: "user",
                    name: format!("u{i}"),
                    arn: format!("arn:aws:iam::111122223333:user/u{i}"),
                    decision: Decision::Allow,
                    trust_names_it: i % 2 == 0,
                    conditions: vec![condition.clone()],
                    statements: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_streamed_json_is_the_document_serialized_whole() {
        #[derive(Serialize)]
        struct Whole<'r> {
            verdict: Verdict,
            roles: &'r [RoleAssumers],
            warnings: &'r [String],
        }
        let warnings = vec!["a warning with \"quotes\"".to_owned()];
        for roles in [
            vec![],
            vec![role("one", 0)],
            vec![role("a", 2), role("b", 0), role("c", 3)],
        ] {
            let mut streamed = Vec::new();
            write_json(&mut streamed, Verdict::Allowed, &warnings, &mut |sink| {
                roles.iter().try_for_each(&mut *sink)
            })
            .unwrap();
            let whole = serde_json::to_string_pretty(&Whole {
                verdict: Verdict::Allowed,
                roles: &roles,
                warnings: &warnings,
            })
            .unwrap()
                + "\n";
            assert_eq!(String::from_utf8(streamed).unwrap(), whole);
        }
    }
}
