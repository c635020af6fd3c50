//! SaaS notifications: the seller's queue, the policy of its consumer and the queue policy, and the requests to the
//! queue policy that Principal Mapper decides.
//!
//! AWS Marketplace tells a SaaS product about subscriptions and entitlement changes through the product's SNS topics
//! (`aws-mp-subscription-notification-<product code>`, `aws-mp-entitlement-notification-<product code>`, in AWS
//! Marketplace's account, us-east-1), or through Amazon EventBridge events that a rule of the seller's default event
//! bus sends on. Either way the messages land in an SQS queue of the seller account: its queue policy lets only the
//! product's topics (`sns.amazonaws.com`) or only the rule (`events.amazonaws.com`) send, by `aws:SourceArn`; the
//! consumer's identity policy allows `sqs:ReceiveMessage`, `sqs:DeleteMessage` and `sqs:GetQueueAttributes` on that
//! queue alone.
//!
//! # What the endpoint enforces for SQS (moto 5.2.5, `INITIAL_NO_AUTH_ACTION_COUNT` set)
//!
//! Read in the venv's `site-packages/moto/`:
//!
//! - **Identity policies, on the queue's ARN: enforced.** `BaseResponse.call_action` (`core/responses.py`, lines
//!   434-442) takes the resource from the service's `_determine_resource` if it has one, `"*"` otherwise, and calls
//!   `_authenticate_and_authorize_normal_action(resource)`. `SQSResponse._determine_resource` (`sqs/responses.py`,
//!   lines 39-44) returns the ARN of the queue named by the request's `QueueUrl` (the last path segment), or `"*"`
//!   if no such queue exists. `ActionAuthenticatorMixin._authenticate_and_authorize_action`
//!   (`core/authorization.py`, lines 37-65), once the unauthenticated requests are used up, checks the signature and
//!   then `IAMRequest.check_action_permitted(resource)` (`iam/access_control.py`, lines 263-283): over the signer's
//!   identity policies (inline and attached), an explicit `Deny` statement wins, otherwise the request is allowed
//!   only if a statement allows `sqs:<Operation>` (the service of the credential scope and the operation's name)
//!   on a `Resource` pattern that matches the queue's ARN (`*` as the only wildcard, `IAMPolicyStatement._match`,
//!   lines 571-575). A denial is HTTP 403 `AccessDenied`, `User: <arn> is not authorized to perform: sqs:<Operation>`
//!   (`core/exceptions.py`, lines 134-140). So a grant scoped to one queue is allowed on that queue and denied on
//!   another, as in AWS; the SDK cells show it. The signer is the consumer's role, assumed through STS: for its
//!   temporary credentials the identity policies are the role's ([`crate::consumer_role`] cites the lines).
//! - **Queue policies: not enforced.** `check_action_permitted` collects the signer's identity policies only (and a
//!   role's trust policy for `sts:AssumeRole`, lines 279-280); nothing reads a queue's policy. moto stores the
//!   `Policy` attribute (`sqs/models.py`, lines 358 and 651-666) and returns it from GetQueueAttributes (line 530),
//!   nothing more. What SNS delivers to a subscribed queue goes straight into the queue's backend (`SQSBackend.
//!   send_message` from `sns/models.py`, lines 262-308) and so do EventBridge targets (`events/models.py`, lines
//!   234-261), without any policy check: `aws:SourceArn`, the service principal and the queue policy's statements
//!   are never looked at. Every run shows it (see [`crate::server::Iam::sns_probe`]): a message published to a topic
//!   that the queue policy does not admit reaches the queue.
//! - **moto's IAM policy evaluator cannot decide a queue policy either.** `IAMPolicyStatement.is_action_permitted`
//!   (`iam/access_control.py`, lines 471-509) checks a principal only against `Principal.AWS`
//!   (`_check_principal`, lines 535-545: with a `Service` principal it raises `TypeError`), and its conditions
//!   (`iam/policy_conditions.py`) implement `StringEquals` alone: any other operator, `ArnEquals` among them, is
//!   skipped as satisfied (lines 36-40), and a key the request lacks satisfies even `StringEquals` (lines 42-46). Asked
//!   without a principal, it permits another topic's message and one without `aws:SourceArn`. Every run records
//!   that too.
//!
//! # What decides the queue policy instead
//!
//! Principal Mapper (`principalmapper` 1.1.5 from PyPI, by NCC Group), whose local policy simulation evaluates a
//! resource policy for a service principal (`resource_policy_authorization`: the `Service` of `Principal`, the
//! action, the resource, then the condition operators, `ArnEquals` with them), offline and independently of the
//! project's checker. It answers `SERVICE_MATCH` when an `Allow` statement matches and no `Deny` does, `NO_MATCH`
//! when no statement matches (a service principal has no identity policy: nothing grants it), `DENY_MATCH` for an
//! explicit deny.

