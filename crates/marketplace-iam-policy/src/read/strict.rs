//! The strict reader: serde visitors over serde_json, for any document. It is the authority on what is refused and
//! on every error's message, position and JSON path; the rules themselves are `crate::rules`, which the tape reader
//! applies too. Every check happens while reading, so an error carries the position of the offending value.

use std::borrow::Cow;
use std::fmt;

use arcstr::Substr;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, de::Error as _};

use crate::document::{
    Actions, Condition, Effect, Policy, PolicyError, Principal, PrincipalValue, Resources,
    Statement, Version,
};
use crate::operator::Operator;
use crate::patterns::Patterns;
use crate::read::hints;
use crate::rules::{
    self, ActionName, DOCUMENT_FIELDS, DocumentParts, EFFECTS, Field, Item, PrincipalId,
    ResourceName, STATEMENT_FIELDS, Seen, StatementParts, VERSIONS,
};

/// Reads `text` (without its byte order mark); `file` names it in errors.
pub(crate) fn parse(file: &str, text: &str) -> Result<Policy, PolicyError> {
    // Most documents are valid: they are read without tracking the JSON path. Only a document that fails is read
    // again, with the path, to locate the error.
    let mut de = serde_json::Deserializer::from_str(text);
    if let Ok(Document(policy)) = Document::deserialize(&mut de)
        && de.end().is_ok()
    {
        return Ok(policy);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let result: Result<Document, _> = serde_path_to_error::deserialize(&mut de);
    let policy = match result {
        Ok(Document(policy)) => policy,
        Err(err) => {
            let path = render_path(err.path());
            let mut err = from_json_error(file, path, err.inner());
            hints::improve(text, &mut err);
            return Err(err);
        }
    };
    de.end().map_err(|e| {
        let mut err = from_json_error(file, String::new(), &e);
        hints::improve(text, &mut err);
        err
    })?;
    Ok(policy)
}

fn render_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    // A syntax error inside an object ends the path with an unknown segment: the object is the useful part.
    let segments: Vec<&Segment> = path.iter().collect();
    let known = segments
        .iter()
        .rposition(|s| !matches!(s, Segment::Unknown))
        .map_or(0, |i| i + 1);
    for segment in &segments[..known] {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    out
}

fn from_json_error(file: &str, path: String, err: &serde_json::Error) -> PolicyError {
    let (line, column) = (err.line(), err.column());
    let mut message = err.to_string();
    let suffix = format!(" at line {line} column {column}");
    if let Some(stripped) = message.strip_suffix(&suffix) {
        message = stripped.to_owned();
    }
    if matches!(
        err.classify(),
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof
    ) {
        message = format!("invalid JSON: {message}");
    }
    PolicyError {
        file: file.to_owned(),
        // serde_json counts the characters read on the line; before the first one it says 0.
        line: line.max(1),
        column: column.max(1),
        path,
        message,
    }
}

/// A key of an object, by the element it names. An unknown key is refused as it is read, with its hint, so the
/// error's path ends with the key.
#[derive(Clone, Copy)]
struct KeySeed {
    /// The element a key names.
    of: fn(&str) -> Option<Field>,
    /// The elements the object may have.
    expected: &'static [&'static str],
    /// Whether the object is the document or its only statement.
    document_level: bool,
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Field;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Field;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Field, E> {
        (self.of)(s)
            .ok_or_else(|| E::custom(hints::unknown_field(s, self.expected, self.document_level)))
    }
}

/// A policy document, read only from a JSON object.
struct Document(Policy);

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(DocumentVisitor).map(Document)
    }
}

/// The document: an object of `Version`, `Id` and `Statement`.
struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = Policy;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Policy, A::Error> {
        let mut seen = Seen::default();
        let mut parts = DocumentParts::default();
        let key = KeySeed {
            of: Field::of_document,
            expected: DOCUMENT_FIELDS,
            document_level: true,
        };
        while let Some(field) = map.next_key_seed(key)? {
            seen.first(field).map_err(A::Error::custom)?;
            match field {
                Field::Version => parts.version = Some(map.next_value()?),
                Field::Id => parts.id = Some(Substr::from(map.next_value::<String>()?)),
                // `Field::of_document` names no other element.
                _ => parts.statements = Some(map.next_value_seed(StatementsSeed)?),
            }
        }
        parts.finish().map_err(A::Error::custom)
    }
}

/// `Statement`: one object or a non-empty array of them.
struct StatementsSeed;

