//! From a read message to advice: what the denying layer means, what to change there, which of the project's
//! published documents and templates grant the action (from policies.toml, through the engine crate), and the
//! `marketplace-iam check` command that confirms the fix offline.

use marketplace_iam_model::{Policies, PrincipalKind as TrustKind};
use serde::Serialize;

use super::parse::{Denial, Layer, PrincipalKind};

/// A published policy document that grants the action, with where it is deployed.
#[derive(Debug, Serialize)]
pub(crate) struct DocumentRef {
    /// `saas/subscriptions`: what `policy`, `role` and `check --product` take; for a notification route's document,
    /// `<product>/<route>-consumer` or `<product>/<route>-subscriber`.
    pub(crate) spec: String,
    /// `docs/policies/<file>`, or `docs/notifications/<file>` (with the queue's parameters to fill).
    pub(crate) policy: String,
    /// `marketplace-iam policy <spec>`, or the `marketplace-iam stack` command that prints it filled.
    pub(crate) command: String,
    /// The published roles that attach it.
    pub(crate) templates: Vec<TemplateRef>,
}

/// A published role template: a document on a target.
#[derive(Debug, Serialize)]
pub(crate) struct TemplateRef {
    /// The target's id (`eks`).
    pub(crate) target: String,
    /// `docs/cloudformation/<stem>.json`.
    pub(crate) cloudformation: String,
    /// `docs/terraform/<stem>.tf.json`.
    pub(crate) terraform: String,
    /// `marketplace-iam role <spec> --target <target>`.
    pub(crate) command: String,
}

/// A published trust policy that allows an STS action.
#[derive(Debug, Serialize)]
pub(crate) struct TrustRef {
    /// The target's id (`cross-account`).
    pub(crate) target: String,
    /// `docs/trust-policies/<target>.json`.
    pub(crate) trust_policy: String,
    /// Who may assume the role there, in a sentence.
    pub(crate) signer: String,
}

/// The advice for one message.
#[derive(Debug, Serialize)]
pub(crate) struct Advice {
    /// What the denial means, in a sentence or two.
    pub(crate) meaning: String,
    /// What to change, in order.
    pub(crate) fix: Vec<String>,
    /// Whether the project's documents grant the action (policies.toml's actions and trust policies).
    pub(crate) covered: bool,
    /// The published documents that grant the action, least privilege (one pricing model) first.
    pub(crate) documents: Vec<DocumentRef>,
    /// For `sts:AssumeRole*`: the published trust policies that allow it.
    pub(crate) trust_policies: Vec<TrustRef>,
    /// The `check` command that confirms the fix offline, or `null` when `check` cannot model the layer or action.
    pub(crate) check: Option<String>,
    /// Why there is no `check` command, when there is none.
    pub(crate) check_note: Option<String>,
}

/// The advice for `d`, from the project's policies (`marketplace_iam::POLICIES_TOML` through the engine).
pub(crate) fn advise(d: &Denial, policies: &Policies) -> Advice {
    let mut documents = documents(policies, &d.action);
    if is_node_role(d) {
        // The policy belongs on the pod's role: the documents deployed on EKS first.
        documents.sort_by_key(|doc| !doc.templates.iter().any(|t| t.target == "eks"));
    }
    let trust_policies = trust_policies(policies, &d.action);
    let covered = !documents.is_empty() || !trust_policies.is_empty();
    let checkable = marketplace_iam_policy::catalog_actions(std::slice::from_ref(&d.action))
        .ok()
        .and_then(|names| names.into_iter().next());
    let (check, check_note) = check_command(d, checkable.as_deref());
    Advice {
        meaning: meaning(d),
        fix: fix(d, &documents, &trust_policies),
        covered,
        documents,
        trust_policies,
        check,
        check_note,
    }
}

