//! AWS's policy evaluation logic for one principal: identity policies, an optional permissions boundary and
//! service control policies.

use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::condition::{self, Context};
use crate::grammar::{Actions, Condition, Effect, Policy, PolicyError, Resources, Statement};
use crate::matching::{action_matches, wildcard_match};

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
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PolicyKind::Identity => "identity policy",
            PolicyKind::Boundary => "permissions boundary",
            PolicyKind::Scp => "SCP",
        })
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
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_POLICY_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_POLICY_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "the file is larger than {} MiB, the limit for a policy document (IAM accepts at most 6,144 \
                 characters in a managed policy); check that the path names one policy document",
                MAX_POLICY_FILE_BYTES >> 20
            ),
        ));
    }
    Ok(bytes)
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
/// assert_eq!(meter.statements[0].sid.as_deref(), Some("NoMetering"));
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
    fn new(file: &PolicyFile, kind: PolicyKind, index: usize, statement: &Statement) -> Self {
        StatementRef {
            policy: Some(file.name.clone()),
            kind,
            index: Some(index),
            sid: statement.sid.clone(),
            effect: statement.effect,
            add: None,
        }
    }

    /// `role.json Statement[2] (Sid "Metering")`, or `any identity policy` for a statement to add.
    pub fn location(&self) -> String {
        let mut out = match &self.policy {
            Some(p) => format!("{} {p}", self.kind),
            None => format!("any {}", self.kind),
        };
        if let Some(i) = self.index {
            out.push_str(&format!(" Statement[{i}]"));
        }
        if let Some(sid) = &self.sid {
            out.push_str(&format!(" (Sid {sid:?})"));
        }
        out
    }
}

/// The least statement that grants one action: `{"Effect":"Allow","Action":["aws-marketplace:X"],"Resource":"*"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinimalStatement {
    /// Always `Allow`.
    #[serde(rename = "Effect")]
    pub effect: Effect,
    /// The action.
    #[serde(rename = "Action")]
    pub action: Vec<String>,
    /// Always `*`: the metering and entitlement actions have no resource types.
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
    pub fn allow(action: &str) -> MinimalStatement {
        MinimalStatement {
            effect: Effect::Allow,
            action: vec![action.to_owned()],
            resource: "*".to_owned(),
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

/// The decision for one action and what it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The decision.
    pub decision: Decision,
    /// `Allow`: the allowing statements (of every layer); `ExplicitDeny`: the denying statements; `Conditional`:
    /// the statements whose conditions are open (allowing and denying); `ImplicitDeny`: the statements to add.
    pub statements: Vec<StatementRef>,
    /// The conditions of those statements (for `Conditional`: the open ones).
    pub conditions: Vec<ConditionRef>,
}

/// Which resource the request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The action has no resource types: the request's resource is `*`, and only a `Resource` pattern that matches
    /// `*` applies.
    Star,
    /// The action has resource types: "on at least one resource". An `Allow` with any `Resource` may grant it; a
    /// `Deny` removes it only when it covers every resource.
    SomeResource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Applies {
    No,
    Yes(Vec<usize>),
    Open,
}

struct Hit<'a> {
    file: &'a PolicyFile,
    kind: PolicyKind,
    index: usize,
    statement: &'a Statement,
    held: Vec<usize>,
    open: bool,
}

impl Hit<'_> {
    fn statement_ref(&self) -> StatementRef {
        StatementRef::new(self.file, self.kind, self.index, self.statement)
    }

    fn condition_refs(&self) -> Vec<ConditionRef> {
        let pick: Vec<&Condition> = if self.open {
            self.statement.conditions.iter().collect()
        } else {
            self.held
                .iter()
                .map(|&i| &self.statement.conditions[i])
                .collect()
        };
        pick.into_iter()
            .map(|c| ConditionRef {
                policy: self.file.name.clone(),
                kind: self.kind,
                index: self.index,
                sid: self.statement.sid.clone(),
                operator: c.operator.to_string(),
                key: c.key.clone(),
                values: c.values.clone(),
            })
            .collect()
    }
}

