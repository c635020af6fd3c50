//! The strict reader: serde visitors over serde_json, for any document. It is the authority on what is refused and
//! on every error's message, position and JSON path; the rules themselves are `crate::rules`, which the tape reader
//! applies too. Every check happens while reading, so an error carries the position of the offending value.

use std::borrow::Cow;
use std::fmt;

use arcstr::{ArcStr, Substr};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, de::Error as _};

use crate::bytes::offset_within;
use crate::document::{
    Actions, Condition, Effect, Policy, PolicyError, Principal, PrincipalValue, Resources,
    Statement, Version,
};
use crate::operator::Operator;
use crate::patterns::{Patterns, Span};
use crate::read::hints;
use crate::rules::{
    self, ActionName, DOCUMENT_FIELDS, DocumentParts, EFFECTS, Field, Item, PrincipalId,
    ResourceName, STATEMENT_FIELDS, Seen, StatementParts, VERSIONS,
};

/// Reads `text` (without its byte order mark); `file` names it in errors.
pub(crate) fn parse(file: &str, text: &str) -> Result<Policy, PolicyError> {
    let copy = ArcStr::from(text);
    let shared = Shared {
        doc: Some((&copy, text.as_ptr())),
    };
    // Most documents are valid: they are read without tracking the JSON path. Only a document that fails is read
    // again, with the path, to locate the error.
    let mut de = serde_json::Deserializer::from_str(text);
    if let Ok(policy) = de.deserialize_map(DocumentVisitor { shared })
        && de.end().is_ok()
    {
        return Ok(policy);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let result = serde_path_to_error::Deserializer::new(&mut de, &mut track)
        .deserialize_map(DocumentVisitor { shared });
    let policy = match result {
        Ok(policy) => policy,
        Err(err) => {
            let path = render_path(&track.path());
            let mut err = from_json_error(file, path, &err);
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

/// The document being read. A string of the policy that lies in it (one written without escapes) becomes a part
/// of one shared copy of the document, as the tape reader's strings do, rather than an allocation of its own.
#[derive(Clone, Copy)]
struct Shared<'a> {
    /// The copy, and where the text serde_json reads starts (`None`: every string is copied on its own).
    doc: Option<(&'a ArcStr, *const u8)>,
}

impl Shared<'_> {
    /// Strings are copied on their own: for a reader without the document.
    const NONE: Shared<'static> = Shared { doc: None };

    /// Where `s` is in the document, if it is a part of it.
    fn range(self, s: &str) -> Option<std::ops::Range<usize>> {
        let (copy, start) = self.doc?;
        let at = offset_within(start, copy.len(), s.as_bytes())?;
        Some(at..at + s.len())
    }

    /// `s` as a part of the document's copy, or copied.
    fn substr(self, s: &str) -> Substr {
        match (self.doc, self.range(s)) {
            (Some((copy, _)), Some(range)) => copy.substr(range),
            _ => Substr::from(ArcStr::from(s)),
        }
    }

    /// The patterns `items`, sharing the document's copy when every one is a part of it.
    fn patterns<S: AsRef<str>>(self, items: &[S]) -> Patterns {
        if let [one] = items
            && one.as_ref() == "*"
        {
            return Patterns::star();
        }
        if let Some((copy, _)) = self.doc {
            let spans: Option<smallvec::SmallVec<[Span; 4]>> = items
                .iter()
                .map(|item| {
                    let range = self.range(item.as_ref())?;
                    Some(Span::of(copy, range.start, range.end))
                })
                .collect();
            if let Some(spans) = spans {
                let mut patterns = Patterns::sharing(copy);
                for span in spans {
                    patterns.push_span(span);
                }
                return patterns;
            }
        }
        Patterns::of(items)
    }
}

/// A string, as a part of the document when it is one.
struct SubstrSeed<'a>(Shared<'a>);

impl<'de> DeserializeSeed<'de> for SubstrSeed<'_> {
    type Value = Substr;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Substr, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for SubstrSeed<'_> {
    type Value = Substr;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Substr, E> {
        Ok(self.0.substr(s))
    }
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

/// The document: an object of `Version`, `Id` and `Statement`.
struct DocumentVisitor<'a> {
    shared: Shared<'a>,
}

impl<'de> Visitor<'de> for DocumentVisitor<'_> {
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
                Field::Id => parts.id = Some(map.next_value_seed(SubstrSeed(self.shared))?),
                // `Field::of_document` names no other element.
                _ => {
                    parts.statements = Some(map.next_value_seed(StatementsSeed {
                        shared: self.shared,
                    })?);
                }
            }
        }
        parts.finish().map_err(A::Error::custom)
    }
}

/// `Statement`: one object or a non-empty array of them.
struct StatementsSeed<'a> {
    shared: Shared<'a>,
}

