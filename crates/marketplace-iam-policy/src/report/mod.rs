//! The answer to "Why AccessDenied?": per required action a decision and what it rests on, the other
//! `aws-marketplace` actions the principal is granted, and warnings.

use std::fmt;
use std::ops::ControlFlow;
use std::sync::LazyLock;

use marketplace_iam_model::Policies;
use marketplace_iam_model::catalog::{self, AccessLevel};
use serde::Serialize;

use crate::bytes::same_lowered;
use crate::document::{Actions, Effect, Policy, Principal, Resources, Version};
use crate::eval::condition::Context;
use crate::eval::{
    ConditionRef, Decision, PolicyKind, PolicySet, Scope, StatementRef, covers_action,
    covers_resource, scope_of,
};
use crate::matching::action_matches;
use crate::patterns::Compiled;

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every required action is allowed, unconditionally.
    Allowed,
    /// At least one required action is denied or depends on a condition.
    NotAllowed,
}

/// The report for a principal and a list of required actions. Serializes to
/// `{"verdict", "actions", "over_grants", "warnings"}` (see the crate documentation for each element's shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// `allowed` when every required action is allowed unconditionally.
    pub verdict: Verdict,
    /// One entry per required action, in the order asked.
    pub actions: Vec<ActionReport>,
    /// Other `aws-marketplace` actions of the catalog the principal is allowed (or conditionally allowed), sorted
    /// by name.
    pub over_grants: Vec<OverGrant>,
    /// Things worth a look that do not change the decisions.
    pub warnings: Vec<Warning>,
}

/// The decision for one required action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionReport {
    /// The action, as the catalog spells it.
    pub action: String,
    /// The decision.
    pub decision: Decision,
    /// What the decision rests on (see [`crate::Evaluation::statements`]).
    pub statements: Vec<StatementRef>,
    /// The conditions involved (see [`crate::Evaluation::conditions`]).
    pub conditions: Vec<ConditionRef>,
}

/// An action of the catalog the principal can use but the integration does not need.
///
/// JSON: `{"action": "aws-marketplace:StartChangeSet", "access_level": "Write", "decision": "allow",
/// "statements": [...]}`; `statements` are the identity policy statements that grant it. An action granted on some
/// resources only has `"resources": ["arn:..."]` after `decision`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverGrant {
    /// The action, as the catalog spells it.
    pub action: &'static str,
    /// Its access level in the catalog; JSON: its name (`List`, `Read`, `Write`, `Permissions management`,
    /// `Tagging`).
    #[serde(serialize_with = "access_level_name")]
    pub access_level: AccessLevel,
    /// `allow`, or `conditional` when it depends on a condition.
    pub decision: Decision,
    /// For an action with resource types granted only on some of its resources: the `Resource` patterns of the
    /// granting statements (e.g. `TagResource` on `arn:aws:aws-marketplace:*:*:AWSMarketplace/*`). `None` when it
    /// is granted on every resource; JSON: the key is left out then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Vec<String>>,
    /// The identity policy statements that allow it.
    pub statements: Vec<StatementRef>,
}

/// An access level as the report's JSON writes it: the name AWS uses.
fn access_level_name<S: serde::Serializer>(
    level: &AccessLevel,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(level.as_str())
}

/// A warning: a statement that is probably not what its author meant, or an input the check had to assume about.
///
/// JSON: `{"code": "allow_not_action", "policy": "role.json", "index": 1, "sid": null, "message": "..."}`;
/// `policy`, `index` and `sid` are `null` when the warning is not about one statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// A stable identifier of the kind of warning, e.g. `allow_not_action` (see [`WarningCode`]).
    pub code: WarningCode,
    /// The policy it is about.
    pub policy: Option<String>,
    /// The statement's position.
    pub index: Option<usize>,
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// What to look at, in a sentence.
    pub message: String,
}