/// The documents of policies.toml that grant `action` (any letter case), pricing models before whole products.
fn documents(policies: &Policies, action: &str) -> Vec<DocumentRef> {
    let deployments = policies.deployments();
    let mut docs: Vec<DocumentRef> = policies
        .documents()
        .into_iter()
        .filter(|doc| doc.actions().any(|a| a.name.eq_ignore_ascii_case(action)))
        .map(|doc| {
            let spec = match doc.pricing_model {
                Some(m) => format!("{}/{}", doc.product.id, m.id),
                None => doc.product.id.clone(),
            };
            let file = doc.file_name();
            let templates = deployments
                .iter()
                .filter(|dep| dep.document.file_name() == file)
                .map(|dep| {
                    let stem = dep.stem();
                    TemplateRef {
                        target: dep.target.id.clone(),
                        cloudformation: format!("docs/cloudformation/{stem}.json"),
                        terraform: format!("docs/terraform/{stem}.tf.json"),
                        command: format!("marketplace-iam role {spec} --target {}", dep.target.id),
                    }
                })
                .collect();
            DocumentRef {
                command: format!("marketplace-iam policy {spec}"),
                policy: format!("docs/policies/{file}"),
                spec,
                templates,
            }
        })
        .collect();
    // Least privilege first: a pricing model's document grants only what that model calls.
    docs.sort_by_key(|d| !d.spec.contains('/'));
    docs.extend(notification_documents(policies, action));
    docs
}

/// The notification routes' documents that grant `action`: the consumer's (of an encrypted queue for the key's
/// actions) with the stacks that create its role, and the subscriber's.
fn notification_documents(policies: &Policies, action: &str) -> Vec<DocumentRef> {
    let grants = |indices: &[marketplace_iam_model::ActionIndex]| {
        indices
            .iter()
            .any(|&i| policies.action(i).name.eq_ignore_ascii_case(action))
    };
    let stacks = policies.stacks();
    let mut out = Vec::new();
    for route in &policies.notifications {
        let (product, id) = (&route.product, &route.id);
        let command = format!("marketplace-iam stack {product} --route {id} --target <target>");
        let templates = || {
            stacks
                .iter()
                .filter(|s| s.route.id == route.id)
                .map(|s| {
                    let stem = s.stem();
                    TemplateRef {
                        target: s.target.id.clone(),
                        cloudformation: format!("docs/cloudformation/{stem}.json"),
                        terraform: format!("docs/terraform/{stem}.tf.json"),
                        command: format!(
                            "marketplace-iam stack {product} --route {id} --target {} --format cloudformation",
                            s.target.id
                        ),
                    }
                })
                .collect()
        };
        let consumer = if grants(&route.consumer) {
            Some((marketplace_iam_model::CONSUMER_POLICY, command.clone()))
        } else if grants(&route.encrypted) {
            Some((
                marketplace_iam_model::ENCRYPTED_CONSUMER_POLICY,
                format!("{command} --key-id <key id>"),
            ))
        } else {
            None
        };
        if let Some((file, command)) = consumer {
            out.push(DocumentRef {
                spec: format!("{product}/{id}-consumer"),
                policy: format!("docs/notifications/{}", route.file_name(file)),
                command,
                templates: templates(),
            });
        }
        if grants(&route.subscriber) {
            out.push(DocumentRef {
                spec: format!("{product}/{id}-subscriber"),
                policy: format!(
                    "docs/notifications/{}",
                    route.file_name(marketplace_iam_model::SUBSCRIBER_POLICY)
                ),
                command: format!("{command} --format subscriber-policy"),
                templates: Vec::new(),
            });
        }
    }
    out
}

/// The targets whose trust policy allows `action` to a caller that gets such a message (an IAM principal or a web
/// identity; a service principal's denial is not reported to the seller this way).
fn trust_policies(policies: &Policies, action: &str) -> Vec<TrustRef> {
    policies
        .targets
        .iter()
        .filter(|t| t.trust.action.eq_ignore_ascii_case(action))
        .filter(|t| t.trust.principal_kind != TrustKind::Service)
        .map(|t| TrustRef {
            target: t.id.clone(),
            trust_policy: format!("docs/trust-policies/{}.json", t.id),
            signer: t.signer.clone(),
        })
        .collect()
}

