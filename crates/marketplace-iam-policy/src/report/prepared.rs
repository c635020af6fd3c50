//! [`Checker`]: one check (the same required actions, the same context) of many principals that share policies, as
//! in an account's authorization details, where one managed policy is attached to thousands of users and roles.
//!
//! Everything [`check`](super::check) works out about one statement depends only on that statement, its policy and
//! the part the policy plays: whether it applies to each required action, the catalog actions it applies to (for
//! over-grants), the warnings about it. [`Checker::prepare`] works that out once per policy; [`Checker::check`]
//! combines the prepared policies of a principal with AWS's evaluation logic, and gives the same [`Report`] as
//! `check` on the same policies (the tests compare the two on generated policy sets).

use std::ops::Range;
use std::sync::OnceLock;

use super::catalog_match;
use super::over_grants::{self, Named};
use super::types::{ActionReport, Report, Verdict, Warning};
use super::warnings::policy_warnings;
use crate::document::{Effect, Policy};
use crate::eval::condition::Context;
use crate::eval::{
    Applies, Decision, MinimalStatement, PolicyKind, Scope, StatementRef, condition_refs,
    conditions_hold, covers_action, covers_resource, scope_of,
};

/// A check of `required` actions under one request context, for many principals whose policies are prepared once.
///
/// ```
/// use marketplace_iam_policy::{check, Checker, Member, PolicyFile, PolicyKind, PolicySet};
///
/// let shared = PolicyFile::parse("arn:aws:iam::123456789012:policy/Metering", r#"{"Version": "2012-10-17",
///     "Statement": {"Effect": "Allow", "Action": "aws-marketplace:MeterUsage", "Resource": "*"}}"#)?;
/// let required = vec!["aws-marketplace:MeterUsage".to_string()];
/// let checker = Checker::new(&required, None);
/// // Once per policy, however many principals it is attached to:
/// let prepared = checker.prepare(&shared.policy, PolicyKind::Identity);
/// let member = Member { name: &shared.name, policy: &shared.policy, prepared: &prepared };
/// let report = checker.check(&[member], None, &[]);
/// assert!(report.is_allowed());
/// assert_eq!(report, check(&PolicySet::new(vec![shared.clone()]), &required, None));
/// # Ok::<(), marketplace_iam_policy::PolicyError>(())
/// ```
#[derive(Debug)]
pub struct Checker<'r> {
    required: &'r [String],
    over_grant_statements: bool,
    warnings: bool,
    lowered: Vec<String>,
    /// The catalog's required actions, as over-grant bits.
    required_bits: Vec<u64>,
    scopes: Vec<Scope<'static>>,
    context: Option<&'r Context>,
}

/// What one policy, playing one part, contributes to every check of a [`Checker`]: made by [`Checker::prepare`]
/// and only valid with that checker.
#[derive(Debug, Clone)]
pub struct Prepared {
    kind: PolicyKind,
    /// Per statement, per required action (row by row): whether the statement applies.
    applies: Vec<Applies>,
    /// The rest, worked out by the first [`Checker::check`] that needs it ([`Checker::decide`] does not).
    rest: OnceLock<Rest>,
}

/// What a full report needs beside the decisions.
#[derive(Debug, Clone)]
struct Rest {
    /// Per statement, [`catalog_match::words`] words: the catalog actions it applies to, and would if its conditions
    /// held.
    yes: Vec<u64>,
    open: Vec<u64>,
    /// The warnings about its statements, without the policy's name.
    warnings: Vec<Warning>,
}

impl Prepared {
    /// The part the policy was prepared for.
    pub fn kind(&self) -> PolicyKind {
        self.kind
    }
}

/// A policy of a principal, as [`Checker::check`] takes it: its name as the report gives it (e.g. the managed
/// policy's ARN), the document, and what [`Checker::prepare`] made of the document for the part it plays here.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    /// The policy's name in the report.
    pub name: &'a str,
    /// The document.
    pub policy: &'a Policy,
    /// The document prepared by the same checker, for the part it plays in this check.
    pub prepared: &'a Prepared,
}

