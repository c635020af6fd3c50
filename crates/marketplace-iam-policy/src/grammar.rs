//! The IAM JSON policy grammar, read strictly: what IAM would refuse to attach is an error here too, located by
//! file, line, column and JSON path.

use arcstr::{ArcStr, Substr};
use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use wide::u8x32;

use crate::condition::{BaseOperator, Operator};

/// A parsed IAM policy document (identity policy, permissions boundary or service control policy).
///
/// # Examples
///
/// ```
/// use marketplace_iam_policy::{Effect, Policy};
///
/// let policy = Policy::parse(
///     "role.json",
///     r#"{"Version": "2012-10-17",
///         "Statement": {"Effect": "Allow", "Action": "aws-marketplace:MeterUsage", "Resource": "*"}}"#,
/// )?;
/// assert_eq!(policy.statements.len(), 1);
/// assert_eq!(policy.statements[0].effect, Effect::Allow);
/// # Ok::<(), marketplace_iam_policy::PolicyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// `Version`, if the document has one. IAM treats a document without it as `2008-10-17`.
    pub version: Option<Version>,
    /// `Id`, if any.
    pub id: Option<Substr>,
    /// The statements, in document order (`Statement` as one object is a list of one).
    pub statements: Vec<Statement>,
}

/// The policy language version (`Version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2012-10-17`, the current version: policy variables such as `${aws:username}` are substituted.
    V2012_10_17,
    /// `2008-10-17`, the old version: `${...}` is literal text.
    V2008_10_17,
}

impl Version {
    /// The version string as written in a policy.
    ///
    /// ```
    /// assert_eq!(marketplace_iam_policy::Version::V2012_10_17.as_str(), "2012-10-17");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `Sid`, if any.
    pub sid: Option<Substr>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal`, if any (IAM refuses them in identity policies, boundaries and SCPs; the
    /// report warns and evaluates the rest of the statement).
    pub principal: Option<Principal>,
    /// `Action` or `NotAction`.
    pub actions: Actions,
    /// `Resource` or `NotResource` (`None` when the statement has neither, which only resource-based policies do).
    pub resources: Option<Resources>,
    /// `Condition`, flattened to one entry per operator and key, in document order; empty when there is none.
    pub conditions: Vec<Condition>,
}

/// `Effect`: exactly `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Effect {
    /// `"Allow"`.
    Allow,
    /// `"Deny"`.
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// `Action` or `NotAction`: action name patterns (`service:Name`, `*` and `?` wildcards, any letter case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actions {
    /// `Action`: the statement applies to these actions.
    Action(Patterns),
    /// `NotAction`: the statement applies to every action except these.
    NotAction(Patterns),
}

/// `Resource` or `NotResource`: ARN patterns or `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resources {
    /// `Resource`: the statement applies to these resources.
    Resource(Patterns),
    /// `NotResource`: the statement applies to every resource except these.
    NotResource(Patterns),
}

/// The patterns of an `Action`, `NotAction`, `Resource` or `NotResource` element, in document order.
///
/// Stored ready for matching, without a copy per pattern: the patterns are ranges of a shared text, and a small
/// inline list says where each pattern is and where its first and last wildcards are. For a document read by
/// [`Policy::parse`]'s fast path, the text is the document itself, and every list of the policy shares it: reading
/// a policy allocates that text once, not once per pattern or list. Matching does not look for wildcards again.
///
/// ```
/// use marketplace_iam_policy::Patterns;
///
/// let patterns: Patterns = ["aws-marketplace:MeterUsage", "aws-marketplace:Get*"].into_iter().collect();
/// assert_eq!(patterns.len(), 2);
/// assert_eq!(patterns.get(1), Some("aws-marketplace:Get*"));
/// assert_eq!(patterns.iter().collect::<Vec<_>>(), ["aws-marketplace:MeterUsage", "aws-marketplace:Get*"]);
/// assert_eq!(format!("{patterns:?}"), r#"["aws-marketplace:MeterUsage", "aws-marketplace:Get*"]"#);
/// ```
#[derive(Clone)]
pub struct Patterns {
    /// Every pattern is a range of it.
    text: ArcStr,
    /// Where each pattern is in `text`.
    items: smallvec::SmallVec<[Span; 3]>,
}

