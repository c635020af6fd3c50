//! AWS's policy evaluation logic for one principal: identity policies, an optional permissions boundary and
//! service control policies.

use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use arcstr::Substr;
use smallvec::SmallVec;

use serde::Serialize;

pub(crate) mod condition;

use crate::bytes::LastLetters;
use crate::document::{Actions, Effect, Policy, PolicyError, Resources, Statement};
use crate::matching::{Lowered, action_matches, arn_matches, wildcard_match};
use crate::patterns::Patterns;
use condition::Context;

/// Which part of the evaluation a policy plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// An identity-based policy attached to the user or role (or its groups).
    Identity,
    /// The permissions boundary of the user or role.
    Boundary,
    /// A service control policy of the account's organization.
    Scp,
    /// A role's trust policy: the resource-based policy of `sts:AssumeRole` and its kin on the role.
    Trust,
    /// A resource control policy of the resource's account's organization.
    Rcp,
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PolicyKind::Identity => "identity policy",
            PolicyKind::Boundary => "permissions boundary",
            PolicyKind::Scp => "SCP",
            PolicyKind::Trust => "trust policy",
            PolicyKind::Rcp => "RCP",
        })
    }
}

impl PolicyKind {
    /// The part with its article, as a sentence uses it: `an identity policy`, `a permissions boundary`, `an SCP`.
    pub(crate) fn with_article(self) -> &'static str {
        match self {
            PolicyKind::Identity => "an identity policy",
            PolicyKind::Boundary => "a permissions boundary",
            PolicyKind::Scp => "an SCP",
            PolicyKind::Trust => "a trust policy",
            PolicyKind::Rcp => "an RCP",
        }
    }
}

/// A policy document with the name it is reported under (usually its file name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFile {
    /// The name used in reports and errors.
    pub name: String,
    /// The document.
    pub policy: Policy,
}

/// Why [`PolicyFile::read`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be read.
    Io {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is not a valid policy document.
    Invalid(PolicyError),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io { path, source } => write!(f, "{path}: cannot read the file: {source}"),
            ReadError::Invalid(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io { source, .. } => Some(source),
            ReadError::Invalid(e) => Some(e),
        }
    }
}

impl PolicyFile {
    /// Parses a document held in memory; `name` names it in errors and reports.
    ///
    /// ```
    /// let file = marketplace_iam_policy::PolicyFile::parse(
    ///     "role.json",
    ///     r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
    /// )?;
    /// assert_eq!(file.name, "role.json");
    /// # Ok::<(), marketplace_iam_policy::PolicyError>(())
    /// ```
    pub fn parse(name: impl Into<String>, text: &str) -> Result<PolicyFile, PolicyError> {
        let name = name.into();
        let policy = Policy::parse(&name, text)?;
        Ok(PolicyFile { name, policy })
    }

    /// [`PolicyFile::parse`] of a document that plays the part `kind` ([`Policy::parse_as`]).
    pub fn parse_as(
        kind: PolicyKind,
        name: impl Into<String>,
        text: &str,
    ) -> Result<PolicyFile, PolicyError> {
        let name = name.into();
        let policy = Policy::parse_as(kind, &name, text)?;
        Ok(PolicyFile { name, policy })
    }

    /// [`PolicyFile::read`] of a document that plays the part `kind` ([`Policy::parse_as`]).
    pub fn read_as(kind: PolicyKind, path: impl AsRef<Path>) -> Result<PolicyFile, ReadError> {
        let name = path.as_ref().display().to_string();
        let bytes = read_bounded(path.as_ref()).map_err(|source| ReadError::Io {
            path: name.clone(),
            source,
        })?;
        let policy = Policy::parse_bytes_as(kind, &name, &bytes).map_err(ReadError::Invalid)?;
        Ok(PolicyFile { name, policy })
    }

