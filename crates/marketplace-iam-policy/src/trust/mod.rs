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

use crate::document::{Effect, Statement};
use crate::eval::condition::{Context, holds};
use crate::eval::{
    Applies, ConditionRef, Decision, Evaluation, MinimalStatement, PolicyFile, PolicyKind,
    PolicySet, Scope, StatementRef, condition_refs, conditions_hold, covers_action,
    covers_resource,
};

mod principal;

use principal::{Arn, names, names_by_arn};
pub use principal::{Caller, invalid_aws_principal};

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
    /// statement allows the caller); from [`evaluate_trust_open`] and [`evaluate_guardrails_open`] also
    /// `conditional` (the answer depends on conditions on keys whose values are not known).
    pub decision: Decision,
    /// For `allow` the allowing statements, for `explicit_deny` the denying ones, for `conditional` the statements
    /// that apply or may apply; none for `implicit_deny`.
    pub statements: Vec<StatementRef>,
    /// The conditions of those statements, all of which held; for `conditional`, the open conditions the answer
    /// depends on.
    pub conditions: Vec<ConditionRef>,
    /// For `implicit_deny`: the statements that name the caller and the action but whose conditions failed, so the
    /// report can say which condition the request does not meet (e.g. a missing `sts:ExternalId`).
    pub failed: Vec<ConditionRef>,
    /// For `allow` (or `conditional`) from [`evaluate_trust`]: whether an allowing statement names the caller by its own ARN (its
    /// user's or role's ARN, or its session's), not by its account or `*`. Within one account, such a trust policy
    /// is enough without an identity-based allow; see [`identity_allow_needed`].
    pub names_caller_arn: bool,
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
    evaluate_trust_open(trust, request, &|_| false)
}

/// [`evaluate_trust`] of a request whose context is only partly known: `open(key)` says that the request may or
/// may not carry the condition key `key` (or carry another value than the context's). An `Allow` whose failing
/// conditions are all on open keys applies under those conditions; a `Deny` with a condition on an open key may
/// apply. Either makes the answer `conditional`, with those conditions in `conditions`. Used to ask who *may*
/// assume a role, without a request at hand.
///
/// ```
/// use marketplace_iam_policy::{Caller, Context, Decision, PolicyFile, TrustRequest, evaluate_trust_open};
///
/// let trust = PolicyFile::parse("trust.json", r#"{"Version": "2012-10-17", "Statement": {
///     "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole",
///     "Condition": {"StringEquals": {"sts:ExternalId": "seller-42"}}}}"#)?;
/// let caller = Caller::Aws("arn:aws:iam::111122223333:role/saas-app");
/// let known: Context = [("aws:PrincipalArn", "arn:aws:iam::111122223333:role/saas-app")].into_iter().collect();
/// let request = TrustRequest { action: "sts:AssumeRole", caller, context: &known };
/// let answer = evaluate_trust_open(&trust, &request, &|key| key.eq_ignore_ascii_case("sts:ExternalId"));
/// assert_eq!(answer.decision, Decision::Conditional);
/// assert_eq!(answer.conditions[0].key, "sts:ExternalId");
/// # Ok::<(), marketplace_iam_policy::PolicyError>(())
/// ```
pub fn evaluate_trust_open(
    trust: &PolicyFile,
    request: &TrustRequest<'_>,
    open: &dyn Fn(&str) -> bool,
) -> TrustEvaluation {
    let found = applying(trust, PolicyKind::Trust, request, None, open);
    let names_caller_arn = found
        .allows
        .iter()
        .chain(found.open_allows.iter().map(|(hit, _)| hit))
        .any(|&(_, s)| names_by_arn(s, request.caller));
    let mut answer = found.answer(trust, PolicyKind::Trust);
    answer.names_caller_arn =
        matches!(answer.decision, Decision::Allow | Decision::Conditional) && names_caller_arn;
    answer
}

