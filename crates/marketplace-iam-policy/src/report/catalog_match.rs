//! Which catalog actions a pattern of `Action`/`NotAction` names.

use std::ops::ControlFlow;
use std::sync::LazyLock;

use marketplace_iam_model::catalog;

use crate::bytes::same_lowered;
use crate::patterns::Compiled;

/// Whether `literal` (a pattern's text before its first wildcard) can begin `prefix:Name` for a prefix of the
/// catalog, in any letter case.
pub(crate) fn may_begin_catalog_name(literal: &[u8]) -> bool {
    catalog::prefixes().iter().any(|p| {
        let head = &literal[..literal.len().min(p.len() + 1)];
        head.iter().enumerate().all(|(i, b)| {
            let want = p.as_bytes().get(i).copied().unwrap_or(b':');
            want.eq_ignore_ascii_case(b)
        })
    })
}

/// The message for a name that is not in the catalog: of which catalog.
pub(crate) fn not_in_catalog(name: &str) -> String {
    match name.split_once(':').and_then(|(p, _)| {
        catalog::prefixes()
            .iter()
            .find(|k| k.eq_ignore_ascii_case(p))
    }) {
        Some(p) => format!("the `{p}` catalog"),
        None => format!(
            "the catalog (prefixes `{}`)",
            catalog::prefixes().join("`, `")
        ),
    }
}

/// Whether `pattern` names at least one catalog action.
pub(crate) fn names_catalog_action(pattern: &Compiled<'_>) -> bool {
    let mut any = false;
    for_each_catalog_match(pattern, |_| {
        any = true;
        ControlFlow::Break(())
    });
    any
}

/// Calls `found` with the position in [`catalog::all`] of every catalog action `pattern` matches, until it breaks.
///
/// Every catalog action is `prefix:Name` for a prefix of [`catalog::prefixes`]: a pattern whose text before its
/// first wildcard cannot begin such a name matches none. Otherwise only the names that begin with that text, in any
/// letter case, can match: they are found by binary search among the names in lower case, in order, and a pattern
/// without wildcards matches at most the one of its name.
pub(crate) fn for_each_catalog_match(
    pattern: &Compiled<'_>,
    mut found: impl FnMut(usize) -> ControlFlow<()>,
) {
    // The catalog's names in lower case, sorted, with their positions in the catalog.
    static SORTED: LazyLock<Vec<(String, usize)>> = LazyLock::new(|| {
        let mut names: Vec<(String, usize)> = catalog::all()
            .iter()
            .enumerate()
            .map(|(j, a)| (a.name.to_ascii_lowercase(), j))
            .collect();
        names.sort_unstable();
        names
    });
    let literal = pattern
        .wildcard
        .and_then(|i| pattern.text.get(..i))
        .unwrap_or(pattern.text);
    if !may_begin_catalog_name(literal) {
        return;
    }
    let lowered = literal.iter().map(u8::to_ascii_lowercase);
    let start = SORTED.partition_point(|(n, _)| n.bytes().lt(lowered.clone()));
    let Some(glob) = pattern.glob() else {
        if let Some((n, j)) = SORTED.get(start)
            && same_lowered(pattern.text, n.as_bytes())
        {
            let _ = found(*j);
        }
        return;
    };
    let begins =
        |n: &str| n.len() >= literal.len() && n.bytes().zip(lowered.clone()).all(|(a, b)| a == b);
    for (name, j) in SORTED[start..].iter().take_while(|(n, _)| begins(n)) {
        if glob.matches(name.as_bytes(), true) && found(*j).is_break() {
            return;
        }
    }
}