/// What the layer's denial means.
fn meaning(d: &Denial) -> String {
    if d.reason.is_none() && is_web_identity(d) {
        return "STS refused to exchange a web identity token for the role's credentials. It gives this one \
                message whatever failed: the role's trust policy (its Federated principal must be the account's \
                OIDC provider for the token's issuer, and its `sub` and `aud` conditions must match the token's \
                claims), an OIDC provider missing from the account, or a resource control policy on STS."
            .to_owned();
    }
    let Some(r) = &d.reason else {
        return "AWS's message names no policy type (the short form, from before 2021 or from a service that does \
                not give one): any layer may have denied. Look at them in this order: the principal's \
                identity-based policies (a missing Allow), an explicit Deny in any of them, the permissions \
                boundary, a session policy, the organization's SCPs, and for sts:AssumeRole the role's trust policy."
            .to_owned();
    };
    let what = match (r.layer, r.explicit) {
        (Layer::IdentityBasedPolicy, false) => {
            "none of the principal's identity-based policies (inline, managed or through a group) allows the action"
        }
        (Layer::IdentityBasedPolicy, true) => {
            "a Deny statement in one of the principal's identity-based policies matches the request; no Allow \
             anywhere can override it"
        }
        (Layer::PermissionsBoundary, false) => {
            "the principal's permissions boundary does not allow the action; the boundary caps what the identity \
             policies can grant, so an Allow in them is not enough"
        }
        (Layer::PermissionsBoundary, true) => {
            "a Deny statement in the principal's permissions boundary matches the request"
        }
        (Layer::SessionPolicy, false) => {
            "the session was created with a session policy (the Policy or PolicyArns of AssumeRole, \
             AssumeRoleWithWebIdentity or GetFederationToken) that does not allow the action; the session gets only \
             what both the role's policies and the session policy allow"
        }
        (Layer::SessionPolicy, true) => {
            "a Deny statement in the session policy passed when the session was created matches the request"
        }
        (Layer::ServiceControlPolicy, false) => {
            "no service control policy on the path from the organization's root to the account allows the action \
             (the default FullAWSAccess SCP was replaced by an allow list that does not name it)"
        }
        (Layer::ServiceControlPolicy, true) => {
            "a Deny statement in a service control policy of the organization matches the request; nothing in the \
             account can override it"
        }
        (Layer::ResourceControlPolicy, _) => {
            "a resource control policy of the organization denies the request on the resource's side"
        }
        (Layer::ResourceBasedPolicy, false) => {
            "the resource's own policy does not allow the principal (required when the resource is in another \
             account)"
        }
        (Layer::ResourceBasedPolicy, true) => {
            "a Deny statement in the resource's own policy matches the request"
        }
        (Layer::RoleTrustPolicy, false) => {
            "the trust policy of the role to assume does not allow this principal (or its conditions are not met)"
        }
        (Layer::RoleTrustPolicy, true) => {
            "a Deny statement in the trust policy of the role to assume matches the request"
        }
        (Layer::VpcEndpointPolicy, false) => {
            "the request went through a VPC endpoint whose policy does not allow the action"
        }
        (Layer::VpcEndpointPolicy, true) => {
            "the request went through a VPC endpoint whose policy denies the action"
        }
    };
    let mut out = format!(
        "{} denial by the {}: {what}.",
        if r.explicit { "Explicit" } else { "Implicit" },
        r.layer.name()
    );
    if let Some(through) = r.through {
        out.push_str(&format!(
            " AWS says the denial came transitively through a {}: the IAM User Guide's fix for this message is in \
             that policy.",
            through.name()
        ));
    }
    out
}

