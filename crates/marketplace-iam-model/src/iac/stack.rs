//! A SaaS product's notification stack ([`Stack`]) and its CloudFormation template.
//!
//! One stack is one notification route ([`NotificationRoute`]) with a consumer on one of the route's targets:
//!
//! - a standard SQS queue named `${QueueName}`, encrypted with SQS-managed keys, or with the optional `KeyId`'s
//!   customer managed AWS KMS key (then the consumer is also granted the route's `encrypted` actions on it);
//! - its queue policy ([`NotificationRoute::queue_policy`]): only the route's sender, only from the route's sources;
//! - for a route through Amazon SNS, one subscription of the queue per topic of the route; for one through Amazon
//!   EventBridge, a rule named `${QueueName}` on the default event bus with the route's event pattern, targeting
//!   the queue;
//! - the consumer role: the target's trust policy, as the published roles have it, and the route's consumer policy
//!   ([`NotificationRoute::consumer_policy`]) on the stack's queue.
//!
//! The route's ARN patterns name one Region (`us-east-1`, where AWS Marketplace's topics and events are): a template
//! refuses to deploy elsewhere (a CloudFormation rule, a Terraform precondition).

use serde_json::{Map, Value, json};

use super::template::{
    BOUNDARY_CONDITION, CLOUDFORMATION_PARTITION, Defaults, Input,
    cloudformation_boundary_parameter, cloudformation_given, cloudformation_input,
    cloudformation_optional_input, cloudformation_role_boundary, cloudformation_template,
    cloudformation_trust, parse, partitioned, substitute,
};
use crate::ident;
use crate::model::{NotificationRoute, Parameter, PermissionsBoundary, Policies, Target};

/// One notification route of a product with its consumer on one of the route's targets.
#[derive(Debug, Clone, Copy)]
pub struct Stack<'a> {
    /// The data the route's actions come from.
    pub policies: &'a Policies,
    /// How the notifications reach the queue.
    pub route: &'a NotificationRoute,
    /// Where the consumer runs, and who may assume its role.
    pub target: &'a Target,
}

impl Policies {
    /// Every notification stack: each route on each of its targets, in file order.
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// let stems: Vec<String> = policies.stacks().iter().map(|s| s.stem()).collect();
    /// assert!(stems.contains(&"saas-notifications-sns-cross-account".to_string()));
    /// assert!(stems.contains(&"saas-notifications-eventbridge-lambda".to_string()));
    /// ```
    pub fn stacks(&self) -> Vec<Stack<'_>> {
        let mut out = Vec::new();
        for route in &self.notifications {
            for id in &route.targets {
                if let Some(target) = self.target(id) {
                    out.push(Stack {
                        policies: self,
                        route,
                        target,
                    });
                }
            }
        }
        out
    }

    /// The stack of the route `route` with its consumer on `target`, if the route has that target.
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// assert!(policies.stack("sns", "ecs").is_some());
    /// assert!(policies.stack("sns", "ec2").is_none());
    /// ```
    pub fn stack(&self, route: &str, target: &str) -> Option<Stack<'_>> {
        self.stacks()
            .into_iter()
            .find(|s| s.route.id == route && s.target.id == target)
    }
}

/// The logical id of the queue in a CloudFormation template.
const QUEUE: &str = "NotificationQueue";
/// The condition under which the queue is encrypted with the given key.
const ENCRYPTED_CONDITION: &str = "HasKeyId";
/// The sender principal of a route through Amazon EventBridge: its stack creates a rule.
const EVENTS_SENDER: &str = "events.amazonaws.com";
/// The longest name of an EventBridge rule.
const RULE_NAME_MAX: usize = 64;
/// The event bus AWS Marketplace sends its events to.
pub(super) const DEFAULT_EVENT_BUS: &str = "default";