/// The kinds of [`Warning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// `Allow` with `NotAction`: grants every action of every service except the listed ones.
    AllowNotAction,
    /// `Allow` with `NotResource`: grants on every resource except the listed ones.
    AllowNotResource,
    /// `Allow` of every action of every service (`"Action": "*"`).
    AllActions,
    /// A statement would grant a required action, but its `Resource` names only ARNs, and the action has no
    /// resource types: it does not apply.
    ArnOnlyResource,
    /// An `aws-marketplace:` pattern that names no action of the catalog (a typo?).
    UnknownAction,
    /// `Principal`/`NotPrincipal` in a policy of a kind that IAM refuses them in.
    Principal,
    /// A statement without `Resource` or `NotResource`, which IAM refuses in these kinds of policy.
    MissingResource,
    /// Policy variables (`${...}`) in a policy without `"Version": "2012-10-17"`: they are literal text.
    VariablesNotSubstituted,
    /// A context was given, and a condition key of a statement about a required action is not in it: it was
    /// treated as absent from the request.
    ContextKeyAbsent,
}

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
            ActionReport {
                action: action.clone(),
                decision: e.decision,
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
        warnings: warnings(set, required, context),
    }
}

/// Whether `literal` (a pattern's text before its first wildcard) can begin `prefix:Name` for a prefix of the
/// catalog, in any letter case.
fn may_begin_catalog_name(literal: &[u8]) -> bool {
    catalog::prefixes().iter().any(|p| {
        let head = &literal[..literal.len().min(p.len() + 1)];
        head.iter().enumerate().all(|(i, b)| {
            let want = p.as_bytes().get(i).copied().unwrap_or(b':');
            want.eq_ignore_ascii_case(b)
        })
    })
}

/// The message for a name that is not in the catalog: of which catalog.
fn not_in_catalog(name: &str) -> String {
    match name.split_once(':').and_then(|(p, _)| {
        catalog::prefixes()
            .iter()
            .find(|k| k.eq_ignore_ascii_case(p))
    }) {
        Some(p) => format!("the `{p}` catalog"),
        None => format!(
            "the catalog (prefixes `{}`)",
            catalog::prefixes().join("`, `")
        ),
    }
}

/// Whether `pattern` names at least one catalog action.
fn names_catalog_action(pattern: &Compiled<'_>) -> bool {
    let mut any = false;
    for_each_catalog_match(pattern, |_| {
        any = true;
        ControlFlow::Break(())
    });
    any
}

/// Calls `found` with the position in [`catalog::all`] of every catalog action `pattern` matches, until it breaks.
///
/// Every catalog action is `prefix:Name` for a prefix of [`catalog::prefixes`]: a pattern whose text before its
/// first wildcard cannot begin such a name matches none. Otherwise only the names that begin with that text, in any
/// letter case, can match: they are found by binary search among the names in lower case, in order, and a pattern
/// without wildcards matches at most the one of its name.
fn for_each_catalog_match(pattern: &Compiled<'_>, mut found: impl FnMut(usize) -> ControlFlow<()>) {
    // The catalog's names in lower case, sorted, with their positions in the catalog.
    static SORTED: LazyLock<Vec<(String, usize)>> = LazyLock::new(|| {
        let mut names: Vec<(String, usize)> = catalog::all()
            .iter()
            .enumerate()
            .map(|(j, a)| (a.name.to_ascii_lowercase(), j))
            .collect();
        names.sort_unstable();
        names
    });
    let literal = pattern
        .wildcard
        .and_then(|i| pattern.text.get(..i))
        .unwrap_or(pattern.text);
    if !may_begin_catalog_name(literal) {
        return;
    }
    let lowered = literal.iter().map(u8::to_ascii_lowercase);
    let start = SORTED.partition_point(|(n, _)| n.bytes().lt(lowered.clone()));
    let Some(glob) = pattern.glob() else {
        if let Some((n, j)) = SORTED.get(start)
            && same_lowered(pattern.text, n.as_bytes())
        {
            let _ = found(*j);
        }
        return;
    };
    let begins =
        |n: &str| n.len() >= literal.len() && n.bytes().zip(lowered.clone()).all(|(a, b)| a == b);
    for (name, j) in SORTED[start..].iter().take_while(|(n, _)| begins(n)) {
        if glob.matches(name.as_bytes(), true) && found(*j).is_break() {
            return;
        }
    }
}

fn warnings(set: &PolicySet, required: &[String], context: Option<&Context>) -> Vec<Warning> {
    let mut out = Vec::new();
    let lowered: Vec<String> = required.iter().map(|a| a.to_ascii_lowercase()).collect();
    for (file, kind) in set.policies() {
        let at = out.len();
        policy_warnings(&file.policy, kind, required, &lowered, context, &mut out);
        for w in &mut out[at..] {
            w.policy = Some(file.name.clone());
        }
    }
    out
}

