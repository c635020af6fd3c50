//! Phase 1, syntax: a TOML syntax error as a diagnostic in the project's words. The parse stops at the first one,
//! since what follows it cannot be trusted; every later phase reads only a document that parsed.

use toml_spanner::ErrorKind;

use crate::diagnostic::{Diagnostic, Diagnostics};

/// How a message names what the TOML parser expected or found: punctuation as written.
fn token(description: &'static str) -> &'static str {
    match description {
        "an equals" => "`=`",
        "a period" => "`.`",
        "a comma" => "`,`",
        "a colon" => "`:`",
        "a plus" => "`+`",
        "a left bracket" => "`[`",
        "a right bracket" => "`]`",
        "a left brace" => "`{`",
        "a right brace" => "`}`",
        other => other,
    }
}

/// A TOML syntax error as a diagnostic, pointing where the parser stopped.
pub(crate) fn syntax_error(diags: &Diagnostics, text: &str, e: &toml_spanner::Error) -> Diagnostic {
    let span = e.span().range();
    let span = span.start.min(text.len())..span.end.min(text.len());
    // The text an error points at (a key, a table name), for the message.
    let named = |at: toml_spanner::Span| text.get(at.range()).unwrap_or_default().trim().to_owned();
    let again = |what: String, first: toml_spanner::Span| {
        let (line, _) = diags.position(first.range().start);
        Diagnostic::spanned(format!("invalid TOML: duplicate {what}"), span.clone())
            .with_label("defined again here")
            .with_help(format!(
                "a key, or a `[table]` header, may appear only once in a table; it is first defined on line {line}; \
                 remove or rename one of them"
            ))
    };
    let unclosed = |close: &str, separate: &str| {
        Diagnostic::spanned(
            format!("invalid TOML: expected `,` or `{close}`"),
            span.clone(),
        )
        .with_label(format!("expected `,` or `{close}`"))
        .with_help(format!(
            "separate the {separate} with `,` and close the list with `{close}`"
        ))
    };
    // A bare word TOML read as something else: most likely text written without its quotes.
    let unquoted = |message: &str, label: &str| {
        Diagnostic::spanned(format!("invalid TOML: {message}"), span.clone())
            .with_label(label)
            .with_help("write text in double quotes: `key = \"text\"`")
    };
    match e.kind() {
        // `DottedKeyInvalidType`: `a.b = ...` after `a = <not a table>`, which defines `a` again.
        ErrorKind::DuplicateKey { first } | ErrorKind::DottedKeyInvalidType { first } => {
            again(format!("key `{}`", named(e.span())), first)
        }
        ErrorKind::DuplicateTable { name, first } => {
            again(format!("table `[{}]`", named(name)), first)
        }
        // Points at the whole `[[name]]` header.
        ErrorKind::RedefineAsArray { first } => {
            again(format!("table `{}`", named(e.span())), first)
        }
        // The parser's only use of this kind while parsing: past its nesting limit.
        ErrorKind::OutOfRange { .. } => Diagnostic::spanned("invalid TOML: nested too deep", span)
            .with_label("nested too deep")
            .with_help(
                "policies.toml nests two levels deep at most (a list of strings in a table)",
            ),
        ErrorKind::UnquotedString => unquoted(
            "text must be quoted",
            "expected a string, a number, `true`, `false`, an array or a table",
        ),
        ErrorKind::Wanted { expected, found } => {
            let (expected, found) = (token(expected), token(found));
            Diagnostic::spanned(
                format!("invalid TOML: expected {expected}, found {found}"),
                span,
            )
            .with_label(format!("expected {expected}"))
        }
        ErrorKind::MissingArrayComma | ErrorKind::UnclosedArray => {
            unclosed("]", "entries of an array")
        }
        ErrorKind::MissingInlineTableComma | ErrorKind::UnclosedInlineTable => {
            unclosed("}", "keys of an inline table")
        }
        ErrorKind::InvalidInteger(_) | ErrorKind::InvalidFloat(_) => {
            unquoted("invalid number", "not a number")
        }
        ErrorKind::InvalidDateTime(_) => unquoted("invalid date-time", "not a date-time"),
        ErrorKind::UnterminatedString(_) | ErrorKind::InvalidCharInString('\n') => {
            Diagnostic::spanned("invalid TOML: unterminated string", span)
                .with_label("this string is not closed")
                .with_help(
                    "end the string on the same line with the quote it starts with \
                     (or use `\"\"\"` for text over several lines)",
                )
        }
        ErrorKind::InvalidEscape(_)
        | ErrorKind::InvalidHexEscape(_)
        | ErrorKind::InvalidEscapeValue(_) => Diagnostic::spanned(format!("invalid TOML: {e}"), span)
            .with_label("not an escape TOML knows")
            .with_help(
                "write a backslash as `\\\\`, or put the text in single quotes ('...'), where a backslash is just a \
                 backslash",
            ),
        ErrorKind::UnexpectedEof => {
            Diagnostic::spanned("invalid TOML: the file ends in the middle of a value", span)
                .with_label("the file ends here")
                .with_help("close the array, inline table or string that is still open")
        }
        ErrorKind::InvalidCharInString(c) => Diagnostic::spanned(
            format!(
                "invalid TOML: the control character U+{:04X} is not allowed in a string",
                u32::from(c)
            ),
            span,
        )
        .with_label("not allowed here")
        .with_help(format!(
            "remove it, or write it as the escape `\\u{:04X}`",
            u32::from(c)
        )),
        _ => Diagnostic::spanned(format!("invalid TOML: {e}"), span),
    }
}
