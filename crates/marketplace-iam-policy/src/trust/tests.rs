//! The trust policy's and the guardrails' answers, on the principal forms and conditions IAM documents.

use super::*;

fn trust(principal: &str, condition: &str) -> PolicyFile {
    PolicyFile::parse(
        "trust.json",
        &format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal},
            "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]{condition}}}]}}"#
        ),
    )
    .expect("a valid trust policy")
}

fn decide(trust: &PolicyFile, action: &str, caller: Caller<'_>, context: &Context) -> Decision {
    evaluate_trust(
        trust,
        &TrustRequest {
            action,
            caller,
            context,
        },
    )
    .decision
}

#[test]
fn principals_name_callers_as_iam_documents() {
    let none = Context::new();
    let session = Caller::Aws("arn:aws:sts::111122223333:assumed-role/saas-app/i-0abc");
    let cases: &[(&str, Caller<'_>, Decision)] = &[
        (r#""*""#, session, Decision::Allow),
        (r#"{"AWS": "*"}"#, session, Decision::Allow),
        (r#"{"AWS": "111122223333"}"#, session, Decision::Allow),
        (
            r#"{"AWS": "arn:aws:iam::111122223333:root"}"#,
            session,
            Decision::Allow,
        ),
        (
            r#"{"AWS": "arn:aws:iam::444455556666:root"}"#,
            session,
            Decision::ImplicitDeny,
        ),
        (
            r#"{"AWS": "arn:aws-cn:iam::111122223333:root"}"#,
            session,
            Decision::ImplicitDeny,
        ),
        (
            r#"{"AWS": "arn:aws:iam::111122223333:role/apps/saas-app"}"#,
            session,
            Decision::Allow,
        ),
        (
            r#"{"AWS": "arn:aws:iam::111122223333:role/other"}"#,
            session,
            Decision::ImplicitDeny,
        ),
        (
            r#"{"AWS": "arn:aws:iam::111122223333:user/saas-app"}"#,
            session,
            Decision::ImplicitDeny,
        ),
        (
            r#"{"AWS": "arn:aws:iam::111122223333:user/ci"}"#,
            Caller::Aws("arn:aws:iam::111122223333:user/ci"),
            Decision::Allow,
        ),
        (
            r#"{"Service": "ec2.amazonaws.com"}"#,
            Caller::Service("ec2.amazonaws.com"),
            Decision::Allow,
        ),
        (
            r#"{"Service": "ecs-tasks.amazonaws.com"}"#,
            Caller::Service("ec2.amazonaws.com"),
            Decision::ImplicitDeny,
        ),
        (
            r#"{"Service": "ec2.amazonaws.com"}"#,
            session,
            Decision::ImplicitDeny,
        ),
    ];
    for &(principal, caller, want) in cases {
        let t = trust(principal, "");
        assert_eq!(
            decide(&t, "sts:AssumeRole", caller, &none),
            want,
            "{principal} / {caller:?}"
        );
    }
    let t = trust(r#"{"AWS": "arn:aws:iam::111122223333:root"}"#, "");
    assert_eq!(
        decide(&t, "sts:TagSession", session, &none),
        Decision::ImplicitDeny
    );
}

#[test]
fn a_deny_wins_and_not_principal_excludes() {
    let none = Context::new();
    let t = PolicyFile::parse(
        "trust.json",
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/saas-app"}, "Action": "sts:*"}]}"#,
    )
    .unwrap();
    let app = Caller::Aws("arn:aws:sts::111122223333:assumed-role/saas-app/s");
    let other = Caller::Aws("arn:aws:sts::111122223333:assumed-role/intruder/s");
    assert_eq!(decide(&t, "sts:AssumeRole", app, &none), Decision::Allow);
    let answer = evaluate_trust(
        &t,
        &TrustRequest {
            action: "sts:AssumeRole",
            caller: other,
            context: &none,
        },
    );
    assert_eq!(answer.decision, Decision::ExplicitDeny);
    assert_eq!(answer.statements[0].index, Some(1));
}

#[test]
fn a_web_identity_must_meet_the_sub_and_aud_conditions() {
    let provider =
        "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE";
    let t = trust(
        &format!(r#"{{"Federated": "{provider}"}}"#),
        r#", "Condition": {"StringEquals": {
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub": "system:serviceaccount:billing:meter",
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud": "sts.amazonaws.com"}}"#,
    );
    let pod = |sub: &str| -> Context {
        [
            ("oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub", sub),
            (
                "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud",
                "sts.amazonaws.com",
            ),
        ]
        .into_iter()
        .collect()
    };
    let caller = Caller::Federated(provider);
    let action = "sts:AssumeRoleWithWebIdentity";
    assert_eq!(
        decide(
            &t,
            action,
            caller,
            &pod("system:serviceaccount:billing:meter")
        ),
        Decision::Allow
    );
    let wrong = evaluate_trust(
        &t,
        &TrustRequest {
            action,
            caller,
            context: &pod("system:serviceaccount:default:meter"),
        },
    );
    assert_eq!(wrong.decision, Decision::ImplicitDeny);
    assert_eq!(wrong.failed.len(), 1);
    assert!(wrong.failed[0].key.ends_with(":sub"));
    // Another provider is not named.
    let other = Caller::Federated(
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
    );
    assert_eq!(
        decide(
            &t,
            action,
            other,
            &pod("system:serviceaccount:billing:meter")
        ),
        Decision::ImplicitDeny
    );
}

#[test]
fn the_same_account_needs_no_identity_allow_only_when_the_trust_names_the_arn() {
    let none = Context::new();
    let caller = "arn:aws:sts::111122223333:assumed-role/saas-app/s";
    let request = TrustRequest {
        action: "sts:AssumeRole",
        caller: Caller::Aws(caller),
        context: &none,
    };
    let same = "arn:aws:iam::111122223333:role/metering";
    for (principal, by_arn) in [
        (
            r#"{"AWS": "arn:aws:iam::111122223333:role/saas-app"}"#,
            true,
        ),
        (r#"{"AWS": "arn:aws:iam::111122223333:root"}"#, false),
        (r#"{"AWS": "111122223333"}"#, false),
        (r#""*""#, false),
    ] {
        let answer = evaluate_trust(&trust(principal, ""), &request);
        assert_eq!(answer.decision, Decision::Allow, "{principal}");
        assert_eq!(answer.names_caller_arn, by_arn, "{principal}");
        assert_eq!(identity_allow_needed(&answer, caller, same), !by_arn);
    }
}

#[test]
fn guardrails_need_an_allow_in_each_policy_and_no_deny() {
    let none = Context::new();
    let request = TrustRequest {
        action: "sts:AssumeRole",
        caller: Caller::Aws("arn:aws:iam::111122223333:role/app"),
        context: &none,
    };
    let role = "arn:aws:iam::444455556666:role/metering";
    let full = PolicyFile::parse(
        "full.json",
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
    )
    .unwrap();
    let s3_only = PolicyFile::parse(
        "s3.json",
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#,
    )
    .unwrap();
    let other_roles = PolicyFile::parse(
        "deny.json",
        r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "sts:*", "Resource": "arn:aws:iam::*:role/admin*"}]}"#,
    )
    .unwrap();
    let decide = |files: &[PolicyFile]| evaluate_guardrails(files, PolicyKind::Scp, &request, role);
    assert_eq!(decide(&[]).decision, Decision::Allow);
    assert_eq!(
        decide(&[full.clone(), other_roles.clone()]).decision,
        Decision::Allow
    );
    let missing = decide(&[full.clone(), s3_only]);
    assert_eq!(missing.decision, Decision::ImplicitDeny);
    assert_eq!(missing.statements.len(), 1);
    assert_eq!(missing.statements[0].policy.as_deref(), Some("s3.json"));
    let admin = evaluate_guardrails(
        &[other_roles],
        PolicyKind::Scp,
        &request,
        "arn:aws:iam::444455556666:role/admin-all",
    );
    assert_eq!(admin.decision, Decision::ExplicitDeny);
    assert_eq!(admin.statements[0].index, Some(1));
}

#[test]
fn open_keys_make_an_answer_conditional_and_known_keys_still_decide() {
    let trust = PolicyFile::parse(
        "trust.json",
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": "seller-42"},
                           "StringLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app-*"}}},
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}"#,
    )
    .expect("a valid trust policy");
    let open = |key: &str| !key.eq_ignore_ascii_case("aws:PrincipalArn");
    let answer = |arn: &str| {
        let context: Context = [("aws:PrincipalArn", arn)].into_iter().collect();
        let request = TrustRequest {
            action: "sts:AssumeRole",
            caller: Caller::Aws(arn),
            context: &context,
        };
        evaluate_trust_open(&trust, &request, &open)
    };
    // The external ID is open; the Deny may apply (MFA unknown): conditional, with both conditions.
    let app = answer("arn:aws:iam::111122223333:role/app-metering");
    assert_eq!(app.decision, Decision::Conditional);
    let keys: Vec<&str> = app.conditions.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["sts:ExternalId", "aws:MultiFactorAuthPresent"]);
    assert_eq!(app.statements.len(), 2);
    // The principal ARN is known and does not match: denied, whatever the open keys hold.
    let other = answer("arn:aws:iam::111122223333:role/admin");
    assert_eq!(other.decision, Decision::ImplicitDeny);
    assert!(other.failed.iter().any(|c| c.key == "aws:PrincipalArn"));
    // Without open keys, the same request is decided as before: no external ID (and the Deny's MFA key absent).
    let context: Context = [(
        "aws:PrincipalArn",
        "arn:aws:iam::111122223333:role/app-metering",
    )]
    .into_iter()
    .collect();
    let request = TrustRequest {
        action: "sts:AssumeRole",
        caller: Caller::Aws("arn:aws:iam::111122223333:role/app-metering"),
        context: &context,
    };
    assert_eq!(
        evaluate_trust(&trust, &request).decision,
        Decision::ImplicitDeny
    );

    // Guardrails: an SCP's Deny on an open key makes the answer conditional; a known key decides it.
    let scp = PolicyFile::parse(
        "scp.json",
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*",
             "Condition": {"StringNotEqualsIfExists": {"aws:ResourceOrgID": "o-exampleorg"}}}]}"#,
    )
    .expect("a valid SCP");
    let none = Context::new();
    let request = TrustRequest {
        action: "sts:AssumeRole",
        caller: Caller::Aws("arn:aws:iam::111122223333:role/app"),
        context: &none,
    };
    let role = "arn:aws:iam::111122223333:role/metering";
    let scps = std::slice::from_ref(&scp);
    let open = evaluate_guardrails_open(scps, PolicyKind::Scp, &request, role, &|_| true);
    assert_eq!(open.decision, Decision::Conditional);
    assert_eq!(open.conditions[0].key, "aws:ResourceOrgID");
    let closed = evaluate_guardrails_open(scps, PolicyKind::Scp, &request, role, &|_| false);
    assert_eq!(closed.decision, Decision::ExplicitDeny);
}

