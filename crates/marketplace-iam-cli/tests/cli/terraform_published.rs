//! Each published `docs/terraform/*.tf.json`, turned into the plan Terraform would print for it, is allowed for
//! its product with no finding.
//!
//! The converter ([`plan_of`]) builds the `terraform show -json` output of a first `terraform plan` of the
//! configuration, and assumes what the published files hold (it fails the test on anything else):
//! - only `resource`, `variable`, `data`, `output` and `terraform` blocks; no modules, `count` or `for_each`;
//! - variables take their `default`, and those without one the sample values of [`SAMPLE_VARIABLES`] (a
//!   `-var` a person gives); a `null` default leaves the attribute unset;
//! - the data sources are `aws_partition` and `aws_caller_identity`, read at plan time into `prior_state` with
//!   [`PARTITION`] and [`ACCOUNT`];
//! - attribute values interpolate only `${var.X}`, `${data.T.N.A}` and `${T.N.A}` (no functions); a string
//!   that refers to another resource's attribute (`${aws_iam_role.metering.name}`) is known only after apply:
//!   absent from `planned_values`, `true` in `after_unknown`, and its references in `configuration`, as
//!   Terraform prints them (`["aws_iam_role.metering.name", "aws_iam_role.metering"]`);
//! - the attributes AWS computes (`arn`, `id`, `unique_id`, `policy_id`, and `name` where `name_prefix` is
//!   set) are known only after apply, and so are `aws_iam_role`'s `inline_policy` and `managed_policy_arns`,
//!   which these files do not set.

use serde_json::{Map, json};

use super::*;

/// `-var` values for the variables without a default.
const SAMPLE_VARIABLES: &[(&str, &str)] = &[
    (
        "trusted_role_arn",
        "arn:aws:iam::444455556666:role/application",
    ),
    ("external_id", "marketplace-example-external-id"),
    (
        "oidc_provider",
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
    ),
    ("namespace", "metering"),
    ("service_account", "meter"),
];
/// What `data.aws_caller_identity.current.account_id` reads.
const ACCOUNT: &str = "111122223333";
/// What `data.aws_partition.current.partition` reads.
const PARTITION: &str = "aws";

/// The value of one `${...}` interpolation: `Ok(Some(value))` for a variable or data source, `Ok(None)` for a
/// variable that is `null`, `Err(references)` for a resource's attribute, known only after apply.
fn interpolation(
    expr: &str,
    variables: &Map<String, Value>,
) -> Result<Option<String>, Vec<String>> {
    if let Some(name) = expr.strip_prefix("var.") {
        let declared = variables
            .get(name)
            .unwrap_or_else(|| panic!("undeclared variable {name}"));
        return Ok(match declared.get("default") {
            Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                panic!("variable {name}: a default the converter does not read: {other}")
            }
            None => Some(
                SAMPLE_VARIABLES
                    .iter()
                    .find(|(n, _)| *n == name)
                    .unwrap_or_else(|| panic!("no sample value for variable {name}"))
                    .1
                    .to_owned(),
            ),
        });
    }
    match expr {
        "data.aws_caller_identity.current.account_id" => return Ok(Some(ACCOUNT.to_owned())),
        "data.aws_partition.current.partition" => return Ok(Some(PARTITION.to_owned())),
        _ => {}
    }
    let parts: Vec<&str> = expr.split('.').collect();
    assert!(
        parts.len() == 3 && parts[0].starts_with("aws_") && !expr.contains(['(', ' ']),
        "an interpolation the converter does not read: {expr}"
    );
    Err(vec![expr.to_owned(), format!("{}.{}", parts[0], parts[1])])
}

/// A string attribute with its interpolations done, as [`interpolation`] returns it.
fn interpolate(text: &str, variables: &Map<String, Value>) -> Result<Option<String>, Vec<String>> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("an unclosed ${") + start;
        match interpolation(&rest[start + 2..end], variables)? {
            Some(v) => out.push_str(&v),
            None if start == 0 && end + 1 == rest.len() && out.is_empty() => return Ok(None),
            None => panic!("a null variable inside a string: {text}"),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(Some(out))
}

