//! The patterns of `Action`, `NotAction`, `Resource` and `NotResource`: a list stored as ranges of a shared text,
//! with where each pattern's wildcards are, ready for matching (`crate::matching`).

use std::fmt;

use arcstr::ArcStr;

use crate::bytes::Scan;

/// The patterns of an `Action`, `NotAction`, `Resource` or `NotResource` element, in document order.
///
/// Stored ready for matching, without a copy per pattern: the patterns are ranges of a shared text, and a small
/// inline list says where each pattern is and where its first and last wildcards are. For a document read by
/// [`Policy::parse`](crate::Policy::parse), the text is the document itself, and every list of the policy shares it
/// (a list with an escaped string excepted): reading a policy allocates that text once, not once per pattern or
/// list. Matching does not look for wildcards again.
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
/// [`Policy::parse`](crate::Policy::parse) refuses documents of 4 GiB and more).
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
