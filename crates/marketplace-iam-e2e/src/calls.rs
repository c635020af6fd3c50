//! The five operations, called through the AWS SDK for Rust with one user's keys, and what the endpoint's answer
//! says about the user's policy.

use std::fmt;
use std::time::Duration;

use aws_sdk_marketplaceentitlement as entitlement;
use aws_sdk_marketplacemetering as metering;
use metering::config::http::HttpResponse;
use metering::config::retry::RetryConfig;
use metering::config::timeout::TimeoutConfig;
use metering::config::{BehaviorVersion, Credentials, Region, SharedHttpClient};
use metering::error::{DisplayErrorContext, SdkError};
use metering::primitives::DateTime;

use crate::server::AccessKey;

/// The license ARN of the agreement the requests meter and check (any well-formed one: the endpoint decides on
/// the caller's permissions, not on the agreement).
const LICENSE_ARN: &str = "arn:aws:license-manager::294406891311:license:l-0123456789abcdef0";

/// An operation of the Metering or Entitlement Service, named after the IAM action that authorizes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `ResolveCustomer` (Metering Service).
    ResolveCustomer,
    /// `BatchMeterUsage` (Metering Service).
    BatchMeterUsage,
    /// `MeterUsage` (Metering Service).
    MeterUsage,
    /// `RegisterUsage` (Metering Service).
    RegisterUsage,
    /// `GetEntitlements` (Entitlement Service).
    GetEntitlements,
}

impl Operation {
    /// Every operation, in the matrix's column order.
    pub const ALL: [Operation; 5] = [
        Operation::ResolveCustomer,
        Operation::BatchMeterUsage,
        Operation::MeterUsage,
        Operation::RegisterUsage,
        Operation::GetEntitlements,
    ];

    /// The operation's name, which is also its IAM action's name without the prefix.
    pub fn name(self) -> &'static str {
        match self {
            Operation::ResolveCustomer => "ResolveCustomer",
            Operation::BatchMeterUsage => "BatchMeterUsage",
            Operation::MeterUsage => "MeterUsage",
            Operation::RegisterUsage => "RegisterUsage",
            Operation::GetEntitlements => "GetEntitlements",
        }
    }

    /// The IAM action that authorizes the operation, as a denial names it: `aws-marketplace:<Operation>`.
    pub fn iam_action(self) -> String {
        format!("aws-marketplace:{}", self.name())
    }

    /// The action name moto's handlers use (`resolve_customer`), as its "not implemented" error names it.
    pub fn snake_name(self) -> &'static str {
        match self {
            Operation::ResolveCustomer => "resolve_customer",
            Operation::BatchMeterUsage => "batch_meter_usage",
            Operation::MeterUsage => "meter_usage",
            Operation::RegisterUsage => "register_usage",
            Operation::GetEntitlements => "get_entitlements",
        }
    }

    /// What the endpoint logs when it has authorised the operation but does not implement it. It checks access
    /// before it looks the handler up, so this line proves the access check passed.
    pub fn not_implemented(self) -> String {
        format!(
            "NotImplementedError: The {} action has not been implemented",
            self.snake_name()
        )
    }
}

/// What the endpoint answered to one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    /// The call passed the access check: it succeeded, or it failed with HTTP 500 after the endpoint logged that the
    /// operation is not implemented, which it does only after the check.
    Allowed {
        /// The HTTP status, if the call failed after the check.
        status: Option<u16>,
    },
    /// HTTP 403 whose body names the operation's IAM action.
    Denied,
    /// Anything else: a 403 that does not name the action, another status, no response at all.
    Unexpected(String),
}

impl Observed {
    /// Whether the call passed the access check.
    pub fn allowed(&self) -> bool {
        matches!(self, Observed::Allowed { .. })
    }
}

impl fmt::Display for Observed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Observed::Allowed { status: None } => f.write_str("allowed (ok)"),
            Observed::Allowed { status: Some(s) } => write!(f, "allowed ({s})"),
            Observed::Denied => f.write_str("denied (403)"),
            Observed::Unexpected(_) => f.write_str("UNEXPECTED"),
        }
    }
}