/// The warnings about the statements of one policy playing the part `kind`, without the policy's name (`policy`
/// is `None`): they do not depend on the other policies. `lowered`: `required` in ASCII lower case.
fn policy_warnings(
    policy: &Policy,
    kind: PolicyKind,
    required: &[String],
    lowered: &[String],
    context: Option<&Context>,
    out: &mut Vec<Warning>,
) {
    for (index, s) in policy.statements.iter().enumerate() {
        let mut warn = |code, message: String| {
            out.push(Warning {
                code,
                policy: None,
                index: Some(index),
                sid: s.sid.as_deref().map(str::to_owned),
                message,
            });
        };
        let allow = s.effect == Effect::Allow;
        match &s.actions {
                Actions::NotAction(_) if allow => warn(
                    WarningCode::AllowNotAction,
                    "`Allow` with `NotAction` allows every action of every AWS service except the listed ones; list the actions to allow with `Action` instead".to_owned(),
                ),
                Actions::Action(patterns)
                    if allow && kind == PolicyKind::Identity && patterns.compiled().any(|p| action_matches(&p, b"any-service:anyaction") && action_matches(&p, b"aws-marketplace:meterusage")) =>
                {
                    warn(
                        WarningCode::AllActions,
                        "allows every action of every AWS service".to_owned(),
                    )
                }
                _ => {}
            }
        let (Actions::Action(patterns) | Actions::NotAction(patterns)) = &s.actions;
        {
            for (p, compiled) in patterns.iter().zip(patterns.compiled()) {
                let catalogued = p.split_once(':').is_some_and(|(svc, _)| {
                    catalog::prefixes()
                        .iter()
                        .any(|k| svc.eq_ignore_ascii_case(k))
                });
                if catalogued && !names_catalog_action(&compiled) {
                    let mut message = format!("`{p}` names no action of {}", not_in_catalog(p));
                    if let Some(c) = catalog::closest(p) {
                        message.push_str(&format!("; did you mean `{}`?", c.name));
                    }
                    warn(WarningCode::UnknownAction, message);
                }
            }
        }
        if allow && matches!(s.resources, Some(Resources::NotResource(_))) {
            warn(
                    WarningCode::AllowNotResource,
                    "`Allow` with `NotResource` allows on every resource except the listed ones, including `*`".to_owned(),
                );
        }
        if let Some(p) = &s.principal {
            let element = match p {
                Principal::Principal(_) => "Principal",
                Principal::NotPrincipal(_) => "NotPrincipal",
            };
            warn(
                WarningCode::Principal,
                format!(
                    "IAM refuses `{element}` in {}; AWS would not accept this document as one (the statement is evaluated without it)",
                    kind.with_article()
                ),
            );
        }
        if s.resources.is_none() {
            let which = if kind == PolicyKind::Scp {
                "which AWS Organizations' SCP syntax does not list as required".to_owned()
            } else {
                format!("which IAM refuses in {}", kind.with_article())
            };
            warn(
                WarningCode::MissingResource,
                format!(
                    "the statement has neither `Resource` nor `NotResource`, {which} (it is evaluated as applying to every resource)"
                ),
            );
        }
        if policy.version != Some(Version::V2012_10_17)
            && s.conditions
                .iter()
                .any(|c| c.values.iter().any(|v| v.contains("${")))
        {
            warn(
                    WarningCode::VariablesNotSubstituted,
                    "policy variables (`${...}`) are only substituted with `\"Version\": \"2012-10-17\"`; here they are literal text".to_owned(),
                );
        }
        for (action, lowered) in required.iter().zip(lowered) {
            if covers_action(s, lowered.as_bytes())
                && scope_of(action) == Scope::Star
                && !covers_resource(s, Scope::Star)
                && matches!(s.resources, Some(Resources::Resource(_)))
            {
                warn(
                    WarningCode::ArnOnlyResource,
                    format!(
                        "the statement names `{action}` but its `Resource` lists only ARNs; the action has no resource types, so only `\"Resource\": \"*\"` grants it"
                    ),
                );
            }
        }
        if let Some(context) = context {
            let relevant = lowered.iter().any(|a| covers_action(s, a.as_bytes()));
            for c in s.conditions.iter().filter(|_| relevant) {
                if context.get(&c.key).is_none() {
                    warn(
                        WarningCode::ContextKeyAbsent,
                        format!(
                            "condition key `{}` is not in the given context and was treated as absent from the request",
                            c.key
                        ),
                    );
                }
            }
        }
    }
}