/// Where a pattern is in the text of its [`Patterns`], and where its wildcards are: offsets of 32 bits, so that a
/// list of up to three patterns fits in the statement that holds it (a list's text is at most a document, and
/// [`Policy::parse`] refuses documents of 4 GiB and more).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    start: u32,
    end: u32,
    /// The offset in the pattern of its first `*` or `?` ([`Span::NONE`]: none).
    wildcard: u32,
    /// The offset just after the last `*` or `?` (0 when there is none): where the literal suffix starts.
    suffix: u32,
}

impl Span {
    const NONE: u32 = u32::MAX;

    /// # Panics
    ///
    /// If `end` does not fit in 32 bits (a list of 4 GiB of text).
    pub(crate) fn of(text: &str, start: usize, end: usize) -> Span {
        let offset =
            |i: usize| u32::try_from(i).expect("a pattern list holds less than 4 GiB of text");
        let (start32, end32) = (offset(start), offset(end));
        let scan = Scan::of(text.as_bytes(), start, end - start).expect("a range of the text");
        Span::scanned(start32, end32, &scan)
    }

    /// The pattern at `start..end` of a document of less than 4 GiB, whose wildcards `scan` found.
    pub(crate) fn scanned(start: u32, end: u32, scan: &Scan) -> Span {
        let (wildcard, suffix) = match scan.first_wildcard {
            Some(first) => (first, scan.end_wildcard),
            None => (Span::NONE, 0),
        };
        Span {
            start,
            end,
            wildcard,
            suffix,
        }
    }

    fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    fn wildcard(&self) -> Option<usize> {
        (self.wildcard != Span::NONE).then_some(self.wildcard as usize)
    }
}

/// A pattern of a [`Patterns`], with what matching needs: bytes of the strings (they start and end on character
/// boundaries).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Compiled<'a> {
    /// As written.
    pub(crate) text: &'a [u8],
    /// The offset of the first `*` or `?`, if any.
    pub(crate) wildcard: Option<usize>,
    /// The offset just after the last `*` or `?`.
    pub(crate) suffix: usize,
}

impl Patterns {
    /// An empty list.
    pub fn new() -> Patterns {
        Patterns {
            text: ArcStr::new(),
            items: smallvec::SmallVec::new(),
        }
    }

    /// Exactly these patterns, with a text of their own.
    pub(crate) fn of<S: AsRef<str>>(items: &[S]) -> Patterns {
        let x: String = items.iter().map(AsRef::as_ref).collect();
        let mut start = 0;
        let spans = items
            .iter()
            .map(|item| {
                let end = start + item.as_ref().len();
                let span = Span::of(&x, start, end);
                start = end;
                span
            })
            .collect();
        Patterns {
            text: ArcStr::from(x),
            items: spans,
        }
    }

    /// `*` alone, in a static text (copies share it without counting references).
    pub(crate) fn star() -> Patterns {
        let text = arcstr::literal!("*");
        Patterns {
            items: smallvec::smallvec![Span::of(&text, 0, 1)],
            text,
        }
    }

    /// An empty list of patterns of `text`, a text that other lists may share.
    pub(crate) fn sharing(text: &ArcStr) -> Patterns {
        Patterns {
            text: ArcStr::clone(text),
            items: smallvec::SmallVec::new(),
        }
    }

    /// Appends the pattern at `span` of the list's text; it must start and end on character boundaries.
    pub(crate) fn push_span(&mut self, span: Span) {
        self.items.push(span);
    }

    /// Appends a pattern (copying the list's text: lists are built whole by the readers; this is for building one
    /// by hand).
    ///
    /// # Panics
    ///
    /// If the list would hold 4 GiB of text or more.
    pub fn push(&mut self, pattern: &str) {
        let x = &self.text;
        let mut text = String::with_capacity(x.len() + pattern.len());
        text.push_str(x);
        text.push_str(pattern);
        let span = Span::of(&text, x.len(), text.len());
        self.text = ArcStr::from(text);
        self.items.push(span);
    }

    /// The number of patterns.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there is none (never the case for a parsed statement: IAM refuses an empty list).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The pattern at `index`.
    pub fn get(&self, index: usize) -> Option<&str> {
        let span = self.items.get(index)?;
        self.text.get(span.range())
    }

