//! The `marketplace-iam` binary as users run it: exit codes, the JSON they parse, the text they read, and the
//! errors they get for unusable input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_marketplace-iam");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fresh directory for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("marketplace-iam-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

/// Runs the command with `input` on its standard input.
fn run_with_stdin(args: &[&str], dir: &Path, input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // The command may exit before reading (a usage error): a closed pipe here is not the test's failure.
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}):\n{}", stdout(out)))
}

/// Asserts an unusable-input failure: exit 2, nothing on stdout, one located message, no panic.
fn assert_unusable(out: &Output, expected: &str) {
    let err = stderr(out);
    assert_eq!(code(out), 2, "stderr: {err}");
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(out));
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
}

const SUBSCRIPTIONS_ONLY_RESOLVE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Resolve", "Effect": "Allow", "Action": "aws-marketplace:ResolveCustomer", "Resource": "*"}
  ]
}
"#;

const MARKETPLACE_STAR: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"}]}"#;

#[test]
fn policy_prints_the_published_bytes() {
    let dir = scratch("policy");
    for (spec, file) in [
        ("saas", "saas.json"),
        ("saas/subscriptions", "saas-subscriptions.json"),
        ("ami/custom-metering", "ami-custom-metering.json"),
        ("CONTAINER", "container.json"),
    ] {
        let out = run(&["policy", spec], &dir);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let published = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../docs/policies")
                .join(file),
        )
        .unwrap();
        assert_eq!(out.stdout, published, "{spec}");
    }
}

#[test]
fn policy_of_a_model_without_calls_explains_and_exits_1() {
    let out = run(&["policy", "ami/hourly-annual"], &scratch("nopolicy"));
    assert_eq!(code(&out), 1);
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("ami/hourly-annual needs no IAM policy"),
        "{err}"
    );
}

#[test]
fn unknown_product_is_unusable_and_lists_the_known_ones() {
    let dir = scratch("unknown-product");
    assert_unusable(
        &run(&["policy", "saas/yearly"], &dir),
        "invalid value 'saas/yearly' for '<PRODUCT[/MODEL]>'\n  [possible values: saas, saas/subscriptions, ",
    );
    let role = write(&dir, "role.json", MARKETPLACE_STAR);
    assert_unusable(
        &run(
            &["check", "--product", "desktop", role.to_str().unwrap()],
            &dir,
        ),
        "invalid value 'desktop' for '--product <PRODUCT[/MODEL]>'",
    );
}

#[test]
fn a_typo_gets_the_nearest_value() {
    let dir = scratch("typo");
    let out = run(&["policy", "saas/subscriptons"], &dir);
    assert_unusable(&out, "invalid value 'saas/subscriptons'");
    assert!(
        stderr(&out).contains("tip: a similar value exists: 'saas/subscriptions'"),
        "{}",
        stderr(&out)
    );
    let out = run(&["role", "saas", "--target", "crossaccount"], &dir);
    assert_unusable(&out, "invalid value 'crossaccount' for '--target <TARGET>'");
    assert!(
        stderr(&out).contains("tip: a similar value exists: 'cross-account'"),
        "{}",
        stderr(&out)
    );
    write(&dir, "role.json", MARKETPLACE_STAR);
    let out = run(
        &["check", "--product", "ami/custom-meterin", "role.json"],
        &dir,
    );
    assert_unusable(&out, "tip: a similar value exists: 'ami/custom-metering'");
}

