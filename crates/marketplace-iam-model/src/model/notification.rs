//! A product's notification routes: how AWS Marketplace tells a SaaS product about subscriptions, cancellations and
//! entitlement changes (the product's Amazon SNS topics, or Amazon EventBridge events), and the grants of the seller's
//! queue that receives them.
//!
//! Every document here is rendered with its `${Parameter}` placeholders kept (the published templates substitute
//! them); [`Parameter::fill`] fills them with validated values.

use crate::json::{self, Json};
use crate::model::{Action, ActionIndex, Policies};
use crate::render;

/// One route by which a product's notifications reach the seller's queue (`[[notifications]]` in policies.toml).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRoute {
    /// Lowercase id (`sns`, `eventbridge`); names the published files.
    pub id: String,
    /// The id of the product whose notifications it carries (`saas`).
    pub product: String,
    /// Display name.
    pub name: String,
    /// What the route is and what the seller deploys for it.
    pub description: String,
    /// The AWS page that documents it.
    pub source: String,
    /// The service principal that sends to the queue (`sns.amazonaws.com`, `events.amazonaws.com`).
    pub sender: String,
    /// The ARN patterns of what may send (the queue policy's `aws:SourceArn`): the product's topics, or the rule.
    pub source_arns: Vec<String>,
    /// The events the rule matches, for a route through Amazon EventBridge.
    pub event_pattern: Option<EventPattern>,
    /// The actions the consumer calls on the queue.
    pub consumer: Vec<ActionIndex>,
    /// The actions the consumer also needs when the queue is encrypted with a customer managed key.
    pub encrypted: Vec<ActionIndex>,
    /// The actions whoever deploys the route needs beyond creating its resources (subscribing to the topics).
    pub subscriber: Vec<ActionIndex>,
    /// The ids of the targets a consumer runs on (each gets a role).
    pub targets: Vec<String>,
}

impl NotificationRoute {
    /// The consumer's actions, then with `encrypted` the key's.
    pub fn consumer_actions<'a>(
        &'a self,
        policies: &'a Policies,
        encrypted: bool,
    ) -> impl Iterator<Item = &'a Action> + 'a {
        let key: &[ActionIndex] = if encrypted { &self.encrypted } else { &[] };
        self.consumer
            .iter()
            .chain(key)
            .map(move |&i| policies.action(i))
    }

    /// The ARN pattern of the queue: the resource of the consumer's actions (checked to be one queue).
    pub fn queue_arn<'a>(&self, policies: &'a Policies) -> &'a str {
        self.consumer
            .first()
            .and_then(|&i| policies.action(i).resources.first())
            .map_or("", String::as_str)
    }

    /// The consumer's identity policy: its actions on the queue, and with `encrypted` `kms:Decrypt` on the key.
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml")?;
    /// let sns = policies.notification("sns").unwrap();
    /// let json = sns.consumer_policy(&policies, false);
    /// assert!(json.contains("\"sqs:ReceiveMessage\""));
    /// assert!(json.contains("\"arn:aws:sqs:us-east-1:${AccountId}:${QueueName}\""));
    /// assert!(!json.contains("\"*\""));
    /// # Ok::<(), marketplace_iam_model::LoadError>(())
    /// ```
    pub fn consumer_policy(&self, policies: &Policies, encrypted: bool) -> String {
        render::grouped_policy(self.consumer_actions(policies, encrypted))
    }

    /// The identity policy of whoever subscribes the queue to the product's topics; `None` for a route without
    /// subscription.
    pub fn subscriber_policy(&self, policies: &Policies) -> Option<String> {
        (!self.subscriber.is_empty())
            .then(|| render::grouped_policy(self.subscriber.iter().map(|&i| policies.action(i))))
    }

    /// The queue policy: only [`sender`](Self::sender), and only for [`source_arns`](Self::source_arns), may send
    /// to the queue.
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml")?;
    /// let sns = policies.notification("sns").unwrap();
    /// let queue_policy: serde_json::Value = serde_json::from_str(&sns.queue_policy(&policies)).unwrap();
    /// let statement = &queue_policy["Statement"][0];
    /// assert_eq!(statement["Principal"]["Service"], "sns.amazonaws.com");
    /// assert_eq!(statement["Action"], "sqs:SendMessage");
    /// assert!(statement["Condition"]["ArnEquals"]["aws:SourceArn"].is_array());
    /// # Ok::<(), marketplace_iam_model::LoadError>(())
    /// ```
    pub fn queue_policy(&self, policies: &Policies) -> String {
        let sources = match self.source_arns.as_slice() {
            [one] => Json::str(one),
            many => Json::Array(many.iter().map(|a| Json::str(a)).collect()),
        };
        let statement = Json::object([
            ("Sid", Json::str(QUEUE_POLICY_SID)),
            ("Effect", Json::str("Allow")),
            (
                "Principal",
                Json::object([("Service", Json::str(&self.sender))]),
            ),
            ("Action", Json::str(SEND_MESSAGE)),
            ("Resource", Json::str(self.queue_arn(policies))),
            (
                "Condition",
                Json::object([("ArnEquals", Json::object([(SOURCE_ARN, sources)]))]),
            ),
        ]);
        json::write(
            &Json::object([
                ("Version", Json::str(render::POLICY_VERSION)),
                ("Statement", Json::Array(vec![statement])),
            ]),
            json::POLICY_INDENT,
        )
    }
}

/// The events an Amazon EventBridge rule matches: one source, some detail types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPattern {
    /// The events' `source` (`aws.agreement-marketplace`).
    pub source: String,
    /// Their `detail-type`s.
    pub detail_types: Vec<String>,
}

impl EventPattern {
    /// The rule's event pattern as JSON (two-space indentation, as templates embed it).
    ///
    /// ```
    /// use marketplace_iam_model::EventPattern;
    ///
    /// let pattern = EventPattern {
    ///     source: "aws.agreement-marketplace".into(),
    ///     detail_types: vec!["Purchase Agreement Created - Manufacturer".into()],
    /// };
    /// let value: serde_json::Value = serde_json::from_str(&pattern.json()).unwrap();
    /// assert_eq!(value["source"][0], "aws.agreement-marketplace");
    /// assert_eq!(value["detail-type"][0], "Purchase Agreement Created - Manufacturer");
    /// ```
    pub fn json(&self) -> String {
        json::write(
            &Json::object([
                ("source", Json::Array(vec![Json::str(&self.source)])),
                (
                    "detail-type",
                    Json::Array(self.detail_types.iter().map(|t| Json::str(t)).collect()),
                ),
            ]),
            "  ",
        )
    }
}

/// The statement id of the queue policy's one statement.
pub const QUEUE_POLICY_SID: &str = "AllowTheProductsNotifications";

/// The action a sender needs on the queue.
pub const SEND_MESSAGE: &str = "sqs:SendMessage";

/// The condition key that names what sends.
const SOURCE_ARN: &str = "aws:SourceArn";