    /// The patterns, ready for matching.
    pub(crate) fn compiled(&self) -> impl Iterator<Item = Compiled<'_>> + '_ {
        let bytes = self.text.as_bytes();
        self.items.iter().map(move |span| Compiled {
            text: &bytes[span.range()],
            wildcard: span.wildcard(),
            suffix: span.suffix as usize,
        })
    }

    /// The patterns, in order.
    pub fn iter(&self) -> PatternsIter<'_> {
        PatternsIter {
            patterns: self,
            front: 0,
            back: self.items.len(),
        }
    }
}

impl Default for Patterns {
    fn default() -> Patterns {
        Patterns::new()
    }
}

/// Two lists are equal when they hold the same patterns in the same order, whatever text they share.
impl PartialEq for Patterns {
    fn eq(&self, other: &Patterns) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Patterns {}

impl std::hash::Hash for Patterns {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for pattern in self {
            pattern.hash(state);
        }
    }
}

/// The iterator of [`Patterns::iter`].
#[derive(Debug, Clone)]
pub struct PatternsIter<'a> {
    patterns: &'a Patterns,
    front: usize,
    back: usize,
}

impl<'a> Iterator for PatternsIter<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        if self.front == self.back {
            return None;
        }
        self.front += 1;
        self.patterns.get(self.front - 1)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.back - self.front, Some(self.back - self.front))
    }
}

impl DoubleEndedIterator for PatternsIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        self.patterns.get(self.back)
    }
}

impl ExactSizeIterator for PatternsIter<'_> {}

impl fmt::Debug for Patterns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Patterns {
    type Item = &'a str;
    type IntoIter = PatternsIter<'a>;
    fn into_iter(self) -> PatternsIter<'a> {
        self.iter()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Patterns {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Patterns {
        let items: smallvec::SmallVec<[S; 4]> = iter.into_iter().collect();
        Patterns::of(&items)
    }
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `Principal`.
    Principal(PrincipalValue),
    /// `NotPrincipal`.
    NotPrincipal(PrincipalValue),
}

/// The value of `Principal` / `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalValue {
    /// `"*"`: anyone.
    Any,
    /// `{"AWS": [...], "Service": [...], ...}`: principal type and identifiers, in document order.
    Typed(Vec<(String, Vec<String>)>),
}

/// One condition: an operator, a condition key and the policy's values for it.
///
/// A `Condition` block `{"StringEquals": {"aws:SourceVpc": "vpc-1", "aws:PrincipalTag/team": ["a", "b"]}}` is two
/// of these. Numbers and booleans written as JSON numbers or booleans are kept as their JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator, e.g. `ForAnyValue:StringLikeIfExists`.
    pub operator: Operator,
    /// The condition key as written (IAM matches keys in any letter case).
    pub key: Substr,
    /// The values (one or more).
    pub values: Vec<Substr>,
}

/// Why a policy document could not be read: where, and what is wrong.
///
/// Displays as `file:line:column: JSON path: message`, e.g.
/// `policy.json:14:27: Statement[2].Effect: expected "Allow" or "Deny", found "allow"`. The position is where the
/// JSON reader noticed the problem: the end of the offending value, or the end of the object for a missing or
/// conflicting element.
///
/// ```
/// let err = marketplace_iam_policy::Policy::parse("p.json", r#"{"Statement": []}"#).unwrap_err();
/// assert_eq!(err.to_string(), "p.json:1:16: Statement: IAM rejects an empty array here");
/// assert_eq!((err.line, err.column), (1, 16));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// The file name, as given to [`Policy::parse`].
    pub file: String,
    /// 1-based line (0 when the position is unknown).
    pub line: usize,
    /// 1-based column, in characters (0 when the position is unknown).
    pub column: usize,
    /// The JSON path of the offending element, e.g. `Statement[2].Effect`; empty for the document itself.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for PolicyError {}

