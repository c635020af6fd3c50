//! The one JSON writer of the engine: policy documents, trust policies and the deployable templates (feature `iac`)
//! are all built as a [`Json`] value and written by [`write`].
//!
//! The output is byte-stable: object keys in the order the value lists them (a document's key order is part of its
//! bytes, so the renderers fix it), `indent` once per level, `": "` between a key and its value, `[]` and `{}` for
//! empty containers, and a trailing newline. Strings are escaped as RFC 8259 requires and no more (`"`, `\` and the
//! control characters), so every other character is written as itself; a control character without a short escape
//! is written `\u00XX` (U+0008 and U+000C too, as the policies have always been written, where serde_json writes
//! `\b` and `\f`).

use std::borrow::Cow;

/// A JSON value whose objects keep the order of their keys.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json<'a> {
    /// `null` (the policies and trust policies have none; the templates of `iac` may).
    #[cfg_attr(not(feature = "iac"), allow(dead_code))]
    Null,
    /// `true` or `false` (likewise).
    #[cfg_attr(not(feature = "iac"), allow(dead_code))]
    Bool(bool),
    /// A number, as its JSON text (`12`; likewise).
    #[cfg_attr(not(feature = "iac"), allow(dead_code))]
    Number(String),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object: its keys and values in the order they are written.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// A string borrowed from the data it renders.
    pub(crate) fn str(s: &'a str) -> Self {
        Json::String(Cow::Borrowed(s))
    }

    /// An object of the given `(key, value)` pairs, in that order.
    pub(crate) fn object(fields: impl IntoIterator<Item = (&'a str, Json<'a>)>) -> Self {
        Json::Object(
            fields
                .into_iter()
                .map(|(k, v)| (Cow::Borrowed(k), v))
                .collect(),
        )
    }
}

/// The indentation of the policy documents and trust policies the project publishes: four spaces.
pub(crate) const POLICY_INDENT: &str = "    ";

/// Writes `value` with `indent` per level of nesting, followed by a newline.
pub(crate) fn write(value: &Json<'_>, indent: &str) -> String {
    let mut out = String::with_capacity(256);
    write_value(&mut out, value, indent, 0);
    out.push('\n');
    out
}

fn write_value(out: &mut String, value: &Json<'_>, indent: &str, depth: usize) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(n),
        Json::String(s) => push_string(out, s),
        Json::Array(items) => {
            write_container(out, ('[', ']'), items, indent, depth, |out, item| {
                write_value(out, item, indent, depth + 1)
            })
        }
        Json::Object(fields) => write_container(
            out,
            ('{', '}'),
            fields,
            indent,
            depth,
            |out, (key, value)| {
                push_string(out, key);
                out.push_str(": ");
                write_value(out, value, indent, depth + 1);
            },
        ),
    }
}

/// An array or an object: `[]` / `{}` when empty, else one entry a line, indented one level deeper than `depth`.
fn write_container<T>(
    out: &mut String,
    (open, close): (char, char),
    entries: &[T],
    indent: &str,
    depth: usize,
    mut entry: impl FnMut(&mut String, &T),
) {
    out.push(open);
    if entries.is_empty() {
        out.push(close);
        return;
    }
    for (i, e) in entries.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        push_indent(out, indent, depth + 1);
        entry(out, e);
    }
    out.push('\n');
    push_indent(out, indent, depth);
    out.push(close);
}

fn push_indent(out: &mut String, indent: &str, depth: usize) {
    for _ in 0..depth {
        out.push_str(indent);
    }
}

/// Appends `s` as a JSON string literal (RFC 8259 escaping).
fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nests_with_the_given_indent_and_ends_with_a_newline() {
        let v = Json::object([
            ("a", Json::str("x")),
            ("b", Json::Array(vec![Json::str("y"), Json::Object(vec![])])),
            ("c", Json::Array(vec![])),
            ("d", Json::Number("12".into())),
            ("e", Json::Bool(true)),
            ("f", Json::Null),
        ]);
        assert_eq!(
            write(&v, "  "),
            "{\n  \"a\": \"x\",\n  \"b\": [\n    \"y\",\n    {}\n  ],\n  \"c\": [],\n  \"d\": 12,\n  \"e\": true,\n  \"f\": null\n}\n"
        );
    }

    #[test]
    fn escapes_what_json_requires_and_nothing_else() {
        let v = Json::str("a\"b\\c\nd\r\t\u{1}é/");
        assert_eq!(write(&v, "    "), "\"a\\\"b\\\\c\\nd\\r\\t\\u0001é/\"\n");
        let parsed: serde_json::Value = serde_json::from_str(&write(&v, "    ")).unwrap();
        assert_eq!(parsed, "a\"b\\c\nd\r\t\u{1}é/");
    }

    #[test]
    fn keeps_the_order_of_keys() {
        let v = Json::object([("z", Json::str("1")), ("a", Json::str("2"))]);
        assert_eq!(
            write(&v, "    "),
            "{\n    \"z\": \"1\",\n    \"a\": \"2\"\n}\n"
        );
    }
}
