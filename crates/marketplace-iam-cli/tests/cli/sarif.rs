//! `check --format sarif`: every log validates against the published SARIF 2.1.0 schema (tests/data), each
//! finding is a result of its rule at the file, line and column where it is written, and the exit codes are those
//! of the other formats.

use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;

use super::{code, fixtures, run, run_with_stdin, scratch, stdout, write};

/// The SARIF 2.1.0 schema as OASIS publishes it (see tests/data/README.md), compiled once.
fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
        jsonschema::draft4::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap()
    })
}

/// The errors of `log` against the schema, one line each.
fn schema_errors(log: &Value) -> Vec<String> {
    validator()
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The command's SARIF log, after checking that it validates.
pub(super) fn sarif(out: &std::process::Output) -> Value {
    let log: Value = serde_json::from_str(&stdout(out)).expect("the output is JSON");
    let errors = schema_errors(&log);
    assert!(errors.is_empty(), "not valid SARIF 2.1.0: {errors:#?}");
    log
}

/// The results of the log's one run.
pub(super) fn results(log: &Value) -> &Vec<Value> {
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    log["runs"][0]["results"].as_array().unwrap()
}

/// `(uri, line, column)` of a result.
pub(super) fn at(result: &Value) -> (String, u64, u64) {
    let physical = &result["locations"][0]["physicalLocation"];
    (
        physical["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_owned(),
        physical["region"]["startLine"].as_u64().unwrap(),
        physical["region"]["startColumn"].as_u64().unwrap(),
    )
}

/// The results of rule `id`.
pub(super) fn of_rule<'a>(log: &'a Value, id: &str) -> Vec<&'a Value> {
    results(log).iter().filter(|r| r["ruleId"] == id).collect()
}

/// `check --product saas <option> <file>` of a fixture as SARIF (validated) and as JSON, with the same exit code.
fn sarif_and_json(option: &str, file: &str) -> (Value, Value) {
    let check = |format| {
        let args = [
            "check",
            "--product",
            "saas",
            option,
            file,
            "--format",
            format,
        ];
        run(&args, &fixtures())
    };
    let (out, json) = (check("sarif"), check("json"));
    assert_eq!(code(&out), code(&json));
    (sarif(&out), serde_json::from_str(&stdout(&json)).unwrap())
}

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "aws-marketplace:MeterUsage", "Resource": "*"},
    {"Effect": "Allow", "Action": "aws-marketplace:TagResource",
     "Resource": "arn:aws:aws-marketplace:*:*:AWSMarketplace/*"}
  ]
}"#;

