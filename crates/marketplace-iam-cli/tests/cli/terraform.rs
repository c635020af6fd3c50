//! `check --terraform`: one verdict per role of a plan, findings at the plan's line and column with the Terraform
//! address, values known only after apply conditional and named, and unusable plans refused with their position.

use super::*;

fn tf_fixture(name: &str) -> String {
    fixtures()
        .join("terraform")
        .join(name)
        .display()
        .to_string()
}

/// Runs `check --terraform <plan> --format json` with `args` in `dir`.
fn check_json(dir: &Path, plan: &str, args: &[&str]) -> Output {
    let mut all = vec!["check", "--terraform", plan, "--format", "json"];
    all.extend_from_slice(args);
    run(&all, dir)
}

/// The role at `address` of a `--format json` outcome.
fn role<'a>(outcome: &'a Value, address: &str) -> &'a Value {
    outcome["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("no role {address} in {outcome:#}"))
}

/// The decision on `action` in a role's report.
fn decision(role: &Value, action: &str) -> String {
    role["report"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == action)
        .map(|a| a["decision"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no {action} in {role:#}"))
}

/// All the messages of a role's findings with `code`.
fn messages(role: &Value, code: &str) -> String {
    role["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| f["message"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn inline_separate_attached_managed_and_module_policies_get_a_verdict_per_role() {
    let dir = scratch("tf-shapes");
    let out = check_json(&dir, &tf_fixture("metering.json"), &["--product", "saas"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let outcome = json(&out);
    assert_eq!(outcome["verdict"], "not_allowed");
    assert!(outcome["plan"].as_str().unwrap().ends_with("metering.json"));
    assert_eq!(outcome["roles"].as_array().unwrap().len(), 3);

    // inline_policy (jsonencode), managed_policy_arns (AWS managed), aws_iam_policy attached by an
    // aws_iam_role_policy_attachment whose role and ARN are known only after apply (linked by its references).
    let metering = role(&outcome, "aws_iam_role.metering");
    assert_eq!(metering["verdict"], "allowed", "{metering:#}");
    assert_eq!(
        (metering["line"].as_u64(), metering["column"].as_u64()),
        (Some(24), Some(9))
    );
    // A cross-account trust without ExternalId, on the trust policy's string in the plan.
    assert_eq!(
        located(metering, "cross_account_trust_without_external_id"),
        vec![(
            32,
            35,
            "aws_iam_role.metering.assume_role_policy.Statement[0].Principal".to_owned()
        )]
    );
    assert_eq!(
        metering["findings"].as_array().unwrap().len(),
        1,
        "{metering:#}"
    );

    // aws_iam_role_policy naming the role by its known name: only ResolveCustomer.
    let reader = role(&outcome, "aws_iam_role.reader");
    assert_eq!(reader["verdict"], "not_allowed");
    assert_eq!(decision(reader, "aws-marketplace:ResolveCustomer"), "allow");
    assert_eq!(
        located(reader, "implicit_deny"),
        vec![(52, 9, "aws_iam_role.reader".to_owned()); 2]
    );

    // A role of a child module, its policy rendered by an aws_iam_policy_document read at plan time.
    let module = role(&outcome, "module.meter.aws_iam_role.this");
    assert_eq!(module["verdict"], "allowed", "{module:#}");
    assert_eq!(
        module["findings"].as_array().unwrap().len(),
        0,
        "{module:#}"
    );
    // Checked for another action, its grants are over-grants located at the data source's statement block.
    let out = check_json(
        &dir,
        &tf_fixture("metering.json"),
        &[
            "--action",
            "MeterUsage",
            "--role",
            "module.meter.aws_iam_role.this",
        ],
    );
    let module = role(&json(&out), "module.meter.aws_iam_role.this").clone();
    assert_eq!(
        located(&module, "over_grant"),
        vec![(
            388,
            21,
            "module.meter.data.aws_iam_policy_document.this.Statement[0]".to_owned()
        )]
    );
}

#[test]
fn values_known_only_after_apply_are_conditional_named_and_never_allowed() {
    let dir = scratch("tf-unknown");
    let plan = tf_fixture("unknown.json");
    let out = check_json(&dir, &plan, &["--product", "saas"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let outcome = json(&out);

    let app = role(&outcome, "aws_iam_role.app");
    assert_eq!(app["verdict"], "not_allowed");
    // The inline policy's jsonencode waits for a queue's ARN: the whole document is conditional, named.
    let unresolved = messages(app, "unresolved");
    assert!(unresolved.contains("`aws_iam_role.app.inline_policy[0].policy`, known only after apply (built from `aws_sqs_queue.usage.arn`)"), "{unresolved}");
    assert!(
        located(app, "unresolved")
            .iter()
            .any(|(l, c, p)| (*l, *c) == (25, 15)
                && p.starts_with("aws_iam_role.app.inline_policy[0].policy.Statement[0]")),
        "{app:#}"
    );
    // The aws_iam_policy_document whose second statement's resources wait for a table: that statement only.
    assert_eq!(decision(app, "aws-marketplace:ResolveCustomer"), "allow");
    assert_eq!(
        decision(app, "aws-marketplace:BatchMeterUsage"),
        "conditional"
    );
    assert!(
        located(app, "unresolved").contains(&(
            112,
            15,
            "data.aws_iam_policy_document.meter.Statement[1].Resource".to_owned()
        )),
        "{app:#}"
    );
    assert!(unresolved.contains("`data.aws_iam_policy_document.meter.statement[1].resources`, known only after apply (built from `aws_dynamodb_table.usage.arn`)"), "{unresolved}");
    // Trusting its own account (read by aws_caller_identity) is no finding.
    assert!(located(app, "cross_account_trust_without_external_id").is_empty());

    // An attachment whose role comes from a variable: no role is guessed, every role hears of it.
    for r in outcome["roles"].as_array().unwrap() {
        assert_eq!(
            located(r, "unlinked_policy"),
            vec![(
                70,
                9,
                "aws_iam_role_policy_attachment.extra.role".to_owned()
            )],
            "{r:#}"
        );
    }

    // A permissions boundary known only after apply: what the identity policy allows is conditional.
    let out = check_json(
        &dir,
        &plan,
        &["--action", "MeterUsage", "--role", "aws_iam_role.bounded"],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let bounded = role(&json(&out), "aws_iam_role.bounded").clone();
    assert_eq!(
        decision(&bounded, "aws-marketplace:MeterUsage"),
        "conditional"
    );
    assert_eq!(
        located(&bounded, "unknown_managed_policy"),
        vec![(
            47,
            37,
            "aws_iam_role.bounded.permissions_boundary".to_owned()
        )]
    );
    assert!(messages(&bounded, "unknown_managed_policy").contains("`var.boundary_arn`"));
}

#[test]
fn role_picks_one_role_text_names_file_line_column_and_jsonl_is_one_line_per_role() {
    let dir = scratch("tf-role");
    let plan = tf_fixture("metering.json");
    let with = |args: &[&str]| {
        let mut all = vec!["check", "--terraform", &plan, "--product", "saas"];
        all.extend_from_slice(args);
        run(&all, &dir)
    };
    let out = with(&["--role", "module.meter.aws_iam_role.this"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("== role module.meter.aws_iam_role.this (")
            && text.contains("metering.json:101:13) for saas =="),
        "{text}"
    );
    let out = with(&["--role", "aws_iam_role.nope"]);
    assert_unusable(
        &out,
        "plans no aws_iam_role `aws_iam_role.nope` (its roles: aws_iam_role.metering, aws_iam_role.reader, module.meter.aws_iam_role.this)",
    );
    let out = with(&["--format", "jsonl"]);
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["address"], "aws_iam_role.metering");
    // A plan Terraform 1.11.4 wrote (terraform_data only): read, and no role is checked.
    let out = run(
        &[
            "check",
            "--terraform",
            &tf_fixture("terraform-data-1.11.4.json"),
            "--product",
            "saas",
        ],
        &dir,
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("plans no aws_iam_role"),
        "{}",
        stdout(&out)
    );
}

/// A plan of one role whose inline policy is `policy` (a JSON value).
fn one_role(format_version: &str, policy: &str) -> String {
    format!(
        r#"{{"format_version": "{format_version}", "planned_values": {{"root_module": {{"resources": [
  {{"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
   "values": {{"name": "r", "inline_policy": [{{"name": "p",
     "policy": {policy}}}]}}}}]}}}}}}
"#
    )
}

#[test]
fn unusable_plans_exit_2_with_the_position_and_what_to_do() {
    let dir = scratch("tf-bad");
    let cases = [
        ("text.json", "resource \"aws_iam_role\" \"r\" {}\n".to_owned(), "text.json:1:1: not JSON"),
        ("policy.json", MARKETPLACE_STAR.to_owned(), "policy.json:1:1: not a Terraform plan: no `format_version`"),
        ("list.json", "[1]".to_owned(), "list.json:1:1: not a Terraform plan"),
        ("v2.json", one_role("2.0", "\"{}\""), "v2.json:1:20: plan format_version `2.0` is not supported: this reads format 1.x"),
        ("state.json", r#"{"format_version": "1.0", "values": {}}"#.to_owned(), "state.json:1:1: not a Terraform plan: no `planned_values`"),
        ("number.json", one_role("1.2", "42"), "number.json:4:16: aws_iam_role.r.inline_policy[0].policy is neither a policy document nor a string of one"),
        ("string.json", one_role("1.2", "\"Allow everything\""), "string.json:4:16: aws_iam_role.r.inline_policy[0].policy is a string that is not a JSON policy document"),
        ("nottype.json", r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"address": "x"}]}}}"#.to_owned(), "nottype.json:1:76: a resource of the plan has no `address` or `type`"),
    ];
    for (name, text, expected) in cases {
        write(&dir, name, &text);
        let out = run(&["check", "--terraform", name, "--product", "saas"], &dir);
        assert_unusable(&out, expected);
    }
    let out = run_with_stdin(
        &["check", "--product", "saas", "--terraform", "-"],
        &dir,
        "",
    );
    assert_unusable(&out, "<stdin>:1:1: not JSON");
    // Standard input, and a policy written as an object rather than a string of one.
    let policy = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"}}"#;
    let out = run_with_stdin(
        &[
            "check",
            "--product",
            "saas",
            "--terraform",
            "-",
            "--format",
            "json",
        ],
        &dir,
        &one_role("1.0", policy),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["plan"], "<stdin>");
}

#[test]
fn a_for_each_instance_is_linked_only_when_the_reference_names_it() {
    let dir = scratch("tf-for-each");
    let out = check_json(&dir, &tf_fixture("for-each.json"), &["--product", "saas"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let outcome = json(&out);
    // `role = aws_iam_role.multi["a"].id`: that instance.
    let a = role(&outcome, "aws_iam_role.multi[\"a\"]");
    assert_eq!(a["verdict"], "allowed", "{a:#}");
    // `role = aws_iam_role.multi[each.key].id`: either instance; not guessed, said on every role.
    let b = role(&outcome, "aws_iam_role.multi[\"b\"]");
    assert_eq!(b["verdict"], "not_allowed");
    for r in [a, b] {
        assert_eq!(
            located(r, "unlinked_policy"),
            vec![
                (61, 9, "aws_iam_role_policy.each[\"a\"].role".to_owned()),
                (76, 9, "aws_iam_role_policy.each[\"b\"].role".to_owned())
            ]
        );
        assert!(
            messages(r, "unlinked_policy").contains(
                "may name any of `aws_iam_role.multi[\"a\"]`, `aws_iam_role.multi[\"b\"]`"
            )
        );
    }
}
