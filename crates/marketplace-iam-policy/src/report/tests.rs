//! Unit tests of the report (`check`, over-grants, warnings).

use std::ops::ControlFlow;

use super::catalog_match::{
    add_catalog_matches, bit, for_each_catalog_match, may_begin_catalog_name, names_catalog_action,
    words,
};
use super::*;
use crate::PolicyFile;
use crate::document::{Effect, Resources};
use crate::eval::{PolicyKind, Scope, covers_action, covers_resource};

#[test]
fn every_catalog_action_is_of_a_catalog_prefix() {
    assert!(catalog::all().iter().all(|a| {
        catalog::prefixes().contains(&a.prefix()) && may_begin_catalog_name(a.name.as_bytes())
    }));
    for literal in [
        "",
        "a",
        "AWS-market",
        "aws-marketplace:",
        "License-Manager:Check",
        "license-manager",
    ] {
        assert!(may_begin_catalog_name(literal.as_bytes()), "{literal}");
    }
    for literal in [
        "s3:",
        "aws-marketplace-",
        "license-manager-",
        "license-managers",
        "x",
    ] {
        assert!(!may_begin_catalog_name(literal.as_bytes()), "{literal}");
    }
}

/// The over-grants as they were first computed: one full evaluation per catalog action.
fn over_grants_one_by_one(
    set: &PolicySet,
    required: &[String],
    context: Option<&Context>,
) -> Vec<OverGrant> {
    catalog::all()
        .iter()
        .filter(|a| !required.iter().any(|r| r.eq_ignore_ascii_case(a.name)))
        .filter_map(|a| {
            let e = set.evaluate(a.name, context);
            matches!(e.decision, Decision::Allow | Decision::Conditional).then(|| OverGrant {
                action: a.name,
                access_level: a.access_level,
                decision: e.decision,
                resources: resources_one_by_one(set, a, context),
                statements: e
                    .statements()
                    .filter(|s| s.kind == PolicyKind::Identity && s.effect == Effect::Allow)
                    .collect(),
            })
        })
        .collect()
}

/// `None`, or the `Resource` patterns of the identity statements that allow `action` (one with resource types), as
/// one evaluation per statement finds them.
fn resources_one_by_one(
    set: &PolicySet,
    action: &catalog::CatalogAction,
    context: Option<&Context>,
) -> Option<Vec<String>> {
    if action.resource_types.is_empty() {
        return None;
    }
    let lowered = action.name.to_ascii_lowercase();
    let mut patterns: Vec<String> = Vec::new();
    for file in &set.identity {
        for s in &file.policy.statements {
            let grants = s.effect == Effect::Allow
                && covers_action(s, lowered.as_bytes())
                && covers_resource(s, Scope::SomeResource(action.prefix()))
                && crate::eval::conditions_hold(s, &file.policy, context)
                    != crate::eval::Applies::No;
            if !grants {
                continue;
            }
            match &s.resources {
                Some(Resources::Resource(r)) if !covers_resource(s, Scope::Star) => {
                    for p in r
                        .iter()
                        .filter(|p| crate::eval::may_name_resource_of(p, action.prefix()))
                    {
                        if !patterns.iter().any(|q| q == p) {
                            patterns.push(p.to_owned());
                        }
                    }
                }
                _ => return None,
            }
        }
    }
    Some(patterns)
}