/// The statements of one policy that apply to a request, by effect, with the failed conditions of the `Allow`s
/// that name the caller and cover the action.
struct Applying<'p> {
    allows: Vec<(usize, &'p Statement)>,
    denies: Vec<(usize, &'p Statement)>,
    failed: Vec<ConditionRef>,
    /// The statements that apply if their open conditions (beside them) hold.
    open_allows: Vec<((usize, &'p Statement), Vec<ConditionRef>)>,
    open_denies: Vec<((usize, &'p Statement), Vec<ConditionRef>)>,
}

/// The statements of `file` that apply to `request`: a trust policy's (`resource` `None`) must name the caller in
/// `Principal`; a guardrail's (on `resource`) must cover the resource, and name the caller if it has a `Principal`
/// (an RCP's is `"*"`; an SCP has none). A condition on a key `open` names is open: in an `Allow`, when it does not
/// hold with the context (the request may carry a value that meets it); in a `Deny`, always (whether the `Deny`
/// applies is not known).
fn applying<'p>(
    file: &'p PolicyFile,
    kind: PolicyKind,
    request: &TrustRequest<'_>,
    resource: Option<&str>,
    open: &dyn Fn(&str) -> bool,
) -> Applying<'p> {
    let action = request.action.to_ascii_lowercase();
    let version = file.policy.version;
    let mut found = Applying {
        allows: Vec::new(),
        denies: Vec::new(),
        failed: Vec::new(),
        open_allows: Vec::new(),
        open_denies: Vec::new(),
    };
    for (index, statement) in file.policy.statements.iter().enumerate() {
        let named = match &statement.principal {
            None => resource.is_some(),
            Some(_) => names(statement, request.caller),
        };
        if !named
            || !covers_action(statement, action.as_bytes())
            || !resource.is_none_or(|arn| covers_resource(statement, Scope::Arn(arn)))
        {
            continue;
        }
        let hit = (index, statement);
        // A `Deny` with a condition on an open key may apply or not, whatever the context says of that key.
        if statement.effect == Effect::Deny && statement.conditions.iter().any(|c| open(&c.key)) {
            let known_hold = statement
                .conditions
                .iter()
                .filter(|c| !open(&c.key))
                .all(|c| holds(c, request.context, version));
            if known_hold {
                let opened = condition_refs(&file.name, kind, index, statement)
                    .zip(&statement.conditions)
                    .filter(|(_, c)| open(&c.key))
                    .map(|(r, _)| r)
                    .collect();
                found.open_denies.push((hit, opened));
            }
            continue;
        }
        let held = statement
            .conditions
            .iter()
            .all(|c| holds(c, request.context, version));
        if held {
            match statement.effect {
                Effect::Deny => found.denies.push(hit),
                Effect::Allow => found.allows.push(hit),
            }
            continue;
        }
        let (opened, failed): (Vec<ConditionRef>, Vec<ConditionRef>) =
            condition_refs(&file.name, kind, index, statement)
                .zip(&statement.conditions)
                .filter(|(_, c)| !holds(c, request.context, version))
                .map(|(r, _)| r)
                .partition(|r| open(&r.key));
        match (failed.is_empty(), statement.effect) {
            (true, Effect::Allow) => found.open_allows.push((hit, opened)),
            (true, Effect::Deny) => found.open_denies.push((hit, opened)),
            (false, Effect::Allow) => found.failed.extend(failed.into_iter().chain(opened)),
            (false, Effect::Deny) => {}
        }
    }
    found
}

impl Applying<'_> {
    /// The answer of one policy: a `Deny` wins, then an `Allow`, else an implicit deny; `conditional` when an
    /// `Allow` applies only under open conditions, or a `Deny` may apply beside an `Allow`.
    ///
    /// An RCP is never an implicit deny: AWS Organizations attaches `RCPFullAWSAccess`, which allows everything, to
    /// the organization root, every OU and every account as soon as RCPs are enabled, and it cannot be detached;
    /// `Allow` is supported in no other RCP (AWS Organizations User Guide, "RCP syntax",
    /// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html>). Only an
    /// RCP's `Deny` statements decide.
    fn answer(self, file: &PolicyFile, kind: PolicyKind) -> TrustEvaluation {
        let allowed = kind == PolicyKind::Rcp || !self.allows.is_empty();
        let may_allow = allowed || !self.open_allows.is_empty();
        if self.denies.is_empty() && may_allow && (!allowed || !self.open_denies.is_empty()) {
            let hits = self.allows.iter().map(|&hit| (hit, Vec::new()));
            let hits: Vec<_> = hits
                .chain(self.open_allows)
                .chain(self.open_denies)
                .collect();
            return TrustEvaluation {
                decision: Decision::Conditional,
                statements: hits
                    .iter()
                    .map(|&((index, s), _)| StatementRef::named(&file.name, kind, index, s))
                    .collect(),
                conditions: hits.into_iter().flat_map(|(_, open)| open).collect(),
                failed: Vec::new(),
                names_caller_arn: false,
            };
        }
        let (decision, hits) = if !self.denies.is_empty() {
            (Decision::ExplicitDeny, self.denies)
        } else if allowed {
            (Decision::Allow, self.allows)
        } else {
            (Decision::ImplicitDeny, Vec::new())
        };
        let statements = hits
            .iter()
            .map(|&(index, s)| StatementRef::named(&file.name, kind, index, s))
            .collect();
        let conditions = hits
            .iter()
            .flat_map(|&(index, s)| condition_refs(&file.name, kind, index, s))
            .collect();
        TrustEvaluation {
            decision,
            statements,
            conditions,
            failed: if decision == Decision::ImplicitDeny {
                self.failed
            } else {
                Vec::new()
            },
            names_caller_arn: false,
        }
    }
}

/// Whether the organisation's guardrails let `request` through on the resource `resource`: every policy of
/// `guardrails` (the SCPs of the caller's account, or the RCPs of the resource's account, each as the part
/// `kind` names in reports) must have an applying `Allow`, and none an applying `Deny`. No guardrail at all lets
/// everything through (no organisation, or the policy type is not enabled).
///
/// RCPs apply to the STS calls on a role (AWS Organizations User Guide, "Resource control policies (RCPs)",
/// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>, whose list of
/// services that support RCPs names AWS STS); their `Principal` is `"*"`. Unlike an SCP, an RCP needs no `Allow`:
/// `RCPFullAWSAccess`, attached everywhere and not detachable, allows; only the RCPs' `Deny` statements decide.
///
/// For `implicit_deny`, `statements` has one element per policy lacking an `Allow`, with the statement to add;
/// for `explicit_deny`, the denying statements and in `conditions` the conditions that made them apply.
///
/// ```
/// use marketplace_iam_policy::{Caller, Context, Decision, PolicyFile, PolicyKind, TrustRequest, evaluate_guardrails};
///
/// let scp = PolicyFile::parse("scp.json", r#"{"Version": "2012-10-17", "Statement": [
///     {"Effect": "Allow", "Action": "*", "Resource": "*"},
///     {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*",
///      "Condition": {"StringNotEqualsIfExists": {"aws:ResourceOrgID": "o-exampleorg"}}}]}"#)?;
/// let role = "arn:aws:iam::444455556666:role/metering";
/// let caller = Caller::Aws("arn:aws:iam::111122223333:role/saas-app");
/// let outside = Context::new();
/// let request = TrustRequest { action: "sts:AssumeRole", caller, context: &outside };
/// let answer = evaluate_guardrails(std::slice::from_ref(&scp), PolicyKind::Scp, &request, role);
/// assert_eq!(answer.decision, Decision::ExplicitDeny);
/// assert_eq!(answer.conditions[0].key, "aws:ResourceOrgID");
///
/// let inside: Context = [("aws:ResourceOrgID", "o-exampleorg")].into_iter().collect();
/// let request = TrustRequest { action: "sts:AssumeRole", caller, context: &inside };
/// let answer = evaluate_guardrails(std::slice::from_ref(&scp), PolicyKind::Scp, &request, role);
/// assert_eq!(answer.decision, Decision::Allow);
/// # Ok::<(), marketplace_iam_policy::PolicyError>(())
/// ```
pub fn evaluate_guardrails(
    guardrails: &[PolicyFile],
    kind: PolicyKind,
    request: &TrustRequest<'_>,
    resource: &str,
) -> TrustEvaluation {
    evaluate_guardrails_open(guardrails, kind, request, resource, &|_| false)
}

/// [`evaluate_guardrails`] of a request whose context is only partly known, with open conditions as
/// [`evaluate_trust_open`] has them: `conditional` when no policy denies and at least one policy's answer is
/// `conditional`.
pub fn evaluate_guardrails_open(
    guardrails: &[PolicyFile],
    kind: PolicyKind,
    request: &TrustRequest<'_>,
    resource: &str,
    open: &dyn Fn(&str) -> bool,
) -> TrustEvaluation {
    let answers: Vec<(&PolicyFile, TrustEvaluation)> = guardrails
        .iter()
        .map(|file| {
            (
                file,
                applying(file, kind, request, Some(resource), open).answer(file, kind),
            )
        })
        .collect();
    let decision = [
        Decision::ExplicitDeny,
        Decision::ImplicitDeny,
        Decision::Conditional,
    ]
    .into_iter()
    .find(|&d| answers.iter().any(|(_, a)| a.decision == d))
    .unwrap_or(Decision::Allow);
    let mut total = TrustEvaluation {
        decision,
        statements: Vec::new(),
        conditions: Vec::new(),
        failed: Vec::new(),
        names_caller_arn: false,
    };
    for (file, answer) in answers.into_iter().filter(|(_, a)| a.decision == decision) {
        if decision == Decision::ImplicitDeny {
            total.statements.push(StatementRef {
                policy: Some(file.name.clone()),
                kind,
                index: None,
                sid: None,
                effect: Effect::Allow,
                add: Some(MinimalStatement::allow(request.action)),
            });
        } else {
            total.statements.extend(answer.statements);
        }
        total.conditions.extend(answer.conditions);
        total.failed.extend(answer.failed);
    }
    total
}

impl PolicySet {
    /// [`PolicySet::evaluate`] of `action` on one resource, by its ARN (e.g. `sts:AssumeRole` on a role's ARN): a
    /// statement applies when its `Resource` has a pattern matching the ARN (or its `NotResource` has none). A
    /// separate function: [`PolicySet::evaluate`]'s path, on `*` or "on at least one resource", is unchanged.
    ///
    /// ```
    /// use marketplace_iam_policy::{Decision, PolicyFile, PolicySet};
    ///
    /// let caller = PolicySet::new(vec![PolicyFile::parse("app.json", r#"{"Version": "2012-10-17",
    ///     "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",
    ///                   "Resource": "arn:aws:iam::*:role/marketplace-*"}}"#)?]);
    /// let on = |arn| caller.evaluate_on("sts:AssumeRole", arn, None).decision;
    /// assert_eq!(on("arn:aws:iam::444455556666:role/marketplace-metering"), Decision::Allow);
    /// assert_eq!(on("arn:aws:iam::444455556666:role/admin"), Decision::ImplicitDeny);
    /// # Ok::<(), marketplace_iam_policy::PolicyError>(())
    /// ```
    pub fn evaluate_on<'a>(
        &'a self,
        action: &'a str,
        resource: &str,
        context: Option<&Context>,
    ) -> Evaluation<'a> {
        let lowered = action.to_ascii_lowercase();
        self.decide(action, |file, statement| {
            if covers_action(statement, lowered.as_bytes())
                && covers_resource(statement, Scope::Arn(resource))
            {
                conditions_hold(statement, &file.policy, context)
            } else {
                Applies::No
            }
        })
    }
}

