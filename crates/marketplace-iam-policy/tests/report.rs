//! The report: its JSON shape (which other tools parse), its text, over-grants and warnings, and the project's own
//! published policies checked against policies.toml.

use marketplace_iam_policy::{
    AccessLevel, Context, Decision, PolicyFile, PolicySet, Verdict, WarningCode, check,
    required_for,
};

fn file(name: &str, text: &str) -> PolicyFile {
    PolicyFile::parse(name, text).unwrap_or_else(|e| panic!("{e}"))
}

fn policies() -> marketplace_iam_model::Policies {
    marketplace_iam_model::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies.toml"))
        .unwrap()
}

/// Every published document grants exactly what its product or pricing model needs: allowed, no over-grant,
/// no warning.
#[test]
fn every_published_policy_passes_its_own_check_with_nothing_more() {
    let policies = policies();
    let docs = policies.documents();
    assert!(docs.len() >= 8);
    for doc in docs {
        let spec = match doc.pricing_model {
            None => doc.product.id.clone(),
            Some(m) => format!("{}/{}", doc.product.id, m.id),
        };
        let path = format!(
            "{}/../../docs/policies/{}",
            env!("CARGO_MANIFEST_DIR"),
            doc.file_name()
        );
        let set = PolicySet::new(vec![PolicyFile::read(&path).unwrap()]);
        let required = required_for(&policies, &spec).unwrap();
        let report = check(&set, &required, None);
        assert_eq!(report.verdict, Verdict::Allowed, "{spec}:\n{report}");
        assert!(report.over_grants.is_empty(), "{spec}:\n{report}");
        assert!(report.warnings.is_empty(), "{spec}:\n{report}");
    }
}

#[test]
fn a_smaller_model_reports_the_rest_of_the_product_policy_as_over_grants() {
    let policies = policies();
    let documents = policies.documents();
    let saas = documents
        .iter()
        .find(|d| d.file_name() == "saas.json")
        .unwrap();
    let saas = file("saas.json", &saas.json());
    let required = required_for(&policies, "saas/subscriptions").unwrap();
    let report = check(&PolicySet::new(vec![saas]), &required, None);
    assert!(report.is_allowed());
    let extra: Vec<&str> = report.over_grants.iter().map(|g| g.action).collect();
    assert_eq!(extra, ["aws-marketplace:GetEntitlements"]);
    assert_eq!(report.over_grants[0].access_level, AccessLevel::Read);
}

#[test]
fn a_grant_of_every_action_over_grants_every_catalog_prefix() {
    let set = PolicySet::new(vec![file(
        "role.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
    )]);
    let required = required_for(&policies(), "ami/custom-metering").unwrap();
    let report = check(&set, &required, None);
    assert_eq!(
        report.over_grants.len(),
        marketplace_iam_model::catalog::all().len() - 1
    );
    let checkout = report
        .over_grants
        .iter()
        .find(|g| g.action == "license-manager:CheckoutLicense")
        .expect("License Manager actions are over-grants too");
    assert_eq!(checkout.access_level, AccessLevel::Write);
}

#[test]
fn wildcard_grant_lists_every_other_action_with_its_access_level() {
    let set = PolicySet::new(vec![file(
        "role.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"}]}"#,
    )]);
    let required = required_for(&policies(), "ami/custom-metering").unwrap();
    let report = check(&set, &required, None);
    assert!(report.is_allowed());
    // Every other action of the prefix, and none of another prefix of the catalog (`license-manager`).
    let catalog = marketplace_iam_model::catalog::all();
    let of_prefix = catalog
        .iter()
        .filter(|a| a.prefix() == "aws-marketplace")
        .count();
    assert_eq!(report.over_grants.len(), of_prefix - 1);
    assert!(
        report
            .over_grants
            .iter()
            .all(|g| g.action.starts_with("aws-marketplace:"))
    );
    let write = report
        .over_grants
        .iter()
        .filter(|g| g.access_level == AccessLevel::Write)
        .count();
    assert!(write >= 30, "{write} Write actions");
    assert!(
        report
            .over_grants
            .iter()
            .all(|g| g.decision == Decision::Allow && g.statements.len() == 1)
    );
    // Actions with resource types count too: "*" covers every resource.
    assert!(
        report
            .over_grants
            .iter()
            .any(|g| g.action == "aws-marketplace:StartChangeSet")
    );
    assert!(
        report
            .over_grants
            .iter()
            .any(|g| g.action == "aws-marketplace:DescribeEntity")
    );
}

