//! Errors in a policies file, collected and rendered the way rustc renders its own.
//!
//! The renderer is a small one of the project's own rather than a rendering crate: every seller service compiles this
//! engine through the proc macro, and a diagnostic here has one span, one label, notes and one help line.

use std::fmt;
use std::fmt::Write as _;
use std::ops::Range;

/// One problem found in a policies file.
///
/// A diagnostic has a headline ([`message`](Self::message)), usually a byte range of the source it points at
/// ([`span`](Self::span)) with a short [`label`](Self::label), [`notes`](Self::notes) that explain, and a `help:`
/// line where the fix is obvious ([`help`](Self::help)). Its file, line and column are its [`Diagnostics`]'
/// ([`path`](Diagnostics::path), [`line_col`](Diagnostics::line_col)).
///
/// # Examples
///
/// ```
/// let err = marketplace_iam_model::parse("policies.toml", "schema_version = 4\n").unwrap_err();
/// let d = err.iter().next().unwrap();
/// assert_eq!(d.message(), "unsupported schema_version 4");
/// assert_eq!(d.span(), Some(17..18));
/// assert_eq!(d.label(), Some("unsupported"));
/// assert!(d.help().unwrap().starts_with("this version of marketplace-iam reads schema_version = 1"));
/// assert!(d.notes().is_empty());
/// assert_eq!((err.path(), err.line_col(d)), ("policies.toml", Some((1, 18))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    message: String,
    span: Option<Range<usize>>,
    label: Option<String>,
    notes: Vec<String>,
    help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic pointing at `span`, a byte range of the source.
    pub fn spanned(message: impl Into<String>, span: Range<usize>) -> Self {
        Diagnostic {
            message: message.into(),
            span: Some(span),
            label: None,
            notes: Vec::new(),
            help: None,
        }
    }

    /// A diagnostic about the file as a whole (it has no position).
    pub fn whole_file(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            span: None,
            label: None,
            notes: Vec::new(),
            help: None,
        }
    }

    /// Adds the short text shown under the caret.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a `note:` line that explains the problem (after any earlier one, before the `help:` line).
    ///
    /// # Examples
    ///
    /// ```
    /// use marketplace_iam_model::Diagnostic;
    ///
    /// let d = Diagnostic::whole_file("the file declares nothing").with_note("it is empty");
    /// assert_eq!(d.notes(), ["it is empty"]);
    /// ```
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Adds a `help:` line that says how to fix the problem.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The headline, without the `error: ` prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The byte range of the source the diagnostic points at, if it points anywhere.
    pub fn span(&self) -> Option<Range<usize>> {
        self.span.clone()
    }

    /// The short text shown under the caret, if any.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The `note:` lines, in order.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The `help:` text, if any.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }
}

/// Every problem found in one policies file, with the file's name and text so each can be shown in context.
///
/// `Display` renders them all, rustc-style:
///
/// ```text
/// error: action `aws-marketplace:BatchMeterUsag` is not in the AWS catalog of the aws-marketplace prefix
///  --> policies.toml:12:8
///    |
/// 12 | name = "aws-marketplace:BatchMeterUsag"
///    |        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ not an aws-marketplace action
///    |
///    = help: did you mean `aws-marketplace:BatchMeterUsage`?
/// ```
///
/// # Examples
///
/// ```
/// let err = marketplace_iam_model::parse("policies.toml", "schema_version = 7\n").unwrap_err();
/// assert!(!err.is_empty());
/// let first = err.iter().next().unwrap();
/// assert_eq!(err.line_col(first), Some((1, 18)));
/// assert!(err.to_string().contains("--> policies.toml:1:18"));
/// ```
#[derive(Debug, Clone)]
pub struct Diagnostics {
    path: String,
    source: String,
    /// The byte offset where each line of `source` starts, so locating and rendering one diagnostic costs the
    /// size of its lines, not of the file (a file with thousands of mistakes renders in linear time).
    line_starts: Vec<usize>,
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn new(path: impl Into<String>, source: impl Into<String>) -> Self {
        let source = source.into();
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Diagnostics {
            path: path.into(),
            source,
            line_starts,
            list: Vec::new(),
        }
    }

