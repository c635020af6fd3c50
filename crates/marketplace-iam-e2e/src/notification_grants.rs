//! The grants of the SaaS notification documents on a key and on topics: `kms:Decrypt` of the consumer of an
//! encrypted queue, and `sns:Subscribe` of whoever subscribes the queue to the product's topics. moto's IAM policy
//! evaluator decides them, as it decides the License Manager actions.
//!
//! # Why not an SDK call (moto 5.2.5)
//!
//! `BaseResponse.call_action` (`core/responses.py`, lines 434-438) checks a request against the resource its
//! service's `_determine_resource` returns, and against `"*"` for a service without one. SQS has one (the queue's
//! ARN); KMS and SNS do not (`kms/responses.py`, `sns/responses.py`): a Decrypt or Subscribe call is checked against
//! `"*"`, whatever key or topic it names. A grant scoped to one key or to the product's topics matches no `"*"`, so the
//! endpoint would deny the granted calls as it denies any other, and no SDK call can tell the key or topic in the
//! grant from another.
//!
//! # What decides instead
//!
//! The IAM helper's `evaluate` ([`crate::server::Iam::evaluate`]): `IAMRequest.check_action_permitted(resource)` of
//! `moto.iam.access_control`, the server's own check, over the user's inline policy (the engine's document, filled
//! with the run's values), with the resource the call would act on: the key's ARN for Decrypt, the topic's ARN for
//! Subscribe. `IAMPolicyStatement._match` (lines 572-575) matches a statement's `Resource` as a regular expression
//! in which `*` becomes `.*`, anchored at both ends; the ARNs here are letters, digits, `:`, `/` and `-`, each of
//! which matches only itself, so a `Resource` without `*` matches exactly its own ARN. An alias ARN
//! (`arn:aws:kms:us-east-1:<account>:alias/<name>`) therefore does not match a grant on `key/<id>`: the alias cell
//! is denied, as it must be (policies.toml grants Decrypt on the key ARN alone, and AWS KMS does not let an alias
//! ARN in `Resource` stand for the key it points to).
//!
//! The expectations come from policies.toml, not from the documents under test: a cell must be allowed exactly when
//! the holder's actions in the route (the consumer's with `encrypted`, the subscriber's) include the action and one
//! of its ARN patterns, filled with the run's values, is the resource.

use std::fmt::Write as _;

use marketplace_iam_model::{Parameter, Policies};

use crate::evaluated::Decision;
use crate::matrix::{Shown, table};
use crate::notifications::{Documents, OTHER_PRODUCT_CODE, Parameters, REGION, Route, topic_arn};
use crate::server::NewUser;

/// Another key of the seller account, which the consumer's policy must not open.
pub const OTHER_KEY_ID: &str = "0e2e0000-aaaa-4bbb-8ccc-000000000002";

/// Who holds a notification document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// The consumer of a queue encrypted with a customer managed key.
    EncryptedConsumer,
    /// Whoever subscribes the queue to the product's topics.
    Subscriber,
}

impl Holder {
    /// Both holders, in the order of [`Holder::users`].
    pub const ALL: [Holder; 2] = [Holder::EncryptedConsumer, Holder::Subscriber];

    /// The user that holds the document in moto's in-process IAM backend (never on the endpoint).
    pub fn user_name(self) -> &'static str {
        match self {
            Holder::EncryptedConsumer => "e2e-consumer-encrypted",
            Holder::Subscriber => "e2e-subscriber",
        }
    }

    /// What the holder is, for the table.
    pub fn describe(self) -> &'static str {
        match self {
            Holder::EncryptedConsumer => "consumer (encrypted queue)",
            Holder::Subscriber => "subscriber",
        }
    }

    /// The holder's document among the SNS route's, `None` if the route has none for it (a user without policy).
    pub fn document(self, sns: &Documents) -> Option<&str> {
        match self {
            Holder::EncryptedConsumer => Some(&sns.encrypted_consumer_policy),
            Holder::Subscriber => sns.subscriber_policy.as_deref(),
        }
    }

    /// The IAM actions policies.toml gives the holder on `route`, each with its ARN patterns.
    fn grants(self, policies: &Policies, route: Route) -> Result<Vec<(&str, &[String])>, String> {
        let engine = policies.notification(route.name()).ok_or_else(|| {
            format!(
                "policies.toml declares no notification route `{}`",
                route.name()
            )
        })?;
        let actions: Vec<_> = match self {
            Holder::EncryptedConsumer => engine.consumer_actions(policies, true).collect(),
            Holder::Subscriber => engine
                .subscriber
                .iter()
                .map(|&i| policies.action(i))
                .collect(),
        };
        Ok(actions
            .into_iter()
            .map(|a| (a.name.as_str(), a.resources.as_slice()))
            .collect())
    }

    /// The users the evaluator decides for, in the order of [`Holder::ALL`].
    pub fn users(sns: &Documents) -> [NewUser<'_>; 2] {
        Holder::ALL.map(|holder| NewUser {
            name: holder.user_name(),
            policy: holder.document(sns),
        })
    }
}

