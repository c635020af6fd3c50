//! `cargo xtask catalog`: the drift between AWS's files and the project's copy, and the policies.toml actions it
//! affects.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use marketplace_iam_model::{Policies, load};

use super::format::{CATALOG_RS, CATALOGS_DIR, Service, read_copy, read_path};
use super::table::catalog_table;

/// What `cargo xtask catalog` does besides printing the drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Print only.
    Show,
    /// Fail (exit 1) on drift.
    Check,
    /// Update the copy and the engine's table.
    Write,
}

/// What the command printed, and its exit code.
#[derive(Debug)]
pub struct Outcome {
    pub text: String,
    pub code: u8,
}

fn joined(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn added_removed<'a>(old: &'a [String], new: &'a [String]) -> (Vec<&'a String>, Vec<&'a String>) {
    let old_set: BTreeSet<&String> = old.iter().collect();
    let new_set: BTreeSet<&String> = new.iter().collect();
    (
        new_set.difference(&old_set).copied().collect(),
        old_set.difference(&new_set).copied().collect(),
    )
}

/// The drift of one prefix, as lines, and the names (without the prefix) of the actions it changes or removes.
fn diff(old: &Service, new: &Service) -> (Vec<String>, BTreeMap<String, &'static str>) {
    let p = &new.prefix;
    let mut lines = Vec::new();
    let mut touched: BTreeMap<String, &'static str> = BTreeMap::new();
    if old.version != new.version {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_owned());
        lines.push(format!(
            "  version: {} -> {}",
            show(&old.version),
            show(&new.version)
        ));
    }
    // Resource types first: a changed ARN format changes every action that names the type.
    let mut changed_arns = BTreeSet::new();
    for (name, r) in &new.resources {
        match old.resources.get(name) {
            None => lines.push(format!(
                "  + resource type `{name}`: {}",
                r.arn_formats.join(", ")
            )),
            Some(o) => {
                if o.arn_formats != r.arn_formats {
                    changed_arns.insert(name.clone());
                    lines.push(format!(
                        "  ~ resource type `{name}`: ARN format {} -> {}",
                        o.arn_formats.join(", "),
                        r.arn_formats.join(", ")
                    ));
                }
                let (added, removed) = added_removed(&o.condition_keys, &r.condition_keys);
                if !added.is_empty() {
                    lines.push(format!(
                        "  ~ resource type `{name}`: condition keys added: {}",
                        joined(&added)
                    ));
                }
                if !removed.is_empty() {
                    lines.push(format!(
                        "  ~ resource type `{name}`: condition keys removed: {}",
                        joined(&removed)
                    ));
                }
            }
        }
    }
    for name in old.resources.keys() {
        if !new.resources.contains_key(name) {
            lines.push(format!("  - resource type `{name}`"));
        }
    }
    for (name, a) in &new.actions {
        let full = format!("{p}:{name}");
        let Some(o) = old.actions.get(name) else {
            lines.push(format!("  + {full} ({})", a.access_level));
            continue;
        };
        if o.access_level != a.access_level {
            touched.insert(name.clone(), "access level changed");
            lines.push(format!(
                "  ~ {full}: access level {} -> {}",
                o.access_level, a.access_level
            ));
        }
        let (added, removed) = added_removed(&o.resource_types, &a.resource_types);
        if !added.is_empty() || !removed.is_empty() {
            touched
                .entry(name.clone())
                .or_insert("resource types changed");
        }
        if !added.is_empty() {
            lines.push(format!(
                "  ~ {full}: resource types added: {}",
                joined(&added)
            ));
        }
        if !removed.is_empty() {
            lines.push(format!(
                "  ~ {full}: resource types removed: {}",
                joined(&removed)
            ));
        }
        if a.resource_types.iter().any(|r| changed_arns.contains(r)) {
            touched.entry(name.clone()).or_insert("ARN format changed");
        }
        let (added, removed) = added_removed(&o.condition_keys, &a.condition_keys);
        if !added.is_empty() || !removed.is_empty() {
            touched
                .entry(name.clone())
                .or_insert("condition keys changed");
        }
        if !added.is_empty() {
            lines.push(format!(
                "  ~ {full}: condition keys added: {}",
                joined(&added)
            ));
        }
        if !removed.is_empty() {
            lines.push(format!(
                "  ~ {full}: condition keys removed: {}",
                joined(&removed)
            ));
        }
    }
    for (name, o) in &old.actions {
        if !new.actions.contains_key(name) {
            touched.insert(name.clone(), "removed");
            lines.push(format!("  - {p}:{name} (was {})", o.access_level));
        }
    }
    for (name, types) in &new.condition_keys {
        match old.condition_keys.get(name) {
            None => lines.push(format!("  + condition key `{name}` ({})", types.join(", "))),
            Some(o) if o != types => lines.push(format!(
                "  ~ condition key `{name}`: type {} -> {}",
                o.join(", "),
                types.join(", ")
            )),
            Some(_) => {}
        }
    }
    for name in old.condition_keys.keys() {
        if !new.condition_keys.contains_key(name) {
            lines.push(format!("  - condition key `{name}`"));
        }
    }
    (lines, touched)
}

