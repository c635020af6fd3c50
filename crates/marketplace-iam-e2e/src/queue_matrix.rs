//! The SaaS notification cells: the consumer's SQS calls through the AWS SDK for Rust (decided by the endpoint), and
//! the requests to the queue policy (decided by Principal Mapper), with what each must be.

use std::fmt::Write as _;

use crate::calls::Observed;
use crate::matrix::{Shown, table};
use crate::notifications::{Parameters, Request, Verdict};
use crate::server::SnsProbe;
use crate::sqs::QueueOp;

/// Judges the SNS probe: if a message published to a topic the queue policy does not name reached the queue, the
/// endpoint does not enforce queue policies, and the evidence says so in one line. Otherwise it refused the delivery,
/// and these cells belong to the endpoint: an error says so.
pub fn not_enforced(probe: &SnsProbe, queue: &str) -> Result<String, String> {
    let stored = probe.queue_policy.as_deref().unwrap_or("");
    let names_topic = stored.contains(&probe.topic_arn);
    if probe.delivered && !stored.is_empty() && !names_topic {
        Ok(format!(
            "a message published to {} reached {queue}, whose queue policy (stored by the endpoint) admits only the \
             product's topics: moto_server does not enforce queue policies",
            probe.topic_arn
        ))
    } else if !probe.delivered {
        Err(format!(
            "the endpoint did not deliver {}'s message to {queue}: if it enforces queue policies now, prove the queue \
             policy cells through it",
            probe.topic_arn
        ))
    } else if stored.is_empty() {
        Err(format!("the endpoint stores no queue policy for {queue}"))
    } else {
        Err(format!(
            "the queue policy of {queue} names {}, so the probe proves nothing",
            probe.topic_arn
        ))
    }
}

/// One queue's row: whether the consumer's policy grants on it, and the three answers in the order of
/// [`QueueOp::ALL`].
pub struct QueueRow {
    /// The queue's name.
    pub queue: String,
    /// Whether the consumer's policy names this queue.
    pub granted: bool,
    /// The answers.
    pub observed: Vec<Observed>,
}

/// The notification cells.
pub struct NotificationMatrix {
    /// Who signed the consumer's calls: the assumed role's session ARN.
    pub signer: String,
    /// The consumer's calls, one row per queue.
    pub queues: Vec<QueueRow>,
    /// Principal Mapper's verdict on each of [`Request::ALL`].
    pub verdicts: Vec<Verdict>,
}

impl NotificationMatrix {
    /// The cells decided by SDK calls.
    pub fn called(&self) -> usize {
        self.queues.iter().map(|r| r.observed.len()).sum()
    }

    /// The cells decided by Principal Mapper.
    pub fn decided(&self) -> usize {
        self.verdicts.len()
    }

    /// Every cell that differs from what it must be.
    pub fn mismatches(&self) -> Vec<String> {
        let mut out = Vec::new();
        for row in &self.queues {
            let must = if row.granted {
                "must allow it on its queue"
            } else {
                "must allow it on its queue only"
            };
            for (op, cell) in QueueOp::ALL.iter().zip(&row.observed) {
                match cell {
                    Observed::Unexpected(detail) => out.push(format!(
                        "consumer × {} on {}: unexpected answer (the consumer's policy {must}): {detail}",
                        op.name(),
                        row.queue
                    )),
                    cell if cell.allowed() != row.granted => out.push(format!(
                        "consumer × {} on {}: {cell}, but the consumer's policy {must} ({})",
                        op.name(),
                        row.queue,
                        op.iam_action()
                    )),
                    _ => {}
                }
            }
        }
        for (request, verdict) in Request::ALL.iter().zip(&self.verdicts) {
            let must = if request.admitted {
                "must admit it"
            } else {
                "must refuse it"
            };
            match verdict {
                Verdict::Unexpected(detail) => out.push(format!(
                    "queue policy ({}) × {} from {} (Principal Mapper): unexpected answer (the policy {must}): {detail}",
                    request.route.name(),
                    request.principal,
                    request.source.describe()
                )),
                verdict if verdict.admitted() != request.admitted => out.push(format!(
                    "queue policy ({}) × {} from {} (Principal Mapper): {verdict}, but the policy {must}",
                    request.route.name(),
                    request.principal,
                    request.source.describe()
                )),
                _ => {}
            }
        }
        out
    }

