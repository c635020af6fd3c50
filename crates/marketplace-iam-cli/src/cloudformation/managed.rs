//! The AWS managed policies a Marketplace seller plausibly attaches, with AWS's documents, embedded from
//! `aws-managed-policies.jsonl` (selected from the MAMIP corpus of the policy crate's tests; its first line says
//! the source, commit and date). Any other AWS managed policy is unknown: its grants are not counted.

use std::sync::LazyLock;

use serde::Deserialize;

/// The embedded file: a header line, then one policy per line.
const DATA: &str = include_str!("aws-managed-policies.jsonl");

/// One known AWS managed policy.
#[derive(Debug, Deserialize)]
pub(crate) struct Known {
    /// Its name, e.g. `AWSMarketplaceMeteringFullAccess`.
    pub(crate) name: String,
    /// Its ARN in the commercial partition.
    pub(crate) arn: String,
    /// The default version's id.
    pub(crate) version_id: String,
    /// When that version was created.
    pub(crate) version_date: String,
    /// The document, as JSON text.
    pub(crate) document: String,
}

#[derive(Deserialize)]
struct Header {
    source: String,
    date: String,
}

/// The embedded file's first line: where and when the documents were taken.
static HEADER: LazyLock<Option<Header>> =
    LazyLock::new(|| serde_json::from_str(DATA.lines().next().unwrap_or("")).ok());

/// The embedded policies, read once.
static KNOWN: LazyLock<Vec<Known>> = LazyLock::new(|| {
    DATA.lines()
        .skip(1)
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
});

/// The known AWS managed policy `name`.
pub(crate) fn known(name: &str) -> Option<&'static Known> {
    KNOWN.iter().find(|k| k.name == name)
}

/// The names of the known AWS managed policies.
pub(crate) fn names() -> Vec<&'static str> {
    KNOWN.iter().map(|k| k.name.as_str()).collect()
}

/// Where and when the documents were taken: `https://github.com/z0ph/MAMIP as of 2025-02-22`.
pub(crate) fn source() -> String {
    match &*HEADER {
        Some(h) => format!("{} as of {}", h.source, h.date.get(..10).unwrap_or(&h.date)),
        None => "an unknown source".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_policy_is_read_and_is_a_valid_identity_policy() {
        assert_eq!(KNOWN.len(), DATA.lines().count() - 1);
        assert!(source().contains("2025-02-22"));
        for k in KNOWN.iter() {
            assert!(
                k.arn.ends_with(&k.name) && !k.version_id.is_empty() && !k.version_date.is_empty()
            );
            marketplace_iam_policy::Policy::parse_as(
                marketplace_iam_policy::PolicyKind::Identity,
                &k.name,
                &k.document,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
    }

    /// The embedded selection is a copy: each policy must be, line for line, the corpus entry it was selected from
    /// (the corpus is refreshed by `xtask/scripts/managed_policies.py`; a refresh shows here when the copy is stale).
    #[test]
    fn every_embedded_policy_is_the_corpus_entry_it_was_selected_from() {
        #[derive(Deserialize)]
        struct Entry {
            name: String,
            arn: Option<String>,
            version_id: Option<String>,
            document: String,
        }
        let corpus = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../marketplace-iam-policy/tests/data/aws-managed-policies.jsonl"
        ))
        .expect("the policy crate's corpus");
        let entries: Vec<Entry> = corpus
            .lines()
            .skip(1)
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect();
        assert!(entries.len() >= 1000);
        assert!(!KNOWN.is_empty());
        for k in KNOWN.iter() {
            let entry = entries
                .iter()
                .find(|e| e.name == k.name)
                .unwrap_or_else(|| panic!("{} is not in the corpus", k.name));
            assert_eq!(entry.arn.as_deref(), Some(k.arn.as_str()), "{}", k.name);
            assert_eq!(
                entry.version_id.as_deref(),
                Some(k.version_id.as_str()),
                "{}",
                k.name
            );
            assert_eq!(entry.document, k.document, "{}", k.name);
        }
    }
}
