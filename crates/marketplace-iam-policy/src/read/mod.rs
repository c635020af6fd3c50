//! Reading a policy document: [`Policy::parse`] tries the tape reader (`tape`, simd-json) and hands anything it
//! does not read to the strict reader (`strict`, serde), which alone reports errors (with `hints`). Both apply the
//! rules of `crate::rules`.

mod hints;
mod part;
pub(crate) mod strict;
pub(crate) mod tape;

use crate::document::{Policy, PolicyError};

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
        // Most documents are ordinary and valid: the tape reader reads them. It hands anything else over to the
        // strict reader, which reads (and reports) it as if the tape reader did not exist.
        if let Some(policy) = tape::parse(text) {
            return Ok(policy);
        }
        strict::parse(file, text)
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
                let (line, column) = line_col(prefix, prefix.len());
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

/// The 1-based line and column (in characters) of byte `offset` (a character boundary) in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// The two readers of [`Policy::parse`], each alone, for the tests and the fuzz target that compare them. Not part
/// of the API.
#[doc(hidden)]
pub mod __readers {
    use crate::document::{Policy, PolicyError};

    /// The fast path (the tape reader): `None` when it hands the document over. `text` is without a byte order
    /// mark.
    pub fn fast(text: &str) -> Option<Policy> {
        super::tape::parse(text)
    }

    /// The strict serde reader. `text` is without a byte order mark.
    pub fn strict(file: &str, text: &str) -> Result<Policy, PolicyError> {
        super::strict::parse(file, text)
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