    /// Reads and parses a file; it is named by `path` as given. A file larger than [`MAX_POLICY_FILE_BYTES`] is
    /// refused (an error of kind [`std::io::ErrorKind::FileTooLarge`]) after reading at most the limit plus one
    /// byte.
    ///
    /// ```
    /// let err = marketplace_iam_policy::PolicyFile::read("no/such.json").unwrap_err();
    /// assert!(err.to_string().starts_with("no/such.json: cannot read the file"));
    /// ```
    pub fn read(path: impl AsRef<Path>) -> Result<PolicyFile, ReadError> {
        let name = path.as_ref().display().to_string();
        let bytes = read_bounded(path.as_ref()).map_err(|source| ReadError::Io {
            path: name.clone(),
            source,
        })?;
        let policy = Policy::parse_bytes(&name, &bytes).map_err(ReadError::Invalid)?;
        Ok(PolicyFile { name, policy })
    }
}

/// The largest policy document [`PolicyFile::read`] reads: 1 MiB.
///
/// IAM's own limits are far smaller: 6,144 characters for a managed policy, 10,240 for all inline policies of a role
/// together, 5,120 for an SCP (whitespace not counted), so even a pretty-printed document exported from an account
/// is under 100 KB. A larger file is not a policy document, and evaluating it against the whole catalog would take
/// seconds per megabyte; it is refused rather than read without limit. [`Policy::parse`] has no limit: its caller
/// holds the text already.
pub const MAX_POLICY_FILE_BYTES: u64 = 1024 * 1024;

fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    marketplace_iam_model::read_at_most(
        path,
        MAX_POLICY_FILE_BYTES,
        "a policy document (IAM accepts at most 6,144 characters in a managed policy); check that the path names \
         one policy document",
    )
}

/// Everything that decides what one principal may do: its identity policies, its permissions boundary, and the
/// SCPs that apply to its account.
///
/// ```
/// use marketplace_iam_policy::{Decision, PolicyFile, PolicySet};
///
/// let role = PolicyFile::parse("role.json", r#"{"Version": "2012-10-17", "Statement": [
///     {"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"}]}"#)?;
/// let scp = PolicyFile::parse("scp.json", r#"{"Version": "2012-10-17", "Statement": [
///     {"Effect": "Allow", "Action": "*", "Resource": "*"},
///     {"Sid": "NoMetering", "Effect": "Deny", "Action": "aws-marketplace:Meter*", "Resource": "*"}]}"#)?;
/// let set = PolicySet::new(vec![role]).with_scp(scp);
///
/// let meter = set.evaluate("aws-marketplace:MeterUsage", None);
/// assert_eq!(meter.decision, Decision::ExplicitDeny);
/// assert_eq!(meter.statements().next().unwrap().sid.as_deref(), Some("NoMetering"));
/// assert_eq!(set.evaluate("aws-marketplace:RegisterUsage", None).decision, Decision::Allow);
/// # Ok::<(), marketplace_iam_policy::PolicyError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicySet {
    /// Identity-based policies (inline and managed, of the user or role and its groups).
    pub identity: Vec<PolicyFile>,
    /// The permissions boundary, if one is set.
    pub boundary: Option<PolicyFile>,
    /// The SCPs that apply; each must allow an action for it to be allowed.
    pub scps: Vec<PolicyFile>,
}

/// The outcome for one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Allowed, with no condition left open.
    Allow,
    /// No statement allows it (in the identity policies, the boundary or an SCP): denied by default.
    ImplicitDeny,
    /// A `Deny` statement applies.
    ExplicitDeny,
    /// Depends on conditions that could not be decided (no request context was given).
    Conditional,
}

impl Decision {
    /// The name used in reports: `allow`, `implicit_deny`, `explicit_deny` or `conditional`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::ImplicitDeny => "implicit_deny",
            Decision::ExplicitDeny => "explicit_deny",
            Decision::Conditional => "conditional",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A statement that decided an outcome, or the statement to add where one is missing.
///
/// JSON: `{"policy": "role.json", "kind": "identity", "index": 0, "sid": "Metering", "effect": "Allow",
/// "add": null}`. For an implicit deny, one element per place that lacks an `Allow`: `index` and `sid` are `null`,
/// `policy` is `null` for the identity policies (add it to any of them) or names the boundary or SCP, and `add` is
/// the minimal statement to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    /// The policy's name (see [`PolicyFile::name`]); `None` for "any identity policy".
    pub policy: Option<String>,
    /// The part the policy plays.
    pub kind: PolicyKind,
    /// The statement's 0-based position in the policy's `Statement` array.
    pub index: Option<usize>,
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// The statement's effect.
    pub effect: Effect,
    /// For an implicit deny: the statement to add.
    pub add: Option<MinimalStatement>,
}