impl Report {
    /// Whether every required action is allowed unconditionally.
    pub fn is_allowed(&self) -> bool {
        self.verdict == Verdict::Allowed
    }

    /// The report as pretty-printed JSON (the shape documented on [`Report`]).
    pub fn to_json(&self) -> String {
        // Serializing these plain structs cannot fail (string keys, no maps with other keys, no floats).
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let not_ok = self
            .actions
            .iter()
            .filter(|a| a.decision != Decision::Allow)
            .count();
        match self.verdict {
            Verdict::Allowed => writeln!(
                f,
                "allowed: all {} required actions are allowed",
                self.actions.len()
            )?,
            Verdict::NotAllowed => writeln!(
                f,
                "NOT allowed: {not_ok} of {} required actions {} not allowed{}",
                self.actions.len(),
                if not_ok == 1 { "is" } else { "are" },
                // "unconditionally" only where a condition is what is missing.
                if self
                    .actions
                    .iter()
                    .any(|a| a.decision == Decision::Conditional)
                {
                    " unconditionally"
                } else {
                    ""
                }
            )?,
        }
        for a in &self.actions {
            writeln!(f)?;
            let label = match a.decision {
                Decision::Allow => "allow",
                Decision::ImplicitDeny => "DENIED (implicit)",
                Decision::ExplicitDeny => "DENIED (explicit)",
                Decision::Conditional => "CONDITIONAL",
            };
            writeln!(f, "{label:<18} {}", a.action)?;
            match a.decision {
                Decision::Allow => {
                    for s in &a.statements {
                        writeln!(f, "{:<18}   allowed by {}", "", s.location())?;
                    }
                }
                Decision::ExplicitDeny => {
                    for s in &a.statements {
                        writeln!(f, "{:<18}   denied by {}", "", s.location())?;
                    }
                }
                Decision::ImplicitDeny => {
                    for s in &a.statements {
                        let add = s
                            .add
                            .as_ref()
                            .and_then(|m| serde_json::to_string(m).ok())
                            .unwrap_or_default();
                        writeln!(f, "{:<18}   no Allow in {}; add: {add}", "", s.location())?;
                    }
                }
                Decision::Conditional => {
                    for s in &a.statements {
                        let verb = match s.effect {
                            Effect::Allow => "may allow",
                            Effect::Deny => "may deny",
                        };
                        writeln!(f, "{:<18}   {verb}: {}", "", s.location())?;
                    }
                }
            }
            for c in &a.conditions {
                writeln!(
                    f,
                    "{:<18}   condition {} {} {:?} ({} Statement[{}])",
                    "", c.operator, c.key, c.values, c.policy, c.index
                )?;
            }
        }
        if !self.over_grants.is_empty() {
            writeln!(f)?;
            let mut counts = Vec::new();
            for level in AccessLevel::ALL {
                let n = self
                    .over_grants
                    .iter()
                    .filter(|g| g.access_level == level)
                    .count();
                if n > 0 {
                    counts.push(format!("{n} {level}"));
                }
            }
            writeln!(
                f,
                "over-grants: {} other actions of the catalog are allowed ({})",
                self.over_grants.len(),
                counts.join(", ")
            )?;
            for g in &self.over_grants {
                let cond = if g.decision == Decision::Conditional {
                    " (conditional)"
                } else {
                    ""
                };
                let on = match &g.resources {
                    Some(patterns) => format!(" (on some resources: {})", patterns.join(", ")),
                    None => String::new(),
                };
                writeln!(
                    f,
                    "  {:<24} {}{cond}{on}",
                    g.access_level.as_str(),
                    g.action
                )?;
            }
        }
        if !self.warnings.is_empty() {
            writeln!(f)?;
            writeln!(f, "warnings:")?;
            for w in &self.warnings {
                match (&w.policy, w.index) {
                    (Some(p), Some(i)) => writeln!(f, "  {p} Statement[{i}]: {}", w.message)?,
                    _ => writeln!(f, "  {}", w.message)?,
                }
            }
        }
        Ok(())
    }
}

mod over_grants;
mod prepared;

pub use prepared::{Checker, Member, Prepared};

#[cfg(test)]
mod tests;
