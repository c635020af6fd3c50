//! The report's types: what `check` answers, as data, JSON (serde) and text (`Display`).

use std::fmt;

use marketplace_iam_model::catalog::AccessLevel;
use serde::Serialize;

use crate::document::Effect;
use crate::eval::{ConditionRef, Decision, StatementRef};

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
///
/// An action with resource types that the identity policies grant only on some resources (their `Resource` names
/// ARNs, not `*`) is `conditional`, with those ARN patterns in `resources`: whether a call is allowed depends on
/// the resource it names (a customer's license, for `license-manager:GetLicense`), never a plain allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionReport {
    /// The action, as the catalog spells it.
    pub action: String,
    /// The decision.
    pub decision: Decision,
    /// For an action granted on some resources only: the `Resource` patterns it is granted on (JSON: absent
    /// otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Vec<String>>,
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
            Verdict::Allowed if self.actions.len() == 1 => {
                writeln!(f, "allowed: the 1 required action is allowed")?
            }
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
            let on = a
                .resources
                .as_ref()
                .map(|r| format!(" (only on some resources: {})", r.join(", ")))
                .unwrap_or_default();
            writeln!(f, "{label:<18} {}{on}", a.action)?;
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
            let n = self.over_grants.len();
            writeln!(
                f,
                "over-grants: {n} other {} of the catalog {} allowed ({})",
                if n == 1 { "action" } else { "actions" },
                if n == 1 { "is" } else { "are" },
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
