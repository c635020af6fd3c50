//! How a trust policy's `Principal` names a caller, and which `AWS` principals IAM accepts.

use crate::document::{Principal, PrincipalValue, Statement};

/// Who asks to assume the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller<'a> {
    /// An IAM user, a role or a role's session, or an account's root, by ARN: `arn:aws:iam::111122223333:user/u`,
    /// `arn:aws:iam::111122223333:role/R`, `arn:aws:sts::111122223333:assumed-role/R/session`,
    /// `arn:aws:iam::111122223333:root`.
    Aws(&'a str),
    /// An AWS service: `ec2.amazonaws.com`.
    Service(&'a str),
    /// A web identity or SAML provider: an IAM OIDC provider's ARN
    /// (`arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE`) or a well-known
    /// provider's name (`cognito-identity.amazonaws.com`).
    Federated(&'a str),
}

/// Whether a statement's `Principal`/`NotPrincipal` names the caller. A statement without either names nobody (IAM
/// refuses such a statement in a trust policy).
pub(crate) fn names(statement: &Statement, caller: Caller<'_>) -> bool {
    match &statement.principal {
        Some(Principal::Principal(value)) => value_names(value, caller),
        Some(Principal::NotPrincipal(value)) => !value_names(value, caller),
        None => false,
    }
}

fn value_names(value: &PrincipalValue, caller: Caller<'_>) -> bool {
    match value {
        PrincipalValue::Any => true,
        PrincipalValue::Typed(entries) => entries.iter().any(|(kind, ids)| {
            ids.iter().any(|id| match (kind.as_str(), caller) {
                ("AWS", Caller::Aws(arn)) => aws_id_names(id, arn),
                ("Service", Caller::Service(service)) => id.eq_ignore_ascii_case(service),
                ("Federated", Caller::Federated(provider)) => id == provider,
                _ => false,
            })
        }),
    }
}

/// Whether the `AWS` principal `id` names the caller whose ARN is `caller`.
fn aws_id_names(id: &str, caller: &str) -> bool {
    if id == "*" || id == caller {
        return true;
    }
    let Some(who) = Arn::of(caller) else {
        return false;
    };
    if is_account_id(id) {
        return who.account == id;
    }
    let Some(named) = Arn::of(id) else {
        return false;
    };
    if named.partition != who.partition || named.account != who.account {
        return false;
    }
    match (named.service, named.resource) {
        // The account: every principal in it.
        ("iam", "root") => true,
        // A role: the role itself, and its sessions (whose ARN has the role's name without its path).
        ("iam", role) if role.starts_with("role/") => {
            let name = role.rsplit('/').next().unwrap_or("");
            who.service == "sts"
                && who
                    .resource
                    .strip_prefix("assumed-role/")
                    .and_then(|rest| rest.split('/').next())
                    == Some(name)
        }
        _ => false,
    }
}

/// Whether an applying statement names the caller by its own ARN: a user's or role's ARN, or the session's ARN.
pub(crate) fn names_by_arn(statement: &Statement, caller: Caller<'_>) -> bool {
    let (Some(Principal::Principal(PrincipalValue::Typed(entries))), Caller::Aws(arn)) =
        (&statement.principal, caller)
    else {
        return false;
    };
    entries
        .iter()
        .filter(|(kind, _)| kind == "AWS")
        .flat_map(|(_, ids)| ids)
        .any(|id| {
            Arn::of(id).is_some_and(|named| named.resource != "root") && aws_id_names(id, arn)
        })
}

/// Why an `AWS` principal of a trust policy is not one IAM accepts, or `None` when it is: `*`, a 12-digit account
/// id, or the ARN of an account root, user, role, assumed-role session or federated user.
///
/// ```
/// use marketplace_iam_policy::invalid_aws_principal;
///
/// assert_eq!(invalid_aws_principal("arn:aws:iam::111122223333:role/app"), None);
/// assert_eq!(invalid_aws_principal("111122223333"), None);
/// assert!(invalid_aws_principal("arn:aws:iam::1111:role/app").is_some());
/// assert!(invalid_aws_principal("app-role").is_some());
/// ```
pub fn invalid_aws_principal(id: &str) -> Option<String> {
    if id == "*" || is_account_id(id) {
        return None;
    }
    let Some(arn) = Arn::of(id) else {
        return Some("not `*`, an account id (12 digits) or an ARN".to_owned());
    };
    if arn.partition.is_empty() || !is_account_id(arn.account) {
        return Some(format!(
            "the account `{}` of an ARN must be 12 digits, with a partition",
            arn.account
        ));
    }
    let kind = arn.resource.split('/').next().unwrap_or("");
    let ok = match arn.service {
        "iam" => {
            arn.resource == "root"
                || (matches!(kind, "user" | "role") && arn.resource.len() > kind.len() + 1)
        }
        "sts" => matches!(kind, "assumed-role" | "federated-user") && arn.resource.contains('/'),
        _ => false,
    };
    if id.contains('*') {
        return Some("IAM refuses wildcards in a principal's ARN".to_owned());
    }
    (!ok).then(|| {
        "not the ARN of an account root (`arn:aws:iam::<account>:root`), user, role, assumed-role session or \
         federated user"
            .to_owned()
    })
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The parts of an ARN a principal's identity depends on.
pub(crate) struct Arn<'a> {
    pub(crate) partition: &'a str,
    pub(crate) service: &'a str,
    pub(crate) account: &'a str,
    pub(crate) resource: &'a str,
}

impl<'a> Arn<'a> {
    pub(crate) fn of(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.splitn(6, ':');
        let (arn, partition, service, _region, account, resource) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        (arn == "arn").then_some(Arn {
            partition,
            service,
            account,
            resource,
        })
    }
}
