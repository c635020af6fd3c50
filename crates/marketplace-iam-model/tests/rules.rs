//! One test per validation rule: each mistake is reported with its message, position and help.

use marketplace_iam_model::{Diagnostics, parse};

/// A small valid file; tests break one thing at a time.
const BASE: &str = r#"schema_version = 1

[page]
title = "Permissions"
anchor = "top"
intro = ["Intro."]

[[actions]]
id = "MeterUsage"
name = "aws-marketplace:MeterUsage"
service = "metering"
access_level = "Write"
purpose = "Meters."
api_reference = "https://docs.aws.amazon.com/meter"

[[actions]]
id = "GetEntitlements"
name = "aws-marketplace:GetEntitlements"
service = "entitlement"
access_level = "Read"
purpose = "Reads entitlements."
api_reference = "https://docs.aws.amazon.com/entitle"

[[products]]
id = "ami"
name = "AMI"
title = "AMI products"
anchor = "ami"
actions = ["MeterUsage"]

[[products.pricing_models]]
id = "custom-metering"
name = "Custom metering"
description = "Meters."
source = "https://docs.aws.amazon.com/ami"
actions = ["MeterUsage"]

[[products.pricing_models]]
id = "hourly"
name = "Hourly"
description = "No call."
source = "https://docs.aws.amazon.com/ami"
no_policy = "No call is made."
"#;

/// Applies `edits` (each `from` must occur in BASE) and returns the diagnostics.
fn errors(edits: &[(&str, &str)]) -> Diagnostics {
    let mut text = BASE.to_owned();
    for (from, to) in edits {
        assert!(
            text.contains(from),
            "test bug: {from:?} not in the base file"
        );
        text = text.replacen(from, to, 1);
    }
    parse("policies.toml", &text).expect_err("the edited file must be rejected")
}

/// The only diagnostic: (message, line, column, help).
fn only(edits: &[(&str, &str)]) -> (String, usize, usize, Option<String>) {
    let d = errors(edits);
    assert_eq!(d.len(), 1, "expected exactly one error, got:\n{d}");
    let first = d.iter().next().unwrap();
    let (line, col) = d.line_col(first).expect("located");
    (
        first.message().to_owned(),
        line,
        col,
        first.help().map(str::to_owned),
    )
}

#[test]
fn base_file_is_valid() {
    let p = parse("policies.toml", BASE).unwrap();
    assert_eq!(
        p.documents().len(),
        2,
        "the product and its one pricing model that makes calls"
    );
}

#[test]
fn a_toml_syntax_error_is_reported_with_its_position() {
    // A syntax error stops the reading (what follows it cannot be trusted); the first one is reported, located.
    let d = errors(&[
        ("[page]", "[page"),
        ("purpose = \"Reads entitlements.\"", "purpose = = 1"),
    ]);
    assert_eq!(d.len(), 1, "{d}");
    let text = d.to_string();
    assert!(
        text.contains("error: invalid TOML: expected `]`, found a newline"),
        "{text}"
    );
    assert!(text.contains("--> policies.toml:3:6"), "{text}");
}

#[test]
fn unknown_key_suggests_the_closest_known_key() {
    let (msg, line, col, help) = only(&[("access_level = \"Write\"", "acess_level = \"Write\"")]);
    assert_eq!(msg, "unknown key `acess_level` in action #1");
    assert_eq!((line, col), (12, 1));
    // The misspelt key leaves `access_level` missing too; that is not reported a second time.
    assert_eq!(help.as_deref(), Some("did you mean `access_level`?"));
}

#[test]
fn unknown_key_without_a_near_miss_lists_the_keys() {
    let (msg, _, _, help) = only(&[(
        "intro = [\"Intro.\"]",
        "intro = [\"Intro.\"]\ncolour = \"blue\"",
    )]);
    assert_eq!(msg, "unknown key `colour` in the `[page]` table");
    assert!(help.unwrap().contains("`title`, `anchor`, `intro`"));
}

#[test]
fn missing_field_points_at_the_table_header() {
    let (msg, line, col, help) = only(&[("purpose = \"Meters.\"\n", "")]);
    assert_eq!(msg, "missing `purpose` in action `MeterUsage`");
    assert_eq!((line, col), (8, 1));
    assert_eq!(help.as_deref(), Some("add `purpose = \"...\"`"));
}

