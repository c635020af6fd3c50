//! The published documents prove the AWS page they come from: same policies (with the page's invalid AMI example read
//! as its evident intent), same sections and notes, valid JSON, none of the page's defects.

use std::collections::BTreeSet;

use marketplace_iam_tests::{read, root};
use serde_json::Value;

const SEED: &str = "tests/fixtures/seed-page.md";

/// The JSON code blocks of a Markdown page, in order.
fn code_blocks(page: &str) -> Vec<String> {
    page.split("```")
        .skip(1)
        .step_by(2)
        .map(|b| b.trim_start_matches("json").to_owned())
        .collect()
}

/// Quotes bare `aws-marketplace:Name` tokens, the seed's AMI defect. Returns the text and whether it changed.
fn quote_bare_actions(block: &str) -> (String, bool) {
    let mut out = String::new();
    let mut changed = false;
    for line in block.lines() {
        let t = line.trim();
        if t.starts_with("aws-marketplace:") {
            let (name, rest) = t.split_at(
                t.find(|c: char| c == ',' || c.is_whitespace())
                    .unwrap_or(t.len()),
            );
            out.push_str(&format!("\"{name}\"{rest}\n"));
            changed = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    (out, changed)
}

/// What a policy grants: (effect, action set, resource) per statement, independent of layout and order.
fn meaning(policy: &Value) -> (String, BTreeSet<(String, BTreeSet<String>, String)>) {
    let statements = policy["Statement"].as_array().expect("Statement array");
    let set = statements
        .iter()
        .map(|s| {
            let actions = match &s["Action"] {
                Value::String(a) => BTreeSet::from([a.clone()]),
                Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_owned()).collect(),
                other => panic!("Action: {other}"),
            };
            (
                s["Effect"].as_str().unwrap().to_owned(),
                actions,
                s["Resource"].to_string(),
            )
        })
        .collect();
    (policy["Version"].as_str().unwrap().to_owned(), set)
}

#[test]
fn the_three_product_policies_mean_what_the_seed_page_grants() {
    let blocks = code_blocks(&read(SEED));
    assert_eq!(
        blocks.len(),
        3,
        "the seed page has one policy per product type"
    );
    for (block, product) in blocks.iter().zip(["saas", "ami", "container"]) {
        let (repaired, was_broken) = quote_bare_actions(block);
        // The page's AMI example is invalid JSON (an unquoted action); the others parse as they are.
        assert_eq!(
            serde_json::from_str::<Value>(block).is_err(),
            product == "ami",
            "{product}"
        );
        assert_eq!(was_broken, product == "ami");
        let seed: Value = serde_json::from_str(&repaired).unwrap();
        let ours: Value =
            serde_json::from_str(&read(&format!("docs/policies/{product}.json"))).unwrap();
        assert_eq!(meaning(&ours), meaning(&seed), "{product}");
    }
}

#[test]
fn every_published_json_file_is_a_valid_least_privilege_policy() {
    let mut count = 0;
    for entry in std::fs::read_dir(root().join("docs/policies")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let v: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(v["Version"], "2012-10-17");
        for s in v["Statement"].as_array().unwrap() {
            assert_eq!(s["Effect"], "Allow");
            let resource = s["Resource"].as_str().unwrap();
            for a in s["Action"].as_array().unwrap() {
                let a = a.as_str().unwrap();
                assert!(!a.contains(['*', '?']), "{}: wildcard {a}", path.display());
                let entry =
                    marketplace_iam_model::catalog::lookup(a).unwrap_or_else(|| panic!("{a}"));
                // `"*"` exactly for the actions without resource types; the others on an ARN of their service.
                if entry.resource_types.is_empty() {
                    assert_eq!(resource, "*", "{}: {a}", path.display());
                } else {
                    assert!(
                        resource.starts_with(&format!("arn:aws:{}:", entry.prefix())),
                        "{}: {a} on {resource}",
                        path.display()
                    );
                }
            }
        }
        count += 1;
    }
    assert_eq!(count, 11, "3 product policies and 8 pricing-model policies");
}

#[test]
fn the_page_keeps_the_seed_sections_and_notes_without_its_defects() {
    let seed = read(SEED);
    let page = read("docs/permissions.md");
    // Every section (by its anchor) of the seed page is on ours.
    for anchor in seed
        .split("<a name=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
    {
        assert!(
            page.contains(&format!("<a name=\"{anchor}\">")),
            "section {anchor} missing"
        );
    }
    assert!(page.contains("The first permission is required for all SaaS integrations."));
    assert!(page.contains(
        "How to Best Architect Your AWS Marketplace SaaS Subscription Across Multiple AWS Accounts"
    ));
    assert!(
        seed.contains("Ô¨Å") && !page.contains("Ô¨"),
        "mojibake copied"
    );
    assert!(
        !page.contains("\\("),
        "Markdown escapes of the AWS source copied"
    );
    let blocks = code_blocks(&page);
    assert_eq!(
        blocks.len(),
        3 + 7 + 6,
        "three product policies, seven trust policies, and per notification route its consumer's, encrypted \
         consumer's and queue's policies"
    );
    for b in &blocks {
        serde_json::from_str::<Value>(b)
            .unwrap_or_else(|e| panic!("invalid JSON on the page: {e}\n{b}"));
    }
    // The table of pricing models names every published pricing-model document.
    for f in [
        "saas-subscriptions",
        "saas-contracts",
        "saas-contracts-with-consumption",
        "ami-custom-metering",
        "container-hourly-monthly",
        "container-custom-metering",
    ] {
        assert!(page.contains(&format!("(policies/{f}.json)")), "{f}");
    }
    assert!(
        page.contains("| AMI | [Hourly or annual]"),
        "the no-policy model is on the page"
    );
}
