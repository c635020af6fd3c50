//! `check --gaad --who-can-assume`: who may assume each role of an export that may make every call.

use super::*;

const EXPORT: &str = "gaad-assume.json";

fn who(args: &[&str]) -> (i32, Value) {
    let fixture = fixtures().join(EXPORT);
    let mut all = vec![
        "check",
        "--product",
        "saas",
        "--gaad",
        fixture.to_str().unwrap(),
        "--who-can-assume",
        "--format",
        "json",
    ];
    all.extend_from_slice(args);
    let out = run(&all, &fixtures());
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    (code(&out), json(&out))
}

/// The assumers of the one role allowed: (name, decision, the keys of the open conditions).
fn assumers(doc: &Value) -> Vec<(String, String, Vec<String>)> {
    let roles = doc["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 1, "{doc:#}");
    assert_eq!(roles[0]["name"], "metering");
    roles[0]["assumers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let keys = a["conditions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["key"].as_str().unwrap().to_owned())
                .collect();
            (
                a["name"].as_str().unwrap().to_owned(),
                a["decision"].as_str().unwrap().to_owned(),
                keys,
            )
        })
        .collect()
}

fn trusted<'a>(doc: &'a Value, id: &str) -> Option<&'a Value> {
    doc["roles"][0]["trusted"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
}

fn entry(name: &str, decision: &str, keys: &[&str]) -> (String, String, Vec<String>) {
    (
        name.to_owned(),
        decision.to_owned(),
        keys.iter().map(|k| (*k).to_owned()).collect(),
    )
}

#[test]
fn the_export_callers_that_may_assume_the_metering_role_are_listed_with_what_they_need() {
    let (code, doc) = who(&[]);
    // The exit code is --gaad's: a role may make every call.
    assert_eq!(code, 0);
    assert_eq!(doc["verdict"], "allowed");
    // alice: the trust policy trusts the account and her policy allows sts:AssumeRole on the role. carol: only with
    // MFA. app: the trust policy names it, which is enough in the role's account. Not bob (no sts:AssumeRole), not
    // mallory (a Deny of the trust policy names her), not ops (allowed other roles only), not the metering role
    // itself (no sts:AssumeRole in its policies).
    assert_eq!(
        assumers(&doc),
        [
            entry("alice", "allow", &[]),
            entry("carol", "conditional", &["aws:MultiFactorAuthPresent"]),
            entry("app", "allow", &[]),
        ]
    );
    let app = &doc["roles"][0]["assumers"][2];
    assert_eq!(app["type"], "role");
    assert_eq!(app["trust_names_it"], true);
    let alice = &doc["roles"][0]["assumers"][0];
    assert_eq!(alice["trust_names_it"], false);
    let kinds: Vec<&str> = alice["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["identity", "trust"]);

    // Beside them, every principal the trust policy names, with what it must meet.
    let external = trusted(&doc, "arn:aws:iam::999988887777:root").unwrap();
    assert_eq!(external["kind"], "external_account");
    assert_eq!(external["decision"], "conditional");
    assert_eq!(external["conditions"][0]["key"], "sts:ExternalId");
    assert_eq!(external["conditions"][0]["values"][0], "seller-42");
    let irsa = doc["roles"][0]["trusted"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "web_identity")
        .unwrap();
    assert_eq!(irsa["action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(irsa["decision"], "conditional");
    assert!(
        irsa["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["key"].as_str().unwrap().ends_with(":sub")
                && c["values"][0] == "system:serviceaccount:metering:meter"),
        "{irsa:#}"
    );
    assert_eq!(
        trusted(&doc, "arn:aws:iam::111122223333:root").unwrap()["kind"],
        "this_account"
    );
    assert_eq!(
        trusted(&doc, "arn:aws:iam::111122223333:user/mallory").unwrap()["decision"],
        "explicit_deny"
    );
}

#[test]
fn an_scp_and_the_context_take_part_as_in_check_assume() {
    let dir = scratch("gaad-assume-scp");
    let scp = write(
        &dir,
        "roles-only.json",
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "RolesOnly", "Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*",
             "Condition": {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}}]}"#,
    );
    let (code, doc) = who(&["--scp", scp.to_str().unwrap()]);
    assert_eq!(code, 0);
    // The caller's ARN is known: the SCP denies the users outright.
    assert_eq!(assumers(&doc), [entry("app", "allow", &[])]);

    // With --context the context is the request: MFA present decides carol; the external account has no external
    // ID in it, so the trust policy does not admit it.
    let (_, doc) = who(&["--context", "aws:MultiFactorAuthPresent=true"]);
    assert_eq!(
        assumers(&doc),
        [
            entry("alice", "allow", &[]),
            entry("carol", "allow", &[]),
            entry("app", "allow", &[]),
        ]
    );
    assert!(trusted(&doc, "arn:aws:iam::999988887777:root").is_none());
    let (_, doc) = who(&["--context", "sts:ExternalId=seller-42"]);
    assert_eq!(
        trusted(&doc, "arn:aws:iam::999988887777:root").unwrap()["decision"],
        "allow"
    );
    // ... and the request carries no MFA: carol's policy does not allow it.
    assert_eq!(
        assumers(&doc),
        [entry("alice", "allow", &[]), entry("app", "allow", &[])]
    );
}