#[test]
fn wrong_type_names_what_was_expected_and_found() {
    let (msg, line, col, _) = only(&[("title = \"Permissions\"", "title = 3")]);
    assert_eq!(
        msg,
        "`title` in the `[page]` table must be a string, found integer"
    );
    assert_eq!((line, col), (4, 9));
}

#[test]
fn unsupported_schema_version() {
    let (msg, line, col, help) = only(&[("schema_version = 1", "schema_version = 4")]);
    assert_eq!(msg, "unsupported schema_version 4");
    assert_eq!((line, col), (1, 18));
    assert!(help.unwrap().contains("reads schema_version = 1 to 3"));
}

#[test]
fn missing_schema_version() {
    let (msg, ..) = only(&[("schema_version = 1", "")]);
    assert_eq!(msg, "missing `schema_version` in policies.toml");
}

#[test]
fn action_referenced_but_not_declared() {
    let (msg, line, col, help) = only(&[(
        "actions = [\"MeterUsage\"]\n\n[[products.pricing_models]]",
        "actions = [\"MeterUsag\"]\n\n[[products.pricing_models]]",
    )]);
    assert_eq!(msg, "action `MeterUsag` is not declared");
    assert_eq!((line, col), (29, 12));
    assert_eq!(help.as_deref(), Some("did you mean `MeterUsage`?"));
}

#[test]
fn full_iam_name_where_an_id_is_expected_gets_the_id_suggested() {
    let (msg, _, _, help) = only(&[(
        "actions = [\"MeterUsage\"]\n\n[[products.pricing_models]]",
        "actions = [\"aws-marketplace:MeterUsage\"]\n\n[[products.pricing_models]]",
    )]);
    assert_eq!(msg, "action `aws-marketplace:MeterUsage` is not declared");
    assert_eq!(
        help.as_deref(),
        Some("refer to actions by their id: `MeterUsage`")
    );
}

#[test]
fn duplicate_in_a_list() {
    let (msg, line, col, _) = only(&[(
        "actions = [\"MeterUsage\"]\n\n[[products.pricing_models]]",
        "actions = [\"MeterUsage\", \"MeterUsage\"]\n\n[[products.pricing_models]]",
    )]);
    assert_eq!(
        msg,
        "`MeterUsage` is listed twice in `actions` of product `ami`"
    );
    assert_eq!((line, col), (29, 26));
}

#[test]
fn duplicate_in_a_text_list() {
    let (msg, ..) = only(&[("intro = [\"Intro.\"]", "intro = [\"Intro.\", \"Intro.\"]")]);
    assert_eq!(
        msg,
        "`Intro.` is listed twice in `intro` of the `[page]` table"
    );
}

#[test]
fn duplicate_action_id() {
    let (msg, line, ..) = only(&[("id = \"GetEntitlements\"", "id = \"MeterUsage\"")]);
    assert!(msg == "duplicate action id `MeterUsage`", "{msg}");
    assert_eq!(line, 17);
}

#[test]
fn duplicate_action_name() {
    let d = errors(&[(
        "name = \"aws-marketplace:GetEntitlements\"\nservice = \"entitlement\"\naccess_level = \"Read\"",
        "name = \"aws-marketplace:MeterUsage\"\nservice = \"metering\"\naccess_level = \"Write\"",
    )]);
    assert_eq!(d.len(), 1, "{d}");
    assert!(
        d.to_string()
            .contains("action `aws-marketplace:MeterUsage` is declared twice"),
        "{d}"
    );
    assert!(d.to_string().contains("already declared on line 10"), "{d}");
}

#[test]
fn duplicate_product_and_pricing_model_ids() {
    let (msg, ..) = only(&[("id = \"hourly\"", "id = \"custom-metering\"")]);
    assert_eq!(msg, "duplicate pricing model id `custom-metering`");
    let extra = "\n[[products]]\nid = \"ami\"\nname = \"AMI 2\"\ntitle = \"t\"\nanchor = \"b\"\nactions = [\"MeterUsage\"]\n";
    let text = format!("{BASE}{extra}");
    let d = parse("policies.toml", &text).unwrap_err();
    assert!(d.to_string().contains("duplicate product id `ami`"), "{d}");
}

