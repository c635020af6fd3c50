//! `check` on policy files: decisions, reports, unusable input, standard input.

use super::*;

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
        &["completions", "powershell"],
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
            .env_remove("COMPLETE")
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
fn contract_pricing_is_checked_by_action_ids_and_the_statement_to_add_names_license_arns() {
    let dir = scratch("contracts");
    // AWS's managed policy AWSLicenseManagerConsumptionPolicy, as AWS prints it (one statement object).
    write(
        &dir,
        "managed.json",
        r#"{ "Version" : "2012-10-17", "Statement" : { "Effect" : "Allow", "Action" : [
            "license-manager:CheckoutLicense", "license-manager:CheckInLicense",
            "license-manager:ExtendLicenseConsumption", "license-manager:GetLicense" ], "Resource" : "*" } }"#,
    );
    let out = run(
        &["check", "--product", "container/contracts", "managed.json"],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    // Action ids of policies.toml resolve to their prefix.
    let out = run(
        &[
            "check",
            "--action",
            "CheckoutLicense,GetLicense",
            "managed.json",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));

    // A metering role lacks them all; GetLicense is to be added on license ARNs.
    write(
        &dir,
        "metering.json",
        &workspace_file("docs/policies/container-hourly-monthly.json"),
    );
    let out = run(
        &[
            "check",
            "--product",
            "ami/contracts",
            "metering.json",
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(code(&out), 1);
    let report = json(&out);
    let get = report["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "license-manager:GetLicense")
        .unwrap();
    assert_eq!(get["decision"], "implicit_deny");
    assert_eq!(
        get["statements"][0]["add"]["Resource"],
        "arn:aws:license-manager::*:license:*"
    );
}

#[test]
fn a_statement_without_resource_is_refused_where_iam_refuses_it() {
    let dir = scratch("no-resource");
    let doc = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"aws-marketplace:*\", \"Resource\": \"*\"},\n    {\"Effect\": \"Deny\", \"Action\": \"aws-marketplace:StartChangeSet\"}\n  ]\n}\n";
    write(&dir, "role.json", doc);
    write(
        &dir,
        "ok.json",
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"}}"#,
    );

    // An identity policy and a permissions boundary: exit 2, located at the statement.
    let out = run(&["check", "--product", "saas", "role.json"], &dir);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("role.json:5:5: Statement[1]: the statement has neither `Resource` nor `NotResource`, which IAM refuses in an identity policy"),
        "{err}"
    );
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "ok.json",
            "--boundary",
            "role.json",
        ],
        &dir,
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("which IAM refuses in a permissions boundary"),
        "{}",
        stderr(&out)
    );

    // An SCP: read, with the warning, and the statement applies to every resource.
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "ok.json",
            "--scp",
            "role.json",
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = json(&out);
    let warning = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "missing_resource")
        .expect("the missing_resource warning");
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("which AWS Organizations' SCP syntax does not list as required"),
        "{warning}"
    );
    assert!(
        !report["over_grants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["action"] == "aws-marketplace:StartChangeSet"),
        "the SCP's Deny applies to every resource"
    );
}