impl Policy {
    /// Parses a policy document; `file` names it in errors.
    ///
    /// ```
    /// let err = marketplace_iam_policy::Policy::parse(
    ///     "role.json",
    ///     "{\"Statement\": [{\"Effect\": \"allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
    /// )
    /// .unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     r#"role.json:1:33: Statement[0].Effect: expected "Allow" or "Deny", found "allow""#
    /// );
    /// ```
    pub fn parse(file: &str, text: &str) -> Result<Policy, PolicyError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if u32::try_from(text.len()).is_err() {
            // Pattern lists keep 32-bit offsets into the document (see `Patterns`).
            return Err(PolicyError {
                file: file.to_owned(),
                line: 1,
                column: 1,
                path: String::new(),
                message: format!(
                    "the document is {} bytes long, not a policy document (IAM accepts at most 6,144 characters in \
                     a managed policy, and this reader at most 4 GiB): check that it is the right file",
                    text.len()
                ),
            });
        }
        // Most documents are ordinary and valid: read from simd-json's tape, they cost about half of what the serde
        // reader costs. Anything else is left to the strict reader below, which reads (and reports) it as before.
        if let Some(policy) = crate::fast::parse(text) {
            return Ok(policy);
        }
        Policy::parse_strict(file, text)
    }

    /// The strict serde reader alone: what [`Policy::parse`] does without its fast path.
    fn parse_strict(file: &str, text: &str) -> Result<Policy, PolicyError> {
        // Most documents are valid, and tracking the JSON path costs as much as the parse. Only a document that
        // fails is read again, with the path, to locate the error.
        let mut de = serde_json::Deserializer::from_str(text);
        if let Ok(ObjectOnly(raw)) = ObjectOnly::<RawPolicy>::deserialize(&mut de)
            && de.end().is_ok()
        {
            return Ok(Policy {
                version: raw.version,
                id: raw.id.map(Substr::from),
                statements: raw.statement.0,
            });
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let result: Result<ObjectOnly<RawPolicy>, _> = serde_path_to_error::deserialize(&mut de);
        let raw = match result.map(|o| o.0) {
            Ok(raw) => raw,
            Err(err) => {
                let path = render_path(err.path());
                let mut err = from_json_error(file, path, err.inner());
                crate::hints::improve(text, &mut err);
                return Err(err);
            }
        };
        de.end().map_err(|e| {
            let mut err = from_json_error(file, String::new(), &e);
            crate::hints::improve(text, &mut err);
            err
        })?;
        Ok(Policy {
            version: raw.version,
            id: raw.id.map(Substr::from),
            statements: raw.statement.0,
        })
    }

    /// Parses a policy document from bytes, refusing text that is not UTF-8 (with its position).
    ///
    /// ```
    /// let err = marketplace_iam_policy::Policy::parse_bytes("p.json", b"{\n  \"Id\": \"\xff\"}").unwrap_err();
    /// assert_eq!(err.to_string(), "p.json:2:10: the file is not UTF-8 text: save it as UTF-8");
    /// ```
    pub fn parse_bytes(file: &str, bytes: &[u8]) -> Result<Policy, PolicyError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Policy::parse(file, text),
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                // The prefix is valid UTF-8 by construction.
                let prefix = std::str::from_utf8(valid).unwrap_or_default();
                let line = prefix.matches('\n').count() + 1;
                let column = prefix.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                Err(PolicyError {
                    file: file.to_owned(),
                    line,
                    column,
                    path: String::new(),
                    message: if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
                        "the file is UTF-16 text, not UTF-8: convert it (e.g. `iconv -f UTF-16 -t UTF-8`)"
                    } else {
                        "the file is not UTF-8 text: save it as UTF-8"
                    }
                    .to_owned(),
                })
            }
        }
    }
}

/// The two readers of [`Policy::parse`], each alone, for the tests and the fuzz target that compare them. Not part
/// of the API.
#[doc(hidden)]
pub mod __readers {
    use super::{Policy, PolicyError};

    /// The fast path: `None` when it gives up. `text` is without a byte order mark.
    pub fn fast(text: &str) -> Option<Policy> {
        crate::fast::parse(text)
    }

    /// The strict serde reader. `text` is without a byte order mark.
    pub fn strict(file: &str, text: &str) -> Result<Policy, PolicyError> {
        Policy::parse_strict(file, text)
    }

