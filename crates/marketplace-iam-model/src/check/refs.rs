//! What several tables refer to: declared actions by id, and the public pages facts come from.

use std::collections::HashMap;

use crate::catalog;
use crate::diagnostic::{Diagnostic, Diagnostics, backticked};
use crate::model::ActionIndex;
use crate::read::Str;

/// The declared actions by id, for resolving references (what the building phase resolves them with).
pub(crate) type ActionIds = HashMap<String, ActionIndex>;

/// Each of `items` names a declared action; one that does not is reported with the closest id, or the short id of
/// a catalog name written in full.
pub(super) fn check_references(diags: &mut Diagnostics, items: &[Str], index: &ActionIds) {
    for item in items {
        let id = item.get_ref();
        if index.contains_key(id) {
            continue;
        }
        let mut known: Vec<&str> = index.keys().map(String::as_str).collect();
        known.sort_unstable();
        let suffix = id
            .split_once(':')
            .filter(|(p, _)| catalog::prefixes().contains(p))
            .map(|(_, s)| s);
        let help = if let Some(short) = suffix.filter(|s| index.contains_key(*s)) {
            format!("refer to actions by their id: `{short}`")
        } else if let Some(close) = crate::suggest::closest(id, &known, 0.85) {
            format!("did you mean `{close}`?")
        } else {
            format!(
                "declare it in an `[[actions]]` table, or use a declared action: {}",
                backticked(&known)
            )
        };
        diags.push(
            Diagnostic::spanned(format!("action `{id}` is not declared"), item.span())
                .with_label("no `[[actions]]` table has this id")
                .with_help(help),
        );
    }
}

pub(super) fn check_url(diags: &mut Diagnostics, url: &Str, key: &str) {
    if !url.get_ref().starts_with("https://") || url.get_ref().contains(char::is_whitespace) {
        diags.push(
            Diagnostic::spanned(format!("`{key}` must be an https:// address"), url.span())
                .with_label("not an https:// address")
                .with_help("link the public AWS page the fact comes from"),
        );
    }
}
