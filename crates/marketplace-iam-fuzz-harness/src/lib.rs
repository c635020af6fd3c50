//! What each fuzz target does with its input, and the properties it asserts beyond "no panic".
//!
//! The fuzz targets (`fuzz/`, on nightly with libFuzzer) call these functions, and so does `cargo test --workspace`
//! on stable (`tests/fuzz_regressions.rs`), over every minimized input kept in `tests/fuzz-regressions/<target>/`,
//! so a crash found once stays fixed. This crate depends only on the project's crates and `serde_json`, never on
//! libFuzzer.

use marketplace_iam_model::{parse_bytes, render_page, salvage};
use marketplace_iam_policy::{
    Context, Decision, Effect, Policy, PolicyFile, PolicySet, Statement, catalog_actions, check,
};

/// The policies.toml engine: parse and validate arbitrary bytes; on success render every published document,
/// deployment, notification stack and the page, and check that each published document is a policy the checker
/// reads and that allows exactly the actions it lists, and that each notification route's documents, filled, allow
/// their actions on the resources they name; on failure render every diagnostic.
pub fn policies_toml(data: &[u8]) {
    match parse_bytes("policies.toml", data) {
        Ok(policies) => {
            for doc in policies.documents() {
                let json = doc.json();
                let file = PolicyFile::parse(doc.file_name(), &json)
                    .unwrap_or_else(|e| panic!("a rendered document does not read back: {e}"));
                let set = PolicySet::new(vec![file]);
                for action in doc.actions() {
                    assert_eq!(
                        set.evaluate(&action.name, None).decision,
                        Decision::Allow,
                        "{} does not allow its own action {}",
                        doc.file_name(),
                        action.name
                    );
                }
            }
            let _ = render_page(&policies, "policies");
            for deployment in policies.deployments() {
                let _ = marketplace_iam_model::iac::cloudformation(&deployment);
                let _ = marketplace_iam_model::iac::terraform(&deployment);
            }
            notification_documents(&policies);
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "an error without a diagnostic");
            for d in diags.iter() {
                let _ = diags.line_col(d);
            }
            let _ = diags.to_string();
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = salvage(text);
    }
}

/// Every notification route's documents, filled with valid values, read back as policies that allow each of their
/// actions on the resource their pattern names; and every notification stack renders.
fn notification_documents(policies: &marketplace_iam_model::Policies) {
    use marketplace_iam_model::Parameter;
    let values = [
        (Parameter::AccountId, "111122223333"),
        (Parameter::ProductCode, "n0123example4567890abcdef"),
        (Parameter::MarketplaceAccountId, "444455556666"),
        (Parameter::QueueName, "saas-notifications"),
        (Parameter::KeyId, "1234abcd-12ab-34cd-56ef-1234567890ab"),
    ];
    for route in &policies.notifications {
        let documents = [
            (
                route.consumer_policy(policies, true),
                route.consumer_actions(policies, true).collect::<Vec<_>>(),
            ),
            (
                route.subscriber_policy(policies).unwrap_or_default(),
                route
                    .subscriber
                    .iter()
                    .map(|&i| policies.action(i))
                    .collect(),
            ),
        ];
        for (json, actions) in documents.iter().filter(|(json, _)| !json.is_empty()) {
            let filled = Parameter::fill(json, &values)
                .unwrap_or_else(|e| panic!("route {}: a document does not fill: {e}", route.id));
            let file =
                PolicyFile::parse(format!("{}.json", route.id), &filled).unwrap_or_else(|e| {
                    panic!(
                        "route {}: a filled document does not read back: {e}",
                        route.id
                    )
                });
            let set = PolicySet::new(vec![file]);
            for action in actions {
                for pattern in &action.resources {
                    let arn = Parameter::fill(pattern, &values).expect("the pattern fills");
                    if arn.contains(['*', '?']) {
                        continue;
                    }
                    assert_eq!(
                        set.evaluate_on(&action.name, &arn, None).decision,
                        Decision::Allow,
                        "route {}: {} is not allowed on {arn}",
                        route.id,
                        action.name
                    );
                }
            }
        }
        let _ = Parameter::fill(&route.queue_policy(policies), &values);
    }
    let defaults = marketplace_iam_model::iac::Defaults::default();
    for stack in policies.stacks() {
        let _ = marketplace_iam_model::iac::stack_cloudformation(&stack, &defaults);
        let _ = marketplace_iam_model::iac::stack_terraform(&stack, &defaults);
    }
}