/// Whether the action is STS's web-identity exchange, whose denial names neither principal nor layer.
fn is_web_identity(d: &Denial) -> bool {
    d.action
        .eq_ignore_ascii_case("sts:AssumeRoleWithWebIdentity")
}

/// Whether the denied principal's name is eksctl's for a node group's role (`...-NodeInstanceRole-...`).
fn is_node_role(d: &Denial) -> bool {
    d.principal
        .as_ref()
        .and_then(|p| p.name.as_deref())
        .is_some_and(|n| n.contains("NodeInstanceRole"))
}

/// What to change, for the layer and the action.
fn fix(d: &Denial, documents: &[DocumentRef], trusts: &[TrustRef]) -> Vec<String> {
    // eksctl names a node group's role `...-NodeInstanceRole-...`: on EKS the pod's role must sign instead (the node
    // role is not supported), so the policy goes on that role, not on the one denied.
    let node_role = is_node_role(d);
    let who = match d.principal.as_ref().and_then(|p| p.name.clone()) {
        _ if node_role => "the pod's service-account role (IRSA)".to_owned(),
        Some(n) => format!("`{n}`"),
        None => "the principal".to_owned(),
    };
    let attach = documents.first().map(|doc| {
        if doc.spec.ends_with("-subscriber") {
            format!(
                "attach to {who} the policy that lets whoever deploys the route's stack subscribe its queue to the \
                 product's topics ({}): {}, with the topics' values filled in (`{}` prints it filled)",
                d.action, doc.policy, doc.command
            )
        } else if doc.policy.starts_with("docs/notifications/") {
            format!(
                "attach to {who} the notification policy that grants {}: {}, with your queue's values filled in \
                 (`{}` prints it filled), or deploy the route's stack listed below, whose role has it",
                d.action, doc.policy, doc.command
            )
        } else {
            format!(
                "attach to {who} the published policy that grants {}: {} (`{}`), or another document listed below \
                 for the product's pricing model",
                d.action, doc.policy, doc.command
            )
        }
    });
    // As the catalog spells the action (IAM matches in any letter case; AWS's messages lower-case some).
    let action = marketplace_iam_model::catalog::lookup_ignore_case(&d.action)
        .map_or(d.action.as_str(), |a| a.name);
    let statement = format!(
        "{{\"Effect\":\"Allow\",\"Action\":\"{action}\",\"Resource\":\"{}\"}}",
        d.resource.as_deref().unwrap_or("*")
    );
    let mut out = Vec::new();
    if node_role {
        out.push(
            "the role's name looks like an EKS node role (eksctl's naming): on EKS the calls must be signed with \
             the pod's service-account role (IRSA), not the node's; check that the pod's service account is \
             annotated with that role and that the SDK finds the web identity token (the SDK falls back to the \
             node role when it does not)"
                .to_owned(),
        );
    }
    let policy_named = d
        .reason
        .as_ref()
        .and_then(|r| r.policy_arn.as_deref())
        .map(|arn| format!(" (AWS names it: {arn})"))
        .unwrap_or_default();
    match d.reason.as_ref().map(|r| (r.through.unwrap_or(r.layer), r.explicit)) {
        None if is_web_identity(d) => {
            out.push(
                "compare the token's claims (iss, sub, aud) with the role's trust policy, and check that the \
                 account has an IAM OIDC provider for the issuer"
                    .to_owned(),
            );
        }
        None => {
            out.extend(attach.clone());
            out.push(
                "if the principal already has it, find the layer that denies: run the check below with its \
                 identity policies, its permissions boundary and the SCPs that apply to the account"
                    .to_owned(),
            );
        }
        Some((Layer::IdentityBasedPolicy, false)) => {
            out.push(attach.unwrap_or_else(|| format!("add to {who}'s policies: {statement}")));
        }
        Some((Layer::PermissionsBoundary, false)) => out.push(format!(
            "add the action to {who}'s permissions boundary{policy_named}: {statement}"
        )),
        Some((Layer::SessionPolicy, false)) => out.push(format!(
            "the caller that created the session passed a session policy{policy_named}: add the action to it \
             ({statement}), or create the session without one"
        )),
        Some((Layer::ServiceControlPolicy, false)) => out.push(format!(
            "ask the organization's administrators to allow {} in the SCPs from the root down to the account{policy_named}",
            d.action
        )),
        Some((layer @ (Layer::ServiceControlPolicy | Layer::ResourceControlPolicy), true)) => {
            let arn = d.reason.as_ref().and_then(|r| r.policy_arn.as_deref());
            let file = if layer == Layer::ResourceControlPolicy {
                "rcp.json"
            } else {
                "scp.json"
            };
            out.push(format!(
                "find the Deny statement that matches {} in the organization's policy{policy_named} and have the \
                 organization's administrators narrow it (an exception for this role, e.g. a condition on \
                 aws:PrincipalArn); it cannot be overridden from the account",
                d.action
            ));
            if let Some(id) = arn.and_then(|a| a.rsplit('/').next()).filter(|id| id.starts_with("p-")) {
                out.push(format!(
                    "read it (from the management account): aws organizations describe-policy --policy-id {id} \
                     --query Policy.Content --output text > {file}"
                ));
            }
        }
        Some((Layer::RoleTrustPolicy | Layer::ResourceBasedPolicy, explicit))
            if d.action.to_ascii_lowercase().starts_with("sts:assumerole") =>
        {
            let role = d.resource.as_deref().unwrap_or("the role to assume");
            out.push(if explicit {
                format!("remove or narrow the Deny statement in the trust policy of {role}")
            } else {
                format!(
                    "let the trust policy of {role} trust {who} (and meet its conditions, such as sts:ExternalId)"
                )
            });
        }
        Some((_, true)) => out.push(format!(
            "find the Deny statement that matches {} in the {}{policy_named} and narrow it; adding an Allow \
             elsewhere does not help",
            d.action,
            d.reason.as_ref().map_or("", |r| r.layer.name())
        )),
        Some((layer, false)) => out.push(format!(
            "allow {} in the {}{policy_named}: {statement}",
            d.action,
            layer.name()
        )),
    }
    let lower = d.action.to_ascii_lowercase();
    if lower == "sts:assumerole" {
        out.push(format!(
            "the caller also needs sts:AssumeRole on the role's ARN in its own identity policy: {statement}"
        ));
    }
    if !trusts.is_empty() {
        let list: Vec<String> = trusts
            .iter()
            .map(|t| format!("{} ({})", t.trust_policy, t.target))
            .collect();
        out.push(format!(
            "the project's trust policies for this call: {}; `marketplace-iam role <product> --target <target>` \
             prints one with its parameters filled in",
            list.join(", ")
        ));
    }
    if d.principal.as_ref().map(|p| p.kind) == Some(PrincipalKind::Root) {
        out.push(
            "the account's root user needs no identity policy: what denies it is an organization policy (SCP, \
             RCP) or a policy on the resource's side (resource-based, VPC endpoint)"
                .to_owned(),
        );
    }
    out
}

