//! No input makes the reader or the checker panic: every nasty document is either a policy or a located error.

use marketplace_iam_policy::{Context, Policy, PolicyFile, PolicySet, check};
use proptest::prelude::*;

const NASTY: &[&[u8]] = &[
    b"",
    b"\xef\xbb\xbf",
    b"\xff\xfe{\x00}",
    b"null",
    b"{\"Statement\": [[]]}",
    b"{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"a:b\": [[[[[[]]]]]]}}}}",
    b"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"\xc3\", \"Resource\": \"*\"}]}",
    b"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"a:\\ud800\", \"Resource\": \"*\"}]}",
    b"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"NumericEquals\": {\"a:b\": 1e999}}}]}",
    b"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"DateEquals\": {\"a:b\": \"99999999999999999999\"}}}]}",
    b"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"ForAnyValue:\": {\"a:b\": \"x\"}}}]}",
    b"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"IfExists\": {\"a:b\": \"x\"}}}]}",
    b"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}\x00",
    b"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \":\", \"Resource\": \"*\"}]}",
];

#[test]
fn nasty_documents_are_errors_with_positions() {
    for bytes in NASTY {
        match Policy::parse_bytes("nasty.json", bytes) {
            Ok(_) => panic!("accepted {:?}", String::from_utf8_lossy(bytes)),
            Err(e) => assert!(e.line >= 1 && e.column >= 1 && !e.message.is_empty(), "{e}"),
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!(
        "{{\"Statement\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(Policy::parse("deep.json", &deep).is_err());
    let deep_object = format!("{}{}", "{\"Id\":".repeat(50_000), "}".repeat(50_000));
    assert!(Policy::parse("deep.json", &deep_object).is_err());
}

#[test]
fn odd_but_valid_values_evaluate_without_panic() {
    let text = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
            "DateLessThan": {"aws:CurrentTime": ["-1", "9999-12-30T00:00:00Z"]},
            "NumericLessThan": {"aws:MultiFactorAuthAge": [1.5, -3]},
            "StringLike": {"aws:PrincipalTag/x": "${aws:username}${*}${"},
            "ArnLike": {"aws:SourceArn": "arn:::::"}
        }}]}"#;
    let set = PolicySet::new(vec![PolicyFile::parse("odd.json", text).unwrap()]);
    let mut ctx = Context::new();
    for (k, v) in [
        ("aws:CurrentTime", "not a date"),
        ("aws:MultiFactorAuthAge", "NaN"),
        ("aws:PrincipalTag/x", "x"),
        ("aws:SourceArn", "arn"),
    ] {
        ctx.insert(k, v);
    }
    let report = check(&set, &["aws-marketplace:MeterUsage".to_owned()], Some(&ctx));
    assert!(!report.is_allowed());
    let _ = report.to_string();
    let _ = report.to_json();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = Policy::parse_bytes("random.json", &bytes);
    }

    #[test]
    fn random_json_shaped_text_never_panics(text in "[{}\\[\\]\":, a-zA-Z0-9*?$]{0,120}") {
        let _ = Policy::parse("random.json", &text);
    }

    #[test]
    fn random_condition_values_never_panic(op in "(ForAnyValue:|ForAllValues:)?(StringLike|DateEquals|NumericGreaterThan|IpAddress|ArnLike|Bool|Null)(IfExists)?",
                                          policy_value in "\\PC{0,20}", request_value in "\\PC{0,20}") {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {op: {"aws:K": policy_value}}}]});
        if let Ok(file) = PolicyFile::parse("p.json", &doc.to_string()) {
            let set = PolicySet::new(vec![file]);
            let ctx: Context = [("aws:k", request_value)].into_iter().collect();
            let _ = set.evaluate("aws-marketplace:MeterUsage", Some(&ctx));
        }
    }
}
