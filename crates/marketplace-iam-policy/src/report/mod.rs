//! The answer to "Why AccessDenied?": per required action a decision and what it rests on, the other
//! `aws-marketplace` actions the principal is granted, and warnings.

use std::fmt;
use std::ops::ControlFlow;
use std::sync::LazyLock;

use marketplace_iam_model::Policies;
use marketplace_iam_model::catalog::{self, AccessLevel};
use serde::Serialize;

use crate::bytes::same_lowered;
use crate::document::{Actions, Effect, Principal, Resources, Statement, Version};
use crate::eval::condition::Context;
use crate::eval::{
    Applies, ConditionRef, Decision, PolicyFile, PolicyKind, PolicySet, Scope, StatementRef,
    conditions_hold, covers_action, covers_resource, scope_of,
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

/// An `aws-marketplace` action the principal can use but the integration does not need.
///
/// JSON: `{"action": "aws-marketplace:StartChangeSet", "access_level": "Write", "decision": "allow",
/// "statements": [...]}`; `statements` are the identity policy statements that grant it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverGrant {
    /// The action.
    pub action: String,
    /// Its access level in the catalog; JSON: its name (`List`, `Read`, `Write`, `Permissions management`,
    /// `Tagging`).
    #[serde(serialize_with = "access_level_name")]
    pub access_level: AccessLevel,
    /// `allow`, or `conditional` when it depends on a condition.
    pub decision: Decision,
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

    let over_grants = over_grants(set, required, context);

    Report {
        verdict,
        actions,
        over_grants,
        warnings: warnings(set, required, context),
    }
}

