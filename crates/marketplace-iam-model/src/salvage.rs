//! Salvage: the Rust names recovered from a policies file that may be broken, for the proc macro's placeholder items.
//!
//! Not a phase of [`parse`](crate::parse): it reads leniently what the phases refuse, so that a mistake in
//! policies.toml is reported once, by the phases, rather than again as every use of a generated type in the service.

use toml_spanner::{Arena, Item, Table as TomlTable};

use crate::ident::{self, RESERVED_TYPE_NAMES};

/// The Rust names a file declares, read leniently from a file that may not be valid.
///
/// When policies.toml has errors, the proc macro reports them and still emits placeholder items under these names,
/// so the user sees the real errors rather than a cascade of "cannot find type `Saas`" errors in their own code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Salvaged {
    /// Type names of the actions (`BatchMeterUsage`).
    pub actions: Vec<String>,
    /// Type names of the products (`Saas`), each with the type names of its pricing models (`SaasSubscriptions`).
    pub products: Vec<(String, Vec<String>)>,
}

/// Reads whatever ids can be read from `text`, ignoring every error (see [`Salvaged`]).
///
/// # Examples
///
/// ```
/// let s = marketplace_iam_model::salvage("[[actions]]\nid = \"MeterUsage\"\nname = 3\n[[products]]\nid = \"ami\"\n");
/// assert_eq!(s.actions, ["MeterUsage"]);
/// assert_eq!(s.products, [("Ami".to_string(), vec![])]);
/// ```
pub fn salvage(text: &str) -> Salvaged {
    fn tables<'a, 'i>(v: Option<&'a Item<'i>>) -> Vec<&'a TomlTable<'i>> {
        v.and_then(Item::as_array)
            .map(|a| a.iter().filter_map(Item::as_table).collect())
            .unwrap_or_default()
    }
    let mut out = Salvaged::default();
    let arena = Arena::new();
    let fixed;
    let document = match toml_spanner::parse(text, &arena) {
        Ok(document) => document,
        Err(_) => {
            let Some(text) = repaired(text) else {
                return out;
            };
            fixed = text;
            let Ok(document) = toml_spanner::parse(&fixed, &arena) else {
                return out;
            };
            document
        }
    };
    let root = document.table();
    let id_of = |t: &TomlTable<'_>| t.get("id").and_then(Item::as_str).map(str::to_owned);
    let mut taken: Vec<String> = RESERVED_TYPE_NAMES.iter().map(|s| s.to_string()).collect();
    let mut fresh = |name: &String| {
        let new = !taken.contains(name);
        if new {
            taken.push(name.clone());
        }
        new
    };
    for a in tables(root.get("actions")) {
        if let Some(id) = id_of(a).filter(|id| ident::is_action_id(id) && fresh(id)) {
            out.actions.push(id);
        }
    }
    for p in tables(root.get("products")) {
        let Some(pid) = id_of(p).filter(|id| ident::is_kebab_id(id)) else {
            continue;
        };
        let name = ident::upper_camel(&pid);
        if !fresh(&name) {
            continue;
        }
        let mut models = Vec::new();
        for m in tables(p.get("pricing_models")) {
            if let Some(mid) = id_of(m).filter(|id| ident::is_kebab_id(id)) {
                let model = name.clone() + &ident::upper_camel(&mid);
                if fresh(&model) {
                    models.push(model);
                }
            }
        }
        out.products.push((name, models));
    }
    out
}

/// The text of a document with a syntax error, with each line the parser stops at blanked out until it parses (a
/// few times at most), so that a mistake in one table does not hide the ids of the others. `None` if that fails.
fn repaired(text: &str) -> Option<String> {
    const ATTEMPTS: usize = 8;
    let mut text = text.to_owned();
    for _ in 0..ATTEMPTS {
        let arena = Arena::new();
        let Err(e) = toml_spanner::parse(&text, &arena) else {
            return Some(text);
        };
        let bytes = text.as_bytes();
        let at = e.span().range().start.min(bytes.len());
        let start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| at + i);
        if start == end {
            return None;
        }
        text.replace_range(start..end, &" ".repeat(end - start));
    }
    None
}
