//! The policy documents embedded in an export: JSON objects (what the AWS CLI prints) or URL-encoded strings (what
//! the API returns), read with errors located in the export.

use std::fmt;

use marketplace_iam_policy::{Policy, PolicyError, PolicyKind};
use serde_json::value::RawValue;

use crate::Unusable;
use crate::input::line_col;

/// Decodes `%XX` escapes (RFC 3986, as IAM encodes policy documents). `+` is left alone: IAM encodes a space as
/// `%20`.
fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                None => {
                    return Err(format!(
                        "`%` at character {} is not followed by two hex digits",
                        s[..i].chars().count() + 1
                    ));
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "the decoded document is not UTF-8 text".to_owned())
}

/// Reads the policy documents embedded in an export, locating errors in it.
pub(crate) struct Reader<'a> {
    /// The export's name in messages.
    pub(crate) file: String,
    /// The export's text, of which every document read is a slice.
    pub(crate) text: &'a str,
}

impl Reader<'_> {
    /// Parses one embedded policy document that plays the part `kind`; errors name the export, the position and
    /// the JSON path in it, `path` (written only for an error).
    pub(crate) fn document(
        &self,
        raw: &RawValue,
        path: fmt::Arguments<'_>,
        kind: PolicyKind,
    ) -> Result<Policy, Unusable> {
        let slice = raw.get();
        // The raw value is a slice of `self.text`: its offset locates errors in the export.
        // Located only on error: counting lines for every document would be quadratic in the export's size.
        let offset = (slice.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        let at = || line_col(self.text, offset);
        let join = |e: &PolicyError| {
            if e.path.is_empty() {
                path.to_string()
            } else {
                format!("{path}.{}", e.path)
            }
        };
        if slice.starts_with('"') {
            let encoded: String = serde_json::from_str(slice).map_err(|e| {
                let (line, column) = at();
                Unusable(format!("{}:{line}:{column}: {path}: {e}", self.file))
            })?;
            let decoded = percent_decode(&encoded).map_err(|e| {
                let (line, column) = at();
                Unusable(format!(
                    "{}:{line}:{column}: {path}: the URL-encoded policy document cannot be decoded: {e}",
                    self.file
                ))
            })?;
            Policy::parse_as(kind, &self.file, &decoded).map_err(|e| {
                let (line, column) = at();
                Unusable(format!(
                    "{}:{line}:{column}: {}: {} (at {}:{} of the URL-decoded document)",
                    self.file,
                    join(&e),
                    e.message,
                    e.line,
                    e.column
                ))
            })
        } else {
            Policy::parse_as(kind, &self.file, slice).map_err(|e| {
                // Relocate the document's position into the export.
                let (line, column) = at();
                let (l, c) = if e.line <= 1 {
                    (line, column + e.column.saturating_sub(1))
                } else {
                    (line + e.line - 1, e.column)
                };
                Unusable(format!(
                    "{}:{l}:{c}: {}: {}",
                    self.file,
                    join(&e),
                    e.message
                ))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("%7B%22a%22%3A%201%7D").unwrap(),
            "{\"a\": 1}"
        );
        assert_eq!(percent_decode("a+b%20c").unwrap(), "a+b c");
        assert!(percent_decode("%7").is_err());
        assert!(percent_decode("%zz").is_err());
        assert!(percent_decode("%ff").is_err());
    }
}