/// Whether a statement's `Action`/`NotAction` covers `action`.
pub(crate) fn covers_action(statement: &Statement, action: &str) -> bool {
    match &statement.actions {
        Actions::Action(patterns) => patterns.iter().any(|p| action_matches(p, action)),
        Actions::NotAction(patterns) => !patterns.iter().any(|p| action_matches(p, action)),
    }
}

/// Whether a statement's `Resource`/`NotResource` covers the request's resource.
pub(crate) fn covers_resource(statement: &Statement, scope: Scope) -> bool {
    let covers_star = |patterns: &[String]| patterns.iter().any(|p| wildcard_match(p, "*", false));
    match (&statement.resources, scope, statement.effect) {
        // No `Resource` at all (refused by IAM in identity policies; the report warns): applies to everything.
        (None, _, _) => true,
        (Some(Resources::Resource(r)), Scope::Star, _) => covers_star(r),
        (Some(Resources::NotResource(r)), Scope::Star, _) => !covers_star(r),
        (Some(Resources::Resource(r)), Scope::SomeResource, Effect::Allow) => {
            r.iter().any(|p| may_name_marketplace_resource(p))
        }
        (Some(Resources::NotResource(r)), Scope::SomeResource, Effect::Allow) => !covers_star(r),
        (Some(Resources::Resource(r)), Scope::SomeResource, Effect::Deny) => covers_star(r),
        // Denied on every resource except the listed ones: on all of the action's resources unless one listed
        // may be an `aws-marketplace` resource.
        (Some(Resources::NotResource(r)), Scope::SomeResource, Effect::Deny) => {
            !r.iter().any(|p| may_name_marketplace_resource(p))
        }
    }
}

/// Whether an ARN pattern may name a resource of the `aws-marketplace` service.
fn may_name_marketplace_resource(pattern: &str) -> bool {
    if wildcard_match(pattern, "*", false) {
        return true;
    }
    let parts: Vec<&str> = pattern.splitn(4, ':').collect();
    match parts.as_slice() {
        [_, partition, service, _] => {
            wildcard_match(service, "aws-marketplace", false)
                || partition.contains('*')
                || service.contains('*')
        }
        _ => pattern.contains('*'),
    }
}

fn applies(
    statement: &Statement,
    policy: &Policy,
    action: &str,
    scope: Scope,
    context: Option<&Context>,
) -> Applies {
    if !covers_action(statement, action) || !covers_resource(statement, scope) {
        return Applies::No;
    }
    if statement.conditions.is_empty() {
        return Applies::Yes(Vec::new());
    }
    let Some(context) = context else {
        return Applies::Open;
    };
    if statement
        .conditions
        .iter()
        .all(|c| condition::holds(c, context, policy.version))
    {
        Applies::Yes((0..statement.conditions.len()).collect())
    } else {
        Applies::No
    }
}