/// The `check --assume` command that confirms a fix of an STS call that assumes a role: the role from the message
/// when it names one, the caller as the message names it (or the web identity token's claims), and the option of the
/// layer that denied.
fn assume_command(d: &Denial) -> String {
    let role = d
        .resource
        .as_deref()
        .filter(|r| r.contains(":role/"))
        .unwrap_or("<role ARN>");
    let mut command = format!(
        "marketplace-iam check --product <product> role-policy.json --assume trust.json --role-arn {role}"
    );
    if d.action
        .eq_ignore_ascii_case("sts:AssumeRoleWithWebIdentity")
    {
        command.push_str(" --web-identity issuer=<issuer>,sub=<sub>,aud=<aud>");
    } else {
        let caller = d
            .principal
            .as_ref()
            .map_or("<caller ARN>", |p| p.arn.as_str());
        command.push_str(&format!(
            " --caller-arn {caller} --caller caller-policy.json"
        ));
    }
    let option = d
        .reason
        .as_ref()
        .and_then(|r| match r.through.unwrap_or(r.layer) {
            Layer::PermissionsBoundary => Some(" --caller-boundary boundary.json"),
            Layer::ServiceControlPolicy => Some(" --caller-scp scp.json"),
            Layer::ResourceControlPolicy => Some(" --rcp rcp.json"),
            _ => None,
        });
    command.push_str(option.unwrap_or_default());
    command
}

