//! The resource-based half of the assume-role hop: whether a role's trust policy lets a caller assume it
//! (`sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML`, `sts:TagSession`).
//!
//! A trust policy is a resource-based policy: a statement applies when its `Principal` (or `NotPrincipal`) names the
//! caller, its `Action` covers the request's action, and its conditions hold in the request's context (a key the
//! context lacks is absent, as IAM evaluates it; see [`Context`]). An applying `Deny` wins; otherwise an applying
//! `Allow` allows; otherwise the trust policy does not allow the caller. The caller's own identity policies (which
//! must allow the action on the role's ARN when the caller is in another account, or in the same account without the
//! trust naming it), SCPs and RCPs are the other hops, evaluated elsewhere.
//!
//! How `Principal` names a caller (IAM User Guide, "AWS JSON policy elements: Principal"):
//! - `"*"` or `{"AWS": "*"}`: every principal.
//! - `{"AWS": "123456789012"}` or `{"AWS": "arn:aws:iam::123456789012:root"}`: every principal of that account.
//! - `{"AWS": "arn:aws:iam::123456789012:role/path/Name"}`: that role, and so its sessions
//!   (`arn:aws:sts::123456789012:assumed-role/Name/session`, which carry no path).
//! - `{"AWS": "arn:aws:iam::123456789012:user/Name"}`: that user.
//! - `{"Service": "ec2.amazonaws.com"}`: that service; `{"Federated": "<provider>"}`: a web identity or SAML
//!   provider (an IAM OIDC provider's ARN, or `cognito-identity.amazonaws.com`, `accounts.google.com`, ...).
//!
//! IAM refuses wildcards inside a principal's ARN, so identifiers are compared as written.

use crate::document::{Effect, Principal, PrincipalValue, Statement};
use crate::eval::condition::{Context, holds};
use crate::eval::{
    ConditionRef, Decision, PolicyFile, PolicyKind, StatementRef, condition_refs, covers_action,
};

/// Who asks to assume the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller<'a> {
    /// An IAM user, a role or a role's session, or an account's root, by ARN: `arn:aws:iam::111122223333:user/u`,
    /// `arn:aws:iam::111122223333:role/R`, `arn:aws:sts::111122223333:assumed-role/R/session`,
    /// `arn:aws:iam::111122223333:root`.
    Aws(&'a str),
    /// An AWS service: `ec2.amazonaws.com`.
    Service(&'a str),
    /// A web identity or SAML provider: an IAM OIDC provider's ARN
    /// (`arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE`) or a well-known
    /// provider's name (`cognito-identity.amazonaws.com`).
    Federated(&'a str),
}

/// A request to assume a role: the STS action, the caller, and the request's context (`sts:ExternalId`,
/// `aws:SourceAccount`, `aws:PrincipalOrgID`, a web identity's `<issuer>:sub` and `<issuer>:aud`, ...).
#[derive(Debug, Clone, Copy)]
pub struct TrustRequest<'a> {
    /// `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML` or `sts:TagSession`.
    pub action: &'a str,
    /// Who asks.
    pub caller: Caller<'a>,
    /// The request's context; a key it lacks is absent from the request.
    pub context: &'a Context,
}

/// The trust policy's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustEvaluation {
    /// `allow` (an `Allow` applies and no `Deny`), `explicit_deny` (a `Deny` applies) or `implicit_deny` (no
    /// statement allows the caller).
    pub decision: Decision,
    /// For `allow` the allowing statements, for `explicit_deny` the denying ones; none for `implicit_deny`.
    pub statements: Vec<StatementRef>,
    /// The conditions of those statements, all of which held.
    pub conditions: Vec<ConditionRef>,
    /// For `implicit_deny`: the statements that name the caller and the action but whose conditions failed, so the
    /// report can say which condition the request does not meet (e.g. a missing `sts:ExternalId`).
    pub failed: Vec<ConditionRef>,
}

