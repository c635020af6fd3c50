//! Over-grants: every other catalog action a principal is allowed or conditionally allowed, with the identity
//! statements that grant it.
//!
//! AWS's evaluation logic (as in [`PolicySet::evaluate`]) for every catalog action at once, on bit sets over the
//! catalog (bit `j` is [`catalog::all`]`[j]`). What does not depend on the other statements is worked out once per
//! statement ([`statement_bits`]: the catalog actions its `Action`/`NotAction` covers, whether its
//! `Resource`/`NotResource` covers `*` and "some resource", its conditions), giving the actions each statement
//! applies to, unconditionally or if its conditions hold. [`combine`] then takes the layers as unions of those, and
//! names statements (owned strings) only for the over-grants reported. A statement's bits do not depend on the
//! principal, so [`crate::Checker`] keeps them per policy and only combines.

use std::ops::Range;
use std::sync::LazyLock;

use marketplace_iam_model::catalog::{self, CatalogAction};

use super::catalog_match::{add_catalog_matches, bit, words};
use super::types::OverGrant;
use crate::document::{Actions, Effect, Policy, Resources, Statement};
use crate::eval::condition::Context;
use crate::eval::{
    Applies, Decision, PolicyKind, PolicySet, Scope, StatementRef, conditions_hold,
    covers_resource, may_name_resource_of,
};

/// What the catalog alone decides: which bits are actions, and per IAM prefix its actions with resource types (a
/// `Resource` grants those when it may name a resource of that prefix's service).
struct Masks {
    valid: Vec<u64>,
    some_resource: Vec<(&'static str, Vec<u64>)>,
}

static MASKS: LazyLock<Masks> = LazyLock::new(|| {
    let all = catalog::all();
    let words = words();
    let mut valid = vec![0u64; words];
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
    Masks {
        valid,
        some_resource,
    }
});

/// The catalog actions `statement` (of `policy`) applies to: set in `yes` when its conditions hold, in `open` when
/// they cannot be decided; nothing when they fail. Each slice is [`words`] long and is overwritten.
pub(crate) fn statement_bits(
    statement: &Statement,
    policy: &Policy,
    context: Option<&Context>,
    yes: &mut [u64],
    open: &mut [u64],
) {
    yes.fill(0);
    open.fill(0);
    let target = match conditions_hold(statement, policy, context) {
        Applies::Yes => yes,
        Applies::Open => open,
        Applies::No => return,
    };
    let masks = &*MASKS;
    catalog_coverage(statement, target);
    let star = covers_resource(statement, Scope::Star);
    // Only the prefixes of actions the statement covers matter: the others' bits are cleared below whatever
    // their resources.
    let some: Vec<bool> = masks
        .some_resource
        .iter()
        .map(|(prefix, mask)| {
            target.iter().zip(mask).any(|(t, m)| t & m != 0)
                && covers_resource(statement, Scope::SomeResource(prefix))
        })
        .collect();
    for (w, word) in target.iter_mut().enumerate() {
        let mut resource = 0;
        for ((_, mask), &covers) in masks.some_resource.iter().zip(&some) {
            if covers {
                resource |= mask[w];
            }
        }
        if star {
            let with_resources = masks
                .some_resource
                .iter()
                .fold(0, |acc, (_, mask)| acc | mask[w]);
            resource |= masks.valid[w] & !with_resources;
        }
        *word &= resource;
    }
}

/// A statement as the report names it: the policy's name (as attached to this principal), the part it plays and
/// its position.
#[derive(Clone, Copy)]
pub(crate) struct Named<'a> {
    pub(crate) name: &'a str,
    pub(crate) kind: PolicyKind,
    pub(crate) index: usize,
    pub(crate) statement: &'a Statement,
}

/// The catalog actions among `required` (in any letter case), as bits: they are never over-grants.
pub(crate) fn required_bits(required: &[String]) -> Vec<u64> {
    let mut bits = vec![0u64; words()];
    for (j, a) in catalog::all().iter().enumerate() {
        if required.iter().any(|r| r.eq_ignore_ascii_case(a.name)) {
            bits[j / 64] |= bit(j);
        }
    }
    bits
}

