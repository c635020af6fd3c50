//! The reading phase's tool: a typed, error-collecting walk over one parsed TOML table.
//!
//! Deserializing with serde stops at the first error. A maintainer who made three mistakes should see three errors,
//! so the schema is read by hand over the items `toml-spanner` parses, each with its byte range: every missing field,
//! wrong type, unknown key and duplicate list entry is recorded, and reading goes on. (A TOML syntax error stops the
//! reading: what follows it cannot be trusted.)

use std::ops::Range;

use toml_spanner::{Item, Kind, Table as TomlTable};

use crate::diagnostic::{Diagnostic, Diagnostics, backticked};

/// A value read from the file, with the byte range it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Spanned<T> {
    span: Range<usize>,
    value: T,
}

impl<T> Spanned<T> {
    pub fn new(span: Range<usize>, value: T) -> Self {
        Spanned { span, value }
    }

    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    pub fn get_ref(&self) -> &T {
        &self.value
    }

    pub fn into_inner(self) -> T {
        self.value
    }
}

/// A string from the file with the byte range it came from.
pub(crate) type Str = Spanned<String>;

/// The byte range of a parsed TOML item in the document (for a string, with its quotes, so that carets underline the
/// string as written).
fn range(item: &Item<'_>) -> Range<usize> {
    item.span().range()
}