    /// Both readers on `text` (a byte order mark is skipped, as [`Policy::parse`] does): `Ok(true)` when the fast
    /// path read it, the same policy as the strict reader (equal, and with equal `Debug`, which shows every field
    /// in full); `Ok(false)` when it gave up; `Err` saying how they differ otherwise: the fast path read a different
    /// policy, or accepted a document the strict reader refuses.
    pub fn compare(text: &str) -> Result<bool, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let Some(policy) = fast(text) else {
            return Ok(false);
        };
        match strict("t.json", text) {
            Ok(expected)
                if policy == expected && format!("{policy:?}") == format!("{expected:?}") =>
            {
                Ok(true)
            }
            Ok(expected) => Err(format!(
                "the fast path read a different policy: {policy:?}, where the strict reader read {expected:?}"
            )),
            Err(e) => Err(format!(
                "the fast path accepted a document the strict reader refuses ({e})"
            )),
        }
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

// ---------------------------------------------------------------------------------------------------------------
// The raw shapes, read with serde. Every check that needs the JSON position happens while reading.

const EMPTY_ARRAY: &str = "IAM rejects an empty array here";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(rename = "Version", default, deserialize_with = "present")]
    version: Option<Version>,
    #[serde(rename = "Id", default, deserialize_with = "present")]
    id: Option<String>,
    #[serde(rename = "Statement")]
    statement: OneOrMany<Statement>,
}

/// A struct read only from a JSON object (serde would also read a struct from an array of its fields).
struct ObjectOnly<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = ObjectOnly<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(ObjectOnly)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// An optional element that, when present, must not be `null` (IAM refuses `null` everywhere).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// The two values `Version` may have, exactly as IAM spells them (both readers accept these and no others).
pub(crate) const VERSIONS: [(&str, Version); 2] = [
    ("2012-10-17", Version::V2012_10_17),
    ("2008-10-17", Version::V2008_10_17),
];

/// The two values `Effect` may have, exactly as IAM spells them.
pub(crate) const EFFECTS: [(&str, Effect); 2] = [("Allow", Effect::Allow), ("Deny", Effect::Deny)];

/// The value of `choices` spelt exactly `s`, if any.
pub(crate) fn choose<T: Copy>(choices: [(&str, T); 2], s: &str) -> Option<T> {
    choices
        .iter()
        .find(|(name, _)| *name == s)
        .map(|&(_, value)| value)
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

/// One of two exact strings, compared where it lies in the document (or in serde_json's scratch buffer), without
/// a copy; anything else is `expected "A" or "B", found "..."`.
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
            choose(self.choices, s).ok_or_else(|| {
                let [(a, _), (b, _)] = self.choices;
                E::custom(format!("expected \"{a}\" or \"{b}\", found {s:?}"))
            })
        }
    }
    d.deserialize_str(V { expecting, choices })
}

/// `Statement`: one object or a non-empty array of them.
struct OneOrMany<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a statement object or an array of them")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|t| OneOrMany(vec![t]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(t) = seq.next_element()? {
                    out.push(t);
                }
                if out.is_empty() {
                    return Err(de::Error::custom(EMPTY_ARRAY));
                }
                Ok(OneOrMany(out))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatement {
    #[serde(rename = "Sid", default, deserialize_with = "present")]
    sid: Option<String>,
    #[serde(rename = "Effect")]
    effect: Effect,
    #[serde(rename = "Principal", default, deserialize_with = "present")]
    principal: Option<PrincipalValue>,
    #[serde(rename = "NotPrincipal", default, deserialize_with = "present")]
    not_principal: Option<PrincipalValue>,
    #[serde(rename = "Action", default, deserialize_with = "present")]
    action: Option<List<ActionName>>,
    #[serde(rename = "NotAction", default, deserialize_with = "present")]
    not_action: Option<List<ActionName>>,
    #[serde(rename = "Resource", default, deserialize_with = "present")]
    resource: Option<List<ResourceName>>,
    #[serde(rename = "NotResource", default, deserialize_with = "present")]
    not_resource: Option<List<ResourceName>>,
    #[serde(rename = "Condition", default, deserialize_with = "present")]
    condition: Option<ConditionBlock>,
}

