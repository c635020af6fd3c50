//! The trust policy of each role: who may assume it. Three findings, each on the statement to fix: a wildcard
//! principal, a cross-account trust without `sts:ExternalId`, and an EKS (IAM roles for service accounts) trust
//! without the service account's `:sub` condition. They are reported; they do not change the verdict.

use serde_json::Value as Json;

use super::roles::{Document, Finding};
use super::token::{Unknowns, display, has_unknown};

/// The condition keys that confine a wildcard principal to an organization, account or principal.
const CONFINING_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:principalorgpaths",
];

/// The strings of a string-or-list field.
fn list(value: Option<&Json>) -> Vec<&str> {
    match value {
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(items)) => items.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether the statement's actions include `action` (by `*`, `sts:*` or its name, any letter case).
fn allows(actions: &[&str], action: &str) -> bool {
    actions.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        a == "*" || a == "sts:*" || a == action || has_unknown(&a)
    })
}

/// The condition keys of a statement (lower case) with their values.
fn condition_keys(statement: &Json) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    if let Some(Json::Object(operators)) = statement.get("Condition") {
        for keys in operators.values() {
            if let Json::Object(keys) = keys {
                for (key, values) in keys {
                    let values = list(Some(values)).into_iter().map(str::to_owned).collect();
                    out.push((key.to_ascii_lowercase(), values));
                }
            }
        }
    }
    out
}

/// The account of an AWS principal: a 12-digit id or the account field of an ARN.
fn account(principal: &str) -> &str {
    if principal.starts_with("arn:") {
        principal.split(':').nth(4).unwrap_or("")
    } else {
        principal
    }
}

/// The findings of a role's trust policy.
pub(crate) fn findings(resolver: &dyn Unknowns, trust: &Document) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, statement) in trust.statement_list().into_iter().enumerate() {
        if statement.get("Effect").and_then(Json::as_str) != Some("Allow") {
            continue;
        }
        let (pos, path) = trust.field(i, "Principal");
        let actions = list(statement.get("Action"));
        let keys = condition_keys(statement);
        let has_key = |k: &str| keys.iter().any(|(key, _)| key == k);
        let principal = statement.get("Principal");
        let (aws, federated) = match principal {
            Some(Json::String(s)) => (vec![s.as_str()], Vec::new()),
            Some(Json::Object(p)) => (list(p.get("AWS")), list(p.get("Federated"))),
            _ => (Vec::new(), Vec::new()),
        };
        let mut finding = |code: &'static str, message: String| {
            out.push(Finding {
                code,
                message,
                pos,
                path: path.clone(),
            });
        };
        if aws.contains(&"*") && !CONFINING_KEYS.iter().any(|k| has_key(k)) {
            finding(
                "wildcard_principal",
                "trusts any principal (`*`) with no condition on the caller's organization, account or ARN: anyone in any account may assume the role; name the account or role that assumes it".to_owned(),
            );
        } else if allows(&actions, "sts:assumerole") && !has_key("sts:externalid") {
            for p in aws.iter().filter(|p| **p != "*") {
                let account = account(p);
                let same = match resolver.account_id() {
                    Some(own) if account == own => true,
                    _ => {
                        has_unknown(account)
                            && resolver
                                .reasons(account)
                                .iter()
                                .all(|r| r.starts_with("`AWS::AccountId`"))
                    }
                };
                if same {
                    continue;
                }
                let whose = if has_unknown(account) {
                    format!(
                        "which may be another account ({})",
                        resolver.reasons(account).join("; ")
                    )
                } else {
                    "another account".to_owned()
                };
                finding(
                    "cross_account_trust_without_external_id",
                    format!(
                        "trusts `{}`, {whose}, without an `sts:ExternalId` condition: add `\"Condition\": {{\"StringEquals\": {{\"sts:ExternalId\": \"...\"}}}}` (the confused-deputy protection)",
                        display(p)
                    ),
                );
            }
        }
        for f in federated.iter().filter(|f| f.contains(":oidc-provider/")) {
            if !allows(&actions, "sts:assumerolewithwebidentity") {
                continue;
            }
            let sub = keys.iter().find(|(k, _)| k.ends_with(":sub"));
            let open = match sub {
                None => true,
                Some((_, values)) => values
                    .iter()
                    .any(|v| v == "*" || v == "system:serviceaccount:*"),
            };
            if open {
                let provider = display(f.split_once(":oidc-provider/").map_or(f, |(_, p)| p));
                finding(
                    "eks_trust_without_sub",
                    format!(
                        "trusts the EKS OIDC provider `{provider}` without a condition on `{provider}:sub`: any service account of the cluster may assume the role; add `\"StringEquals\": {{\"{provider}:sub\": \"system:serviceaccount:<namespace>:<service account>\"}}`"
                    ),
                );
            }
        }
    }
    out
}