use std::fmt;

use marketplace_iam_model::{Parameter, Policies};

/// The seller account: the endpoint's (moto's default account, where every user it creates lives).
pub const ACCOUNT: &str = "123456789012";
/// The region of AWS Marketplace's notification topics and of the EventBridge events.
pub const REGION: &str = "us-east-1";
/// The account of the product's notification topics (the parameter `MarketplaceAccountId`, which AWS Marketplace gives
/// the seller with the topic ARNs); any 12-digit account other than the seller's serves the proof.
pub const MARKETPLACE_ACCOUNT: &str = "287250355862";
/// The product's code (25 lowercase letters and digits, the shape of AWS Marketplace's product codes).
pub const PRODUCT_CODE: &str = "e2eproductcode4notify0000";
/// Another product's code: its topics must not reach this product's queue.
pub const OTHER_PRODUCT_CODE: &str = "e2eotherproduct0000000000";
/// The consumer's queue.
pub const QUEUE: &str = "saas-notifications";
/// The id of the customer managed key that encrypts the queue (the parameter `KeyId`: a key id in the shape AWS KMS
/// gives one).
pub const KEY_ID: &str = "0e2e0000-aaaa-4bbb-8ccc-000000000001";
/// Another queue of the seller account, which the consumer must not touch.
pub const OTHER_QUEUE: &str = "another-team-queue";
/// Another rule of the seller's event bus. (The rule that sends AWS Marketplace's events to the queue is named after
/// the queue, as policies.toml's `eventbridge` route says.)
pub const OTHER_RULE: &str = "another-team-rule";

/// How AWS Marketplace's notifications reach the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The product's SNS topics, to which the queue is subscribed.
    Sns,
    /// An EventBridge rule of the seller's default event bus, with the queue as target.
    EventBridge,
}

impl Route {
    /// Both routes.
    pub const ALL: [Route; 2] = [Route::Sns, Route::EventBridge];

    /// The route's id in policies.toml: `sns`, `eventbridge`.
    pub fn name(self) -> &'static str {
        match self {
            Route::Sns => "sns",
            Route::EventBridge => "eventbridge",
        }
    }
}

const SNS: &str = "sns.amazonaws.com";
const EVENTS: &str = "events.amazonaws.com";

/// The values the documents are rendered for: policies.toml's parameters.
#[derive(Debug, Clone, Copy)]
pub struct Parameters<'a> {
    /// The seller account, which owns the queue and the rule (`AccountId`).
    pub account: &'a str,
    /// The queue's name, which also names the rule (`QueueName`).
    pub queue: &'a str,
    /// The product's code, which names its topics (`ProductCode`).
    pub product_code: &'a str,
    /// The account of the product's topics (`MarketplaceAccountId`).
    pub marketplace_account: &'a str,
    /// The id of the key that encrypts the queue (`KeyId`).
    pub key_id: &'a str,
}

impl Parameters<'_> {
    /// The values of this run.
    pub const RUN: Parameters<'static> = Parameters {
        account: ACCOUNT,
        queue: QUEUE,
        product_code: PRODUCT_CODE,
        marketplace_account: MARKETPLACE_ACCOUNT,
        key_id: KEY_ID,
    };

    /// The queue's ARN.
    pub fn queue_arn(&self) -> String {
        queue_arn(self.account, self.queue)
    }

    /// The values, as the engine fills its documents' `${Parameter}` placeholders with them.
    pub(crate) fn values(&self) -> [(Parameter, &str); 5] {
        [
            (Parameter::AccountId, self.account),
            (Parameter::QueueName, self.queue),
            (Parameter::ProductCode, self.product_code),
            (Parameter::MarketplaceAccountId, self.marketplace_account),
            (Parameter::KeyId, self.key_id),
        ]
    }
}

