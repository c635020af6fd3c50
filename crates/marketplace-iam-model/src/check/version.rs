//! What schema versions 2 and 3 add, and their use in a file of an earlier version: version 2 adds actions of other
//! IAM prefixes, `resources`, targets per pricing model and managed policies to compare with; version 3 adds
//! parameters in `resources` and `[[notifications]]`.

use std::ops::Range;

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::read::{RawPolicies, RawTables};

/// A version-1 file uses none of version 2's features: catalog actions of another prefix than `aws-marketplace`,
/// `resources`, a pricing model's `targets`, a target serving one pricing model, or `managed_policies`. Each is
/// reported where it is written, with the upgrade to make.
pub(super) fn check_version(diags: &mut Diagnostics, raw: &RawPolicies, catalog: &Catalog) {
    let version = *raw.version.get_ref();
    if version < 3 {
        let mut features: Vec<(String, Range<usize>)> = Vec::new();
        for a in RawTables::items(&raw.actions) {
            for r in a.resources.iter().flat_map(|l| &l.items) {
                if r.get_ref().contains("${") {
                    features.push(("a parameter in an ARN pattern".to_owned(), r.span()));
                }
            }
        }
        if let Some(n) = &raw.notifications {
            features.push(("`notifications`".to_owned(), n.span.clone()));
        }
        report(diags, raw, features, 3);
    }
    if version != 1 {
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
    report(diags, raw, features, 2);
}

/// Each of `features`, which needs schema version `needed`, where it is written, with the upgrade to make.
fn report(
    diags: &mut Diagnostics,
    raw: &RawPolicies,
    features: Vec<(String, Range<usize>)>,
    needed: u32,
) {
    let (line, _) = diags.position(raw.version.span().start);
    let version = raw.version.get_ref();
    for (feature, span) in features {
        diags.push(
            Diagnostic::spanned(format!("{feature} needs schema_version = {needed}"), span)
                .with_label(format!("the file says schema_version = {version} on line {line}"))
                .with_help(format!(
                    "write `schema_version = {needed}`: version {needed} reads every version-{version} file as it \
                     is, and adds this"
                )),
        );
    }
}
