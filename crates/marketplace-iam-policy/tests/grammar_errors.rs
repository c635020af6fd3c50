//! The grammar's error messages, pinned: file:line:column, JSON path and message for each kind of mistake.

use marketplace_iam_policy::Policy;

/// (what the case shows, the document). Each document is written on several lines so the positions mean something.
const CASES: &[(&str, &str)] = &[
    (
        "invalid JSON",
        "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}",
    ),
    (
        "trailing text after the document",
        "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}} x",
    ),
    ("empty file", ""),
    ("not an object", "[]"),
    ("missing Statement", "{\"Version\": \"2012-10-17\"}"),
    (
        "unknown top-level key",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statements\": []\n}",
    ),
    (
        "bad Version",
        "{\n  \"Version\": \"2012-10-18\",\n  \"Statement\": []\n}",
    ),
    ("null Version", "{\"Version\": null, \"Statement\": []}"),
    ("empty Statement array", "{\n  \"Statement\": []\n}"),
    ("Statement is a string", "{\"Statement\": \"Allow\"}"),
    (
        "Effect in lower case",
        "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},\n    {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},\n    {\n      \"Effect\": \"allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}",
    ),
    (
        "missing Effect",
        "{\n  \"Statement\": [\n    {\"Action\": \"*\", \"Resource\": \"*\"}\n  ]\n}",
    ),
    (
        "Effect is a boolean",
        "{\"Statement\": [{\"Effect\": true, \"Action\": \"*\", \"Resource\": \"*\"}]}",
    ),
    (
        "unknown statement key",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Actions\": \"*\", \"Resource\": \"*\"}]}",
    ),
    (
        "duplicate statement key",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
    ),
    (
        "Action and NotAction",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"NotAction\": \"s3:*\", \"Resource\": \"*\"}]}",
    ),
    (
        "neither Action nor NotAction",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"*\"}]}",
    ),
    (
        "Resource and NotResource",
        "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"NotResource\": \"*\"}}",
    ),
    (
        "empty Action array",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [], \"Resource\": \"*\"}]}",
    ),
    (
        "action without a service prefix",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"aws-marketplace:MeterUsage\", \"RegisterUsage\"], \"Resource\": \"*\"}]}",
    ),
    (
        "number in Action",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"aws-marketplace:MeterUsage\", 7], \"Resource\": \"*\"}]}",
    ),
    (
        "Resource that is not an ARN",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"aws-marketplace\"}]}",
    ),
    (
        "Resource object",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": {}}]}",
    ),
    (
        "unknown condition operator",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\",\n  \"Condition\": {\"StringEqualz\": {\"aws:SourceVpc\": \"vpc-1\"}}}]}",
    ),
    (
        "Null with IfExists",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"NullIfExists\": {\"aws:TokenIssueTime\": \"true\"}}}]}",
    ),
    (
        "duplicate condition operator",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": true}, \"Bool\": {\"aws:MultiFactorAuthPresent\": true}}}]}",
    ),
    (
        "duplicate condition key in another case",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"aws:SourceVpc\": \"a\", \"AWS:SourceVPC\": \"b\"}}}]}",
    ),
    (
        "condition key without a prefix",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"SourceVpc\": \"a\"}}}]}",
    ),
    (
        "operator with no key",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {}}}]}",
    ),
    (
        "empty condition value array",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"aws:SourceVpc\": []}}}]}",
    ),
    (
        "null condition value",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"aws:SourceVpc\": null}}}]}",
    ),
    (
        "nested array condition value",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"aws:SourceVpc\": [\"a\", [\"b\"]]}}}]}",
    ),
    (
        "bad CIDR",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": [\"10.0.0.0/8\", \"10.0.0.0/33\"]}}}]}",
    ),
    (
        "bad date",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"DateLessThan\": {\"aws:CurrentTime\": \"next Tuesday\"}}}]}",
    ),
    (
        "bad number",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"NumericLessThan\": {\"aws:MultiFactorAuthAge\": \"an hour\"}}}]}",
    ),
    (
        "bad boolean",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"yes\"}}}]}",
    ),
    (
        "Condition is an array",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": []}]}",
    ),
    (
        "unknown principal type",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Aws\": \"*\"}, \"Action\": \"*\", \"Resource\": \"*\"}]}",
    ),
    (
        "Principal and NotPrincipal",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"NotPrincipal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
    ),
    (
        "Sid is a number",
        "{\"Statement\": [{\"Sid\": 1, \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
    ),
    (
        "duplicate top-level key",
        "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}, \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}}",
    ),
];

#[test]
fn every_error_is_located_and_named() {
    let mut out = String::new();
    for (what, text) in CASES {
        let err = Policy::parse("policy.json", text).expect_err(what);
        assert_eq!(err.file, "policy.json");
        assert!(
            err.line >= 1 && err.column >= 1,
            "{what}: no position in {err}"
        );
        out.push_str(&format!("{what}\n  {err}\n"));
    }
    insta::assert_snapshot!(out);
}
