//! The tape reader, the fast path of [`Policy::parse`](crate::Policy::parse): an ordinary, valid policy document is
//! tokenized by `simd-json` (into a flat tape of nodes) and read from that tape straight into a [`Policy`], without
//! serde's visitors, applying the same rules (`crate::rules`) as the strict reader.
//!
//! It reads only the common shape and hands the document over (returns `None`) on anything else: invalid JSON, an
//! escape anywhere in the document, a number, `null`, a type the grammar does not expect, a document over
//! [`MAX_BYTES`], and any refusal of a rule. The strict reader then reads the document as if this did not exist, so
//! it alone says how an error reads. What this accepts, the strict reader accepts too, with an equal value:
//! `tests/fast_path.rs` runs both on every document of the test corpora and on random and mutated ones (in debug
//! and release builds), and the `policy_document` fuzz target asserts the same.

use std::cell::RefCell;

use arcstr::{ArcStr, Substr};
use simd_json::{Buffers, INPUT_PADDING, Node, StaticNode, Tape};

use crate::bytes::{Scan, offset_within, same_bytes};
use crate::document::{
    Actions, Condition, Policy, Principal, PrincipalValue, Resources, Statement,
};
use crate::operator::Operator;
use crate::patterns::{Patterns, Span};
use crate::rules::{
    self, ActionName, DocumentParts, EFFECTS, Field, Item, PrincipalId, ResourceName, Seen,
    StatementParts, VERSIONS,
};

/// What one thread reuses from document to document: the padded copy of the input, simd-json's buffers and the
/// tape's storage. Kept per thread so that parsing a document allocates only what the [`Policy`] owns.
struct Scratch {
    input: Vec<u8>,
    buffers: Buffers,
    tape: Tape<'static>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch {
        input: Vec::new(),
        buffers: Buffers::default(),
        tape: Tape(Vec::new()),
    });
}

/// The largest document the tape reader reads: 64 KiB, ten times IAM's largest policy. Its buffers stay allocated
/// for the thread's next document, so a larger text (which is not a policy IAM would accept anyway) goes to the
/// strict reader rather than keep megabytes alive.
pub(crate) const MAX_BYTES: usize = 64 * 1024;

/// Reads `text` (without its byte order mark) if it is an ordinary valid document; `None` otherwise.
pub(crate) fn parse(text: &str) -> Option<Policy> {
    if text.len() > MAX_BYTES {
        return None;
    }
    // With no escape in the document, simd-json leaves every string in place in its copy of the input, and the two
    // readers' strings are identical by construction (simd-json and serde_json differ on escaped lone surrogates,
    // for one).
    if memchr::memchr(b'\\', text.as_bytes()).is_some() {
        return None;
    }
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.try_borrow_mut().ok()?;
        let Scratch {
            input,
            buffers,
            tape,
        } = &mut *scratch;
        input.clear();
        input.extend_from_slice(text.as_bytes());
        input.resize(text.len() + INPUT_PADDING, b' ');
        // The strings the policy keeps are parts of the document, found by their place in simd-json's copy of it.
        let base = input.as_ptr();
        let mut filled = std::mem::replace(tape, Tape(Vec::new())).reset();
        let policy = match simd_json::fill_tape_padded(input, text.len(), buffers, &mut filled) {
            Ok(()) => Reader {
                nodes: &filled.0,
                at: 0,
                base,
                text: ArcStr::from(text),
            }
            .document(),
            Err(_) => None,
        };
        *tape = filled.reset();
        policy
    })
}

/// A cursor over the tape: strings, `Object { len, .. }` followed by `len` keys each followed by its value,
/// `Array { len, .. }` followed by `len` values, and static values.
struct Reader<'t, 'i> {
    nodes: &'t [Node<'i>],
    at: usize,
    /// Where the copy of the document simd-json read starts.
    base: *const u8,
    /// The document, which the policy's strings (pattern lists, `Sid`, `Id`, condition keys and values) are parts of.
    text: ArcStr,
}