#[test]
fn ids_that_cannot_become_rust_names() {
    let (msg, _, _, help) = only(&[
        ("id = \"MeterUsage\"", "id = \"meter_usage\""),
        (
            "[\"MeterUsage\"]\n\n[[products.pricing_models]]",
            "[\"meter_usage\"]\n\n[[products.pricing_models]]",
        ),
        (
            "actions = [\"MeterUsage\"]\n\n[[products.pricing_models]]\nid = \"hourly\"",
            "actions = [\"meter_usage\"]\n\n[[products.pricing_models]]\nid = \"hourly\"",
        ),
    ]);
    assert_eq!(
        msg,
        "action id `meter_usage` cannot become a Rust type name"
    );
    assert!(help.unwrap().contains("UpperCamelCase"));
    let (msg, ..) = only(&[("id = \"ami\"", "id = \"AMI\"")]);
    assert_eq!(msg, "product id `AMI` cannot become a Rust type name");
    let (msg, ..) = only(&[("id = \"hourly\"", "id = \"2hourly\"")]);
    assert_eq!(
        msg,
        "pricing model id `2hourly` cannot become a Rust type name"
    );
}

#[test]
fn generated_rust_names_must_not_collide() {
    // Product `ami` + model `custom-metering` → `AmiCustomMetering`; a product `ami-custom` + model `metering`
    // would generate the same type.
    let extra = "\n[[products]]\nid = \"ami-custom\"\nname = \"X\"\ntitle = \"t\"\nanchor = \"b\"\nactions = [\"MeterUsage\"]\n\
                 [[products.pricing_models]]\nid = \"metering\"\nname = \"M\"\ndescription = \"d\"\n\
                 source = \"https://docs.aws.amazon.com/x\"\nactions = [\"MeterUsage\"]\n";
    let d = parse("policies.toml", &format!("{BASE}{extra}")).unwrap_err();
    assert_eq!(d.len(), 1, "{d}");
    assert!(d.to_string().contains("would become the Rust type `AmiCustomMetering`, which pricing model `custom-metering` of product `ami` uses"), "{d}");
    let (msg, ..) = only(&[("id = \"ami\"", "id = \"action\"")]);
    assert_eq!(
        msg,
        "product `action` would become the Rust type `Action`, which the generated API itself uses"
    );
}

#[test]
fn action_not_in_the_catalog_suggests_the_closest_name() {
    let (msg, line, col, help) = only(&[(
        "name = \"aws-marketplace:MeterUsage\"",
        "name = \"aws-marketplace:MeterUsge\"",
    )]);
    assert_eq!(
        msg,
        "action `aws-marketplace:MeterUsge` is not in the AWS catalog of the `aws-marketplace` prefix"
    );
    assert_eq!((line, col), (10, 8));
    assert_eq!(
        help.as_deref(),
        Some("did you mean `aws-marketplace:MeterUsage`?")
    );
}

#[test]
fn action_in_the_wrong_letter_case_gets_the_catalog_spelling() {
    let (_, _, _, help) = only(&[(
        "name = \"aws-marketplace:MeterUsage\"",
        "name = \"aws-marketplace:meterusage\"",
    )]);
    assert_eq!(
        help.as_deref(),
        Some("write it as the catalog does: `aws-marketplace:MeterUsage`")
    );
}

#[test]
fn action_outside_the_prefixes() {
    let (msg, _, _, help) = only(&[(
        "name = \"aws-marketplace:MeterUsage\"",
        "name = \"s3:GetObject\"",
    )]);
    assert_eq!(msg, "action `s3:GetObject` is not in the AWS catalog");
    assert_eq!(
        help.as_deref(),
        Some(
            "write one of the catalog's prefixes (`aws-marketplace:`, `kms:`, `license-manager:`, `sns:`, `sqs:`) \
             followed by the action name"
        )
    );
}

#[test]
fn unknown_action_of_a_known_prefix_gets_the_closest_of_that_prefix() {
    let (msg, _, _, help) = only(&[(
        "name = \"aws-marketplace:MeterUsage\"",
        "name = \"license-manager:CheckoutLicence\"",
    )]);
    assert_eq!(
        msg,
        "action `license-manager:CheckoutLicence` is not in the AWS catalog of the `license-manager` prefix"
    );
    assert_eq!(
        help.as_deref(),
        Some("did you mean `license-manager:CheckoutLicense`?")
    );
}

#[test]
fn wildcards_are_refused() {
    for wild in [
        "aws-marketplace:*",
        "aws-marketplace:Meter*",
        "aws-marketplace:MeterUsag?",
        "*",
    ] {
        let (msg, ..) = only(&[(
            "name = \"aws-marketplace:MeterUsage\"",
            &format!("name = \"{wild}\""),
        )]);
        assert_eq!(msg, format!("wildcard in action `{wild}`"));
    }
}