impl<'de> DeserializeSeed<'de> for StatementsSeed<'_> {
    type Value = Vec<Statement>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Statement>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StatementsSeed<'_> {
    type Value = Vec<Statement>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a statement object or an array of them")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        // The only statement: its keys are the document's second level, where hints about wrapped documents
        // apply.
        let parts = StatementVisitor {
            document_level: true,
            shared: self.shared,
        }
        .visit_map(map)?;
        Ok(vec![parts.finish().map_err(A::Error::custom)?])
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(()) = seq.next_element_seed(StatementInto {
            out: &mut out,
            shared: self.shared,
        })? {}
        rules::non_empty(out.len()).map_err(A::Error::custom)?;
        Ok(out)
    }
}

/// One statement of an array, checked whole once read and built where it is pushed (rather than moved out through
/// serde's results: a statement is a few hundred bytes).
struct StatementInto<'a, 'v> {
    out: &'v mut Vec<Statement>,
    shared: Shared<'a>,
}

impl<'de> DeserializeSeed<'de> for StatementInto<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let parts = d.deserialize_map(StatementVisitor {
            document_level: false,
            shared: self.shared,
        })?;
        parts.check().map_err(D::Error::custom)?;
        self.out.push(parts.into_statement());
        Ok(())
    }
}

/// One statement object, checked whole once read.
struct StatementSeed<'a> {
    document_level: bool,
    shared: Shared<'a>,
}

impl<'de> DeserializeSeed<'de> for StatementSeed<'_> {
    type Value = Statement;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Statement, D::Error> {
        let parts = d.deserialize_map(StatementVisitor {
            document_level: self.document_level,
            shared: self.shared,
        })?;
        parts.finish().map_err(D::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Statement {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        StatementSeed {
            document_level: false,
            shared: Shared::NONE,
        }
        .deserialize(d)
    }
}

/// The elements of a statement object.
struct StatementVisitor<'a> {
    /// Whether the statement is the document's only one (`"Statement": {...}`).
    document_level: bool,
    shared: Shared<'a>,
}

impl<'de> Visitor<'de> for StatementVisitor<'_> {
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
                Field::Sid => parts.sid = Some(map.next_value_seed(SubstrSeed(self.shared))?),
                Field::Effect => parts.effect = Some(map.next_value()?),
                Field::Principal => parts.set_principal(Principal::Principal(map.next_value()?)),
                Field::NotPrincipal => {
                    parts.set_principal(Principal::NotPrincipal(map.next_value()?));
                }
                Field::Action => {
                    parts.set_actions(Actions::Action(map.next_value_seed(ListSeed::<
                        ActionName,
                    >::new(
                        self.shared
                    ))?));
                }
                Field::NotAction => {
                    parts.set_actions(Actions::NotAction(map.next_value_seed(ListSeed::<
                        ActionName,
                    >::new(
                        self.shared
                    ))?))
                }
                Field::Resource => {
                    parts.set_resources(Resources::Resource(map.next_value_seed(ListSeed::<
                        ResourceName,
                    >::new(
                        self.shared
                    ))?))
                }
                Field::NotResource => {
                    parts.set_resources(Resources::NotResource(map.next_value_seed(ListSeed::<
                        ResourceName,
                    >::new(
                        self.shared,
                    ))?))
                }
                // `Field::of_statement` names no other element.
                _ => parts.conditions = Some(map.next_value_seed(ConditionSeed(self.shared))?),
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
struct ListSeed<'a, T> {
    shared: Shared<'a>,
    item: std::marker::PhantomData<T>,
}

impl<'a, T> ListSeed<'a, T> {
    fn new(shared: Shared<'a>) -> Self {
        ListSeed {
            shared,
            item: std::marker::PhantomData,
        }
    }
}

/// One checked element, borrowed from the document unless it had escapes.
struct ItemSeed<T>(std::marker::PhantomData<T>);

