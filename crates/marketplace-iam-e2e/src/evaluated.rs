//! The License Manager actions, decided by moto's IAM policy evaluator instead of an SDK call.
//!
//! moto 5.2.5 has no License Manager backend: `moto_server` cannot route a `license-manager` request (it fails with
//! HTTP 500 before any access check, for a user without any policy as for one allowed everything), so the SDK cannot
//! prove these cells. The venv's moto decides them with the code its server enforces IAM with
//! (`moto.iam.access_control`: `IAMRequest.check_action_permitted` over the user's stored inline policy, `IAMPolicy`,
//! `IAMPolicyStatement`, `PermissionResult`), independent of the project's own policy checker. The expectations stay
//! here, from the `marketplace-iam` crate; the helper only evaluates.

use std::fmt;

use crate::server::ProbeAnswer;

/// What `moto_server` logs when no backend serves a request's service.
pub const NOT_ROUTED: &str =
    "Unable to find appropriate backend for license-manager.us-east-1.amazonaws.com";

/// Judges the probe of the endpoint: if it failed the License Manager call with HTTP 500 for every signer (allowed
/// everything or nothing) and logged that no backend serves License Manager, it neither routes nor enforces it, and
/// the evaluator must decide these cells; returns that evidence in one line. Otherwise moto answers License Manager
/// now, and these cells belong to SDK calls: an error says so.
pub fn not_routed(answers: &[ProbeAnswer], server_log: &str) -> Result<String, String> {
    let all_500 = !answers.is_empty() && answers.iter().all(|a| a.status == Some(500));
    if all_500 && server_log.contains(NOT_ROUTED) {
        let signers: Vec<&str> = answers.iter().map(|a| a.signer.as_str()).collect();
        Ok(format!(
            "License Manager CheckoutLicense signed by {}: HTTP 500 for each, and moto_server logged \"{NOT_ROUTED}\": \
             it neither routes nor enforces license-manager",
            signers.join(" and by ")
        ))
    } else {
        let seen: Vec<String> = answers
            .iter()
            .map(|a| match a.status {
                Some(status) => format!("{}: HTTP {status} {}", a.signer, a.body),
                None => format!("{}: no HTTP answer: {}", a.signer, a.body),
            })
            .collect();
        Err(format!(
            "the endpoint no longer fails License Manager calls as unrouted ({}; \"{NOT_ROUTED}\" {}logged): if it \
             routes and enforces license-manager now, prove these cells through the AWS SDK for Rust instead",
            seen.join("; "),
            if server_log.contains(NOT_ROUTED) {
                ""
            } else {
                "not "
            }
        ))
    }
}

/// The license a call on a license acts on: `arn:aws:license-manager::<account>:license:<id>`, the ARN format of the
/// catalog's resource type `license`, in the account AWS Marketplace issues licenses from (294406891311, as AWS's
/// License Manager examples show it).
pub const LICENSE_ARN: &str = "arn:aws:license-manager::294406891311:license:l-0123456789abcdef0";

/// A License Manager action whose access the evaluator decides.
///
/// The first four are the License Manager actions of policies.toml (the contract pricing documents grant them). The
/// other five are granted by no document, so that "every other one is denied" has License Manager actions to be
/// denied: ListReceivedLicenses (in the Seller Guide's sample policy, but called by no step of the integration, so
/// the documents leave it out), two that act on the same `license` resource type as GetLicense
/// (CheckoutBorrowLicense, the borrowing variant of CheckoutLicense, and DeleteLicense, a destructive one), which
/// GetLicense's license-ARN statement must not grant, and two without a resource type (GetAccessToken, which
/// Containers Anywhere software calls without AWS credentials, and CreateLicense, a license issuer's action), which
/// the `"*"` statement must not grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evaluated {
    /// `license-manager:CheckoutLicense` (no resource type).
    CheckoutLicense,
    /// `license-manager:ExtendLicenseConsumption` (no resource type).
    ExtendLicenseConsumption,
    /// `license-manager:CheckInLicense` (no resource type).
    CheckInLicense,
    /// `license-manager:GetLicense`, on a license.
    GetLicense,
    /// `license-manager:ListReceivedLicenses` (no resource type); no document grants it.
    ListReceivedLicenses,
    /// `license-manager:CheckoutBorrowLicense`, on a license; no document grants it.
    CheckoutBorrowLicense,
    /// `license-manager:DeleteLicense`, on a license; no document grants it.
    DeleteLicense,
    /// `license-manager:GetAccessToken` (no resource type); no document grants it.
    GetAccessToken,
    /// `license-manager:CreateLicense` (no resource type); no document grants it.
    CreateLicense,
}

