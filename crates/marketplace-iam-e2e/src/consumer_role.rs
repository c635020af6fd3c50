//! The notification consumer as it is deployed: an IAM role with the engine's consumer policy inline, assumed through
//! STS, whose temporary credentials (with their session token) sign the consumer's SQS calls.
//!
//! Through the endpoint's IAM API, with the admin's key, the run creates the user [`CALLER`], whose only policy
//! allows `sts:AssumeRole` on the role, and the role [`ROLE`], whose trust policy names that user's ARN and whose
//! inline policy is the consumer's policy from [`crate::notifications::documents`], byte for byte. The caller then
//! assumes the role (`sts:AssumeRole`, session [`SESSION`]), and the admin tries the same.
//!
//! # What the endpoint enforces for an assumed role (moto 5.2.5, read in the venv's `site-packages/moto/`)
//!
//! - **The role's policies, for its temporary credentials: enforced.** `create_access_key`
//!   (`iam/access_control.py`, lines 59-75) takes a request signed with a key id that does not start with `AKIA` and
//!   carries `X-Amz-Security-Token` as an `AssumedRoleAccessKey` (lines 148-198): it must be a key STS issued for an
//!   assumed role (lines 162-168, `InvalidClientTokenId` otherwise) and the token must be that session's (lines
//!   169-170). Its `collect_policies` (lines 183-198) returns the role's inline policies (`list_role_policies`,
//!   `get_role_policy`) and its attached ones, and `IAMRequest.check_action_permitted` (lines 263-283) decides the
//!   request over them exactly as for a user, on the queue's ARN for SQS (see [`crate::notifications`]). A denial
//!   names the session: `User: arn:aws:sts::<account>:assumed-role/<role>/<session> is not authorized to perform:
//!   sqs:<Operation>` (its `arn`, line 176), which the runner requires of every denied SQS cell.
//! - **The trust policy, on AssumeRole: enforced, for a principal named by its ARN.** STS's `_determine_resource`
//!   (`sts/responses.py`, lines 19-22) makes the `RoleArn` the resource of AssumeRole. `check_action_permitted`
//!   allows it only if the caller's identity policies allow `sts:AssumeRole` on that ARN **and** (lines 279-280),
//!   when a role with that ARN exists (`_is_assuming_role_operation`, lines 285-292; the action list is
//!   `iam/utils.py`, line 10), the role's trust policy permits the caller's ARN (`_check_role_trust_relationship`,
//!   lines 294-311). A trust statement's principal matches only if `Principal.AWS` is `"*"`, or equals or contains
//!   the caller's ARN as a string (`IAMPolicyStatement._check_principal`, lines 535-545). So the account root,
//!   `arn:aws:iam::<account>:root`, which in AWS delegates to the account's identity policies, admits no user here:
//!   the trust policy names [`CALLER`] by its ARN, and the caller also holds `sts:AssumeRole` on the role, which AWS
//!   accepts the same way. Every run shows the trust policy at work: the admin, allowed everything by its identity
//!   policy but not named by the trust policy, is refused with HTTP 403 naming `sts:AssumeRole` ([`trust_enforced`]).
//! - **Not modelled:** AssumeRole of a role that does not exist succeeds for a caller allowed `sts:AssumeRole`
//!   (`STSBackend.assume_role`, `sts/models.py`, lines 80-106: "the role does not need to exist"), with no trust
//!   check (lines 288-292 above); a session policy is stored (`AssumedRole.policy`, line 44) but never collected, and
//!   the session's expiration is never checked. The run passes no session policy and uses the session at once.

use crate::notifications::ACCOUNT;
use crate::server::AssumedRole;

/// The role that holds the notification consumer's policy.
pub const ROLE: &str = "e2e-consumer";
/// The user that assumes it: its only policy allows `sts:AssumeRole` on the role, and the trust policy names it.
pub const CALLER: &str = "e2e-consumer-caller";
/// The session name of the assumed role.
pub const SESSION: &str = "e2e-notification-consumer";
/// Who tries to assume the role without being named by its trust policy: the admin, allowed everything.
pub const OUTSIDER: &str = "e2e-admin";

/// `arn:aws:iam::<account>:role/<ROLE>`.
pub fn role_arn() -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{ROLE}")
}

/// `arn:aws:iam::<account>:user/<name>`.
fn user_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{name}")
}

/// `arn:aws:sts::<account>:assumed-role/<ROLE>/<SESSION>`: the session that signs the consumer's calls.
pub fn session_arn() -> String {
    format!("arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/{SESSION}")
}

/// The role's trust policy: [`CALLER`], by its ARN, may assume it.
pub fn trust_policy() -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": user_arn(CALLER)},
            "Action": "sts:AssumeRole",
        }],
    })
    .to_string()
}

/// The caller's identity policy: `sts:AssumeRole` on the role, nothing else.
pub fn caller_policy() -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": role_arn(),
        }],
    })
    .to_string()
}