/// Whether the caller's identity-based policies must allow the STS call too, given the trust policy's answer:
/// always across accounts, and within one account unless the trust policy names the caller by its own ARN.
///
/// IAM User Guide, "Cross-account policy evaluation logic"
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>):
/// across accounts both the trusting account's resource-based policy (the role's trust policy) and the trusted
/// principal's identity-based policy must allow the request. Within one account a resource-based policy that names
/// the principal's ARN is enough ("Policy evaluation for requests within a single account",
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html>),
/// and a role's trust policy is a resource-based policy ("How IAM roles differ from resource-based policies",
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_compare-resource-policies.html>); one that names
/// only the account delegates to the account's identity-based policies, which must then allow it.
///
/// ```
/// use marketplace_iam_policy::{Caller, Context, PolicyFile, TrustRequest, evaluate_trust, identity_allow_needed};
///
/// let trust = PolicyFile::parse("trust.json", r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
///     "Principal": {"AWS": "arn:aws:iam::111122223333:role/saas-app"}, "Action": "sts:AssumeRole"}}"#)?;
/// let caller = "arn:aws:iam::111122223333:role/saas-app";
/// let none = Context::new();
/// let request = TrustRequest { action: "sts:AssumeRole", caller: Caller::Aws(caller), context: &none };
/// let answer = evaluate_trust(&trust, &request);
/// assert!(!identity_allow_needed(&answer, caller, "arn:aws:iam::111122223333:role/metering"));
/// assert!(identity_allow_needed(&answer, caller, "arn:aws:iam::444455556666:role/metering"));
/// # Ok::<(), marketplace_iam_policy::PolicyError>(())
/// ```
pub fn identity_allow_needed(trust: &TrustEvaluation, caller: &str, role: &str) -> bool {
    let account = |arn| Arn::of(arn).map(|a| (a.partition, a.account));
    let same_account = account(caller).is_some() && account(caller) == account(role);
    !(same_account && trust.names_caller_arn)
}

#[cfg(test)]
mod tests;