impl<'de> Deserialize<'de> for Statement {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = ObjectOnly::<RawStatement>::deserialize(d)?.0;
        let actions = match (raw.action, raw.not_action) {
            (Some(a), None) => Actions::Action(a.0),
            (None, Some(a)) => Actions::NotAction(a.0),
            (Some(_), Some(_)) => {
                return Err(de::Error::custom(
                    "a statement has either `Action` or `NotAction`, not both",
                ));
            }
            (None, None) => {
                return Err(de::Error::custom(
                    "a statement needs `Action` or `NotAction`",
                ));
            }
        };
        let resources = match (raw.resource, raw.not_resource) {
            (Some(r), None) => Some(Resources::Resource(r.0)),
            (None, Some(r)) => Some(Resources::NotResource(r.0)),
            (Some(_), Some(_)) => {
                return Err(de::Error::custom(
                    "a statement has either `Resource` or `NotResource`, not both",
                ));
            }
            (None, None) => None,
        };
        let principal = match (raw.principal, raw.not_principal) {
            (Some(p), None) => Some(Principal::Principal(p)),
            (None, Some(p)) => Some(Principal::NotPrincipal(p)),
            (Some(_), Some(_)) => {
                return Err(de::Error::custom(
                    "a statement has either `Principal` or `NotPrincipal`, not both",
                ));
            }
            (None, None) => None,
        };
        Ok(Statement {
            sid: raw.sid.map(Substr::from),
            effect: raw.effect,
            principal,
            actions,
            resources,
            conditions: raw.condition.map(|c| c.0).unwrap_or_default(),
        })
    }
}

/// A string list element: checked as it is read, so its error carries its position and path.
pub(crate) trait Item {
    const WHAT: &'static str;
    fn check(s: &str) -> Result<(), String>;
    /// Whether [`Item::check`] accepts `s`, given its [`Scan`] (for the fast path).
    fn accepts(s: &str, _scan: &Scan) -> bool {
        Self::check(s).is_ok()
    }
}

/// What the readers need to know of a name or pattern: its colons, its wildcards, and whether it is all printable
/// ASCII. Found 32 bytes at a time with vector comparisons (SSE2 on x86-64), with no loop or branch per byte: a
/// byte-by-byte scan of these short strings, or a `memchr` call per question, cost the fast path a tenth of its
/// time. Both readers check action names and place wildcards with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scan {
    /// The offset of the first `:`, if any.
    first_colon: Option<u32>,
    /// Whether there is a `:` after the first.
    more_colons: bool,
    printable: bool,
    /// The offset of the first `*` or `?`, if any.
    first_wildcard: Option<u32>,
    /// The offset just after the last `*` or `?` (0 if none).
    end_wildcard: u32,
}

impl Scan {
    const WINDOW: usize = 32;

    /// The scan of the `len` bytes of `text` from `start` (`None` if they are not all in `text`).
    pub(crate) fn of(text: &[u8], start: usize, len: usize) -> Option<Scan> {
        text.get(start..start + len)?;
        let mut scan = Scan {
            first_colon: None,
            more_colons: false,
            printable: true,
            first_wildcard: None,
            end_wildcard: 0,
        };
        let mut at = 0;
        while at < len {
            let window: [u8; Scan::WINDOW] = match text.get(start + at..start + at + Scan::WINDOW) {
                Some(window) => window.try_into().ok()?,
                // Near the end of the text: the rest, padded (the padding is outside the string).
                None => {
                    let rest = text.get(start + at..)?;
                    let mut window = [0; Scan::WINDOW];
                    window.get_mut(..rest.len())?.copy_from_slice(rest);
                    window
                }
            };
            let bytes = u8x32::new(window);
            let colons = bytes.simd_eq(u8x32::splat(b':')).to_bitmask();
            let wildcards = (bytes.simd_eq(u8x32::splat(b'*')) | bytes.simd_eq(u8x32::splat(b'?')))
                .to_bitmask();
            let printable = (bytes.simd_gt(u8x32::splat(b' ')) & bytes.simd_lt(u8x32::splat(0x7f)))
                .to_bitmask();
            let inside = match len - at {
                n if n >= Scan::WINDOW => u32::MAX,
                n => (1 << n) - 1,
            };
            let (colons, wildcards) = (colons & inside, wildcards & inside);
            // Offsets fit: a string is at most a document, and `Policy::parse` refuses documents of 4 GiB or more.
            let offset = |bit: u32| at as u32 + bit;
            if colons != 0 {
                scan.more_colons |= scan.first_colon.is_some() || colons & (colons - 1) != 0;
                scan.first_colon
                    .get_or_insert(offset(colons.trailing_zeros()));
            }
            scan.printable &= printable & inside == inside;
            if wildcards != 0 {
                scan.first_wildcard
                    .get_or_insert(offset(wildcards.trailing_zeros()));
                scan.end_wildcard = offset(32 - wildcards.leading_zeros());
            }
            at += Scan::WINDOW;
        }
        Some(scan)
    }
}

