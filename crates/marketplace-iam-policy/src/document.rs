//! The policy document as data: what a reader returns and evaluation reads. No parsing or checking here (see
//! `crate::rules` and `crate::read`).

use std::fmt;

use arcstr::Substr;
use serde::Serialize;

use crate::operator::Operator;
use crate::patterns::Patterns;

/// A parsed IAM policy document (identity policy, permissions boundary or service control policy).
///
/// # Examples
///
/// ```
/// use marketplace_iam_policy::{Effect, Policy};
///
/// let policy = Policy::parse(
///     "role.json",
///     r#"{"Version": "2012-10-17",
///         "Statement": {"Effect": "Allow", "Action": "aws-marketplace:MeterUsage", "Resource": "*"}}"#,
/// )?;
/// assert_eq!(policy.statements.len(), 1);
/// assert_eq!(policy.statements[0].effect, Effect::Allow);
/// # Ok::<(), marketplace_iam_policy::PolicyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// `Version`, if the document has one. IAM treats a document without it as `2008-10-17`.
    pub version: Option<Version>,
    /// `Id`, if any.
    pub id: Option<Substr>,
    /// The statements, in document order (`Statement` as one object is a list of one).
    pub statements: Vec<Statement>,
}

/// The policy language version (`Version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2012-10-17`, the current version: policy variables such as `${aws:username}` are substituted.
    V2012_10_17,
    /// `2008-10-17`, the old version: `${...}` is literal text.
    V2008_10_17,
}

impl Version {
    /// The version string as written in a policy.
    ///
    /// ```
    /// assert_eq!(marketplace_iam_policy::Version::V2012_10_17.as_str(), "2012-10-17");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `Sid`, if any.
    pub sid: Option<Substr>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal`, if any (IAM refuses them in identity policies, boundaries and SCPs; the
    /// report warns and evaluates the rest of the statement).
    pub principal: Option<Principal>,
    /// `Action` or `NotAction`.
    pub actions: Actions,
    /// `Resource` or `NotResource` (`None` when the statement has neither, which only resource-based policies do).
    pub resources: Option<Resources>,
    /// `Condition`, flattened to one entry per operator and key, in document order; empty when there is none.
    pub conditions: Vec<Condition>,
}

/// `Effect`: exactly `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Effect {
    /// `"Allow"`.
    Allow,
    /// `"Deny"`.
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// `Action` or `NotAction`: action name patterns (`service:Name`, `*` and `?` wildcards, any letter case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actions {
    /// `Action`: the statement applies to these actions.
    Action(Patterns),
    /// `NotAction`: the statement applies to every action except these.
    NotAction(Patterns),
}

/// `Resource` or `NotResource`: ARN patterns or `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resources {
    /// `Resource`: the statement applies to these resources.
    Resource(Patterns),
    /// `NotResource`: the statement applies to every resource except these.
    NotResource(Patterns),
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `Principal`.
    Principal(PrincipalValue),
    /// `NotPrincipal`.
    NotPrincipal(PrincipalValue),
}

/// The value of `Principal` / `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalValue {
    /// `"*"`: anyone.
    Any,
    /// `{"AWS": [...], "Service": [...], ...}`: principal type and identifiers, in document order.
    Typed(Vec<(String, Vec<String>)>),
}

/// One condition: an operator, a condition key and the policy's values for it.
///
/// A `Condition` block `{"StringEquals": {"aws:SourceVpc": "vpc-1", "aws:PrincipalTag/team": ["a", "b"]}}` is two
/// of these. Numbers and booleans written as JSON numbers or booleans are kept as their JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator, e.g. `ForAnyValue:StringLikeIfExists`.
    pub operator: Operator,
    /// The condition key as written (IAM matches keys in any letter case).
    pub key: Substr,
    /// The values (one or more).
    pub values: Vec<Substr>,
}

/// Why a policy document could not be read: where, and what is wrong.
///
/// Displays as `file:line:column: JSON path: message`, e.g.
/// `policy.json:14:27: Statement[2].Effect: expected "Allow" or "Deny", found "allow"`. The position is where the
/// JSON reader noticed the problem: the end of the offending value, or the end of the object for a missing or
/// conflicting element.
///
/// ```
/// let err = marketplace_iam_policy::Policy::parse("p.json", r#"{"Statement": []}"#).unwrap_err();
/// assert_eq!(err.to_string(), "p.json:1:16: Statement: IAM rejects an empty array here");
/// assert_eq!((err.line, err.column), (1, 16));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyError {
    /// The file name, as given to [`Policy::parse`].
    pub file: String,
    /// 1-based line (0 when the position is unknown).
    pub line: usize,
    /// 1-based column, in characters (0 when the position is unknown).
    pub column: usize,
    /// The JSON path of the offending element, e.g. `Statement[2].Effect`; empty for the document itself.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for PolicyError {}