/// How the route delivers to the queue.
pub(super) enum Delivery<'a> {
    /// Subscriptions of the queue to these topic ARN patterns, each with a name for its resource (kebab case).
    Topics(Vec<(String, &'a str)>),
    /// A rule with this event pattern (JSON).
    Rule(String),
}

impl<'a> Stack<'a> {
    /// `<product>-notifications-<route>-<target>`, e.g. `saas-notifications-sns-ecs`; the published files are
    /// `docs/cloudformation/<stem>.json` and `docs/terraform/<stem>.tf.json`.
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// assert_eq!(policies.stack("sns", "ecs").unwrap().stem(), "saas-notifications-sns-ecs");
    /// ```
    pub fn stem(&self) -> String {
        format!("{}-{}", self.route.stem(), self.target.id)
    }

    /// What the stack is for, in a sentence (the template's description).
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// let text = policies.stack("eventbridge", "lambda").unwrap().description();
    /// assert!(text.starts_with("AWS Marketplace notifications of a SaaS product through Amazon EventBridge"));
    /// ```
    pub fn description(&self) -> String {
        format!(
            "AWS Marketplace notifications of a {} product through {}, with the consumer's role on {}. Generated by marketplace-iam from policies.toml.",
            self.product_name(),
            self.route.name,
            self.target.name
        )
    }

    fn product_name(&self) -> &str {
        self.policies
            .product(&self.route.product)
            .map_or(self.route.product.as_str(), |p| p.name.as_str())
    }

    /// The Region of the queue, the topics and the rule: the one the route's queue ARN pattern names.
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// assert_eq!(policies.stack("eventbridge", "lambda").unwrap().region(), "us-east-1");
    /// ```
    pub fn region(&self) -> &'a str {
        self.route
            .queue_arn(self.policies)
            .split(':')
            .nth(3)
            .unwrap_or_default()
    }

    /// The parameters every value of the stack needs, in order of first use: the queue's, the senders', then the
    /// trust policy's. [`Parameter::AccountId`] is among them; a template takes it from the deployment.
    ///
    /// ```
    /// use marketplace_iam_model::Parameter;
    ///
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// let sns = policies.stack("sns", "cross-account").unwrap();
    /// assert_eq!(
    ///     sns.required(),
    ///     [
    ///         Parameter::AccountId,
    ///         Parameter::QueueName,
    ///         Parameter::MarketplaceAccountId,
    ///         Parameter::ProductCode,
    ///         Parameter::TrustedRoleArn,
    ///         Parameter::ExternalId,
    ///     ]
    /// );
    /// ```
    pub fn required(&self) -> Vec<Parameter> {
        let mut texts: Vec<&str> = vec![self.route.queue_arn(self.policies)];
        texts.extend(self.route.source_arns.iter().map(String::as_str));
        texts.extend(
            self.route
                .consumer_actions(self.policies, false)
                .flat_map(|a| a.resources.iter().map(String::as_str)),
        );
        let mut out = Parameter::used_in_all(texts);
        for p in self.target.trust.parameters() {
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    /// The parameters the stack takes only when they are given: those of the route's `encrypted` actions
    /// ([`Parameter::KeyId`]); with one, the queue is encrypted with that key.
    ///
    /// ```
    /// use marketplace_iam_model::Parameter;
    ///
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// assert_eq!(policies.stack("sns", "lambda").unwrap().optional(), [Parameter::KeyId]);
    /// ```
    pub fn optional(&self) -> Vec<Parameter> {
        let required = self.required();
        let encrypted = self
            .route
            .consumer_actions(self.policies, true)
            .flat_map(|a| a.resources.iter().map(String::as_str));
        Parameter::used_in_all(encrypted)
            .into_iter()
            .filter(|p| !required.contains(p))
            .collect()
    }

    /// The template's inputs: [`required`](Self::required) less the account id, which the deployment supplies, then
    /// the [`optional`](Self::optional) ones.
    ///
    /// ```
    /// use marketplace_iam_model::Parameter;
    ///
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// assert_eq!(
    ///     policies.stack("eventbridge", "lambda").unwrap().inputs(),
    ///     [Parameter::QueueName, Parameter::KeyId]
    /// );
    /// ```
    pub fn inputs(&self) -> Vec<Parameter> {
        self.required()
            .into_iter()
            .filter(|p| *p != Parameter::AccountId)
            .chain(self.optional())
            .collect()
    }

    /// The shortest and longest value of `p` the stack can deploy: the parameter's own [`Parameter::length`], or
    /// shorter where the stack names a resource after it that AWS allows fewer characters: an EventBridge rule
    /// (`rule/${QueueName}` among the route's sources) has a name of at most 64.
    ///
    /// ```
    /// use marketplace_iam_model::Parameter;
    ///
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// assert_eq!(policies.stack("sns", "ecs").unwrap().length(Parameter::QueueName), (1, 80));
    /// assert_eq!(policies.stack("eventbridge", "ecs").unwrap().length(Parameter::QueueName), (1, 64));
    /// ```
    pub fn length(&self, p: Parameter) -> (usize, usize) {
        let (min, max) = p.length();
        let names_rule = self
            .route
            .source_arns
            .iter()
            .any(|arn| arn.ends_with(&format!(":rule/${{{}}}", p.name())));
        if names_rule {
            (min, max.min(RULE_NAME_MAX))
        } else {
            (min, max)
        }
    }

    /// Checks a value of `p` for this stack: the parameter's rule ([`Parameter::check`]), and the
    /// [`length`](Self::length) the stack can deploy; `Err` says what is wrong.
    ///
    /// ```
    /// use marketplace_iam_model::Parameter;
    ///
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// let name = "q".repeat(70);
    /// assert!(policies.stack("sns", "ecs").unwrap().check(Parameter::QueueName, &name).is_ok());
    /// assert_eq!(
    ///     policies.stack("eventbridge", "ecs").unwrap().check(Parameter::QueueName, &name).unwrap_err(),
    ///     "QueueName also names the EventBridge rule, so it must be at most 64 characters long, got 70"
    /// );
    /// ```
    pub fn check(&self, p: Parameter, value: &str) -> Result<(), String> {
        p.check(value)?;
        let (_, max) = self.length(p);
        let n = value.chars().count();
        if n > max {
            return Err(format!(
                "{} also names the EventBridge rule, so it must be at most {max} characters long, got {n}",
                p.name()
            ));
        }
        Ok(())
    }

    /// An input as the templates declare it: its description (for the key, what the key must allow) and its
    /// [`length`](Self::length).
    pub(super) fn input(&self, p: Parameter) -> Input {
        let mut description = p.description().to_owned();
        if self.optional().contains(&p) {
            description = format!(
                "{description} The key must be in {} in this account, and its key policy must let {} call kms:GenerateDataKey and kms:Decrypt, so that it can send to the queue; the consumer role is granted kms:Decrypt on it.",
                self.region(),
                self.route.sender
            );
        }
        let length = self.length(p);
        if length != p.length() {
            description = format!(
                "{description} At most {} characters here: it also names the EventBridge rule.",
                length.1
            );
        }
        Input {
            parameter: p,
            description,
            length,
        }
    }

    /// How the route delivers to the queue: by subscriptions to its topics (sender `sns.amazonaws.com`) or by a
    /// rule (`events.amazonaws.com`, with the route's event pattern).
    pub(super) fn delivery(&self) -> Delivery<'a> {
        let route: &'a NotificationRoute = self.route;
        match (route.sender.as_str(), &route.event_pattern) {
            (EVENTS_SENDER, Some(pattern)) => Delivery::Rule(pattern.json()),
            _ => Delivery::Topics(
                route
                    .source_arns
                    .iter()
                    .map(|arn| (topic_name(arn), arn.as_str()))
                    .collect(),
            ),
        }
    }

    /// The identity policy of whoever deploys the stack beyond creating its resources: `sns:Subscribe` on the
    /// topics, for a route through Amazon SNS; `None` otherwise.
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// let sns = policies.stack("sns", "lambda").unwrap().subscriber_policy().unwrap();
    /// assert!(sns.contains("\"sns:Subscribe\""));
    /// assert!(policies.stack("eventbridge", "lambda").unwrap().subscriber_policy().is_none());
    /// ```
    pub fn subscriber_policy(&self) -> Option<String> {
        self.route.subscriber_policy(self.policies)
    }

    /// The documents of the stack, placeholders kept: the consumer role's policy (with the key's actions when
    /// `encrypted`), the queue policy, and the subscriber's policy where the route has one; each with the name the
    /// command line prints it under.
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// let names: Vec<&str> = policies.stack("sns", "ecs").unwrap().documents(false).iter().map(|d| d.0).collect();
    /// assert_eq!(names, ["consumer_policy", "queue_policy", "subscriber_policy"]);
    /// ```
    pub fn documents(&self, encrypted: bool) -> Vec<(&'static str, String)> {
        let mut out = vec![
            (
                "consumer_policy",
                self.route.consumer_policy(self.policies, encrypted),
            ),
            ("queue_policy", self.route.queue_policy(self.policies)),
        ];
        if let Some(subscriber) = self.subscriber_policy() {
            out.push(("subscriber_policy", subscriber));
        }
        out
    }
}

/// A topic's name without its parameters, for the names of its subscription's resources:
/// `arn:aws:sns:us-east-1:${MarketplaceAccountId}:aws-mp-entitlement-notification-${ProductCode}` gives
/// `aws-mp-entitlement-notification`.
fn topic_name(arn: &str) -> String {
    let name = arn.rsplit(':').next().unwrap_or(arn);
    let mut out = String::new();
    let mut rest = name;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        rest = rest[start..].split_once('}').map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out.trim_matches('-').to_owned()
}

/// A document of the route for CloudFormation: the queue's ARN pattern is the stack's queue, the account the
/// stack's, ARNs in the stack's partition; the strings that keep a parameter are `Fn::Sub`.
fn cloudformation_document(stack: &Stack<'_>, text: &str) -> Value {
    let queue = stack.route.queue_arn(stack.policies);
    let text = text.replace(&format!("\"{queue}\""), &format!("\"${{{QUEUE}.Arn}}\""));
    let text =
        partitioned(&text, CLOUDFORMATION_PARTITION).replace("${AccountId}", "${AWS::AccountId}");
    queue_attribute(substitute(parse(&text)))
}

/// `value` with each `{"Fn::Sub": "${NotificationQueue.Arn}"}` written as the `Fn::GetAtt` it is.
fn queue_attribute(value: Value) -> Value {
    let whole = format!("${{{QUEUE}.Arn}}");
    match value {
        Value::Object(o)
            if o.len() == 1 && o.get("Fn::Sub").and_then(Value::as_str) == Some(whole.as_str()) =>
        {
            json!({ "Fn::GetAtt": [QUEUE, "Arn"] })
        }
        Value::Array(a) => Value::Array(a.into_iter().map(queue_attribute).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| (k, queue_attribute(v)))
                .collect(),
        ),
        other => other,
    }
}

