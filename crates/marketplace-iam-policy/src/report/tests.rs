//! Unit tests of the report (`check`, over-grants, warnings).

use super::*;

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
                action: a.name.to_owned(),
                access_level: a.access_level,
                decision: e.decision,
                statements: e
                    .statements()
                    .filter(|s| s.kind == PolicyKind::Identity && s.effect == Effect::Allow)
                    .collect(),
            })
        })
        .collect()
}

#[test]
fn over_grants_from_bit_sets_are_those_of_one_evaluation_per_action() {
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
    let contexts = [
        None,
        Some(
            [("aws:SourceVpc", "vpc-1")]
                .into_iter()
                .collect::<Context>(),
        ),
    ];
    let required = vec!["aws-marketplace:MeterUsage".to_owned()];
    for _ in 0..400 {
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
        for context in &contexts {
            assert_eq!(
                over_grants(&set, &required, context.as_ref()),
                over_grants_one_by_one(&set, &required, context.as_ref()),
                "{set:?}"
            );
        }
    }
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
    ];
    for p in patterns {
        let mut got = Vec::new();
        let list: crate::Patterns = [p].into_iter().collect();
        let compiled = list.compiled().next().expect("one pattern");
        for_each_catalog_match(&compiled, |j| {
            got.push(j);
            ControlFlow::Continue(())
        });
        let want: Vec<usize> = (0..catalog::all().len())
            .filter(|&j| crate::wildcard_match(p, catalog::all()[j].name, true))
            .collect();
        assert_eq!(got, want, "{p}");
    }
}