#[test]
fn an_rcp_needs_no_allow_and_its_deny_decides() {
    // Deny-only, as AWS allows RCPs to be: RCPFullAWSAccess, attached everywhere, is the Allow.
    let rcp = PolicyFile::parse(
        "rcp.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "OrgOnly", "Effect": "Deny", "Principal": "*",
            "Action": "sts:AssumeRole", "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-sellerorg"},
                          "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]}"#,
    )
    .expect("a valid RCP");
    let role = "arn:aws:iam::444455556666:role/metering";
    let decide = |context: &Context| {
        let request = TrustRequest {
            action: "sts:AssumeRole",
            caller: Caller::Aws("arn:aws:iam::111122223333:role/app"),
            context,
        };
        evaluate_guardrails(std::slice::from_ref(&rcp), PolicyKind::Rcp, &request, role)
    };
    let outside: Context = [
        ("aws:PrincipalOrgID", "o-other"),
        ("aws:PrincipalIsAWSService", "false"),
    ]
    .into_iter()
    .collect();
    let answer = decide(&outside);
    assert_eq!(answer.decision, Decision::ExplicitDeny);
    assert_eq!(answer.statements[0].kind, PolicyKind::Rcp);
    let inside: Context = [
        ("aws:PrincipalOrgID", "o-sellerorg"),
        ("aws:PrincipalIsAWSService", "false"),
    ]
    .into_iter()
    .collect();
    assert_eq!(decide(&inside).decision, Decision::Allow);
    // The same document as an SCP lacks the Allow every SCP needs.
    let request = TrustRequest {
        action: "sts:AssumeRole",
        caller: Caller::Aws("arn:aws:iam::111122223333:role/app"),
        context: &inside,
    };
    let as_scp = evaluate_guardrails(std::slice::from_ref(&rcp), PolicyKind::Scp, &request, role);
    assert_eq!(as_scp.decision, Decision::ImplicitDeny);
}
