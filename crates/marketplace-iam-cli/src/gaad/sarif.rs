//! `check --gaad --format sarif`: one result per user or role whose policies are about the calls without allowing
//! them all, located at its name in the export. Users and roles allowed every call, and those with nothing to do
//! with the calls, have no result (the account's verdict is the exit code, as for the other formats).

use marketplace_iam_policy::Decision;

use super::account::{Account, Session};
use super::parallel;
use super::report::Class;
use crate::{Unusable, sarif};

/// The rule of these results.
const CODE: &str = "principal_not_allowed";

/// A principal not allowed, read off its report.
struct NotAllowed {
    /// Where its name starts in the export's text (`None`: the name is not a slice of it, e.g. it had escapes).
    offset: Option<usize>,
    arn: String,
    message: String,
}

/// Writes the SARIF log of the principals not allowed, for the export `file` whose text is `text`.
pub(crate) fn write_sarif<'a>(
    file: &str,
    text: &str,
    account: &Account<'a>,
    sessions: &mut [Session<'_, 'a>],
    classes: &[Class],
) -> Result<(), Unusable> {
    let mut found: Vec<NotAllowed> = Vec::new();
    parallel::in_order(
        account,
        sessions,
        |i| classes.get(i) == Some(&Class::Partly),
        |session, p, out: &mut Vec<NotAllowed>| {
            let report = account.check(session, p)?;
            let missing: Vec<String> = report
                .actions
                .iter()
                .filter(|a| a.decision != Decision::Allow)
                .map(|a| format!("{} ({})", a.action, a.decision))
                .collect();
            out.push(NotAllowed {
                offset: offset_in(text, p.name),
                arn: p.arn.to_owned(),
                message: format!(
                    "{} {} may not make every call: {}",
                    p.kind,
                    p.name,
                    missing.join(", ")
                ),
            });
            Ok(())
        },
        |chunk| {
            found.extend(chunk);
            Ok::<(), Unusable>(())
        },
    )?;
    let lines = LineStarts::of(text);
    let located: Vec<sarif::Located<'_>> = found
        .iter()
        .map(|n| sarif::Located {
            code: CODE,
            message: &n.message,
            file,
            at: n.offset.map(|o| lines.position(text, o)),
            role: Some(&n.arn),
            path: "",
        })
        .collect();
    sarif::write(&located)
}

/// Where `part` starts in `whole`, when it is a slice of it.
fn offset_in(whole: &str, part: &str) -> Option<usize> {
    let start = whole.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    (at >= start && at + part.len() <= start + whole.len()).then(|| at - start)
}

/// The byte offsets where the lines of a text start, to turn offsets into 1-based line and column.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn of(text: &str) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineStarts(starts)
    }

    /// The 1-based line and column (in characters) of byte `offset` of `text`; the name's opening quote is one
    /// column before it.
    fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.0.partition_point(|&s| s <= offset).max(1);
        let start = self.0[line - 1];
        let column = text
            .get(start..offset)
            .map_or(1, |before| before.chars().count() + 1);
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "{\n  \"UserName\": \"bob\",\n  \"é\": \"x\"\n}";
        let lines = LineStarts::of(text);
        let bob = &text[text.find("bob").unwrap()..][..3];
        let offset = offset_in(text, bob).unwrap();
        assert_eq!(lines.position(text, offset), (2, 16));
        let x = text.rfind('x').unwrap();
        assert_eq!(lines.position(text, x), (3, 9));
        assert_eq!(offset_in(text, "elsewhere"), None);
    }
}
