//! Deployment targets: ids, what each serves, the pricing models' own `targets`, and the trust policy.

use crate::diagnostic::{Diagnostic, Diagnostics, backticked};
use crate::model::{Parameter, PrincipalKind, placeholders, served};
use crate::read::{RawProduct, RawTarget, RawTrust, Str};

use super::ids::check_kebab_ids;

/// The actions a trust policy may allow.
const TRUST_ACTIONS: &[&str] = &["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"];

/// The condition operators a trust policy may use.
const TRUST_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringLike",
    "ArnEquals",
    "ArnLike",
    "ForAnyValue:StringLike",
];

/// Target ids name published files and Rust types; each target serves declared products (`products`, their ids).
pub(super) fn check_targets(
    diags: &mut Diagnostics,
    targets: &[RawTarget],
    products: &[RawProduct],
) {
    check_kebab_ids(
        diags,
        targets.iter().filter_map(|t| t.id.as_ref()),
        "target",
        "give each target a different id",
    );
    let product_ids: Vec<&str> = products
        .iter()
        .filter_map(|p| p.id.as_ref().map(|id| id.get_ref().as_str()))
        .collect();
    for t in targets {
        if let Some(list) = &t.serves {
            if list.written == 0 {
                diags.push(
                    Diagnostic::spanned(format!("{} serves no product", t.what), list.span.clone())
                        .with_label("empty list")
                        .with_help(format!(
                            "list the product ids it serves: {}",
                            backticked(&product_ids)
                        )),
                );
            }
            for item in &list.items {
                check_served(diags, item, products, &product_ids);
            }
        }
        if let Some(trust) = &t.trust {
            check_trust(diags, trust);
        }
    }
}

/// An entry of a target's `serves`: a declared product (`container`), or one of its pricing models that has a
/// policy (`container/contracts`).
fn check_served(
    diags: &mut Diagnostics,
    item: &Str,
    products: &[RawProduct],
    product_ids: &[&str],
) {
    let (product_id, model_id) = served(item.get_ref());
    let Some(product) = products
        .iter()
        .find(|p| p.id.as_ref().is_some_and(|id| id.get_ref() == product_id))
    else {
        diags.push(
            Diagnostic::spanned(
                format!("product `{product_id}` is not declared"),
                item.span(),
            )
            .with_label("no `[[products]]` table has this id")
            .with_help(format!(
                "use a declared product id: {}",
                backticked(product_ids)
            )),
        );
        return;
    };
    let Some(model_id) = model_id else { return };
    let models: Vec<String> = product
        .models
        .iter()
        .filter(|m| m.no_policy.is_none())
        .filter_map(|m| {
            m.id.as_ref()
                .map(|id| format!("{product_id}/{}", id.get_ref()))
        })
        .collect();
    if !models.contains(item.get_ref()) {
        let known: Vec<&str> = models.iter().map(String::as_str).collect();
        diags.push(
            Diagnostic::spanned(
                format!("{} has no pricing model `{model_id}` with a policy", product.what),
                item.span(),
            )
            .with_label("no policy to deploy")
            .with_help(format!(
                "serve the whole product (`{product_id}`) or one of its pricing models with a policy: {}",
                backticked(&known)
            )),
        );
    }
}

/// A pricing model's `targets`: each a declared target that serves its product or the model itself, none when the
/// model needs no policy, never an empty list.
pub(super) fn check_model_targets(
    diags: &mut Diagnostics,
    products: &[RawProduct],
    targets: &[RawTarget],
) {
    for p in products {
        let Some(product_id) = p.id.as_ref().map(|id| id.get_ref().as_str()) else {
            continue;
        };
        for m in &p.models {
            let (Some(list), Some(model_id)) = (&m.targets, &m.id) else {
                continue;
            };
            let own = format!("{product_id}/{}", model_id.get_ref());
            let serving: Vec<&str> = targets
                .iter()
                .filter(|t| {
                    t.serves
                        .iter()
                        .flat_map(|l| &l.items)
                        .any(|s| s.get_ref() == product_id || *s.get_ref() == own)
                })
                .filter_map(|t| t.id.as_ref().map(|id| id.get_ref().as_str()))
                .collect();
            let help = || {
                format!(
                    "name targets that serve `{product_id}` or `{own}`: {}",
                    backticked(&serving)
                )
            };
            if m.no_policy.is_some() {
                diags.push(
                    Diagnostic::spanned(
                        format!("pricing model `{own}` needs no policy"),
                        list.span.clone(),
                    )
                    .with_label("nothing to deploy")
                    .with_help("remove `targets`: a model without a policy has no role to create"),
                );
            } else if list.written == 0 {
                diags.push(
                    Diagnostic::spanned(
                        format!("pricing model `{own}` is deployed nowhere"),
                        list.span.clone(),
                    )
                    .with_label("empty list")
                    .with_help(help()),
                );
            }
            for item in &list.items {
                if !serving.contains(&item.get_ref().as_str()) {
                    let declared = targets.iter().any(|t| {
                        t.id.as_ref()
                            .is_some_and(|id| id.get_ref() == item.get_ref())
                    });
                    diags.push(
                        Diagnostic::spanned(
                            if declared {
                                format!("target `{}` does not serve `{own}`", item.get_ref())
                            } else {
                                format!("target `{}` is not declared", item.get_ref())
                            },
                            item.span(),
                        )
                        .with_label(if declared {
                            "serves other products"
                        } else {
                            "no `[[targets]]` table has this id"
                        })
                        .with_help(help()),
                    );
                }
            }
        }
    }
}

