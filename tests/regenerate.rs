//! A change to one action reaches exactly the documents that grant it.

use std::collections::BTreeMap;

use marketplace_iam_tests::read;

/// Every document the engine renders: the products' and pricing models' policies, and per notification route the
/// consumer's policy (of an encrypted queue, which grants the most) and the subscriber's.
fn documents(p: &marketplace_iam_model::Policies) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = p
        .documents()
        .iter()
        .map(|d| (d.file_name(), d.json()))
        .collect();
    for n in &p.notifications {
        out.insert(format!("{}-consumer", n.id), n.consumer_policy(p, true));
        if let Some(subscriber) = n.subscriber_policy(p) {
            out.insert(format!("{}-subscriber", n.id), subscriber);
        }
    }
    out
}

/// The documents that grant `id`, by the names [`documents`] gives them.
fn granting(p: &marketplace_iam_model::Policies, id: &str) -> Vec<String> {
    let mut out: Vec<String> = p
        .documents()
        .iter()
        .filter(|d| d.actions().any(|a| a.id == id))
        .map(|d| d.file_name())
        .collect();
    for n in &p.notifications {
        if n.consumer_actions(p, true).any(|a| a.id == id) {
            out.push(format!("{}-consumer", n.id));
        }
        if n.subscriber.iter().any(|&i| p.action(i).id == id) {
            out.push(format!("{}-subscriber", n.id));
        }
    }
    out.sort();
    out
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
        let granting = granting(&policies, &action.id);
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
