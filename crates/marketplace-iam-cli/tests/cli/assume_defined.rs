//! `check --assume <template or plan>`: the role to assume as a CloudFormation template or a Terraform plan
//! defines it, its trust policy and its own policies read from the file.

use super::*;

const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SaasAccount:
    Type: String
    Default: "111122223333"
  ExternalId:
    Type: String
    Default: seller-42
Resources:
  MeteringRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:${AWS::Partition}:iam::${SaasAccount}:role/saas-app"
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: !Ref ExternalId
      Policies:
        - PolicyName: metering
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action:
                  - aws-marketplace:ResolveCustomer
                  - aws-marketplace:BatchMeterUsage
                Resource: "*"
  AuditRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
"#;

const ROLE: &str = "arn:aws:iam::444455556666:role/metering";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/saas-app/i-0abc";

fn setup(test: &str) -> PathBuf {
    let dir = scratch(test);
    write(&dir, "template.yaml", TEMPLATE);
    write(
        &dir,
        "app.json",
        &format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "{ROLE}"}}]}}"#
        ),
    );
    dir
}

fn assume(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "check",
        "--product",
        "saas/subscriptions",
        "--assume",
        "template.yaml",
        "--role-arn",
        ROLE,
        "--caller-arn",
        SESSION,
        "--caller",
        "app.json",
    ];
    args.extend_from_slice(extra);
    run(&args, dir)
}

#[test]
fn a_template_role_brings_its_trust_policy_and_its_own_policies() {
    let dir = setup("assume-template");
    // Two roles: which one is asked.
    let out = assume(&dir, &[]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains(
            "defines 2 roles (MeteringRole, AuditRole): pick the one to assume with --role"
        ),
        "{}",
        stderr(&out)
    );

    // Without the external ID the template's trust policy (its `!Ref ExternalId` resolved from the default) does
    // not admit the caller.
    let out = assume(&dir, &["--role", "MeteringRole", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["breaks_at"], "trust");
    let failed = &doc["hops"][1]["failed"][0];
    assert_eq!(failed["key"], "sts:ExternalId");
    assert_eq!(failed["values"][0], "seller-42");
    assert_eq!(failed["kind"], "trust");
    assert_eq!(
        failed["policy"],
        "Resources.MeteringRole.Properties.AssumeRolePolicyDocument"
    );

    // With it, every hop allows; the permissions are the template's.
    let out = assume(
        &dir,
        &[
            "--role",
            "MeteringRole",
            "--external-id",
            "seller-42",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(
        doc["hops"][4]["report"]["actions"][0]["statements"][0]["policy"],
        "Resources.MeteringRole.Properties.Policies[0].PolicyDocument"
    );

    // A parameter changes the trust policy: another external ID.
    let out = assume(
        &dir,
        &[
            "--role",
            "MeteringRole",
            "--external-id",
            "seller-42",
            "--parameter",
            "ExternalId=other",
        ],
    );
    assert_eq!(code(&out), 1);
}

#[test]
fn a_template_role_refuses_what_would_be_ambiguous() {
    let dir = setup("assume-template-bad");
    write(
        &dir,
        "role.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "aws-marketplace:MeterUsage", "Resource": "*"}]}"#,
    );
    // The template gives the role's policies: POLICY files beside it are refused.
    let out = assume(&dir, &["--role", "MeteringRole", "role.json"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("leave out the POLICY files and --boundary"),
        "{}",
        stderr(&out)
    );
    // A role the template does not define.
    let out = assume(&dir, &["--role", "Nope"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("(its roles: MeteringRole, AuditRole)"),
        "{}",
        stderr(&out)
    );
    // A trust policy file still needs the role's policies.
    write(
        &dir,
        "trust.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#,
    );
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "--assume",
            "trust.json",
            "--role-arn",
            ROLE,
            "--caller-arn",
            SESSION,
            "--caller",
            "app.json",
        ],
        &dir,
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("needs the role's own policies"),
        "{}",
        stderr(&out)
    );
    // An invalid principal in the template's trust policy: located at its statement.
    write(
        &dir,
        "bad.yaml",
        &TEMPLATE.replace("role/saas-app", "role/*"),
    );
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "--assume",
            "bad.yaml",
            "--role",
            "MeteringRole",
            "--role-arn",
            ROLE,
            "--caller-arn",
            SESSION,
            "--caller",
            "app.json",
        ],
        &dir,
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains(
            "bad.yaml:16:13: MeteringRole: Statement[0].Principal.AWS: invalid principal"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_terraform_plan_role_is_assumed_by_its_address() {
    let plan = fixtures().join("terraform/metering.json");
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "--assume",
            plan.to_str().unwrap(),
            "--role",
            "aws_iam_role.metering",
            "--role-arn",
            "arn:aws:iam::111122223333:role/metering",
            "--caller-arn",
            "arn:aws:iam::444455556666:role/application",
            "--caller",
            "caller-assume.json",
            "--format",
            "json",
        ],
        &fixtures().join("assume"),
    );
    let doc = json(&out);
    // The plan's trust policy names that role; the caller's policy allows sts:AssumeRole only on its own account's
    // marketplace-* roles: the identity hop breaks the chain, the trust hop admits it.
    assert_eq!(code(&out), 1, "{doc:#}");
    assert_eq!(doc["breaks_at"], "identity");
    assert_eq!(doc["hops"][1]["decision"], "allow");
    assert_eq!(doc["hops"][4]["decision"], "allow");
    // The trust finding of the plan is said on stderr, located.
    assert!(
        stderr(&out).contains("aws_iam_role.metering.assume_role_policy.Statement[0].Principal"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sarif_locates_a_template_roles_hops_in_the_template() {
    let dir = setup("assume-template-sarif");
    let out = assume(&dir, &["--role", "MeteringRole", "--format", "sarif"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let log = super::sarif::sarif(&out);
    let trust = super::sarif::of_rule(&log, "assume_trust_denied");
    assert_eq!(trust.len(), 1, "{log:#}");
    // At the trust policy's statement in the template, the line a person edits.
    assert_eq!(
        super::sarif::at(trust[0]),
        ("template.yaml".to_owned(), 16, 13)
    );
    assert!(
        trust[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("`sts:ExternalId` StringEquals \"seller-42\""),
        "{log:#}"
    );
    // With the external ID the chain passes: no error result, exit 0.
    let out = assume(
        &dir,
        &[
            "--role",
            "MeteringRole",
            "--external-id",
            "seller-42",
            "--format",
            "sarif",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let log = super::sarif::sarif(&out);
    assert!(
        super::sarif::results(&log)
            .iter()
            .all(|r| r["level"] != "error"),
        "{log:#}"
    );
}
