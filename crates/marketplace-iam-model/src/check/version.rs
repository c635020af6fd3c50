//! What schema version 2 adds: actions of other IAM prefixes, `resources`, targets per pricing model, managed
//! policies to compare with; their use in
//! a version-1 file, and the rules of `resources`.

use std::ops::Range;

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Diagnostics, backticked};
use crate::read::{RawAction, RawPolicies, RawTables};

/// A version-1 file uses none of version 2's features: catalog actions of another prefix than `aws-marketplace`,
/// `resources`, a pricing model's `targets`, a target serving one pricing model, or `managed_policies`. Each is
/// reported where it is written, with the upgrade to make.
pub(super) fn check_version(diags: &mut Diagnostics, raw: &RawPolicies, catalog: &Catalog) {
    if *raw.version.get_ref() != 1 {
        return;
    }
    let mut features: Vec<(String, Range<usize>)> = Vec::new();
    for a in RawTables::items(&raw.actions) {
        // A name the catalog does not hold is reported as such, whatever its prefix.
        if let Some(name) = &a.name
            && catalog.lookup(name.get_ref()).is_some()
            && let Some((prefix, _)) = name.get_ref().split_once(':')
            && prefix != "aws-marketplace"
        {
            features.push((format!("an action of the `{prefix}` prefix"), name.span()));
        }
        if let Some(list) = &a.resources {
            features.push(("`resources`".to_owned(), list.span.clone()));
        }
    }
    for p in RawTables::items(&raw.products) {
        for m in &p.models {
            if let Some(list) = &m.targets {
                features.push(("a pricing model's `targets`".to_owned(), list.span.clone()));
            }
        }
    }
    if let Some(managed) = &raw.managed {
        features.push(("`managed_policies`".to_owned(), managed.span.clone()));
    }
    for t in &raw.targets {
        for item in t.serves.iter().flat_map(|l| &l.items) {
            if item.get_ref().contains('/') {
                features.push(("a target serving one pricing model".to_owned(), item.span()));
            }
        }
    }
    let (line, _) = diags.position(raw.version.span().start);
    for (feature, span) in features {
        diags.push(
            Diagnostic::spanned(format!("{feature} needs schema_version = 2"), span)
                .with_label(format!("the file says schema_version = 1 on line {line}"))
                .with_help(
                    "write `schema_version = 2`: version 2 reads every version-1 file as it is, and adds this",
                ),
        );
    }
}

/// Least privilege for resources: an action with resource types is granted on the ARN patterns `resources` gives,
/// each of the action's own service; one without is granted only by `"*"`, so `resources` would be a mistake.
pub(super) fn check_resources(diags: &mut Diagnostics, a: &RawAction, catalog: &Catalog) {
    let (Some(name), Some(entry)) = (
        &a.name,
        a.name.as_ref().and_then(|n| catalog.lookup(n.get_ref())),
    ) else {
        return;
    };
    let prefix = entry.name.split_once(':').map_or(entry.name, |(p, _)| p);
    match (&a.resources, entry.resource_types.is_empty()) {
        (None, true) => {}
        (None, false) => diags.push(
            Diagnostic::spanned(
                format!(
                    "`{}` has resource types ({}): say which ARNs the policy grants it on",
                    entry.name,
                    backticked(&entry.resource_types.iter().map(|r| r.name).collect::<Vec<_>>())
                ),
                name.span(),
            )
            .with_label("no `resources`")
            .with_help(format!(
                "add `resources = [\"arn:aws:{prefix}:...\"]` with the narrowest ARN pattern AWS documents for the \
                 integration (the catalog's ARN formats: {}); `\"*\"` would grant it on every resource",
                backticked(&entry.resource_types.iter().flat_map(|r| r.arn_formats.iter().copied()).collect::<Vec<_>>())
            )),
        ),
        (Some(list), true) => diags.push(
            Diagnostic::spanned(
                format!("`{}` has no resource types: only `\"*\"` grants it", entry.name),
                list.span.clone(),
            )
            .with_label("an ARN here does not grant the action")
            .with_help("remove `resources`: the policy grants the action on `\"*\"`"),
        ),
        (Some(list), false) => {
            if list.written == 0 {
                diags.push(
                    Diagnostic::spanned(format!("`{}` has no resources", entry.name), list.span.clone())
                        .with_label("empty list")
                        .with_help(format!("list the ARN patterns, e.g. `\"arn:aws:{prefix}:...\"`")),
                );
            }
            let wanted = format!("arn:aws:{prefix}:");
            for r in &list.items {
                if !r.get_ref().starts_with(&wanted) {
                    diags.push(
                        Diagnostic::spanned(format!("`{}` is not an ARN of `{prefix}`", r.get_ref()), r.span())
                            .with_label(format!("does not start with `{wanted}`"))
                            .with_help(format!(
                                "write the ARN pattern of the resource `{}` acts on, starting with `{wanted}` \
                                 (the published documents are for the `aws` partition)",
                                entry.name
                            )),
                    );
                }
            }
        }
    }
}
