//! The notification consumer's calls on SQS queues through the AWS SDK for Rust, and the queues they act on.
//!
//! The admin (allowed everything) creates the consumer's queue, with its queue policy, and another queue, and sends a
//! message to each. With the consumer's credentials (the assumed role's, see [`crate::consumer_role`]) the runner
//! then calls, on each queue, ReceiveMessage, DeleteMessage (with
//! the receipt handle of the message the admin sent: the consumer's own if it received it, otherwise one the admin
//! received) and GetQueueAttributes. The endpoint checks each against the consumer's identity policy on the queue's
//! ARN (see [`crate::notifications`]).

use std::time::Duration;

use aws_sdk_sqs as sqs;
use sqs::config::retry::RetryConfig;
use sqs::config::timeout::TimeoutConfig;
use sqs::config::{BehaviorVersion, Credentials, Region, SharedHttpClient};
use sqs::error::{DisplayErrorContext, SdkError};
use sqs::types::QueueAttributeName;

use crate::calls::{Answer, Observed, answer, snippet};
use crate::notifications::{ACCOUNT, REGION, queue_arn};
use crate::server::AccessKey;

/// An SQS operation of the consumer, named after the IAM action that authorizes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueOp {
    /// `ReceiveMessage`.
    ReceiveMessage,
    /// `DeleteMessage`.
    DeleteMessage,
    /// `GetQueueAttributes`.
    GetQueueAttributes,
}

impl QueueOp {
    /// Every operation, in the table's column order (the order a consumer calls them in).
    pub const ALL: [QueueOp; 3] = [
        QueueOp::ReceiveMessage,
        QueueOp::DeleteMessage,
        QueueOp::GetQueueAttributes,
    ];

    /// The operation's name, which is also its IAM action's name without the prefix.
    pub fn name(self) -> &'static str {
        match self {
            QueueOp::ReceiveMessage => "ReceiveMessage",
            QueueOp::DeleteMessage => "DeleteMessage",
            QueueOp::GetQueueAttributes => "GetQueueAttributes",
        }
    }

    /// The IAM action that authorizes the operation, as a denial names it: `sqs:<Operation>`.
    pub fn iam_action(self) -> String {
        format!("sqs:{}", self.name())
    }
}

/// Classifies an answer: allowed if the call succeeded, denied if HTTP 403 names the operation's IAM action and
/// `signer`, the ARN the endpoint identified the caller as (for an assumed role, its session's ARN).
pub fn classify(op: QueueOp, answer: &Answer, signer: &str) -> Observed {
    match answer {
        Answer::Success => Observed::Allowed { status: None },
        Answer::NoResponse(error) => Observed::Unexpected(format!("no HTTP response: {error}")),
        Answer::Http { status: 403, body }
            if body.contains(&op.iam_action()) && body.contains(signer) =>
        {
            Observed::Denied
        }
        Answer::Http { status, body } => Observed::Unexpected(format!(
            "HTTP {status} that does not deny {} to {signer}: {}",
            op.iam_action(),
            snippet(body)
        )),
    }
}

/// An SQS client signing with `key` (with its session token, if it has one), sending to `endpoint` over plain HTTP,
/// without retries.
pub fn client(endpoint: &str, key: &AccessKey, http: &SharedHttpClient) -> sqs::Client {
    let credentials = Credentials::new(
        &key.id,
        &key.secret,
        key.token.clone(),
        None,
        "marketplace-iam-e2e",
    );
    let config = sqs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(credentials)
        .http_client(http.clone())
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_secs(30))
                .build(),
        )
        .build();
    sqs::Client::from_conf(config)
}

/// A queue created on the endpoint.
#[derive(Debug, Clone)]
pub struct Queue {
    /// Its name.
    pub name: &'static str,
    /// Its URL, which the requests name.
    pub url: String,
    /// Its ARN, as the endpoint reports it.
    pub arn: String,
}

fn failed<E: std::error::Error + 'static>(
    what: &str,
    error: SdkError<E, sqs::config::http::HttpResponse>,
) -> String {
    format!("{what}: {}", DisplayErrorContext(&error))
}