pub(crate) struct ActionName;

impl Item for ActionName {
    const WHAT: &'static str = "an action name";
    fn accepts(s: &str, scan: &Scan) -> bool {
        s == "*" || is_scanned_action_name(s, scan)
    }
    fn check(s: &str) -> Result<(), String> {
        if s == "*" || is_action_name(s) {
            Ok(())
        } else {
            Err(format!(
                "{s:?} is not an action name: IAM expects `service:Action` (e.g. \"aws-marketplace:MeterUsage\") or \"*\""
            ))
        }
    }
}

/// `service:Name`: exactly one `:`, with text on both sides, and no whitespace.
fn is_action_name(s: &str) -> bool {
    Scan::of(s.as_bytes(), 0, s.len()).is_some_and(|scan| is_scanned_action_name(s, &scan))
}

/// [`is_action_name`], given the string's [`Scan`]: for printable ASCII (nearly every name), only the colons are left
/// to check.
fn is_scanned_action_name(s: &str, scan: &Scan) -> bool {
    if !scan.printable {
        return is_action_name_by_chars(s);
    }
    !scan.more_colons
        && scan
            .first_colon
            .is_some_and(|i| i > 0 && i as usize + 1 < s.len())
}

/// [`is_action_name`] for any text, one `char` at a time; the reference the byte-wise path must agree with.
fn is_action_name_by_chars(s: &str) -> bool {
    match s.split_once(':') {
        Some((service, name)) => {
            !service.is_empty()
                && !name.is_empty()
                && !name.contains(':')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

pub(crate) struct ResourceName;

impl Item for ResourceName {
    const WHAT: &'static str = "a resource ARN or \"*\"";
    fn check(s: &str) -> Result<(), String> {
        if s == "*" || s.starts_with("arn:") {
            Ok(())
        } else {
            Err(format!(
                "{s:?} is not an ARN: IAM expects \"arn:...\" or \"*\""
            ))
        }
    }
}

struct PrincipalId;

impl Item for PrincipalId {
    const WHAT: &'static str = "a principal identifier";
    fn check(s: &str) -> Result<(), String> {
        if s.is_empty() {
            Err("an empty principal identifier".to_owned())
        } else {
            Ok(())
        }
    }
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
                if items.is_empty() {
                    return Err(de::Error::custom(EMPTY_ARRAY));
                }
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
                if s == "*" {
                    Ok(PrincipalValue::Any)
                } else {
                    Err(E::custom(format!(
                        "expected \"*\" or an object such as {{\"AWS\": ...}}, found {s:?}"
                    )))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PrincipalValue, A::Error> {
                let mut out: Vec<(String, Vec<String>)> = Vec::new();
                while let Some(kind) = map.next_key::<String>()? {
                    let problem = if !["AWS", "Service", "Federated", "CanonicalUser"]
                        .contains(&kind.as_str())
                    {
                        Some(format!(
                            "unknown principal type `{kind}`, expected one of `AWS`, `Service`, `Federated`, `CanonicalUser`"
                        ))
                    } else if out.iter().any(|(k, _)| *k == kind) {
                        Some(format!("duplicate key `{kind}`"))
                    } else {
                        None
                    };
                    let ids = map.next_value_seed(Checked::<List<PrincipalId>>::new(problem))?;
                    out.push((kind, ids.0.iter().map(str::to_owned).collect()));
                }
                if out.is_empty() {
                    return Err(de::Error::custom("an empty principal object"));
                }
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
                    let parsed = if seen.contains(&name) {
                        Err(format!("duplicate condition operator `{name}`"))
                    } else {
                        name.parse::<Operator>()
                    };
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
                    let problem = if out.iter().any(|(k, _)| k.eq_ignore_ascii_case(&key)) {
                        Some(format!(
                            "duplicate condition key `{key}` (IAM matches condition keys in any letter case)"
                        ))
                    } else {
                        check_condition_key(&key).err()
                    };
                    let values = map.next_value_seed(ValuesSeed {
                        operator: self.0,
                        problem,
                    })?;
                    out.push((key, values));
                }
                if out.is_empty() {
                    return Err(de::Error::custom(format!(
                        "`{}` has no condition key",
                        self.0
                    )));
                }
                Ok(out)
            }
        }
        d.deserialize_map(V(operator))
            .map(|entries| (operator, entries))
    }
}

pub(crate) fn check_condition_key(key: &str) -> Result<(), String> {
    match key.split_once(':') {
        Some((prefix, rest)) if !prefix.is_empty() && !rest.is_empty() => Ok(()),
        _ => Err(format!(
            "condition key `{key}` has no service prefix: IAM expects `service:key` (e.g. `aws:SourceIp`)"
        )),
    }
}

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
                if out.is_empty() {
                    return Err(de::Error::custom(EMPTY_ARRAY));
                }
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

/// One condition value, checked against what its operator compares.
struct ValueV(Operator);

impl ValueV {
    fn checked<E: de::Error>(&self, text: String) -> Result<String, E> {
        crate::condition::check_policy_value(self.0.base, &text).map_err(E::custom)?;
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
        if self.0.base == BaseOperator::Null {
            return Err(E::custom("`Null` expects true or false"));
        }
        self.checked(n.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What [`Scan::of`] finds, one byte at a time.
    fn scan_by_bytes(s: &[u8]) -> Scan {
        let colons: Vec<usize> = (0..s.len()).filter(|&i| s[i] == b':').collect();
        let wildcards: Vec<usize> = (0..s.len())
            .filter(|&i| matches!(s[i], b'*' | b'?'))
            .collect();
        let offset = |i: usize| u32::try_from(i).unwrap();
        Scan {
            first_colon: colons.first().copied().map(offset),
            more_colons: colons.len() > 1,
            printable: s.iter().all(u8::is_ascii_graphic),
            first_wildcard: wildcards.first().copied().map(offset),
            end_wildcard: wildcards.last().map_or(0, |&i| offset(i + 1)),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// The vector scan finds what a byte-by-byte one finds, whatever surrounds the string, wherever it falls in
        /// its windows and however near the end of the text; the name check on a scan agrees with the char-by-char
        /// reference, and wildcard positions with those of a pattern list built from text.
        #[test]
        fn scan_agrees_with_bytes(
            before in "[a-z:*? ]{0,9}",
            name in "[a-zA-Z:*?~! \t\u{1}\u{7f}é-]{0,70}",
            after in "[a-z:*? ]{0,80}",
        ) {
            let text = format!("{before}{name}{after}");
            let (start, len) = (before.len(), name.len());
            let scan = Scan::of(text.as_bytes(), start, len).expect("the string is in the text");
            prop_assert_eq!(scan, scan_by_bytes(name.as_bytes()));
            prop_assert_eq!(ActionName::accepts(&name, &scan), ActionName::check(&name).is_ok());
            prop_assert_eq!(
                ActionName::accepts(&name, &scan),
                name == "*" || is_action_name_by_chars(&name)
            );
            let scanned = Span::scanned(start as u32, (start + len) as u32, &scan);
            let span = Span::of(&text, start, start + len);
            prop_assert_eq!(
                (scanned.wildcard(), scanned.suffix),
                (span.wildcard(), span.suffix)
            );
        }
    }

    #[test]
    fn action_names_are_checked_as_before() {
        let reference = is_action_name_by_chars;
        let names = [
            "aws-marketplace:MeterUsage",
            "s3:*",
            ":x",
            "x:",
            ":",
            "a:b:c",
            "aws-marketplace:Meter Usage",
            "aws-marketplace:MeterUsage\t",
            "aws-marketplace:Meter\u{1}Usage",
            "aws-marketplace:Meter\u{a0}Usage",
            "aws-marketplace:Mètre",
            "aws-marketplace:MeterUsage\u{7f}",
            "abcdefgh:ijklmnop qrstuvwx",
            "abcdefghijklmnop:",
            "",
        ];
        for name in names {
            assert_eq!(is_action_name(name), reference(name), "{name:?}");
        }
        for byte in 0..=0x7fu8 {
            let name = format!("aws-marketplace:Meter{}Usage", byte as char);
            assert_eq!(is_action_name(&name), reference(&name), "{name:?}");
        }
    }
}