/// Checks what STS gave the caller (temporary credentials of [`session_arn`], with a session token) and that the
/// endpoint refused the admin's AssumeRole with HTTP 403 naming `sts:AssumeRole` and the admin: the trust policy,
/// not the identity policy, decided it. Returns the line of evidence, or an error saying what differs.
pub fn trust_enforced(role: &AssumedRole) -> Result<String, String> {
    if role.role_arn != role_arn() {
        return Err(format!(
            "the endpoint created the role as {}, not as {}",
            role.role_arn,
            role_arn()
        ));
    }
    if role.arn != session_arn() {
        return Err(format!(
            "{CALLER} assumed {} as {}, not as {}",
            ROLE,
            role.arn,
            session_arn()
        ));
    }
    if role.key.token.as_deref().is_none_or(str::is_empty) || role.key.id.starts_with("AKIA") {
        return Err(format!(
            "STS gave {CALLER} the key {} without a session token or with a user's key prefix: these are not an \
             assumed role's temporary credentials",
            role.key.id
        ));
    }
    let outsider = &role.outsider;
    let named =
        outsider.body.contains("sts:AssumeRole") && outsider.body.contains(&user_arn(OUTSIDER));
    match outsider.status {
        Some(403) if named => Ok(format!(
            "{CALLER} assumed {ROLE} ({}, session token); {}, allowed everything by its identity policy but not \
             named by the trust policy, was refused sts:AssumeRole with HTTP 403: the endpoint enforces the role's \
             trust policy",
            role.arn, outsider.signer
        )),
        Some(200) => Err(format!(
            "{} assumed {ROLE} although the trust policy names {CALLER} alone: the endpoint does not enforce the \
             role's trust policy",
            outsider.signer
        )),
        Some(status) => Err(format!(
            "{}'s AssumeRole of {ROLE} was refused otherwise than by the trust policy (HTTP {status}: {})",
            outsider.signer, outsider.body
        )),
        None => Err(format!(
            "{}'s AssumeRole got no HTTP answer: {}",
            outsider.signer, outsider.body
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::{AccessKey, ProbeAnswer};

    fn assumed(status: Option<u16>, body: &str) -> AssumedRole {
        AssumedRole {
            role_arn: role_arn(),
            arn: session_arn(),
            key: AccessKey {
                id: "ASIA0000000000000001".into(),
                secret: "secret".into(),
                token: Some("token".into()),
            },
            outsider: ProbeAnswer {
                signer: OUTSIDER.into(),
                status,
                body: body.into(),
            },
        }
    }

    const REFUSED: &str = "User: arn:aws:iam::123456789012:user/e2e-admin is not authorized to perform: sts:AssumeRole";

    #[test]
    fn the_trust_policy_names_the_caller_and_the_caller_may_only_assume_the_role() {
        let trust: serde_json::Value = serde_json::from_str(&trust_policy()).unwrap();
        let statement = &trust["Statement"][0];
        assert_eq!(
            statement["Principal"]["AWS"],
            "arn:aws:iam::123456789012:user/e2e-consumer-caller"
        );
        assert_eq!(statement["Action"], "sts:AssumeRole");
        let caller: serde_json::Value = serde_json::from_str(&caller_policy()).unwrap();
        assert_eq!(
            caller["Statement"].as_array().map(Vec::len),
            Some(1),
            "{caller}"
        );
        assert_eq!(
            caller["Statement"][0]["Resource"],
            "arn:aws:iam::123456789012:role/e2e-consumer"
        );
        assert_eq!(
            session_arn(),
            "arn:aws:sts::123456789012:assumed-role/e2e-consumer/e2e-notification-consumer"
        );
    }

    #[test]
    fn the_trust_policy_is_enforced_only_if_the_outsider_got_a_403_naming_assume_role() {
        let evidence = trust_enforced(&assumed(Some(403), REFUSED)).unwrap();
        assert!(
            evidence.contains("enforces the role's trust policy"),
            "{evidence}"
        );
        assert!(
            trust_enforced(&assumed(Some(200), ""))
                .unwrap_err()
                .contains("does not enforce the role's trust policy")
        );
        for (status, body) in [
            (Some(200), ""),
            (
                Some(403),
                "User: arn:aws:iam::123456789012:user/e2e-admin is not authorized to perform: sqs:x",
            ),
            (Some(500), REFUSED),
            (None, "ConnectionRefused"),
        ] {
            assert!(
                trust_enforced(&assumed(status, body)).is_err(),
                "{status:?} {body}"
            );
        }
    }

    #[test]
    fn a_users_key_or_another_session_is_not_the_assumed_role() {
        let mut user_key = assumed(Some(403), REFUSED);
        user_key.key.token = None;
        assert!(
            trust_enforced(&user_key)
                .unwrap_err()
                .contains("session token")
        );
        let mut other = assumed(Some(403), REFUSED);
        other.arn = "arn:aws:sts::123456789012:assumed-role/e2e-consumer/other".into();
        assert!(trust_enforced(&other).is_err());
    }
}