impl StatementRef {
    pub(crate) fn new(
        file: &PolicyFile,
        kind: PolicyKind,
        index: usize,
        statement: &Statement,
    ) -> Self {
        StatementRef::named(&file.name, kind, index, statement)
    }

    /// The statement at `index` of the policy named `name`.
    pub(crate) fn named(name: &str, kind: PolicyKind, index: usize, statement: &Statement) -> Self {
        StatementRef {
            policy: Some(name.to_owned()),
            kind,
            index: Some(index),
            sid: statement.sid.as_deref().map(str::to_owned),
            effect: statement.effect,
            add: None,
        }
    }

    /// `role.json Statement[2] (Sid "Metering")`, or `any identity policy` for a statement to add: written where
    /// it is displayed, without a string of its own.
    ///
    /// ```
    /// use marketplace_iam_policy::{Effect, PolicyKind, StatementRef};
    ///
    /// let s = StatementRef {
    ///     policy: Some("role.json".into()),
    ///     kind: PolicyKind::Identity,
    ///     index: Some(2),
    ///     sid: Some("Metering".into()),
    ///     effect: Effect::Allow,
    ///     add: None,
    /// };
    /// assert_eq!(s.location().to_string(), r#"identity policy role.json Statement[2] (Sid "Metering")"#);
    /// ```
    pub fn location(&self) -> impl fmt::Display + '_ {
        Location(self)
    }
}

/// [`StatementRef::location`].
struct Location<'a>(&'a StatementRef);

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        match &s.policy {
            Some(p) => write!(f, "{} {p}", s.kind)?,
            None => write!(f, "any {}", s.kind)?,
        }
        if let Some(i) = s.index {
            write!(f, " Statement[{i}]")?;
        }
        if let Some(sid) = &s.sid {
            write!(f, " (Sid {sid:?})")?;
        }
        Ok(())
    }
}

/// The least statement that grants one action: `{"Effect":"Allow","Action":["aws-marketplace:X"],"Resource":"*"}`,
/// or, for an action with resource types, on the ARNs of its first resource type
/// (`arn:aws:license-manager::*:license:*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinimalStatement {
    /// Always `Allow`.
    #[serde(rename = "Effect")]
    pub effect: Effect,
    /// The action (written as a one-element array).
    #[serde(rename = "Action")]
    pub action: [String; 1],
    /// `*` for an action without resource types (only `*` grants it); otherwise the ARN format AWS's catalog gives
    /// its first resource type, in the `aws` partition, with every other placeholder a wildcard.
    #[serde(rename = "Resource")]
    pub resource: String,
}

impl MinimalStatement {
    /// The statement granting `action` on `*`.
    ///
    /// ```
    /// let s = marketplace_iam_policy::MinimalStatement::allow("aws-marketplace:MeterUsage");
    /// assert_eq!(
    ///     serde_json::to_string(&s).unwrap(),
    ///     r#"{"Effect":"Allow","Action":["aws-marketplace:MeterUsage"],"Resource":"*"}"#
    /// );
    /// ```
    ///
    /// An action with resource types is granted on its resources' ARNs:
    ///
    /// ```
    /// let s = marketplace_iam_policy::MinimalStatement::allow("license-manager:GetLicense");
    /// assert_eq!(s.resource, "arn:aws:license-manager::*:license:*");
    /// ```
    pub fn allow(action: &str) -> MinimalStatement {
        let resource = marketplace_iam_model::catalog::lookup_ignore_case(action)
            .and_then(|a| a.resource_types.first())
            .and_then(|r| r.any_arn());
        MinimalStatement {
            effect: Effect::Allow,
            action: [action.to_owned()],
            resource: resource.unwrap_or_else(|| "*".to_owned()),
        }
    }
}

