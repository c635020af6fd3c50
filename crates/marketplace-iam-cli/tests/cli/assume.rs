//! `check --assume`: the assume-role hop before the role's own policies, one verdict per hop and where the chain
//! breaks, for cross-account, IRSA and Containers Anywhere callers; in SARIF, one result per hop that does not
//! pass at the statement it rests on, every log valid against the schema; unusable input with exit 2.

use super::*;

const ROLE: &str = "arn:aws:iam::444455556666:role/marketplace-metering";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/saas-app/i-0abc";
const ISSUER: &str = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE";

fn dir() -> PathBuf {
    fixtures().join("assume")
}

/// `check --assume` with `args` after the role's policy, as JSON: the exit code and the document.
fn assume_json(product: &str, role: &str, trust: &str, args: &[&str]) -> (i32, Value) {
    let mut all = vec![
        "check",
        "--product",
        product,
        role,
        "--assume",
        trust,
        "--role-arn",
        ROLE,
        "--format",
        "json",
    ];
    all.extend_from_slice(args);
    let out = run(&all, &dir());
    assert!(code(&out) < 2, "{}", stderr(&out));
    (code(&out), json(&out))
}

fn decisions(doc: &Value) -> Vec<(String, String)> {
    doc["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["hop"].as_str().unwrap().to_owned(),
                h["decision"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// `check --product saas role-saas.json --assume <trust>` by the AWS caller `caller` with the identity policy
/// `policy`, and `args`.
fn by_caller(trust: &str, caller: &str, policy: &str, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--caller-arn", caller, "--caller", policy];
    all.extend_from_slice(args);
    assume_json("saas", "role-saas.json", trust, &all)
}

fn cross_account(args: &[&str]) -> (i32, Value) {
    by_caller(
        "cross-account-trust.json",
        SESSION,
        "caller-assume.json",
        args,
    )
}

#[test]
fn a_missing_external_id_breaks_the_chain_at_the_trust_policy() {
    let (code, doc) = cross_account(&[]);
    assert_eq!(code, 1);
    assert_eq!(doc["verdict"], "not_allowed");
    assert_eq!(doc["breaks_at"], "trust");
    let trust = &doc["hops"][1];
    assert_eq!(trust["decision"], "implicit_deny");
    assert_eq!(trust["failed"][0]["key"], "sts:ExternalId");
    assert_eq!(trust["failed"][0]["values"][0], "seller-42");
    assert_eq!(trust["failed"][0]["kind"], "trust");
    // The identity hop passed: the caller may call sts:AssumeRole on the role.
    assert_eq!(doc["hops"][0]["decision"], "allow");
    assert_eq!(doc["hops"][0]["statements"][0]["sid"], "AssumeMetering");

    let text_args = format!(
        "check --product saas role-saas.json --assume cross-account-trust.json --role-arn {ROLE} --caller-arn {SESSION} --caller caller-assume.json"
    );
    let out = run(&text_args.split(' ').collect::<Vec<_>>(), &dir());
    assert_eq!(super::code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains(
            "the trust policy requires `sts:ExternalId` StringEquals \"seller-42\"; the request has none"
        ),
        "{text}"
    );
    assert!(text.contains("the chain breaks at hop 2 (trust"), "{text}");

    // With the external ID every hop allows: exit 0.
    let (code, doc) = cross_account(&["--external-id", "seller-42"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["verdict"], "allowed");
    assert_eq!(doc["breaks_at"], Value::Null);
    assert_eq!(
        doc["request"]["context"]["aws:PrincipalArn"][0],
        "arn:aws:iam::111122223333:role/saas-app"
    );
}

#[test]
fn an_scp_denying_assume_role_outside_the_organisation_breaks_the_chain_at_the_callers_scps() {
    let args = [
        "--external-id",
        "seller-42",
        "--caller-scp",
        "scp-org-only.json",
    ];
    let (code, doc) = cross_account(&args);
    assert_eq!(code, 1);
    assert_eq!(doc["breaks_at"], "caller_scps");
    let scps = &doc["hops"][2];
    assert_eq!(scps["decision"], "explicit_deny");
    assert_eq!(scps["statements"][0]["sid"], "AssumeOnlyInsideTheOrg");
    assert_eq!(scps["conditions"][0]["key"], "aws:ResourceOrgID");

    // The role's account is in the organisation: the SCP lets it through.
    let mut inside = args.to_vec();
    inside.extend(["--resource-org-id", "o-sellerorg"]);
    let (code, doc) = cross_account(&inside);
    assert_eq!(code, 0, "{doc:#}");
}

#[test]
fn an_rcp_and_the_callers_identity_policies_are_hops_too() {
    let (code, doc) = cross_account(&["--external-id", "seller-42", "--rcp", "rcp-org-only.json"]);
    assert_eq!(code, 1);
    assert_eq!(doc["breaks_at"], "role_rcps");
    assert_eq!(doc["hops"][3]["decision"], "explicit_deny");
    assert_eq!(doc["hops"][3]["statements"][0]["kind"], "rcp");
    let (code, doc) = cross_account(&[
        "--external-id",
        "seller-42",
        "--rcp",
        "rcp-org-only.json",
        "--principal-org-id",
        "o-buyerorg",
    ]);
    assert_eq!(code, 0);
    // RCPs do not apply to the metering service: the permissions hop says so, not a silent pass.
    assert_eq!(doc["hops"][4]["hop"], "permissions");
    assert!(
        doc["hops"][4]["note"]
            .as_str()
            .is_some_and(|n| n.contains("applied to the STS call only")),
        "{}",
        doc["hops"][4]
    );
    let (_, without) = cross_account(&["--external-id", "seller-42"]);
    assert!(without["hops"][4]["note"].is_null());

    let (code, doc) = by_caller(
        "cross-account-trust.json",
        SESSION,
        "caller-nothing.json",
        &["--external-id", "seller-42"],
    );
    assert_eq!(code, 1);
    assert_eq!(doc["breaks_at"], "identity");
    assert_eq!(doc["hops"][0]["statements"][0]["add"]["Resource"], ROLE);
}

#[test]
fn in_the_roles_account_a_trust_policy_naming_the_caller_needs_no_identity_allow() {
    let same = |caller: &str, args: &[&str]| {
        by_caller(
            "same-account-trust.json",
            caller,
            "caller-nothing.json",
            args,
        )
    };
    let (code, doc) = same("arn:aws:iam::444455556666:role/saas-app", &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(
        doc["hops"][0]["note"]
            .as_str()
            .unwrap()
            .starts_with("not needed")
    );
    // A session of the named role is still bounded by the role's permissions boundary.
    let session = "arn:aws:sts::444455556666:assumed-role/saas-app/s";
    assert_eq!(same(session, &[]).0, 0);
    let (code, doc) = same(session, &["--caller-boundary", "caller-nothing.json"]);
    assert_eq!(code, 1);
    assert_eq!(doc["breaks_at"], "identity");
    assert_eq!(doc["hops"][0]["statements"][0]["kind"], "boundary");
}

#[test]
fn a_session_policy_without_the_action_breaks_the_chain_at_the_permissions() {
    let (code, doc) = cross_account(&[
        "--external-id",
        "seller-42",
        "--session-policy",
        "session-meter-only.json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(doc["breaks_at"], "permissions");
    let permissions = &doc["hops"][4];
    assert_eq!(permissions["report"]["verdict"], "allowed");
    assert_eq!(permissions["session_policy"]["verdict"], "not_allowed");
    assert_eq!(
        permissions["session_policy"]["actions"][0]["action"],
        "aws-marketplace:ResolveCustomer"
    );
    assert_eq!(
        permissions["session_policy"]["actions"][0]["decision"],
        "implicit_deny"
    );
}

fn irsa(trust: &str, sub: &str) -> (i32, Value) {
    let identity = format!("issuer=https://{ISSUER},sub={sub},aud=sts.amazonaws.com");
    assume_json(
        "container/hourly-monthly",
        "role-container.json",
        trust,
        &["--web-identity", &identity],
    )
}

#[test]
fn a_service_account_in_the_wrong_namespace_is_not_admitted_by_the_trust_policy() {
    let (code, doc) = irsa("irsa-trust.json", "system:serviceaccount:default:meter");
    assert_eq!(code, 1);
    assert_eq!(doc["breaks_at"], "trust");
    assert_eq!(doc["request"]["action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(
        doc["request"]["caller"],
        format!("arn:aws:iam::444455556666:oidc-provider/{ISSUER}")
    );
    let failed = doc["hops"][1]["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "the audience matched: {failed:?}");
    assert_eq!(failed[0]["key"], format!("{ISSUER}:sub"));
    assert_eq!(doc["hops"][0]["decision"], "not_applicable");

    let (code, doc) = irsa("irsa-trust.json", "system:serviceaccount:metering:meter");
    assert_eq!(code, 0, "{doc:#}");
    // StringLike on `:sub`: any service account of the namespace.
    assert_eq!(
        irsa(
            "irsa-trust-like.json",
            "system:serviceaccount:metering:other"
        )
        .0,
        0
    );
    assert_eq!(
        irsa(
            "irsa-trust-like.json",
            "system:serviceaccount:default:meter"
        )
        .0,
        1
    );
}

#[test]
fn containers_anywhere_needs_a_token_of_the_roles_account() {
    let anywhere = |account: &str| {
        let identity = format!(
            "issuer=openid-license-manager.amazonaws.com,sub=consumer,amr=aws:license-manager:token-issuer-account-id:{account}"
        );
        assume_json(
            "container/contracts",
            "role-contracts.json",
            "anywhere-trust.json",
            &["--web-identity", &identity],
        )
    };
    let (code, doc) = anywhere("444455556666");
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        doc["request"]["caller"],
        "openid-license-manager.amazonaws.com"
    );
    let (code, doc) = anywhere("111122223333");
    assert_eq!(code, 1);
    assert_eq!(doc["breaks_at"], "trust");
    assert_eq!(decisions(&doc)[1].1, "implicit_deny");
}

#[test]
fn unusable_input_is_a_located_error_with_exit_2() {
    let cases = [
        (
            "--assume bad-principal-trust.json --role-arn {ROLE} --caller-arn {SESSION} --caller caller-assume.json",
            "bad-principal-trust.json:6:63: Statement[0].Principal.AWS: invalid principal `saas-app`",
        ),
        (
            "--assume irsa-trust.json --role-arn {ROLE} --web-identity issuer={ISSUER},aud=sts.amazonaws.com",
            "no `sub`",
        ),
        (
            "--assume irsa-trust.json --role-arn {ROLE} --web-identity issuer=x;sub=y",
            "--web-identity `issuer=x;sub=y`: `issuer` is not a host name",
        ),
        (
            "--assume irsa-trust.json --role-arn {ROLE} --web-identity issuer=x,sub=y,role=z",
            "unknown key `role`",
        ),
        (
            "--assume irsa-trust.json --role-arn arn:aws:iam::444455556666:user/x --web-identity issuer=x,sub=y",
            "--role-arn: `arn:aws:iam::444455556666:user/x` is not a role's ARN",
        ),
        (
            "--assume cross-account-trust.json --role-arn {ROLE} --caller-arn arn:aws:iam::1111:role/app --caller caller-assume.json",
            "--caller-arn: `arn:aws:iam::1111:role/app`",
        ),
        (
            "--assume cross-account-trust.json --role-arn {ROLE} --caller-arn {SESSION}",
            "--caller-arn needs the caller's identity policies",
        ),
        (
            "--assume cross-account-trust.json --caller-arn {SESSION} --caller caller-assume.json",
            "--assume needs --role-arn",
        ),
        (
            "--assume cross-account-trust.json --role-arn {ROLE}",
            "--assume needs the caller",
        ),
        (
            "--assume no-such.json --role-arn {ROLE} --web-identity issuer=x,sub=y",
            "no-such.json",
        ),
    ];
    for (args, message) in cases {
        let args = args
            .replace("{ROLE}", ROLE)
            .replace("{SESSION}", SESSION)
            .replace("{ISSUER}", ISSUER);
        let mut all = vec!["check", "--product", "saas", "role-saas.json"];
        all.extend(args.split(' '));
        let out = run(&all, &dir());
        assert_eq!(code(&out), 2, "{all:?}: {}", stdout(&out));
        assert!(stdout(&out).is_empty(), "{all:?}");
        assert!(stderr(&out).contains(message), "{all:?}: {}", stderr(&out));
    }
    // SARIF too: nothing on stdout, the located error on stderr.
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "role-saas.json",
            "--assume",
            "bad-principal-trust.json",
            "--role-arn",
            ROLE,
            "--caller-arn",
            SESSION,
            "--caller",
            "caller-assume.json",
            "--format",
            "sarif",
        ],
        &dir(),
    );
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("bad-principal-trust.json:6:63"));
    // An option of the chain without --assume is refused by clap.
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "role-saas.json",
            "--rcp",
            "rcp-org-only.json",
        ],
        &dir(),
    );
    assert_eq!(code(&out), 2);
}

/// `check --assume` with `args` after the role's policy as SARIF: the exit code (the same as JSON's) and the log,
/// validated against the SARIF 2.1.0 schema.
fn assume_sarif(product: &str, role: &str, trust: &str, args: &[&str]) -> (i32, Value) {
    let mut all = vec![
        "check",
        "--product",
        product,
        role,
        "--assume",
        trust,
        "--role-arn",
        ROLE,
    ];
    all.extend_from_slice(args);
    let with = |format| {
        let mut args = all.clone();
        args.extend(["--format", format]);
        run(&args, &dir())
    };
    let (out, json) = (with("sarif"), with("json"));
    assert!(code(&out) < 2, "{}", stderr(&out));
    assert_eq!(code(&out), code(&json), "{}", stdout(&out));
    (code(&out), super::sarif::sarif(&out))
}

/// The SARIF log of the cross-account caller `caller-assume.json` with `args`.
fn cross_account_sarif(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--caller-arn", SESSION, "--caller", "caller-assume.json"];
    all.extend_from_slice(args);
    assume_sarif("saas", "role-saas.json", "cross-account-trust.json", &all)
}

/// The results of level `error`.
fn errors(log: &Value) -> Vec<&Value> {
    super::sarif::results(log)
        .iter()
        .filter(|r| r["level"] == "error")
        .collect()
}

fn message(result: &Value) -> &str {
    result["message"]["text"].as_str().unwrap()
}

#[test]
fn a_missing_external_id_is_one_sarif_result_at_the_trust_statement() {
    use super::sarif::{at, of_rule, results};
    let (code, log) = cross_account_sarif(&[]);
    assert_eq!(code, 1);
    assert_eq!(results(&log).len(), 1, "{log:#}");
    let trust = of_rule(&log, "assume_trust_denied");
    assert_eq!(trust.len(), 1, "{log:#}");
    assert_eq!(trust[0]["level"], "error");
    // The statement whose condition failed: line 4, column 5 of the trust policy.
    assert_eq!(at(trust[0]), ("cross-account-trust.json".to_owned(), 4, 5));
    let text = message(trust[0]);
    for said in [
        "the chain breaks here",
        "the trust policy requires `sts:ExternalId` StringEquals \"seller-42\"; the request has none",
    ] {
        assert!(text.contains(said), "{text}");
    }
    let logical = trust[0]["locations"][0]["logicalLocations"]
        .as_array()
        .unwrap();
    assert_eq!(logical[0]["fullyQualifiedName"], ROLE);
    assert_eq!(logical[0]["kind"], "resource");
    assert_eq!(
        logical[1]["fullyQualifiedName"],
        "cross-account-trust.json:Statement[0]"
    );
    // Each new rule, with its help, at the level of its results.
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for id in [
        "assume_identity_denied",
        "assume_trust_denied",
        "assume_caller_scp_denied",
        "assume_rcp_denied",
    ] {
        let rule = rules.iter().find(|r| r["id"] == id).expect(id);
        assert_eq!(rule["defaultConfiguration"]["level"], "error", "{id}");
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty(), "{id}");
    }
    let index = trust[0]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "assume_trust_denied");

    // A web identity of another namespace: at the statement whose `sub` condition failed.
    let identity =
        format!("issuer={ISSUER},sub=system:serviceaccount:default:meter,aud=sts.amazonaws.com");
    let (code, log) = assume_sarif(
        "container/hourly-monthly",
        "role-container.json",
        "irsa-trust.json",
        &["--web-identity", &identity],
    );
    assert_eq!(code, 1);
    let trust = of_rule(&log, "assume_trust_denied");
    assert_eq!(trust.len(), 1, "{log:#}");
    assert_eq!(at(trust[0]), ("irsa-trust.json".to_owned(), 4, 5));
    assert!(message(trust[0]).contains(":sub` StringEquals"));
}

#[test]
fn scp_and_rcp_denies_are_sarif_results_at_the_denying_statements() {
    use super::sarif::{at, of_rule};
    let (code, log) = cross_account_sarif(&[
        "--external-id",
        "seller-42",
        "--caller-scp",
        "scp-org-only.json",
        "--rcp",
        "rcp-org-only.json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(errors(&log).len(), 2, "{log:#}");
    let scp = of_rule(&log, "assume_caller_scp_denied");
    assert_eq!(scp.len(), 1);
    assert_eq!(at(scp[0]), ("scp-org-only.json".to_owned(), 5, 5));
    let text = message(scp[0]);
    assert!(text.contains("AssumeOnlyInsideTheOrg"), "{text}");
    assert!(text.contains("`aws:ResourceOrgID`"), "{text}");
    assert!(text.contains("the chain breaks here"), "{text}");
    let rcp = of_rule(&log, "assume_rcp_denied");
    assert_eq!(rcp.len(), 1);
    assert_eq!(at(rcp[0]), ("rcp-org-only.json".to_owned(), 5, 5));
    assert!(!message(rcp[0]).contains("the chain breaks here"));
    assert_eq!(
        rcp[0]["locations"][0]["logicalLocations"][1]["fullyQualifiedName"],
        "rcp-org-only.json:Statement[1]"
    );

    // An SCP without an Allow for the call: at the start of that SCP.
    let (code, log) = cross_account_sarif(&[
        "--external-id",
        "seller-42",
        "--caller-scp",
        "caller-nothing.json",
    ]);
    assert_eq!(code, 1);
    let scp = of_rule(&log, "assume_caller_scp_denied");
    assert_eq!(scp.len(), 1, "{log:#}");
    assert_eq!(at(scp[0]), ("caller-nothing.json".to_owned(), 1, 1));
}

#[test]
fn an_identity_implicit_deny_is_a_sarif_result_at_the_callers_policy() {
    use super::sarif::{at, of_rule};
    let (code, log) = assume_sarif(
        "saas",
        "role-saas.json",
        "cross-account-trust.json",
        &[
            "--caller-arn",
            SESSION,
            "--caller",
            "caller-nothing.json",
            "--caller",
            "caller-assume.json",
            "--external-id",
            "seller-42",
        ],
    );
    // The second policy allows the call: the first names no role, so no result.
    assert_eq!(code, 0, "{log:#}");
    assert!(errors(&log).is_empty(), "{log:#}");

    let (code, log) = assume_sarif(
        "saas",
        "role-saas.json",
        "cross-account-trust.json",
        &[
            "--caller-arn",
            SESSION,
            "--caller",
            "caller-nothing.json",
            "--external-id",
            "seller-42",
        ],
    );
    assert_eq!(code, 1);
    let identity = of_rule(&log, "assume_identity_denied");
    assert_eq!(identity.len(), 1, "{log:#}");
    assert_eq!(errors(&log).len(), 1, "{log:#}");
    assert_eq!(at(identity[0]), ("caller-nothing.json".to_owned(), 1, 1));
    // The statement to add names the role.
    let text = message(identity[0]);
    assert!(
        text.contains(&format!(
            "add: {{\"Effect\":\"Allow\",\"Action\":[\"sts:AssumeRole\"],\"Resource\":\"{ROLE}\"}}"
        )),
        "{text}"
    );
}

#[test]
fn a_session_policy_without_the_action_is_a_sarif_result_in_the_session_policy() {
    use super::sarif::{at, of_rule};
    let (code, log) = cross_account_sarif(&[
        "--external-id",
        "seller-42",
        "--session-policy",
        "session-meter-only.json",
    ]);
    assert_eq!(code, 1);
    let denied = of_rule(&log, "implicit_deny");
    assert!(!denied.is_empty(), "{log:#}");
    assert_eq!(errors(&log).len(), denied.len(), "{log:#}");
    for r in &denied {
        assert_eq!(at(r).0, "session-meter-only.json");
        assert!(message(r).starts_with("session policy"), "{}", message(r));
    }
    assert!(
        denied
            .iter()
            .any(|r| message(r).contains("aws-marketplace:ResolveCustomer"))
    );
}

#[test]
fn a_chain_that_passes_has_no_error_in_sarif() {
    let (code, log) = cross_account_sarif(&["--external-id", "seller-42"]);
    assert_eq!(code, 0);
    assert!(errors(&log).is_empty(), "{log:#}");

    // The role's own policy files have their findings as `check --format sarif` gives them: an over-grant is a
    // warning at its statement, and the chain still passes.
    let scratch = super::scratch("sarif-assume-over-grant");
    write(
        &scratch,
        "role.json",
        r#"{"Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"}]}"#,
    );
    let fixture = |name: &str| dir().join(name).display().to_string();
    let (trust, caller) = (
        fixture("cross-account-trust.json"),
        fixture("caller-assume.json"),
    );
    let args = [
        "check",
        "--product",
        "saas",
        "role.json",
        "--assume",
        &trust,
        "--role-arn",
        ROLE,
        "--caller-arn",
        SESSION,
        "--caller",
        &caller,
        "--external-id",
        "seller-42",
        "--format",
        "sarif",
    ];
    let out = run(&args, &scratch);
    assert_eq!(super::code(&out), 0, "{}", stdout(&out));
    let log = super::sarif::sarif(&out);
    assert!(errors(&log).is_empty(), "{log:#}");
    let over = super::sarif::of_rule(&log, "over_grant");
    assert_eq!(over.len(), 1, "{log:#}");
    assert_eq!(over[0]["level"], "warning");
    assert_eq!(super::sarif::at(over[0]), ("role.json".to_owned(), 2, 17));
    assert_eq!(
        over[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        ROLE
    );

    let anywhere = "issuer=openid-license-manager.amazonaws.com,sub=consumer,amr=aws:license-manager:token-issuer-account-id:444455556666";
    let (code, log) = assume_sarif(
        "container/contracts",
        "role-contracts.json",
        "anywhere-trust.json",
        &["--web-identity", anywhere],
    );
    assert_eq!(code, 0);
    assert!(errors(&log).is_empty(), "{log:#}");
}

#[test]
fn a_deny_only_rcp_limits_who_may_assume_and_an_allow_in_an_rcp_is_refused() {
    // RCPs are Deny statements (RCPFullAWSAccess, attached everywhere, is the Allow): a caller outside the
    // organisation is denied, one inside passes.
    let (code, doc) = cross_account(&["--external-id", "seller-42", "--rcp", "rcp-deny-only.json"]);
    assert_eq!(code, 1);
    assert_eq!(doc["breaks_at"], "role_rcps");
    assert_eq!(
        doc["hops"][3]["statements"][0]["sid"],
        "EnforceOrgIdentities"
    );
    let (code, doc) = cross_account(&[
        "--external-id",
        "seller-42",
        "--rcp",
        "rcp-deny-only.json",
        "--principal-org-id",
        "o-buyerorg",
    ]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["hops"][3]["decision"], "allow");

    // AWS supports Allow only in RCPFullAWSAccess: another Allow is refused where it is written.
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "role-saas.json",
            "--assume",
            "cross-account-trust.json",
            "--role-arn",
            ROLE,
            "--caller-arn",
            SESSION,
            "--caller",
            "caller-assume.json",
            "--rcp",
            "rcp-with-allow.json",
        ],
        &dir(),
    );
    assert_eq!(super::code(&out), 2);
    assert!(
        stderr(&out).contains("rcp-with-allow.json:5:5: Statement[1]: an RCP allows nothing"),
        "{}",
        stderr(&out)
    );
}