/// Policy sets drawn at random from statements that cover the cases of the evaluation: wildcards, `NotAction`,
/// resources of the catalog's services and others, conditions; with and without a boundary and SCPs.
fn random_policy_sets(count: usize) -> Vec<PolicySet> {
    const ACTIONS: &[&str] = &[
        "*",
        "aws-marketplace:*",
        "AWS-Marketplace:describe*",
        "aws-marketplace:*ChangeSet",
        "aws-marketplace:MeterUsage",
        "aws-marketplace:DescribeEntity",
        "aws-marketplace:Get?ntitlements",
        "s3:*",
    ];
    const RESOURCES: &[&str] = &[
        r#""Resource": "*""#,
        r#""Resource": "arn:aws:s3:::bucket/*""#,
        r#""Resource": "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Entity/e-1""#,
        r#""NotResource": "arn:aws:s3:::bucket""#,
        r#""NotResource": "arn:aws:aws-marketplace:*:*:*""#,
    ];
    const CONDITIONS: &[&str] = &[
        "",
        r#", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}"#,
        r#", "Condition": {"Bool": {"aws:SecureTransport": "false"}}"#,
    ];
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }
    fn policy(rng: &mut Rng, name: &str) -> PolicyFile {
        let statements: Vec<String> = (0..1 + rng.below(3))
            .map(|_| {
                let effect = if rng.below(4) == 0 { "Deny" } else { "Allow" };
                let key = if rng.below(6) == 0 {
                    "NotAction"
                } else {
                    "Action"
                };
                let actions: Vec<String> = (0..1 + rng.below(2))
                    .map(|_| format!("{:?}", rng.pick(ACTIONS)))
                    .collect();
                format!(
                    r#"{{"Effect": "{effect}", "{key}": [{}], {}{}}}"#,
                    actions.join(", "),
                    rng.pick(RESOURCES),
                    rng.pick(CONDITIONS)
                )
            })
            .collect();
        let text = format!(r#"{{"Statement": [{}]}}"#, statements.join(", "));
        PolicyFile::parse(name, &text).expect("a valid policy")
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..count)
        .map(|_| {
            let identity = (0..rng.below(3))
                .map(|i| policy(&mut rng, &format!("role{i}.json")))
                .collect();
            let mut set = PolicySet::new(identity);
            if rng.below(3) == 0 {
                set = set.with_boundary(policy(&mut rng, "boundary.json"));
            }
            for i in 0..rng.below(3) {
                set = set.with_scp(policy(&mut rng, &format!("scp{i}.json")));
            }
            set
        })
        .collect()
}

fn contexts() -> [Option<Context>; 2] {
    [
        None,
        Some(
            [("aws:SourceVpc", "vpc-1")]
                .into_iter()
                .collect::<Context>(),
        ),
    ]
}

#[test]
fn over_grants_from_bit_sets_are_those_of_one_evaluation_per_action() {
    let required = vec!["aws-marketplace:MeterUsage".to_owned()];
    for set in random_policy_sets(400) {
        for context in &contexts() {
            assert_eq!(
                over_grants::over_grants(&set, &required, context.as_ref()),
                over_grants_one_by_one(&set, &required, context.as_ref()),
                "{set:?}"
            );
        }
    }
}

fn member<'a>(f: &'a PolicyFile, prepared: &'a Prepared) -> Member<'a> {
    Member {
        name: &f.name,
        policy: &f.policy,
        prepared,
    }
}

