//! Phase 3, checking: the rules that hold across fields and tables, over what the reading phase read.
//!
//! Each rule of policies.toml that is not about one table's shape is here, one function a subject:
//!
//! - actions ([`check_actions`]): ids are UpperCamelCase Rust names and unique; names are exact names of the AWS
//!   catalog with no wildcard ([`check_action_name`]), each declared once; service and access level agree with the
//!   catalog ([`check_service_and_level`]); `api_reference` is an https:// address;
//! - products and pricing models ([`check_products`]): ids are kebab-case and unique; every action they list is
//!   declared ([`check_references`]); a pricing model has `actions` or `no_policy`, never both, never an empty list
//!   ([`check_requirement`]); `source` is an https:// address;
//! - empty lists ([`check_not_empty`]): at least one action and one product, and no product granting nothing;
//! - Rust names ([`check_type_names`]): no two ids become the same generated type, nor one the generated API uses;
//! - the page ([`check_page`]): sources link https:// addresses; availability facts name declared actions and link
//!   the https:// page they quote;
//! - targets ([`targets`]): ids are kebab-case and unique; `serves` names declared products, or pricing models
//!   with a policy; a pricing model's `targets` serve it; the trust policy has a known principal kind, no wildcard
//!   principal, a role-assumption action, supported condition operators, known `${Parameter}` placeholders, and an
//!   `sts:ExternalId` condition when another account assumes the role;
//! - AWS managed policies ([`managed`]): exact catalog actions, an AWS managed policy's ARN, published documents to
//!   compare with, an https:// `source`;
//! - schema version 2 ([`version`]): an action with resource types names its ARN patterns (`resources`), of its
//!   own service, and one without has none; a version-1 file uses no version-2 feature.

use std::collections::HashMap;
use std::ops::Range;

use crate::catalog::{AccessLevel, Catalog};
use crate::diagnostic::{Diagnostic, Diagnostics, backticked};
use crate::ident::{self, RESERVED_TYPE_NAMES};
use crate::model::{ActionIndex, Service};
mod ids;
mod managed;
mod notifications;
mod refs;
mod resources;
mod targets;
mod version;

use crate::read::{RawAction, RawModel, RawPage, RawPolicies, RawProduct, RawTables, Str};
use ids::{check_kebab_ids, duplicate_id};
pub(crate) use refs::ActionIds;
use refs::{check_references, check_url};

/// Runs every rule over `raw`; returns the declared actions by id.
pub(crate) fn check(diags: &mut Diagnostics, raw: &RawPolicies, catalog: &Catalog) -> ActionIds {
    let actions = RawTables::items(&raw.actions);
    let products = RawTables::items(&raw.products);
    check_not_empty(diags, raw);
    let index = check_actions(diags, actions, catalog);
    if let Some(page) = &raw.page {
        check_page(diags, page, &index);
    }
    // In a version-1 file, `resources` is reported as a version-2 feature instead.
    for a in actions
        .iter()
        .filter(|a| *raw.version.get_ref() >= 2 || a.resources.is_none())
    {
        resources::check_resources(diags, a, catalog);
    }
    check_products(diags, products, &index);
    check_type_names(diags, actions, products);
    targets::check_targets(diags, &raw.targets, products);
    targets::check_model_targets(diags, products, &raw.targets);
    let managed = RawTables::items(&raw.managed);
    managed::check_managed(diags, managed, products, catalog);
    for url in managed.iter().filter_map(|m| m.source.as_ref()) {
        check_url(diags, url, "source");
    }
    notifications::check_notifications(
        diags,
        RawTables::items(&raw.notifications),
        products,
        &raw.targets,
        &index,
        actions,
        catalog,
    );
    version::check_version(diags, raw, catalog);
    index
}