#[test]
fn help_lists_every_product_model_and_target() {
    let dir = scratch("help");
    let policy = run(&["policy", "--help"], &dir);
    assert_eq!(code(&policy), 0);
    let check = run(&["check", "--help"], &dir);
    let role = run(&["role", "--help"], &dir);
    for (help, with_targets) in [
        (stdout(&policy), false),
        (stdout(&check), false),
        (stdout(&role), true),
    ] {
        assert!(help.contains("Possible values:"), "{help}");
        for p in marketplace_iam::ProductType::ALL {
            assert!(
                help.contains(&format!("- {}:", p.id())),
                "{} in\n{help}",
                p.id()
            );
        }
        for m in marketplace_iam::PricingModel::ALL {
            assert!(
                help.contains(&format!("- {}:", m.id())),
                "{} in\n{help}",
                m.id()
            );
        }
        for t in marketplace_iam::DeploymentTarget::ALL {
            assert_eq!(
                help.contains(&format!("- {}:", t.id())),
                with_targets,
                "{} in\n{help}",
                t.id()
            );
        }
    }
    // The short help lists them too.
    let short = stdout(&run(&["role", "-h"], &dir));
    assert!(
        short.contains("[possible values: ec2, ecs, eks, agentcore, cross-account]"),
        "{short}"
    );
}

#[test]
fn a_role_missing_batch_meter_usage_gets_the_statement_to_add() {
    let dir = scratch("missing");
    write(&dir, "role.json", SUBSCRIPTIONS_ONLY_RESOLVE);

    let out = run(
        &[
            "check",
            "--product",
            "saas/subscriptions",
            "role.json",
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["verdict"], "not_allowed");
    let actions = report["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[0]["action"], "aws-marketplace:ResolveCustomer");
    assert_eq!(actions[0]["decision"], "allow");
    assert_eq!(actions[0]["statements"][0]["sid"], "Resolve");
    assert_eq!(actions[1]["action"], "aws-marketplace:BatchMeterUsage");
    assert_eq!(actions[1]["decision"], "implicit_deny");
    assert_eq!(
        actions[1]["statements"][0]["add"],
        serde_json::json!({"Effect": "Allow", "Action": ["aws-marketplace:BatchMeterUsage"], "Resource": "*"})
    );

    let out = run(
        &["check", "--product", "saas/subscriptions", "role.json"],
        &dir,
    );
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(text.starts_with("NOT allowed: 1 of 2"), "{text}");
    assert!(
        text.contains(
            r#"add: {"Effect":"Allow","Action":["aws-marketplace:BatchMeterUsage"],"Resource":"*"}"#
        ),
        "{text}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "colour on a pipe without CLICOLOR_FORCE"
    );
}

#[test]
fn marketplace_star_is_allowed_and_reports_over_grants() {
    let dir = scratch("star");
    write(&dir, "role.json", MARKETPLACE_STAR);
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "role.json",
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = json(&out);

    // Exactly the documented shape (serde_json's map sorts keys).
    let keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["actions", "over_grants", "verdict", "warnings"]);
    assert!(
        stdout(&out).starts_with("{\n  \"verdict\": \"allowed\",\n  \"actions\": ["),
        "the documented key order"
    );
    assert_eq!(report["verdict"], "allowed");
    for a in report["actions"].as_array().unwrap() {
        let keys: Vec<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["action", "conditions", "decision", "statements"]);
        assert_eq!(a["decision"], "allow");
    }

    let over = report["over_grants"].as_array().unwrap();
    assert!(over.len() >= 60, "{} over-grants", over.len());
    let change_set = over
        .iter()
        .find(|g| g["action"] == "aws-marketplace:StartChangeSet")
        .expect("StartChangeSet is an over-grant");
    assert_eq!(change_set["access_level"], "Write");
    assert_eq!(change_set["decision"], "allow");
    assert_eq!(change_set["statements"][0]["policy"], "role.json");
    assert!(
        over.iter()
            .all(|g| g["action"] != "aws-marketplace:BatchMeterUsage"),
        "a required action is not an over-grant"
    );

    let text = stdout(&run(&["check", "--product", "saas", "role.json"], &dir));
    assert!(
        text.contains("over-grants: ") && text.contains("aws-marketplace:StartChangeSet"),
        "{text}"
    );
}

