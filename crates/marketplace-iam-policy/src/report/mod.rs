//! The answer to "Why AccessDenied?": per required action a decision and what it rests on, the other catalog
//! actions the principal is granted, and warnings.
//!
//! - `types`: the report as data, JSON and text.
//! - `catalog_match`: which catalog actions a pattern names.
//! - `warnings`: the warnings, per policy.
//! - `over_grants`: the over-grants, on bit sets over the catalog.
//! - `prepared`: [`Checker`], the same report for many principals sharing policies.
//! - here: [`check`], and the required actions of a product ([`required_for`]) or given by name
//!   ([`catalog_actions`]).

mod catalog_match;
mod over_grants;
mod prepared;
mod types;
mod warnings;

use std::fmt;

use marketplace_iam_model::Policies;
use marketplace_iam_model::catalog;

use crate::eval::condition::Context;
use crate::eval::{Decision, PolicySet, Scope, scope_of};
use catalog_match::not_in_catalog;

pub use prepared::{Checker, Member, Prepared};
pub use types::{ActionReport, OverGrant, Report, Verdict, Warning, WarningCode};

/// Why the required actions could not be determined: an unknown product or pricing model, with the known ones.
///
/// ```
/// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
/// let err = marketplace_iam_policy::required_for(&policies, "saas/yearly").unwrap_err();
/// assert!(err.message().starts_with("product `saas` has no pricing model `yearly`"), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementError(String);