/// The role whose session the message names (`arn:aws:sts::<account>:assumed-role/<role>/<session>`), as the role's
/// ARN; without its path, which a session ARN does not carry.
fn session_role(d: &Denial) -> Option<String> {
    let p = d.principal.as_ref()?;
    if p.kind != PrincipalKind::AssumedRole {
        return None;
    }
    let partition = p.arn.split(':').nth(1)?;
    Some(format!(
        "arn:{partition}:iam::{}:role/{}",
        p.account.as_deref()?,
        p.name.as_deref()?
    ))
}

/// The `check` command that confirms the fix, or why there is none.
fn check_command(d: &Denial, checkable: Option<&str>) -> (Option<String>, Option<String>) {
    let assumes = ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]
        .iter()
        .any(|a| d.action.eq_ignore_ascii_case(a));
    if assumes {
        return (
            Some(assume_command(d)),
            Some(
                "`--assume` also takes the CloudFormation template or Terraform plan that defines the role \
                 (`--assume template.yaml --role <logical id>`, without role-policy.json), and decides each hop: \
                 the caller's identity policies, the trust policy, the caller's SCPs, the role's RCPs, then the role's \
                 own policies"
                    .to_owned(),
            ),
        );
    }
    let Some(action) = checkable else {
        return (
            None,
            Some(format!(
                "`marketplace-iam check` knows the actions of its catalog ({}; and with --assume the STS calls that \
                 assume a role), not {}",
                marketplace_iam_model::catalog::prefixes().join(", "),
                d.action
            )),
        );
    };
    // A call on one resource is decided on it, when the action acts on such resources.
    let resource = d
        .resource
        .as_deref()
        .filter(|arn| marketplace_iam_policy::takes_resource(action, arn))
        .map(|arn| format!(" --resource {arn}"))
        .unwrap_or_default();
    let base = format!("marketplace-iam check --action {action} role-policy.json{resource}");
    let Some(r) = &d.reason else {
        return (
            Some(format!(
                "{base} [--boundary boundary.json] [--scp scp.json]..."
            )),
            None,
        );
    };
    match r.through.unwrap_or(r.layer) {
        Layer::IdentityBasedPolicy => (Some(base), None),
        Layer::PermissionsBoundary => (Some(format!("{base} --boundary boundary.json")), None),
        Layer::ServiceControlPolicy => (Some(format!("{base} --scp scp.json")), None),
        Layer::SessionPolicy => (
            Some(format!(
                "{base} --assume trust.json --role-arn {} --caller-arn <caller ARN> --caller \
                 caller-policy.json --session-policy session-policy.json",
                session_role(d).unwrap_or_else(|| "<role ARN>".to_owned())
            )),
            Some(
                "the session policy is passed with the AssumeRole call that made the session: `check --assume` \
                 decides the role's policies and the session policy together (the session needs both to allow the \
                 action)"
                    .to_owned(),
            ),
        ),
        layer => (
            None,
            Some(format!(
                "`marketplace-iam check` does not evaluate the {}",
                layer.name()
            )),
        ),
    }
}