impl Evaluated {
    /// Every evaluated action, in the table's column order.
    pub const ALL: [Evaluated; 9] = [
        Evaluated::CheckoutLicense,
        Evaluated::ExtendLicenseConsumption,
        Evaluated::CheckInLicense,
        Evaluated::GetLicense,
        Evaluated::ListReceivedLicenses,
        Evaluated::CheckoutBorrowLicense,
        Evaluated::DeleteLicense,
        Evaluated::GetAccessToken,
        Evaluated::CreateLicense,
    ];

    /// The action's name without the prefix, as in AWS's catalog.
    pub fn name(self) -> &'static str {
        match self {
            Evaluated::CheckoutLicense => "CheckoutLicense",
            Evaluated::ExtendLicenseConsumption => "ExtendLicenseConsumption",
            Evaluated::CheckInLicense => "CheckInLicense",
            Evaluated::GetLicense => "GetLicense",
            Evaluated::ListReceivedLicenses => "ListReceivedLicenses",
            Evaluated::CheckoutBorrowLicense => "CheckoutBorrowLicense",
            Evaluated::DeleteLicense => "DeleteLicense",
            Evaluated::GetAccessToken => "GetAccessToken",
            Evaluated::CreateLicense => "CreateLicense",
        }
    }

    /// The IAM action, in the catalog's case (moto matches action names exactly): `license-manager:<Action>`.
    pub fn iam_action(self) -> String {
        format!("license-manager:{}", self.name())
    }

    /// The resource the call would act on: a license for the actions with the catalog's resource type `license`,
    /// `*` for the actions without a resource type.
    pub fn resource(self) -> &'static str {
        match self {
            Evaluated::GetLicense | Evaluated::CheckoutBorrowLicense | Evaluated::DeleteLicense => {
                LICENSE_ARN
            }
            _ => "*",
        }
    }
}

/// What the evaluator decided for one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// `check_action_permitted` passed: some statement permits the action on the resource and none denies it.
    Allowed {
        /// The 1-based positions, in the user's policy, of the statements that permit it.
        statements: Vec<u64>,
    },
    /// `check_action_permitted` raised AccessDenied naming the action.
    Denied,
    /// Anything else: a denial naming another action, an answer the runner cannot read.
    Unexpected(String),
}