/// What one call got back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The SDK returned the operation's output.
    Success,
    /// The SDK returned an error with an HTTP response.
    Http {
        /// The HTTP status.
        status: u16,
        /// The body, lossily decoded.
        body: String,
    },
    /// The SDK returned an error without an HTTP response (connection refused, timeout, ...).
    NoResponse(String),
}

/// Classifies an answer. `server_log` is what the endpoint logged while it handled the call: a 500 counts as
/// allowed only if it logged that the operation is not implemented (the 500 body itself is a generic page).
pub fn classify(op: Operation, answer: &Answer, server_log: &str) -> Observed {
    match answer {
        Answer::Success => Observed::Allowed { status: None },
        Answer::NoResponse(error) => Observed::Unexpected(format!("no HTTP response: {error}")),
        Answer::Http { status: 403, body } if body.contains(&op.iam_action()) => Observed::Denied,
        Answer::Http { status: 403, body } => Observed::Unexpected(format!(
            "HTTP 403 that does not name {}: {}",
            op.iam_action(),
            snippet(body)
        )),
        Answer::Http { status: 500, .. } if server_log.contains(&op.not_implemented()) => {
            Observed::Allowed { status: Some(500) }
        }
        Answer::Http { status, body } => Observed::Unexpected(format!(
            "HTTP {status}: {}{}",
            snippet(body),
            match server_log.lines().rev().find(|l| !l.trim().is_empty()) {
                Some(line) => format!(" (server log: {})", snippet(line)),
                None => String::new(),
            }
        )),
    }
}

/// `text` on one line, cut after 200 characters.
pub(crate) fn snippet(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(200) {
        Some((end, _)) => format!("{}...", &one_line[..end]),
        None => one_line,
    }
}

/// What a call of any of the AWS SDK's clients got back.
pub(crate) fn answer<O, E>(result: Result<O, SdkError<E, HttpResponse>>) -> Answer
where
    E: std::error::Error + 'static,
{
    match result {
        Ok(_) => Answer::Success,
        Err(error) => match error.raw_response() {
            Some(response) => Answer::Http {
                status: response.status().as_u16(),
                body: response
                    .body()
                    .bytes()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default(),
            },
            None => Answer::NoResponse(DisplayErrorContext(&error).to_string()),
        },
    }
}

/// The SDK clients of one user, configured for the local endpoint.
pub struct Clients {
    metering: metering::Client,
    entitlement: entitlement::Client,
}

impl Clients {
    /// Clients signing with `key`, sending to `endpoint` over plain HTTP, without retries.
    pub fn new(endpoint: &str, key: &AccessKey, http: &SharedHttpClient) -> Clients {
        let credentials = Credentials::new(&key.id, &key.secret, None, None, "marketplace-iam-e2e");
        let timeouts = TimeoutConfig::builder()
            .operation_timeout(Duration::from_secs(30))
            .build();
        let metering = metering::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .credentials_provider(credentials.clone())
            .http_client(http.clone())
            .retry_config(RetryConfig::disabled())
            .timeout_config(timeouts.clone())
            .build();
        // The endpoint routes the Entitlement Service's awsJson1_1 protocol, not the SDK's default (RPC v2 CBOR).
        let entitlement = entitlement::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .credentials_provider(credentials)
            .http_client(http.clone())
            .retry_config(RetryConfig::disabled())
            .timeout_config(timeouts)
            .protocol(aws_smithy_json::protocol::aws_json_rpc::AwsJsonRpcProtocol::aws_json_1_1())
            .build();
        Clients {
            metering: metering::Client::from_conf(metering),
            entitlement: entitlement::Client::from_conf(entitlement),
        }
    }