/// The allow status of one layer (all identity policies together, the boundary, or one SCP).
enum Layer<'a> {
    Allows(Vec<Hit<'a>>),
    Open(Vec<Hit<'a>>),
    Missing {
        kind: PolicyKind,
        policy: Option<String>,
    },
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
    pub fn evaluate(&self, action: &str, context: Option<&Context>) -> Evaluation {
        self.evaluate_in(action, scope_of(action), context)
    }

    pub(crate) fn evaluate_in(
        &self,
        action: &str,
        scope: Scope,
        context: Option<&Context>,
    ) -> Evaluation {
        // Explicit denies, from every policy.
        let mut denies = Vec::new();
        let mut open_denies = Vec::new();
        for (file, kind) in self.policies() {
            for (index, statement) in file.policy.statements.iter().enumerate() {
                if statement.effect != Effect::Deny {
                    continue;
                }
                match applies(statement, &file.policy, action, scope, context) {
                    Applies::No => {}
                    Applies::Yes(held) => denies.push(Hit {
                        file,
                        kind,
                        index,
                        statement,
                        held,
                        open: false,
                    }),
                    Applies::Open => open_denies.push(Hit {
                        file,
                        kind,
                        index,
                        statement,
                        held: Vec::new(),
                        open: true,
                    }),
                }
            }
        }
        if !denies.is_empty() {
            return evaluation(Decision::ExplicitDeny, &denies);
        }

        // Allows: the identity policies together, then the boundary, then each SCP.
        let mut layers = vec![layer(
            self.identity.iter().map(|f| (f, PolicyKind::Identity)),
            PolicyKind::Identity,
            None,
            action,
            scope,
            context,
        )];
        if let Some(b) = &self.boundary {
            layers.push(layer(
                std::iter::once((b, PolicyKind::Boundary)),
                PolicyKind::Boundary,
                Some(b.name.clone()),
                action,
                scope,
                context,
            ));
        }
        for scp in &self.scps {
            layers.push(layer(
                std::iter::once((scp, PolicyKind::Scp)),
                PolicyKind::Scp,
                Some(scp.name.clone()),
                action,
                scope,
                context,
            ));
        }

        let missing: Vec<StatementRef> = layers
            .iter()
            .filter_map(|l| match l {
                Layer::Missing { kind, policy } => Some(StatementRef {
                    policy: policy.clone(),
                    kind: *kind,
                    index: None,
                    sid: None,
                    effect: Effect::Allow,
                    add: Some(MinimalStatement::allow(action)),
                }),
                _ => None,
            })
            .collect();
        if !missing.is_empty() {
            return Evaluation {
                decision: Decision::ImplicitDeny,
                statements: missing,
                conditions: Vec::new(),
            };
        }

        let any_open =
            !open_denies.is_empty() || layers.iter().any(|l| matches!(l, Layer::Open(_)));
        if !any_open {
            let hits: Vec<Hit<'_>> = layers
                .into_iter()
                .flat_map(|l| match l {
                    Layer::Allows(h) => h,
                    _ => Vec::new(),
                })
                .collect();
            return evaluation(Decision::Allow, &hits);
        }
        let mut hits: Vec<Hit<'_>> = layers
            .into_iter()
            .flat_map(|l| match l {
                Layer::Open(h) => h,
                _ => Vec::new(),
            })
            .collect();
        hits.extend(open_denies);
        evaluation(Decision::Conditional, &hits)
    }
}

fn evaluation(decision: Decision, hits: &[Hit<'_>]) -> Evaluation {
    Evaluation {
        decision,
        statements: hits.iter().map(Hit::statement_ref).collect(),
        conditions: hits.iter().flat_map(Hit::condition_refs).collect(),
    }
}

fn layer<'a>(
    files: impl Iterator<Item = (&'a PolicyFile, PolicyKind)>,
    kind: PolicyKind,
    policy: Option<String>,
    action: &str,
    scope: Scope,
    context: Option<&Context>,
) -> Layer<'a> {
    let mut yes = Vec::new();
    let mut open = Vec::new();
    for (file, kind) in files {
        for (index, statement) in file.policy.statements.iter().enumerate() {
            if statement.effect != Effect::Allow {
                continue;
            }
            let hit = |held, open| Hit {
                file,
                kind,
                index,
                statement,
                held,
                open,
            };
            match applies(statement, &file.policy, action, scope, context) {
                Applies::No => {}
                Applies::Yes(held) => yes.push(hit(held, false)),
                Applies::Open => open.push(hit(Vec::new(), true)),
            }
        }
    }
    if !yes.is_empty() {
        Layer::Allows(yes)
    } else if !open.is_empty() {
        Layer::Open(open)
    } else {
        Layer::Missing { kind, policy }
    }
}

/// How a named action is evaluated: on `*` unless the catalog gives it resource types.
pub(crate) fn scope_of(action: &str) -> Scope {
    // Callers mostly pass the catalog's spelling: a binary search, then any letter case.
    let found = marketplace_iam_model::catalog::lookup(action)
        .or_else(|| marketplace_iam_model::catalog::lookup_ignore_case(action));
    match found {
        Some(a) if !a.resource_types.is_empty() => Scope::SomeResource,
        _ => Scope::Star,
    }
}