/// A file that declares no action or no product publishes nothing, and a product whose policy grants nothing is a
/// mistake (a pricing model that makes no call says so with `no_policy`, see [`check_requirement`]).
fn check_not_empty(diags: &mut Diagnostics, raw: &RawPolicies) {
    if let Some(actions) = raw.actions.as_ref().filter(|a| a.items.is_empty()) {
        diags.push(
            Diagnostic::spanned("no action is declared", actions.span.clone())
                .with_label("empty")
                .with_help("declare each action in an `[[actions]]` table"),
        );
    }
    if let Some(products) = raw.products.as_ref().filter(|p| p.items.is_empty()) {
        diags.push(
            Diagnostic::spanned("no product is declared", products.span.clone())
                .with_label("empty")
                .with_help("declare each product type in a `[[products]]` table"),
        );
    }
    for p in RawTables::items(&raw.products) {
        if let Some(list) = p.actions.as_ref().filter(|a| a.written == 0) {
            diags.push(
                Diagnostic::spanned(format!("{} grants no action", p.what), list.span.clone())
                    .with_label("empty list")
                    .with_help("list the actions the product's policy grants, e.g. `actions = [\"MeterUsage\"]`"),
            );
        }
    }
}

/// The page's sources link public https:// pages; each availability fact names declared actions and links the
/// https:// page it quotes.
fn check_page(diags: &mut Diagnostics, page: &RawPage, index: &ActionIds) {
    for url in page.sources.iter().filter_map(|s| s.url.as_ref()) {
        check_url(diags, url, "url");
    }
    for a in &page.availability {
        if let Some(list) = &a.actions {
            check_references(diags, &list.items, index);
        }
        if let Some(url) = &a.source {
            check_url(diags, url, "source");
        }
    }
}

/// Checks ids, names, services and access levels; returns the id → index map of the declared actions.
fn check_actions(diags: &mut Diagnostics, actions: &[RawAction], catalog: &Catalog) -> ActionIds {
    let mut index = HashMap::new();
    let mut names: HashMap<&str, &Str> = HashMap::new();
    for (i, a) in actions.iter().enumerate() {
        if let Some(id) = &a.id {
            if !ident::is_action_id(id.get_ref()) {
                diags.push(
                    Diagnostic::spanned(
                        format!(
                            "action id `{}` cannot become a Rust type name",
                            id.get_ref()
                        ),
                        id.span(),
                    )
                    .with_label("not an UpperCamelCase identifier")
                    .with_help(
                        "action ids are UpperCamelCase ASCII names such as `BatchMeterUsage` \
                         (usually the action name without `aws-marketplace:`)",
                    ),
                );
            }
            if index.insert(id.get_ref().clone(), ActionIndex(i)).is_some() {
                diags.push(duplicate_id(
                    id,
                    "action",
                    "each action is declared once; remove this `[[actions]]` table or rename its id",
                ));
            }
        }
        if let Some(name) = &a.name {
            if check_action_name(diags, name, catalog)
                && let Some(first) = names.insert(name.get_ref(), name)
            {
                let (line, _) = diags.position(first.span().start);
                diags.push(
                    Diagnostic::spanned(
                        format!("action `{}` is declared twice", name.get_ref()),
                        name.span(),
                    )
                    .with_label(format!("already declared on line {line}"))
                    .with_help("declare each IAM action once and refer to it by its id"),
                );
            }
            check_service_and_level(diags, a, name, catalog);
        }
        if let Some(url) = &a.api_reference {
            check_url(diags, url, "api_reference");
        }
    }
    index
}

