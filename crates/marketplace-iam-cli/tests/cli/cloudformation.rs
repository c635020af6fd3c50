//! `check --cloudformation`: one verdict per role, findings on the template line a person edits, unusable
//! templates refused with their position, and the published templates allowed for their product.

use super::*;

fn cfn_fixture(name: &str) -> String {
    fixtures()
        .join("cloudformation")
        .join(name)
        .display()
        .to_string()
}

/// Runs `check --cloudformation <template> --format json` with `args` in `dir`.
fn check_json(dir: &Path, template: &str, args: &[&str]) -> Output {
    let mut all = vec!["check", "--cloudformation", template, "--format", "json"];
    all.extend_from_slice(args);
    run(&all, dir)
}

/// The role `id` of a `--format json` outcome.
fn role<'a>(outcome: &'a Value, id: &str) -> &'a Value {
    outcome["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["logical_id"] == id)
        .unwrap_or_else(|| panic!("no role {id} in {outcome:#}"))
}

#[test]
fn yaml_short_tags_conditions_and_separate_policies_get_a_verdict_per_role() {
    let dir = scratch("cfn-yaml");
    let template = cfn_fixture("saas-metering.yaml");
    let out = check_json(&dir, &template, &["--product", "saas"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let outcome = json(&out);
    assert_eq!(outcome["verdict"], "not_allowed");

    // !Split, !If on a true condition, !Join of !FindInMap, !Select: all three actions allowed.
    let metering = role(&outcome, "MeteringRole");
    assert_eq!(metering["verdict"], "allowed", "{metering:#}");
    assert_eq!(
        (metering["line"].as_u64(), metering["column"].as_u64()),
        (Some(22), Some(3))
    );
    assert_eq!(
        located(metering, "cross_account_trust_without_external_id"),
        vec![(
            30,
            13,
            "Resources.MeteringRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal"
                .to_owned()
        )]
    );
    // The statement whose Resource is a parameter without a default: named, conditional, not dropped.
    let unresolved = located(metering, "unresolved");
    assert_eq!(
        unresolved,
        vec![(
            52,
            17,
            "Resources.MeteringRole.Properties.Policies[0].PolicyDocument.Statement[2].Resource"
                .to_owned()
        )]
    );
    let message = metering["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "unresolved")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("`Resource` depends on parameter `QueueArn` without a default"),
        "{message}"
    );

    // An AWS::IAM::Policy resource attached by `Roles: [!Ref ReportingRole]`: GetEntitlements only on a Resource
    // from a parameter without a default, and under an open condition: conditional, with both statements located.
    let reporting = role(&outcome, "ReportingRole");
    assert_eq!(reporting["verdict"], "not_allowed");
    let actions = reporting["report"]["actions"].as_array().unwrap();
    assert_eq!(actions[2]["action"], "aws-marketplace:GetEntitlements");
    assert_eq!(actions[2]["decision"], "conditional");
    assert_eq!(
        located(reporting, "conditional")
            .iter()
            .map(|f| f.0)
            .collect::<Vec<_>>(),
        vec![90, 93]
    );
    assert_eq!(
        located(reporting, "over_grant").len(),
        1,
        "one finding per granting statement"
    );
    // Same-account trust with an external id: no trust finding.
    assert!(located(reporting, "cross_account_trust_without_external_id").is_empty());

    // The role whose condition is false is listed, with why.
    assert_eq!(outcome["skipped"][0]["logical_id"], "DebugRole");
    assert!(
        outcome["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("`IsDev` is false")
    );

    // --parameter resolves the queue: the statement is no longer conditional; Environment=dev drops the
    // entitlements statement (NoValue) and creates DebugRole, whose wildcard trust is reported.
    let out = check_json(
        &dir,
        &template,
        &[
            "--product",
            "saas",
            "--parameter",
            "QueueArn=*",
            "--parameter",
            "Environment=dev",
        ],
    );
    let outcome = json(&out);
    let metering = role(&outcome, "MeteringRole");
    assert!(located(metering, "unresolved").is_empty());
    assert_eq!(
        metering["report"]["actions"][2]["decision"],
        "implicit_deny"
    );
    let debug = role(&outcome, "DebugRole");
    assert_eq!(located(debug, "wildcard_principal")[0].0, 61);
    assert_eq!(
        role(&outcome, "ReportingRole")["report"]["actions"][2]["decision"],
        "allow"
    );
}

#[test]
fn role_picks_one_role_and_text_names_file_line_column_and_path() {
    let dir = scratch("cfn-role");
    let template = cfn_fixture("saas-metering.yaml");
    let role = |id: &str| {
        run(
            &[
                "check",
                "--cloudformation",
                &template,
                "--product",
                "saas",
                "--role",
                id,
            ],
            &dir,
        )
    };
    let out = role("MeteringRole");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("== role MeteringRole ("), "{text}");
    assert!(!text.contains("ReportingRole"), "{text}");
    assert!(
        text.contains("saas-metering.yaml:52:17: Resources.MeteringRole.Properties.Policies[0].PolicyDocument.Statement[2].Resource: unresolved"),
        "{text}"
    );

    let out = role("Nope");
    assert_unusable(
        &out,
        "no AWS::IAM::Role `Nope` (its roles: MeteringRole, DebugRole, ReportingRole)",
    );
}

#[test]
fn json_template_with_managed_policies_and_an_eks_trust_without_sub() {
    let dir = scratch("cfn-json");
    let template = cfn_fixture("container-eks.json");
    let out = check_json(
        &dir,
        &template,
        &["--action", "RegisterUsage, CheckoutLicense, GetLicense"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let outcome = json(&out);
    let pod = role(&outcome, "PodRole");
    assert_eq!(pod["verdict"], "allowed");
    let actions = pod["report"]["actions"].as_array().unwrap();
    // The AWS managed policy known to the checker, the template's managed policy by !Ref, and an
    // AWS::IAM::Policy whose document is a JSON string.
    assert!(
        actions[0]["statements"][0]["policy"]
            .as_str()
            .unwrap()
            .starts_with(
                "arn:aws:iam::aws:policy/AWSMarketplaceMeteringRegisterUsage (v1 of 2019-11-21"
            )
    );
    assert_eq!(
        actions[1]["statements"][0]["policy"],
        "Resources.LicensePolicy.Properties.PolicyDocument"
    );
    assert_eq!(
        actions[2]["statements"][0]["policy"],
        "Resources.GetLicensePolicy.Properties.PolicyDocument"
    );
    assert_eq!(
        located(pod, "eks_trust_without_sub"),
        vec![(
            19,
            15,
            "Resources.PodRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal"
                .to_owned()
        )]
    );
    assert_eq!(
        located(pod, "unknown_managed_policy"),
        vec![(
            27,
            11,
            "Resources.PodRole.Properties.ManagedPolicyArns[1]".to_owned()
        )]
    );

    // A permissions boundary that is not known offline makes every action conditional, never allowed.
    let out = check_json(
        &dir,
        &template,
        &[
            "--action",
            "RegisterUsage",
            "--parameter",
            "Boundary=arn:aws:iam::111122223333:policy/Boundary",
        ],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let pod = role(&json(&out), "PodRole").clone();
    assert_eq!(pod["report"]["actions"][0]["decision"], "conditional");
    assert_eq!(
        located(&pod, "unknown_managed_policy")[1].2,
        "Resources.PodRole.Properties.PermissionsBoundary"
    );
}

#[test]
fn unusable_templates_exit_2_with_the_position_and_what_to_do() {
    let dir = scratch("cfn-bad");
    let cases: &[(&str, &str, &str)] = &[
        (
            "policy.json",
            MARKETPLACE_STAR,
            "policy.json:1:1: not a CloudFormation template",
        ),
        (
            "dup.yaml",
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n  R:\n    Type: AWS::IAM::Role\n",
            "dup.yaml:4:3: duplicate key `R` (first at line 2, column 3)",
        ),
        (
            "tag.yaml",
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Reff X\n",
            "tag.yaml:5:17: unknown tag `!Reff`",
        ),
        (
            "cycle.yaml",
            "Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Ref B\n  B:\n    Type: AWS::IAM::Policy\n    Properties:\n      Roles: [!Ref A]\n",
            "circular reference between resources: A → B → A",
        ),
        (
            "type.yaml",
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n      Policies:\n        - PolicyName: p\n          PolicyDocument: [1, 2]\n",
            "type.yaml:8:27: Resources.R.Properties.Policies[0].PolicyDocument is neither a policy document nor a string of one",
        ),
        (
            "string.yaml",
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument: not json\n",
            "string.yaml:7:27: Resources.R.Properties.Policies[0].PolicyDocument is a string that is not a JSON policy document",
        ),
        (
            "iam.yaml",
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Version: '2012-10-17'\n            Statement:\n              - Effect: Permit\n                Action: '*'\n                Resource: '*'\n",
            "iam.yaml:10:17: Resources.R.Properties.Policies[0].PolicyDocument.Statement[0].Effect",
        ),
        (
            "ref.yaml",
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Ref Missing\n",
            "ref.yaml:5:17: `Ref` to `Missing`",
        ),
        ("empty.yaml", "", "empty.yaml:1:1: the file is empty"),
        (
            "param.yaml",
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Ref AWS::StackName\n      Tags: [!Ref Tag]\n",
            "param.yaml:6:14: `Ref` to `Tag`",
        ),
        ("bad.yaml", "Resources: [\n", "bad.yaml:"),
    ];
    // The options of --cloudformation without it.
    write(&dir, "policy.json", MARKETPLACE_STAR);
    let out = run(
        &["check", "--product", "saas", "policy.json", "--role", "R"],
        &dir,
    );
    assert_unusable(&out, "apply only with --cloudformation");
    for (name, text, expected) in cases {
        write(&dir, name, text);
        let out = run(
            &["check", "--cloudformation", name, "--product", "saas"],
            &dir,
        );
        assert_unusable(&out, expected);
    }
}

#[test]
fn every_published_template_is_allowed_for_its_product_with_no_finding() {
    let dir = scratch("cfn-published");
    let ids = product_ids(&dir);
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cloudformation");
    let stems = role_template_stems();
    let mut checked = 0;
    for entry in std::fs::read_dir(&docs).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if !stems.contains(&stem) {
            continue;
        }
        let product = product_of(&ids, &stem);
        let outcome = assert_published_allowed(&dir, "--cloudformation", &path, product);
        assert_eq!(outcome["skipped"].as_array().unwrap().len(), 0, "{stem}");
        checked += 1;
    }
    assert_eq!(checked, stems.len());
}

#[test]
fn a_document_or_statement_unknown_offline_is_conditional_and_named_never_allowed() {
    let dir = scratch("cfn-unresolved");
    let template = cfn_fixture("unresolved.yaml");
    let out = check_json(&dir, &template, &["--product", "ami"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let outcome = json(&out);
    for (id, line, why) in [
        (
            "ImportedRole",
            23,
            "`Fn::ImportValue` `shared-metering-policy`",
        ),
        ("LiveRole", 38, "condition `IsLive`"),
    ] {
        let r = role(&outcome, id);
        assert_eq!(r["report"]["actions"][0]["decision"], "conditional", "{id}");
        let finding = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "unresolved")
            .unwrap_or_else(|| panic!("{id}: {r:#}"));
        assert_eq!(finding["line"], line, "{id}");
        assert!(
            finding["message"].as_str().unwrap().contains(why),
            "{id}: {finding}"
        );
    }
    // A role under a condition unknown offline is checked as if created, and says so.
    let maybe = role(&outcome, "MaybeRole");
    assert_eq!(maybe["verdict"], "allowed");
    assert_eq!(
        located(maybe, "conditional_role"),
        vec![(46, 16, "Resources.MaybeRole.Condition".to_owned())]
    );
    // JSON Lines: one role per line.
    let out = run(
        &[
            "check",
            "--cloudformation",
            &template,
            "--product",
            "ami",
            "--format",
            "jsonl",
        ],
        &dir,
    );
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["logical_id"], "MaybeRole");

    // With the parameter given, the condition is decided and the statement allows MeterUsage.
    let out = run(
        &[
            "check",
            "--cloudformation",
            &template,
            "--product",
            "ami",
            "--role",
            "LiveRole",
            "--parameter",
            "Stage=live",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}{}", stderr(&out), stdout(&out));
}

#[test]
fn trust_findings_tell_this_stack_from_another_account_and_a_skipped_role_says_why() {
    let dir = scratch("cfn-trust");
    let template = cfn_fixture("trust.yaml");
    let out = check_json(&dir, &template, &["--product", "ami"]);
    // Trust findings do not change the verdict.
    assert_eq!(code(&out), 0, "{}{}", stderr(&out), stdout(&out));
    let outcome = json(&out);
    let codes = |id: &str| -> Vec<String> {
        role(&outcome, id)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(codes("Caller").is_empty(), "{:?}", codes("Caller"));
    assert!(codes("SameStack").is_empty(), "{:?}", codes("SameStack"));
    assert!(
        codes("Organization").is_empty(),
        "{:?}",
        codes("Organization")
    );
    assert_eq!(
        located(
            role(&outcome, "FromParameter"),
            "cross_account_trust_without_external_id"
        )[0]
        .0,
        37
    );
    let message = role(&outcome, "FromParameter")["findings"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("may be another account (parameter `TrustedRoleArn` without a default"),
        "{message}"
    );
    assert_eq!(
        located(role(&outcome, "AnyServiceAccount"), "eks_trust_without_sub")[0].0,
        61
    );
    let skipped = &outcome["skipped"][0];
    assert_eq!(skipped["logical_id"], "Handler");
    assert!(
        skipped["reason"]
            .as_str()
            .unwrap()
            .contains("AWS::Serverless")
    );
}

#[test]
fn a_list_item_keeps_its_written_index_when_an_earlier_one_is_dropped() {
    let dir = scratch("cfn-novalue-index");
    write(
        &dir,
        "t.yaml",
        r#"Parameters:
  Extra: {Type: String, Default: ""}
Conditions:
  HasExtra: !Not [!Equals [!Ref Extra, ""]]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com}, Action: sts:AssumeRole}]
      ManagedPolicyArns:
        - !If [HasExtra, !Ref Extra, !Ref AWS::NoValue]
        - !ImportValue shared-metering-policy
      Policies:
        - !If [HasExtra, {PolicyName: extra, PolicyDocument: {Statement: []}}, !Ref AWS::NoValue]
        - PolicyName: meter
          PolicyDocument:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Action: "aws-marketplace:RegisterUsage", Resource: "*"}]
"#,
    );
    let out = run(
        &[
            "check",
            "--product",
            "container",
            "--cloudformation",
            "t.yaml",
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    // The paths name the items as written: the dropped first item keeps its place.
    assert!(
        text.contains("Resources.Role.Properties.ManagedPolicyArns[1]"),
        "{text}"
    );
    assert!(
        text.contains("Resources.Role.Properties.Policies[1].PolicyDocument"),
        "{text}"
    );
    assert!(!text.contains("ManagedPolicyArns[0]"), "{text}");
}