/// Creates the queue `name` with the admin's client, with `policy` as its queue policy if given, and checks that the
/// endpoint gives it the ARN the documents name.
pub async fn create_queue(
    admin: &sqs::Client,
    name: &'static str,
    policy: Option<&str>,
) -> Result<Queue, String> {
    let mut create = admin.create_queue().queue_name(name);
    if let Some(policy) = policy {
        create = create.attributes(QueueAttributeName::Policy, policy);
    }
    let created = create
        .send()
        .await
        .map_err(|e| failed(&format!("CreateQueue {name} (admin)"), e))?;
    let url = created
        .queue_url()
        .ok_or_else(|| format!("CreateQueue {name} (admin): no queue URL in the answer"))?
        .to_owned();
    let attributes = admin
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| failed(&format!("GetQueueAttributes {name} (admin)"), e))?;
    let arn = attributes
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn))
        .ok_or_else(|| format!("GetQueueAttributes {name} (admin): no QueueArn in the answer"))?
        .clone();
    let expected = queue_arn(ACCOUNT, name);
    if arn != expected {
        return Err(format!(
            "the endpoint created {name} as {arn}, not as {expected}, the ARN the documents name"
        ));
    }
    Ok(Queue { name, url, arn })
}

/// Deletes the queue with the admin's client.
pub async fn delete_queue(admin: &sqs::Client, queue: &Queue) -> Result<(), String> {
    admin
        .delete_queue()
        .queue_url(&queue.url)
        .send()
        .await
        .map(drop)
        .map_err(|e| failed(&format!("DeleteQueue {} (admin)", queue.name), e))
}

/// The body of the message the admin sends to `queue`.
fn body(queue: &Queue) -> String {
    format!("e2e: a notification in {}", queue.name)
}

/// The receipt handle of the message with `body` among what ReceiveMessage returned, if it is there.
fn handle_of(
    output: &sqs::operation::receive_message::ReceiveMessageOutput,
    body: &str,
) -> Option<String> {
    output
        .messages()
        .iter()
        .find(|m| m.body() == Some(body))
        .and_then(|m| m.receipt_handle().map(str::to_owned))
}

