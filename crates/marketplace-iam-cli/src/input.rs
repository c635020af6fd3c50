//! The files named on the command line: `-` is standard input (read once, named `<stdin>` in messages), and an I/O
//! error says which file and what happened.

use std::io;
use std::path::Path;

use marketplace_iam_model::{read_at_most, read_at_most_from};
use marketplace_iam_policy::{MAX_POLICY_FILE_BYTES, Policy, PolicyFile, PolicyKind, ReadError};

use crate::{Unusable, output};

/// How standard input is named in messages and reports (`<stdin>:4:24: ...`).
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// The 1-based line and column (in characters) of byte `offset` in `text`, as every `file:line:col` of the command
/// gives them. An offset inside a character counts from that character's start.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Whether a file argument is `-`, standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The error for a file that could not be read: ``could not read `role.json`: No such file or directory (os error 2)``.
pub(crate) fn could_not_read(path: &Path, e: &io::Error) -> Unusable {
    if is_stdin(path) {
        Unusable(format!("could not read standard input: {e}"))
    } else {
        Unusable(format!("could not read `{}`: {e}", path.display()))
    }
}

/// The error for output that could not be written (a closed pipe is not one: see `output::write_stdout`).
pub(crate) fn could_not_write(e: &io::Error) -> Unusable {
    Unusable(format!("could not write to standard output: {e}"))
}

/// Reads a whole file, or standard input for `-`, refusing more than `limit` bytes (`what` names the input in the
/// message) after reading at most one more; returns the name messages use for it.
pub(crate) fn read_bytes_bounded(
    path: &Path,
    limit: u64,
    what: &str,
) -> Result<(String, Vec<u8>), Unusable> {
    if is_stdin(path) {
        let bytes = read_at_most_from(io::stdin().lock(), 0, limit, what)
            .map_err(|e| could_not_read(path, &e))?;
        return Ok((STDIN_NAME.to_owned(), bytes));
    }
    let bytes = read_at_most(path, limit, what).map_err(|e| could_not_read(path, &e))?;
    Ok((path.display().to_string(), bytes))
}

/// Reads and parses one policy document that plays the part `kind` (what IAM refuses in that part is an error),
/// from a file or from standard input for `-`.
pub(crate) fn read_policy(path: &Path, kind: PolicyKind) -> Result<PolicyFile, Unusable> {
    let mut file = read_policy_as_written(path, kind)?;
    // A deny-list SCP sits beside FullAWSAccess (see `PolicyFile::beside_full_aws_access`): said on stderr.
    if kind == PolicyKind::Scp && file.beside_full_aws_access() {
        output::note(&format!(
            "{}: only Deny statements: evaluated as attached beside FullAWSAccess, which AWS Organizations attaches to every root, OU and account by default (its Allow counts as Statement[{}], Sid FullAWSAccess); give an allow-list SCP with its Allow statements",
            file.name,
            file.policy.statements.len() - 1
        ));
    }
    Ok(file)
}

/// Reads one policy document as written.
fn read_policy_as_written(path: &Path, kind: PolicyKind) -> Result<PolicyFile, Unusable> {
    if is_stdin(path) {
        let bytes = read_at_most_from(
            io::stdin().lock(),
            0,
            MAX_POLICY_FILE_BYTES,
            "a policy document",
        )
        .map_err(|e| could_not_read(path, &e))?;
        let policy = Policy::parse_bytes_as(kind, STDIN_NAME, &bytes)
            .map_err(|e| Unusable(e.to_string()))?;
        return Ok(PolicyFile {
            name: STDIN_NAME.to_owned(),
            policy,
        });
    }
    PolicyFile::read_as(kind, path).map_err(|e| match e {
        ReadError::Io { source, .. } => could_not_read(path, &source),
        ReadError::Invalid(e) => Unusable(e.to_string()),
        other => Unusable(other.to_string()),
    })
}

/// Refuses `-` given for more than one file argument: standard input can be read only once. `args` are the file
/// arguments with the option that names each (`POLICY.json`, `--boundary`, ...).
pub(crate) fn stdin_at_most_once<'a>(
    args: impl IntoIterator<Item = (&'static str, &'a Path)>,
) -> Result<(), Unusable> {
    let given: Vec<&str> = args
        .into_iter()
        .filter(|(_, path)| is_stdin(path))
        .map(|(option, _)| option)
        .collect();
    if given.len() > 1 {
        return Err(Unusable(format!(
            "`-` (standard input) is given {} times ({}), but standard input can be read only once: save all but one of the documents to files",
            given.len(),
            given.join(", ")
        )));
    }
    Ok(())
}

/// The text of a file read with [`read_bytes_bounded`], or why it is not text: `kind` says what the file should
/// be, e.g. `a template is JSON or YAML text`.
pub(crate) fn utf8<'b>(file: &str, bytes: &'b [u8], kind: &str) -> Result<&'b str, Unusable> {
    std::str::from_utf8(bytes).map_err(|e| {
        Unusable(format!(
            "{file}: not UTF-8 text (byte {}): {kind}",
            e.valid_up_to()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nx", 1 + 1), (1, 2));
        assert_eq!(line_col("é", 1), (1, 1));
    }
}