/// Least privilege and exact names: no wildcard, the right prefix, a name AWS defines in exactly that case.
/// Returns whether the name is a catalog action.
fn check_action_name(diags: &mut Diagnostics, name: &Str, catalog: &Catalog) -> bool {
    let n = name.get_ref();
    if n.contains(['*', '?']) {
        diags.push(
            Diagnostic::spanned(format!("wildcard in action `{n}`"), name.span())
                .with_label("wildcards grant more than the integration needs")
                .with_help(
                    "name each action exactly, e.g. `aws-marketplace:MeterUsage`: `aws-marketplace:*` also grants \
                     write access to product listings and agreements",
                ),
        );
        return false;
    }
    if catalog.lookup(n).is_some() {
        return true;
    }
    let prefixes = catalog.prefixes();
    let known = n
        .split_once(':')
        .map(|(p, _)| p)
        .filter(|p| prefixes.contains(p));
    let message = match known {
        Some(p) => format!("action `{n}` is not in the AWS catalog of the `{p}` prefix"),
        None => format!("action `{n}` is not in the AWS catalog"),
    };
    let mut d = Diagnostic::spanned(message, name.span());
    d = if let Some(exact) = catalog.lookup_ignore_case(n) {
        d.with_label("wrong letter case")
            .with_help(format!("write it as the catalog does: `{}`", exact.name))
    } else if known.is_none() {
        let listed: Vec<String> = prefixes.iter().map(|p| format!("`{p}:`")).collect();
        d.with_label("not an action of a prefix the catalog holds")
            .with_help(format!(
                "write one of the catalog's prefixes ({}) followed by the action name",
                listed.join(", ")
            ))
    } else if let Some(close) = catalog.closest(n) {
        d.with_label("unknown action")
            .with_help(format!("did you mean `{}`?", close.name))
    } else {
        d.with_label("unknown action").with_help(format!(
            "the actions AWS defines for the prefix are listed in \
             crates/marketplace-iam-model/data/catalogs/{}.json",
            known.unwrap_or_default()
        ))
    };
    diags.push(d);
    false
}

fn check_service_and_level(diags: &mut Diagnostics, a: &RawAction, name: &Str, catalog: &Catalog) {
    let entry = catalog.lookup(name.get_ref());
    if let Some(service) = &a.service {
        match Service::from_id(service.get_ref()) {
            None => diags.push(
                Diagnostic::spanned(
                    format!("unknown service `{}`", service.get_ref()),
                    service.span(),
                )
                .with_label("not a service")
                .with_help("write `metering` or `entitlement`"),
            ),
            Some(s) => {
                if let Some(entry) = entry
                    && entry.prefix() != s.prefix()
                {
                    diags.push(
                        Diagnostic::spanned(
                            format!(
                                "`{}` belongs to the `{}` prefix, not to {} (`{}`)",
                                entry.name,
                                entry.prefix(),
                                s.catalog_name(),
                                s.prefix()
                            ),
                            service.span(),
                        )
                        .with_label("does not match the AWS catalog")
                        .with_help(
                            "only Metering Service and Entitlement Service actions belong in seller integration \
                             policies",
                        ),
                    );
                }
            }
        }
    }
    if let Some(level) = &a.access_level {
        let names: Vec<&str> = AccessLevel::ALL.iter().map(|l| l.as_str()).collect();
        match AccessLevel::from_name(level.get_ref()) {
            None => diags.push(
                Diagnostic::spanned(
                    format!("unknown access level `{}`", level.get_ref()),
                    level.span(),
                )
                .with_label("not an IAM access level")
                .with_help(format!("write one of {}", backticked(&names))),
            ),
            Some(l) => {
                if let Some(entry) = entry
                    && entry.access_level != l
                {
                    diags.push(
                        Diagnostic::spanned(
                            format!(
                                "the AWS catalog gives `{}` the access level {}, not {l}",
                                entry.name, entry.access_level
                            ),
                            level.span(),
                        )
                        .with_label("does not match the AWS catalog")
                        .with_help(format!("write `access_level = \"{}\"`", entry.access_level)),
                    );
                }
            }
        }
    }
}

fn check_products(diags: &mut Diagnostics, products: &[RawProduct], index: &ActionIds) {
    check_kebab_ids(
        diags,
        products.iter().filter_map(|p| p.id.as_ref()),
        "product",
        "give each product a different id",
    );
    for p in products {
        if let Some(list) = &p.actions {
            check_references(diags, &list.items, index);
        }
        check_kebab_ids(
            diags,
            p.models.iter().filter_map(|m| m.id.as_ref()),
            "pricing model",
            "give each pricing model of a product a different id",
        );
        for m in &p.models {
            if let Some(url) = &m.source {
                check_url(diags, url, "source");
            }
            check_requirement(diags, m, index);
        }
    }
}