/// What a call would act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The key that encrypts the queue.
    Key,
    /// Another key of the seller account.
    OtherKey,
    /// An alias of the seller account, named after the queue.
    Alias,
    /// The product's subscription topic.
    SubscriptionTopic,
    /// The product's entitlement topic.
    EntitlementTopic,
    /// Another product's subscription topic, in AWS Marketplace's account.
    OtherProductTopic,
    /// A topic named like the product's subscription topic, in the seller account instead of AWS Marketplace's.
    LookalikeTopic,
}

impl Target {
    /// The resource's ARN.
    pub fn arn(self, parameters: &Parameters<'_>) -> String {
        let key = |id: &str| format!("arn:aws:kms:{REGION}:{}:key/{id}", parameters.account);
        let code = parameters.product_code;
        match self {
            Target::Key => key(parameters.key_id),
            Target::OtherKey => key(OTHER_KEY_ID),
            Target::Alias => format!(
                "arn:aws:kms:{REGION}:{}:alias/{}",
                parameters.account, parameters.queue
            ),
            Target::SubscriptionTopic => {
                topic_arn(parameters.marketplace_account, "subscription", code)
            }
            Target::EntitlementTopic => {
                topic_arn(parameters.marketplace_account, "entitlement", code)
            }
            Target::OtherProductTopic => topic_arn(
                parameters.marketplace_account,
                "subscription",
                OTHER_PRODUCT_CODE,
            ),
            Target::LookalikeTopic => topic_arn(parameters.account, "subscription", code),
        }
    }

    /// What the resource is, for the table.
    pub fn describe(self) -> &'static str {
        match self {
            Target::Key => "the queue's key",
            Target::OtherKey => "another key of the account",
            Target::Alias => "an alias (the queue's name)",
            Target::SubscriptionTopic => "the product's subscription topic",
            Target::EntitlementTopic => "the product's entitlement topic",
            Target::OtherProductTopic => "another product's subscription topic",
            Target::LookalikeTopic => "a same-named topic in the seller account",
        }
    }
}

/// One cell: a holder's action on a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// Whose document decides it.
    pub holder: Holder,
    /// The IAM action, in the catalog's case.
    pub action: &'static str,
    /// What the call would act on.
    pub target: Target,
}

const fn cell(holder: Holder, action: &'static str, target: Target) -> Cell {
    Cell {
        holder,
        action,
        target,
    }
}

const DECRYPT: &str = "kms:Decrypt";
const SUBSCRIBE: &str = "sns:Subscribe";
/// Granted by no document: the subscriber subscribes, it does not publish.
const PUBLISH: &str = "sns:Publish";

impl Cell {
    /// The cells: Decrypt on the queue's key, and on a key or alias it must not reach; Subscribe on the product's
    /// two topics, and on topics that differ in the product code or the account; Publish, which no document grants.
    pub const ALL: [Cell; 8] = [
        cell(Holder::EncryptedConsumer, DECRYPT, Target::Key),
        cell(Holder::EncryptedConsumer, DECRYPT, Target::OtherKey),
        cell(Holder::EncryptedConsumer, DECRYPT, Target::Alias),
        cell(Holder::Subscriber, SUBSCRIBE, Target::SubscriptionTopic),
        cell(Holder::Subscriber, SUBSCRIBE, Target::EntitlementTopic),
        cell(Holder::Subscriber, SUBSCRIBE, Target::OtherProductTopic),
        cell(Holder::Subscriber, SUBSCRIBE, Target::LookalikeTopic),
        cell(Holder::Subscriber, PUBLISH, Target::SubscriptionTopic),
    ];

