//! AWS's own managed policies through the checker (the corpus and where it comes from: `tests/data/README.md`).
//!
//! Every document is one IAM accepted, so the strict reader must read every one. For each, `check` decides the
//! `saas` product's actions and every `aws-marketplace` and `license-manager` action of our catalog that the
//! reference (parliament, `tests/parliament/managed_reference.py`) knows, and the decisions are compared with the
//! reference's committed answers: "may be allowed" is our `allow` or `conditional` (parliament counts an `Allow` with
//! a condition as allowing and ignores a `Deny` with a condition), "not allowed" our `implicit_deny` or
//! `explicit_deny`. The differences with a known cause are listed in [`KNOWN`], each with it.

use std::collections::BTreeSet;

use marketplace_iam_policy::__readers::{compare, strict};
use marketplace_iam_policy::{Decision, PolicyFile, PolicySet, check, required_for};
use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");

/// Why parliament says "not allowed" for the tagging actions of the AWS Marketplace Catalog on its ARNs.
const SHARED_NAME: &str = "parliament looks an action up by name in the first service of the prefix that has it: \
    for TagResource, UntagResource and ListTagsForResource that is the AWS Marketplace Deployment Service, whose only \
    resource type is DeploymentParameter (and only resource types marked required count, so for ListTagsForResource \
    only `*` would); in IAM the AWS Marketplace Catalog's actions of the same names apply to its Entity and ChangeSet \
    ARNs, which `arn:aws:aws-marketplace:*:*:AWSMarketplace/*` names, so the policy grants them on those (ours: \
    allowed on at least one resource, right)";

/// (policy, actions, why our checker and parliament answer differently). Every pair must still differ: one that
/// agrees now is a failure, so the list cannot go stale.
const KNOWN: &[(&str, &[&str], &str)] = &[
    (
        "AWSMarketplaceSellerFullAccess",
        &[TAGS_LIST, TAGS_ADD, TAGS_REMOVE],
        SHARED_NAME,
    ),
    (
        "AWSMarketplaceSellerProductsFullAccess",
        &[TAGS_LIST, TAGS_ADD, TAGS_REMOVE],
        SHARED_NAME,
    ),
    (
        "AWSMarketplaceSellerProductsReadOnly",
        &[TAGS_LIST],
        SHARED_NAME,
    ),
    (
        "AWSPrivateMarketplaceAdminFullAccess",
        &[TAGS_LIST, TAGS_ADD, TAGS_REMOVE],
        SHARED_NAME,
    ),
];
const TAGS_LIST: &str = "aws-marketplace:ListTagsForResource";
const TAGS_ADD: &str = "aws-marketplace:TagResource";
const TAGS_REMOVE: &str = "aws-marketplace:UntagResource";

fn known(policy: &str, action: &str) -> bool {
    KNOWN
        .iter()
        .any(|(p, actions, _)| *p == policy && actions.contains(&action))
}

/// The lines of a JSON-lines file of `tests/data/`: the header and the rows.
fn json_lines(file: &str) -> (Value, Vec<Value>) {
    let path = format!("{DATA}{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}:{}: {e}", i + 1)));
    let header = lines.next().unwrap_or_else(|| panic!("{path} is empty"));
    (header, lines.collect())
}

/// The corpus: its header and at least 1,000 policies, as many as the header says.
fn corpus() -> (Value, Vec<Value>) {
    let (header, rows) = json_lines("aws-managed-policies.jsonl");
    assert!(
        rows.len() >= 1_000,
        "the corpus has {} policies",
        rows.len()
    );
    assert_eq!(header["count"], rows.len(), "the corpus header's count");
    (header, rows)
}

/// Fails listing `failures`, if there are any.
fn assert_none(what: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} {what}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("`{key}` is not an array in {v}"))
        .iter()
        .map(|s| s.as_str().expect("a string").to_owned())
        .collect()
}