    /// The 0-based line that byte `offset` is on.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    /// `true` when no problem was found (a returned `Diagnostics` is never empty).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Puts the diagnostics in source order (whole-file ones first) and drops exact repeats.
    pub(crate) fn sort(&mut self) {
        self.list
            .sort_by_key(|d| d.span.as_ref().map(|s| (s.start, s.end)));
        self.list.dedup();
    }

    /// How many problems were found.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// The problems, in source order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Diagnostic> {
        self.list.iter()
    }

    /// The name of the file, as it appears after `-->`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The text of the file the spans point into (without a byte order mark; for bytes that were not UTF-8, with
    /// each bad sequence replaced by U+FFFD).
    ///
    /// # Examples
    ///
    /// ```
    /// let err = marketplace_iam_model::parse("p.toml", "schema_version = 4\n").unwrap_err();
    /// let d = err.iter().next().unwrap();
    /// assert_eq!(&err.source()[d.span().unwrap()], "4");
    /// ```
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The 1-based line and column (in characters) where `diagnostic` points, if it points anywhere.
    pub fn line_col(&self, diagnostic: &Diagnostic) -> Option<(usize, usize)> {
        Some(self.position(diagnostic.span.as_ref()?.start))
    }

    /// The 1-based line and column (in characters) of a byte offset of the source.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let start = clamp(offset..offset, &self.source).start;
        let line = self.line_of(start);
        let col = self.source[self.line_starts[line]..start].chars().count() + 1;
        (line + 1, col)
    }

    /// Renders one diagnostic, rustc-style, without colour:
    ///
    /// ```text
    /// error: <message>
    ///  --> <path>:<line>:<column>
    ///   |
    /// 3 | <the source line>
    ///   |     ^^^^ <label>
    ///   |
    ///   = note: <each note>
    ///   = help: <help>
    /// ```
    ///
    /// A span that runs over several lines is underlined to the end of its first line.
    pub fn render(&self, diagnostic: &Diagnostic) -> String {
        let d = diagnostic;
        let mut out = format!("error: {}\n", d.message);
        let Some(span) = &d.span else {
            let _ = write!(out, "--> {}", self.path);
            for note in &d.notes {
                let _ = write!(out, "\n = note: {note}");
            }
            if let Some(help) = &d.help {
                let _ = write!(out, "\n = help: {help}");
            }
            return out;
        };
        let span = clamp(span.clone(), &self.source);
        // The line index is built once per file, so each diagnostic costs only its own line.
        let (line_no, col) = self.position(span.start);
        let line_start = self.line_starts[line_no - 1];
        let line_end = self
            .line_starts
            .get(line_no)
            .map_or(self.source.len(), |next| next - 1);
        let text = self.source[line_start..line_end].trim_end_matches('\r');
        let width = line_no.to_string().len();
        let pad = " ".repeat(width);
        // Tabs are shown as one space each, so the caret lines up with what it points at; other control characters
        // as their visible Unicode pictures (NUL as U+2400), so the message never writes raw control bytes.
        let chars: Vec<char> = text
            .chars()
            .map(|c| match c {
                '\t' => ' ',
                '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
                '\u{7f}' => '\u{2421}',
                c => c,
            })
            .collect();
        let underline = self.source[span.start..span.end.min(line_end).max(span.start)]
            .trim_end_matches('\r')
            .chars()
            .count()
            .max(1);
        // A long line (minified TOML, say) is shown as a window around the caret.
        const WIDTH: usize = 100;
        let caret = col - 1;
        let (from, to) = if chars.len() <= WIDTH {
            (0, chars.len())
        } else {
            let from = caret.saturating_sub(WIDTH / 3);
            (from, (from + WIDTH).min(chars.len()))
        };
        let mut shown: String = chars[from..to].iter().collect();
        let mut offset = caret - from;
        if from > 0 {
            shown.insert_str(0, "...");
            offset += 3;
        }
        if to < chars.len() {
            shown.push_str("...");
        }
        let underline = underline.min(to.saturating_sub(caret).max(1));
        let _ = writeln!(out, "{pad}--> {}:{line_no}:{col}", self.path);
        let _ = writeln!(out, "{pad} |");
        if shown.is_empty() {
            let _ = writeln!(out, "{line_no} |");
        } else {
            let _ = writeln!(out, "{line_no} | {shown}");
        }
        let _ = write!(
            out,
            "{pad} | {}{}",
            " ".repeat(offset),
            "^".repeat(underline)
        );
        if let Some(label) = &d.label {
            let _ = write!(out, " {label}");
        }
        if !d.notes.is_empty() || d.help.is_some() {
            let _ = write!(out, "\n{pad} |");
        }
        for note in &d.notes {
            let _ = write!(out, "\n{pad} = note: {note}");
        }
        if let Some(help) = &d.help {
            let _ = write!(out, "\n{pad} = help: {help}");
        }
        out
    }
}

