//! Metamorphic properties of the evaluator: edits to a policy set whose effect on every decision is known from
//! AWS's evaluation logic, checked on random policy sets (identity policies, a permissions boundary, SCPs, with and
//! without a request context).
//!
//! The sets are drawn from small pools (the metering and entitlement actions, actions with resource types,
//! wildcards, other services; `*`, ARNs and `NotResource`; conditions that a context may or may not satisfy) so
//! that allows, denies and open conditions all occur often.

use marketplace_iam_policy::{Context, Decision, Policy, PolicyFile, PolicySet};
use proptest::prelude::*;
use serde_json::{Value, json};

const PATTERNS: &[&str] = &[
    "aws-marketplace:MeterUsage",
    "aws-marketplace:BatchMeterUsage",
    "aws-marketplace:ResolveCustomer",
    "aws-marketplace:GetEntitlements",
    "aws-marketplace:RegisterUsage",
    "aws-marketplace:DescribeEntity",
    "aws-marketplace:*",
    "aws-marketplace:Meter*",
    "aws-marketplace:*Usage",
    "aws-marketplace:Get?ntitlements",
    "aws-marketplace:Describe*",
    "*",
    "s3:*",
];

/// The actions every set is asked about: the five the integration needs, two with resource types, one of another
/// service.
const QUERIES: &[&str] = &[
    "aws-marketplace:MeterUsage",
    "aws-marketplace:BatchMeterUsage",
    "aws-marketplace:ResolveCustomer",
    "aws-marketplace:GetEntitlements",
    "aws-marketplace:RegisterUsage",
    "aws-marketplace:DescribeEntity",
    "aws-marketplace:StartChangeSet",
    "s3:GetObject",
];

const RESOURCES: &[(&str, &str)] = &[
    ("Resource", "*"),
    ("Resource", "*"),
    (
        "Resource",
        "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Entity/e-1",
    ),
    ("Resource", "arn:aws:s3:::bucket/*"),
    ("NotResource", "arn:aws:s3:::bucket"),
];

const CONDITIONS: &[(&str, &str, &str)] = &[
    ("StringEquals", "aws:SourceVpc", "vpc-1"),
    ("IpAddress", "aws:SourceIp", "10.0.0.0/8"),
    ("Bool", "aws:SecureTransport", "true"),
    ("StringLikeIfExists", "aws:PrincipalTag/team", "meter*"),
];

const CONTEXT: &[(&str, [&str; 2])] = &[
    ("aws:SourceVpc", ["vpc-1", "vpc-2"]),
    ("aws:SourceIp", ["10.1.2.3", "192.0.2.1"]),
    ("aws:SecureTransport", ["true", "false"]),
    ("aws:PrincipalTag/team", ["metering", "billing"]),
];

#[derive(Debug, Clone)]
struct Stmt {
    deny: bool,
    not_action: bool,
    actions: Vec<String>,
    resource: usize,
    condition: Option<usize>,
}

impl Stmt {
    fn json(&self) -> Value {
        let mut s = serde_json::Map::new();
        s.insert(
            "Effect".into(),
            json!(if self.deny { "Deny" } else { "Allow" }),
        );
        let key = if self.not_action {
            "NotAction"
        } else {
            "Action"
        };
        s.insert(key.into(), json!(self.actions));
        let (rkey, rvalue) = RESOURCES[self.resource];
        s.insert(rkey.into(), json!(rvalue));
        if let Some(c) = self.condition {
            let (op, k, v) = CONDITIONS[c];
            s.insert("Condition".into(), json!({ op: { k: v } }));
        }
        Value::Object(s)
    }

    fn allow_all() -> Stmt {
        Stmt {
            deny: false,
            not_action: false,
            actions: vec!["*".into()],
            resource: 0,
            condition: None,
        }
    }
}

type Pol = Vec<Stmt>;

#[derive(Debug, Clone)]
struct World {
    identity: Vec<Pol>,
    boundary: Option<Pol>,
    scps: Vec<Pol>,
    /// For each context key: absent, or which of its two values.
    context: Option<Vec<Option<usize>>>,
}

