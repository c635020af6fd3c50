//! Resource-scoped grants with parameters and the notification routes (schema 3): the project's policies.toml,
//! each edited to break one rule, is refused with a located message naming the parameter or the rule.

use marketplace_iam_model::{Diagnostics, Parameter, parse};

const POLICIES: &str = include_str!("../../../policies.toml");

fn refused(edits: &[(&str, &str)]) -> Diagnostics {
    let mut text = POLICIES.to_owned();
    for (from, to) in edits {
        assert!(
            text.contains(from),
            "test bug: {from:?} not in policies.toml"
        );
        text = text.replacen(from, to, 1);
    }
    parse("policies.toml", &text).expect_err("the edited file must be refused")
}

/// The first diagnostic's message, the text at its position, and its help. (A pattern broken in one consumer
/// action also leaves the route's consumer actions on different queues, which is reported after it.)
fn only(edits: &[(&str, &str)]) -> (String, String, String) {
    let d = refused(edits);
    assert!(d.len() <= 3, "one mistake, at most three errors:\n{d}");
    let first = d.iter().next().unwrap();
    let (line, col) = d.line_col(first).expect("located");
    let mut text = POLICIES.to_owned();
    for (from, to) in edits {
        text = text.replacen(from, to, 1);
    }
    let at: String = text
        .lines()
        .nth(line - 1)
        .unwrap()
        .chars()
        .skip(col - 1)
        .collect();
    (
        first.message().to_owned(),
        at,
        first.help().unwrap_or_default().to_owned(),
    )
}

const QUEUE: &str = "resources = [\"arn:aws:sqs:us-east-1:${AccountId}:${QueueName}\"]";

#[test]
fn the_project_file_is_read_with_both_routes() {
    let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    let ids: Vec<&str> = policies
        .notifications
        .iter()
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(ids, ["sns", "eventbridge"]);
    let sns = policies.notification("sns").unwrap();
    let consumer = sns.consumer_policy(&policies, true);
    assert!(
        consumer.contains("arn:aws:kms:us-east-1:${AccountId}:key/${KeyId}"),
        "{consumer}"
    );
    assert!(!consumer.contains("\"*\""), "{consumer}");
    let filled = Parameter::fill(
        &consumer,
        &[
            (Parameter::AccountId, "111122223333"),
            (Parameter::QueueName, "notifications"),
            (Parameter::KeyId, "1234abcd-12ab-34cd-56ef-1234567890ab"),
        ],
    )
    .unwrap();
    let value: serde_json::Value = serde_json::from_str(&filled).unwrap();
    assert_eq!(
        value["Statement"][0]["Resource"],
        "arn:aws:sqs:us-east-1:111122223333:notifications"
    );
    let subscriber = sns.subscriber_policy(&policies).unwrap();
    assert!(subscriber.contains("aws-mp-entitlement-notification-${ProductCode}"));
    let eventbridge = policies.notification("eventbridge").unwrap();
    assert!(eventbridge.subscriber_policy(&policies).is_none());
    let queue = eventbridge.queue_policy(&policies);
    assert!(queue.contains("\"events.amazonaws.com\""));
    assert!(queue.contains("arn:aws:events:us-east-1:${AccountId}:rule/${QueueName}"));
    let pattern = eventbridge.event_pattern.as_ref().unwrap().json();
    assert!(pattern.contains("aws.agreement-marketplace"));
}

#[test]
fn a_parameter_in_a_pattern_needs_schema_3() {
    let d = refused(&[("schema_version = 3", "schema_version = 2")]);
    let messages: Vec<&str> = d.iter().map(|d| d.message()).collect();
    assert!(
        messages.contains(&"a parameter in an ARN pattern needs schema_version = 3"),
        "{d}"
    );
    assert!(
        messages.contains(&"`notifications` needs schema_version = 3"),
        "{d}"
    );
}

#[test]
fn an_unknown_parameter_is_named() {
    let (msg, at, help) = only(&[(
        QUEUE,
        "resources = [\"arn:aws:sqs:us-east-1:${AccountId}:${Queue}\"]",
    )]);
    assert_eq!(msg, "`${Queue}` is not a parameter");
    assert!(
        at.starts_with("\"arn:aws:sqs:us-east-1:${AccountId}:${Queue}\""),
        "{at}"
    );
    assert!(help.contains("`QueueName`"), "{help}");
}

#[test]
fn a_parameter_that_may_hold_colons_is_refused_in_a_pattern() {
    let (msg, _, help) = only(&[(
        QUEUE,
        "resources = [\"arn:aws:sqs:us-east-1:${AccountId}:${TrustedRoleArn}\"]",
    )]);
    assert_eq!(msg, "`${TrustedRoleArn}` cannot be part of an ARN pattern");
    assert!(help.contains("rule:"), "{help}");
}