#[test]
fn catalog_facts_are_checked() {
    let (msg, _, _, help) = only(&[("access_level = \"Read\"", "access_level = \"Write\"")]);
    assert_eq!(
        msg,
        "the AWS catalog gives `aws-marketplace:GetEntitlements` the access level Read, not Write"
    );
    assert_eq!(help.as_deref(), Some("write `access_level = \"Read\"`"));
    // Both services are of the `aws-marketplace` prefix: the catalog cannot tell them apart.
    let text = BASE.replacen("service = \"entitlement\"", "service = \"metering\"", 1);
    assert!(parse("policies.toml", &text).is_ok());
    let (msg, ..) = only(&[("service = \"entitlement\"", "service = \"billing\"")]);
    assert_eq!(msg, "unknown service `billing`");
    let (msg, ..) = only(&[("access_level = \"Read\"", "access_level = \"read\"")]);
    assert_eq!(msg, "unknown access level `read`");
}

#[test]
fn an_action_of_another_prefix_is_refused_by_its_service() {
    let (msg, ..) = only(&[
        ("schema_version = 1", "schema_version = 2"),
        (
            "name = \"aws-marketplace:GetEntitlements\"",
            "name = \"license-manager:GetLicense\"\nresources = [\"arn:aws:license-manager::*:license:*\"]",
        ),
    ]);
    assert_eq!(
        msg,
        "`license-manager:GetLicense` belongs to the `license-manager` prefix, not to AWS Marketplace Entitlement \
         Service (`aws-marketplace`)"
    );
}

#[test]
fn empty_product() {
    let (msg, line, col, _) = only(&[(
        "actions = [\"MeterUsage\"]\n\n[[products.pricing_models]]",
        "actions = []\n\n[[products.pricing_models]]",
    )]);
    assert_eq!(msg, "product `ami` grants no action");
    assert_eq!((line, col), (29, 11));
}

#[test]
fn empty_pricing_model_and_its_alternatives() {
    let (msg, _, _, help) = only(&[(
        "description = \"Meters.\"\nsource = \"https://docs.aws.amazon.com/ami\"\nactions = [\"MeterUsage\"]",
        "description = \"Meters.\"\nsource = \"https://docs.aws.amazon.com/ami\"\nactions = []",
    )]);
    assert_eq!(msg, "pricing model `custom-metering` grants no action");
    assert!(help.unwrap().contains("no_policy"));
    let (msg, ..) = only(&[("no_policy = \"No call is made.\"", "")]);
    assert_eq!(
        msg,
        "pricing model `hourly` says neither `actions` nor `no_policy`"
    );
    let (msg, ..) = only(&[(
        "no_policy = \"No call is made.\"",
        "no_policy = \"x\"\nactions = [\"MeterUsage\"]",
    )]);
    assert_eq!(
        msg,
        "pricing model `hourly` has both `actions` and `no_policy`"
    );
}

#[test]
fn empty_strings_and_bad_urls() {
    let (msg, ..) = only(&[("purpose = \"Meters.\"", "purpose = \"  \"")]);
    assert_eq!(msg, "`purpose` in action `MeterUsage` is empty");
    let (msg, ..) = only(&[(
        "api_reference = \"https://docs.aws.amazon.com/meter\"",
        "api_reference = \"http://x\"",
    )]);
    assert_eq!(msg, "`api_reference` must be an https:// address");
}

#[test]
fn three_independent_mistakes_are_all_reported_in_file_order() {
    let d = errors(&[
        ("intro = [\"Intro.\"]", "intro = [\"Intro.\"]\ncolor = 1"),
        (
            "name = \"aws-marketplace:GetEntitlements\"",
            "name = \"aws-marketplace:GetEntitlement\"",
        ),
        ("id = \"hourly\"", "id = \"Hourly\""),
    ]);
    assert_eq!(d.len(), 3, "{d}");
    let lines: Vec<usize> = d.iter().map(|x| d.line_col(x).unwrap().0).collect();
    assert_eq!(lines, [7, 19, 40]);
    let text = d.to_string();
    assert!(
        text.ends_with("error: could not load `policies.toml` due to 3 previous errors"),
        "{text}"
    );
    assert_eq!(text.matches("\nerror: ").count() + 1, 4, "{text}");
    assert_eq!(text.matches(" --> policies.toml:").count(), 3, "{text}");
}

