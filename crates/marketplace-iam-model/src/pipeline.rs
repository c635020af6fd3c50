//! The pipeline: a policies file through the phases, syntax → read → check → build, and the entry points that run
//! it ([`parse`], [`parse_with_catalog`], [`parse_bytes`]).

use toml_spanner::Arena;

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Policies;
use crate::{build, check, read, syntax};

/// Parses and validates the text of a policies file. `path` is only used to name the file in messages.
///
/// Every problem is reported, not just the first; see [`Diagnostics`].
///
/// # Examples
///
/// ```
/// let text = std::fs::read_to_string("../../policies.toml").unwrap();
/// let policies = marketplace_iam_model::parse("policies.toml", &text).unwrap();
/// assert_eq!(policies.product("ami").unwrap().name, "AMI");
/// ```
pub fn parse(path: &str, text: &str) -> Result<Policies, Diagnostics> {
    parse_with_catalog(path, text, &Catalog::aws())
}

/// Like [`parse`], validating action names against `catalog` instead of AWS's. For synthetic data (benchmarks with
/// thousands of actions); policies for real accounts use [`parse`].
pub fn parse_with_catalog(
    path: &str,
    text: &str,
    catalog: &Catalog,
) -> Result<Policies, Diagnostics> {
    // A byte order mark is not part of the text: positions are counted as an editor shows them.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut diags = Diagnostics::new(path, text);
    let result = parse_into(&mut diags, text, catalog);
    diags.sort();
    match result {
        Some(policies) if diags.is_empty() => Ok(policies),
        _ => Err(diags),
    }
}

/// Like [`parse`], for bytes that may not be UTF-8 (which is reported with its position).
pub fn parse_bytes(path: &str, bytes: &[u8]) -> Result<Policies, Diagnostics> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(path, text),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let text = String::from_utf8_lossy(bytes).into_owned();
            // The lossy text has the same prefix, so the offset still points at the bad byte.
            let start = valid.len();
            let mut diags = Diagnostics::new(path, text);
            diags.push(
                Diagnostic::spanned("the file is not valid UTF-8", start..start + 1)
                    .with_label("invalid byte sequence here")
                    .with_help("save the file as UTF-8"),
            );
            Err(diags)
        }
    }
}

/// Runs the phases over `text`, each reporting into `diags`; the policies when the last one is reached.
fn parse_into(diags: &mut Diagnostics, text: &str, catalog: &Catalog) -> Option<Policies> {
    let arena = Arena::new();
    let document = match toml_spanner::parse(text, &arena) {
        Ok(document) => document,
        Err(e) => {
            let diag = syntax::syntax_error(diags, text, &e);
            diags.push(diag);
            return None;
        }
    };
    let raw = read::read(diags, document.table())?;
    let index = check::check(diags, &raw, catalog);
    if !diags.is_empty() {
        return None;
    }
    build::build(raw, &index)
}