/// The consumer's three calls on `queue`, in the order of [`QueueOp::ALL`]: the admin sends a message first, and
/// DeleteMessage gets that message's receipt handle. `signer` is the ARN a denial must name (see [`classify`]).
pub async fn consumer_calls(
    admin: &sqs::Client,
    consumer: &sqs::Client,
    signer: &str,
    queue: &Queue,
) -> Result<Vec<Observed>, String> {
    let body = body(queue);
    admin
        .send_message()
        .queue_url(&queue.url)
        .message_body(&body)
        .send()
        .await
        .map_err(|e| failed(&format!("SendMessage {} (admin)", queue.name), e))?;

    let received = consumer
        .receive_message()
        .queue_url(&queue.url)
        .max_number_of_messages(10)
        .send()
        .await;
    let (receive, handle) = match received {
        Ok(output) => match handle_of(&output, &body) {
            Some(handle) => (Observed::Allowed { status: None }, Some(handle)),
            None => (
                Observed::Unexpected(format!(
                    "ReceiveMessage succeeded without the message the admin sent to {} ({} messages)",
                    queue.name,
                    output.messages().len()
                )),
                None,
            ),
        },
        Err(error) => (
            classify(
                QueueOp::ReceiveMessage,
                &answer::<(), _>(Err(error)),
                signer,
            ),
            None,
        ),
    };
    let handle = match handle {
        Some(handle) => handle,
        // The consumer did not receive it: the message is still visible, and the admin receives it for its handle.
        None => {
            let output = admin
                .receive_message()
                .queue_url(&queue.url)
                .max_number_of_messages(10)
                .send()
                .await
                .map_err(|e| failed(&format!("ReceiveMessage {} (admin)", queue.name), e))?;
            handle_of(&output, &body).ok_or_else(|| {
                format!(
                    "ReceiveMessage {} (admin): the message the admin sent is not there",
                    queue.name
                )
            })?
        }
    };

    let delete = consumer
        .delete_message()
        .queue_url(&queue.url)
        .receipt_handle(handle)
        .send()
        .await;
    let attributes = consumer
        .get_queue_attributes()
        .queue_url(&queue.url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await;
    let attributes = match attributes {
        Ok(output) => {
            let arn = output
                .attributes()
                .and_then(|a| a.get(&QueueAttributeName::QueueArn));
            if arn == Some(&queue.arn) {
                Observed::Allowed { status: None }
            } else {
                Observed::Unexpected(format!(
                    "GetQueueAttributes succeeded with QueueArn {arn:?}, not {}",
                    queue.arn
                ))
            }
        }
        Err(error) => classify(
            QueueOp::GetQueueAttributes,
            &answer::<(), _>(Err(error)),
            signer,
        ),
    };
    Ok(vec![
        receive,
        classify(QueueOp::DeleteMessage, &answer(delete), signer),
        attributes,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNER: &str =
        "arn:aws:sts::123456789012:assumed-role/e2e-consumer/e2e-notification-consumer";
    const DENIED: &str = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>User: \
        arn:aws:sts::123456789012:assumed-role/e2e-consumer/e2e-notification-consumer is not authorized to perform: \
        sqs:ReceiveMessage</Message></Error></ErrorResponse>";

    fn http(status: u16, body: &str) -> Answer {
        Answer::Http {
            status,
            body: body.to_owned(),
        }
    }

    #[test]
    fn a_403_naming_the_action_is_a_denial_and_nothing_else_is() {
        assert_eq!(
            classify(QueueOp::ReceiveMessage, &http(403, DENIED), SIGNER),
            Observed::Denied
        );
        assert!(classify(QueueOp::ReceiveMessage, &Answer::Success, SIGNER).allowed());
        // Denied to someone else: the call was not signed by the assumed role.
        let user = DENIED.replace(SIGNER, "arn:aws:iam::123456789012:user/e2e-consumer");
        assert!(matches!(
            classify(QueueOp::ReceiveMessage, &http(403, &user), SIGNER),
            Observed::Unexpected(_)
        ));
        for (op, answer) in [
            (QueueOp::DeleteMessage, http(403, DENIED)),
            (QueueOp::ReceiveMessage, http(400, DENIED)),
            (QueueOp::ReceiveMessage, http(403, "")),
            (
                QueueOp::GetQueueAttributes,
                Answer::NoResponse("refused".into()),
            ),
        ] {
            assert!(
                matches!(classify(op, &answer, SIGNER), Observed::Unexpected(_)),
                "{op:?} {answer:?}"
            );
        }
    }

    /// The calls are exactly the actions the consumer's policy grants, on every route: an action added to or removed
    /// from the documents is a cell the run has to gain or lose.
    #[test]
    fn the_calls_are_the_consumer_policys_actions() {
        use crate::notifications::{Parameters, Route, documents};
        let policies = crate::notifications::tests::policies();
        let called: Vec<String> = QueueOp::ALL.iter().map(|op| op.iam_action()).collect();
        for route in Route::ALL {
            let docs = documents(&policies, route, &Parameters::RUN).unwrap();
            let policy: serde_json::Value = serde_json::from_str(&docs.consumer_policy).unwrap();
            let mut granted: Vec<String> = policy["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|s| match &s["Action"] {
                    serde_json::Value::String(a) => vec![a.clone()],
                    other => other
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|a| a.as_str().unwrap().to_owned())
                        .collect(),
                })
                .collect();
            let mut expected = called.clone();
            granted.sort();
            expected.sort();
            assert_eq!(granted, expected, "{route:?}");
        }
    }

    #[test]
    fn operations_name_their_actions_in_the_catalog_case() {
        let actions: Vec<String> = QueueOp::ALL.iter().map(|op| op.iam_action()).collect();
        assert_eq!(
            actions,
            [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes"
            ]
        );
    }
}