#[test]
fn a_policy_file_check_is_valid_sarif_with_rules_levels_and_statement_locations() {
    let dir = scratch("sarif-policy");
    write(&dir, "role.json", POLICY);
    let args = [
        "check",
        "--action",
        "MeterUsage,ResolveCustomer",
        "role.json",
        "--format",
        "sarif",
    ];
    let out = run(&args, &dir);
    assert_eq!(code(&out), 1, "ResolveCustomer is not allowed");
    let log = sarif(&out);
    assert_eq!(log["version"], "2.1.0");
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "marketplace-iam");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    let rules = driver["rules"].as_array().unwrap();
    for id in [
        "implicit_deny",
        "explicit_deny",
        "conditional",
        "over_grant",
        "over_grant_on_some_resources",
        "unresolved",
        "wildcard_principal",
        "cross_account_trust_without_external_id",
        "eks_trust_without_sub",
        "allow_not_action",
        "context_key_absent",
    ] {
        let rule = rules.iter().find(|r| r["id"] == id).expect(id);
        for text in ["shortDescription", "fullDescription", "help"] {
            assert!(
                !rule[text]["text"].as_str().unwrap().is_empty(),
                "{id} {text}"
            );
        }
    }
    // Every result names its rule by id and by index, at the rule's level.
    for r in results(&log) {
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        assert_eq!(rule["defaultConfiguration"]["level"], r["level"]);
    }

    let denied = of_rule(&log, "implicit_deny");
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0]["level"], "error");
    assert!(
        denied[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("aws-marketplace:ResolveCustomer")
    );
    assert_eq!(at(denied[0]), ("role.json".to_owned(), 1, 1));

    // TagResource on the AWSMarketplace resources only: an over-grant on some resources, with the pattern, at
    // the second statement.
    let some = of_rule(&log, "over_grant_on_some_resources");
    assert_eq!(some.len(), 1, "{log:#}");
    assert_eq!(some[0]["level"], "warning");
    let message = some[0]["message"]["text"].as_str().unwrap();
    assert!(
        message.contains(
            "aws-marketplace:TagResource on arn:aws:aws-marketplace:*:*:AWSMarketplace/*"
        ),
        "{message}"
    );
    assert!(message.contains("on some resources only"), "{message}");
    assert_eq!(at(some[0]), ("role.json".to_owned(), 5, 5));
    assert_eq!(
        some[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
        "%SRCROOT%"
    );
    assert_eq!(
        some[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "role.json:Statement[1]"
    );
    assert!(of_rule(&log, "over_grant").is_empty());

    // The same exit code as JSON, and 0 when every action is allowed.
    let json = run(
        &[
            "check",
            "--action",
            "MeterUsage,ResolveCustomer",
            "role.json",
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(code(&json), code(&out));
    let allowed = run(
        &[
            "check",
            "--action",
            "MeterUsage",
            "role.json",
            "--format",
            "sarif",
        ],
        &dir,
    );
    assert_eq!(code(&allowed), 0);
    assert!(of_rule(&sarif(&allowed), "implicit_deny").is_empty());
}

#[test]
fn standard_input_has_no_physical_location() {
    let dir = scratch("sarif-stdin");
    let out = run_with_stdin(
        &[
            "check",
            "--action",
            "ResolveCustomer",
            "-",
            "--format",
            "sarif",
        ],
        &dir,
        POLICY,
    );
    assert_eq!(code(&out), 1);
    let log = sarif(&out);
    let denied = of_rule(&log, "implicit_deny");
    assert_eq!(denied.len(), 1);
    assert!(denied[0].get("locations").is_none(), "{log:#}");
}

#[test]
fn an_account_export_has_a_result_per_principal_not_allowed_at_its_name() {
    let (log, json) = sarif_and_json("--gaad", "gaad.json");
    let text = std::fs::read_to_string(fixtures().join("gaad.json")).unwrap();
    let not_allowed = of_rule(&log, "principal_not_allowed");
    assert!(!not_allowed.is_empty());
    assert_eq!(not_allowed.len(), results(&log).len());
    for r in not_allowed {
        assert_eq!(r["level"], "note");
        let arn = r["locations"][0]["logicalLocations"][0]["name"]
            .as_str()
            .unwrap();
        let principal = json["principals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["arn"] == arn)
            .unwrap_or_else(|| panic!("{arn} in the JSON report"));
        assert_eq!(principal["verdict"], "not_allowed");
        // At the principal's name in the export.
        let (uri, line, column) = at(r);
        assert_eq!(uri, "gaad.json");
        let name = principal["name"].as_str().unwrap();
        let at_line = text.lines().nth(line as usize - 1).unwrap();
        assert!(
            at_line[column as usize - 1..].starts_with(name),
            "{at_line}"
        );
    }
}

#[test]
fn a_cloudformation_template_has_trust_findings_at_their_lines() {
    let (log, json) = sarif_and_json("--cloudformation", "cloudformation/trust.yaml");
    let cross = of_rule(&log, "cross_account_trust_without_external_id");
    assert!(!cross.is_empty(), "{log:#}");
    let (uri, line, _) = at(cross[0]);
    assert_eq!(uri, "cloudformation/trust.yaml");
    assert!(line > 1);
    assert_eq!(cross[0]["level"], "warning");
    // The role by its logical id, then the path in the template.
    let logical = cross[0]["locations"][0]["logicalLocations"]
        .as_array()
        .unwrap();
    assert_eq!(logical[0]["kind"], "resource");
    assert!(
        logical[1]["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .starts_with(&format!(
                "Resources.{}.",
                logical[0]["name"].as_str().unwrap()
            ))
    );
    // As many results as the JSON has findings, plus one per skipped role.
    let findings: usize = json["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["findings"].as_array().unwrap().len())
        .sum();
    let skipped = json["skipped"].as_array().unwrap().len();
    assert_eq!(results(&log).len(), findings + skipped);
    assert_eq!(of_rule(&log, "skipped_role").len(), skipped);
}

#[test]
fn a_terraform_plan_has_findings_at_the_address() {
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "--terraform",
            "terraform/metering.json",
            "--format",
            "sarif",
        ],
        &fixtures(),
    );
    assert_eq!(code(&out), 1);
    let log = sarif(&out);
    let all = results(&log);
    assert!(!all.is_empty());
    for r in all {
        let (uri, line, column) = at(r);
        assert_eq!(uri, "terraform/metering.json");
        assert!(line > 0 && column > 0);
        assert!(
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap()
                .contains("aws_iam_role.")
        );
    }
    assert!(!of_rule(&log, "implicit_deny").is_empty());
}

#[test]
fn the_schema_validator_really_runs() {
    let dir = scratch("sarif-broken");
    write(&dir, "role.json", POLICY);
    let out = run(
        &[
            "check",
            "--action",
            "ResolveCustomer",
            "role.json",
            "--format",
            "sarif",
        ],
        &dir,
    );
    let log = sarif(&out);
    // A level SARIF does not have, a line 0, and no version: each is an error.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!schema_errors(&broken).is_empty());
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!schema_errors(&broken).is_empty());
    let mut broken = log;
    broken.as_object_mut().unwrap().remove("version");
    assert!(!schema_errors(&broken).is_empty());
}

const TAGGING_ROLE: &str = r#"Resources:
  MeteringRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: metering
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: aws-marketplace:MeterUsage
                Resource: "*"
              - Effect: Allow
                Action: aws-marketplace:TagResource
                Resource: arn:aws:aws-marketplace:*:*:AWSMarketplace/*
"#;

#[test]
fn an_over_grant_on_some_resources_is_one_in_text_json_and_sarif_with_its_patterns() {
    let dir = scratch("sarif-some-resources");
    write(&dir, "template.yaml", TAGGING_ROLE);
    let check = |format| {
        let args = [
            "check",
            "--action",
            "MeterUsage",
            "--cloudformation",
            "template.yaml",
            "--format",
            format,
        ];
        run(&args, &dir)
    };
    let pattern = "aws-marketplace:TagResource on arn:aws:aws-marketplace:*:*:AWSMarketplace/*";

    let text = stdout(&check("text"));
    assert!(text.contains("over_grant_on_some_resources"), "{text}");
    assert!(text.contains(pattern), "{text}");

    let json: Value = serde_json::from_str(&stdout(&check("json"))).unwrap();
    let role = &json["roles"][0];
    let found = super::located(role, "over_grant_on_some_resources");
    assert_eq!(found.len(), 1, "{role:#}");
    assert_eq!(found[0].0, 18, "the second statement's line");
    assert!(found[0].2.ends_with("Statement[1]"), "{found:?}");
    let message = role["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "over_grant_on_some_resources")
        .and_then(|f| f["message"].as_str())
        .unwrap();
    assert!(message.contains(pattern), "{message}");
    assert!(super::located(role, "over_grant").is_empty());
    let grant = &role["report"]["over_grants"][0];
    assert_eq!(grant["action"], "aws-marketplace:TagResource");
    assert_eq!(
        grant["resources"][0],
        "arn:aws:aws-marketplace:*:*:AWSMarketplace/*"
    );

    let log = sarif(&check("sarif"));
    let some = of_rule(&log, "over_grant_on_some_resources");
    assert_eq!(some.len(), 1);
    assert_eq!(at(some[0]), ("template.yaml".to_owned(), 18, 17));
    assert!(
        some[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains(pattern)
    );
}