/// `arn:aws:sqs:us-east-1:<account>:<queue>`.
pub fn queue_arn(account: &str, queue: &str) -> String {
    format!("arn:aws:sqs:{REGION}:{account}:{queue}")
}

/// A product's notification topic: `arn:aws:sns:us-east-1:<account>:aws-mp-<kind>-notification-<product code>`.
pub(crate) fn topic_arn(account: &str, kind: &str, product_code: &str) -> String {
    format!("arn:aws:sns:{REGION}:{account}:aws-mp-{kind}-notification-{product_code}")
}

/// A rule of the default event bus: `arn:aws:events:us-east-1:<account>:rule/<rule>`.
fn rule_arn(account: &str, rule: &str) -> String {
    format!("arn:aws:events:{REGION}:{account}:rule/{rule}")
}

/// The documents of a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Documents {
    /// The consumer's identity policy, as JSON.
    pub consumer_policy: String,
    /// The consumer's identity policy for a queue encrypted with a customer managed key (adds the key's actions).
    pub encrypted_consumer_policy: String,
    /// The identity policy of whoever subscribes the queue to the product's topics, as JSON; `None` for a route
    /// without subscription.
    pub subscriber_policy: Option<String>,
    /// The queue's policy, as JSON.
    pub queue_policy: String,
}

/// The seam: the documents the run proves, for `route` and `parameters`.
///
/// This is the one place where the documents come from: the engine renders them from policies.toml (the route's
/// consumer policy, for a queue without and with a customer managed key, its subscriber policy if it has one, and
/// its queue policy) and fills their `${Parameter}` placeholders with the run's values, each checked against its parameter's rule. `Err` says which
/// route or value the engine refused.
pub fn documents(
    policies: &Policies,
    route: Route,
    parameters: &Parameters<'_>,
) -> Result<Documents, String> {
    let engine = policies.notification(route.name()).ok_or_else(|| {
        format!(
            "policies.toml declares no notification route `{}`",
            route.name()
        )
    })?;
    let values = parameters.values();
    let fill = |what: &str, text: String| {
        Parameter::fill(&text, &values)
            .map_err(|e| format!("the {} route's {what}: {e}", route.name()))
    };
    Ok(Documents {
        consumer_policy: fill("consumer policy", engine.consumer_policy(policies, false))?,
        encrypted_consumer_policy: fill(
            "consumer policy for an encrypted queue",
            engine.consumer_policy(policies, true),
        )?,
        subscriber_policy: engine
            .subscriber_policy(policies)
            .map(|policy| fill("subscriber policy", policy))
            .transpose()?,
        queue_policy: fill("queue policy", engine.queue_policy(policies))?,
    })
}

/// Where a request to the queue comes from: its `aws:SourceArn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The product's subscription topic.
    SubscriptionTopic,
    /// The product's entitlement topic.
    EntitlementTopic,
    /// Another product's subscription topic, in AWS Marketplace's account.
    OtherProductTopic,
    /// A topic named like the product's subscription topic, in the seller account instead of AWS Marketplace's.
    LookalikeTopic,
    /// The rule.
    Rule,
    /// Another rule of the seller account.
    OtherRule,
    /// No `aws:SourceArn` in the request.
    None,
}

impl Source {
    /// The `aws:SourceArn`, if any.
    pub fn arn(self, parameters: &Parameters<'_>) -> Option<String> {
        let code = parameters.product_code;
        match self {
            Source::SubscriptionTopic => Some(topic_arn(
                parameters.marketplace_account,
                "subscription",
                code,
            )),
            Source::EntitlementTopic => Some(topic_arn(
                parameters.marketplace_account,
                "entitlement",
                code,
            )),
            Source::OtherProductTopic => Some(topic_arn(
                parameters.marketplace_account,
                "subscription",
                OTHER_PRODUCT_CODE,
            )),
            Source::LookalikeTopic => Some(topic_arn(parameters.account, "subscription", code)),
            Source::Rule => Some(rule_arn(parameters.account, parameters.queue)),
            Source::OtherRule => Some(rule_arn(parameters.account, OTHER_RULE)),
            Source::None => None,
        }
    }