#[test]
fn text_and_json_lines_say_the_same() {
    let fixture = fixtures().join(EXPORT);
    let base = [
        "check",
        "--product",
        "saas",
        "--gaad",
        fixture.to_str().unwrap(),
        "--who-can-assume",
    ];
    let out = run(&base, &fixtures());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "role metering  arn:aws:iam::111122223333:role/metering",
        "another account arn:aws:iam::999988887777:root (AWS, sts:AssumeRole): conditional on `sts:ExternalId` StringEquals \"seller-42\"",
        "user carol: conditional on `aws:MultiFactorAuthPresent` Bool \"true\"",
        "role app (the trust policy names it): allow",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    assert!(!text.contains("mallory:"), "{text}");

    let mut jsonl = base.to_vec();
    jsonl.extend(["--format", "jsonl"]);
    let out = run(&jsonl, &fixtures());
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (_, doc) = who(&[]);
    assert_eq!(lines, doc["roles"].as_array().unwrap().clone());
}

#[test]
fn unusable_requests_and_documents_are_errors_with_exit_2() {
    let fixture = fixtures().join(EXPORT);
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "--gaad",
            fixture.to_str().unwrap(),
            "--who-can-assume",
            "--format",
            "sarif",
        ],
        &fixtures(),
    );
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("--who-can-assume answers a question"),
        "{}",
        stderr(&out)
    );

    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "--who-can-assume",
            "role.json",
        ],
        &fixtures(),
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("give it with --gaad"),
        "{}",
        stderr(&out)
    );

    // A trust policy IAM would refuse, in the role allowed: located in the export.
    let dir = scratch("gaad-assume-bad");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&fixture).unwrap()).unwrap();
    doc["RoleDetailList"][0]["AssumeRolePolicyDocument"]["Statement"][0]["Effect"] = "Allw".into();
    let export = serde_json::to_string_pretty(&doc).unwrap();
    let bad = write(&dir, "export.json", &export);
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "--gaad",
            bad.to_str().unwrap(),
            "--who-can-assume",
        ],
        &dir,
    );
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("RoleDetailList[0].AssumeRolePolicyDocument.Statement[0].Effect"),
        "{err}"
    );
    assert!(err.contains("export.json:"), "{err}");

    // A role without a trust policy in the export: said, nobody guessed.
    let export = std::fs::read_to_string(&fixture).unwrap();
    let mut doc: Value = serde_json::from_str(&export).unwrap();
    doc["RoleDetailList"][0]
        .as_object_mut()
        .unwrap()
        .remove("AssumeRolePolicyDocument");
    let bare = write(&dir, "bare.json", &doc.to_string());
    let out = run(
        &[
            "check",
            "--product",
            "saas",
            "--gaad",
            bare.to_str().unwrap(),
            "--who-can-assume",
            "--format",
            "json",
        ],
        &dir,
    );
    let doc = json(&out);
    assert_eq!(doc["roles"][0]["has_trust_policy"], false);
    assert_eq!(doc["roles"][0]["assumers"], serde_json::json!([]));
}