/// The CloudFormation template (JSON) of a notification stack: parameters, the Region rule, the queue and its
/// policy, the subscriptions or the rule, the consumer's policy and role, and outputs.
///
/// ```
/// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
/// let stack = policies.stack("sns", "cross-account").unwrap();
/// let text = marketplace_iam_model::iac::stack_cloudformation(&stack, &Default::default());
/// let template: serde_json::Value = serde_json::from_str(&text).unwrap();
/// assert_eq!(template["Resources"]["NotificationQueue"]["Type"], "AWS::SQS::Queue");
/// assert_eq!(template["Resources"]["ConsumerRole"]["Type"], "AWS::IAM::Role");
/// assert!(template["Parameters"]["ProductCode"]["AllowedPattern"].is_string());
/// assert_eq!(template["Parameters"]["KeyId"]["Default"], "");
/// ```
pub fn stack_cloudformation(stack: &Stack<'_>, defaults: &Defaults<'_>) -> String {
    let optional = stack.optional();
    let mut parameters = Map::new();
    for p in stack.inputs() {
        let input = stack.input(p);
        let declaration = if optional.contains(&p) {
            cloudformation_optional_input(&input, defaults)
        } else {
            cloudformation_input(&input, defaults)
        };
        parameters.insert(p.name().to_owned(), declaration);
    }
    parameters.insert(
        PermissionsBoundary::NAME.to_owned(),
        cloudformation_boundary_parameter(defaults),
    );

    let mut conditions = Map::new();
    conditions.insert(
        BOUNDARY_CONDITION.to_owned(),
        cloudformation_given(PermissionsBoundary::NAME),
    );
    let key = optional.first().copied();
    if let Some(key) = key {
        conditions.insert(
            ENCRYPTED_CONDITION.to_owned(),
            cloudformation_given(key.name()),
        );
    }

    let region = stack.region();
    let mut rules = Map::new();
    rules.insert(
        "InTheRegionOfTheNotifications".to_owned(),
        json!({ "Assertions": [{
            "Assert": { "Fn::Equals": [{ "Ref": "AWS::Region" }, region] },
            "AssertDescription": format!(
                "AWS Marketplace sends the product's notifications in {region}: deploy the stack there."
            ),
        }]}),
    );

    let mut resources = Map::new();
    let no_value = json!({ "Ref": "AWS::NoValue" });
    let queue = match key {
        Some(key) => json!({
            "QueueName": { "Ref": Parameter::QueueName.name() },
            "KmsMasterKeyId": { "Fn::If": [ENCRYPTED_CONDITION, { "Ref": key.name() }, no_value] },
            "SqsManagedSseEnabled": { "Fn::If": [ENCRYPTED_CONDITION, no_value, true] },
        }),
        None => json!({
            "QueueName": { "Ref": Parameter::QueueName.name() },
            "SqsManagedSseEnabled": true,
        }),
    };
    resources.insert(
        QUEUE.to_owned(),
        json!({ "Type": "AWS::SQS::Queue", "Properties": queue }),
    );
    resources.insert(
        "NotificationQueuePolicy".to_owned(),
        json!({
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [{ "Ref": QUEUE }],
                "PolicyDocument": cloudformation_document(stack, &stack.route.queue_policy(stack.policies)),
            },
        }),
    );
    match stack.delivery() {
        Delivery::Topics(topics) => {
            for (name, arn) in topics {
                resources.insert(
                    format!("{}Subscription", ident::upper_camel(&name)),
                    json!({
                        "Type": "AWS::SNS::Subscription",
                        "Properties": {
                            "Protocol": "sqs",
                            "TopicArn": cloudformation_document(stack, &format!("\"{arn}\"")),
                            "Endpoint": { "Fn::GetAtt": [QUEUE, "Arn"] },
                            "RawMessageDelivery": false,
                        },
                    }),
                );
            }
        }
        Delivery::Rule(pattern) => {
            resources.insert(
                "NotificationRule".to_owned(),
                json!({
                    "Type": "AWS::Events::Rule",
                    "Properties": {
                        "Name": { "Ref": Parameter::QueueName.name() },
                        "Description": format!("Sends AWS Marketplace's events of the product to the notification queue ({}).", stack.route.source),
                        "EventBusName": DEFAULT_EVENT_BUS,
                        "EventPattern": parse(&pattern),
                        "State": "ENABLED",
                        "Targets": [{ "Id": QUEUE, "Arn": { "Fn::GetAtt": [QUEUE, "Arn"] } }],
                    },
                }),
            );
        }
    }
    let plain = cloudformation_document(stack, &stack.route.consumer_policy(stack.policies, false));
    let document = if key.is_some() {
        let encrypted =
            cloudformation_document(stack, &stack.route.consumer_policy(stack.policies, true));
        json!({ "Fn::If": [ENCRYPTED_CONDITION, encrypted, plain] })
    } else {
        plain
    };
    resources.insert(
        "ConsumerPolicy".to_owned(),
        json!({
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "Description": format!(
                    "The notification consumer's permissions on its queue ({} route), published by marketplace-iam.",
                    stack.route.id
                ),
                "PolicyDocument": document,
            },
        }),
    );
    resources.insert(
        "ConsumerRole".to_owned(),
        json!({
            "Type": "AWS::IAM::Role",
            "Properties": {
                "Description": format!(
                    "The AWS Marketplace notification consumer on {}: {}",
                    stack.target.name, stack.target.attach
                ),
                "AssumeRolePolicyDocument": cloudformation_trust(stack.target),
                "ManagedPolicyArns": [{ "Ref": "ConsumerPolicy" }],
                "PermissionsBoundary": cloudformation_role_boundary(),
            },
        }),
    );

    let mut outputs = Map::new();
    outputs.insert(
        "QueueUrl".to_owned(),
        json!({ "Description": "The notification queue's URL, which the consumer polls.", "Value": { "Ref": QUEUE } }),
    );
    outputs.insert(
        "QueueArn".to_owned(),
        json!({ "Description": "The notification queue's ARN.", "Value": { "Fn::GetAtt": [QUEUE, "Arn"] } }),
    );
    outputs.insert(
        "RoleArn".to_owned(),
        json!({ "Description": "The consumer role's ARN.", "Value": { "Fn::GetAtt": ["ConsumerRole", "Arn"] } }),
    );

    cloudformation_template(
        stack.description(),
        vec![
            ("Parameters", parameters),
            ("Rules", rules),
            ("Conditions", conditions),
            ("Resources", resources),
            ("Outputs", outputs),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_drop_their_parameters() {
        assert_eq!(
            topic_name(
                "arn:aws:sns:us-east-1:${MarketplaceAccountId}:aws-mp-entitlement-notification-${ProductCode}"
            ),
            "aws-mp-entitlement-notification"
        );
        assert_eq!(topic_name("arn:aws:sns:us-east-1:1:${A}-x-${B}"), "x");
    }

    #[test]
    fn every_route_has_a_stack_per_target_and_each_template_names_only_its_queue() {
        let policies = crate::load("../../policies.toml").unwrap();
        let stacks = policies.stacks();
        let expected: usize = policies.notifications.iter().map(|r| r.targets.len()).sum();
        assert_eq!(stacks.len(), expected);
        for stack in &stacks {
            let text = stack_cloudformation(stack, &Defaults::default());
            // The route's queue ARN pattern is replaced by the queue resource's ARN everywhere.
            assert!(!text.contains(":sqs:"), "{}", stack.stem());
            // An ARN is a whole string (or one of an embedded document); descriptions may cite examples.
            assert!(
                !text.contains("\"arn:aws:"),
                "{}: a hard-coded partition",
                stack.stem()
            );
            let value: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(text, serde_json::to_string_pretty(&value).unwrap() + "\n");
        }
    }
}