    /// What the source is, for the table.
    pub fn describe(self) -> &'static str {
        match self {
            Source::SubscriptionTopic => "the product's subscription topic",
            Source::EntitlementTopic => "the product's entitlement topic",
            Source::OtherProductTopic => "another product's subscription topic",
            Source::LookalikeTopic => "a same-named topic in the seller account",
            Source::Rule => "the rule, named after the queue",
            Source::OtherRule => "another rule",
            Source::None => "no aws:SourceArn",
        }
    }
}

/// One `sqs:SendMessage` request to the queue, under the queue policy of its route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// Whose queue policy decides it.
    pub route: Route,
    /// The service principal that sends.
    pub principal: &'static str,
    /// Its `aws:SourceArn`.
    pub source: Source,
    /// Whether the queue policy must admit it: only the route's principal, from the product's topics or the rule.
    pub admitted: bool,
}

const fn request(route: Route, principal: &'static str, source: Source, admitted: bool) -> Request {
    Request {
        route,
        principal,
        source,
        admitted,
    }
}

impl Request {
    /// The requests the run decides: on each route, what must pass and, for each part of the statement (the
    /// principal, the source's account and name, the presence of `aws:SourceArn`), a request that differs from a
    /// passing one in that part alone and must be refused.
    pub const ALL: [Request; 10] = [
        request(Route::Sns, SNS, Source::SubscriptionTopic, true),
        request(Route::Sns, SNS, Source::EntitlementTopic, true),
        request(Route::Sns, SNS, Source::OtherProductTopic, false),
        request(Route::Sns, SNS, Source::LookalikeTopic, false),
        request(Route::Sns, SNS, Source::None, false),
        request(Route::Sns, EVENTS, Source::SubscriptionTopic, false),
        request(Route::EventBridge, EVENTS, Source::Rule, true),
        request(Route::EventBridge, EVENTS, Source::OtherRule, false),
        request(Route::EventBridge, EVENTS, Source::None, false),
        request(Route::EventBridge, SNS, Source::Rule, false),
    ];

    /// The IAM action every request is for.
    pub const ACTION: &'static str = "sqs:SendMessage";
}

/// What Principal Mapper decided for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// `SERVICE_MATCH`: an `Allow` statement matches the principal, action, resource and condition, no `Deny` does.
    Admitted {
        /// The Sids of the matching statements.
        statements: Vec<String>,
    },
    /// `NO_MATCH` (nothing grants the service principal) or `DENY_MATCH` (an explicit deny).
    Refused(String),
    /// Any other answer.
    Unexpected(String),
}