/// The plan a first `terraform plan` of the `.tf.json` configuration prints (see the module's documentation).
fn plan_of(config: &Value) -> Value {
    let no_map = Map::new();
    for key in config.as_object().unwrap().keys() {
        assert!(
            ["resource", "variable", "data", "output", "terraform"].contains(&key.as_str()),
            "a block the converter does not read: {key}"
        );
    }
    let variables = config["variable"].as_object().unwrap_or(&no_map);
    let mut planned = Vec::new();
    let mut changes = Vec::new();
    let mut configured = Vec::new();
    for (kind, instances) in config["resource"].as_object().unwrap() {
        for (name, attributes) in instances.as_object().unwrap() {
            let address = format!("{kind}.{name}");
            let mut values = Map::new();
            let mut unknown = Map::new();
            let mut expressions = Map::new();
            for (attribute, value) in attributes.as_object().unwrap() {
                assert!(
                    !["count", "for_each", "dynamic"].contains(&attribute.as_str()),
                    "{address}: {attribute}"
                );
                let text = value
                    .as_str()
                    .unwrap_or_else(|| panic!("{address}.{attribute}: not a string"));
                match interpolate(text, variables) {
                    Ok(v) => {
                        values.insert(attribute.clone(), json!(v));
                        expressions.insert(attribute.clone(), json!({"constant_value": v}));
                    }
                    Err(references) => {
                        unknown.insert(attribute.clone(), json!(true));
                        expressions.insert(attribute.clone(), json!({"references": references}));
                    }
                }
            }
            let mut computed = vec!["arn", "id", "unique_id", "policy_id", "tags_all"];
            if attributes.get("name_prefix").is_some() {
                computed.push("name");
            }
            if kind == "aws_iam_role" {
                computed.extend(["inline_policy", "managed_policy_arns"]);
            }
            for c in computed {
                if !values.contains_key(c) {
                    unknown.insert(c.to_owned(), json!(true));
                }
            }
            planned.push(
                json!({"address": address, "mode": "managed", "type": kind, "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                "values": values, "sensitive_values": {}}),
            );
            changes.push(json!({"address": address, "mode": "managed", "type": kind, "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["create"], "before": null, "after": values, "after_unknown": unknown,
                           "before_sensitive": false, "after_sensitive": {}}}));
            configured.push(
                json!({"address": address, "mode": "managed", "type": kind, "name": name,
                "provider_config_key": "aws", "expressions": expressions, "schema_version": 0}),
            );
        }
    }
    let mut data = Vec::new();
    for (kind, instances) in config["data"].as_object().unwrap_or(&no_map) {
        for name in instances.as_object().unwrap().keys() {
            let values = match kind.as_str() {
                "aws_partition" => {
                    json!({"partition": PARTITION, "id": PARTITION, "dns_suffix": "amazonaws.com"})
                }
                "aws_caller_identity" => json!({"account_id": ACCOUNT, "id": ACCOUNT,
                    "arn": format!("arn:aws:iam::{ACCOUNT}:user/ci"), "user_id": "AIDAEXAMPLE"}),
                other => panic!("a data source the converter does not read: {other}"),
            };
            data.push(json!({"address": format!("data.{kind}.{name}"), "mode": "data", "type": kind,
                "name": name, "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                "values": values, "sensitive_values": {}}));
        }
    }
    json!({
        "format_version": "1.2", "terraform_version": "1.11.4",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.11.4",
                        "values": {"root_module": {"resources": data}}},
        "configuration": {"root_module": {"resources": configured}},
        "applyable": true, "complete": true, "errored": false,
    })
}

#[test]
fn every_published_configuration_planned_is_allowed_for_its_product_with_no_finding() {
    let dir = scratch("tf-published");
    let ids = product_ids(&dir);
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/terraform");
    let stems = role_template_stems();
    let mut checked = 0;
    for entry in std::fs::read_dir(&docs).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        let Some(stem) = file.strip_suffix(".tf.json") else {
            continue;
        };
        if !stems.iter().any(|s| s == stem) {
            continue;
        }
        let product = product_of(&ids, stem);
        let config: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let plan = write(
            &dir,
            &format!("{stem}.plan.json"),
            &serde_json::to_string_pretty(&plan_of(&config)).unwrap(),
        );
        let outcome = assert_published_allowed(&dir, "--terraform", &plan, product);
        let roles = outcome["roles"].as_array().unwrap();
        assert_eq!(roles.len(), 1, "{stem}");
        for r in roles {
            assert_eq!(r["address"], "aws_iam_role.metering", "{stem}");
            // The policy came through the attachment linked by its references, not a guess.
            let policies = r["report"]["actions"][0]["statements"].to_string();
            assert!(
                policies.contains("aws_iam_policy.metering.policy"),
                "{stem}: {policies}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, stems.len());
}