impl World {
    fn set(&self) -> PolicySet {
        let file = |name: String, p: &Pol| {
            let doc = json!({"Version": "2012-10-17", "Statement": p.iter().map(Stmt::json).collect::<Vec<_>>()});
            PolicyFile::parse(name, &doc.to_string()).expect("the generated policy parses")
        };
        PolicySet {
            identity: self
                .identity
                .iter()
                .enumerate()
                .map(|(i, p)| file(format!("identity{i}.json"), p))
                .collect(),
            boundary: self
                .boundary
                .as_ref()
                .map(|p| file("boundary.json".into(), p)),
            scps: self
                .scps
                .iter()
                .enumerate()
                .map(|(i, p)| file(format!("scp{i}.json"), p))
                .collect(),
        }
    }

    fn context(&self) -> Option<Context> {
        self.context.as_ref().map(|choices| {
            CONTEXT
                .iter()
                .zip(choices)
                .filter_map(|((key, values), choice)| choice.map(|c| (*key, values[c])))
                .collect()
        })
    }

    fn decisions(&self) -> Vec<Decision> {
        decisions_of(&self.set(), self.context().as_ref(), QUERIES)
    }

    /// Every policy, mutable: identity policies, then the boundary, then the SCPs.
    fn policies_mut(&mut self) -> Vec<&mut Pol> {
        self.identity
            .iter_mut()
            .chain(self.boundary.iter_mut())
            .chain(self.scps.iter_mut())
            .collect()
    }
}

fn decisions_of(set: &PolicySet, context: Option<&Context>, queries: &[&str]) -> Vec<Decision> {
    queries
        .iter()
        .map(|a| set.evaluate(a, context).decision)
        .collect()
}

fn stmt() -> impl Strategy<Value = Stmt> {
    (
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.15),
        prop::collection::vec(prop::sample::select(PATTERNS), 1..4),
        0..RESOURCES.len(),
        prop::option::weighted(0.3, 0..CONDITIONS.len()),
    )
        .prop_map(|(deny, not_action, actions, resource, condition)| Stmt {
            deny,
            not_action,
            actions: actions.into_iter().map(str::to_owned).collect(),
            resource,
            condition,
        })
}

fn policy() -> impl Strategy<Value = Pol> {
    prop::collection::vec(stmt(), 1..4)
}

/// A boundary or SCP usually starts with an `Allow *`, as real ones do, so that the identity policies matter.
fn guard_policy() -> impl Strategy<Value = Pol> {
    (prop::bool::weighted(0.7), policy()).prop_map(|(allow_all, mut p)| {
        if allow_all {
            p.insert(0, Stmt::allow_all());
        }
        p
    })
}

fn world() -> impl Strategy<Value = World> {
    (
        prop::collection::vec(policy(), 1..3),
        prop::option::weighted(0.3, guard_policy()),
        prop::collection::vec(guard_policy(), 0..3),
        prop::option::of(prop::collection::vec(
            prop::option::of(0..2usize),
            CONTEXT.len(),
        )),
    )
        .prop_map(|(identity, boundary, scps, context)| World {
            identity,
            boundary,
            scps,
            context,
        })
}

