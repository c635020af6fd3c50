//! `check --gaad`: a whole account's authorization details.

use super::*;

fn gaad(args: &[&str]) -> (i32, Value) {
    let fixture = fixtures().join("gaad.json");
    let mut all = vec![
        "check",
        "--gaad",
        fixture.to_str().unwrap(),
        "--format",
        "json",
    ];
    all.extend_from_slice(args);
    let out = run(&all, &fixtures());
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    (code(&out), json(&out))
}

fn principal<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not in the report"))
}

#[test]
fn gaad_answers_who_can_bill_customers() {
    let (code, report) = gaad(&["--product", "saas"]);
    assert_eq!(code, 0);
    assert_eq!(report["verdict"], "allowed");
    assert_eq!(report["principals"].as_array().unwrap().len(), 6);

    let allowed: Vec<&str> = report["principals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["verdict"] == "allowed")
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    // alice through her group's inline policy (URL-encoded); MeteringRole through the default version (v2, URL-encoded)
    // of a customer managed policy whose v1 grants nothing.
    assert_eq!(allowed, ["alice", "MeteringRole"]);

    let alice = principal(&report, "alice");
    assert_eq!(alice["type"], "user");
    assert_eq!(
        alice["actions"][1]["statements"][0]["policy"],
        "group Billing inline saas-metering"
    );

    // bob: ResolveCustomer inline, MeterUsage through an AWS managed policy; not BatchMeterUsage.
    let bob = principal(&report, "bob");
    assert_eq!(bob["actions"][0]["decision"], "allow");
    assert_eq!(bob["actions"][1]["decision"], "implicit_deny");
    assert_eq!(
        bob["over_grants"][0]["action"],
        "aws-marketplace:MeterUsage"
    );

    // BoundedRole: aws-marketplace:* inline, but its boundary allows only MeterUsage.
    let bounded = principal(&report, "BoundedRole");
    assert_eq!(bounded["verdict"], "not_allowed");
    assert_eq!(bounded["actions"][0]["statements"][0]["kind"], "boundary");
    assert_eq!(
        bounded["actions"][0]["statements"][0]["policy"],
        "arn:aws:iam::aws:policy/AWSMarketplaceMeteringFullAccess"
    );

    let denied = principal(&report, "DeniedRole");
    assert_eq!(denied["actions"][1]["decision"], "explicit_deny");
    assert_eq!(denied["actions"][1]["statements"][0]["sid"], "NoBilling");
    assert!(denied["over_grants"].as_array().unwrap().len() >= 60);

    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .contains("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess is attached but not among")
    );
}

#[test]
fn gaad_for_another_product_and_with_an_scp() {
    let (code, report) = gaad(&["--product", "ami/custom-metering"]);
    assert_eq!(code, 0);
    let allowed: Vec<&str> = report["principals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["verdict"] == "allowed")
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(allowed, ["bob", "BoundedRole", "DeniedRole"]);

    let dir = scratch("gaad-scp");
    let scp = write(
        &dir,
        "scp.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "aws-marketplace:MeterUsage", "Resource": "*"}]}"#,
    );
    let (code, report) = gaad(&[
        "--product",
        "ami/custom-metering",
        "--scp",
        scp.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(report["verdict"], "not_allowed");
}

#[test]
fn gaad_text_lists_who_is_allowed() {
    let fixture = fixtures().join("gaad.json");
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "--gaad",
            fixture.to_str().unwrap(),
        ],
        &fixtures(),
    );
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    let allowed = text
        .split("allowed (2):\n")
        .nth(1)
        .expect("an allowed section");
    let mut lines = allowed.lines();
    assert!(lines.next().unwrap().contains("user  alice"), "{text}");
    assert!(
        lines.next().unwrap().contains("role  MeteringRole"),
        "{text}"
    );
    assert!(text.contains("role  BoundedRole"), "{text}");
    // bob's one over-grant (MeterUsage) in the singular, DeniedRole's many in the plural.
    let line = |name: &str| {
        text.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} is not listed: {text}"))
    };
    assert!(
        line("user  bob").ends_with("+1 other action (1 not read-only)"),
        "{text}"
    );
    assert!(
        line("role  DeniedRole").contains(" other actions ("),
        "{text}"
    );
}