#[test]
fn colour_only_when_forced_or_on_a_terminal() {
    let dir = scratch("colour");
    write(&dir, "role.json", SUBSCRIPTIONS_ONLY_RESOLVE);
    let args = ["check", "--product", "saas/subscriptions", "role.json"];
    let forced = Command::new(BIN)
        .args(args)
        .current_dir(&dir)
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(
        stdout(&forced).contains("\u{1b}["),
        "CLICOLOR_FORCE=1 colours"
    );
    let plain = run(&args, &dir);
    assert!(!stdout(&plain).contains('\u{1b}'));
    // Without escapes, the text is the same.
    assert_eq!(code(&forced), code(&plain));
}

#[test]
fn invalid_json_is_located_and_exits_2() {
    let dir = scratch("badjson");
    write(
        &dir,
        "broken.json",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}\n",
    );
    assert_unusable(
        &run(&["check", "--product", "saas", "broken.json"], &dir),
        "broken.json:4:24: Statement[0]: invalid JSON: trailing comma",
    );
    write(&dir, "truncated.json", "{\"Statement\": [");
    assert_unusable(
        &run(
            &[
                "check",
                "--product",
                "saas",
                "truncated.json",
                "--format",
                "json",
            ],
            &dir,
        ),
        "truncated.json:1:15: Statement: invalid JSON: EOF while parsing a list",
    );
    std::fs::write(dir.join("binary.json"), b"{\"Id\": \"\xff\"}").unwrap();
    assert_unusable(
        &run(&["check", "--product", "saas", "binary.json"], &dir),
        "binary.json:1:9: the file is not UTF-8 text",
    );
}

#[test]
fn invalid_grammar_names_the_json_path() {
    let dir = scratch("grammar");
    write(
        &dir,
        "role.json",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},\n    {\"Effect\": \"allow\", \"Action\": \"*\", \"Resource\": \"*\"}\n  ]\n}\n",
    );
    assert_unusable(
        &run(&["check", "--product", "saas", "role.json"], &dir),
        r#"role.json:5:22: Statement[1].Effect: expected "Allow" or "Deny", found "allow""#,
    );
    // The boundary and SCPs are read as strictly.
    write(&dir, "ok.json", MARKETPLACE_STAR);
    write(
        &dir,
        "scp.json",
        r#"{"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"}]}"#,
    );
    let out = run(
        &["check", "--product", "saas", "ok.json", "--scp", "scp.json"],
        &dir,
    );
    assert_unusable(&out, "scp.json:1:");
    assert!(stderr(&out).contains("Statement[0]"), "{}", stderr(&out));
}

#[test]
fn other_unusable_input_exits_2() {
    let dir = scratch("unusable");
    write(&dir, "role.json", MARKETPLACE_STAR);
    assert_unusable(
        &run(&["check", "--product", "saas", "missing.json"], &dir),
        "error: could not read `missing.json`: ",
    );
    assert_unusable(
        &run(
            &[
                "check",
                "--product",
                "saas",
                "role.json",
                "--boundary",
                "nope.json",
            ],
            &dir,
        ),
        "error: could not read `nope.json`: ",
    );
    assert_unusable(
        &run(
            &[
                "check",
                "--product",
                "saas",
                "role.json",
                "--context",
                "SourceIp",
            ],
            &dir,
        ),
        "--context: `SourceIp` is not a context entry",
    );
    assert_unusable(
        &run(&["check", "--action", "MeterUsag", "role.json"], &dir),
        "did you mean `aws-marketplace:MeterUsage`?",
    );
    // Usage errors are unusable input too.
    let out = run(&["check", "role.json"], &dir);
    assert_eq!(code(&out), 2);
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "role.json",
            "--format",
            "yaml",
        ],
        &dir,
    );
    assert_eq!(code(&out), 2);
}

