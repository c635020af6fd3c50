//! Why AccessDenied? Checks, offline, whether IAM policy documents let a principal make the AWS Marketplace
//! metering and entitlement calls its integration needs, and what else they let it do, with AWS's documented
//! policy evaluation logic.
//!
//! # Pieces
//!
//! 1. [`Policy::parse`] / [`PolicyFile::read`]: a strict reader of the IAM JSON policy grammar. What IAM would refuse
//!    is an error naming file, line, column and JSON path ([`PolicyError`]).
//! 2. [`PolicySet::evaluate`]: the decision for one action, for one principal with identity policies, an optional
//!    permissions boundary and SCPs. An explicit `Deny` anywhere wins; otherwise the action is allowed only if an
//!    identity policy allows it, the boundary (if any) allows it, and every SCP allows it. Without a request
//!    [`Context`], conditions stay open and the decision is [`Decision::Conditional`]; with one they are decided.
//! 3. [`check`]: a [`Report`] for a list of required actions ([`required_for`] a product or pricing model of
//!    policies.toml, or [`catalog_actions`] by name), with over-grants and warnings; JSON through serde, text
//!    through `Display`.
//! 4. [`evaluate_trust`]: whether a role's trust policy lets a [`Caller`] make its STS call (`sts:AssumeRole`,
//!    `sts:AssumeRoleWithWebIdentity`), the resource-based half of the assume-role hop, with the conditions the
//!    request did not meet. The other hops: [`PolicySet::evaluate_on`] (the caller's identity policies on the role's
//!    ARN; [`identity_allow_needed`] says when they must allow), and [`evaluate_guardrails`] (SCPs of the caller's
//!    account, RCPs of the role's account). [`invalid_aws_principal`] says why IAM would refuse a principal.
//! 5. [`Policy`] serialises with serde back to IAM JSON (every list as an array, condition values as strings) that
//!    reads back as the same policy.
//!
//! # The metering and entitlement actions have no resource types
//!
//! The request's resource is `*`, so a statement applies only if its `Resource` has a pattern matching `*` (or its
//! `NotResource` has none). A statement whose `Resource` lists only ARNs does not grant them (the report warns:
//! `arn_only_resource`). An action of the catalog that does have resource types (e.g.
//! `aws-marketplace:DescribeEntity`, only relevant to over-grants) is judged "on at least one resource": an `Allow`
//! whose `Resource` may name an `aws-marketplace` ARN grants it, and a `Deny` removes it only when it covers `*`.
//!
//! # The report's JSON
//!
//! ```json
//! {
//!   "verdict": "not_allowed",
//!   "actions": [
//!     {
//!       "action": "aws-marketplace:BatchMeterUsage",
//!       "decision": "implicit_deny",
//!       "statements": [
//!         {"policy": null, "kind": "identity", "index": null, "sid": null, "effect": "Allow",
//!          "add": {"Effect": "Allow", "Action": ["aws-marketplace:BatchMeterUsage"], "Resource": "*"}}
//!       ],
//!       "conditions": []
//!     }
//!   ],
//!   "over_grants": [
//!     {"action": "aws-marketplace:StartChangeSet", "access_level": "Write", "decision": "allow",
//!      "statements": [{"policy": "role.json", "kind": "identity", "index": 0, "sid": null, "effect": "Allow",
//!                      "add": null}]}
//!   ],
//!   "warnings": [
//!     {"code": "allow_not_action", "policy": "role.json", "index": 1, "sid": "Broad", "message": "..."}
//!   ]
//! }
//! ```
//!
//! - `decision`: `allow` | `implicit_deny` | `explicit_deny` | `conditional`.
//! - `statements` ([`StatementRef`]): for `allow` the allowing statements of every layer (identity, boundary,
//!   SCPs); for `explicit_deny` the denying statements; for `conditional` the statements whose conditions are open;
//!   for `implicit_deny` one element per place lacking an `Allow` (`policy` `null` = any identity policy, else
//!   the boundary's or SCP's name), with `add` the minimal statement. `kind`: `identity` | `boundary` | `scp`.
//! - `conditions` ([`ConditionRef`]): `{"policy", "kind", "index", "sid", "operator", "key", "values"}`, the open
//!   conditions for `conditional`, the conditions that held otherwise.
//! - `over_grants` ([`OverGrant`]): every other catalog action allowed or conditionally allowed after the whole
//!   evaluation (boundary and SCPs included), with its access level and the identity statements granting it; an
//!   action with resource types granted only on some of its resources also has `resources`, the ARN patterns.
//! - Many principals sharing policies (an account's users and roles): [`Checker`] prepares each policy once and
//!   gives each principal the same [`Report`] as [`check`].
//! - `warnings` ([`Warning`]): `code` is one of the snake_case names of [`WarningCode`].
//!
//! # Examples
//!
//! ```
//! use marketplace_iam_policy::{check, Context, Decision, PolicyFile, PolicySet};
//!
//! let role = PolicyFile::parse("role.json", r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "Metering",
//!     "Effect": "Allow",
//!     "Action": ["aws-marketplace:MeterUsage"],
//!     "Resource": "*",
//!     "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
//!   }]
//! }"#)?;
//! let set = PolicySet::new(vec![role]);
//! let required = vec!["aws-marketplace:MeterUsage".to_string()];
//!
//! // Without a context the condition is open.
//! let report = check(&set, &required, None);
//! assert_eq!(report.actions[0].decision, Decision::Conditional);
//! assert_eq!(report.actions[0].conditions[0].key, "aws:SourceIp");
//!
//! // With one, it is decided.
//! let inside: Context = [("aws:SourceIp", "10.1.2.3")].into_iter().collect();
//! assert_eq!(check(&set, &required, Some(&inside)).actions[0].decision, Decision::Allow);
//! let outside: Context = [("aws:SourceIp", "192.0.2.1")].into_iter().collect();
//! let report = check(&set, &required, Some(&outside));
//! assert_eq!(report.actions[0].decision, Decision::ImplicitDeny);
//! assert!(!report.is_allowed());
//! # Ok::<(), marketplace_iam_policy::PolicyError>(())
//! ```

