//! Ids that name published files and Rust types: kebab-case, each declared once.

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ident;
use crate::read::Str;

/// `duplicate <what> id `x``, pointing at the second declaration.
pub(super) fn duplicate_id(id: &Str, what: &str, help: &str) -> Diagnostic {
    Diagnostic::spanned(format!("duplicate {what} id `{}`", id.get_ref()), id.span())
        .with_label("declared again here")
        .with_help(help)
}

/// Ids of one kind (`what`) that name published files and Rust types: each kebab-case, none declared twice (`help`
/// says how to tell them apart).
pub(super) fn check_kebab_ids<'a>(
    diags: &mut Diagnostics,
    ids: impl IntoIterator<Item = &'a Str>,
    what: &str,
    help: &str,
) {
    let mut seen: HashSet<&str> = HashSet::new();
    for id in ids {
        check_kebab_id(diags, id, what);
        if !seen.insert(id.get_ref()) {
            diags.push(duplicate_id(id, what, help));
        }
    }
}

fn check_kebab_id(diags: &mut Diagnostics, id: &Str, what: &str) {
    if !ident::is_kebab_id(id.get_ref()) {
        diags.push(
            Diagnostic::spanned(
                format!(
                    "{what} id `{}` cannot become a Rust type name",
                    id.get_ref()
                ),
                id.span(),
            )
            .with_label("not a lowercase kebab-case id")
            .with_help(format!(
                "{what} ids are lowercase ASCII words joined by `-`, such as `hourly-monthly`; \
                     they name the published file and the Rust type (`HourlyMonthly`)"
            )),
        );
    }
}
