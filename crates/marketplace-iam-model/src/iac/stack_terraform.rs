//! A notification stack ([`Stack`]) as a Terraform configuration (JSON syntax, `.tf.json`).

use serde_json::{Map, Value, json};

use super::stack::{DEFAULT_EVENT_BUS, Delivery, Stack};
use super::template::{
    Defaults, TERRAFORM_ACCOUNT, TERRAFORM_PARTITION, terraform_boundary_variable,
    terraform_configuration, terraform_input, terraform_optional_input, terraform_placeholders,
};
use crate::model::{Parameter, PermissionsBoundary};

/// The queue's ARN in the configuration.
const QUEUE_ARN: &str = "${aws_sqs_queue.notifications.arn}";
/// The Region the provider deploys in.
const REGION: &str = "data.aws_region.current.name";

/// A document of the route for Terraform: the queue's ARN pattern is the configuration's queue, the account the
/// deployment's, each input its variable, ARNs in the provider's partition.
fn document(stack: &Stack<'_>, text: &str) -> String {
    let queue = stack.route.queue_arn(stack.policies);
    let text = text.replace(&format!("\"{queue}\""), &format!("\"{QUEUE_ARN}\""));
    terraform_placeholders(&text, &stack.inputs())
}

/// The Terraform configuration (JSON syntax, `.tf.json`) of a notification stack: variables with validation, the
/// queue (with a precondition on the Region) and its policy, the subscriptions or the rule and its target, the
/// consumer's policy, role and attachment, and outputs. With `key_id` set, the queue is encrypted with that key and
/// the consumer's policy is the route's with the key's actions (a template directive, `%{ if ... }`).
///
/// ```
/// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
/// let stack = policies.stack("eventbridge", "ecs").unwrap();
/// let text = marketplace_iam_model::iac::stack_terraform(&stack, &Default::default());
/// let tf: serde_json::Value = serde_json::from_str(&text).unwrap();
/// assert!(tf["variable"]["queue_name"]["validation"].is_array());
/// assert!(tf["variable"]["key_id"]["default"].is_null());
/// assert_eq!(tf["resource"]["aws_cloudwatch_event_rule"]["notifications"]["name"], "${var.queue_name}");
/// ```
pub fn stack_terraform(stack: &Stack<'_>, defaults: &Defaults<'_>) -> String {
    let optional = stack.optional();
    let mut variables = Map::new();
    for p in stack.inputs() {
        let input = stack.input(p);
        let declaration = if optional.contains(&p) {
            terraform_optional_input(&input, defaults)
        } else {
            terraform_input(&input, defaults)
        };
        variables.insert(p.variable(), declaration);
    }
    let boundary = PermissionsBoundary::VARIABLE;
    variables.insert(boundary.to_owned(), terraform_boundary_variable(defaults));

    let key = optional.first().map(|p| p.variable());
    let queue_name = format!("${{var.{}}}", Parameter::QueueName.variable());
    let region = stack.region();
    let mut queue = json!({
        "name": queue_name,
        "lifecycle": { "precondition": [{
            "condition": format!("${{{REGION} == \"{region}\"}}"),
            "error_message": format!(
                "AWS Marketplace sends the product's notifications in {region}: deploy with a provider of that Region."
            ),
        }]},
    });
    match &key {
        Some(key) => {
            queue["kms_master_key_id"] = json!(format!("${{var.{key}}}"));
            queue["sqs_managed_sse_enabled"] =
                json!(format!("${{var.{key} == null ? true : null}}"));
        }
        None => queue["sqs_managed_sse_enabled"] = json!(true),
    }
    let mut resources = Map::new();
    resources.insert(
        "aws_sqs_queue".to_owned(),
        json!({ "notifications": queue }),
    );
    resources.insert(
        "aws_sqs_queue_policy".to_owned(),
        json!({ "notifications": {
            "queue_url": "${aws_sqs_queue.notifications.url}",
            "policy": document(stack, &stack.route.queue_policy(stack.policies)),
        }}),
    );
    match stack.delivery() {
        Delivery::Topics(topics) => {
            let mut subscriptions = Map::new();
            for (name, arn) in topics {
                let arn: Value = serde_json::from_str(&document(stack, &format!("\"{arn}\"")))
                    .unwrap_or(Value::Null);
                subscriptions.insert(
                    name.replace('-', "_"),
                    json!({
                        "topic_arn": arn,
                        "protocol": "sqs",
                        "endpoint": QUEUE_ARN,
                        "raw_message_delivery": false,
                    }),
                );
            }
            resources.insert(
                "aws_sns_topic_subscription".to_owned(),
                Value::Object(subscriptions),
            );
        }
        Delivery::Rule(pattern) => {
            resources.insert(
                "aws_cloudwatch_event_rule".to_owned(),
                json!({ "notifications": {
                    "name": queue_name,
                    "description": format!("Sends AWS Marketplace's events of the product to the notification queue ({}).", stack.route.source),
                    "event_bus_name": DEFAULT_EVENT_BUS,
                    "event_pattern": pattern,
                }}),
            );
            resources.insert(
                "aws_cloudwatch_event_target".to_owned(),
                json!({ "notifications": {
                    "rule": "${aws_cloudwatch_event_rule.notifications.name}",
                    "event_bus_name": DEFAULT_EVENT_BUS,
                    "target_id": "NotificationQueue",
                    "arn": QUEUE_ARN,
                }}),
            );
        }
    }
    let plain = document(stack, &stack.route.consumer_policy(stack.policies, false));
    let policy = match &key {
        Some(key) => format!(
            "%{{ if var.{key} != null }}{}%{{ else }}{plain}%{{ endif }}",
            document(stack, &stack.route.consumer_policy(stack.policies, true))
        ),
        None => plain,
    };
    resources.insert(
        "aws_iam_policy".to_owned(),
        json!({ "consumer": {
            "name_prefix": "marketplace-notifications-",
            "description": format!(
                "The notification consumer's permissions on its queue ({} route), published by marketplace-iam.",
                stack.route.id
            ),
            "policy": policy,
        }}),
    );
    let trust = terraform_placeholders(&stack.target.trust.render(), &stack.inputs());
    resources.insert(
        "aws_iam_role".to_owned(),
        json!({ "consumer": {
            "name_prefix": "marketplace-notifications-",
            "description": format!(
                "The AWS Marketplace notification consumer on {}: {}",
                stack.target.name, stack.target.attach
            ),
            "assume_role_policy": trust,
            "permissions_boundary": format!("${{var.{boundary}}}"),
        }}),
    );
    resources.insert(
        "aws_iam_role_policy_attachment".to_owned(),
        json!({ "consumer": {
            "role": "${aws_iam_role.consumer.name}",
            "policy_arn": "${aws_iam_policy.consumer.arn}",
        }}),
    );

    let mut data = Map::new();
    let texts: Vec<String> = resources.values().map(Value::to_string).collect();
    if texts.iter().any(|t| t.contains(TERRAFORM_ACCOUNT)) {
        data.insert("aws_caller_identity".to_owned(), json!({ "current": {} }));
    }
    if texts.iter().any(|t| t.contains(TERRAFORM_PARTITION)) {
        data.insert("aws_partition".to_owned(), json!({ "current": {} }));
    }
    data.insert("aws_region".to_owned(), json!({ "current": {} }));

    let mut outputs = Map::new();
    outputs.insert(
        "queue_url".to_owned(),
        json!({ "description": "The notification queue's URL, which the consumer polls.", "value": "${aws_sqs_queue.notifications.url}" }),
    );
    outputs.insert(
        "queue_arn".to_owned(),
        json!({ "description": "The notification queue's ARN.", "value": QUEUE_ARN }),
    );
    outputs.insert(
        "role_arn".to_owned(),
        json!({ "description": "The consumer role's ARN.", "value": "${aws_iam_role.consumer.arn}" }),
    );

    terraform_configuration(variables, data, resources, outputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every input is a validated variable, every placeholder is filled by a variable or the deployment, and no ARN
    /// names a partition of its own.
    #[test]
    fn configurations_leave_no_placeholder_and_no_partition() {
        let policies = crate::load("../../policies.toml").unwrap();
        for stack in policies.stacks() {
            let text = stack_terraform(&stack, &Defaults::default());
            for p in Parameter::ALL {
                assert!(
                    !text.contains(&format!("${{{}}}", p.name())),
                    "{}: {p:?}",
                    stack.stem()
                );
            }
            assert!(!text.contains("\"arn:aws:"), "{}", stack.stem());
            let tf: Value = serde_json::from_str(&text).unwrap();
            for p in stack.inputs() {
                assert!(
                    tf["variable"][p.variable()]["validation"].is_array(),
                    "{}",
                    stack.stem()
                );
            }
        }
    }
}