#[test]
fn gaad_errors_are_located_in_the_export() {
    let dir = scratch("gaad-bad");
    write(
        &dir,
        "bad.json",
        "{\"RoleDetailList\": [\n  {\"RoleName\": \"r\", \"Arn\": \"arn:aws:iam::1:role/r\",\n   \"RolePolicyList\": [{\"PolicyName\": \"p\", \"PolicyDocument\":\n     {\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Sid\": 1}]}}]}]}\n",
    );
    assert_unusable(
        &run(&["check", "--product", "saas", "--gaad", "bad.json"], &dir),
        "bad.json:4:80: RoleDetailList[0].RolePolicyList[0].PolicyDocument.Statement[0].Sid:",
    );
    write(
        &dir,
        "encoded.json",
        "{\"Policies\": [{\"Arn\": \"arn:aws:iam::1:policy/p\", \"PolicyVersionList\": [\n  {\"IsDefaultVersion\": true, \"Document\": \"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Permit%22%7D%5D%7D\"}]}]}",
    );
    assert_unusable(
        &run(
            &["check", "--product", "saas", "--gaad", "encoded.json"],
            &dir,
        ),
        "encoded.json:2:42: Policies[0].PolicyVersionList[0].Document.Statement[0].Effect: expected \"Allow\" or \"Deny\", found \"Permit\" (at 1:32 of the URL-decoded document)",
    );
    write(&dir, "policy.json", MARKETPLACE_STAR);
    assert_unusable(
        &run(
            &["check", "--product", "saas", "--gaad", "policy.json"],
            &dir,
        ),
        "policy.json: not the output of `aws iam get-account-authorization-details`",
    );
    write(&dir, "cut.json", "{\"RoleDetailList\": [{\"RoleName\": ");
    assert_unusable(
        &run(&["check", "--product", "saas", "--gaad", "cut.json"], &dir),
        "cut.json:1:33: RoleDetailList[0].RoleName: EOF while parsing a value",
    );
    // --gaad replaces the policy files and the boundary.
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "--gaad",
            "cut.json",
            "policy.json",
        ],
        &dir,
    );
    assert_eq!(code(&out), 2);
}

#[test]
fn a_document_without_resource_in_the_export_is_refused_with_its_place() {
    let dir = scratch("gaad-no-resource");
    write(
        &dir,
        "account.json",
        "{\"RoleDetailList\": [\n  {\"RoleName\": \"r\", \"Arn\": \"arn:aws:iam::123456789012:role/r\",\n   \"RolePolicyList\": [{\"PolicyName\": \"p\", \"PolicyDocument\": {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"aws-marketplace:MeterUsage\"}]}}]}\n]}\n",
    );
    let out = run(
        &["check", "--product", "saas", "--gaad", "account.json"],
        &dir,
    );
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("account.json:3:101: RoleDetailList[0].RolePolicyList[0].PolicyDocument.Statement[0]: the statement has neither `Resource` nor `NotResource`"),
        "{err}"
    );
}

#[test]
fn jsonl_writes_one_principal_per_line_as_the_json_report_does() {
    let fixture = fixtures().join("gaad.json");
    let fixture = fixture.to_str().unwrap();
    let dir = scratch("gaad-jsonl");
    let json_out = run(
        &[
            "check",
            "--product",
            "saas",
            "--gaad",
            fixture,
            "--format",
            "json",
        ],
        &dir,
    );
    let lines_out = run(
        &[
            "check",
            "--product",
            "saas",
            "--gaad",
            fixture,
            "--format",
            "jsonl",
        ],
        &dir,
    );
    assert_eq!(code(&json_out), code(&lines_out));
    let report = json(&json_out);
    let principals = report["principals"].as_array().unwrap();
    let text = stdout(&lines_out);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert!(!lines.is_empty());
    assert_eq!(&lines, principals);
    // The account's warnings go to standard error, not among the principals.
    for w in report["warnings"].as_array().unwrap() {
        assert!(
            stderr(&lines_out).contains(w.as_str().unwrap()),
            "{}",
            stderr(&lines_out)
        );
    }
}