/// A condition of a statement that decided an outcome: for a conditional outcome the ones left open, otherwise
/// the ones that held.
///
/// JSON: `{"policy": "role.json", "kind": "identity", "index": 0, "sid": null, "operator": "IpAddress",
/// "key": "aws:SourceIp", "values": ["203.0.113.0/24"]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionRef {
    /// The policy's name.
    pub policy: String,
    /// The part the policy plays.
    pub kind: PolicyKind,
    /// The statement's position.
    pub index: usize,
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// The operator as written canonically, e.g. `ForAnyValue:StringLike`.
    pub operator: String,
    /// The condition key as written in the policy.
    pub key: String,
    /// The policy's values.
    pub values: Vec<String>,
}

/// The decision for one action and what it rests on, borrowed from the [`PolicySet`] that made it.
///
/// Deciding keeps references to the statements the decision rests on; [`Evaluation::statements`] and
/// [`Evaluation::conditions`] turn them into owned explanations when asked. An evaluation whose explanation is not
/// needed (most of those a checker makes) allocates nothing.
#[derive(Clone)]
pub struct Evaluation<'a> {
    /// The decision.
    pub decision: Decision,
    /// The action as given to [`PolicySet::evaluate`].
    action: &'a str,
    /// The statements the decision rests on (none for an implicit deny).
    hits: Hits<'a>,
    /// For an implicit deny: each place lacking an `Allow` (`None`: any identity policy).
    missing: Missing<'a>,
}

impl<'a> Evaluation<'a> {
    /// `Allow`: the allowing statements (of every layer); `ExplicitDeny`: the denying statements; `Conditional`:
    /// the statements whose conditions are open (allowing and denying); `ImplicitDeny`: the statements to add, one
    /// per place that lacks an `Allow`.
    ///
    /// ```
    /// use marketplace_iam_policy::{Decision, PolicyFile, PolicySet};
    ///
    /// let set = PolicySet::new(vec![PolicyFile::parse("role.json", r#"{"Version": "2012-10-17",
    ///     "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#)?]);
    /// let e = set.evaluate("aws-marketplace:MeterUsage", None);
    /// assert_eq!(e.decision, Decision::ImplicitDeny);
    /// let add = e.statements().next().unwrap().add.unwrap();
    /// assert_eq!(add.action, ["aws-marketplace:MeterUsage"]);
    /// # Ok::<(), marketplace_iam_policy::PolicyError>(())
    /// ```
    pub fn statements(&self) -> impl Iterator<Item = StatementRef> + '_ {
        let missing = self.missing.iter().map(|&(kind, policy)| StatementRef {
            policy: policy.map(str::to_owned),
            kind,
            index: None,
            sid: None,
            effect: Effect::Allow,
            add: Some(MinimalStatement::allow(self.action)),
        });
        let hits = self.hits.iter().map(Hit::statement_ref);
        // One of the two is empty: an implicit deny rests on no statement.
        missing.chain(hits)
    }

    /// For `Allow`: the allowing statements of the identity policies.
    pub(crate) fn allowing_identity(&self) -> impl Iterator<Item = &'a Statement> + '_ {
        self.hits
            .iter()
            .filter(|h| h.kind == PolicyKind::Identity)
            .map(|h| &h.file.policy.statements[h.index as usize])
            .filter(|s| s.effect == Effect::Allow)
    }

    /// The conditions of [`Evaluation::statements`] (for `Conditional`: the open ones; otherwise the ones that
    /// held).
    pub fn conditions(&self) -> impl Iterator<Item = ConditionRef> + '_ {
        self.hits.iter().flat_map(Hit::condition_refs)
    }
}

impl fmt::Debug for Evaluation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Evaluation")
            .field("decision", &self.decision)
            .field("statements", &self.statements().collect::<Vec<_>>())
            .field("conditions", &self.conditions().collect::<Vec<_>>())
            .finish()
    }
}

/// Two evaluations are equal when their decisions and explanations are.
impl PartialEq for Evaluation<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.decision == other.decision
            && self.statements().eq(other.statements())
            && self.conditions().eq(other.conditions())
    }
}

impl Eq for Evaluation<'_> {}