#[test]
fn actions_by_name_with_or_without_the_prefix() {
    let dir = scratch("actions");
    write(&dir, "role.json", SUBSCRIPTIONS_ONLY_RESOLVE);
    let out = run(
        &[
            "check",
            "--action",
            "resolvecustomer",
            "--action",
            "aws-marketplace:ResolveCustomer,ResolveCustomer",
            "role.json",
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = json(&out);
    let actions = report["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 3);
    assert!(
        actions
            .iter()
            .all(|a| a["action"] == "aws-marketplace:ResolveCustomer")
    );
}

#[test]
fn conditions_are_open_without_context_and_decided_with_it() {
    let dir = scratch("context");
    write(
        &dir,
        "role.json",
        r#"{"Version": "2012-10-17", "Statement": [
          {"Sid": "FromVpc", "Effect": "Allow", "Action": "aws-marketplace:MeterUsage", "Resource": "*",
           "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"},
                         "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}}]}"#,
    );
    let base = [
        "check",
        "--product",
        "ami/custom-metering",
        "role.json",
        "--format",
        "json",
    ];
    let out = run(&base, &dir);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    assert_eq!(report["actions"][0]["decision"], "conditional");
    let keys: Vec<&Value> = report["actions"][0]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["key"])
        .collect();
    assert_eq!(keys, ["aws:SourceVpc", "aws:TagKeys"]);

    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        run(&args, &dir)
    };
    // A multivalued key: every value must be allowed by ForAllValues.
    let out = with(&[
        "--context",
        "aws:SourceVpc=vpc-1",
        "--context",
        "aws:TagKeys=team",
        "--context",
        "aws:TagKeys=env",
    ]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let out = with(&[
        "--context",
        "aws:SourceVpc=vpc-1",
        "--context",
        "aws:TagKeys=team",
        "--context",
        "aws:TagKeys=cost-center",
    ]);
    assert_eq!(code(&out), 1);
    assert_eq!(json(&out)["actions"][0]["decision"], "implicit_deny");
}

#[test]
fn boundary_and_scp_take_part() {
    let dir = scratch("layers");
    write(&dir, "role.json", MARKETPLACE_STAR);
    write(
        &dir,
        "boundary.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "aws-marketplace:MeterUsage", "Resource": "*"}]}"#,
    );
    write(
        &dir,
        "scp.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "NoEntitlements", "Effect": "Deny", "Action": "aws-marketplace:GetEntitlements", "Resource": "*"}]}"#,
    );
    let out = run(
        &[
            "check",
            "--product",
            "saas/contracts",
            "role.json",
            "--boundary",
            "boundary.json",
            "--scp",
            "scp.json",
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(code(&out), 1);
    let report = json(&out);
    let resolve = &report["actions"][0];
    assert_eq!(resolve["decision"], "implicit_deny");
    assert_eq!(resolve["statements"][0]["kind"], "boundary");
    assert_eq!(resolve["statements"][0]["policy"], "boundary.json");
    let entitlements = &report["actions"][1];
    assert_eq!(entitlements["decision"], "explicit_deny");
    assert_eq!(entitlements["statements"][0]["kind"], "scp");
    assert_eq!(entitlements["statements"][0]["sid"], "NoEntitlements");
    // The boundary leaves only MeterUsage: that is the only over-grant.
    let over: Vec<&Value> = report["over_grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["action"])
        .collect();
    assert_eq!(over, ["aws-marketplace:MeterUsage"]);
}

#[test]
fn allow_not_action_is_a_warning() {
    let dir = scratch("notaction");
    write(
        &dir,
        "role.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Broad", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}"#,
    );
    let out = run(
        &["check", "--product", "ami", "role.json", "--format", "json"],
        &dir,
    );
    assert_eq!(code(&out), 0);
    let report = json(&out);
    assert_eq!(report["warnings"][0]["code"], "allow_not_action");
    assert_eq!(report["warnings"][0]["sid"], "Broad");
}

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

fn workspace_file(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn role_prints_a_deployable_role_with_every_parameter_filled_in() {
    let dir = scratch("role-json");
    let out = run(
        &[
            "role",
            "container/hourly-monthly",
            "--target",
            "eks",
            "--account-id",
            "111122223333",
            "--oidc-provider",
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
            "--namespace",
            "metering",
            "--service-account",
            "meter",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json(&out);
    let st = &v["trust_policy"]["Statement"][0];
    assert_eq!(st["Action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(
        st["Condition"]["StringEquals"]["oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"],
        "system:serviceaccount:metering:meter"
    );
    let published: Value = serde_json::from_str(&workspace_file(
        "docs/policies/container-hourly-monthly.json",
    ))
    .unwrap();
    assert_eq!(v["permissions_policy"], published);
    assert_eq!(v["instance_profile"], false);
}

#[test]
fn role_templates_are_the_published_ones_with_given_parameters_as_defaults() {
    let dir = scratch("role-templates");
    let out = run(
        &[
            "role",
            "ami",
            "--target",
            "ec2",
            "--format",
            "cloudformation",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        workspace_file("docs/cloudformation/ami-ec2.json")
    );
    let out = run(
        &[
            "role",
            "saas/subscriptions",
            "--target",
            "cross-account",
            "--format",
            "terraform",
        ],
        &dir,
    );
    assert_eq!(
        stdout(&out),
        workspace_file("docs/terraform/saas-subscriptions-cross-account.tf.json")
    );
    let out = run(
        &[
            "role",
            "saas",
            "--target",
            "cross-account",
            "--format",
            "cloudformation",
            "--external-id",
            "tenant-42",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        json(&out)["Parameters"]["ExternalId"]["Default"],
        "tenant-42"
    );
}

#[test]
fn role_refuses_what_would_not_work() {
    let dir = scratch("role-errors");
    assert_unusable(
        &run(
            &[
                "role",
                "saas",
                "--target",
                "cross-account",
                "--trusted-role-arn",
                "arn:aws:iam::444455556666:role/app",
            ],
            &dir,
        ),
        "the cross-account trust policy needs --external-id",
    );
    assert_unusable(
        &run(&["role", "ami", "--target", "ecs"], &dir),
        "the ecs target does not run AMI products",
    );
    assert_unusable(
        &run(
            &[
                "role",
                "saas",
                "--target",
                "cross-account",
                "--trusted-role-arn",
                "arn:aws:iam::444455556666:role/app",
                "--external-id",
                "x",
            ],
            &dir,
        ),
        "error: ExternalId must be 2 to 1224 characters long, got 1",
    );
    assert_unusable(
        &run(&["role", "saas", "--target", "moon"], &dir),
        "invalid value 'moon' for '--target <TARGET>'",
    );
    assert_unusable(
        &run(
            &["role", "ami", "--target", "ec2", "--namespace", "x"],
            &dir,
        ),
        "--namespace does not apply to the ec2 target",
    );
    assert_unusable(
        &run(&["role", "ami/hourly-annual", "--target", "ec2"], &dir),
        "needs no role",
    );
}

/// Every product type, pricing model and target of the `marketplace-iam` crate's data, by id.
fn every_value() -> Vec<&'static str> {
    let mut ids: Vec<&str> = marketplace_iam::ProductType::ALL
        .iter()
        .map(|p| p.id())
        .collect();
    ids.extend(marketplace_iam::PricingModel::ALL.iter().map(|m| m.id()));
    ids.extend(
        marketplace_iam::DeploymentTarget::ALL
            .iter()
            .map(|t| t.id()),
    );
    ids
}

#[test]
fn completions_complete_every_product_model_and_target() {
    let dir = scratch("completions");
    let bash = run(&["completions", "bash"], &dir);
    assert_eq!(code(&bash), 0, "{}", stderr(&bash));
    let script = stdout(&bash);
    assert!(script.contains("saas/subscriptions"), "{script}");
    assert!(script.contains("cross-account"), "{script}");
    assert!(script.contains("complete -F"), "{script}");
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&run(&["completions", shell], &dir));
        for value in every_value() {
            assert!(script.contains(value), "{shell}: {value} missing");
        }
        for word in ["policy", "check", "role", "completions", "target", "gaad"] {
            assert!(script.contains(word), "{shell}: {word} missing");
        }
    }
    // clap_complete's PowerShell and Elvish scripts complete subcommands and options (not values).
    for shell in ["powershell", "elvish"] {
        let out = run(&["completions", shell], &dir);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let script = stdout(&out);
        for word in ["check", "role", "completions", "--target", "--gaad"] {
            assert!(script.contains(word), "{shell}: {word} missing");
        }
    }
    assert_unusable(
        &run(&["completions", "ksh"], &dir),
        "invalid value 'ksh' for '<SHELL>'",
    );
}

#[test]
fn io_errors_name_the_file_and_what_happened() {
    let dir = scratch("io-errors");
    write(&dir, "role.json", MARKETPLACE_STAR);
    let out = run(&["check", "--product", "saas", "missing.json"], &dir);
    assert_unusable(&out, "error: could not read `missing.json`: ");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    // The operating system's words, whatever the platform calls them.
    let os = std::fs::read(dir.join("missing.json"))
        .unwrap_err()
        .to_string();
    assert!(err.contains(&os), "{err}");
    for (args, file) in [
        (
            vec![
                "check",
                "--product",
                "saas",
                "role.json",
                "--scp",
                "scp.json",
            ],
            "scp.json",
        ),
        (
            vec!["check", "--product", "saas", "--gaad", "account.json"],
            "account.json",
        ),
        (vec!["check", "--product", "saas", "."], "."),
    ] {
        assert_unusable(
            &run(&args, &dir),
            &format!("error: could not read `{file}`: "),
        );
    }
}

#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    let dir = scratch("closed-stdout");
    for args in [
        &["completions", "bash"][..],
        &["policy", "saas"],
        &["check", "--help"],
        &[
            "role",
            "saas",
            "--target",
            "cross-account",
            "--format",
            "cloudformation",
        ],
    ] {
        let mut child = Command::new(BIN)
            .args(args)
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before (or while) the command writes, as `| head -1` does.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
        assert_eq!(code(&out), 0, "{args:?}");
    }
}

#[test]
fn dash_reads_a_policy_from_stdin_once() {
    let dir = scratch("stdin");
    let out = run_with_stdin(
        &[
            "check",
            "--product",
            "saas/subscriptions",
            "-",
            "--format",
            "json",
        ],
        &dir,
        SUBSCRIPTIONS_ONLY_RESOLVE,
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["actions"][0]["decision"], "allow");
    assert_eq!(report["actions"][0]["statements"][0]["policy"], "<stdin>");

    // The boundary and an SCP may come from standard input too.
    write(&dir, "role.json", MARKETPLACE_STAR);
    let out = run_with_stdin(
        &[
            "check",
            "--product",
            "saas",
            "role.json",
            "--boundary",
            "-",
            "--format",
            "json",
        ],
        &dir,
        SUBSCRIPTIONS_ONLY_RESOLVE,
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["actions"][1]["statements"][0]["kind"], "boundary");
    assert_eq!(report["actions"][1]["statements"][0]["policy"], "<stdin>");
    let out = run_with_stdin(
        &["check", "--product", "saas", "role.json", "--scp", "-"],
        &dir,
        MARKETPLACE_STAR,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // Located as `<stdin>:line:col`.
    assert_unusable(
        &run_with_stdin(
            &["check", "--product", "saas", "-"],
            &dir,
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}\n",
        ),
        "error: <stdin>:4:24: Statement[0]: invalid JSON: trailing comma",
    );

    // Read once only: a second `-` is refused before anything is read.
    assert_unusable(
        &run_with_stdin(
            &["check", "--product", "saas", "-", "--scp", "-"],
            &dir,
            MARKETPLACE_STAR,
        ),
        "`-` (standard input) is given 2 times (POLICY.json, --scp), but standard input can be read only once",
    );
    assert_unusable(
        &run_with_stdin(
            &["check", "--product", "saas", "-", "-"],
            &dir,
            MARKETPLACE_STAR,
        ),
        "`-` (standard input) is given 2 times (POLICY.json, POLICY.json)",
    );

    // An authorization-details export from standard input.
    let export = std::fs::read_to_string(fixtures().join("gaad.json")).unwrap();
    let out = run_with_stdin(
        &[
            "check",
            "--product",
            "saas",
            "--gaad",
            "-",
            "--format",
            "json",
        ],
        &dir,
        &export,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["verdict"], "allowed");
    assert_unusable(
        &run_with_stdin(
            &["check", "--product", "saas", "--gaad", "-"],
            &dir,
            "{\"RoleDetailList\": [",
        ),
        "<stdin>:1:",
    );
}

#[test]
fn list_prints_what_the_command_knows() {
    let dir = scratch("list");
    let out = run(&["list"], &dir);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    for value in every_value() {
        assert!(text.contains(value), "{value} in\n{text}");
    }
    for heading in [
        "Product types",
        "Pricing models",
        "Actions",
        "Deployment targets",
    ] {
        assert!(text.contains(heading), "{heading} in\n{text}");
    }
    assert!(
        text.contains("saas/subscriptions               SaaS Subscriptions: ResolveCustomer, BatchMeterUsage\n"),
        "{text}"
    );
    assert!(
        text.contains("ami/hourly-annual                AMI Hourly or annual: no policy ("),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("  aws-marketplace:GetEntitlements  Read ")),
        "{text}"
    );
    assert!(
        text.contains(
            "parameters: TrustedRoleArn (--trusted-role-arn), ExternalId (--external-id)"
        ),
        "{text}"
    );
    assert!(text.contains("products: ami; parameters: none"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour on a pipe");

    let out = run(&["list", "--format", "json"], &dir);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("{\n  \"product_types\": ["),
        "the documented key order"
    );
    let v = json(&out);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["actions", "pricing_models", "product_types", "targets"]
    );

    let products = v["product_types"].as_array().unwrap();
    assert_eq!(products.len(), marketplace_iam::ProductType::ALL.len());
    assert_eq!(products[0]["id"], "saas");
    assert_eq!(products[0]["name"], "SaaS");
    assert_eq!(
        products[0]["actions"],
        serde_json::json!([
            "aws-marketplace:ResolveCustomer",
            "aws-marketplace:BatchMeterUsage",
            "aws-marketplace:GetEntitlements"
        ])
    );
    assert_eq!(products[0]["pricing_models"][0], "saas/subscriptions");

    let models = v["pricing_models"].as_array().unwrap();
    assert_eq!(models.len(), marketplace_iam::PricingModel::ALL.len());
    let hourly = models
        .iter()
        .find(|m| m["id"] == "ami/hourly-annual")
        .unwrap();
    assert_eq!(hourly["product"], "ami");
    assert_eq!(hourly["actions"], serde_json::json!([]));
    assert!(hourly["no_policy"].is_string());
    let custom = models
        .iter()
        .find(|m| m["id"] == "ami/custom-metering")
        .unwrap();
    assert_eq!(
        custom["actions"],
        serde_json::json!(["aws-marketplace:MeterUsage"])
    );
    assert!(custom["no_policy"].is_null());

    let actions = v["actions"].as_array().unwrap();
    assert_eq!(actions.len(), marketplace_iam::Action::ALL.len());
    let meter = actions
        .iter()
        .find(|a| a["name"] == "aws-marketplace:MeterUsage")
        .unwrap();
    assert_eq!(meter["access_level"], "Write");
    assert!(!meter["purpose"].as_str().unwrap().is_empty());

    let targets = v["targets"].as_array().unwrap();
    assert_eq!(targets.len(), marketplace_iam::DeploymentTarget::ALL.len());
    let eks = targets.iter().find(|t| t["id"] == "eks").unwrap();
    assert_eq!(eks["products"], serde_json::json!(["container"]));
    assert_eq!(eks["instance_profile"], false);
    assert!(!eks["signer"].as_str().unwrap().is_empty());
    assert_eq!(
        eks["parameters"][1],
        serde_json::json!({"name": "OidcProvider", "option": "--oidc-provider"})
    );
    let ec2 = targets.iter().find(|t| t["id"] == "ec2").unwrap();
    assert_eq!(ec2["parameters"], serde_json::json!([]));
    assert_eq!(ec2["instance_profile"], true);
}

#[test]
fn role_json_keeps_the_published_key_order() {
    let dir = scratch("role-order");
    let out = run(
        &[
            "role",
            "saas/subscriptions",
            "--target",
            "cross-account",
            "--trusted-role-arn",
            "arn:aws:iam::444455556666:role/app",
            "--external-id",
            "tenant-42",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "{\n    \"policy\": \"saas/subscriptions\",\n    \"target\": \"cross-account\",\n"
        ),
        "{text}"
    );
    // The permissions policy is the published text, key order and all, one level in.
    let published = workspace_file("docs/policies/saas-subscriptions.json");
    let embedded = format!(
        "    \"permissions_policy\": {}\n}}\n",
        published.trim_end().replace('\n', "\n    ")
    );
    assert!(text.ends_with(&embedded), "{text}");
    // So is the trust policy, with the parameters filled in.
    let trust = workspace_file("docs/trust-policies/cross-account.json")
        .replace("${TrustedRoleArn}", "arn:aws:iam::444455556666:role/app")
        .replace("${ExternalId}", "tenant-42");
    let embedded = format!(
        "    \"trust_policy\": {},\n",
        trust.trim_end().replace('\n', "\n    ")
    );
    assert!(text.contains(&embedded), "{text}");
    let version = text.find("\"Version\"").unwrap();
    let statement = text.find("\"Statement\"").unwrap();
    assert!(version < statement, "Version first: {text}");
    // Still one JSON object.
    let v = json(&out);
    assert_eq!(v["permissions_policy"]["Version"], "2012-10-17");
}

#[test]
fn role_parameters_are_checked_by_the_role_builder() {
    let dir = scratch("role-builder");
    let eks = |account: &str, provider: &str| {
        run(
            &[
                "role",
                "container",
                "--target",
                "eks",
                "--account-id",
                account,
                "--oidc-provider",
                provider,
                "--namespace",
                "metering",
                "--service-account",
                "meter",
            ],
            &dir,
        )
    };
    // The library's messages, as its RoleBuilder reports them.
    assert_unusable(
        &eks("12345", "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"),
        "error: AccountId must be exactly 12 digits, got 5 characters",
    );
    assert_unusable(
        &eks(
            "111122223333",
            "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE",
        ),
        "error: OidcProvider is written without https://",
    );
    assert_eq!(
        code(&eks(
            "111122223333",
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
        )),
        0
    );
    // Missing parameters are named by their options.
    assert_unusable(
        &run(&["role", "container", "--target", "eks"], &dir),
        "the eks trust policy needs --account-id, --oidc-provider, --namespace, --service-account",
    );
    assert_unusable(
        &run(
            &[
                "role",
                "container",
                "--target",
                "ecs",
                "--account-id",
                "111122223333",
                "--external-id",
                "tenant-42",
            ],
            &dir,
        ),
        "--external-id does not apply to the ecs target; it takes --account-id",
    );
    // A template's defaults are checked before they are written into it.
    assert_unusable(
        &run(
            &[
                "role",
                "saas",
                "--target",
                "cross-account",
                "--format",
                "cloudformation",
                "--external-id",
                "x",
            ],
            &dir,
        ),
        "--external-id: ExternalId must be 2 to 1224 characters long, got 1",
    );
    assert_unusable(
        &run(
            &[
                "role",
                "ami",
                "--target",
                "ec2",
                "--format",
                "terraform",
                "--namespace",
                "metering",
            ],
            &dir,
        ),
        "--namespace is not an input of this template",
    );
}