    /// Calls `op` with a well-formed request, in the shapes the SDK example and `examples/seller-service` use.
    pub async fn call(&self, op: Operation) -> Answer {
        let m = &self.metering;
        let product = "e2e-product-code";
        let now = DateTime::from_secs(1_767_225_600);
        match op {
            Operation::ResolveCustomer => answer(
                m.resolve_customer()
                    .registration_token("e2e-registration-token")
                    .send()
                    .await,
            ),
            Operation::BatchMeterUsage => {
                // The shape before Concurrent Agreements (a customer identifier, and the product code), not the one
                // sellers send now (the SDK example and examples/seller-service: the customer's AWS account id and
                // the license ARN, no product code): moto 5.2.5 answers a request without `ProductCode` with a
                // KeyError (HTTP 500) after the access check. The access check, which is what this proves, does not
                // depend on the request's fields.
                let record = metering::types::UsageRecord::builder()
                    .customer_identifier("e2e-customer")
                    .dimension("requests")
                    .quantity(1)
                    .timestamp(now)
                    .build();
                match record {
                    Ok(record) => answer(
                        m.batch_meter_usage()
                            .product_code(product)
                            .usage_records(record)
                            .send()
                            .await,
                    ),
                    Err(e) => Answer::NoResponse(format!("cannot build the usage record: {e}")),
                }
            }
            Operation::MeterUsage => answer(
                m.meter_usage()
                    .product_code(product)
                    .timestamp(now)
                    .usage_dimension("requests")
                    .usage_quantity(1)
                    .send()
                    .await,
            ),
            Operation::RegisterUsage => answer(
                m.register_usage()
                    .product_code(product)
                    .public_key_version(1)
                    .send()
                    .await,
            ),
            Operation::GetEntitlements => answer(
                // Filtered by the agreement's license ARN; GetEntitlements still requires the product code.
                self.entitlement
                    .get_entitlements()
                    .product_code(product)
                    .filter(
                        entitlement::types::GetEntitlementFilterName::LicenseArn,
                        vec![LICENSE_ARN.to_owned()],
                    )
                    .send()
                    .await,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DENIED: &str = "<?xml version=\"1.0\"?><ErrorResponse><Error><Code>AccessDenied</Code><Message>User: \
        arn:aws:iam::123456789012:user/x is not authorized to perform: aws-marketplace:MeterUsage</Message></Error>\
        </ErrorResponse>";

    fn http(status: u16, body: &str) -> Answer {
        Answer::Http {
            status,
            body: body.to_owned(),
        }
    }

    #[test]
    fn a_403_naming_the_action_is_a_denial() {
        assert_eq!(
            classify(Operation::MeterUsage, &http(403, DENIED), ""),
            Observed::Denied
        );
    }

    #[test]
    fn a_403_naming_another_action_or_none_is_unexpected() {
        let other = DENIED.replace(
            "aws-marketplace:MeterUsage",
            "aws-marketplace:RegisterUsage",
        );
        // IAM action names in a denial have the catalog's case.
        let lower = DENIED.replace("aws-marketplace:MeterUsage", "aws-marketplace:meterusage");
        for body in [other.as_str(), lower.as_str(), ""] {
            let got = classify(Operation::MeterUsage, &http(403, body), "");
            assert!(
                matches!(got, Observed::Unexpected(ref m) if m.contains("does not name")),
                "{got:?}"
            );
        }
    }

    #[test]
    fn a_500_is_allowed_only_when_the_server_logged_this_operation_as_not_implemented() {
        let page = "<title>500 Internal Server Error</title>";
        let log = "Error on request:\nNotImplementedError: The register_usage action has not been implemented\n";
        assert_eq!(
            classify(Operation::RegisterUsage, &http(500, page), log),
            Observed::Allowed { status: Some(500) }
        );
        // Another operation's line, or none, proves nothing about this call.
        let got = classify(Operation::MeterUsage, &http(500, page), log);
        assert!(
            matches!(got, Observed::Unexpected(ref m) if m.contains("server log")),
            "{got:?}"
        );
        assert!(!classify(Operation::RegisterUsage, &http(500, page), "").allowed());
    }

    #[test]
    fn success_and_transport_errors() {
        assert!(classify(Operation::BatchMeterUsage, &Answer::Success, "").allowed());
        let refused = Answer::NoResponse("connection refused".into());
        assert!(matches!(
            classify(Operation::BatchMeterUsage, &refused, ""),
            Observed::Unexpected(_)
        ));
    }

    #[test]
    fn other_statuses_are_unexpected_with_a_bounded_snippet() {
        let long = "x ".repeat(1_000);
        let Observed::Unexpected(message) =
            classify(Operation::GetEntitlements, &http(400, &long), "")
        else {
            panic!("a 400 is neither allowed nor denied");
        };
        assert!(message.starts_with("HTTP 400: x x"));
        assert!(message.len() < 220, "{}", message.len());
    }
}