/// Which resource the request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope<'a> {
    /// The action has no resource types: the request's resource is `*`, and only a `Resource` pattern that matches
    /// `*` applies.
    Star,
    /// The action has resource types: "on at least one resource" of its service (the IAM prefix given, which
    /// names the service in its ARNs). An `Allow` with a `Resource` that may name one may grant it; a `Deny` removes
    /// it only when it covers every resource.
    SomeResource(&'static str),
    /// One resource, by its ARN (`sts:AssumeRole` on a role): a `Resource` pattern matching it (ARN parts matched
    /// one by one, with wildcards) applies, or a `NotResource` without one.
    Arn(&'a str),
}

/// Whether a statement applies to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Applies {
    No,
    /// It applies; all its conditions (if any) held.
    Yes,
    /// It applies if its conditions hold, which cannot be decided without a context.
    Open,
}

/// A statement that applies: a reference only. Explanations (owned names, `Sid`s, conditions) are built from hits
/// only for the outcome that is returned.
#[derive(Clone, Copy)]
struct Hit<'a> {
    file: &'a PolicyFile,
    /// The statement's position in the policy (32 bits keep a hit at two words: an evaluation keeps a few inline
    /// and returns them by value).
    index: u32,
    kind: PolicyKind,
}

impl Hit<'_> {
    fn statement(&self) -> &Statement {
        &self.file.policy.statements[self.index as usize]
    }

    fn statement_ref(&self) -> StatementRef {
        StatementRef::new(self.file, self.kind, self.index as usize, self.statement())
    }

    /// The statement's conditions: all of them, for an open statement (none decided) as for one that applies
    /// (every one held).
    fn condition_refs(&self) -> impl Iterator<Item = ConditionRef> + '_ {
        condition_refs(
            &self.file.name,
            self.kind,
            self.index as usize,
            self.statement(),
        )
    }
}

/// The conditions of the statement at `index` of the policy named `name`, as a report names them.
pub(crate) fn condition_refs<'a>(
    name: &'a str,
    kind: PolicyKind,
    index: usize,
    statement: &'a Statement,
) -> impl Iterator<Item = ConditionRef> + 'a {
    statement.conditions.iter().map(move |c| ConditionRef {
        policy: name.to_owned(),
        kind,
        index,
        sid: statement.sid.as_deref().map(str::to_owned),
        operator: c.operator.to_string(),
        key: c.key.to_string(),
        values: c.values.iter().map(Substr::to_string).collect(),
    })
}

/// A few statements apply to an action in most policy sets: kept inline, so an evaluation allocates nothing.
type Hits<'a> = SmallVec<[Hit<'a>; 4]>;

/// Each place lacking an `Allow` (`None`: any identity policy).
type Missing<'a> = SmallVec<[(PolicyKind, Option<&'a str>); 2]>;

/// Whether a statement's `Action`/`NotAction` covers `action`.
/// `action` in ASCII lower case (see [`Lowered`]).
#[inline]
pub(crate) fn covers_action(statement: &Statement, action: &[u8]) -> bool {
    match &statement.actions {
        Actions::Action(patterns) => patterns.compiled().any(|p| action_matches(&p, action)),
        Actions::NotAction(patterns) => !patterns.compiled().any(|p| action_matches(&p, action)),
    }
}