impl<'de> DeserializeSeed<'de> for StatementsSeed {
    type Value = Vec<Statement>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Statement>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<Statement>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a statement object or an array of them")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                // The only statement: its keys are the document's second level, where hints about wrapped
                // documents apply.
                let parts = StatementVisitor {
                    document_level: true,
                }
                .visit_map(map)?;
                Ok(vec![parts.finish().map_err(A::Error::custom)?])
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(statement) = seq.next_element_seed(StatementSeed {
                    document_level: false,
                })? {
                    out.push(statement);
                }
                rules::non_empty(out.len()).map_err(A::Error::custom)?;
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

/// One statement object, checked whole once read.
struct StatementSeed {
    document_level: bool,
}

impl<'de> DeserializeSeed<'de> for StatementSeed {
    type Value = Statement;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Statement, D::Error> {
        let parts = d.deserialize_map(StatementVisitor {
            document_level: self.document_level,
        })?;
        parts.finish().map_err(D::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Statement {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        StatementSeed {
            document_level: false,
        }
        .deserialize(d)
    }
}

/// The elements of a statement object.
struct StatementVisitor {
    /// Whether the statement is the document's only one (`"Statement": {...}`).
    document_level: bool,
}

impl<'de> Visitor<'de> for StatementVisitor {
    type Value = StatementParts;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StatementParts, A::Error> {
        let mut seen = Seen::default();
        let mut parts = StatementParts::default();
        let key = KeySeed {
            of: Field::of_statement,
            expected: STATEMENT_FIELDS,
            document_level: self.document_level,
        };
        while let Some(field) = map.next_key_seed(key)? {
            seen.first(field).map_err(A::Error::custom)?;
            match field {
                Field::Sid => parts.sid = Some(Substr::from(map.next_value::<String>()?)),
                Field::Effect => parts.effect = Some(map.next_value()?),
                Field::Principal => parts.set_principal(Principal::Principal(map.next_value()?)),
                Field::NotPrincipal => {
                    parts.set_principal(Principal::NotPrincipal(map.next_value()?));
                }
                Field::Action => {
                    parts.set_actions(Actions::Action(map.next_value::<List<ActionName>>()?.0));
                }
                Field::NotAction => {
                    parts.set_actions(Actions::NotAction(map.next_value::<List<ActionName>>()?.0));
                }
                Field::Resource => parts.set_resources(Resources::Resource(
                    map.next_value::<List<ResourceName>>()?.0,
                )),
                Field::NotResource => parts.set_resources(Resources::NotResource(
                    map.next_value::<List<ResourceName>>()?.0,
                )),
                // `Field::of_statement` names no other element.
                _ => parts.conditions = Some(map.next_value::<ConditionBlock>()?.0),
            }
        }
        parts.check_effect().map_err(A::Error::custom)?;
        Ok(parts)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        one_of(d, "a string", VERSIONS)
    }
}

impl<'de> Deserialize<'de> for Effect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        one_of(d, "\"Allow\" or \"Deny\"", EFFECTS)
    }
}

/// One of two exact strings ([`rules::one_of`]), compared where it lies in the document (or in serde_json's scratch
/// buffer), without a copy.
fn one_of<'de, D: Deserializer<'de>, T: Copy>(
    d: D,
    expecting: &'static str,
    choices: [(&'static str, T); 2],
) -> Result<T, D::Error> {
    struct V<T> {
        expecting: &'static str,
        choices: [(&'static str, T); 2],
    }
    impl<T: Copy> Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<T, E> {
            rules::one_of(self.choices, s).map_err(E::custom)
        }
    }
    d.deserialize_str(V { expecting, choices })
}

/// A string, or a non-empty array of strings, each checked as an `T`.
struct List<T>(Patterns, std::marker::PhantomData<T>);

/// One checked element, borrowed from the document unless it had escapes.
struct ItemSeed<T>(std::marker::PhantomData<T>);

impl<'de, T: Item> DeserializeSeed<'de> for ItemSeed<T> {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Item> Visitor<'de> for V<T> {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} (a string)", T::WHAT)
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Cow<'de, str>, E> {
                T::check(s).map_err(E::custom)?;
                Ok(Cow::Borrowed(s))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Cow<'de, str>, E> {
                T::check(s).map_err(E::custom)?;
                Ok(Cow::Owned(s.to_owned()))
            }
        }
        d.deserialize_str(V::<T>(std::marker::PhantomData))
    }
}

impl<'de, T: Item> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Item> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} (a string) or an array of them", T::WHAT)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<List<T>, E> {
                T::check(s).map_err(E::custom)?;
                Ok(List(Patterns::of(&[s]), std::marker::PhantomData))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                // Collected first (borrowed), so the text is allocated once, at its size.
                let mut items: smallvec::SmallVec<[Cow<'de, str>; 4]> = smallvec::SmallVec::new();
                while let Some(t) =
                    seq.next_element_seed(ItemSeed::<T>(std::marker::PhantomData))?
                {
                    items.push(t);
                }
                rules::non_empty(items.len()).map_err(A::Error::custom)?;
                Ok(List(Patterns::of(&items), std::marker::PhantomData))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl<'de> Deserialize<'de> for PrincipalValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PrincipalValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "\"*\" or an object such as {\"AWS\": \"arn:aws:iam::123456789012:root\"}",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<PrincipalValue, E> {
                rules::principal_string(s).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PrincipalValue, A::Error> {
                let mut out: Vec<(String, Vec<String>)> = Vec::new();
                while let Some(kind) = map.next_key::<String>()? {
                    let problem =
                        rules::principal_type(out.iter().map(|(k, _)| k.as_str()), &kind).err();
                    let ids = map.next_value_seed(Checked::<List<PrincipalId>>::new(problem))?;
                    out.push((kind, ids.0.iter().map(str::to_owned).collect()));
                }
                rules::principal_types(out.len()).map_err(A::Error::custom)?;
                Ok(PrincipalValue::Typed(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads a map value, or fails at it (so the error's path ends with the map key) when its key was wrong.
struct Checked<T> {
    problem: Option<String>,
    marker: std::marker::PhantomData<T>,
}

impl<T> Checked<T> {
    fn new(problem: Option<String>) -> Self {
        Checked {
            problem,
            marker: std::marker::PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Checked<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        match self.problem {
            Some(problem) => Err(de::Error::custom(problem)),
            None => T::deserialize(d),
        }
    }
}

/// `Condition`: operator → key → value(s).
struct ConditionBlock(Vec<Condition>);

impl<'de> Deserialize<'de> for ConditionBlock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ConditionBlock;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of condition operators, such as {\"StringEquals\": {\"aws:SourceVpc\": \"vpc-1a2b3c4d\"}}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ConditionBlock, A::Error> {
                let mut out = Vec::new();
                let mut seen: Vec<String> = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    let parsed = rules::condition_operator(seen.iter().map(String::as_str), &name);
                    seen.push(name);
                    let seed = OperatorSeed { operator: parsed };
                    let (operator, entries) = map.next_value_seed(seed)?;
                    out.extend(entries.into_iter().map(|(key, values)| Condition {
                        operator,
                        key: Substr::from(key),
                        values: values.into_iter().map(Substr::from).collect(),
                    }));
                }
                Ok(ConditionBlock(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The keys of one operator, or its refusal (at the value, so the error's path ends with the operator).
struct OperatorSeed {
    operator: Result<Operator, String>,
}

impl<'de> DeserializeSeed<'de> for OperatorSeed {
    type Value = (Operator, Vec<(String, Vec<String>)>);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let operator = self.operator.map_err(de::Error::custom)?;
        struct V(Operator);
        impl<'de> Visitor<'de> for V {
            type Value = Vec<(String, Vec<String>)>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of condition keys and values, such as {\"aws:SourceVpc\": \"vpc-1a2b3c4d\"}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out: Vec<(String, Vec<String>)> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let problem =
                        rules::condition_key(out.iter().map(|(k, _)| k.as_str()), &key).err();
                    let values = map.next_value_seed(ValuesSeed {
                        operator: self.0,
                        problem,
                    })?;
                    out.push((key, values));
                }
                rules::condition_keys(self.0, out.len()).map_err(A::Error::custom)?;
                Ok(out)
            }
        }
        d.deserialize_map(V(operator))
            .map(|entries| (operator, entries))
    }
}

/// The values of one condition key, or the key's refusal (at the value, so the path ends with the key).
struct ValuesSeed {
    operator: Operator,
    problem: Option<String>,
}

impl<'de> DeserializeSeed<'de> for ValuesSeed {
    type Value = Vec<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
        if let Some(problem) = self.problem {
            return Err(de::Error::custom(problem));
        }
        struct V(Operator);
        impl<'de> Visitor<'de> for V {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a condition value (string, number or boolean) or an array of them")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Vec<String>, E> {
                ValueV(self.0).visit_str(s).map(|v| vec![v])
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Vec<String>, E> {
                ValueV(self.0).visit_bool(b).map(|v| vec![v])
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Vec<String>, E> {
                ValueV(self.0).visit_i64(n).map(|v| vec![v])
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Vec<String>, E> {
                ValueV(self.0).visit_u64(n).map(|v| vec![v])
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Vec<String>, E> {
                ValueV(self.0).visit_f64(n).map(|v| vec![v])
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element_seed(ValueSeed(self.0))? {
                    out.push(v);
                }
                rules::non_empty(out.len()).map_err(A::Error::custom)?;
                Ok(out)
            }
        }
        d.deserialize_any(V(self.operator))
    }
}

struct ValueSeed(Operator);

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(ValueV(self.0))
    }
}

/// One condition value, checked against what its operator compares, kept as its JSON text.
struct ValueV(Operator);

impl ValueV {
    fn checked<E: de::Error>(&self, text: String) -> Result<String, E> {
        rules::condition_value(self.0.base, &text).map_err(E::custom)?;
        Ok(text)
    }
}

impl Visitor<'_> for ValueV {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a condition value (string, number or boolean)")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<String, E> {
        self.checked(s.to_owned())
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<String, E> {
        self.checked(b.to_string())
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<String, E> {
        self.checked(n.to_string())
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<String, E> {
        self.checked(n.to_string())
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<String, E> {
        rules::float_value(self.0.base).map_err(E::custom)?;
        self.checked(n.to_string())
    }
}