/// Keeps a span inside the source and on character boundaries, so rendering never panics.
fn clamp(span: Range<usize>, source: &str) -> Range<usize> {
    let fit = |mut i: usize| {
        i = i.min(source.len());
        while !source.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (fit(span.start), fit(span.end));
    start..end.max(start)
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.list {
            writeln!(f, "{}\n", self.render(d))?;
        }
        let n = self.list.len();
        write!(
            f,
            "error: could not load `{}` due to {} previous error{}",
            self.path,
            n,
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

/// `a`, `b`, `c`
pub(crate) fn backticked(items: &[&str]) -> String {
    items
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_rustc_style_with_location_caret_and_help() {
        let mut d = Diagnostics::new("policies.toml", "a = 1\nname = \"x\"\n");
        d.push(
            Diagnostic::spanned("bad name", 13..16)
                .with_label("here")
                .with_help("write it differently"),
        );
        let text = d.to_string();
        assert!(text.starts_with("error: bad name\n"), "{text}");
        assert!(text.contains("--> policies.toml:2:8"), "{text}");
        assert!(text.contains("2 | name = \"x\""), "{text}");
        assert!(text.contains("^^^ here"), "{text}");
        assert!(text.contains("= help: write it differently"), "{text}");
        assert!(text.ends_with("due to 1 previous error"), "{text}");
    }

    #[test]
    fn notes_come_before_the_help_line() {
        let mut d = Diagnostics::new("policies.toml", "a = 1\n");
        d.push(
            Diagnostic::spanned("bad", 0..1)
                .with_label("here")
                .with_note("first")
                .with_note("second")
                .with_help("fix it"),
        );
        d.push(Diagnostic::whole_file("empty").with_note("why"));
        assert_eq!(
            d.to_string(),
            "error: bad\n --> policies.toml:1:1\n  |\n1 | a = 1\n  | ^ here\n  |\n  = note: first\n  = note: \
             second\n  = help: fix it\n\nerror: empty\n--> policies.toml\n = note: why\n\nerror: could not load \
             `policies.toml` due to 2 previous errors"
        );
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let mut d = Diagnostics::new("p.toml", "é = 1\n  x");
        d.push(Diagnostic::spanned("x", 9..10));
        let first = d.iter().next().unwrap();
        assert_eq!(d.line_col(first), Some((2, 3)));
    }

    #[test]
    fn out_of_range_spans_do_not_panic() {
        let mut d = Diagnostics::new("p.toml", "é");
        d.push(Diagnostic::spanned("x", 1..99));
        assert!(d.to_string().contains("error: x"));
    }
}