/// Whether a statement's `Resource`/`NotResource` covers the request's resource.
pub(crate) fn covers_resource(statement: &Statement, scope: Scope<'_>) -> bool {
    let covers_star = |patterns: &Patterns| {
        patterns
            .compiled()
            .any(|p| p.text == b"*" || p.glob().is_some_and(|g| g.matches(b"*", false)))
    };
    match (&statement.resources, scope, statement.effect) {
        // No `Resource` at all (refused by IAM in identity policies; the report warns): applies to everything.
        (None, _, _) => true,
        (Some(Resources::Resource(r)), Scope::Star, _) => covers_star(r),
        (Some(Resources::NotResource(r)), Scope::Star, _) => !covers_star(r),
        (Some(Resources::Resource(r)), Scope::SomeResource(service), Effect::Allow) => {
            r.iter().any(|p| may_name_resource_of(p, service))
        }
        (Some(Resources::NotResource(r)), Scope::SomeResource(_), Effect::Allow) => !covers_star(r),
        (Some(Resources::Resource(r)), Scope::SomeResource(_), Effect::Deny) => covers_star(r),
        // Denied on every resource except the listed ones: on all of the action's resources unless one listed
        // may be a resource of its service.
        (Some(Resources::NotResource(r)), Scope::SomeResource(service), Effect::Deny) => {
            !r.iter().any(|p| may_name_resource_of(p, service))
        }
        (Some(Resources::Resource(r)), Scope::Arn(arn), _) => r.iter().any(|p| arn_matches(p, arn)),
        (Some(Resources::NotResource(r)), Scope::Arn(arn), _) => {
            !r.iter().any(|p| arn_matches(p, arn))
        }
    }
}

/// Whether an ARN pattern may name a resource of `service` (an IAM prefix, as ARNs name the service).
pub(crate) fn may_name_resource_of(pattern: &str, service: &str) -> bool {
    if wildcard_match(pattern, "*", false) {
        return true;
    }
    let mut parts = pattern.splitn(4, ':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(partition), Some(arn_service), Some(_)) => {
            wildcard_match(arn_service, service, false)
                || partition.contains('*')
                || arn_service.contains('*')
        }
        _ => pattern.contains('*'),
    }
}

/// Whether a statement's conditions hold: the part of "does it apply" that does not depend on the action.
pub(crate) fn conditions_hold(
    statement: &Statement,
    policy: &Policy,
    context: Option<&Context>,
) -> Applies {
    if statement.conditions.is_empty() {
        return Applies::Yes;
    }
    let Some(context) = context else {
        return Applies::Open;
    };
    if statement
        .conditions
        .iter()
        .all(|c| condition::holds(c, context, policy.version))
    {
        Applies::Yes
    } else {
        Applies::No
    }
}

impl PolicySet {
    /// A set of identity policies, with no boundary and no SCP.
    pub fn new(identity: Vec<PolicyFile>) -> PolicySet {
        PolicySet {
            identity,
            boundary: None,
            scps: Vec::new(),
        }
    }

    /// Sets the permissions boundary.
    pub fn with_boundary(mut self, boundary: PolicyFile) -> PolicySet {
        self.boundary = Some(boundary);
        self
    }

    /// Adds an SCP.
    pub fn with_scp(mut self, scp: PolicyFile) -> PolicySet {
        self.scps.push(scp);
        self
    }

    /// Every policy with the part it plays, identity policies first.
    pub fn policies(&self) -> impl Iterator<Item = (&PolicyFile, PolicyKind)> {
        self.identity
            .iter()
            .map(|p| (p, PolicyKind::Identity))
            .chain(self.boundary.iter().map(|p| (p, PolicyKind::Boundary)))
            .chain(self.scps.iter().map(|p| (p, PolicyKind::Scp)))
    }

    /// Decides whether the principal may call `action` (e.g. `aws-marketplace:MeterUsage`) on `*`.
    ///
    /// Without a `context`, every condition is open: a statement with a condition makes the outcome
    /// [`Decision::Conditional`] (an open `Deny` is never dropped). With a context, conditions are decided; a key
    /// not in the context is absent from the request.
    ///
    /// The action is evaluated on the resource `*` when the catalog gives it no resource types (the five metering
    /// and entitlement actions); for an action with resource types, on "at least one resource" (see the crate
    /// documentation).
    pub fn evaluate<'a>(&'a self, action: &'a str, context: Option<&Context>) -> Evaluation<'a> {
        let scope = scope_of(action);
        let mut lowered = Lowered::new();
        let lowered = lowered.of(action);
        self.decide(action, |file, statement| {
            if covers_action(statement, lowered) && covers_resource(statement, scope) {
                conditions_hold(statement, &file.policy, context)
            } else {
                Applies::No
            }
        })
    }