impl<'i> Reader<'_, 'i> {
    fn next(&mut self) -> Option<Node<'i>> {
        let node = *self.nodes.get(self.at)?;
        self.at += 1;
        Some(node)
    }

    fn peek(&self) -> Option<Node<'i>> {
        self.nodes.get(self.at).copied()
    }

    fn string(&mut self) -> Option<&'i str> {
        match self.next()? {
            Node::String(s) => Some(s),
            _ => None,
        }
    }

    /// An object: its number of keys.
    fn object(&mut self) -> Option<usize> {
        match self.next()? {
            Node::Object { len, .. } => Some(len),
            _ => None,
        }
    }

    /// The whole tape is one document: nothing may follow it.
    fn document(mut self) -> Option<Policy> {
        let policy = self.policy()?;
        (self.at == self.nodes.len()).then_some(policy)
    }

    fn policy(&mut self) -> Option<Policy> {
        let mut seen = Seen::default();
        let mut parts = DocumentParts::default();
        for _ in 0..self.object()? {
            let field = Field::of_document(self.string()?)?;
            seen.first(field).ok()?;
            match field {
                Field::Version => {
                    parts.version = Some(rules::one_of(VERSIONS, self.string()?).ok()?)
                }
                Field::Id => parts.id = Some(self.shared_string()?),
                // `Field::of_document` names no other element.
                _ => parts.statements = Some(self.statements()?),
            }
        }
        parts.finish().ok()
    }

    /// `Statement`: one object, or a non-empty array of objects.
    fn statements(&mut self) -> Option<Vec<Statement>> {
        let mut out = Vec::new();
        match self.peek()? {
            Node::Array { len, .. } => {
                rules::non_empty(len).ok()?;
                self.at += 1;
                out.reserve_exact(len);
                for _ in 0..len {
                    self.statement(&mut out)?;
                }
            }
            _ => {
                out.reserve_exact(1);
                self.statement(&mut out)?;
            }
        }
        Some(out)
    }

    /// One `T`, or a non-empty array of them.
    fn one_or_more<T>(&mut self, mut read: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        match self.peek()? {
            Node::Array { len, .. } => {
                rules::non_empty(len).ok()?;
                self.at += 1;
                let mut out = Vec::with_capacity(len);
                for _ in 0..len {
                    out.push(read(self)?);
                }
                Some(out)
            }
            _ => Some(vec![read(self)?]),
        }
    }

    /// One statement, appended to `out` (where it is moved once: a statement is a few hundred bytes).
    fn statement(&mut self, out: &mut Vec<Statement>) -> Option<()> {
        let mut seen = Seen::default();
        let mut parts = StatementParts::default();
        for _ in 0..self.object()? {
            let field = Field::of_statement(self.string()?)?;
            seen.first(field).ok()?;
            match field {
                Field::Sid => parts.sid = Some(self.shared_string()?),
                Field::Effect => parts.effect = Some(rules::one_of(EFFECTS, self.string()?).ok()?),
                Field::Principal => parts.set_principal(Principal::Principal(self.principal()?)),
                Field::NotPrincipal => {
                    parts.set_principal(Principal::NotPrincipal(self.principal()?));
                }
                Field::Action => parts.set_actions(Actions::Action(self.list::<ActionName>()?)),
                Field::NotAction => {
                    parts.set_actions(Actions::NotAction(self.list::<ActionName>()?));
                }
                Field::Resource => {
                    parts.set_resources(Resources::Resource(self.list::<ResourceName>()?));
                }
                Field::NotResource => {
                    parts.set_resources(Resources::NotResource(self.list::<ResourceName>()?));
                }
                // `Field::of_statement` names no other element.
                _ => parts.conditions = Some(self.conditions()?),
            }
        }
        parts.check().ok()?;
        out.push(parts.into_statement());
        Some(())
    }

    /// `Principal` / `NotPrincipal`: `"*"`, or an object of principal types, each with one identifier or a
    /// non-empty array of them.
    fn principal(&mut self) -> Option<PrincipalValue> {
        let types = match self.next()? {
            Node::String(s) => return rules::principal_string(s).ok(),
            Node::Object { len, .. } => len,
            _ => return None,
        };
        let mut out: Vec<(String, Vec<String>)> = Vec::with_capacity(types);
        for _ in 0..types {
            let kind = self.string()?;
            rules::principal_type(out.iter().map(|(k, _)| k.as_str()), kind).ok()?;
            let ids = self.one_or_more(|r| {
                let id = r.string()?;
                PrincipalId::check(id).ok()?;
                Some(id.to_owned())
            })?;
            out.push((kind.to_owned(), ids));
        }
        rules::principal_types(out.len()).ok()?;
        Some(PrincipalValue::Typed(out))
    }

    /// A string or a non-empty array of strings, each checked as a `T`, as parts of the document. (Not
    /// [`Reader::one_or_more`]: only the [`Patterns`] is kept, which records where each string is.)
    fn list<T: Item>(&mut self) -> Option<Patterns> {
        let len = match self.next()? {
            // `"Resource": "*"`, the most common list (and `"Action": "*"`), needs no share of the document: both
            // kinds of list accept `*`.
            Node::String("*") => return Some(Patterns::star()),
            Node::String(s) => {
                let mut patterns = Patterns::sharing(&self.text);
                patterns.push_span(self.span::<T>(s)?);
                return Some(patterns);
            }
            Node::Array { len, .. } => {
                rules::non_empty(len).ok()?;
                len
            }
            _ => return None,
        };
        let mut patterns = Patterns::sharing(&self.text);
        for _ in 0..len {
            let s = self.string()?;
            patterns.push_span(self.span::<T>(s)?);
        }
        Some(patterns)
    }

    /// Where a string of the tape is in the document: its place in simd-json's copy of the input, which holds the
    /// document's bytes there (the copy is the document, and strings without escapes stay in place). Checked to lie
    /// within the document, so that slicing the text with it cannot panic; that it holds the same bytes, the
    /// comparison of the two readers shows (`tests/fast_path.rs`, in debug and release builds).
    fn range(&self, s: &str) -> Option<std::ops::Range<usize>> {
        let start = offset_within(self.base, self.text.len(), s.as_bytes())?;
        let range = start..start + s.len();
        debug_assert!(same_bytes(
            &self.text.as_bytes()[range.clone()],
            s.as_bytes()
        ));
        Some(range)
    }

    /// A string of the tape as the part of the document it is.
    fn substr(&self, s: &str) -> Option<Substr> {
        Some(self.text.substr(self.range(s)?))
    }

    /// The next node, a string, as part of the document.
    fn shared_string(&mut self) -> Option<Substr> {
        let s = self.string()?;
        self.substr(s)
    }

    /// Where a string of the tape is in the document, once checked as a `T`, with its wildcards.
    fn span<T: Item>(&self, s: &str) -> Option<Span> {
        let range = self.range(s)?;
        let scan = Scan::of(self.text.as_bytes(), range.start, s.len())?;
        // Offsets fit in 32 bits: the fast path reads at most `MAX_BYTES`.
        let (start, end) = (
            u32::try_from(range.start).ok()?,
            u32::try_from(range.end).ok()?,
        );
        T::accepts(s, &scan).then(|| Span::scanned(start, end, &scan))
    }

    /// `Condition`: operator → key → value(s), flattened in document order.
    fn conditions(&mut self) -> Option<Vec<Condition>> {
        let operators = self.object()?;
        let mut out = Vec::new();
        // The operators met so far, as written.
        let mut seen: smallvec::SmallVec<[&str; 4]> = smallvec::SmallVec::new();
        for _ in 0..operators {
            let name = self.string()?;
            let operator = rules::condition_operator(seen.iter().copied(), name).ok()?;
            seen.push(name);
            let keys = self.object()?;
            rules::condition_keys(operator, keys).ok()?;
            let first = out.len();
            for _ in 0..keys {
                let key = self.string()?;
                rules::condition_key(out[first..].iter().map(|c: &Condition| &*c.key), key).ok()?;
                let values = self.values(operator)?;
                out.push(Condition {
                    operator,
                    key: self.substr(key)?,
                    values,
                });
            }
        }
        Some(out)
    }

    /// A condition's values: a string or a boolean, or a non-empty array of them, each checked against what the
    /// operator compares. A number hands the document over to the strict reader.
    fn values(&mut self, operator: Operator) -> Option<Vec<Substr>> {
        self.one_or_more(|r| r.value(operator))
    }

    /// One condition value.
    fn value(&mut self, operator: Operator) -> Option<Substr> {
        let (text, value) = match self.next()? {
            Node::String(s) => (s, self.substr(s)?),
            Node::Static(StaticNode::Bool(true)) => {
                ("true", Substr::from(arcstr::literal!("true")))
            }
            Node::Static(StaticNode::Bool(false)) => {
                ("false", Substr::from(arcstr::literal!("false")))
            }
            _ => return None,
        };
        rules::condition_value(operator.base, text).ok()?;
        Some(value)
    }
}