impl Verdict {
    /// Reads the helper's answer: `{"pmapper": "SERVICE_MATCH", "statements": ["Sid"], ...}`.
    pub fn read(answer: &serde_json::Value) -> Verdict {
        match answer["pmapper"].as_str() {
            Some("SERVICE_MATCH") => Verdict::Admitted {
                statements: answer["statements"]
                    .as_array()
                    .map(|s| {
                        s.iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            Some(result @ ("NO_MATCH" | "DENY_MATCH")) => Verdict::Refused(result.to_owned()),
            _ => Verdict::Unexpected(format!("unreadable answer: {answer}")),
        }
    }

    /// Whether the queue policy admits the request.
    pub fn admitted(&self) -> bool {
        matches!(self, Verdict::Admitted { .. })
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Admitted { statements } => write!(f, "admitted ({})", statements.join(",")),
            Verdict::Refused(result) => write!(f, "refused ({})", result.to_lowercase()),
            Verdict::Unexpected(_) => f.write_str("UNEXPECTED"),
        }
    }
}

/// Judges what moto's IAM policy evaluator answered to the same requests (`moto`: without a principal,
/// `moto_with_principal`: with the service as principal): if it permits every request, the refused ones too, and
/// fails on a service principal, it cannot decide queue policies, and the evidence says so in one line. Otherwise
/// moto decides some of them now, and an error says to look again.
pub fn moto_cannot_decide(answers: &[serde_json::Value]) -> Result<String, String> {
    let refused = Request::ALL.iter().filter(|r| !r.admitted).count();
    let permits_all = answers.len() == Request::ALL.len()
        && answers
            .iter()
            .all(|a| a["moto"].as_str() == Some("PERMITTED"));
    let raises = answers.iter().all(|a| {
        a["moto_with_principal"]
            .as_str()
            .is_some_and(|s| s.starts_with("TypeError"))
    });
    if permits_all && raises {
        Ok(format!(
            "moto's IAM policy evaluator, asked the same {} requests, permits all of them, the {refused} that must \
             be refused too (it skips ArnEquals and never matches a Service principal), and raises TypeError when \
             given the service principal: it cannot decide queue policies",
            Request::ALL.len()
        ))
    } else {
        let seen: Vec<String> = answers
            .iter()
            .map(|a| format!("{} / {}", a["moto"], a["moto_with_principal"]))
            .collect();
        Err(format!(
            "moto's IAM policy evaluator no longer answers queue policy requests as it did (without a principal / \
             with it: {}): if it decides Service principals and ArnEquals now, it can decide these cells too",
            seen.join("; ")
        ))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn parsed(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    /// The workspace's policies.toml, as the run loads it.
    pub(crate) fn policies() -> Policies {
        marketplace_iam_model::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies.toml"))
            .unwrap()
    }

    /// A string or an array of strings, as an array.
    fn listed(value: &Value) -> Value {
        match value {
            Value::String(_) => json!([value]),
            other => other.clone(),
        }
    }

    #[test]
    fn the_consumer_policy_names_only_its_queue() {
        let policies = policies();
        for route in Route::ALL {
            let docs = documents(&policies, route, &Parameters::RUN).unwrap();
            let policy = parsed(&docs.consumer_policy);
            let statement = &policy["Statement"][0];
            assert_eq!(
                statement["Resource"],
                "arn:aws:sqs:us-east-1:123456789012:saas-notifications"
            );
            assert_eq!(statement["Action"].as_array().unwrap().len(), 3);
            assert_eq!(policy["Statement"].as_array().unwrap().len(), 1);
            assert!(
                !docs.consumer_policy.contains("${"),
                "{}",
                docs.consumer_policy
            );
        }
    }

    #[test]
    fn the_encrypted_consumer_adds_decrypt_on_its_key_and_only_the_sns_route_has_a_subscriber() {
        let policies = policies();
        let sns = documents(&policies, Route::Sns, &Parameters::RUN).unwrap();
        let encrypted = parsed(&sns.encrypted_consumer_policy);
        assert_eq!(
            encrypted["Statement"][0],
            parsed(&sns.consumer_policy)["Statement"][0]
        );
        let key = &encrypted["Statement"][1];
        assert_eq!(listed(&key["Action"]), json!(["kms:Decrypt"]));
        assert_eq!(
            listed(&key["Resource"]),
            json!(["arn:aws:kms:us-east-1:123456789012:key/0e2e0000-aaaa-4bbb-8ccc-000000000001"])
        );
        let subscriber = parsed(sns.subscriber_policy.as_deref().unwrap());
        let statement = &subscriber["Statement"][0];
        assert_eq!(listed(&statement["Action"]), json!(["sns:Subscribe"]));
        assert_eq!(
            listed(&statement["Resource"]),
            json!([
                "arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-e2eproductcode4notify0000",
                "arn:aws:sns:us-east-1:287250355862:aws-mp-entitlement-notification-e2eproductcode4notify0000",
            ])
        );
        let events = documents(&policies, Route::EventBridge, &Parameters::RUN).unwrap();
        assert_eq!(events.subscriber_policy, None);
        assert_eq!(
            events.encrypted_consumer_policy,
            sns.encrypted_consumer_policy
        );
        // The key id is checked like every other value.
        let bad = Parameters {
            key_id: "alias/saas-notifications",
            ..Parameters::RUN
        };
        let error = documents(&policies, Route::Sns, &bad).unwrap_err();
        assert!(
            error.starts_with("the sns route's consumer policy for an encrypted queue: KeyId"),
            "{error}"
        );
    }

    #[test]
    fn the_queue_policy_admits_the_routes_principal_from_its_sources() {
        let policies = policies();
        let sns = parsed(
            &documents(&policies, Route::Sns, &Parameters::RUN)
                .unwrap()
                .queue_policy,
        );
        let statement = &sns["Statement"][0];
        assert_eq!(statement["Principal"]["Service"], "sns.amazonaws.com");
        assert_eq!(
            listed(&statement["Condition"]["ArnEquals"]["aws:SourceArn"]),
            json!([
                "arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-e2eproductcode4notify0000",
                "arn:aws:sns:us-east-1:287250355862:aws-mp-entitlement-notification-e2eproductcode4notify0000",
            ])
        );
        let events = parsed(
            &documents(&policies, Route::EventBridge, &Parameters::RUN)
                .unwrap()
                .queue_policy,
        );
        let statement = &events["Statement"][0];
        assert_eq!(statement["Principal"]["Service"], "events.amazonaws.com");
        assert_eq!(
            listed(&statement["Condition"]["ArnEquals"]["aws:SourceArn"]),
            json!(["arn:aws:events:us-east-1:123456789012:rule/saas-notifications"])
        );
    }

    #[test]
    fn a_value_the_engine_refuses_is_an_error_naming_the_parameter() {
        let policies = policies();
        let bad = Parameters {
            account: "12345",
            ..Parameters::RUN
        };
        let error = documents(&policies, Route::Sns, &bad).unwrap_err();
        assert!(
            error.starts_with("the sns route's consumer policy: AccountId"),
            "{error}"
        );
        let fifo = Parameters {
            queue: "notifications.fifo",
            ..Parameters::RUN
        };
        let error = documents(&policies, Route::EventBridge, &fifo).unwrap_err();
        assert!(error.contains("QueueName"), "{error}");
    }

    #[test]
    fn every_refused_request_differs_from_an_admitted_one_in_one_part() {
        for route in Route::ALL {
            let admitted: Vec<&Request> = Request::ALL
                .iter()
                .filter(|r| r.route == route && r.admitted)
                .collect();
            assert!(!admitted.is_empty());
            let sender = match route {
                Route::Sns => SNS,
                Route::EventBridge => EVENTS,
            };
            assert!(admitted.iter().all(|r| r.principal == sender));
            for refused in Request::ALL
                .iter()
                .filter(|r| r.route == route && !r.admitted)
            {
                let differs = |a: &&&Request| {
                    (a.principal != refused.principal) as u8 + (a.source != refused.source) as u8
                };
                assert!(admitted.iter().any(|a| differs(&a) == 1), "{refused:?}");
            }
        }
        assert_eq!(Source::None.arn(&Parameters::RUN), None);
        assert_eq!(
            Source::LookalikeTopic.arn(&Parameters::RUN).unwrap(),
            "arn:aws:sns:us-east-1:123456789012:aws-mp-subscription-notification-e2eproductcode4notify0000"
        );
    }

    #[test]
    fn verdicts_are_read_strictly() {
        assert_eq!(
            Verdict::read(&json!({"pmapper": "SERVICE_MATCH", "statements": ["Sid"]})),
            Verdict::Admitted {
                statements: vec!["Sid".into()]
            }
        );
        assert_eq!(
            Verdict::read(&json!({"pmapper": "NO_MATCH"})),
            Verdict::Refused("NO_MATCH".into())
        );
        for other in [
            json!({"pmapper": "NODE_MATCH"}),
            json!({}),
            json!({"pmapper": 1}),
        ] {
            assert!(
                matches!(Verdict::read(&other), Verdict::Unexpected(_)),
                "{other}"
            );
        }
        assert_eq!(
            Verdict::Refused("DENY_MATCH".into()).to_string(),
            "refused (deny_match)"
        );
    }

    #[test]
    fn moto_evidence_holds_only_while_it_permits_everything_and_fails_on_a_service() {
        let answer = json!({"moto": "PERMITTED", "moto_with_principal": "TypeError: argument of type 'NoneType'"});
        let all = vec![answer.clone(); Request::ALL.len()];
        let evidence = moto_cannot_decide(&all).unwrap();
        assert!(
            evidence.contains("the 7 that must be refused too"),
            "{evidence}"
        );
        let mut decides = all.clone();
        decides[2] = json!({"moto": "NEUTRAL", "moto_with_principal": "TypeError: x"});
        assert!(moto_cannot_decide(&decides).is_err());
        let mut takes_services = all.clone();
        takes_services[0] = json!({"moto": "PERMITTED", "moto_with_principal": "PERMITTED"});
        assert!(moto_cannot_decide(&takes_services).is_err());
        assert!(moto_cannot_decide(&all[1..]).is_err());
    }
}