#[test]
fn an_action_granted_on_some_resources_only_is_conditional_until_resource_names_one() {
    let dir = scratch("some-resources");
    write(
        &dir,
        "role.json",
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["license-manager:CheckoutLicense", "license-manager:ExtendLicenseConsumption",
                                           "license-manager:CheckInLicense"], "Resource": "*"},
            {"Effect": "Allow", "Action": "license-manager:GetLicense",
             "Resource": "arn:aws:license-manager::294406891311:license:*"}]}"#,
    );
    let base = [
        "check",
        "--product",
        "ami/contracts",
        "role.json",
        "--format",
        "json",
    ];
    let out = run(&base, &dir);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    let get = &report["actions"][3];
    assert_eq!(get["action"], "license-manager:GetLicense");
    assert_eq!(get["decision"], "conditional");
    assert_eq!(
        get["resources"],
        serde_json::json!(["arn:aws:license-manager::294406891311:license:*"])
    );
    // The other actions have no `resources` key.
    assert!(report["actions"][0].get("resources").is_none());

    let on = |arn: &str| {
        let mut args = base.to_vec();
        args.extend(["--resource", arn]);
        let out = run(&args, &dir);
        (code(&out), json(&out))
    };
    let (code_ours, ours) = on("arn:aws:license-manager::294406891311:license:l-0123456789abcdef0");
    assert_eq!(code_ours, 0, "{ours:#}");
    assert_eq!(ours["actions"][3]["decision"], "allow");
    let (code_theirs, theirs) =
        on("arn:aws:license-manager::444455556666:license:l-0123456789abcdef0");
    assert_eq!(code_theirs, 1);
    assert_eq!(theirs["actions"][3]["decision"], "implicit_deny");

    let out = run(
        &[
            "check",
            "--product",
            "ami/contracts",
            "role.json",
            "--resource",
            "license-l-1",
        ],
        &dir,
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("not the ARN of one resource"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_deny_list_scp_is_evaluated_beside_full_aws_access_and_said_so() {
    let dir = scratch("deny-list-scp");
    write(
        &dir,
        "role.json",
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "aws-marketplace:MeterUsage",
            "Resource": "*"}}"#,
    );
    write(
        &dir,
        "deny-ec2.json",
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}}"#,
    );
    write(
        &dir,
        "deny-marketplace.json",
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "aws-marketplace:*", "Resource": "*"}}"#,
    );
    write(
        &dir,
        "allow-ec2.json",
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}"#,
    );
    let decide = |scp: &str| {
        let out = run(
            &[
                "check",
                "--action",
                "MeterUsage",
                "role.json",
                "--scp",
                scp,
                "--format",
                "json",
            ],
            &dir,
        );
        (json(&out)["actions"][0]["decision"].clone(), stderr(&out))
    };
    // A deny list that does not name the call: FullAWSAccess, attached by default, allows it; said on stderr.
    let (decision, err) = decide("deny-ec2.json");
    assert_eq!(decision, "allow");
    assert!(
        err.contains(
            "deny-ec2.json: only Deny statements: evaluated as attached beside FullAWSAccess"
        ),
        "{err}"
    );
    // A deny list naming it denies it.
    assert_eq!(decide("deny-marketplace.json").0, "explicit_deny");
    // An allow list without the call: not allowed at that level, and nothing said.
    let (decision, err) = decide("allow-ec2.json");
    assert_eq!(decision, "implicit_deny");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn a_notification_consumer_is_decided_on_its_queue_and_sqs_star_is_an_over_grant() {
    let dir = scratch("notification-consumer");
    let policies = marketplace_iam_model::load(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies.toml"),
    )
    .unwrap();
    let sns = policies.notification("sns").unwrap();
    let consumer = marketplace_iam_model::Parameter::fill(
        &sns.consumer_policy(&policies, false),
        &[
            (marketplace_iam_model::Parameter::AccountId, "111122223333"),
            (marketplace_iam_model::Parameter::QueueName, "notifications"),
        ],
    )
    .unwrap();
    write(&dir, "consumer.json", &consumer);
    let base = [
        "check",
        "consumer.json",
        "--action",
        "ReceiveMessage",
        "--action",
        "DeleteMessage",
        "--action",
        "GetQueueAttributes",
        "--format",
        "json",
    ];
    // Without a resource: allowed on some resources, reported as such, never as a plain allow.
    let out = run(&base, &dir);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    for a in report["actions"].as_array().unwrap() {
        assert_eq!(a["decision"], "conditional", "{a:#}");
        assert_eq!(
            a["resources"],
            serde_json::json!(["arn:aws:sqs:us-east-1:111122223333:notifications"])
        );
    }
    let on = |arn: &str| {
        let mut args = base.to_vec();
        args.extend(["--resource", arn]);
        let out = run(&args, &dir);
        (code(&out), json(&out))
    };
    let (ok, ours) = on("arn:aws:sqs:us-east-1:111122223333:notifications");
    assert_eq!(ok, 0, "{ours:#}");
    assert!(
        ours["actions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["decision"] == "allow")
    );
    let other = "arn:aws:sqs:us-east-1:111122223333:other-queue";
    let (denied, theirs) = on(other);
    assert_eq!(denied, 1);
    let receive = &theirs["actions"][0];
    assert_eq!(receive["decision"], "implicit_deny");
    // The statement to add is an Allow on the queue asked about.
    assert_eq!(
        receive["statements"][0]["add"]["Resource"], other,
        "{receive:#}"
    );

    write(
        &dir,
        "star.json",
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["aws-marketplace:ResolveCustomer", "aws-marketplace:BatchMeterUsage",
                "aws-marketplace:GetEntitlements"], "Resource": "*"},
            {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}"#,
    );
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "star.json",
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let over: Vec<String> = json(&out)["over_grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["action"].as_str().unwrap().to_owned())
        .collect();
    assert!(over.contains(&"sqs:DeleteQueue".to_owned()), "{over:?}");
    assert!(
        over.contains(&"sqs:SetQueueAttributes".to_owned()),
        "{over:?}"
    );
    assert_eq!(over.len(), 20, "every sqs action of the catalog: {over:?}");

    // A resource no required action acts on decides nothing: refused, naming what the actions act on.
    let mut args = base.to_vec();
    args.extend([
        "--resource",
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ]);
    let out = run(&args, &dir);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains(
            "not a resource any required action acts on: sqs:ReceiveMessage acts on queue \
             (arn:${Partition}:sqs:${Region}:${Account}:${QueueName})"
        ),
        "{}",
        stderr(&out)
    );
    let out = run(
        &[
            "check",
            "star.json",
            "--product",
            "saas",
            "--resource",
            "arn:aws:sqs:us-east-1:111122223333:q",
        ],
        &dir,
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("none of the required actions has a resource type"),
        "{}",
        stderr(&out)
    );
    // Beside the queue's actions, an action of another resource type stays decided on some resources, not denied
    // on a resource it never acts on.
    let encrypted = marketplace_iam_model::Parameter::fill(
        &sns.consumer_policy(&policies, true),
        &[
            (marketplace_iam_model::Parameter::AccountId, "111122223333"),
            (marketplace_iam_model::Parameter::QueueName, "notifications"),
            (
                marketplace_iam_model::Parameter::KeyId,
                "1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
        ],
    )
    .unwrap();
    write(&dir, "encrypted.json", &encrypted);
    let out = run(
        &[
            "check",
            "encrypted.json",
            "--action",
            "ReceiveMessage",
            "--action",
            "kms:Decrypt",
            "--resource",
            "arn:aws:sqs:us-east-1:111122223333:notifications",
            "--format",
            "json",
        ],
        &dir,
    );
    let report = json(&out);
    assert_eq!(report["actions"][0]["decision"], "allow");
    assert_eq!(report["actions"][1]["action"], "kms:Decrypt");
    assert_eq!(
        report["actions"][1]["decision"], "conditional",
        "{report:#}"
    );
    assert_eq!(
        report["actions"][1]["resources"],
        serde_json::json!([
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        ])
    );
}
