//! The report's warnings: statements that are probably not what their author meant.

use marketplace_iam_model::catalog;

use super::catalog_match::{names_catalog_action, not_in_catalog};
use super::types::{Warning, WarningCode};
use crate::document::{Actions, Effect, Policy, Principal, Resources, Version};
use crate::eval::condition::Context;
use crate::eval::{PolicyKind, PolicySet, Scope, covers_action, covers_resource, scope_of};
use crate::matching::action_matches;

pub(crate) fn warnings(
    set: &PolicySet,
    required: &[String],
    context: Option<&Context>,
) -> Vec<Warning> {
    let mut out = Vec::new();
    let lowered: Vec<String> = required.iter().map(|a| a.to_ascii_lowercase()).collect();
    for (file, kind) in set.policies() {
        let at = out.len();
        policy_warnings(&file.policy, kind, required, &lowered, context, &mut out);
        for w in &mut out[at..] {
            w.policy = Some(file.name.clone());
        }
    }
    out
}

/// The warnings about the statements of one policy playing the part `kind`, without the policy's name (`policy`
/// is `None`): they do not depend on the other policies. `lowered`: `required` in ASCII lower case.
pub(crate) fn policy_warnings(
    policy: &Policy,
    kind: PolicyKind,
    required: &[String],
    lowered: &[String],
    context: Option<&Context>,
    out: &mut Vec<Warning>,
) {
    for (index, s) in policy.statements.iter().enumerate() {
        let mut warn = |code, message: String| {
            out.push(Warning {
                code,
                policy: None,
                index: Some(index),
                sid: s.sid.as_deref().map(str::to_owned),
                message,
            });
        };
        let allow = s.effect == Effect::Allow;
        match &s.actions {
                Actions::NotAction(_) if allow => warn(
                    WarningCode::AllowNotAction,
                    "`Allow` with `NotAction` allows every action of every AWS service except the listed ones; list the actions to allow with `Action` instead".to_owned(),
                ),
                Actions::Action(patterns)
                    if allow && kind == PolicyKind::Identity && patterns.compiled().any(|p| action_matches(&p, b"any-service:anyaction") && action_matches(&p, b"aws-marketplace:meterusage")) =>
                {
                    warn(
                        WarningCode::AllActions,
                        "allows every action of every AWS service".to_owned(),
                    )
                }
                _ => {}
            }
        let (Actions::Action(patterns) | Actions::NotAction(patterns)) = &s.actions;
        {
            for (p, compiled) in patterns.iter().zip(patterns.compiled()) {
                let catalogued = p.split_once(':').is_some_and(|(svc, _)| {
                    catalog::prefixes()
                        .iter()
                        .any(|k| svc.eq_ignore_ascii_case(k))
                });
                if catalogued && !names_catalog_action(&compiled) {
                    let mut message = format!("`{p}` names no action of {}", not_in_catalog(p));
                    if let Some(c) = catalog::closest(p) {
                        message.push_str(&format!("; did you mean `{}`?", c.name));
                    }
                    warn(WarningCode::UnknownAction, message);
                }
            }
        }
        if allow && matches!(s.resources, Some(Resources::NotResource(_))) {
            warn(
                    WarningCode::AllowNotResource,
                    "`Allow` with `NotResource` allows on every resource except the listed ones, including `*`".to_owned(),
                );
        }
        if let Some(p) = &s.principal {
            let element = match p {
                Principal::Principal(_) => "Principal",
                Principal::NotPrincipal(_) => "NotPrincipal",
            };
            warn(
                WarningCode::Principal,
                format!(
                    "IAM refuses `{element}` in {}; AWS would not accept this document as one (the statement is evaluated without it)",
                    kind.with_article()
                ),
            );
        }
        if s.resources.is_none() {
            let which = if matches!(kind, PolicyKind::Scp | PolicyKind::Rcp) {
                "which AWS Organizations' SCP syntax does not list as required".to_owned()
            } else {
                format!("which IAM refuses in {}", kind.with_article())
            };
            warn(
                WarningCode::MissingResource,
                format!(
                    "the statement has neither `Resource` nor `NotResource`, {which} (it is evaluated as applying to every resource)"
                ),
            );
        }
        if policy.version != Some(Version::V2012_10_17)
            && s.conditions
                .iter()
                .any(|c| c.values.iter().any(|v| v.contains("${")))
        {
            warn(
                    WarningCode::VariablesNotSubstituted,
                    "policy variables (`${...}`) are only substituted with `\"Version\": \"2012-10-17\"`; here they are literal text".to_owned(),
                );
        }
        for (action, lowered) in required.iter().zip(lowered) {
            if covers_action(s, lowered.as_bytes())
                && scope_of(action) == Scope::Star
                && !covers_resource(s, Scope::Star)
                && matches!(s.resources, Some(Resources::Resource(_)))
            {
                warn(
                    WarningCode::ArnOnlyResource,
                    format!(
                        "the statement names `{action}` but its `Resource` lists only ARNs; the action has no resource types, so only `\"Resource\": \"*\"` grants it"
                    ),
                );
            }
        }
        if let Some(context) = context {
            let relevant = lowered.iter().any(|a| covers_action(s, a.as_bytes()));
            for c in s.conditions.iter().filter(|_| relevant) {
                if context.get(&c.key).is_none() {
                    warn(
                        WarningCode::ContextKeyAbsent,
                        format!(
                            "condition key `{}` is not in the given context and was treated as absent from the request",
                            c.key
                        ),
                    );
                }
            }
        }
    }
}