#[test]
fn invalid_utf8_is_located() {
    let d = marketplace_iam_model::parse_bytes(
        "policies.toml",
        b"schema_version = 1\ntitle = \"\xff\"\n",
    )
    .unwrap_err();
    let first = d.iter().next().unwrap();
    assert_eq!(first.message(), "the file is not valid UTF-8");
    assert_eq!(d.line_col(first), Some((2, 10)));
}

#[test]
fn garbage_never_panics() {
    for text in [
        "",
        "=",
        "[[[",
        "a = [",
        "schema_version = 99999999999999999999",
        "schema_version = -1",
        "schema_version = 1\nactions = 3\nproducts = [1]\npage = []",
        "schema_version = 1\n[[products]]\n[[products.pricing_models]]\n",
    ] {
        let d = parse("p.toml", text).unwrap_err();
        assert!(!d.is_empty());
        let _ = d.to_string();
    }
}

#[test]
fn a_file_without_actions_or_products_is_refused() {
    let text = "schema_version = 1\nactions = []\nproducts = []\n[page]\ntitle = \"t\"\nanchor = \"a\"\nintro = [\"i\"]\n";
    let d = parse("policies.toml", text).unwrap_err();
    let messages: Vec<&str> = d.iter().map(|x| x.message()).collect();
    assert_eq!(
        messages,
        ["no action is declared", "no product is declared"]
    );
}

#[test]
fn salvage_reads_names_from_a_broken_file() {
    let text = BASE.replace("access_level = \"Read\"", "access_level = 3");
    assert!(parse("policies.toml", &text).is_err());
    let s = marketplace_iam_model::salvage(&text);
    assert_eq!(s.actions, ["MeterUsage", "GetEntitlements"]);
    assert_eq!(
        s.products,
        [(
            "Ami".to_owned(),
            vec!["AmiCustomMetering".to_owned(), "AmiHourly".to_owned()]
        )]
    );
}

#[test]
fn salvage_reads_names_past_a_toml_syntax_error() {
    // The generated skeleton names what the file declares even when one line cannot be parsed, so the user's code
    // that uses those names does not add errors of its own to the syntax error.
    let text = BASE.replace("access_level = \"Read\"", "access_level = \"Read");
    assert!(parse("policies.toml", &text).is_err());
    let s = marketplace_iam_model::salvage(&text);
    assert_eq!(s.actions, ["MeterUsage", "GetEntitlements"]);
    assert_eq!(s.products.len(), 1);
    assert_eq!(s.products[0].0, "Ami");
}

const TARGET: &str = r#"
[[targets]]
id = "ecs"
name = "Amazon ECS"
signer = "The task role."
attach = "Name it as the task role."
serves = ["ami"]

[targets.trust]
principal_kind = "Service"
principal = "ecs-tasks.amazonaws.com"
action = "sts:AssumeRole"

[[targets.trust.conditions]]
operator = "StringEquals"
key = "aws:SourceAccount"
value = "${AccountId}"
"#;

fn target_errors(edits: &[(&str, &str)]) -> Vec<String> {
    let mut text = format!("{BASE}{TARGET}");
    for (from, to) in edits {
        assert!(text.contains(from), "test bug: {from:?}");
        text = text.replacen(from, to, 1);
    }
    match parse("policies.toml", &text) {
        Ok(_) => Vec::new(),
        Err(d) => d.iter().map(|x| x.message().to_owned()).collect(),
    }
}

#[test]
fn a_valid_target_is_read_with_its_parameters() {
    assert_eq!(target_errors(&[]), Vec::<String>::new());
    let p = parse("policies.toml", &format!("{BASE}{TARGET}")).unwrap();
    assert_eq!(
        p.targets[0].trust.parameters(),
        [marketplace_iam_model::Parameter::AccountId]
    );
}