#[test]
fn an_arn_scoped_grant_over_grants_only_actions_with_resource_types() {
    let set = PolicySet::new(vec![file(
        "role.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "aws-marketplace:*",
            "Resource": "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Entity/*"}]}"#,
    )]);
    let report = check(&set, &["aws-marketplace:MeterUsage".to_owned()], None);
    assert_eq!(report.actions[0].decision, Decision::ImplicitDeny);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.code == WarningCode::ArnOnlyResource)
    );
    assert!(!report.over_grants.is_empty());
    for g in &report.over_grants {
        let a = marketplace_iam_model::catalog::lookup(g.action).unwrap();
        assert!(
            !a.resource_types.is_empty(),
            "{} has no resource types",
            g.action
        );
    }
}

#[test]
fn the_text_counts_one_action_in_the_singular() {
    let required = ["aws-marketplace:MeterUsage".to_owned()];
    let grant = |actions: &str| {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": {actions}, "Resource": "*"}}}}"#
        );
        check(
            &PolicySet::new(vec![file("role.json", &text)]),
            &required,
            None,
        )
        .to_string()
    };
    let one = grant(r#"["aws-marketplace:MeterUsage", "aws-marketplace:ViewSubscriptions"]"#);
    assert!(
        one.starts_with("allowed: the 1 required action is allowed\n"),
        "{one}"
    );
    assert!(
        one.contains("over-grants: 1 other action of the catalog is allowed (1 List)"),
        "{one}"
    );
    let two = grant(
        r#"["aws-marketplace:MeterUsage", "aws-marketplace:ViewSubscriptions", "aws-marketplace:Subscribe"]"#,
    );
    assert!(
        two.contains("over-grants: 2 other actions of the catalog are allowed (1 List, 1 Write)"),
        "{two}"
    );
}

#[test]
fn a_deny_with_not_resource_outside_the_service_removes_actions_with_resource_types() {
    // Denied on every resource but an S3 bucket: no aws-marketplace resource escapes, so StartChangeSet (which has
    // resource types) is denied everywhere. Found by the differential test against parliament.
    let deny = |not_resource: &str| {
        PolicySet::new(vec![file(
            "role.json",
            &format!(
                r#"{{"Version": "2012-10-17", "Statement": [
                {{"Effect": "Allow", "Action": "aws-marketplace:StartChangeSet", "Resource": "*"}},
                {{"Effect": "Deny", "Action": "aws-marketplace:*ChangeSet", "NotResource": "{not_resource}"}}]}}"#
            ),
        )])
    };
    let start = "aws-marketplace:StartChangeSet";
    assert_eq!(
        deny("arn:aws:s3:::bucket/*").evaluate(start, None).decision,
        Decision::ExplicitDeny
    );
    // Excepting the service's own resources leaves the action allowed on them.
    assert_eq!(
        deny("arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Entity/*")
            .evaluate(start, None)
            .decision,
        Decision::Allow
    );
}

#[test]
fn a_resource_typed_action_is_granted_by_an_arn_of_its_own_service_only() {
    let allow = |resource: &str| {
        PolicySet::new(vec![file(
            "role.json",
            &format!(
                r#"{{"Version": "2012-10-17", "Statement": [
                {{"Effect": "Allow", "Action": "license-manager:GetLicense", "Resource": "{resource}"}}]}}"#
            ),
        )])
    };
    let get = "license-manager:GetLicense";
    for (resource, decision) in [
        ("arn:aws:license-manager::*:license:*", Decision::Allow),
        ("*", Decision::Allow),
        (
            "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Entity/*",
            Decision::ImplicitDeny,
        ),
        ("arn:aws:s3:::bucket/*", Decision::ImplicitDeny),
    ] {
        assert_eq!(
            allow(resource).evaluate(get, None).decision,
            decision,
            "{resource}"
        );
    }
    // `license-manager:*` on every resource grants license administration too: reported as over-grants.
    let wide = PolicySet::new(vec![file(
        "role.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "license-manager:*", "Resource": "*"}]}"#,
    )]);
    let report = check(&wide, &[get.to_owned()], None);
    assert_eq!(report.verdict, Verdict::Allowed);
    assert!(
        report
            .over_grants
            .iter()
            .any(|g| g.action == "license-manager:CreateLicense")
    );
    assert!(
        report
            .over_grants
            .iter()
            .all(|g| g.action.starts_with("license-manager:"))
    );
}

