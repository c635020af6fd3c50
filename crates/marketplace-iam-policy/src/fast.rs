//! The fast path of [`Policy::parse`]: an ordinary, valid policy document is tokenized by `simd-json` (SIMD, into
//! a flat tape of nodes) and read from that tape straight into a [`Policy`], without serde's visitors.
//!
//! It handles only the common shape and gives up (returns `None`) on anything else: invalid JSON, any grammar
//! error, an unknown or duplicate key, an escape anywhere in the document, a number, `null`, a `Principal`, a type
//! the grammar does not expect. The strict serde reader (`grammar.rs`) then reads the document as if this did not
//! exist, so it stays the single authority for what is refused and for every error's message, position and path.
//! What this accepts, the strict reader accepts too, with an equal value: `tests/fast_path.rs` runs both on every
//! document of the test corpora and on random and mutated ones, and the `policy_document` fuzz target asserts the
//! same.

use std::cell::RefCell;

use arcstr::{ArcStr, Substr};
use simd_json::{Buffers, INPUT_PADDING, Node, StaticNode, Tape};

use crate::condition::{Operator, check_policy_value};
use crate::grammar::{
    ActionName, Actions, Condition, EFFECTS, Item, Patterns, Policy, ResourceName, Resources, Scan,
    Span, Statement, VERSIONS, check_condition_key, choose,
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

/// The largest document the fast path reads: 64 KiB, ten times IAM's largest policy. Its buffers stay allocated
/// for the thread's next document, so a larger text (which is not a policy IAM would accept anyway) goes to the
/// strict reader rather than keep megabytes alive.
const MAX_BYTES: usize = 64 * 1024;

/// Reads `text` (without its byte order mark) if it is an ordinary valid document; `None` otherwise.
pub(crate) fn parse(text: &str) -> Option<Policy> {
    if text.len() > MAX_BYTES {
        return None;
    }
    // Escapes are rare in policies; leaving them to the strict reader keeps the two readers' strings identical by
    // construction (simd-json and serde_json differ on escaped lone surrogates, for one).
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
        // Strings without escapes stay where they are in simd-json's copy of the input: the strings the policy keeps
        // are parts of the document, found by their address in that copy.
        let base = input.as_ptr().addr();
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
    /// The address of the copy of the document simd-json read.
    base: usize,
    /// The document, which the policy's strings (pattern lists, `Sid`, `Id`, condition keys and values) are parts of.
    text: ArcStr,
}

/// The keys of a document and of a statement.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Version,
    Id,
    Statement,
    Sid,
    Effect,
    Action,
    NotAction,
    Resource,
    NotResource,
    Condition,
}

impl Key {
    fn of(name: &str) -> Option<Key> {
        Some(match name {
            "Version" => Key::Version,
            "Id" => Key::Id,
            "Statement" => Key::Statement,
            "Sid" => Key::Sid,
            "Effect" => Key::Effect,
            "Action" => Key::Action,
            "NotAction" => Key::NotAction,
            "Resource" => Key::Resource,
            "NotResource" => Key::NotResource,
            "Condition" => Key::Condition,
            _ => return None,
        })
    }
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
        let mut version = None;
        let mut id = None;
        let mut statements = None;
        for _ in 0..self.object()? {
            match Key::of(self.string()?)? {
                Key::Version if version.is_none() => {
                    version = Some(choose(VERSIONS, self.string()?)?)
                }
                Key::Id if id.is_none() => id = Some(self.shared_string()?),
                Key::Statement if statements.is_none() => statements = Some(self.statements()?),
                _ => return None,
            }
        }
        Some(Policy {
            version,
            id,
            statements: statements?,
        })
    }

    /// `Statement`: one object, or a non-empty array of objects.
    fn statements(&mut self) -> Option<Vec<Statement>> {
        self.one_or_more(Self::statement)
    }

    /// One `T`, or a non-empty array of them.
    fn one_or_more<T>(&mut self, mut read: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        match self.peek()? {
            Node::Array { len, .. } => {
                if len == 0 {
                    return None;
                }
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

    fn statement(&mut self) -> Option<Statement> {
        let mut sid = None;
        let mut effect = None;
        let mut actions = None;
        let mut resources = None;
        let mut conditions = None;
        for _ in 0..self.object()? {
            match Key::of(self.string()?)? {
                Key::Sid if sid.is_none() => sid = Some(self.shared_string()?),
                Key::Effect if effect.is_none() => effect = Some(choose(EFFECTS, self.string()?)?),
                // A second `Action`, or `Action` with `NotAction`, is an error: the strict reader says which.
                Key::Action if actions.is_none() => {
                    actions = Some(Actions::Action(self.list::<ActionName>()?));
                }
                Key::NotAction if actions.is_none() => {
                    actions = Some(Actions::NotAction(self.list::<ActionName>()?));
                }
                Key::Resource if resources.is_none() => {
                    resources = Some(Resources::Resource(self.list::<ResourceName>()?));
                }
                Key::NotResource if resources.is_none() => {
                    resources = Some(Resources::NotResource(self.list::<ResourceName>()?));
                }
                Key::Condition if conditions.is_none() => conditions = Some(self.conditions()?),
                _ => return None,
            }
        }
        Some(Statement {
            sid,
            effect: effect?,
            principal: None,
            actions: actions?,
            resources,
            conditions: conditions.unwrap_or_default(),
        })
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
            Node::Array { len, .. } if len > 0 => len,
            _ => return None,
        };
        let mut patterns = Patterns::sharing(&self.text);
        for _ in 0..len {
            let s = self.string()?;
            patterns.push_span(self.span::<T>(s)?);
        }
        Some(patterns)
    }

    /// Where a string of the tape is in the document (strings without escapes stay in place in simd-json's copy
    /// of the input). Checked, so that slicing the text with it cannot panic.
    fn range(&self, s: &str) -> Option<std::ops::Range<usize>> {
        let start = s.as_ptr().addr().checked_sub(self.base)?;
        let range = start..start + s.len();
        debug_assert_eq!(self.text.get(range.clone()), Some(s));
        self.text.get(range.clone())?;
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
        // The operators seen so far, as written (the strict reader refuses the same name twice).
        let mut seen: smallvec::SmallVec<[&str; 4]> = smallvec::SmallVec::new();
        for _ in 0..operators {
            let name = self.string()?;
            if seen.contains(&name) {
                return None;
            }
            seen.push(name);
            let operator: Operator = name.parse().ok()?;
            let keys = self.object()?;
            // An operator without a key is an error (the strict reader says which).
            if keys == 0 {
                return None;
            }
            let first = out.len();
            for _ in 0..keys {
                let key = self.string()?;
                if out[first..]
                    .iter()
                    .any(|c: &Condition| c.key.eq_ignore_ascii_case(key))
                {
                    return None;
                }
                check_condition_key(key).ok()?;
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
    /// operator compares. Numbers are left to the strict reader.
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
        check_policy_value(operator.base, text).ok()?;
        Some(value)
    }
}