#[test]
fn trust_policy_rules() {
    assert_eq!(
        target_errors(&[(
            "principal = \"ecs-tasks.amazonaws.com\"",
            "principal = \"*\""
        )]),
        ["wildcard principal in a trust policy"]
    );
    assert_eq!(
        target_errors(&[(
            "principal_kind = \"Service\"\nprincipal = \"ecs-tasks.amazonaws.com\"",
            "principal_kind = \"AWS\"\nprincipal = \"${TrustedRoleArn}\""
        )]),
        ["a cross-account trust policy without an `sts:ExternalId` condition"]
    );
    assert_eq!(
        target_errors(&[("value = \"${AccountId}\"", "value = \"${Account}\"")]),
        ["unknown parameter `${Account}`"]
    );
    assert_eq!(
        target_errors(&[("value = \"${AccountId}\"", "value = \"${AccountId\"")]),
        ["unclosed `${` in a placeholder"]
    );
    assert_eq!(
        target_errors(&[("serves = [\"ami\"]", "serves = [\"amy\"]")]),
        ["product `amy` is not declared"]
    );
    assert_eq!(
        target_errors(&[("serves = [\"ami\"]", "serves = []")]),
        ["target `ecs` serves no product"]
    );
    assert_eq!(
        target_errors(&[("action = \"sts:AssumeRole\"", "action = \"sts:*\"")]),
        ["unsupported trust action `sts:*`"]
    );
    assert_eq!(
        target_errors(&[(
            "operator = \"StringEquals\"",
            "operator = \"StringNotEquals\""
        )]),
        ["unsupported condition operator `StringNotEquals`"]
    );
    assert_eq!(
        target_errors(&[(
            "principal_kind = \"Service\"",
            "principal_kind = \"Anyone\""
        )]),
        ["unknown principal kind `Anyone`"]
    );
    assert_eq!(
        target_errors(&[("id = \"ecs\"", "id = \"ECS\"")]),
        ["target id `ECS` cannot become a Rust type name"]
    );
}

#[test]
fn trust_policy_rules_report_together_in_file_order() {
    // One principal breaking two rules: both are reported, the wildcard first.
    assert_eq!(
        target_errors(&[(
            "principal = \"ecs-tasks.amazonaws.com\"",
            "principal = \"*${Account}\""
        )]),
        [
            "wildcard principal in a trust policy",
            "unknown parameter `${Account}`"
        ]
    );
    // A cross-account trust policy whose external ID condition is incomplete has no external ID condition.
    assert_eq!(
        target_errors(&[
            (
                "principal_kind = \"Service\"\nprincipal = \"ecs-tasks.amazonaws.com\"",
                "principal_kind = \"AWS\"\nprincipal = \"${TrustedRoleArn}\""
            ),
            (
                "key = \"aws:SourceAccount\"\nvalue = \"${AccountId}\"",
                "key = \"sts:ExternalId\""
            ),
        ]),
        [
            "a cross-account trust policy without an `sts:ExternalId` condition",
            "missing `value` in condition #1"
        ]
    );
}

#[test]
fn target_ids_are_unique() {
    let text = format!("{BASE}{TARGET}{TARGET}");
    let d = parse("policies.toml", &text).unwrap_err();
    let messages: Vec<&str> = d.iter().map(|x| x.message()).collect();
    assert_eq!(messages, ["duplicate target id `ecs`"]);
    // It points at the second declaration.
    let second = text.rfind("id = \"ecs\"").unwrap();
    let line = text[..second].lines().count() + 1;
    assert_eq!(d.line_col(d.iter().next().unwrap()), Some((line, 6)));
}

/// An action with resource types, declared in a version-2 file.
const DESCRIBE_ENTITY: &str = r#"[[actions]]
id = "DescribeEntity"
name = "aws-marketplace:DescribeEntity"
service = "metering"
access_level = "Read"
purpose = "Reads a catalog entity."
api_reference = "https://docs.aws.amazon.com/describe"
"#;

#[test]
fn a_version_2_feature_in_a_version_1_file() {
    let (msg, line, col, help) = only(&[(
        "api_reference = \"https://docs.aws.amazon.com/meter\"",
        "api_reference = \"https://docs.aws.amazon.com/meter\"\nresources = [\"arn:aws:aws-marketplace:::x\"]",
    )]);
    assert_eq!(msg, "`resources` needs schema_version = 2");
    assert_eq!((line, col), (15, 13));
    assert!(help.unwrap().contains("write `schema_version = 2`"));
}