/// The products and pricing models of policies.toml that grant the action at `index`, as `product` and
/// `product/pricing-model` ids.
fn granted_by(policies: &Policies, index: usize) -> Vec<String> {
    let mut out = Vec::new();
    for product in &policies.products {
        if product.actions.iter().any(|a| a.0 == index) {
            out.push(product.id.clone());
        }
        for model in &product.pricing_models {
            if model.actions().iter().any(|a| a.0 == index) {
                out.push(format!("{}/{}", product.id, model.id));
            }
        }
    }
    out
}

/// `cargo xtask catalog --from <from>`: compares every prefix of `from` with the copy under `root`, prints the
/// drift and, with [`Mode::Write`], updates the copy and the engine's table.
pub fn run(root: &Path, from: &Path, mode: Mode) -> Outcome {
    match try_run(root, from, mode) {
        Ok(outcome) => outcome,
        Err(e) => Outcome {
            text: format!("{e}\n"),
            code: 2,
        },
    }
}

fn try_run(root: &Path, from: &Path, mode: Mode) -> Result<Outcome, String> {
    let incoming = read_path(from)?;
    let copy: BTreeMap<String, Service> = read_copy(root)?
        .into_iter()
        .map(|s| (s.prefix.clone(), s))
        .collect();
    let policies = load(root.join("policies.toml")).map_err(|e| e.to_string())?;
    let mut out = String::new();
    let mut drifted = Vec::new();
    for (file, new) in &incoming {
        let p = &new.prefix;
        let Some(old) = copy.get(p) else {
            let _ = writeln!(
                out,
                "{p}: new prefix ({}, {} actions): the project has no copy of it",
                file.display(),
                new.actions.len()
            );
            for (name, a) in &new.actions {
                let _ = writeln!(out, "  + {p}:{name} ({})", a.access_level);
            }
            drifted.push(new);
            continue;
        };
        let (lines, touched) = diff(old, new);
        if lines.is_empty() && old.to_json() == new.to_json() {
            let _ = writeln!(
                out,
                "{p}: no drift ({} actions, {})",
                new.actions.len(),
                file.display()
            );
            continue;
        }
        drifted.push(new);
        let _ = writeln!(
            out,
            "{p}: drift between {} and {CATALOGS_DIR}/{p}.json",
            file.display()
        );
        for line in &lines {
            let _ = writeln!(out, "{line}");
        }
        if lines.is_empty() {
            let _ = writeln!(out, "  (the same facts, written differently)");
        }
        let affected: Vec<String> = policies
            .actions
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let name = a.name.strip_prefix(&format!("{p}:"))?;
                let why = touched.get(name)?;
                let by = granted_by(&policies, i);
                let by = if by.is_empty() {
                    "granted by no product or pricing model".to_owned()
                } else {
                    format!("granted by {}", by.join(", "))
                };
                Some(format!("    {} ({}): {why}; {by}", a.id, a.name))
            })
            .collect();
        if affected.is_empty() {
            let _ = writeln!(out, "  policies.toml: no action of it is affected");
        } else {
            let _ = writeln!(out, "  policies.toml actions affected:");
            for line in affected {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    let compared = incoming.len();
    if drifted.is_empty() {
        let _ = writeln!(
            out,
            "catalog: no drift in {compared} prefix{}",
            if compared == 1 { "" } else { "es" }
        );
        return Ok(Outcome { text: out, code: 0 });
    }
    let _ = writeln!(
        out,
        "catalog: drift in {} of {compared} prefix{}",
        drifted.len(),
        if compared == 1 { "" } else { "es" }
    );
    match mode {
        Mode::Show => {
            let _ = writeln!(
                out,
                "help: `cargo xtask catalog --from {} --write` updates the project's copy",
                from.display()
            );
            Ok(Outcome { text: out, code: 0 })
        }
        Mode::Check => {
            let _ = writeln!(
                out,
                "error: the project's copy of the catalog is out of date\nhelp: run `cargo xtask catalog --from {} \
                 --write`, review policies.toml's affected actions, and commit",
                from.display()
            );
            Ok(Outcome { text: out, code: 1 })
        }
        Mode::Write => {
            let dir = root.join(CATALOGS_DIR);
            for service in drifted {
                let rel = format!("{CATALOGS_DIR}/{}.json", service.prefix);
                std::fs::write(
                    dir.join(format!("{}.json", service.prefix)),
                    service.to_json(),
                )
                .map_err(|e| format!("error: could not write {rel}: {e}"))?;
                let _ = writeln!(out, "wrote {rel}");
            }
            let table = catalog_table(root)?;
            let rs = root.join(CATALOG_RS);
            if std::fs::read(&rs).ok().as_deref() != Some(table.as_bytes()) {
                std::fs::write(&rs, table)
                    .map_err(|e| format!("error: could not write {}: {e}", CATALOG_RS))?;
                let _ = writeln!(out, "wrote {}", CATALOG_RS);
            }
            let _ = writeln!(
                out,
                "help: review the policies.toml actions above, then run `cargo xtask gen-docs` and `cargo test \
                 --workspace`"
            );
            Ok(Outcome { text: out, code: 0 })
        }
    }
}
