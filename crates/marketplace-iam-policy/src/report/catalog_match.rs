//! Which catalog actions a pattern of `Action`/`NotAction` names.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::sync::LazyLock;

use foldhash::HashMap;

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
    with_catalog_matches(pattern, |bits| bits.iter().any(|&w| w != 0))
}

/// Sets in `bits` (bit `j` is [`catalog::all`]`[j]`, [`words`] words) the catalog actions `pattern` matches.
pub(crate) fn add_catalog_matches(pattern: &Compiled<'_>, bits: &mut [u64]) {
    with_catalog_matches(pattern, |matches| {
        for (word, m) in bits.iter_mut().zip(matches) {
            *word |= m;
        }
    });
}

/// How many 64-bit words a bit set over the catalog takes.
pub(crate) fn words() -> usize {
    catalog::all().len().div_ceil(64).max(1)
}

/// Catalog action `j`'s bit in its word of a bit set over the catalog (word `j / 64`).
pub(crate) fn bit(j: usize) -> u64 {
    1u64 << (j % 64)
}

/// Catalog matches by pattern text, as bits.
type Remembered = HashMap<Box<[u8]>, Box<[u64]>>;

/// Calls `f` with the catalog actions `pattern` matches, as bits ([`add_catalog_matches`]): what
/// [`for_each_catalog_match`] finds, remembered per thread by the pattern's text. An account's documents repeat the
/// same patterns (`sqs:*`, `aws-marketplace:Get*`) thousands of times, and matching a wildcard against the catalog
/// costs far more than looking its answer up.
fn with_catalog_matches<R>(pattern: &Compiled<'_>, f: impl FnOnce(&[u64]) -> R) -> R {
    /// At most this many patterns are remembered per thread (a few hundred kilobytes); past that, the thread
    /// starts again.
    const MAX_PATTERNS: usize = 4096;
    thread_local! {
        static MATCHES: RefCell<Remembered> = RefCell::default();
    }
    MATCHES.with_borrow_mut(|remembered| {
        if let Some(bits) = remembered.get(pattern.text) {
            return f(bits);
        }
        let mut bits = vec![0u64; words()].into_boxed_slice();
        for_each_catalog_match(pattern, |j| {
            bits[j / 64] |= bit(j);
            ControlFlow::Continue(())
        });
        if remembered.len() >= MAX_PATTERNS {
            remembered.clear();
        }
        f(remembered.entry(pattern.text.into()).or_insert(bits))
    })
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