impl RequirementError {
    /// What is wrong, and the values that would be right.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequirementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RequirementError {}

/// The actions a product (`saas`) or a pricing model of it (`saas/subscriptions`) needs, from policies.toml.
///
/// ```
/// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
/// let saas = marketplace_iam_policy::required_for(&policies, "saas/contracts").unwrap();
/// assert_eq!(saas, ["aws-marketplace:ResolveCustomer", "aws-marketplace:GetEntitlements"]);
/// let err = marketplace_iam_policy::required_for(&policies, "saas/yearly").unwrap_err();
/// assert!(err.to_string().starts_with("product `saas` has no pricing model `yearly`"));
/// ```
pub fn required_for(policies: &Policies, spec: &str) -> Result<Vec<String>, RequirementError> {
    let (product_id, model_id) = match spec.split_once('/') {
        Some((p, m)) => (p, Some(m)),
        None => (spec, None),
    };
    let Some(product) = policies.product(product_id) else {
        let known: Vec<&str> = policies.products.iter().map(|p| p.id.as_str()).collect();
        return Err(RequirementError(format!(
            "unknown product `{product_id}`; known products: {}",
            known.join(", ")
        )));
    };
    let indices = match model_id {
        None => &product.actions[..],
        Some(m) => match product.pricing_models.iter().find(|pm| pm.id == m) {
            Some(pm) => pm.actions(),
            None => {
                let known: Vec<String> = product
                    .pricing_models
                    .iter()
                    .map(|pm| format!("{}/{}", product.id, pm.id))
                    .collect();
                return Err(RequirementError(format!(
                    "product `{product_id}` has no pricing model `{m}`; known: {}",
                    known.join(", ")
                )));
            }
        },
    };
    Ok(indices
        .iter()
        .map(|&i| policies.action(i).name.clone())
        .collect())
}

/// Checks action names given by hand against the catalog, in any letter case, and spells them as the catalog does.
///
/// ```
/// let names = marketplace_iam_policy::catalog_actions(&["aws-marketplace:meterusage"]).unwrap();
/// assert_eq!(names, ["aws-marketplace:MeterUsage"]);
/// let err = marketplace_iam_policy::catalog_actions(&["aws-marketplace:MeterUsag"]).unwrap_err();
/// assert!(err.to_string().contains("did you mean `aws-marketplace:MeterUsage`?"));
/// ```
pub fn catalog_actions<S: AsRef<str>>(names: &[S]) -> Result<Vec<String>, RequirementError> {
    names
        .iter()
        .map(|n| {
            let n = n.as_ref();
            match catalog::lookup_ignore_case(n) {
                Some(a) => Ok(a.name.to_owned()),
                None => {
                    let mut message = format!("`{n}` is not an action of {}", not_in_catalog(n));
                    if let Some(c) = catalog::closest(n) {
                        message.push_str(&format!("; did you mean `{}`?", c.name));
                    }
                    Err(RequirementError(message))
                }
            }
        })
        .collect()
}

/// Checks that the principal described by `set` may call every `required` action, and what else it may do.
///
/// `context` is the request context to decide conditions with; `None` leaves every condition open (the affected
/// actions are `conditional`).
///
/// ```
/// use marketplace_iam_policy::{check, Decision, PolicyFile, PolicySet, Verdict};
///
/// let role = PolicyFile::parse("role.json", r#"{"Version": "2012-10-17", "Statement": [
///     {"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"}]}"#)?;
/// let report = check(&PolicySet::new(vec![role]), &["aws-marketplace:MeterUsage".to_string()], None);
/// assert_eq!(report.verdict, Verdict::Allowed);
/// assert_eq!(report.actions[0].decision, Decision::Allow);
/// assert!(report.over_grants.len() >= 60);
/// assert!(report.over_grants.iter().any(|g| g.action == "aws-marketplace:StartChangeSet"));
/// assert!(report.to_string().contains("over-grants"));
/// # Ok::<(), marketplace_iam_policy::PolicyError>(())
/// ```
pub fn check(set: &PolicySet, required: &[String], context: Option<&Context>) -> Report {
    let actions: Vec<ActionReport> = required
        .iter()
        .map(|action| {
            let e = set.evaluate(action, context);
            let (decision, resources) = over_grants::required_decision(
                action,
                e.decision,
                scope_of(action),
                e.allowing_identity(),
            );
            ActionReport {
                action: action.clone(),
                decision,
                resources,
                statements: e.statements().collect(),
                conditions: e.conditions().collect(),
            }
        })
        .collect();
    let verdict = if actions.iter().all(|a| a.decision == Decision::Allow) {
        Verdict::Allowed
    } else {
        Verdict::NotAllowed
    };

    let over_grants = over_grants::over_grants(set, required, context);

    Report {
        verdict,
        actions,
        over_grants,
        warnings: warnings::warnings(set, required, context),
    }
}

/// [`check`], with each required action that has resource types decided on the one resource `arn` (as a call
/// naming it is), instead of "on some resource": granted there or not, never `conditional` on the resource. The
/// actions without resource types are decided on `*` as in [`check`], and so is an action whose resource types
/// `arn` is not of (a key's ARN asked about beside a queue's actions): [`takes_resource`] says which are.
///
/// ```
/// use marketplace_iam_policy::{Decision, PolicyFile, PolicySet, check, check_on_resource};
///
/// let role = PolicyFile::parse("role.json", r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
///     "Action": "license-manager:GetLicense", "Resource": "arn:aws:license-manager::111122223333:license:*"}}"#)?;
/// let set = PolicySet::new(vec![role]);
/// let required = ["license-manager:GetLicense".to_string()];
/// assert_eq!(check(&set, &required, None).actions[0].decision, Decision::Conditional);
/// let ours = "arn:aws:license-manager::111122223333:license:l-0123456789abcdef0";
/// assert_eq!(check_on_resource(&set, &required, None, ours).actions[0].decision, Decision::Allow);
/// let theirs = "arn:aws:license-manager::444455556666:license:l-0123456789abcdef0";
/// let denied = check_on_resource(&set, &required, None, theirs);
/// assert_eq!(denied.actions[0].decision, Decision::ImplicitDeny);
/// // The statement to add grants the action on that resource.
/// assert_eq!(denied.actions[0].statements[0].add.as_ref().unwrap().resource, theirs);
/// # Ok::<(), marketplace_iam_policy::PolicyError>(())
/// ```
pub fn check_on_resource(
    set: &PolicySet,
    required: &[String],
    context: Option<&Context>,
    arn: &str,
) -> Report {
    let mut report = check(set, required, context);
    for a in &mut report.actions {
        if !matches!(scope_of(&a.action), Scope::SomeResource(_)) || !takes_resource(&a.action, arn)
        {
            continue;
        }
        let e = set.evaluate_on(&a.action, arn, context);
        a.decision = e.decision;
        a.resources = None;
        a.statements = e.statements().collect();
        // What to add is an Allow on the resource asked about, not on every resource of its type.
        for add in a.statements.iter_mut().filter_map(|s| s.add.as_mut()) {
            add.resource = arn.to_owned();
        }
        a.conditions = e.conditions().collect();
    }
    report.verdict = if report.actions.iter().all(|a| a.decision == Decision::Allow) {
        Verdict::Allowed
    } else {
        Verdict::NotAllowed
    };
    report
}

/// Whether the catalog action `action` (any letter case) acts on `arn`: `arn` is of one of its resource types.
///
/// ```
/// use marketplace_iam_policy::takes_resource;
///
/// let queue = "arn:aws:sqs:us-east-1:111122223333:saas-notifications";
/// assert!(takes_resource("sqs:ReceiveMessage", queue));
/// assert!(!takes_resource("kms:Decrypt", queue));
/// assert!(!takes_resource("aws-marketplace:MeterUsage", queue)); // no resource type
/// ```
pub fn takes_resource(action: &str, arn: &str) -> bool {
    marketplace_iam_model::catalog::lookup_ignore_case(action)
        .is_some_and(|a| a.resource_types.iter().any(|t| t.matches_arn(arn)))
}

#[cfg(test)]
mod tests;
