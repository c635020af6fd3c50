//! A change to one action reaches exactly the documents that grant it.

use std::collections::BTreeMap;

use marketplace_iam_tests::read;

fn documents(p: &marketplace_iam_model::Policies) -> BTreeMap<String, String> {
    p.documents()
        .iter()
        .map(|d| (d.file_name(), d.json()))
        .collect()
}

#[test]
fn changing_one_action_changes_exactly_the_documents_that_grant_it() {
    let policies = marketplace_iam_model::parse("policies.toml", &read("policies.toml")).unwrap();
    let before = documents(&policies);
    for (i, action) in policies.actions.iter().enumerate() {
        let mut edited = policies.clone();
        edited.actions[i].name = format!("{}Changed", action.name);
        let after = documents(&edited);
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>()
        );
        let changed: Vec<&String> = before.keys().filter(|k| before[*k] != after[*k]).collect();
        let mut granting: Vec<String> = policies
            .documents()
            .iter()
            .filter(|d| d.actions().any(|a| a.id == action.id))
            .map(|d| d.file_name())
            .collect();
        granting.sort();
        assert_eq!(
            changed,
            granting.iter().collect::<Vec<_>>(),
            "{}",
            action.id
        );
        assert!(!granting.is_empty(), "{} is granted somewhere", action.id);
    }
}

#[test]
fn meter_usage_is_granted_where_the_seller_guide_says() {
    let policies = marketplace_iam_model::parse("policies.toml", &read("policies.toml")).unwrap();
    let granting: Vec<String> = policies
        .documents()
        .iter()
        .filter(|d| d.actions().any(|a| a.id == "MeterUsage"))
        .map(|d| d.file_name())
        .collect();
    assert_eq!(
        granting,
        [
            "ami.json",
            "ami-custom-metering.json",
            "container-custom-metering.json"
        ]
    );
}