#[test]
fn every_managed_policy_reads_and_its_decisions_match_parliament() {
    let (corpus, rows) = corpus();
    let (reference, answers) = json_lines("aws-managed-policies.parliament.jsonl");
    assert_eq!(
        reference["corpus"], corpus["commit"],
        "the reference was computed for another corpus: run tests/parliament/managed_reference.py --write"
    );
    assert_eq!(answers.len(), rows.len(), "one reference answer per policy");

    // The saas product's actions first, then every other action the reference answers for.
    let policies =
        marketplace_iam_model::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies.toml"))
            .expect("policies.toml");
    let compared = strings(&reference, "actions");
    assert!(
        compared.len() >= 90,
        "only {} actions compared",
        compared.len()
    );
    let mut required = required_for(&policies, "saas").expect("the saas product");
    for action in &required {
        assert!(
            compared.contains(action),
            "the reference does not answer for {action}, a saas action"
        );
    }
    let others: Vec<String> = compared
        .iter()
        .filter(|a| !required.contains(a))
        .cloned()
        .collect();
    required.extend(others);

    let mut refused = Vec::new();
    let mut differences = Vec::new();
    let mut allowing = 0;
    for (row, answer) in rows.iter().zip(&answers) {
        let name = str_of(row, "name");
        assert_eq!(str_of(answer, "name"), name, "the reference's order");
        let file = match PolicyFile::parse(name, str_of(row, "document")) {
            Ok(file) => file,
            Err(e) => {
                refused.push(format!("{name}: {e}"));
                continue;
            }
        };
        let theirs: BTreeSet<String> = strings(answer, "allowed").into_iter().collect();
        let report = check(&PolicySet::new(vec![file]), &required, None);
        let mut any = false;
        for action in &report.actions {
            let ours = matches!(action.decision, Decision::Allow | Decision::Conditional);
            any |= ours;
            if ours != theirs.contains(&action.action) {
                differences.push((name.to_owned(), action.action.clone(), action.decision));
            }
        }
        allowing += usize::from(any);
    }
    assert_none("of AWS's managed policies refused", &refused);
    // Enough policies allow a compared action for the comparison to prove something.
    assert!(
        allowing >= 40,
        "only {allowing} policies allow a compared action"
    );

    let mut failures = Vec::new();
    for (name, action, decision) in &differences {
        if !known(name, action) {
            let theirs = if matches!(decision, Decision::Allow | Decision::Conditional) {
                "not allowed"
            } else {
                "allowed"
            };
            failures.push(format!(
                "{name}: {action}: ours {decision:?}, parliament {theirs}"
            ));
        }
    }
    for (name, actions, why) in KNOWN {
        for action in *actions {
            if !differences.iter().any(|(p, a, _)| p == name && a == action) {
                failures.push(format!(
                    "{name}: {action}: listed as a known difference, but the answers agree now ({why})"
                ));
            }
        }
    }
    assert_none("differences with parliament", &failures);
}

/// `Policy::parse` returns the fast path's policy when the fast path reads a document, so the first test alone would
/// not see the fast path accept a managed policy the strict reader refuses, or read it differently.
#[test]
fn both_readers_read_every_managed_policy_alike() {
    let (_, rows) = corpus();
    let mut failures = Vec::new();
    let mut fast = 0;
    for row in &rows {
        let (name, text) = (str_of(row, "name"), str_of(row, "document"));
        if let Err(e) = strict(name, text) {
            failures.push(format!("{name}: the strict reader refuses it: {e}"));
        }
        match compare(text) {
            Ok(read) => fast += usize::from(read),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert_none("managed policies read differently", &failures);
    // The fast path reads ordinary documents, and AWS's are: if it gave up on most, it would compare nothing here.
    assert!(
        fast * 10 >= rows.len() * 9,
        "the fast path read only {fast} of {} managed policies",
        rows.len()
    );
}