/// The over-grants, from every statement's bits (`yes` and `open`: [`words`] per statement, in the order of
/// `statements`). `layers` are the ranges of `statements` that must each allow: the identity policies together
/// (first), the boundary, each SCP. `required` are the required actions' bits ([`required_bits`]).
pub(crate) fn combine(
    statements: &[Named<'_>],
    yes: &[u64],
    open: &[u64],
    layers: &[Range<usize>],
    required: &[u64],
    name_statements: bool,
) -> Vec<OverGrant> {
    let all = catalog::all();
    let masks = &*MASKS;
    let words = words();
    let identity = layers.first().map_or(0, |l| l.end);
    // An action one of these identity statements grants has no resource patterns to report (see `some_resources`).
    let everywhere: Vec<bool> = statements[..identity]
        .iter()
        .map(|s| on_every_resource(s.statement))
        .collect();
    let mut over_grants = Vec::new();
    for w in 0..words {
        let union = |range: Range<usize>, effect: Effect, of: &[u64]| {
            range
                .filter(|&n| statements[n].statement.effect == effect)
                .fold(0, |acc, n| acc | of[n * words + w])
        };
        let deny = union(0..statements.len(), Effect::Deny, yes);
        let mut any_open = union(0..statements.len(), Effect::Deny, open);
        let mut missing = 0;
        let (mut identity_yes, mut identity_open) = (0, 0);
        for (l, range) in layers.iter().enumerate() {
            let allows = union(range.clone(), Effect::Allow, yes);
            let opens = union(range.clone(), Effect::Allow, open);
            missing |= !(allows | opens);
            any_open |= opens & !allows;
            if l == 0 {
                (identity_yes, identity_open) = (allows, opens & !allows);
            }
        }
        let on_every_resource = (0..identity)
            .filter(|&n| everywhere[n] && statements[n].statement.effect == Effect::Allow)
            .fold(0, |acc, n| acc | yes[n * words + w] | open[n * words + w]);
        let granted = masks.valid[w] & !deny & !missing & !required[w];
        over_grants.reserve(granted.count_ones() as usize);
        let mut left = granted;
        while left != 0 {
            let j = w * 64 + left.trailing_zeros() as usize;
            left &= left - 1;
            let a = &all[j];
            // The identity statements reported: for an allow those that allow it, for a conditional outcome the
            // open ones when the identity policies' layer is the open one.
            let (decision, from) = if any_open & bit(j) == 0 {
                (Decision::Allow, yes)
            } else if identity_open & bit(j) != 0 {
                (Decision::Conditional, open)
            } else {
                (Decision::Conditional, yes)
            };
            let named =
                name_statements && (decision == Decision::Allow || identity_yes & bit(j) == 0);
            let granting = |n: usize| {
                statements[n].statement.effect == Effect::Allow
                    && (yes[n * words + w] | open[n * words + w]) & bit(j) != 0
            };
            let reported: Vec<StatementRef> = if named {
                (0..identity)
                    .filter(|&n| granting(n) && from[n * words + w] & bit(j) != 0)
                    .map(|n| {
                        let s = &statements[n];
                        StatementRef::named(s.name, s.kind, s.index, s.statement)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let resources = if a.resource_types.is_empty() || on_every_resource & bit(j) != 0 {
                None
            } else {
                some_resources(
                    (0..identity)
                        .filter(|&n| granting(n))
                        .map(|n| statements[n].statement),
                    a,
                )
            };
            over_grants.push(OverGrant {
                action: a.name,
                access_level: a.access_level,
                decision,
                resources,
                statements: reported,
            });
        }
    }
    over_grants
}

/// For an action with resource types, granted by the identity `statements`: `None` when they grant it on every
/// resource (one's `Resource` covers `*`, or it has `NotResource` or no `Resource`; or their patterns cover every ARN
/// of each of the action's resource types, as `arn:aws:license-manager::*:license:*` does for `GetLicense`),
/// otherwise the `Resource` patterns that may name a resource of the action's service, in order, each once: the
/// action is granted on those only.
pub(crate) fn some_resources<'a>(
    statements: impl Iterator<Item = &'a Statement>,
    action: &CatalogAction,
) -> Option<Vec<String>> {
    let mut patterns: Vec<String> = Vec::new();
    for s in statements {
        match &s.resources {
            Some(Resources::Resource(r)) if !on_every_resource(s) => {
                for p in r.iter() {
                    if may_name_resource_of(p, action.prefix()) && !patterns.iter().any(|q| q == p)
                    {
                        patterns.push(p.to_owned());
                    }
                }
            }
            _ => return None,
        }
    }
    let every_type_covered = action.resource_types.iter().all(|t| {
        t.arn_formats
            .first()
            .is_some_and(|format| patterns.iter().any(|p| covers_every_arn_of(p, format)))
    });
    (!every_type_covered).then_some(patterns)
}

/// Whether `statement` grants what it grants on every resource: it has `NotResource` or no `Resource`, or its
/// `Resource` covers `*`.
fn on_every_resource(statement: &Statement) -> bool {
    match &statement.resources {
        Some(Resources::Resource(_)) => covers_resource(statement, Scope::Star),
        _ => true,
    }
}

/// A required action's decision as the report gives it: an `Allow` of an action with resource types (`scope`) that
/// the identity policies' `allowing` statements grant on some resources only becomes `Conditional`, with those
/// resource patterns; any other decision stays as it is, without patterns.
pub(crate) fn required_decision<'s>(
    action: &str,
    decision: Decision,
    scope: Scope<'_>,
    allowing: impl Iterator<Item = &'s Statement>,
) -> (Decision, Option<Vec<String>>) {
    let resources = match (decision, scope) {
        (Decision::Allow, Scope::SomeResource(_)) => {
            catalog::lookup_ignore_case(action).and_then(|a| some_resources(allowing, a))
        }
        _ => None,
    };
    match resources {
        Some(patterns) => (Decision::Conditional, Some(patterns)),
        None => (decision, None),
    }
}

/// Whether the `Resource` pattern `pattern` matches every ARN of the catalog's ARN `format`: each placeholder
/// (`${Account}`, `${LicenseId}`, ...) stands for a run of characters no ARN has, which only a `*` matches;
/// `${Partition}` for the pattern's own partition (a role lives in one partition).
fn covers_every_arn_of(pattern: &str, format: &str) -> bool {
    const ANY: &str = "\u{1}\u{1}\u{1}\u{1}";
    let partition = pattern
        .strip_prefix("arn:")
        .and_then(|rest| rest.split(':').next())
        .unwrap_or("aws");
    let mut generic = String::with_capacity(format.len());
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        generic.push_str(&rest[..start]);
        generic.push_str(if &rest[start..start + end + 1] == "${Partition}" {
            partition
        } else {
            ANY
        });
        rest = &rest[start + end + 1..];
    }
    generic.push_str(rest);
    crate::matching::wildcard_match(pattern, &generic, false)
}

/// The over-grants of a policy set: every statement's bits, then [`combine`]. The reference [`crate::Checker`]
/// is compared with.
pub(super) fn over_grants(
    set: &PolicySet,
    required: &[String],
    context: Option<&Context>,
) -> Vec<OverGrant> {
    let words = words();
    let statements: Vec<(Named<'_>, &Policy)> = set
        .policies()
        .flat_map(|(f, kind)| {
            f.policy
                .statements
                .iter()
                .enumerate()
                .map(move |(index, statement)| {
                    let named = Named {
                        name: &f.name,
                        kind,
                        index,
                        statement,
                    };
                    (named, &f.policy)
                })
        })
        .collect();
    let mut yes = vec![0u64; statements.len() * words];
    let mut open = vec![0u64; statements.len() * words];
    for (n, (s, policy)) in statements.iter().enumerate() {
        let range = n * words..(n + 1) * words;
        statement_bits(
            s.statement,
            policy,
            context,
            &mut yes[range.clone()],
            &mut open[range],
        );
    }
    let named: Vec<Named<'_>> = statements.iter().map(|(s, _)| *s).collect();
    combine(
        &named,
        &yes,
        &open,
        &layers(set),
        &required_bits(required),
        true,
    )
}

/// The layers of a policy set as ranges of its statements in [`PolicySet::policies`] order: the identity policies
/// together, the boundary, each SCP.
fn layers(set: &PolicySet) -> Vec<Range<usize>> {
    let identity: usize = set.identity.iter().map(|f| f.policy.statements.len()).sum();
    let mut layers = Vec::with_capacity(1 + set.scps.len() + usize::from(set.boundary.is_some()));
    layers.push(0..identity);
    let mut start = identity;
    for file in set.boundary.iter().chain(&set.scps) {
        let end = start + file.policy.statements.len();
        layers.push(start..end);
        start = end;
    }
    layers
}

/// Sets the bits of the catalog actions (by position in [`catalog::all`]) that a statement's `Action` or
/// `NotAction` covers.
fn catalog_coverage(statement: &Statement, bits: &mut [u64]) {
    let (Actions::Action(patterns) | Actions::NotAction(patterns)) = &statement.actions;
    for p in patterns.compiled() {
        add_catalog_matches(&p, bits);
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