#[test]
fn a_pattern_of_another_resource_type_is_refused() {
    let (msg, at, help) = only(&[(
        "resources = [\"arn:aws:kms:us-east-1:${AccountId}:key/${KeyId}\"]",
        "resources = [\"arn:aws:kms:us-east-1:${AccountId}:alias/${KeyId}\"]",
    )]);
    assert_eq!(
        msg,
        "`arn:aws:kms:us-east-1:${AccountId}:alias/${KeyId}` fits none of the ARN formats of `kms:Decrypt`"
    );
    assert!(at.starts_with("\"arn:aws:kms"), "{at}");
    assert!(help.contains("key/${KeyId}"), "{help}");
}

#[test]
fn a_wildcard_resource_is_refused_where_the_action_has_resource_types() {
    let (msg, _, help) = only(&[(QUEUE, "resources = [\"*\"]")]);
    assert_eq!(msg, "`*` is not an ARN of `sqs`");
    assert!(help.contains("arn:aws:sqs:"), "{help}");
}

#[test]
fn a_pattern_of_another_service_is_refused() {
    let (msg, ..) = only(&[(
        QUEUE,
        "resources = [\"arn:aws:sns:us-east-1:${AccountId}:${QueueName}\"]",
    )]);
    assert_eq!(
        msg,
        "`arn:aws:sns:us-east-1:${AccountId}:${QueueName}` is not an ARN of `sqs`"
    );
}

#[test]
fn a_route_names_declared_products_and_targets() {
    let (msg, at, help) = only(&[(
        "product = \"saas\"\nname = \"Amazon SNS",
        "product = \"sas\"\nname = \"Amazon SNS",
    )]);
    assert_eq!(msg, "product `sas` is not declared");
    assert_eq!(at, "\"sas\"");
    assert!(help.contains("`saas`"), "{help}");
    let (msg, ..) = only(&[(
        "targets = [\"cross-account\", \"ecs\", \"eks\", \"lambda\"]",
        "targets = [\"cross-account\", \"ecs\", \"eks\", \"lamda\"]",
    )]);
    assert_eq!(msg, "target `lamda` is not declared");
}

#[test]
fn the_consumer_lists_sqs_actions_on_one_queue() {
    let (msg, at, _) = only(&[(
        "consumer = [\"ReceiveMessage\", \"DeleteMessage\", \"GetQueueAttributes\"]\nencrypted = [\"Decrypt\"]\nsubscriber",
        "consumer = [\"ReceiveMessage\", \"Subscribe\", \"GetQueueAttributes\"]\nencrypted = [\"Decrypt\"]\nsubscriber",
    )]);
    assert_eq!(msg, "`Subscribe` is an action of `sns`, not of `sqs`");
    assert_eq!(at, "\"Subscribe\", \"GetQueueAttributes\"]");
    let d = refused(&[(
        "API_DeleteMessage.html\"\nresources = [\"arn:aws:sqs:us-east-1:${AccountId}:${QueueName}\"]",
        "API_DeleteMessage.html\"\nresources = [\"arn:aws:sqs:us-east-1:${AccountId}:other\"]",
    )]);
    let messages: Vec<&str> = d.iter().map(|d| d.message()).collect();
    assert!(
        messages.contains(&"`DeleteMessage` is not granted on the route's one queue"),
        "{d}"
    );
}

#[test]
fn the_sender_is_one_aws_documents_and_a_rule_has_its_events() {
    let (msg, at, help) = only(&[(
        "sender = \"sns.amazonaws.com\"",
        "sender = \"sqs.amazonaws.com\"",
    )]);
    assert_eq!(msg, "`sqs.amazonaws.com` is not a sender of notifications");
    assert_eq!(at, "\"sqs.amazonaws.com\"");
    assert!(help.contains("`events.amazonaws.com`"), "{help}");
    let (msg, ..) = only(&[("event_source = \"aws.agreement-marketplace\"\n", "")]);
    assert_eq!(msg, "notification route `eventbridge` has no event pattern");
    let (msg, ..) = only(&[(
        "source_arns = [\"arn:aws:events:us-east-1:${AccountId}:rule/${QueueName}\"]",
        "source_arns = [\"arn:aws:sns:us-east-1:${AccountId}:rule/${QueueName}\"]",
    )]);
    assert_eq!(
        msg,
        "`arn:aws:sns:us-east-1:${AccountId}:rule/${QueueName}` is not an ARN of `events`"
    );
}

#[test]
fn values_are_checked_when_a_pattern_is_filled() {
    let pattern = "arn:aws:sqs:us-east-1:${AccountId}:${QueueName}";
    let err = Parameter::fill(
        pattern,
        &[
            (Parameter::AccountId, "12345678901"),
            (Parameter::QueueName, "q"),
        ],
    )
    .unwrap_err();
    assert_eq!(
        err,
        "AccountId must be exactly 12 digits, got 11 characters"
    );
    let err = Parameter::fill(
        pattern,
        &[
            (Parameter::AccountId, "123456789012"),
            (Parameter::QueueName, "q.fifo"),
        ],
    )
    .unwrap_err();
    assert!(err.starts_with("QueueName names a FIFO queue"), "{err}");
    let err = Parameter::fill(
        "arn:aws:sns:us-east-1:1:${ProductCode}",
        &[(Parameter::ProductCode, "prod-1")],
    )
    .unwrap_err();
    assert_eq!(
        err,
        "ProductCode may only contain letters and digits, found '-'"
    );
}