impl<'de, T: Item> DeserializeSeed<'de> for ItemSeed<T> {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, T: Item> Visitor<'de> for ItemSeed<T> {
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

impl<'de, T: Item> DeserializeSeed<'de> for ListSeed<'_, T> {
    type Value = Patterns;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Patterns, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Item> Visitor<'de> for ListSeed<'_, T> {
    type Value = Patterns;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (a string) or an array of them", T::WHAT)
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Patterns, E> {
        T::check(s).map_err(E::custom)?;
        Ok(self.shared.patterns(&[s]))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Patterns, A::Error> {
        // Collected first (borrowed), so a list's own text, if it needs one, is allocated once, at its size.
        let mut items: smallvec::SmallVec<[Cow<'de, str>; 4]> = smallvec::SmallVec::new();
        while let Some(t) = seq.next_element_seed(ItemSeed::<T>(std::marker::PhantomData))? {
            items.push(t);
        }
        rules::non_empty(items.len()).map_err(A::Error::custom)?;
        Ok(self.shared.patterns(&items))
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
                    let ids = map.next_value_seed(Checked {
                        problem,
                        seed: ListSeed::<PrincipalId>::new(Shared::NONE),
                    })?;
                    out.push((kind, ids.iter().map(str::to_owned).collect()));
                }
                rules::principal_types(out.len()).map_err(A::Error::custom)?;
                Ok(PrincipalValue::Typed(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads a map value with `seed`, or fails at it (so the error's path ends with the map key) when its key was wrong.
struct Checked<S> {
    problem: Option<String>,
    seed: S,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Checked<S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        match self.problem {
            Some(problem) => Err(de::Error::custom(problem)),
            None => self.seed.deserialize(d),
        }
    }
}

/// `Condition`: operator → key → value(s).
struct ConditionSeed<'a>(Shared<'a>);

impl<'de> DeserializeSeed<'de> for ConditionSeed<'_> {
    type Value = Vec<Condition>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Condition>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ConditionSeed<'_> {
    type Value = Vec<Condition>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of condition operators, such as {\"StringEquals\": {\"aws:SourceVpc\": \"vpc-1a2b3c4d\"}}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<Condition>, A::Error> {
        let mut out = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            let parsed = rules::condition_operator(seen.iter().map(String::as_str), &name);
            seen.push(name);
            let seed = OperatorSeed {
                operator: parsed,
                shared: self.0,
            };
            let (operator, entries) = map.next_value_seed(seed)?;
            out.extend(entries.into_iter().map(|(key, values)| Condition {
                operator,
                key,
                values,
            }));
        }
        Ok(out)
    }
}

/// The keys of one operator, or its refusal (at the value, so the error's path ends with the operator).
struct OperatorSeed<'a> {
    operator: Result<Operator, String>,
    shared: Shared<'a>,
}

/// The keys of one operator, each with its values.
type Entries = Vec<(Substr, Vec<Substr>)>;

impl<'de> DeserializeSeed<'de> for OperatorSeed<'_> {
    type Value = (Operator, Entries);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let operator = self.operator.map_err(de::Error::custom)?;
        let value = Value {
            operator,
            shared: self.shared,
        };
        d.deserialize_map(value).map(|entries| (operator, entries))
    }
}

/// The condition values of one operator: checked against what it compares, kept as their JSON text (as parts of
/// the document when they are strings in it).
#[derive(Clone, Copy)]
struct Value<'a> {
    operator: Operator,
    shared: Shared<'a>,
}

impl Value<'_> {
    fn checked<E: de::Error>(self, text: Substr) -> Result<Substr, E> {
        rules::condition_value(self.operator.base, &text).map_err(E::custom)?;
        Ok(text)
    }
}

/// The keys of one operator (the map of [`OperatorSeed`]).
impl<'de> Visitor<'de> for Value<'_> {
    type Value = Entries;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "an object of condition keys and values, such as {\"aws:SourceVpc\": \"vpc-1a2b3c4d\"}",
        )
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
        let mut out: Entries = Vec::new();
        while let Some(key) = map.next_key_seed(SubstrSeed(self.shared))? {
            let problem = rules::condition_key(out.iter().map(|(k, _)| &**k), &key).err();
            let values = map.next_value_seed(Checked {
                problem,
                seed: ValuesSeed(self),
            })?;
            out.push((key, values));
        }
        rules::condition_keys(self.operator, out.len()).map_err(A::Error::custom)?;
        Ok(out)
    }
}

/// The values of one condition key: one, or a non-empty array.
struct ValuesSeed<'a>(Value<'a>);

impl<'de> DeserializeSeed<'de> for ValuesSeed<'_> {
    type Value = Vec<Substr>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Substr>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValuesSeed<'_> {
    type Value = Vec<Substr>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a condition value (string, number or boolean) or an array of them")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Vec<Substr>, E> {
        OneValue(self.0).visit_str(s).map(|v| vec![v])
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Vec<Substr>, E> {
        OneValue(self.0).visit_bool(b).map(|v| vec![v])
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Vec<Substr>, E> {
        OneValue(self.0).visit_i64(n).map(|v| vec![v])
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Vec<Substr>, E> {
        OneValue(self.0).visit_u64(n).map(|v| vec![v])
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Vec<Substr>, E> {
        OneValue(self.0).visit_f64(n).map(|v| vec![v])
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Substr>, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(OneValue(self.0))? {
            out.push(v);
        }
        rules::non_empty(out.len()).map_err(A::Error::custom)?;
        Ok(out)
    }
}

/// One condition value.
struct OneValue<'a>(Value<'a>);

impl<'de> DeserializeSeed<'de> for OneValue<'_> {
    type Value = Substr;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Substr, D::Error> {
        d.deserialize_any(self)
    }
}

impl Visitor<'_> for OneValue<'_> {
    type Value = Substr;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a condition value (string, number or boolean)")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Substr, E> {
        self.0.checked(self.0.shared.substr(s))
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Substr, E> {
        let text = if b {
            arcstr::literal!("true")
        } else {
            arcstr::literal!("false")
        };
        self.0.checked(Substr::from(text))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Substr, E> {
        self.0.checked(Substr::from(n.to_string()))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Substr, E> {
        self.0.checked(Substr::from(n.to_string()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Substr, E> {
        rules::float_value(self.0.operator.base).map_err(E::custom)?;
        self.0.checked(Substr::from(n.to_string()))
    }
}