fn check_requirement(diags: &mut Diagnostics, m: &RawModel, index: &ActionIds) {
    let what = match &m.id {
        Some(id) => format!("pricing model `{}`", id.get_ref()),
        None => "this pricing model".to_owned(),
    };
    match (&m.actions, &m.no_policy) {
        (Some(list), None) if list.written == 0 => diags.push(
            Diagnostic::spanned(format!("{what} grants no action"), list.span.clone())
                .with_label("empty list")
                .with_help(
                    "list the actions it calls, or, if it makes no metering or entitlement call, replace \
                     `actions` with `no_policy = \"<why>\"`",
                ),
        ),
        (Some(list), None) => check_references(diags, &list.items, index),
        (None, Some(_)) => {}
        (Some(list), Some(_)) => diags.push(
            Diagnostic::spanned(format!("{what} has both `actions` and `no_policy`"), list.span.clone())
                .with_label("`actions` here")
                .with_help("keep `actions` if the model makes calls, `no_policy` if it makes none"),
        ),
        (None, None) => diags.push(
            Diagnostic::spanned(format!("{what} says neither `actions` nor `no_policy`"), m.span.clone())
                .with_label("in this table")
                .with_help("add `actions = [\"...\"]`, or `no_policy = \"<why>\"` if it makes no call"),
        ),
    }
}

/// Every id becomes a Rust type in the generated API; two ids must not become the same type.
fn check_type_names(diags: &mut Diagnostics, actions: &[RawAction], products: &[RawProduct]) {
    let mut taken: HashMap<String, String> = RESERVED_TYPE_NAMES
        .iter()
        .map(|n| (n.to_string(), "the generated API itself".to_owned()))
        .collect();
    let mut claim = |diags: &mut Diagnostics, name: String, owner: String, span: Range<usize>| {
        if let Some(previous) = taken.get(&name) {
            diags.push(
                Diagnostic::spanned(
                    format!("{owner} would become the Rust type `{name}`, which {previous} uses"),
                    span,
                )
                .with_label("name collision")
                .with_help("choose another id"),
            );
        } else {
            taken.insert(name, owner);
        }
    };
    // A duplicate id is reported once, as a duplicate, not again as a type-name collision.
    let mut seen_ids = std::collections::HashSet::new();
    let mut first = |kind: &str, id: &str| seen_ids.insert(format!("{kind} {id}"));
    for a in actions {
        if let Some(id) =
            a.id.as_ref()
                .filter(|id| ident::is_action_id(id.get_ref()) && first("action", id.get_ref()))
        {
            claim(
                diags,
                id.get_ref().clone(),
                format!("action `{}`", id.get_ref()),
                id.span(),
            );
            if ident::screaming_snake(id.get_ref()) == "POLICIES_TOML" {
                diags.push(
                    Diagnostic::spanned(
                        format!("action `{}` would become the constant `POLICIES_TOML`, which the generated API itself uses", id.get_ref()),
                        id.span(),
                    )
                    .with_label("name collision")
                    .with_help("choose another id"),
                );
            }
        }
    }
    for p in products {
        let Some(pid) =
            p.id.as_ref()
                .filter(|id| ident::is_kebab_id(id.get_ref()) && first("product", id.get_ref()))
        else {
            continue;
        };
        claim(
            diags,
            ident::upper_camel(pid.get_ref()),
            format!("product `{}`", pid.get_ref()),
            pid.span(),
        );
        for m in &p.models {
            if let Some(mid) = m.id.as_ref().filter(|id| {
                ident::is_kebab_id(id.get_ref())
                    && first(&format!("model of {}", pid.get_ref()), id.get_ref())
            }) {
                claim(
                    diags,
                    ident::upper_camel(pid.get_ref()) + &ident::upper_camel(mid.get_ref()),
                    format!(
                        "pricing model `{}` of product `{}`",
                        mid.get_ref(),
                        pid.get_ref()
                    ),
                    mid.span(),
                );
            }
        }
    }
}