/// Every other catalog action the principal is allowed or conditionally allowed, with the identity statements
/// that grant it.
///
/// AWS's evaluation logic (as in [`PolicySet::evaluate`]) for every catalog action at once, on bit sets over the
/// catalog: what does not depend on the action is worked out once per statement (the catalog actions its
/// `Action`/`NotAction` covers, whether its `Resource`/`NotResource` covers `*` and "some resource", its
/// conditions), giving the actions each statement applies to, unconditionally or if its conditions hold. The
/// layers are then unions of those, and statements are named (owned strings) only for the over-grants reported.
fn over_grants(set: &PolicySet, required: &[String], context: Option<&Context>) -> Vec<OverGrant> {
    let all = catalog::all();
    let words = all.len().div_ceil(64).max(1);
    let bit = |j: usize| 1u64 << (j % 64);
    let mut valid = vec![0u64; words];
    // Per IAM prefix, its actions with resource types: a `Resource` grants those when it may name a resource of
    // that prefix's service.
    let mut some_resource: Vec<(&'static str, Vec<u64>)> = Vec::new();
    for (j, a) in all.iter().enumerate() {
        valid[j / 64] |= bit(j);
        if !a.resource_types.is_empty() {
            let prefix = a.prefix();
            let at = match some_resource.iter().position(|(p, _)| *p == prefix) {
                Some(at) => at,
                None => {
                    some_resource.push((prefix, vec![0u64; words]));
                    some_resource.len() - 1
                }
            };
            some_resource[at].1[j / 64] |= bit(j);
        }
    }
    let with_resources = |w: usize| some_resource.iter().fold(0, |acc, (_, mask)| acc | mask[w]);

    // Per statement: the actions it applies to (`yes`), or would if its open conditions held (`open`).
    let statements: Vec<(&PolicyFile, PolicyKind, usize, &Statement)> = set
        .policies()
        .flat_map(|(f, k)| {
            f.policy
                .statements
                .iter()
                .enumerate()
                .map(move |(i, s)| (f, k, i, s))
        })
        .collect();
    let mut yes = vec![0u64; statements.len() * words];
    let mut open = vec![0u64; statements.len() * words];
    let mut covered = vec![0u64; words];
    for (n, &(file, _, _, s)) in statements.iter().enumerate() {
        let target = match conditions_hold(s, &file.policy, context) {
            Applies::Yes => &mut yes,
            Applies::Open => &mut open,
            Applies::No => continue,
        };
        covered.fill(0);
        catalog_coverage(s, &mut covered);
        let star = covers_resource(s, Scope::Star);
        let some: Vec<bool> = some_resource
            .iter()
            .map(|(prefix, _)| covers_resource(s, Scope::SomeResource(prefix)))
            .collect();
        for w in 0..words {
            let mut resource = 0;
            if star {
                resource |= valid[w] & !with_resources(w);
            }
            for ((_, mask), &covers) in some_resource.iter().zip(&some) {
                if covers {
                    resource |= mask[w];
                }
            }
            target[n * words + w] = covered[w] & resource;
        }
    }

    // The allow layers, as ranges of `statements`: the identity policies together, the boundary, each SCP.
    let identity = statements
        .iter()
        .take_while(|(_, k, _, _)| *k == PolicyKind::Identity)
        .count();
    let mut layers = Vec::with_capacity(1 + set.scps.len() + usize::from(set.boundary.is_some()));
    layers.push(0..identity);
    let mut start = identity;
    for file in set.boundary.iter().chain(&set.scps) {
        let end = start + file.policy.statements.len();
        layers.push(start..end);
        start = end;
    }

    let mut over_grants = Vec::new();
    for w in 0..words {
        let union = |range: std::ops::Range<usize>, effect: Effect, of: &[u64]| {
            range
                .filter(|&n| statements[n].3.effect == effect)
                .fold(0, |acc, n| acc | of[n * words + w])
        };
        let deny = union(0..statements.len(), Effect::Deny, &yes);
        let mut any_open = union(0..statements.len(), Effect::Deny, &open);
        let mut missing = 0;
        let (mut identity_yes, mut identity_open) = (0, 0);
        for (l, range) in layers.iter().enumerate() {
            let allows = union(range.clone(), Effect::Allow, &yes);
            let opens = union(range.clone(), Effect::Allow, &open);
            missing |= !(allows | opens);
            any_open |= opens & !allows;
            if l == 0 {
                (identity_yes, identity_open) = (allows, opens & !allows);
            }
        }
        let granted = valid[w] & !deny & !missing;
        for b in 0..64 {
            let j = w * 64 + b;
            if granted & bit(j) == 0 {
                continue;
            }
            let a = &all[j];
            if required.iter().any(|r| r.eq_ignore_ascii_case(a.name)) {
                continue;
            }
            // The identity statements reported: for an allow those that allow it, for a conditional outcome the
            // open ones when the identity policies' layer is the open one.
            let (decision, from) = if any_open & bit(j) == 0 {
                (Decision::Allow, &yes)
            } else if identity_open & bit(j) != 0 {
                (Decision::Conditional, &open)
            } else {
                (Decision::Conditional, &yes)
            };
            let named = decision == Decision::Allow || identity_yes & bit(j) == 0;
            let statements: Vec<StatementRef> = statements[..identity]
                .iter()
                .enumerate()
                .filter(|&(n, (_, _, _, s))| {
                    named && s.effect == Effect::Allow && from[n * words + w] & bit(j) != 0
                })
                .map(|(_, &(file, kind, index, s))| StatementRef::new(file, kind, index, s))
                .collect();
            over_grants.push(OverGrant {
                action: a.name.to_owned(),
                access_level: a.access_level,
                decision,
                statements,
            });
        }
    }
    over_grants
}

/// Sets the bits of the catalog actions (by position in [`catalog::all`]) that a statement's `Action` or
/// `NotAction` covers.
fn catalog_coverage(statement: &Statement, bits: &mut [u64]) {
    let (Actions::Action(patterns) | Actions::NotAction(patterns)) = &statement.actions;
    for p in patterns.compiled() {
        for_each_catalog_match(&p, |j| {
            bits[j / 64] |= 1 << (j % 64);
            ControlFlow::Continue(())
        });
    }
    if let Actions::NotAction(_) = &statement.actions {
        let n = catalog::all().len();
        for (w, word) in bits.iter_mut().enumerate() {
            let valid = n.saturating_sub(w * 64).min(64);
            let mask = if valid == 64 {
                u64::MAX
            } else {
                (1u64 << valid) - 1
            };
            *word = !*word & mask;
        }
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
/// first wildcard cannot begin such a name matches none, and a pattern without wildcards matches at most the one of its name.
fn for_each_catalog_match(pattern: &Compiled<'_>, mut found: impl FnMut(usize) -> ControlFlow<()>) {
    // The catalog's names in lower case, to match the patterns against in any letter case.
    static LOWER: LazyLock<Vec<String>> = LazyLock::new(|| {
        catalog::all()
            .iter()
            .map(|a| a.name.to_ascii_lowercase())
            .collect()
    });
    let literal = pattern
        .wildcard
        .and_then(|i| pattern.text.get(..i))
        .unwrap_or(pattern.text);
    if !may_begin_catalog_name(literal) {
        return;
    }
    let Some(glob) = pattern.glob() else {
        if let Some(j) = LOWER
            .iter()
            .position(|n| same_lowered(pattern.text, n.as_bytes()))
        {
            let _ = found(j);
        }
        return;
    };
    for (j, name) in LOWER.iter().enumerate() {
        if glob.matches(name.as_bytes(), true) && found(j).is_break() {
            return;
        }
    }
}

fn warnings(set: &PolicySet, required: &[String], context: Option<&Context>) -> Vec<Warning> {
    let mut out = Vec::new();
    let lowered: Vec<String> = required.iter().map(|a| a.to_ascii_lowercase()).collect();
    for (file, kind) in set.policies() {
        let policy = &file.policy;
        for (index, s) in policy.statements.iter().enumerate() {
            let mut warn = |code, message: String| {
                out.push(Warning {
                    code,
                    policy: Some(file.name.clone()),
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
                        "IAM refuses `{element}` in an {kind}; AWS would not accept this document as one (the statement is evaluated without it)"
                    ),
                );
            }
            if s.resources.is_none() {
                warn(
                    WarningCode::MissingResource,
                    format!(
                        "the statement has neither `Resource` nor `NotResource`, which IAM refuses in an {kind} (it is evaluated as applying to every resource)"
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
            for (action, lowered) in required.iter().zip(&lowered) {
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
    out
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
                "NOT allowed: {not_ok} of {} required actions {} not allowed unconditionally",
                self.actions.len(),
                if not_ok == 1 { "is" } else { "are" }
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
                "over-grants: {} other aws-marketplace actions are allowed ({})",
                self.over_grants.len(),
                counts.join(", ")
            )?;
            for g in &self.over_grants {
                let cond = if g.decision == Decision::Conditional {
                    " (conditional)"
                } else {
                    ""
                };
                writeln!(f, "  {:<24} {}{cond}", g.access_level.as_str(), g.action)?;
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

#[cfg(test)]
mod tests;
