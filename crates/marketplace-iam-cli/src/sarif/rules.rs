//! The rules of the SARIF log: one per kind of finding `check` reports, by the finding's code, with its level and
//! the text a reader of GitHub code scanning (or any SARIF viewer) sees.
//!
//! Levels: `error` for a required action that is denied (the integration's calls fail) and for a hop of the
//! assume-role chain that does not allow (the role's credentials are refused); `warning` for what
//! grants or trusts more than it should (over-grants, trust findings) and for a required action that is allowed
//! only under a condition (the check fails on it); `note` for everything else (values unknown offline, policies
//! not counted, roles not checked, and the checker's warnings about statements).

use super::log::Level;

/// The text and level of one rule.
pub(crate) struct RuleText {
    /// The finding's code.
    pub(crate) id: &'static str,
    /// The level of its results.
    pub(crate) level: Level,
    /// One line.
    pub(crate) short: &'static str,
    /// What the finding means.
    pub(crate) full: &'static str,
    /// What to do about it.
    pub(crate) help: &'static str,
}

/// The rule results of codes not in [`RULES`] use (none should have one: a test checks the codes `check`
/// emits).
pub(crate) const OTHER: &str = "warning";

/// Every rule, in the order of the log's `rules`.
pub(crate) const RULES: &[RuleText] = &[
    RuleText {
        id: "implicit_deny",
        level: Level::Error,
        short: "A required action is not allowed",
        full: "No statement allows an action the integration calls (or the permissions boundary or an SCP does not allow it): the call fails with AccessDenied.",
        help: "Add an Allow statement for the action; the message names the statement to add and the policy it is missing from.",
    },
    RuleText {
        id: "explicit_deny",
        level: Level::Error,
        short: "A required action is explicitly denied",
        full: "A Deny statement matches an action the integration calls: the call fails with AccessDenied whatever else allows it.",
        help: "Narrow the Deny statement (its Action, Resource or Condition) so that it does not match the action, or exempt the role from it.",
    },
    RuleText {
        id: "assume_identity_denied",
        level: Level::Error,
        short: "The caller's identity policies do not allow the STS call on the role",
        full: "The caller's identity policies (and its permissions boundary) must allow sts:AssumeRole on the role's ARN across accounts, and in the role's own account unless the trust policy names the caller's ARN; a Deny statement that matches stops it either way. STS refuses the role's credentials.",
        help: "Add the statement the message names to one of the caller's policies (Action sts:AssumeRole, Resource the role's ARN), or narrow the Deny statement it names so that it does not match the call.",
    },
    RuleText {
        id: "assume_trust_denied",
        level: Level::Error,
        short: "The role's trust policy does not admit the caller",
        full: "No statement of the role's trust policy names the caller in Principal and allows the STS action with conditions the request meets, or a Deny statement matches it: STS refuses the role's credentials.",
        help: "Make the request meet the condition the message names (e.g. pass the sts:ExternalId the trust policy requires), or name the caller in the Principal of an Allow statement for the action (its role's ARN, its account, or the web identity provider with conditions on the token's sub and aud).",
    },
    RuleText {
        id: "assume_caller_scp_denied",
        level: Level::Error,
        short: "An SCP of the caller's account stops the STS call",
        full: "Each service control policy of the caller's account must allow sts:AssumeRole on the role, and none may deny it: the call fails with AccessDenied whatever the identity and trust policies allow.",
        help: "Narrow the Deny statement the message names (its Condition, e.g. on aws:ResourceOrgID, or its Resource) so that it does not match the role, or add an Allow for the action to the SCP that lacks one.",
    },
    RuleText {
        id: "assume_rcp_denied",
        level: Level::Error,
        short: "An RCP of the role's account stops the STS call",
        full: "Each resource control policy of the role's account must allow the STS call on the role, and none may deny it (AWS STS is among the services RCPs apply to): the call fails with AccessDenied whatever the trust policy allows.",
        help: "Narrow the Deny statement the message names (its Condition, e.g. on aws:PrincipalOrgID, or its Principal) so that it does not match the caller, or add an Allow for the action to the RCP that lacks one.",
    },
    RuleText {
        id: "conditional",
        level: Level::Warning,
        short: "A required action is allowed only under a condition",
        full: "The statements about an action the integration calls depend on a condition that cannot be decided offline: the call may fail.",
        help: "Make sure the condition holds for the integration's requests, or check again with --context KEY=VALUE to decide it.",
    },
    RuleText {
        id: "over_grant",
        level: Level::Warning,
        short: "The policy grants aws-marketplace actions the integration does not need",
        full: "The statement allows actions of the aws-marketplace catalog beyond the ones checked, on all their resources.",
        help: "List only the actions the integration calls (marketplace-iam policy <product> prints them) instead of wildcards or extra actions.",
    },
    RuleText {
        id: "over_grant_on_some_resources",
        level: Level::Warning,
        short: "The policy grants aws-marketplace actions the integration does not need, on some resources",
        full: "The statement allows actions of the aws-marketplace catalog beyond the ones checked, on the resources its Resource patterns name (the message lists them).",
        help: "Remove the actions the integration does not call from the statement, or confirm that the resource patterns confine them as intended.",
    },
    RuleText {
        id: "unresolved",
        level: Level::Note,
        short: "A value is unknown offline",
        full: "Part of a policy depends on a value known only at deployment (a parameter without a value, an attribute known after apply): the statement counts as conditional, never as allowed.",
        help: "Give the value (--parameter, --account-id, --region) or check the deployed policy.",
    },
    RuleText {
        id: "conditional_role",
        level: Level::Note,
        short: "The role is created only under a template condition",
        full: "The role's Condition depends on a value unknown offline: it is checked as if it were created.",
        help: "Give the parameters the condition depends on with --parameter to decide it.",
    },
    RuleText {
        id: "unknown_managed_policy",
        level: Level::Note,
        short: "A managed policy is not known to the checker",
        full: "The role attaches a managed policy whose document is not in the file and not among the AWS managed policies the checker knows: its grants are not counted.",
        help: "Define the policy in the same template or plan, or check its document as a policy file beside the others.",
    },
    RuleText {
        id: "unlinked_policy",
        level: Level::Note,
        short: "A policy attachment names no role of the plan",
        full: "A policy attachment's role is not a reference to a planned aws_iam_role: its policies are not counted for any role.",
        help: "Name the role by a reference to its resource (role = aws_iam_role.<name>.name).",
    },
    RuleText {
        id: "skipped_role",
        level: Level::Note,
        short: "A role was not checked",
        full: "The role is not created with the values given (its condition is false) or cannot be checked; the message says why.",
        help: "Give the parameters that create it, or ignore it if it is not the integration's role.",
    },
    RuleText {
        id: "principal_not_allowed",
        level: Level::Note,
        short: "A user or role of the account may not make every call",
        full: "The user's or role's policies are about the calls (they allow, condition or deny some) without allowing every one unconditionally. The account's verdict (the exit code) is allowed when one user or role may make every call.",
        help: "If the integration runs as this user or role, add what the message lists (check --format text shows the statements to add); else ignore it.",
    },
    RuleText {
        id: "wildcard_principal",
        level: Level::Warning,
        short: "The trust policy trusts any principal",
        full: "The role's trust policy lets any principal (`*`) of any account assume it, with no condition on the caller's organization, account or ARN.",
        help: "Name the account or role that assumes it, or add a condition on aws:PrincipalOrgID, aws:PrincipalAccount or aws:PrincipalArn.",
    },
    RuleText {
        id: "cross_account_trust_without_external_id",
        level: Level::Warning,
        short: "Cross-account trust without an external ID",
        full: "The role's trust policy lets another account assume it without an sts:ExternalId condition: the confused-deputy problem.",
        help: "Add \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"...\"}} with the external ID the application presents.",
    },
    RuleText {
        id: "eks_trust_without_sub",
        level: Level::Warning,
        short: "EKS trust without a service account condition",
        full: "The role trusts an EKS cluster's OIDC provider without a condition on its `sub` key: any service account of the cluster may assume the role.",
        help: "Add \"StringEquals\": {\"<provider>:sub\": \"system:serviceaccount:<namespace>:<service account>\"}.",
    },
    RuleText {
        id: "allow_not_action",
        level: Level::Note,
        short: "Allow with NotAction",
        full: "An Allow statement with NotAction grants every action of every service except the listed ones.",
        help: "List the actions to allow with Action instead.",
    },
    RuleText {
        id: "allow_not_resource",
        level: Level::Note,
        short: "Allow with NotResource",
        full: "An Allow statement with NotResource grants on every resource except the listed ones.",
        help: "List the resources with Resource instead.",
    },
    RuleText {
        id: "all_actions",
        level: Level::Note,
        short: "Allow of every action",
        full: "The statement allows every action of every service (\"Action\": \"*\").",
        help: "List the actions the integration calls instead.",
    },
    RuleText {
        id: "arn_only_resource",
        level: Level::Note,
        short: "Resource ARNs on an action without resource types",
        full: "The statement would grant a required action, but its Resource names only ARNs and the action has no resource types: the statement does not apply to it.",
        help: "Use \"Resource\": \"*\" for actions without resource types, in a statement of their own.",
    },
    RuleText {
        id: "unknown_action",
        level: Level::Note,
        short: "An aws-marketplace action that does not exist",
        full: "An aws-marketplace: pattern names no action of the catalog: probably a typo.",
        help: "Correct the action's name (marketplace-iam list shows the actions).",
    },
    RuleText {
        id: "principal",
        level: Level::Note,
        short: "Principal in a policy that IAM refuses it in",
        full: "Principal or NotPrincipal appears in a policy of a kind that IAM refuses them in (identity policies, boundaries, SCPs).",
        help: "Remove Principal/NotPrincipal; the principal is who the policy is attached to.",
    },
    RuleText {
        id: "missing_resource",
        level: Level::Note,
        short: "Statement without Resource",
        full: "A statement has neither Resource nor NotResource, which IAM refuses in this kind of policy.",
        help: "Add \"Resource\": \"*\" or the resources the statement is about.",
    },
    RuleText {
        id: "variables_not_substituted",
        level: Level::Note,
        short: "Policy variables without Version 2012-10-17",
        full: "The policy uses variables (${...}) but has no \"Version\": \"2012-10-17\": IAM reads them as literal text.",
        help: "Add \"Version\": \"2012-10-17\" to the policy.",
    },
    RuleText {
        id: "context_key_absent",
        level: Level::Note,
        short: "A condition key is not in the given context",
        full: "A condition of a statement about a required action uses a key that --context does not give: it was treated as absent from the request.",
        help: "Give the key with --context KEY=VALUE if the integration's requests carry it.",
    },
    RuleText {
        id: OTHER,
        level: Level::Note,
        short: "Another finding",
        full: "A finding of a kind this version's SARIF rules do not describe; the message says what it is.",
        help: "Read the message.",
    },
];

/// The position in [`RULES`] of the rule of `code` (that of [`OTHER`] for an unknown code).
pub(crate) fn index(code: &str) -> usize {
    RULES
        .iter()
        .position(|r| r.id == code)
        .or_else(|| RULES.iter().position(|r| r.id == OTHER))
        .unwrap_or(0)
}

/// `implicit_deny` as `ImplicitDeny`.
pub(crate) fn camel(id: &str) -> String {
    id.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_unknown_codes_fall_back() {
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(index(r.id), i, "{}", r.id);
        }
        assert_eq!(RULES[index("no_such_code")].id, OTHER);
        assert_eq!(
            camel("cross_account_trust_without_external_id"),
            "CrossAccountTrustWithoutExternalId"
        );
    }
}