/// What an item is, in messages: "string", "integer", ... (the names TOML gives its types).
fn type_of(item: &Item<'_>) -> &'static str {
    match item.kind() {
        Kind::DateTime => "date-time",
        kind => kind.as_str(),
    }
}

/// A string list from the file, with the range of the whole list.
pub(crate) struct StrList {
    pub items: Vec<Str>,
    pub span: Range<usize>,
    /// How many entries the file writes, valid or not (`items` keeps only the valid ones).
    pub written: usize,
}

/// One TOML table being read against a fixed set of keys.
pub(crate) struct Table<'t, 'i> {
    table: &'t TomlTable<'i>,
    span: Range<usize>,
    /// How messages name this table, e.g. "action `MeterUsage`" or "the `[page]` table".
    what: String,
    /// Known keys suggested for misspelt ones: their absence is already explained, so it is not reported again.
    suggested: Vec<String>,
}

impl<'t, 'i> Table<'t, 'i> {
    /// Starts reading `table`; reports every key not in `known` right away.
    pub fn new(
        diags: &mut Diagnostics,
        table: &'t TomlTable<'i>,
        span: Range<usize>,
        what: impl Into<String>,
        known: &[&str],
    ) -> Self {
        let what = what.into();
        let mut suggested = Vec::new();
        for (key, _) in table {
            let name = key.name;
            if known.contains(&name) {
                continue;
            }
            let mut d =
                Diagnostic::spanned(format!("unknown key `{name}` in {what}"), key.span.range())
                    .with_label("unknown key");
            d = match crate::suggest::closest(name, known, 0.8) {
                Some(k) if !table.contains_key(k) => {
                    suggested.push(k.to_string());
                    d.with_help(format!("did you mean `{k}`?"))
                }
                _ => d.with_help(format!("the keys of {what} are: {}", backticked(known))),
            };
            diags.push(d);
        }
        Table {
            table,
            span,
            what,
            suggested,
        }
    }

    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    pub fn what(&self) -> &str {
        &self.what
    }

    /// Renames the table in later messages (once its id is known).
    pub fn set_what(&mut self, what: String) {
        self.what = what;
    }

    fn get(&self, key: &str) -> Option<&'t Item<'i>> {
        self.table.get(key)
    }

    fn missing(&self, diags: &mut Diagnostics, key: &str, example: &str) {
        if self.suggested.iter().any(|k| k == key) {
            return;
        }
        diags.push(
            Diagnostic::spanned(
                format!("missing `{key}` in {}", self.what),
                self.header_span(),
            )
            .with_label(format!("`{key}` is required here"))
            .with_help(format!("add `{key} = {example}`")),
        );
    }

    /// Where to point for a missing key: the table's first line (its header), not its whole body.
    fn header_span(&self) -> Range<usize> {
        self.span.clone()
    }

    fn wrong_type(&self, diags: &mut Diagnostics, key: &str, expected: &str, found: &Item<'_>) {
        diags.push(
            Diagnostic::spanned(
                format!(
                    "`{key}` in {} must be {expected}, found {}",
                    self.what,
                    type_of(found)
                ),
                range(found),
            )
            .with_label(format!("expected {expected}")),
        );
    }

    /// A required, non-empty string.
    pub fn string(&self, diags: &mut Diagnostics, key: &str, example: &str) -> Option<Str> {
        let s = self.optional_string(diags, key);
        if s.is_none() && self.get(key).is_none() {
            self.missing(diags, key, example);
        }
        s
    }

    /// A string that may be left out; when present it must be a non-empty string.
    pub fn optional_string(&self, diags: &mut Diagnostics, key: &str) -> Option<Str> {
        let value = self.get(key)?;
        let Some(s) = value.as_str() else {
            self.wrong_type(diags, key, "a string", value);
            return None;
        };
        if s.trim().is_empty() {
            diags.push(
                Diagnostic::spanned(format!("`{key}` in {} is empty", self.what), range(value))
                    .with_label("empty string")
                    .with_help(format!(
                        "write the {key}, or remove the key if it is optional"
                    )),
            );
            return None;
        }
        Some(Spanned::new(range(value), s.to_owned()))
    }

    /// An optional boolean.
    pub fn bool(&self, diags: &mut Diagnostics, key: &str) -> Option<bool> {
        let value = self.get(key)?;
        match value.as_bool() {
            Some(b) => Some(b),
            None => {
                self.wrong_type(diags, key, "`true` or `false`", value);
                None
            }
        }
    }

    /// A required integer that fits in `u32`.
    pub fn u32(&self, diags: &mut Diagnostics, key: &str, example: &str) -> Option<Spanned<u32>> {
        let Some(value) = self.get(key) else {
            self.missing(diags, key, example);
            return None;
        };
        let parsed = value.as_i128().and_then(|i| u32::try_from(i).ok());
        match parsed {
            Some(n) => Some(Spanned::new(range(value), n)),
            None if value.as_i128().is_some() => {
                diags.push(
                    Diagnostic::spanned(
                        format!(
                            "`{key}` in {} must be a whole number from 0 to {}",
                            self.what,
                            u32::MAX
                        ),
                        range(value),
                    )
                    .with_label("out of range")
                    .with_help(format!("write `{key} = {example}`")),
                );
                None
            }
            None => {
                self.wrong_type(diags, key, "a whole number", value);
                None
            }
        }
    }

    /// A list of non-empty strings. Reports every entry of the wrong type and every duplicate.
    /// `None` when the key is absent (reported if `required`) or not an array.
    pub fn strings(
        &self,
        diags: &mut Diagnostics,
        key: &str,
        required: Option<&str>,
    ) -> Option<StrList> {
        let Some(value) = self.get(key) else {
            if let Some(example) = required {
                self.missing(diags, key, example);
            }
            return None;
        };
        let Some(array) = value.as_array() else {
            self.wrong_type(diags, key, "an array of strings", value);
            return None;
        };
        let mut items: Vec<Str> = Vec::with_capacity(array.len());
        let mut seen: std::collections::HashSet<&str> =
            std::collections::HashSet::with_capacity(array.len());
        for item in array {
            match item.as_str() {
                Some(s) if !s.trim().is_empty() => {
                    if !seen.insert(s) {
                        diags.push(
                            Diagnostic::spanned(
                                format!(
                                    "`{}` is listed twice in `{key}` of {}",
                                    shorten(s),
                                    self.what
                                ),
                                range(item),
                            )
                            .with_label("duplicate entry")
                            .with_help("remove this entry"),
                        );
                    } else {
                        items.push(Spanned::new(range(item), s.to_owned()));
                    }
                }
                Some(_) => diags.push(
                    Diagnostic::spanned(
                        format!("empty string in `{key}` of {}", self.what),
                        range(item),
                    )
                    .with_label("empty string")
                    .with_help("remove this entry"),
                ),
                None => diags.push(
                    Diagnostic::spanned(
                        format!(
                            "every entry of `{key}` in {} must be a string, found {}",
                            self.what,
                            type_of(item)
                        ),
                        range(item),
                    )
                    .with_label("expected a string"),
                ),
            }
        }
        Some(StrList {
            items,
            span: range(value),
            written: array.len(),
        })
    }

    /// A required sub-table.
    pub fn table(
        &self,
        diags: &mut Diagnostics,
        key: &str,
        what: &str,
        known: &[&str],
    ) -> Option<Table<'t, 'i>> {
        let Some(value) = self.get(key) else {
            if self.suggested.iter().any(|k| k == key) {
                return None;
            }
            diags.push(
                Diagnostic::spanned(format!("missing the `[{key}]` table"), self.header_span())
                    .with_help(format!(
                        "add a `[{key}]` table with the keys {}",
                        backticked(known)
                    )),
            );
            return None;
        };
        match value.as_table() {
            Some(t) => Some(Table::new(diags, t, range(value), what, known)),
            None => {
                self.wrong_type(diags, key, "a table", value);
                None
            }
        }
    }

    /// An array of tables (`[[key]]`); `None` when absent (reported if `required`) or not an array of tables.
    /// `what(n)` names the n-th table (from 1) in messages until its id is known.
    pub fn tables(
        &self,
        diags: &mut Diagnostics,
        key: &str,
        required: bool,
        what: &dyn Fn(usize) -> String,
        known: &[&str],
    ) -> Option<(Vec<Table<'t, 'i>>, Range<usize>)> {
        let Some(value) = self.get(key) else {
            if required && !self.suggested.iter().any(|k| k == key) {
                diags.push(
                    Diagnostic::spanned(
                        format!("missing `{key}` in {}", self.what),
                        self.header_span(),
                    )
                    .with_help(format!("add at least one `[[{key}]]` table")),
                );
            }
            return None;
        };
        let Some(array) = value.as_array() else {
            self.wrong_type(
                diags,
                key,
                &format!("an array of tables (`[[{key}]]`)"),
                value,
            );
            return None;
        };
        let mut out = Vec::with_capacity(array.len());
        for (i, item) in array.iter().enumerate() {
            match item.as_table() {
                Some(t) => out.push(Table::new(diags, t, range(item), what(i + 1), known)),
                None => self.wrong_type(diags, key, "an array of tables", item),
            }
        }
        Some((out, range(value)))
    }
}

/// Long strings are cut in headlines; the caret shows them whole.
fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        s.chars().take(MAX).collect::<String>() + "…"
    }
}