    /// The two tables, each under a line saying what decided it; a cell that differs from what it must be is
    /// marked `!`.
    pub fn render(&self, parameters: &Parameters<'_>) -> String {
        let rows: Vec<(String, Vec<Shown>)> = self
            .queues
            .iter()
            .map(|row| {
                let label = if row.granted {
                    format!("{} (its queue)", row.queue)
                } else {
                    format!("{} (another)", row.queue)
                };
                let cells = row
                    .observed
                    .iter()
                    .map(|cell| {
                        let ok = !matches!(cell, Observed::Unexpected(_))
                            && cell.allowed() == row.granted;
                        (cell.to_string(), ok)
                    })
                    .collect();
                (label, cells)
            })
            .collect();
        let mut out = format!(
            "SaaS notification consumer: calls through the AWS SDK for Rust to moto_server, IAM enforced (sqs:<Operation>), \
             signed by the assumed role {} (temporary credentials with a session token), whose inline policy allows \
             ReceiveMessage, DeleteMessage, GetQueueAttributes on {}:\n",
            self.signer,
            parameters.queue_arn()
        );
        out.push_str(&table(
            "queue",
            &QueueOp::ALL.map(QueueOp::name),
            &rows,
            "allowed (ok) !".len(),
        ));
        let _ = write!(
            out,
            "\nQueue policy of {} (sqs:SendMessage), decided by Principal Mapper's resource-policy evaluator \
             (principalmapper), not by the endpoint: moto_server does not enforce queue policies.\n",
            parameters.queue
        );
        let requests: Vec<(String, Vec<Shown>)> = Request::ALL
            .iter()
            .zip(&self.verdicts)
            .map(|(request, verdict)| {
                let ok = !matches!(verdict, Verdict::Unexpected(_))
                    && verdict.admitted() == request.admitted;
                let from = match request.source.arn(parameters) {
                    Some(arn) => format!("{} ({arn})", request.source.describe()),
                    None => request.source.describe().to_owned(),
                };
                (
                    format!("{:<12} {:<21}", request.route.name(), request.principal),
                    vec![(verdict.to_string(), ok), (from, true)],
                )
            })
            .collect();
        // The decisions' column fits the longest one with its mark.
        let widest = requests
            .iter()
            .filter_map(|(_, cells)| cells.first())
            .map(|(text, _)| text.len() + " !".len())
            .max()
            .unwrap_or(0);
        out.push_str(&table(
            "route        principal",
            &["decision", "aws:SourceArn"],
            &requests,
            widest,
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(delivered: bool, policy: Option<&str>) -> SnsProbe {
        SnsProbe {
            topic_arn: "arn:aws:sns:us-east-1:123456789012:e2e-another-topic".into(),
            delivered,
            queue_policy: policy.map(str::to_owned),
        }
    }

    #[test]
    fn the_probe_proves_non_enforcement_only_when_an_unadmitted_topic_got_through() {
        let policy = r#"{"Statement":[{"Condition":{"ArnEquals":{"aws:SourceArn":["arn:aws:sns:us-east-1:287250355862:x"]}}}]}"#;
        let evidence = not_enforced(&probe(true, Some(policy)), "q").unwrap();
        assert!(
            evidence.contains("does not enforce queue policies"),
            "{evidence}"
        );
        assert!(
            not_enforced(&probe(false, Some(policy)), "q")
                .unwrap_err()
                .contains("enforces queue policies now")
        );
        assert!(not_enforced(&probe(true, None), "q").is_err());
        let naming = policy.replace("287250355862:x", "123456789012:e2e-another-topic");
        assert!(not_enforced(&probe(true, Some(&naming)), "q").is_err());
    }

    fn matrix(
        own: Vec<Observed>,
        other: Vec<Observed>,
        verdicts: Vec<Verdict>,
    ) -> NotificationMatrix {
        NotificationMatrix {
            signer: "arn:aws:sts::123456789012:assumed-role/e2e-consumer/e2e-notification-consumer"
                .into(),
            queues: vec![
                QueueRow {
                    queue: "mine".into(),
                    granted: true,
                    observed: own,
                },
                QueueRow {
                    queue: "theirs".into(),
                    granted: false,
                    observed: other,
                },
            ],
            verdicts,
        }
    }

    fn expected_verdicts() -> Vec<Verdict> {
        Request::ALL
            .iter()
            .map(|r| {
                if r.admitted {
                    Verdict::Admitted {
                        statements: vec!["S".into()],
                    }
                } else {
                    Verdict::Refused("NO_MATCH".into())
                }
            })
            .collect()
    }

    #[test]
    fn cells_that_differ_are_mismatches_and_marked() {
        let allowed = vec![Observed::Allowed { status: None }; 3];
        let denied = vec![Observed::Denied; 3];
        let m = matrix(allowed.clone(), denied.clone(), expected_verdicts());
        assert!(m.mismatches().is_empty(), "{:#?}", m.mismatches());
        let table = m.render(&Parameters::RUN);
        assert!(!table.contains('!'), "{table}");
        assert_eq!((m.called(), m.decided()), (6, 10));

        let mut other = denied;
        other[1] = Observed::Allowed { status: None };
        let mut own = allowed;
        own[0] = Observed::Unexpected("HTTP 400".into());
        let mut verdicts = expected_verdicts();
        verdicts[2] = Verdict::Admitted { statements: vec![] };
        let m = matrix(own, other, verdicts);
        let mismatches = m.mismatches();
        assert_eq!(mismatches.len(), 3, "{mismatches:#?}");
        assert!(mismatches[0].contains("ReceiveMessage on mine: unexpected answer"));
        assert!(
            mismatches[1]
                .contains("DeleteMessage on theirs: allowed (ok), but the consumer's policy must allow it on its queue only")
        );
        assert!(
            mismatches[2]
                .contains("another product's subscription topic (Principal Mapper): admitted")
        );
        assert_eq!(m.render(&Parameters::RUN).matches(" !").count(), 3);
    }
}