const ROLE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Metering",
      "Effect": "Allow",
      "Action": ["aws-marketplace:ResolveCustomer", "aws-marketplace:Batch*"],
      "Resource": "*",
      "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
    },
    {
      "Effect": "Allow",
      "NotAction": ["iam:*", "organizations:*", "aws-marketplace:*"],
      "Resource": "*"
    },
    {
      "Sid": "Typo",
      "Effect": "Allow",
      "Action": "aws-marketplace:GetEntitlement",
      "Resource": "*"
    },
    {
      "Sid": "Reads",
      "Effect": "Allow",
      "Action": ["aws-marketplace:Describe*", "aws-marketplace:GetEntitlements"],
      "Resource": "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/*"
    }
  ]
}"#;

const SCP: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {
      "Sid": "HomeRegion",
      "Effect": "Deny",
      "Action": "aws-marketplace:BatchMeterUsage",
      "Resource": "*",
      "Condition": {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}
    }
  ]
}"#;

const BOUNDARY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": ["aws-marketplace:ResolveCustomer", "aws-marketplace:BatchMeterUsage", "aws-marketplace:GetEntitlements", "aws-marketplace:Describe*"], "Resource": "*"}]
}"#;

fn mixed() -> PolicySet {
    PolicySet::new(vec![file("role.json", ROLE)])
        .with_boundary(file("boundary.json", BOUNDARY))
        .with_scp(file("scp.json", SCP))
}

#[test]
fn json_shape_is_pinned() {
    let required = required_for(&policies(), "saas").unwrap();
    let report = check(&mixed(), &required, None);
    assert_eq!(report.verdict, Verdict::NotAllowed);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["actions", "over_grants", "verdict", "warnings"]);
    assert!(
        report
            .to_json()
            .starts_with("{\n  \"verdict\": \"not_allowed\",\n  \"actions\": [")
    );
    insta::assert_snapshot!("mixed_json", report.to_json());
}

#[test]
fn text_is_pinned() {
    let required = required_for(&policies(), "saas").unwrap();
    insta::assert_snapshot!(
        "mixed_text_open",
        check(&mixed(), &required, None).to_string()
    );
    let ctx: Context = [("aws:SourceIp", "10.20.30.40")].into_iter().collect();
    insta::assert_snapshot!(
        "mixed_text_decided",
        check(&mixed(), &required, Some(&ctx)).to_string()
    );
}

#[test]
fn without_a_context_conditions_stay_open_and_with_one_they_are_decided() {
    let required = required_for(&policies(), "saas").unwrap();
    let open = check(&mixed(), &required, None);
    let decisions: Vec<Decision> = open.actions.iter().map(|a| a.decision).collect();
    assert_eq!(
        decisions,
        [
            Decision::Conditional,
            Decision::Conditional,
            Decision::ImplicitDeny
        ]
    );
    let keys: Vec<&str> = open.actions[1]
        .conditions
        .iter()
        .map(|c| c.key.as_str())
        .collect();
    assert_eq!(keys, ["aws:SourceIp", "aws:RequestedRegion"]);
    let codes: Vec<WarningCode> = open.warnings.iter().map(|w| w.code).collect();
    assert_eq!(
        codes,
        [
            WarningCode::AllowNotAction,
            WarningCode::UnknownAction,
            WarningCode::ArnOnlyResource
        ]
    );

    let inside: Context = [("aws:SourceIp", "10.20.30.40")].into_iter().collect();
    let report = check(&mixed(), &required, Some(&inside));
    let decisions: Vec<Decision> = report.actions.iter().map(|a| a.decision).collect();
    // The region is not in the context: absent, so the SCP's StringNotEquals Deny applies.
    assert_eq!(
        decisions,
        [
            Decision::Allow,
            Decision::ExplicitDeny,
            Decision::ImplicitDeny
        ]
    );
    assert_eq!(
        report.actions[1].statements[0].sid.as_deref(),
        Some("HomeRegion")
    );
    assert_eq!(
        report.actions[1].statements[0].policy.as_deref(),
        Some("scp.json")
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.code == WarningCode::ContextKeyAbsent)
    );

    let home: Context = [
        ("aws:SourceIp", "10.20.30.40"),
        ("aws:RequestedRegion", "us-east-1"),
    ]
    .into_iter()
    .collect();
    let report = check(&mixed(), &required, Some(&home));
    assert_eq!(report.actions[1].decision, Decision::Allow);
}