/// The IAM policy parser: parse arbitrary bytes; an error must carry a position; a policy must serialise to JSON
/// that reads back as the same policy. The parser's fast path must give up or agree with the strict reader: never
/// accept what it refuses, never read a different policy.
pub fn policy_document(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(e) = marketplace_iam_policy::__readers::compare(text)
    {
        panic!("{e}");
    }
    match Policy::parse_bytes("fuzz.json", data) {
        Ok(policy) => {
            let json = serde_json::to_string(&policy).expect("a policy serialises");
            let again = Policy::parse("fuzz.json", &json).unwrap_or_else(|e| {
                panic!("the serialised policy does not read back: {e}\n{json}")
            });
            assert_eq!(
                policy, again,
                "the serialised policy reads back differently"
            );
        }
        Err(e) => {
            assert!(
                e.line >= 1 && e.column >= 1,
                "an error without a position: {e}"
            );
            let _ = e.to_string();
        }
    }
}

/// Parse + evaluate + report. The input is several parts separated by NUL bytes (which JSON never contains
/// unescaped). The first byte of the first part says what the parts are: bit 0, a permissions boundary; bits 1-2,
/// how many SCPs (0-3); bit 3, whether the last part is a request context (`key=value` lines). The rest of the
/// first part and the other parts are policies: the boundary, then the SCPs, then identity policies. Parts that do
/// not parse are skipped.
///
/// Every catalog action is checked (with and without the context), and the report rendered as text and JSON. A
/// `Deny *` statement added to the first policy must then make every decision an explicit deny.
pub fn evaluate(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let mut parts: Vec<&[u8]> = rest.split(|&b| b == 0).collect();
    let context = if flags & 8 != 0 && parts.len() > 1 {
        let text = parts.pop().unwrap_or_default();
        let mut context = Context::new();
        for line in String::from_utf8_lossy(text).lines() {
            let _ = context.insert_arg(line);
        }
        Some(context)
    } else {
        None
    };
    let mut files: Vec<PolicyFile> = parts
        .iter()
        .enumerate()
        .filter_map(|(i, bytes)| {
            let name = format!("p{i}.json");
            Policy::parse_bytes(&name, bytes)
                .ok()
                .map(|policy| PolicyFile { name, policy })
        })
        .collect();
    let mut set = PolicySet::default();
    if flags & 1 != 0 && !files.is_empty() {
        set.boundary = Some(files.remove(0));
    }
    for _ in 0..(flags >> 1) & 3 {
        if !files.is_empty() {
            set.scps.push(files.remove(0));
        }
    }
    set.identity = files;

    let required = catalog_actions(&[
        "aws-marketplace:MeterUsage",
        "aws-marketplace:BatchMeterUsage",
        "aws-marketplace:ResolveCustomer",
        "aws-marketplace:RegisterUsage",
        "aws-marketplace:GetEntitlements",
        "aws-marketplace:DescribeEntity",
    ])
    .expect("catalog actions");
    for ctx in [None, context.as_ref()] {
        let report = check(&set, &required, ctx);
        let _ = report.to_string();
        let json = report.to_json();
        serde_json::from_str::<serde_json::Value>(&json).expect("the report is JSON");
    }

    let deny_all = Statement {
        sid: None,
        effect: Effect::Deny,
        principal: None,
        actions: marketplace_iam_policy::Actions::Action(["*"].into_iter().collect()),
        resources: Some(marketplace_iam_policy::Resources::Resource(
            ["*"].into_iter().collect(),
        )),
        conditions: Vec::new(),
    };
    let mut denied = set.clone();
    match denied.identity.first_mut() {
        Some(first) => first.policy.statements.push(deny_all),
        None => return,
    }
    for action in &required {
        for ctx in [None, context.as_ref()] {
            assert_eq!(
                denied.evaluate(action, ctx).decision,
                Decision::ExplicitDeny,
                "`Deny *` does not deny {action}"
            );
        }
    }
}