impl<'r> Checker<'r> {
    /// A checker of the `required` actions; `context` decides conditions as in [`check`](super::check).
    pub fn new(required: &'r [String], context: Option<&'r Context>) -> Checker<'r> {
        Checker {
            required,
            over_grant_statements: true,
            warnings: true,
            lowered: required.iter().map(|a| a.to_ascii_lowercase()).collect(),
            required_bits: over_grants::required_bits(required),
            scopes: required.iter().map(|a| scope_of(a)).collect(),
            context,
        }
    }

    /// A checker whose reports give over-grants without the statements that grant them (`statements` empty),
    /// for a summary that names only the actions (`check --gaad`): naming them is most of what an over-grant costs.
    pub fn without_over_grant_statements(mut self) -> Checker<'r> {
        self.over_grant_statements = false;
        self
    }

    /// A checker whose reports carry no warnings (`warnings` empty), for a summary that does not show them
    /// (`check --gaad --format text`): they are not worked out.
    ///
    /// ```
    /// use marketplace_iam_policy::{Checker, Member, PolicyFile, PolicyKind};
    ///
    /// // `Allow` with `NotAction`: a warning, when warnings are worked out.
    /// let file = PolicyFile::parse("role.json", r#"{"Version": "2012-10-17",
    ///     "Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}"#)?;
    /// let required = vec!["aws-marketplace:MeterUsage".to_string()];
    /// for (checker, warned) in [
    ///     (Checker::new(&required, None), true),
    ///     (Checker::new(&required, None).without_warnings(), false),
    /// ] {
    ///     let prepared = checker.prepare(&file.policy, PolicyKind::Identity);
    ///     let member = Member { name: &file.name, policy: &file.policy, prepared: &prepared };
    ///     let report = checker.check(&[member], None, &[]);
    ///     assert!(report.is_allowed());
    ///     assert_eq!(!report.warnings.is_empty(), warned);
    /// }
    /// # Ok::<(), marketplace_iam_policy::PolicyError>(())
    /// ```
    pub fn without_warnings(mut self) -> Checker<'r> {
        self.warnings = false;
        self
    }

    /// Works out what `policy`, playing the part `kind`, contributes to any principal's check: whether each
    /// statement applies to each required action now; the over-grants' bit sets and the warnings when a
    /// [`Checker::check`] first needs them.
    pub fn prepare(&self, policy: &Policy, kind: PolicyKind) -> Prepared {
        let mut applies = Vec::with_capacity(policy.statements.len() * self.required.len());
        for s in &policy.statements {
            let holds = conditions_hold(s, policy, self.context);
            for (lowered, &scope) in self.lowered.iter().zip(&self.scopes) {
                applies.push(
                    if covers_action(s, lowered.as_bytes()) && covers_resource(s, scope) {
                        holds
                    } else {
                        Applies::No
                    },
                );
            }
        }
        Prepared {
            kind,
            applies,
            rest: OnceLock::new(),
        }
    }

    /// The over-grants' bit sets and the warnings of a prepared policy.
    fn rest<'p>(&self, member: &'p Member<'_>) -> &'p Rest
    where
        Self: 'p,
    {
        member.prepared.rest.get_or_init(|| {
            let policy = member.policy;
            let words = catalog_match::words();
            let n = policy.statements.len();
            let (mut yes, mut open) = (vec![0u64; n * words], vec![0u64; n * words]);
            for (i, s) in policy.statements.iter().enumerate() {
                let range = i * words..(i + 1) * words;
                over_grants::statement_bits(
                    s,
                    policy,
                    self.context,
                    &mut yes[range.clone()],
                    &mut open[range],
                );
            }
            let mut warnings = Vec::new();
            if self.warnings {
                policy_warnings(
                    policy,
                    member.prepared.kind,
                    self.required,
                    &self.lowered,
                    self.context,
                    &mut warnings,
                );
            }
            Rest {
                yes,
                open,
                warnings,
            }
        })
    }

    /// The decision for each required action, as [`Checker::check`] gives them, without the over-grants and
    /// warnings (and without working them out).
    pub fn decide(
        &self,
        identity: &[Member<'_>],
        boundary: Option<&Member<'_>>,
        scps: &[Member<'_>],
    ) -> Vec<ActionReport> {
        let layers = layers(identity, boundary, scps);
        (0..self.required.len())
            .map(|i| self.decide_one(i, &layers))
            .collect()
    }

    /// The report for a principal with these identity policies, permissions boundary and SCPs, each prepared by
    /// this checker for that part: the same as [`check`](super::check) on the same documents with the same names.
    pub fn check(
        &self,
        identity: &[Member<'_>],
        boundary: Option<&Member<'_>>,
        scps: &[Member<'_>],
    ) -> Report {
        let layers = layers(identity, boundary, scps);
        let actions: Vec<ActionReport> = (0..self.required.len())
            .map(|i| self.decide_one(i, &layers))
            .collect();
        let verdict = if actions.iter().all(|a| a.decision == Decision::Allow) {
            Verdict::Allowed
        } else {
            Verdict::NotAllowed
        };

        let members = || layers.iter().flat_map(|(_, _, members)| members.iter());
        let count: usize = members().map(|m| m.policy.statements.len()).sum();
        let words = catalog_match::words();
        let mut statements = Vec::with_capacity(count);
        let (mut yes, mut open) = (
            Vec::with_capacity(count * words),
            Vec::with_capacity(count * words),
        );
        let mut ranges: Vec<Range<usize>> = Vec::with_capacity(layers.len());
        for (_, _, members) in &layers {
            let start = statements.len();
            for m in *members {
                statements.extend(m.policy.statements.iter().enumerate().map(
                    |(index, statement)| Named {
                        name: m.name,
                        kind: m.prepared.kind,
                        index,
                        statement,
                    },
                ));
                let rest = self.rest(m);
                yes.extend_from_slice(&rest.yes);
                open.extend_from_slice(&rest.open);
            }
            ranges.push(start..statements.len());
        }
        let over_grants = over_grants::combine(
            &statements,
            &yes,
            &open,
            &ranges,
            &self.required_bits,
            self.over_grant_statements,
        );

        let warnings = members()
            .flat_map(|m| {
                self.rest(m).warnings.iter().map(|w| Warning {
                    policy: Some(m.name.to_owned()),
                    ..w.clone()
                })
            })
            .collect();
        Report {
            verdict,
            actions,
            over_grants,
            warnings,
        }
    }

    /// AWS's evaluation logic for required action `i`, layer by layer, from the prepared statements: as
    /// `PolicySet::evaluate`, with the same statements named in the same order.
    fn decide_one(&self, i: usize, layers: &[Layer<'_, '_>]) -> ActionReport {
        type Hit<'a> = (&'a Member<'a>, usize);
        let r = self.required.len();
        let (mut denies, mut open_denies): (Vec<Hit<'_>>, Vec<Hit<'_>>) = (Vec::new(), Vec::new());
        let (mut allows, mut open): (Vec<Hit<'_>>, Vec<Hit<'_>>) = (Vec::new(), Vec::new());
        let mut missing: Vec<(PolicyKind, Option<&str>)> = Vec::new();
        let mut any_open = false;
        for &(kind, name, members) in layers {
            let (allows_before, open_before) = (allows.len(), open.len());
            for m in members {
                for (index, statement) in m.policy.statements.iter().enumerate() {
                    let hit = (m, index);
                    match (m.prepared.applies[index * r + i], statement.effect) {
                        (Applies::No, _) => {}
                        (Applies::Yes, Effect::Deny) => denies.push(hit),
                        (Applies::Open, Effect::Deny) => open_denies.push(hit),
                        (Applies::Yes, Effect::Allow) => allows.push(hit),
                        (Applies::Open, Effect::Allow) => open.push(hit),
                    }
                }
            }
            if allows.len() > allows_before {
                open.truncate(open_before);
            } else if open.len() > open_before {
                any_open = true;
            } else {
                missing.push((kind, name));
            }
        }
        let action = &self.required[i];
        let (decision, hits) = if !denies.is_empty() {
            (Decision::ExplicitDeny, denies)
        } else if !missing.is_empty() {
            let statements = missing
                .iter()
                .map(|&(kind, policy)| StatementRef {
                    policy: policy.map(str::to_owned),
                    kind,
                    index: None,
                    sid: None,
                    effect: Effect::Allow,
                    add: Some(MinimalStatement::allow(action)),
                })
                .collect();
            return ActionReport {
                action: action.clone(),
                decision: Decision::ImplicitDeny,
                resources: None,
                statements,
                conditions: Vec::new(),
            };
        } else if !any_open && open_denies.is_empty() {
            (Decision::Allow, allows)
        } else {
            open.extend(open_denies);
            (Decision::Conditional, open)
        };
        // Granted on some resources only: conditional on the resource, as `check` reports it.
        let (decision, resources) = over_grants::required_decision(
            action,
            decision,
            self.scopes[i],
            hits.iter()
                .filter(|(m, _)| m.prepared.kind == PolicyKind::Identity)
                .map(|&(m, index)| &m.policy.statements[index])
                .filter(|s| s.effect == Effect::Allow),
        );
        ActionReport {
            action: action.clone(),
            decision,
            resources,
            statements: hits
                .iter()
                .map(|&(m, index)| {
                    StatementRef::named(m.name, m.prepared.kind, index, &m.policy.statements[index])
                })
                .collect(),
            conditions: hits
                .iter()
                .flat_map(|&(m, index)| {
                    condition_refs(m.name, m.prepared.kind, index, &m.policy.statements[index])
                })
                .collect(),
        }
    }
}

/// A layer of the evaluation: the part its policies play, its name where it has one (the boundary's, an SCP's),
/// its policies.
type Layer<'m, 'a> = (PolicyKind, Option<&'a str>, &'m [Member<'a>]);

/// The identity policies together, the boundary, each SCP.
fn layers<'m, 'a>(
    identity: &'m [Member<'a>],
    boundary: Option<&'m Member<'a>>,
    scps: &'m [Member<'a>],
) -> Vec<Layer<'m, 'a>> {
    let mut layers: Vec<Layer<'m, 'a>> = Vec::with_capacity(1 + scps.len() + 1);
    layers.push((PolicyKind::Identity, None, identity));
    if let Some(b) = boundary {
        layers.push((PolicyKind::Boundary, Some(b.name), std::slice::from_ref(b)));
    }
    for scp in scps {
        layers.push((PolicyKind::Scp, Some(scp.name), std::slice::from_ref(scp)));
    }
    layers
}