/// Least privilege for who may assume the role: one named principal, a role-assumption action, supported
/// conditions, known placeholders, and an external ID for another account.
fn check_trust(diags: &mut Diagnostics, t: &RawTrust) {
    let kind = t.principal_kind.as_ref().and_then(|k| {
        let parsed = PrincipalKind::from_key(k.get_ref());
        if parsed.is_none() {
            diags.push(
                Diagnostic::spanned(
                    format!("unknown principal kind `{}`", k.get_ref()),
                    k.span(),
                )
                .with_label("not a principal kind")
                .with_help("write `Service`, `Federated` or `AWS`"),
            );
        }
        parsed
    });
    if let Some(p) = &t.principal {
        if p.get_ref().contains('*') {
            diags.push(
                Diagnostic::spanned("wildcard principal in a trust policy", p.span())
                    .with_label("anyone matching this could assume the role")
                    .with_help(
                        "name the one service, identity provider or role that assumes the role",
                    ),
            );
        }
        check_placeholders(diags, p);
    }
    if let Some(a) = &t.action
        && !TRUST_ACTIONS.contains(&a.get_ref().as_str())
    {
        diags.push(
            Diagnostic::spanned(
                format!("unsupported trust action `{}`", a.get_ref()),
                a.span(),
            )
            .with_label("not a role-assumption action")
            .with_help(format!("write one of {}", backticked(TRUST_ACTIONS))),
        );
    }
    for c in &t.conditions {
        if let Some(op) = &c.operator
            && !TRUST_OPERATORS.contains(&op.get_ref().as_str())
        {
            diags.push(
                Diagnostic::spanned(
                    format!("unsupported condition operator `{}`", op.get_ref()),
                    op.span(),
                )
                .with_label("not allowed in a trust policy here")
                .with_help("write `StringEquals`, `StringLike`, `ArnEquals` or `ArnLike`"),
            );
        }
        for s in [&c.key, &c.value].into_iter().flatten() {
            check_placeholders(diags, s);
        }
    }
    // Least privilege for roles assumed from another account: without an external ID, any principal the trusted
    // account lets assume roles can act for it (the confused deputy problem). Checked on a trust policy that could
    // be built, over its complete conditions.
    let complete = t.principal.is_some() && t.action.is_some();
    let has_external_id = t.conditions.iter().any(|c| {
        c.value.is_some()
            && c.key
                .as_ref()
                .is_some_and(|k| k.get_ref() == "sts:ExternalId")
            && c.operator
                .as_ref()
                .is_some_and(|o| o.get_ref() == "StringEquals")
    });
    if complete && kind == Some(PrincipalKind::Aws) && !has_external_id {
        diags.push(
            Diagnostic::spanned("a cross-account trust policy without an `sts:ExternalId` condition", t.span.clone())
                .with_label("in this trust policy")
                .with_help("add a condition `operator = \"StringEquals\"`, `key = \"sts:ExternalId\"`, `value = \"${ExternalId}\"`"),
        );
    }
}

/// Every `${...}` in `s` names a [`Parameter`] and is closed.
fn check_placeholders(diags: &mut Diagnostics, s: &Str) {
    for name in placeholders(s.get_ref()) {
        if Parameter::from_name(name).is_none() {
            let known: Vec<&str> = Parameter::ALL.iter().map(|p| p.name()).collect();
            diags.push(
                Diagnostic::spanned(format!("unknown parameter `${{{name}}}`"), s.span())
                    .with_label("not a known parameter")
                    .with_help(format!("the parameters are {}", backticked(&known))),
            );
        }
    }
    if s.get_ref().matches("${").count() != placeholders(s.get_ref()).count() {
        diags.push(
            Diagnostic::spanned("unclosed `${` in a placeholder", s.span())
                .with_label("no closing `}`")
                .with_help("write placeholders as `${AccountId}`"),
        );
    }
}