/// A deterministic shuffle driven by `seed` (xorshift), so a failing case shrinks and replays.
fn shuffle<T>(items: &mut [T], seed: &mut u64) {
    for i in (1..items.len()).rev() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let j = (*seed % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

fn swap_case(text: &str, mask: u64) -> String {
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> (i % 64) & 1 == 1 {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                c
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        // A failure prints its minimal case; nothing is written next to the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn adding_deny_star_denies_everything(world in world(), which in any::<prop::sample::Index>()) {
        let mut world = world;
        let mut policies = world.policies_mut();
        let target = which.index(policies.len());
        policies[target].push(Stmt { deny: true, ..Stmt::allow_all() });
        for (action, d) in QUERIES.iter().zip(world.decisions()) {
            prop_assert_eq!(d, Decision::ExplicitDeny, "{}", action);
        }
    }

    #[test]
    fn removing_a_deny_never_turns_an_allow_into_a_deny(world in world(), which in any::<prop::sample::Index>()) {
        let before = world.decisions();
        let mut after = world.clone();
        let mut denies: Vec<(usize, usize)> = Vec::new();
        for (p, policy) in after.policies_mut().iter().enumerate() {
            for (s, st) in policy.iter().enumerate() {
                // IAM refuses a policy with no statement, so only a Deny with a statement beside it is removed.
                if st.deny && policy.len() > 1 {
                    denies.push((p, s));
                }
            }
        }
        prop_assume!(!denies.is_empty());
        let (p, s) = denies[which.index(denies.len())];
        after.policies_mut()[p].remove(s);
        for ((action, b), a) in QUERIES.iter().zip(before).zip(after.decisions()) {
            if b == Decision::Allow {
                prop_assert_eq!(a, Decision::Allow, "{}", action);
            }
        }
    }

    #[test]
    fn adding_an_allow_never_turns_an_allow_into_a_deny(
        world in world(),
        added in stmt(),
        which in any::<prop::sample::Index>(),
    ) {
        let before = world.decisions();
        let mut after = world.clone();
        let mut policies = after.policies_mut();
        let target = which.index(policies.len());
        policies[target].push(Stmt { deny: false, ..added });
        for ((action, b), a) in QUERIES.iter().zip(before).zip(after.decisions()) {
            if b == Decision::Allow {
                prop_assert_eq!(a, Decision::Allow, "{}", action);
            }
        }
    }

    #[test]
    fn reordering_statements_or_policies_changes_nothing(world in world(), seed in 1..u64::MAX) {
        let before = world.decisions();
        let mut after = world.clone();
        let mut seed = seed;
        for policy in after.policies_mut() {
            shuffle(policy, &mut seed);
        }
        shuffle(&mut after.identity, &mut seed);
        shuffle(&mut after.scps, &mut seed);
        prop_assert_eq!(before, after.decisions());
    }

    #[test]
    fn splitting_an_action_list_changes_nothing(world in world(), which in any::<prop::sample::Index>()) {
        let before = world.decisions();
        let mut after = world.clone();
        let mut lists: Vec<(usize, usize)> = Vec::new();
        for (p, policy) in after.policies_mut().iter().enumerate() {
            for (s, st) in policy.iter().enumerate() {
                if !st.not_action && st.actions.len() > 1 {
                    lists.push((p, s));
                }
            }
        }
        prop_assume!(!lists.is_empty());
        let (p, s) = lists[which.index(lists.len())];
        let policy = &mut after.policies_mut()[p];
        let statement = policy.remove(s);
        for (i, action) in statement.actions.iter().enumerate() {
            policy.insert(s + i, Stmt { actions: vec![action.clone()], ..statement.clone() });
        }
        prop_assert_eq!(before, after.decisions());
    }

    #[test]
    fn letter_case_of_action_names_changes_nothing(world in world(), mask in any::<u64>()) {
        let before = world.decisions();
        let mut after = world.clone();
        for policy in after.policies_mut() {
            for st in policy.iter_mut() {
                for a in &mut st.actions {
                    *a = swap_case(a, mask);
                }
            }
        }
        prop_assert_eq!(&before, &after.decisions());
        let queries: Vec<String> = QUERIES.iter().map(|q| swap_case(q, mask.rotate_left(7))).collect();
        let queries: Vec<&str> = queries.iter().map(String::as_str).collect();
        prop_assert_eq!(before, decisions_of(&world.set(), world.context().as_ref(), &queries));
    }

    #[test]
    fn a_serialised_policy_reads_back_and_evaluates_the_same(world in world()) {
        let set = world.set();
        let mut again = set.clone();
        for (file, original) in again
            .identity
            .iter_mut()
            .chain(again.boundary.iter_mut())
            .chain(again.scps.iter_mut())
            .zip(set.policies())
        {
            let json = serde_json::to_string_pretty(&original.0.policy).expect("serialises");
            file.policy = Policy::parse(&file.name, &json).expect("reads back");
            prop_assert_eq!(&file.policy, &original.0.policy);
        }
        let context = world.context();
        prop_assert_eq!(
            decisions_of(&set, context.as_ref(), QUERIES),
            decisions_of(&again, context.as_ref(), QUERIES)
        );
    }
}

/// The generator is not degenerate: over a fixed sample, every kind of decision occurs.
#[test]
fn the_generated_sets_reach_every_decision() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..300 {
        let world = world().new_tree(&mut runner).unwrap().current();
        for d in world.decisions() {
            seen.insert(d.as_str());
        }
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ["allow", "conditional", "explicit_deny", "implicit_deny"]
    );
}
