//! Rendering the JSON the engine publishes: each product's and pricing model's identity policy, each deployment
//! target's trust policy, and each notification route's consumer, subscriber and queue policies and event pattern
//! (with their `${Parameter}` placeholders kept). All are built as JSON values and written by the engine's one JSON
//! writer (`json`), as are the templates of `iac`.

use crate::json::{self, Json};
use crate::model::{
    Action, ActionIndex, Document, EventPattern, NotificationRoute, Policies, QUEUE_POLICY_SID,
    SEND_MESSAGE, SOURCE_ARN, Trust,
};

/// Renders the identity policy that allows exactly `actions` on `"*"`.
///
/// The output is canonical and byte-stable: keys in the order `Version`, `Statement`, then `Effect`, `Action`,
/// `Resource`; four-space indentation; one action per line in the order given; a trailing newline. The same
/// input always gives the same bytes, so the published files and the constants baked into seller services can be
/// compared byte for byte.
///
/// `Resource` is `"*"`: for actions without resource types (the metering and entitlement actions) a statement that
/// names an ARN does not grant them. A document whose actions have resource types ([`Document::json`]) gives those
/// their ARN patterns in a statement of their own.
///
/// # Examples
///
/// ```
/// let json = marketplace_iam_model::render_policy(&["aws-marketplace:MeterUsage"]);
/// assert_eq!(json, r#"{
///     "Version": "2012-10-17",
///     "Statement": [
///         {
///             "Effect": "Allow",
///             "Action": [
///                 "aws-marketplace:MeterUsage"
///             ],
///             "Resource": "*"
///         }
///     ]
/// }
/// "#);
/// ```
pub fn render_policy(actions: &[&str]) -> String {
    json::write(&policy(&[(&[], actions.to_vec())]), json::POLICY_INDENT)
}

/// The identity policy with one statement per group: each allows the group's actions on its ARN patterns, or on
/// `"*"` when it has none.
fn policy<'a>(groups: &[(&'a [String], Vec<&'a str>)]) -> Json<'a> {
    let statements = groups
        .iter()
        .map(|(resources, actions)| {
            let resource = match resources {
                [] => Json::str("*"),
                [one] => Json::str(one),
                many => Json::Array(many.iter().map(|r| Json::str(r)).collect()),
            };
            Json::object([
                ("Effect", Json::str("Allow")),
                (
                    "Action",
                    Json::Array(actions.iter().map(|a| Json::str(a)).collect()),
                ),
                ("Resource", resource),
            ])
        })
        .collect();
    Json::object([
        ("Version", Json::str(POLICY_VERSION)),
        ("Statement", Json::Array(statements)),
    ])
}

/// The names the route's published documents end with (`<stem>-consumer-policy.json`, ...).
pub const CONSUMER_POLICY: &str = "consumer-policy";
/// See [`CONSUMER_POLICY`].
pub const ENCRYPTED_CONSUMER_POLICY: &str = "consumer-policy-encrypted";
/// See [`CONSUMER_POLICY`].
pub const SUBSCRIBER_POLICY: &str = "subscriber-policy";
/// See [`CONSUMER_POLICY`].
pub const QUEUE_POLICY: &str = "queue-policy";

/// The IAM policy language version every rendered document declares.
pub(crate) const POLICY_VERSION: &str = "2012-10-17";

/// The canonical identity policy of `actions` (see [`render_policy`]): one statement for the actions without
/// resource types, on `"*"`, and one per set of ARN patterns for the others, in the order the actions come.
pub(crate) fn grouped_policy<'a>(actions: impl IntoIterator<Item = &'a Action>) -> String {
    let mut groups: Vec<(&[String], Vec<&str>)> = Vec::new();
    for a in actions {
        match groups
            .iter_mut()
            .find(|(r, _)| *r == a.resources.as_slice())
        {
            Some((_, names)) => names.push(&a.name),
            None => groups.push((&a.resources, vec![&a.name])),
        }
    }
    json::write(&policy(&groups), json::POLICY_INDENT)
}

impl Document<'_> {
    /// The canonical IAM policy JSON (see [`render_policy`]): one statement for the actions without resource types,
    /// on `"*"`, and one per set of ARN patterns for the others, in the order the actions are listed.
    ///
    /// # Examples
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml")?;
    /// let ami = policies.documents().into_iter().find(|d| d.file_name() == "ami.json").unwrap();
    /// assert!(ami.json().contains("\"aws-marketplace:MeterUsage\""));
    /// # Ok::<(), marketplace_iam_model::LoadError>(())
    /// ```
    pub fn json(&self) -> String {
        grouped_policy(self.actions())
    }
}