/// Whether `trust` (a role's trust policy) lets the caller of `request` make its STS call on the role.
///
/// ```
/// use marketplace_iam_policy::{Caller, Context, Decision, PolicyFile, TrustRequest, evaluate_trust};
///
/// let trust = PolicyFile::parse("trust.json", r#"{"Version": "2012-10-17", "Statement": {
///     "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole",
///     "Condition": {"StringEquals": {"sts:ExternalId": "seller-42"}}}}"#)?;
/// let caller = Caller::Aws("arn:aws:sts::111122223333:assumed-role/saas-app/session");
///
/// let without: Context = Context::new();
/// let request = TrustRequest { action: "sts:AssumeRole", caller, context: &without };
/// let answer = evaluate_trust(&trust, &request);
/// assert_eq!(answer.decision, Decision::ImplicitDeny);
/// assert_eq!(answer.failed[0].key, "sts:ExternalId");
///
/// let with: Context = [("sts:ExternalId", "seller-42")].into_iter().collect();
/// let request = TrustRequest { action: "sts:AssumeRole", caller, context: &with };
/// assert_eq!(evaluate_trust(&trust, &request).decision, Decision::Allow);
/// # Ok::<(), marketplace_iam_policy::PolicyError>(())
/// ```
pub fn evaluate_trust(trust: &PolicyFile, request: &TrustRequest<'_>) -> TrustEvaluation {
    let action = request.action.to_ascii_lowercase();
    let (mut allows, mut denies, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    for (index, statement) in trust.policy.statements.iter().enumerate() {
        if !names(statement, request.caller) || !covers_action(statement, action.as_bytes()) {
            continue;
        }
        let held = statement
            .conditions
            .iter()
            .all(|c| holds(c, request.context, trust.policy.version));
        let hit = (index, statement);
        match (held, statement.effect) {
            (true, Effect::Deny) => denies.push(hit),
            (true, Effect::Allow) => allows.push(hit),
            (false, Effect::Allow) => failed.extend(
                condition_refs(&trust.name, PolicyKind::Identity, index, statement)
                    .zip(&statement.conditions)
                    .filter(|(_, c)| !holds(c, request.context, trust.policy.version))
                    .map(|(r, _)| r),
            ),
            (false, Effect::Deny) => {}
        }
    }
    let (decision, hits) = if !denies.is_empty() {
        (Decision::ExplicitDeny, denies)
    } else if !allows.is_empty() {
        (Decision::Allow, allows)
    } else {
        (Decision::ImplicitDeny, Vec::new())
    };
    let statements = hits
        .iter()
        .map(|&(index, s)| StatementRef::named(&trust.name, PolicyKind::Identity, index, s))
        .collect();
    let conditions = hits
        .iter()
        .flat_map(|&(index, s)| condition_refs(&trust.name, PolicyKind::Identity, index, s))
        .collect();
    TrustEvaluation {
        decision,
        statements,
        conditions,
        failed: if decision == Decision::ImplicitDeny {
            failed
        } else {
            Vec::new()
        },
    }
}

/// Whether a statement's `Principal`/`NotPrincipal` names the caller. A statement without either names nobody (IAM
/// refuses such a statement in a trust policy).
fn names(statement: &Statement, caller: Caller<'_>) -> bool {
    match &statement.principal {
        Some(Principal::Principal(value)) => value_names(value, caller),
        Some(Principal::NotPrincipal(value)) => !value_names(value, caller),
        None => false,
    }
}

fn value_names(value: &PrincipalValue, caller: Caller<'_>) -> bool {
    match value {
        PrincipalValue::Any => true,
        PrincipalValue::Typed(entries) => entries.iter().any(|(kind, ids)| {
            ids.iter().any(|id| match (kind.as_str(), caller) {
                ("AWS", Caller::Aws(arn)) => aws_id_names(id, arn),
                ("Service", Caller::Service(service)) => id.eq_ignore_ascii_case(service),
                ("Federated", Caller::Federated(provider)) => id == provider,
                _ => false,
            })
        }),
    }
}

/// Whether the `AWS` principal `id` names the caller whose ARN is `caller`.
fn aws_id_names(id: &str, caller: &str) -> bool {
    if id == "*" || id == caller {
        return true;
    }
    let Some(who) = Arn::of(caller) else {
        return false;
    };
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        return who.account == id;
    }
    let Some(named) = Arn::of(id) else {
        return false;
    };
    if named.partition != who.partition || named.account != who.account {
        return false;
    }
    match (named.service, named.resource) {
        // The account: every principal in it.
        ("iam", "root") => true,
        // A role: the role itself, and its sessions (whose ARN has the role's name without its path).
        ("iam", role) if role.starts_with("role/") => {
            let name = role.rsplit('/').next().unwrap_or("");
            who.service == "sts"
                && who
                    .resource
                    .strip_prefix("assumed-role/")
                    .and_then(|rest| rest.split('/').next())
                    == Some(name)
        }
        _ => false,
    }
}

/// The parts of an ARN a principal's identity depends on.
struct Arn<'a> {
    partition: &'a str,
    service: &'a str,
    account: &'a str,
    resource: &'a str,
}