    /// AWS's evaluation logic over every statement of the set, given whether each applies, with the statements
    /// the decision rests on: for `Allow` the allowing statements, for `ExplicitDeny` the denying ones, for
    /// `Conditional` the open ones; the places lacking an `Allow` for `ImplicitDeny`.
    pub(crate) fn decide<'a>(
        &'a self,
        action: &'a str,
        mut applies: impl FnMut(&'a PolicyFile, &'a Statement) -> Applies,
    ) -> Evaluation<'a> {
        // One pass over every statement, layer by layer: the identity policies together, then the boundary, then
        // each SCP.
        let (mut denies, mut open_denies) = (Hits::new(), Hits::new());
        let (mut allows, mut open, mut missing) = (Hits::new(), Hits::new(), Missing::new());
        let mut any_open = false;
        let mut layer = |files: &'a [PolicyFile], kind, name: Option<&'a String>| {
            let (allows_before, open_before) = (allows.len(), open.len());
            for file in files {
                // A policy of 2^32 statements cannot be read (IAM allows a few hundred).
                for (index, statement) in (0..).zip(&file.policy.statements) {
                    let hit = Hit { file, index, kind };
                    match (applies(file, statement), statement.effect) {
                        (Applies::No, _) => {}
                        (Applies::Yes, Effect::Deny) => denies.push(hit),
                        (Applies::Open, Effect::Deny) => open_denies.push(hit),
                        (Applies::Yes, Effect::Allow) => allows.push(hit),
                        (Applies::Open, Effect::Allow) => open.push(hit),
                    }
                }
            }
            // A layer allows (its open statements do not matter then), is open, or lacks an `Allow`.
            if allows.len() > allows_before {
                open.truncate(open_before);
            } else if open.len() > open_before {
                any_open = true;
            } else {
                missing.push((kind, name.map(String::as_str)));
            }
        };
        layer(&self.identity, PolicyKind::Identity, None);
        if let Some(boundary) = &self.boundary {
            layer(
                std::slice::from_ref(boundary),
                PolicyKind::Boundary,
                Some(&boundary.name),
            );
        }
        for scp in &self.scps {
            layer(std::slice::from_ref(scp), PolicyKind::Scp, Some(&scp.name));
        }

        // An explicit deny anywhere wins; then a layer lacking an `Allow`; then an open condition.
        let evaluation = |decision, hits, missing| Evaluation {
            decision,
            action,
            hits,
            missing,
        };
        if !denies.is_empty() {
            evaluation(Decision::ExplicitDeny, denies, Missing::new())
        } else if !missing.is_empty() {
            evaluation(Decision::ImplicitDeny, Hits::new(), missing)
        } else if !any_open && open_denies.is_empty() {
            evaluation(Decision::Allow, allows, Missing::new())
        } else {
            open.extend(open_denies);
            evaluation(Decision::Conditional, open, Missing::new())
        }
    }
}

/// How a named action is evaluated: on `*` unless the catalog gives it resource types.
pub(crate) fn scope_of(action: &str) -> Scope<'static> {
    // The few catalog actions with resource types, compared in any letter case after a prefilter by length and
    // last letter, with the names of the action's length only.
    static WITH_RESOURCES: LazyLock<(LastLetters, Vec<Vec<&'static str>>)> = LazyLock::new(|| {
        let names: Vec<&'static str> = marketplace_iam_model::catalog::all()
            .iter()
            .filter(|a| !a.resource_types.is_empty())
            .map(|a| a.name)
            .collect();
        let mut by_length: Vec<Vec<&'static str>> = Vec::new();
        for name in &names {
            if by_length.len() <= name.len() {
                by_length.resize_with(name.len() + 1, Vec::new);
            }
            by_length[name.len()].push(name);
        }
        (LastLetters::of(names.iter().copied()), by_length)
    });
    let (last_letters, by_length) = &*WITH_RESOURCES;
    let name = last_letters
        .may_hold(action)
        .then(|| by_length.get(action.len()))
        .flatten()
        .and_then(|names| names.iter().find(|n| n.eq_ignore_ascii_case(action)));
    match name {
        Some(name) => Scope::SomeResource(name.split_once(':').map_or(name, |(prefix, _)| prefix)),
        None => Scope::Star,
    }
}