#[test]
fn an_action_with_resource_types_needs_its_resources() {
    let (msg, line, col, help) = only(&[
        ("schema_version = 1", "schema_version = 2"),
        ("[[products]]", &format!("{DESCRIBE_ENTITY}\n[[products]]")),
    ]);
    assert_eq!(
        msg,
        "`aws-marketplace:DescribeEntity` has resource types (`Entity`): say which ARNs the policy grants it on"
    );
    assert_eq!((line, col), (26, 8));
    assert!(
        help.unwrap()
            .contains("resources = [\"arn:aws:aws-marketplace:...\"]")
    );

    let with = format!(
        "{DESCRIBE_ENTITY}resources = [\"arn:aws:aws-marketplace:us-east-1:*:AWSMarketplace/Entity/*\"]\n"
    );
    let text = BASE
        .replacen("schema_version = 1", "schema_version = 2", 1)
        .replacen("[[products]]", &format!("{with}\n[[products]]"), 1)
        .replacen(
            "actions = [\"MeterUsage\"]",
            "actions = [\"MeterUsage\", \"DescribeEntity\"]",
            1,
        );
    let policies = parse("policies.toml", &text).expect("valid");
    let json = policies.documents()[0].json();
    assert!(
        json.contains("\"Resource\": \"*\"")
            && json.contains(
                "\"Resource\": \"arn:aws:aws-marketplace:us-east-1:*:AWSMarketplace/Entity/*\""
            ),
        "one statement on \"*\", one on the ARN:\n{json}"
    );
}

#[test]
fn resources_only_where_the_catalog_has_resource_types_and_of_the_actions_service() {
    let (msg, _, _, help) = only(&[
        ("schema_version = 1", "schema_version = 2"),
        (
            "api_reference = \"https://docs.aws.amazon.com/meter\"",
            "api_reference = \"https://docs.aws.amazon.com/meter\"\nresources = [\"arn:aws:aws-marketplace:::x\"]",
        ),
    ]);
    assert_eq!(
        msg,
        "`aws-marketplace:MeterUsage` has no resource types: only `\"*\"` grants it"
    );
    assert!(help.unwrap().contains("remove `resources`"));

    let (msg, ..) = only(&[
        ("schema_version = 1", "schema_version = 2"),
        (
            "[[products]]",
            &format!("{DESCRIBE_ENTITY}resources = [\"arn:aws:s3:::bucket\"]\n\n[[products]]"),
        ),
    ]);
    assert_eq!(
        msg,
        "`arn:aws:s3:::bucket` is not an ARN of `aws-marketplace`"
    );
}

/// Two targets: one serving the product, one serving only its custom metering model.
const TARGETS: &str = r#"
[[targets]]
id = "ec2"
name = "EC2"
signer = "The instance role."
attach = "Attach it."
serves = ["ami"]
instance_profile = true

[targets.trust]
principal_kind = "Service"
principal = "ec2.amazonaws.com"
action = "sts:AssumeRole"

[[targets]]
id = "anywhere"
name = "Anywhere"
signer = "A role assumed with a token."
attach = "Attach it."
serves = ["ami/custom-metering"]

[targets.trust]
principal_kind = "Federated"
principal = "openid-license-manager.amazonaws.com"
action = "sts:AssumeRoleWithWebIdentity"

[[targets.trust.conditions]]
operator = "ForAnyValue:StringLike"
key = "openid-license-manager.amazonaws.com:amr"
value = "aws:license-manager:token-issuer-account-id:${AccountId}"
"#;

fn with_targets(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.replacen("schema_version = 1", "schema_version = 2", 1) + TARGETS;
    for (from, to) in edits {
        assert!(text.contains(from), "test bug: {from:?} not in the file");
        text = text.replacen(from, to, 1);
    }
    text
}

#[test]
fn a_target_can_serve_one_pricing_model() {
    let policies = parse("policies.toml", &with_targets(&[])).expect("valid");
    let targets = |file: &str| -> Vec<String> {
        let docs = policies.documents();
        let d = docs.iter().find(|d| d.file_name() == file).unwrap();
        d.targets().map(|t| t.id.clone()).collect()
    };
    assert_eq!(targets("ami.json"), ["ec2"]);
    assert_eq!(targets("ami-custom-metering.json"), ["ec2", "anywhere"]);

    // A pricing model can narrow its targets.
    let text = with_targets(&[(
        "actions = [\"MeterUsage\"]\n\n[[products.pricing_models]]\nid = \"hourly\"",
        "actions = [\"MeterUsage\"]\ntargets = [\"anywhere\"]\n\n[[products.pricing_models]]\nid = \"hourly\"",
    )]);
    let policies = parse("policies.toml", &text).expect("valid");
    let docs = policies.documents();
    let d = docs
        .iter()
        .find(|d| d.file_name() == "ami-custom-metering.json")
        .unwrap();
    assert_eq!(
        d.targets().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        ["anywhere"]
    );
}