impl<'a> Arn<'a> {
    fn of(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.splitn(6, ':');
        let (arn, partition, service, _region, account, resource) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        (arn == "arn").then_some(Arn {
            partition,
            service,
            account,
            resource,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trust(principal: &str, condition: &str) -> PolicyFile {
        PolicyFile::parse(
            "trust.json",
            &format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal},
                "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]{condition}}}]}}"#
            ),
        )
        .expect("a valid trust policy")
    }

    fn decide(trust: &PolicyFile, action: &str, caller: Caller<'_>, context: &Context) -> Decision {
        evaluate_trust(
            trust,
            &TrustRequest {
                action,
                caller,
                context,
            },
        )
        .decision
    }

    #[test]
    fn principals_name_callers_as_iam_documents() {
        let none = Context::new();
        let session = Caller::Aws("arn:aws:sts::111122223333:assumed-role/saas-app/i-0abc");
        let cases: &[(&str, Caller<'_>, Decision)] = &[
            (r#""*""#, session, Decision::Allow),
            (r#"{"AWS": "*"}"#, session, Decision::Allow),
            (r#"{"AWS": "111122223333"}"#, session, Decision::Allow),
            (
                r#"{"AWS": "arn:aws:iam::111122223333:root"}"#,
                session,
                Decision::Allow,
            ),
            (
                r#"{"AWS": "arn:aws:iam::444455556666:root"}"#,
                session,
                Decision::ImplicitDeny,
            ),
            (
                r#"{"AWS": "arn:aws-cn:iam::111122223333:root"}"#,
                session,
                Decision::ImplicitDeny,
            ),
            (
                r#"{"AWS": "arn:aws:iam::111122223333:role/apps/saas-app"}"#,
                session,
                Decision::Allow,
            ),
            (
                r#"{"AWS": "arn:aws:iam::111122223333:role/other"}"#,
                session,
                Decision::ImplicitDeny,
            ),
            (
                r#"{"AWS": "arn:aws:iam::111122223333:user/saas-app"}"#,
                session,
                Decision::ImplicitDeny,
            ),
            (
                r#"{"AWS": "arn:aws:iam::111122223333:user/ci"}"#,
                Caller::Aws("arn:aws:iam::111122223333:user/ci"),
                Decision::Allow,
            ),
            (
                r#"{"Service": "ec2.amazonaws.com"}"#,
                Caller::Service("ec2.amazonaws.com"),
                Decision::Allow,
            ),
            (
                r#"{"Service": "ecs-tasks.amazonaws.com"}"#,
                Caller::Service("ec2.amazonaws.com"),
                Decision::ImplicitDeny,
            ),
            (
                r#"{"Service": "ec2.amazonaws.com"}"#,
                session,
                Decision::ImplicitDeny,
            ),
        ];
        for &(principal, caller, want) in cases {
            let t = trust(principal, "");
            assert_eq!(
                decide(&t, "sts:AssumeRole", caller, &none),
                want,
                "{principal} / {caller:?}"
            );
        }
        let t = trust(r#"{"AWS": "arn:aws:iam::111122223333:root"}"#, "");
        assert_eq!(
            decide(&t, "sts:TagSession", session, &none),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn a_deny_wins_and_not_principal_excludes() {
        let none = Context::new();
        let t = PolicyFile::parse(
            "trust.json",
            r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"},
                {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/saas-app"}, "Action": "sts:*"}]}"#,
        )
        .unwrap();
        let app = Caller::Aws("arn:aws:sts::111122223333:assumed-role/saas-app/s");
        let other = Caller::Aws("arn:aws:sts::111122223333:assumed-role/intruder/s");
        assert_eq!(decide(&t, "sts:AssumeRole", app, &none), Decision::Allow);
        let answer = evaluate_trust(
            &t,
            &TrustRequest {
                action: "sts:AssumeRole",
                caller: other,
                context: &none,
            },
        );
        assert_eq!(answer.decision, Decision::ExplicitDeny);
        assert_eq!(answer.statements[0].index, Some(1));
    }

    #[test]
    fn a_web_identity_must_meet_the_sub_and_aud_conditions() {
        let provider =
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE";
        let t = trust(
            &format!(r#"{{"Federated": "{provider}"}}"#),
            r#", "Condition": {"StringEquals": {
                "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub": "system:serviceaccount:billing:meter",
                "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud": "sts.amazonaws.com"}}"#,
        );
        let pod = |sub: &str| -> Context {
            [
                ("oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub", sub),
                (
                    "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud",
                    "sts.amazonaws.com",
                ),
            ]
            .into_iter()
            .collect()
        };
        let caller = Caller::Federated(provider);
        let action = "sts:AssumeRoleWithWebIdentity";
        assert_eq!(
            decide(
                &t,
                action,
                caller,
                &pod("system:serviceaccount:billing:meter")
            ),
            Decision::Allow
        );
        let wrong = evaluate_trust(
            &t,
            &TrustRequest {
                action,
                caller,
                context: &pod("system:serviceaccount:default:meter"),
            },
        );
        assert_eq!(wrong.decision, Decision::ImplicitDeny);
        assert_eq!(wrong.failed.len(), 1);
        assert!(wrong.failed[0].key.ends_with(":sub"));
        // Another provider is not named.
        let other = Caller::Federated(
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        );
        assert_eq!(
            decide(
                &t,
                action,
                other,
                &pod("system:serviceaccount:billing:meter")
            ),
            Decision::ImplicitDeny
        );
    }
}