impl Decision {
    /// Whether the evaluator allowed the action.
    pub fn allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }

    /// Reads the helper's answer for `action`:
    /// `{"allowed": true, "statements": [2]}` or `{"allowed": false, "message": "User: ... perform: <action>"}`.
    pub fn read(action: Evaluated, answer: &serde_json::Value) -> Decision {
        Decision::read_for(&action.iam_action(), answer)
    }

    /// Reads the helper's answer for the IAM action `iam_action` (`kms:Decrypt`), as [`read`](Self::read) does: a
    /// denial must name exactly that action.
    pub fn read_for(iam_action: &str, answer: &serde_json::Value) -> Decision {
        match answer["allowed"].as_bool() {
            Some(true) => Decision::Allowed {
                statements: answer["statements"]
                    .as_array()
                    .map(|s| s.iter().filter_map(|i| i.as_u64()).collect())
                    .unwrap_or_default(),
            },
            Some(false) => {
                let message = answer["message"].as_str().unwrap_or_default();
                if message.ends_with(&format!(" perform: {iam_action}")) {
                    Decision::Denied
                } else {
                    Decision::Unexpected(format!(
                        "a denial that does not name {iam_action}: {message}"
                    ))
                }
            }
            None => Decision::Unexpected(format!("unreadable answer: {answer}")),
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Allowed { statements } => {
                let list: Vec<String> = statements.iter().map(u64::to_string).collect();
                write!(f, "allowed (stmt {})", list.join(","))
            }
            Decision::Denied => f.write_str("denied"),
            Decision::Unexpected(_) => f.write_str("UNEXPECTED"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_project_actions_of_license_manager_are_evaluated_and_five_others_are_not_granted() {
        let project: Vec<&str> = marketplace_iam::Action::ALL
            .iter()
            .map(|a| a.as_str())
            .filter(|a| a.starts_with("license-manager:"))
            .collect();
        let evaluated: Vec<String> = Evaluated::ALL.iter().map(|e| e.iam_action()).collect();
        for action in &project {
            assert!(evaluated.iter().any(|e| e == action), "{action}");
        }
        let others: Vec<&String> = evaluated
            .iter()
            .filter(|e| !project.contains(&e.as_str()))
            .collect();
        assert_eq!(others.len(), 5, "{others:?}");
        // No document grants them: a denial is the only right answer.
        for other in others {
            assert!(
                marketplace_iam::ProductType::ALL
                    .iter()
                    .flat_map(|p| p.actions())
                    .chain(
                        marketplace_iam::PricingModel::ALL
                            .iter()
                            .flat_map(|m| m.actions())
                    )
                    .all(|a| a.as_str() != other),
                "{other}"
            );
        }
    }

    #[test]
    fn actions_on_a_license_are_evaluated_on_a_license_arn() {
        assert_eq!(Evaluated::GetLicense.resource(), LICENSE_ARN);
        assert!(LICENSE_ARN.starts_with("arn:aws:license-manager::294406891311:license:l-"));
        assert_eq!(Evaluated::CheckoutLicense.resource(), "*");
        assert_eq!(Evaluated::GetAccessToken.resource(), "*");
        assert_eq!(Evaluated::DeleteLicense.resource(), LICENSE_ARN);
    }

    fn probed(statuses: &[Option<u16>]) -> Vec<ProbeAnswer> {
        statuses
            .iter()
            .enumerate()
            .map(|(i, status)| ProbeAnswer {
                signer: format!("signer {i}"),
                status: *status,
                body: String::new(),
            })
            .collect()
    }

    #[test]
    fn the_evaluator_decides_only_while_the_endpoint_cannot_route_license_manager() {
        let log = format!("{NOT_ROUTED}.Remember to add the URL to urls.py\nAttributeError: ...");
        let evidence = not_routed(&probed(&[Some(500), Some(500)]), &log).unwrap();
        assert!(
            evidence.contains("signer 0 and by signer 1: HTTP 500 for each"),
            "{evidence}"
        );
        // A 403 for the user without policy means it enforces; any other answer, or no log line, means it routes.
        for (statuses, log) in [
            (vec![Some(500), Some(403)], log.as_str()),
            (vec![Some(200), Some(403)], log.as_str()),
            (vec![Some(500), Some(500)], ""),
            (vec![Some(500), None], log.as_str()),
            (vec![], log.as_str()),
        ] {
            let error = not_routed(&probed(&statuses), log).unwrap_err();
            assert!(
                error.contains("through the AWS SDK for Rust instead"),
                "{error}"
            );
        }
    }

    #[test]
    fn answers_are_read_strictly() {
        let get = Evaluated::GetLicense;
        assert_eq!(
            Decision::read(get, &json!({"allowed": true, "statements": [2]})),
            Decision::Allowed {
                statements: vec![2]
            }
        );
        let denied = "User: arn:aws:iam::123456789012:user/x is not authorized to perform: license-manager:GetLicense";
        assert_eq!(
            Decision::read(get, &json!({"allowed": false, "message": denied})),
            Decision::Denied
        );
        // A denial of another action, one in another case, or no answer at all proves nothing about this one.
        for message in [
            denied.replace("GetLicense", "CheckoutLicense"),
            denied.replace("GetLicense", "getlicense"),
            String::new(),
        ] {
            let got = Decision::read(get, &json!({"allowed": false, "message": message}));
            assert!(matches!(got, Decision::Unexpected(_)), "{got:?}");
        }
        let kms =
            "User: arn:aws:iam::123456789012:user/x is not authorized to perform: kms:Decrypt";
        assert_eq!(
            Decision::read_for("kms:Decrypt", &json!({"allowed": false, "message": kms})),
            Decision::Denied
        );
        assert!(matches!(
            Decision::read_for("sns:Subscribe", &json!({"allowed": false, "message": kms})),
            Decision::Unexpected(_)
        ));
        assert!(matches!(
            Decision::read(get, &json!({})),
            Decision::Unexpected(_)
        ));
        assert_eq!(
            Decision::Allowed {
                statements: vec![1, 2]
            }
            .to_string(),
            "allowed (stmt 1,2)"
        );
    }
}