    /// Whether policies.toml grants the cell: the holder has the action on the SNS route, and one of its ARN
    /// patterns, filled with `parameters`, is the target's ARN. A pattern with a wildcard is an error (it would need
    /// matching, not filling; these actions have none).
    pub fn expected(
        self,
        policies: &Policies,
        parameters: &Parameters<'_>,
    ) -> Result<bool, String> {
        let values: [(Parameter, &str); 5] = parameters.values();
        let resource = self.target.arn(parameters);
        for (name, patterns) in self.holder.grants(policies, Route::Sns)? {
            if name != self.action {
                continue;
            }
            for pattern in patterns {
                if pattern.contains(['*', '?']) {
                    return Err(format!(
                        "policies.toml grants {name} on `{pattern}`, a pattern with a wildcard: the run fills ARN \
                         patterns, it does not match them"
                    ));
                }
                let arn = Parameter::fill(pattern, &values)
                    .map_err(|e| format!("policies.toml's {name} on `{pattern}`: {e}"))?;
                if arn == resource {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// The `(action, resource)` checks of `holder`'s cells, in the order of [`Cell::ALL`].
    pub fn checks(holder: Holder, parameters: &Parameters<'_>) -> Vec<(String, String)> {
        Cell::ALL
            .iter()
            .filter(|c| c.holder == holder)
            .map(|c| (c.action.to_owned(), c.target.arn(parameters)))
            .collect()
    }

    fn label(self) -> String {
        format!("{:<26} {:<13}", self.holder.describe(), self.action)
    }
}

/// The cells with what policies.toml says of each and what the evaluator decided.
pub struct GrantMatrix {
    /// Whether policies.toml grants each of [`Cell::ALL`].
    pub expected: Vec<bool>,
    /// The evaluator's decision on each of [`Cell::ALL`].
    pub decided: Vec<Decision>,
}

impl GrantMatrix {
    /// Takes the evaluator's answers, one row per holder of [`Holder::ALL`] in the order of [`Cell::checks`].
    pub fn read(expected: Vec<bool>, rows: &[Vec<serde_json::Value>]) -> GrantMatrix {
        let mut answers: Vec<std::slice::Iter<'_, serde_json::Value>> =
            rows.iter().map(|r| r.iter()).collect();
        let decided = Cell::ALL
            .iter()
            .map(|c| {
                let row = Holder::ALL.iter().position(|h| *h == c.holder).unwrap_or(0);
                match answers.get_mut(row).and_then(Iterator::next) {
                    Some(answer) => Decision::read_for(c.action, answer),
                    None => Decision::Unexpected(format!(
                        "no answer for {} of the {}",
                        c.action,
                        c.holder.describe()
                    )),
                }
            })
            .collect();
        GrantMatrix { expected, decided }
    }

    /// The number of cells.
    pub fn decided(&self) -> usize {
        self.decided.len()
    }

    /// Every cell that differs from policies.toml.
    pub fn mismatches(&self, parameters: &Parameters<'_>) -> Vec<String> {
        let mut out = Vec::new();
        for ((cell, expected), decision) in Cell::ALL.iter().zip(&self.expected).zip(&self.decided)
        {
            let says = if *expected {
                "grants it"
            } else {
                "does not grant it"
            };
            let what = format!(
                "{} × {} on {} ({}) (moto's IAM policy evaluator)",
                cell.holder.describe(),
                cell.action,
                cell.target.describe(),
                cell.target.arn(parameters)
            );
            match decision {
                Decision::Unexpected(detail) => out.push(format!(
                    "{what}: unexpected answer (policies.toml {says}): {detail}"
                )),
                decision if decision.allowed() != *expected => {
                    out.push(format!("{what}: {decision}, but policies.toml {says}"))
                }
                _ => {}
            }
        }
        out
    }

    /// The table, under a line saying what decided it; a cell that differs from policies.toml is marked `!`.
    pub fn render(&self, parameters: &Parameters<'_>) -> String {
        let rows: Vec<(String, Vec<Shown>)> = Cell::ALL
            .iter()
            .zip(&self.expected)
            .zip(&self.decided)
            .map(|((cell, expected), decision)| {
                let ok =
                    !matches!(decision, Decision::Unexpected(_)) && decision.allowed() == *expected;
                let on = format!(
                    "{} ({})",
                    cell.target.describe(),
                    cell.target.arn(parameters)
                );
                (cell.label(), vec![(decision.to_string(), ok), (on, true)])
            })
            .collect();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Notification grants on a key and on topics, decided by moto's IAM policy evaluator (moto.iam.access_control), \
             not by an SDK call: moto_server checks KMS and SNS calls against *. The consumer of {} encrypted with \
             key {} of {}, and the subscriber of the SNS route:",
            parameters.queue, parameters.key_id, parameters.account
        );
        out.push_str(&table(
            "holder                     action",
            &["decision", "resource"],
            &rows,
            "allowed (stmt 2) !".len(),
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notifications::{documents, tests::policies};
    use serde_json::json;

    #[test]
    fn policies_toml_grants_decrypt_on_the_key_and_subscribe_on_the_two_topics_alone() {
        let policies = policies();
        let expected: Vec<bool> = Cell::ALL
            .iter()
            .map(|c| c.expected(&policies, &Parameters::RUN).unwrap())
            .collect();
        assert_eq!(
            expected,
            [true, false, false, true, true, false, false, false]
        );
        // The checks go to the evaluator in each holder's order.
        assert_eq!(
            Cell::checks(Holder::EncryptedConsumer, &Parameters::RUN)[0],
            (
                "kms:Decrypt".to_owned(),
                "arn:aws:kms:us-east-1:123456789012:key/0e2e0000-aaaa-4bbb-8ccc-000000000001"
                    .to_owned()
            )
        );
        assert_eq!(Cell::checks(Holder::Subscriber, &Parameters::RUN).len(), 5);
    }

    #[test]
    fn the_project_actions_are_policies_toml_actions_and_publish_is_not() {
        let project = |name: &str| {
            marketplace_iam::Action::ALL
                .iter()
                .any(|a| a.as_str() == name)
        };
        assert!(project(DECRYPT) && project(SUBSCRIBE));
        assert!(!project(PUBLISH));
    }

    #[test]
    fn the_sns_route_gives_both_holders_a_document() {
        let sns = documents(&policies(), Route::Sns, &Parameters::RUN).unwrap();
        let [consumer, subscriber] = Holder::users(&sns);
        assert!(consumer.policy.unwrap().contains("\"kms:Decrypt\""));
        assert!(subscriber.policy.unwrap().contains("\"sns:Subscribe\""));
        assert_eq!(subscriber.name, "e2e-subscriber");
    }

    #[test]
    fn targets_differ_from_the_granted_resource_in_one_part() {
        let p = Parameters::RUN;
        let key = Target::Key.arn(&p);
        assert_eq!(
            Target::OtherKey.arn(&p),
            key.replace(p.key_id, OTHER_KEY_ID)
        );
        assert_eq!(
            Target::Alias.arn(&p),
            "arn:aws:kms:us-east-1:123456789012:alias/saas-notifications"
        );
        let topic = Target::SubscriptionTopic.arn(&p);
        assert_eq!(
            Target::OtherProductTopic.arn(&p),
            topic.replace(p.product_code, OTHER_PRODUCT_CODE)
        );
        assert_eq!(
            Target::LookalikeTopic.arn(&p),
            topic.replace(p.marketplace_account, p.account)
        );
    }

    fn answers(decisions: &[bool]) -> Vec<Vec<serde_json::Value>> {
        Holder::ALL
            .iter()
            .map(|h| {
                Cell::ALL
                    .iter()
                    .zip(decisions)
                    .filter(|(c, _)| c.holder == *h)
                    .map(|(c, allowed)| {
                        if *allowed {
                            json!({"allowed": true, "statements": [2]})
                        } else {
                            json!({"allowed": false, "message": format!("User: x is not authorized to perform: {}", c.action)})
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn cells_that_differ_from_policies_toml_are_mismatches_and_marked() {
        let expected = vec![true, false, false, true, true, false, false, false];
        let m = GrantMatrix::read(expected.clone(), &answers(&expected));
        assert!(
            m.mismatches(&Parameters::RUN).is_empty(),
            "{:#?}",
            m.mismatches(&Parameters::RUN)
        );
        let table = m.render(&Parameters::RUN);
        assert!(!table.contains(" !"), "{table}");
        assert!(table.contains("allowed (stmt 2)"), "{table}");
        assert_eq!(m.decided(), 8);

        let mut wrong = expected.clone();
        wrong[2] = true; // the alias allowed
        wrong[4] = false; // the entitlement topic denied
        let mut rows = answers(&wrong);
        rows[1].truncate(4); // no answer for Publish
        let m = GrantMatrix::read(expected, &rows);
        let mismatches = m.mismatches(&Parameters::RUN);
        assert_eq!(mismatches.len(), 3, "{mismatches:#?}");
        assert!(
            mismatches[0].contains("kms:Decrypt on an alias"),
            "{}",
            mismatches[0]
        );
        assert!(mismatches[0].ends_with("allowed (stmt 2), but policies.toml does not grant it"));
        assert!(
            mismatches[1].contains("entitlement topic")
                && mismatches[1].ends_with("denied, but policies.toml grants it")
        );
        assert!(
            mismatches[2].contains("sns:Publish") && mismatches[2].contains("unexpected answer")
        );
        assert_eq!(m.render(&Parameters::RUN).matches(" !").count(), 3);
    }
}