impl Trust {
    /// The canonical trust policy JSON, placeholders kept (`${AccountId}`); byte-stable like [`render_policy`]:
    /// keys in the order `Version`, `Statement`, then `Effect`, `Principal`, `Action`, `Condition` (left out when
    /// there is none, its operators in order of first use, each with its keys in policies.toml order).
    ///
    /// # Examples
    ///
    /// ```
    /// use marketplace_iam_model::{PrincipalKind, Trust};
    ///
    /// let trust = Trust {
    ///     principal_kind: PrincipalKind::Service,
    ///     principal: "ecs-tasks.amazonaws.com".into(),
    ///     action: "sts:AssumeRole".into(),
    ///     conditions: vec![],
    /// };
    /// assert_eq!(trust.render(), r#"{
    ///     "Version": "2012-10-17",
    ///     "Statement": [
    ///         {
    ///             "Effect": "Allow",
    ///             "Principal": {
    ///                 "Service": "ecs-tasks.amazonaws.com"
    ///             },
    ///             "Action": "sts:AssumeRole"
    ///         }
    ///     ]
    /// }
    /// "#);
    /// ```
    pub fn render(&self) -> String {
        json::write(&self.json(), json::POLICY_INDENT)
    }

    fn json(&self) -> Json<'_> {
        let mut statement = vec![
            ("Effect", Json::str("Allow")),
            (
                "Principal",
                Json::object([(self.principal_kind.key(), Json::str(&self.principal))]),
            ),
            ("Action", Json::str(&self.action)),
        ];
        if !self.conditions.is_empty() {
            let mut operators: Vec<&str> = Vec::new();
            for c in &self.conditions {
                if !operators.contains(&c.operator.as_str()) {
                    operators.push(&c.operator);
                }
            }
            let by_operator = operators.into_iter().map(|op| {
                let keys = self
                    .conditions
                    .iter()
                    .filter(|c| c.operator == op)
                    .map(|c| (c.key.as_str(), Json::str(&c.value)));
                (op, Json::object(keys))
            });
            statement.push(("Condition", Json::object(by_operator)));
        }
        Json::object([
            ("Version", Json::str(POLICY_VERSION)),
            ("Statement", Json::Array(vec![Json::object(statement)])),
        ])
    }
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

    /// `<product>-notifications-<route>`: what the route's published files are named after
    /// (`docs/notifications/<stem>-consumer-policy.json`, ...).
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml")?;
    /// assert_eq!(policies.notification("sns").unwrap().stem(), "saas-notifications-sns");
    /// # Ok::<(), marketplace_iam_model::LoadError>(())
    /// ```
    pub fn stem(&self) -> String {
        format!("{}-notifications-{}", self.product, self.id)
    }

    /// The route's documents as published under `docs/notifications/`, with their placeholders: file name and
    /// JSON, for the consumer, the consumer of an encrypted queue, the queue and (a route with topics) the subscriber.
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml")?;
    /// let sns = policies.notification("sns").unwrap();
    /// let names: Vec<String> = sns.published(&policies).into_iter().map(|(name, _)| name).collect();
    /// assert_eq!(names, [
    ///     "saas-notifications-sns-consumer-policy.json",
    ///     "saas-notifications-sns-consumer-policy-encrypted.json",
    ///     "saas-notifications-sns-queue-policy.json",
    ///     "saas-notifications-sns-subscriber-policy.json",
    /// ]);
    /// # Ok::<(), marketplace_iam_model::LoadError>(())
    /// ```
    pub fn published(&self, policies: &Policies) -> Vec<(String, String)> {
        let mut out = vec![
            (
                self.file_name(CONSUMER_POLICY),
                self.consumer_policy(policies, false),
            ),
            (
                self.file_name(ENCRYPTED_CONSUMER_POLICY),
                self.consumer_policy(policies, true),
            ),
            (self.file_name(QUEUE_POLICY), self.queue_policy(policies)),
        ];
        if let Some(subscriber) = self.subscriber_policy(policies) {
            out.push((self.file_name(SUBSCRIBER_POLICY), subscriber));
        }
        out
    }

    /// The published file name of the route's `document` ([`CONSUMER_POLICY`], ...): `<stem>-<document>.json`.
    ///
    /// ```
    /// use marketplace_iam_model::SUBSCRIBER_POLICY;
    ///
    /// let policies = marketplace_iam_model::load("../../policies.toml")?;
    /// let sns = policies.notification("sns").unwrap();
    /// assert_eq!(sns.file_name(SUBSCRIBER_POLICY), "saas-notifications-sns-subscriber-policy.json");
    /// # Ok::<(), marketplace_iam_model::LoadError>(())
    /// ```
    pub fn file_name(&self, document: &str) -> String {
        format!("{}-{document}.json", self.stem())
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
        grouped_policy(self.consumer_actions(policies, encrypted))
    }

    /// The identity policy of whoever subscribes the queue to the product's topics; `None` for a route without
    /// subscription.
    pub fn subscriber_policy(&self, policies: &Policies) -> Option<String> {
        (!self.subscriber.is_empty())
            .then(|| grouped_policy(self.subscriber.iter().map(|&i| policies.action(i))))
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
                ("Version", Json::str(POLICY_VERSION)),
                ("Statement", Json::Array(vec![statement])),
            ]),
            json::POLICY_INDENT,
        )
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Parameter, PrincipalKind, TrustCondition};

    fn parsed(json: &str) -> serde_json::Value {
        serde_json::from_str(json).expect("valid JSON")
    }

    #[test]
    fn renders_valid_json_with_the_given_actions_in_order() {
        let json = render_policy(&[
            "aws-marketplace:ResolveCustomer",
            "aws-marketplace:BatchMeterUsage",
        ]);
        let v = parsed(&json);
        assert_eq!(v["Version"], "2012-10-17");
        let st = &v["Statement"][0];
        assert_eq!(st["Effect"], "Allow");
        assert_eq!(st["Resource"], "*");
        assert_eq!(
            st["Action"],
            serde_json::json!([
                "aws-marketplace:ResolveCustomer",
                "aws-marketplace:BatchMeterUsage"
            ])
        );
        assert_eq!(v["Statement"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn is_byte_stable_with_fixed_key_order_and_trailing_newline() {
        let a = render_policy(&["aws-marketplace:MeterUsage"]);
        assert_eq!(a, render_policy(&["aws-marketplace:MeterUsage"]));
        assert!(a.ends_with("}\n") && !a.ends_with("\n\n"));
        let keys: Vec<usize> = [
            "\"Version\"",
            "\"Statement\"",
            "\"Effect\"",
            "\"Action\"",
            "\"Resource\"",
        ]
        .iter()
        .map(|k| a.find(k).unwrap())
        .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{a}");
        assert!(!a.contains('\t'));
    }

    #[test]
    fn escapes_what_json_requires() {
        let json = render_policy(&["a\"b\\c\nd\u{1}"]);
        assert_eq!(
            parsed(&json)["Statement"][0]["Action"][0],
            "a\"b\\c\nd\u{1}"
        );
    }

    #[test]
    fn empty_action_list_is_still_valid_json() {
        assert_eq!(
            parsed(&render_policy(&[]))["Statement"][0]["Action"],
            serde_json::json!([])
        );
    }

    #[test]
    fn trust_policy_renders_canonically_with_placeholders() {
        let trust = Trust {
            principal_kind: PrincipalKind::Federated,
            principal: "arn:aws:iam::${AccountId}:oidc-provider/${OidcProvider}".into(),
            action: "sts:AssumeRoleWithWebIdentity".into(),
            conditions: vec![
                TrustCondition {
                    operator: "StringEquals".into(),
                    key: "${OidcProvider}:sub".into(),
                    value: "system:serviceaccount:${Namespace}:${ServiceAccount}".into(),
                },
                TrustCondition {
                    operator: "StringLike".into(),
                    key: "aws:SourceArn".into(),
                    value: "arn:aws:eks:*".into(),
                },
                TrustCondition {
                    operator: "StringEquals".into(),
                    key: "${OidcProvider}:aud".into(),
                    value: "sts.amazonaws.com".into(),
                },
            ],
        };
        assert_eq!(
            trust.parameters(),
            [
                Parameter::AccountId,
                Parameter::OidcProvider,
                Parameter::Namespace,
                Parameter::ServiceAccount
            ]
        );
        // Operators in order of first use, each with its keys in file order.
        assert_eq!(
            trust.render(),
            r#"{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {
                "Federated": "arn:aws:iam::${AccountId}:oidc-provider/${OidcProvider}"
            },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    "${OidcProvider}:sub": "system:serviceaccount:${Namespace}:${ServiceAccount}",
                    "${OidcProvider}:aud": "sts.amazonaws.com"
                },
                "StringLike": {
                    "aws:SourceArn": "arn:aws:eks:*"
                }
            }
        }
    ]
}
"#
        );
        let v = parsed(&trust.render());
        assert_eq!(
            v["Statement"][0]["Condition"]["StringEquals"]["${OidcProvider}:aud"],
            "sts.amazonaws.com"
        );
    }
}