// The modules, in dependency order: each uses only those above it.
//
// - `bytes`: every byte-level routine, each beside its plain reference.
// - `patterns`: pattern lists (`Patterns`), stored as ranges of a shared text.
// - `operator`: condition operators and what their values mean.
// - `document`: the policy document as data.
// - `serialize`: a document back to IAM JSON.
// - `rules`: the grammar's rules, which both readers apply.
// - `read`: `Policy::parse`: the tape reader (`read::tape`), the strict reader (`read::strict`), error hints.
// - `matching`: IAM's wildcard matching.
// - `eval`: conditions against a request context (`eval::condition`), and the evaluation logic.
// - `report`: `check` and its report.
// - `trust`: a role's trust policy against a caller (the resource-based half of the assume-role hop).
mod bytes;
mod document;
mod eval;
mod matching;
mod operator;
mod patterns;
mod read;
mod report;
mod rules;
mod serialize;
mod trust;

/// The text of a policy's strings (`Sid`, `Id`, condition keys and values): a reference-counted part of the
/// document it was read from, so reading a policy does not allocate a string for each.
pub use arcstr::Substr;
pub use document::{
    Actions, Condition, Effect, Policy, PolicyError, Principal, PrincipalValue, Resources,
    Statement, Version,
};
pub use eval::condition::Context;
pub use eval::{
    ConditionRef, Decision, Evaluation, MAX_POLICY_FILE_BYTES, MinimalStatement, PolicyFile,
    PolicyKind, PolicySet, ReadError, StatementRef,
};
/// The access level of a catalog action (the engine's type), as [`OverGrant::access_level`] gives it.
pub use marketplace_iam_model::catalog::AccessLevel;
pub use matching::wildcard_match;
pub use operator::{BaseOperator, Operator, SetOperator};
pub use patterns::{Patterns, PatternsIter};
#[doc(hidden)]
pub use read::__readers;
pub use report::{
    ActionReport, Checker, Member, OverGrant, Prepared, Report, RequirementError, Verdict, Warning,
    WarningCode, catalog_actions, check, check_on_resource, required_for, takes_resource,
};
pub use trust::{
    Caller, TrustEvaluation, TrustRequest, evaluate_guardrails, evaluate_guardrails_open,
    evaluate_trust, evaluate_trust_open, identity_allow_needed, invalid_aws_principal,
};