#[test]
fn serving_a_pricing_model_needs_one_with_a_policy() {
    let d = parse(
        "policies.toml",
        &with_targets(&[(
            "serves = [\"ami/custom-metering\"]",
            "serves = [\"ami/hourly\", \"ami/nope\", \"saas\"]",
        )]),
    )
    .expect_err("rejected");
    let messages: Vec<&str> = d.iter().map(|x| x.message()).collect();
    assert_eq!(
        messages,
        [
            "product `ami` has no pricing model `hourly` with a policy",
            "product `ami` has no pricing model `nope` with a policy",
            "product `saas` is not declared",
        ]
    );
}

#[test]
fn a_pricing_models_targets_must_serve_it() {
    let d = parse(
        "policies.toml",
        &with_targets(&[
            (
                "actions = [\"MeterUsage\"]\n\n[[products.pricing_models]]\nid = \"hourly\"",
                "actions = [\"MeterUsage\"]\ntargets = [\"ecs\"]\n\n[[products.pricing_models]]\nid = \"hourly\"",
            ),
            ("no_policy = \"No call is made.\"", "no_policy = \"No call is made.\"\ntargets = [\"ec2\"]"),
        ]),
    )
    .expect_err("rejected");
    let messages: Vec<&str> = d.iter().map(|x| x.message()).collect();
    assert_eq!(
        messages,
        [
            "target `ecs` is not declared",
            "pricing model `ami/hourly` needs no policy"
        ]
    );
}

/// A managed policy compared with the AMI product's documents.
const MANAGED: &str = r#"
[[managed_policies]]
name = "AWSMarketplaceMeteringFullAccess"
arn = "arn:aws:iam::aws:policy/AWSMarketplaceMeteringFullAccess"
version = "v1"
source = "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSMarketplaceMeteringFullAccess.html"
actions = ["aws-marketplace:MeterUsage", "aws-marketplace:GetEntitlements"]
compare = ["ami", "ami/custom-metering"]
"#;

#[test]
fn a_managed_policy_is_compared_on_the_page() {
    let text = BASE.replacen("schema_version = 1", "schema_version = 2", 1) + MANAGED;
    let policies = parse("policies.toml", &text).expect("valid");
    assert_eq!(
        policies.managed_policies[0].compare,
        ["ami", "ami/custom-metering"]
    );
    let page = marketplace_iam_model::render_page(&policies, "policies");
    assert!(
        page.contains(
            "| [`ami.json`](policies/ami.json) | `MeterUsage` | `GetEntitlements` | none | the same (`\"*\"`) |"
        ),
        "{page}"
    );
}

#[test]
fn a_managed_policy_names_catalog_actions_an_aws_arn_and_published_documents() {
    let text = BASE.replacen("schema_version = 1", "schema_version = 2", 1)
        + &MANAGED
            .replacen(
                "aws-marketplace:GetEntitlements",
                "aws-marketplace:GetEntitlement",
                1,
            )
            .replacen(
                "arn:aws:iam::aws:policy/",
                "arn:aws:iam::123456789012:policy/",
                1,
            )
            .replacen("\"ami/custom-metering\"", "\"ami/hourly\"", 1);
    let d = parse("policies.toml", &text).expect_err("rejected");
    let messages: Vec<(&str, Option<&str>)> = d.iter().map(|x| (x.message(), x.help())).collect();
    assert_eq!(
        messages[0].0,
        "`arn:aws:iam::123456789012:policy/AWSMarketplaceMeteringFullAccess` is not an AWS managed policy's ARN"
    );
    assert_eq!(
        messages[1],
        (
            "action `aws-marketplace:GetEntitlement` of managed policy `AWSMarketplaceMeteringFullAccess` is not in the AWS catalog",
            Some("did you mean `aws-marketplace:GetEntitlements`?")
        )
    );
    assert_eq!(messages[2].0, "no published document `ami/hourly`");
    assert_eq!(messages.len(), 3);

    // Version 1 has no managed policies.
    let (msg, ..) = {
        let d = parse("policies.toml", &(BASE.to_owned() + MANAGED)).expect_err("rejected");
        let first = d.iter().next().unwrap();
        (first.message().to_owned(), ())
    };
    assert_eq!(msg, "`managed_policies` needs schema_version = 2");
}
