//! The evaluation corpus: `cases.json` holds policy sets with the decision AWS's documentation gives for them, each
//! with a one-line reason and the page it comes from. One test runs them all and lists every case that disagrees.

use marketplace_iam_policy::{Context, Decision, PolicyFile, PolicySet};
use serde_json::Value;

fn policy(name: String, v: &Value) -> PolicyFile {
    PolicyFile::parse(name.clone(), &v.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn decision(name: &str) -> Decision {
    match name {
        "allow" => Decision::Allow,
        "implicit_deny" => Decision::ImplicitDeny,
        "explicit_deny" => Decision::ExplicitDeny,
        "conditional" => Decision::Conditional,
        other => panic!("unknown expected decision {other:?}"),
    }
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v.map(|v| {
        v.as_array()
            .expect("an array")
            .iter()
            .map(|s| s.as_str().expect("a string").to_owned())
            .collect()
    })
}

#[test]
fn corpus_decisions_match_aws_documentation() {
    let text = include_str!("cases.json");
    let cases: Vec<Value> = serde_json::from_str(text).expect("cases.json is JSON");
    assert!(cases.len() >= 60, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        assert!(names.insert(name), "duplicate case name {name}");
        let reason = case["reason"].as_str().expect("reason");
        assert!(
            case["source"]
                .as_str()
                .is_some_and(|s| s.starts_with("https://")),
            "{name}: source"
        );
        let identity = case["identity"]
            .as_array()
            .expect("identity")
            .iter()
            .enumerate()
            .map(|(i, p)| policy(format!("identity{i}.json"), p))
            .collect();
        let mut set = PolicySet::new(identity);
        if let Some(b) = case.get("boundary") {
            set = set.with_boundary(policy("boundary.json".into(), b));
        }
        for (i, s) in case
            .get("scps")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            set = set.with_scp(policy(format!("scp{i}.json"), s));
        }
        let context = case.get("context").map(|c| {
            let mut ctx = Context::new();
            for (k, v) in c.as_object().expect("context object") {
                match v {
                    Value::String(s) => ctx.insert(k.clone(), s.clone()),
                    Value::Array(a) => a
                        .iter()
                        .for_each(|s| ctx.insert(k.clone(), s.as_str().expect("string"))),
                    other => panic!("{name}: context value {other}"),
                }
            }
            ctx
        });
        let action = case["action"].as_str().expect("action");
        let got = set.evaluate(action, context.as_ref());
        let want = decision(case["expect"].as_str().expect("expect"));
        if got.decision != want {
            failures.push(format!(
                "{name}: expected {want}, got {} ({reason})\n    {got:?}",
                got.decision
            ));
            continue;
        }
        if let Some(sids) = strings(case.get("sids")) {
            let got_sids: Vec<String> = got.statements().filter_map(|s| s.sid).collect();
            if got_sids != sids {
                failures.push(format!(
                    "{name}: expected statements {sids:?}, got {got_sids:?}"
                ));
            }
        }
        if let Some(keys) = strings(case.get("keys")) {
            let got_keys: Vec<String> = got.conditions().map(|c| c.key).collect();
            if got_keys != keys {
                failures.push(format!(
                    "{name}: expected condition keys {keys:?}, got {got_keys:?}"
                ));
            }
        }
        if want == Decision::ImplicitDeny
            && !got
                .statements()
                .all(|s| s.add.as_ref().is_some_and(|a| a.action == [action]))
        {
            failures.push(format!(
                "{name}: an implicit deny must say which statement to add"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases disagree:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