#[test]
fn a_checker_of_prepared_policies_reports_what_check_does() {
    let required: Vec<String> = [
        "aws-marketplace:MeterUsage",
        "aws-marketplace:GetEntitlements",
        "license-manager:GetLicense",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut compared = 0;
    for set in random_policy_sets(400) {
        for context in &contexts() {
            let checker = Checker::new(&required, context.as_ref());
            let prepare = |f: &PolicyFile, kind| checker.prepare(&f.policy, kind);
            let identity: Vec<Prepared> = set
                .identity
                .iter()
                .map(|f| prepare(f, PolicyKind::Identity))
                .collect();
            let boundary = set
                .boundary
                .as_ref()
                .map(|f| prepare(f, PolicyKind::Boundary));
            let scps: Vec<Prepared> = set
                .scps
                .iter()
                .map(|f| prepare(f, PolicyKind::Scp))
                .collect();
            let got = checker.check(
                &set.identity
                    .iter()
                    .zip(&identity)
                    .map(|(f, p)| member(f, p))
                    .collect::<Vec<_>>(),
                set.boundary
                    .as_ref()
                    .zip(boundary.as_ref())
                    .map(|(f, p)| member(f, p))
                    .as_ref(),
                &set.scps
                    .iter()
                    .zip(&scps)
                    .map(|(f, p)| member(f, p))
                    .collect::<Vec<_>>(),
            );
            assert_eq!(got, check(&set, &required, context.as_ref()), "{set:?}");
            compared += 1;
        }
    }
    assert_eq!(compared, 800);
}

#[test]
fn catalog_matches_are_those_of_wildcard_matching() {
    let patterns = [
        "*",
        "?",
        "aws-marketplace:*",
        "AWS-MARKETPLACE:meter*",
        "aws-marketplace:MeterUsage",
        "aws-marketplace:meterusage",
        "aws-marketplace:MeterUsag",
        "aws-market*",
        "aws-marketplace",
        "aws-marketplacE:Get?ntitlements",
        "aws?marketplace:*",
        "s3:*",
        "*:MeterUsage",
        "",
        "AWS-MARKETPLACE:Describe*",
        "license-manager:*",
        "license-manager:Check*License",
        "aws-marketplace:Meter*?",
    ];
    for p in patterns {
        let mut got = Vec::new();
        let list: crate::Patterns = [p].into_iter().collect();
        let compiled = list.compiled().next().expect("one pattern");
        for_each_catalog_match(&compiled, |j| {
            got.push(j);
            ControlFlow::Continue(())
        });
        got.sort_unstable();
        let want = wildcard_positions(p);
        assert_eq!(got, want, "{p}");
        // The remembered matches: the same, the first time and after.
        for _ in 0..2 {
            assert_eq!(remembered_positions(&compiled), want, "{p}");
            assert_eq!(names_catalog_action(&compiled), !want.is_empty(), "{p}");
        }
    }
}

/// The positions in the catalog of the actions `pattern` matches by wildcard matching.
fn wildcard_positions(pattern: &str) -> Vec<usize> {
    (0..catalog::all().len())
        .filter(|&j| crate::wildcard_match(pattern, catalog::all()[j].name, true))
        .collect()
}

/// The positions in the catalog of the actions `add_catalog_matches` sets for `pattern`.
fn remembered_positions(pattern: &crate::patterns::Compiled<'_>) -> Vec<usize> {
    let mut bits = vec![0u64; words()];
    add_catalog_matches(pattern, &mut bits);
    (0..catalog::all().len())
        .filter(|&j| bits[j / 64] & bit(j) != 0)
        .collect()
}

#[test]
fn a_required_action_granted_on_some_resources_only_is_conditional_on_them() {
    let required = vec!["license-manager:GetLicense".to_owned()];
    let decide = |resource: &str| {
        let file = PolicyFile::parse(
            "role.json",
            &format!(
                r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow",
                    "Action": "license-manager:GetLicense", "Resource": "{resource}"}}}}"#
            ),
        )
        .expect("a valid policy");
        let report = check(&PolicySet::new(vec![file]), &required, None);
        (
            report.actions[0].decision,
            report.actions[0].resources.clone(),
        )
    };
    // Every license: the catalog's ARN format with every placeholder a wildcard, in any partition, or `*`.
    for every in [
        "*",
        "arn:aws:license-manager::*:license:*",
        "arn:aws-us-gov:license-manager::*:license:*",
        "arn:aws:license-manager::*:*",
    ] {
        assert_eq!(decide(every), (Decision::Allow, None), "{every}");
    }
    // One license, or one account's: conditional on the resource, with the patterns.
    for some in [
        "arn:aws:license-manager::294406891311:license:l-0123456789abcdef0",
        "arn:aws:license-manager::294406891311:license:*",
        "arn:aws:license-manager::*:license:l-????",
    ] {
        assert_eq!(
            decide(some),
            (Decision::Conditional, Some(vec![some.to_owned()])),
            "{some}"
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

    /// Patterns built from the catalog's prefixes and pieces of its names, in any case, with wildcards: the
    /// remembered matches are those of wildcard matching, asked once or twice.
    #[test]
    fn remembered_catalog_matches_are_those_of_wildcard_matching(
        prefix in proptest::sample::select(vec!["aws-marketplace", "license-manager", "sqs", "sns", "kms", "s3", "aws-market", "*", ""]),
        name in "(Get|Meter|Describe|List|Check|Receive|De|Us)?[a-zA-Z?*]{0,6}",
        colon in proptest::bool::weighted(0.9),
        upper in proptest::bool::ANY,
    ) {
        let mut p = if colon { format!("{prefix}:{name}") } else { format!("{prefix}{name}") };
        if upper {
            p = p.to_ascii_uppercase();
        }
        let list: crate::Patterns = [p.as_str()].into_iter().collect();
        let compiled = list.compiled().next().expect("one pattern");
        let want = wildcard_positions(&p);
        for _ in 0..2 {
            proptest::prop_assert_eq!(&remembered_positions(&compiled), &want, "{}", p);
            proptest::prop_assert_eq!(names_catalog_action(&compiled), !want.is_empty(), "{}", p);
        }
    }
}
