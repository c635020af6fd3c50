//! `check --format sarif` on policy files: the report's findings (the same as a template's, see
//! [`report::report_findings`]) located at the statements in the files.
//!
//! The checker does not keep positions, so each file named on the command line is read again with the
//! position-keeping reader of templates (which reads JSON) to find where each statement is written. A file that
//! cannot be read again (standard input, a pipe, or one changed meanwhile) has its findings at its first line,
//! or, for standard input, in no file at all.

use std::path::Path;

use marketplace_iam_policy::Report;

use crate::Unusable;
use crate::cloudformation::report::{self, Locate};
use crate::cloudformation::template::{self, Pos};
use crate::{input, sarif};

/// The most a policy file is read again for positions (IAM's own limits are a few KiB).
const MAX_BYTES: u64 = 1 << 20;

/// A policy file named on the command line, or a document inside a template or plan, and where its statements are.
#[derive(Clone)]
struct File {
    /// The name the checker gave the document: the path as given, or `<stdin>`; for a document of a template, its
    /// path in the template (`Resources.MeteringRole.Properties.AssumeRolePolicyDocument`).
    name: String,
    /// The file a person edits: `name` for a policy file, the template for one of its documents.
    artifact: String,
    /// Between the name and `Statement[i]` in a statement's path: `:` after a file, `.` inside a template.
    separator: char,
    /// Where the document starts (`None`: not read again).
    start: Option<Pos>,
    /// Where each statement starts.
    statements: Vec<Pos>,
}

impl File {
    fn read(path: &Path) -> File {
        let name = if input::is_stdin(path) {
            input::STDIN_NAME.to_owned()
        } else {
            path.display().to_string()
        };
        // A regular file only: a pipe (`<(...)`) was consumed by the check.
        let regular = !input::is_stdin(path) && std::fs::metadata(path).is_ok_and(|m| m.is_file());
        let root = regular
            .then(|| input::read_bytes_bounded(path, MAX_BYTES, "a policy").ok())
            .flatten()
            .and_then(|(_, bytes)| String::from_utf8(bytes).ok())
            .and_then(|text| template::parse(&text).ok());
        let Some(root) = root else {
            let start = (name != input::STDIN_NAME).then_some(Pos { line: 1, column: 1 });
            return File {
                artifact: name.clone(),
                name,
                separator: ':',
                start,
                statements: Vec::new(),
            };
        };
        let statements = match root.get("Statement") {
            Some(node) => node.as_list().map_or_else(
                || vec![node.pos],
                |items| items.iter().map(|s| s.pos).collect(),
            ),
            None => Vec::new(),
        };
        File {
            artifact: name.clone(),
            name,
            separator: ':',
            start: Some(root.pos),
            statements,
        }
    }

    /// Where statement `index` is (the document's start for `None` or a statement not found), and its path.
    fn statement(&self, index: Option<usize>) -> (Pos, String) {
        let start = self.start.unwrap_or_default();
        match index {
            Some(i) => (
                self.statements.get(i).copied().unwrap_or(start),
                format!("{}{}Statement[{i}]", self.name, self.separator),
            ),
            None => (start, self.name.clone()),
        }
    }
}

/// The policy files named on the command line, read again for where their statements are.
#[derive(Clone)]
pub(crate) struct PolicyFiles(Vec<File>);

/// A finding located in one of the [`PolicyFiles`].
#[derive(Clone)]
pub(crate) struct Found {
    /// The finding's code (its SARIF rule's id).
    pub(crate) code: &'static str,
    /// What is wrong and what to do.
    pub(crate) message: String,
    /// The file as the command line named it (`<stdin>` for standard input).
    pub(crate) file: String,
    /// Where in the file.
    pub(crate) pos: Pos,
    /// The path inside the file, `role.json:Statement[1]`; empty for the file itself.
    pub(crate) path: String,
}

impl Found {
    /// The finding as SARIF locates it, about `role` (its ARN) if given.
    pub(crate) fn located<'a>(&'a self, role: Option<&'a str>) -> sarif::Located<'a> {
        sarif::Located {
            code: self.code,
            message: &self.message,
            file: &self.file,
            at: Some((self.pos.line, self.pos.column)),
            role,
            path: &self.path,
        }
    }
}

impl PolicyFiles {
    /// Reads the files `paths` again (standard input and pipes have no positions).
    pub(crate) fn read(paths: &[&Path]) -> PolicyFiles {
        PolicyFiles(paths.iter().map(|p| File::read(p)).collect())
    }

    /// The documents of the template or plan `artifact`, each named as the checker named it (its path in the
    /// file), with where it starts and where its statements are.
    pub(crate) fn documents(artifact: &str, documents: &[(String, Pos, Vec<Pos>)]) -> PolicyFiles {
        PolicyFiles(
            documents
                .iter()
                .map(|(name, start, statements)| File {
                    name: name.clone(),
                    artifact: artifact.to_owned(),
                    separator: '.',
                    start: Some(*start),
                    statements: statements.clone(),
                })
                .collect(),
        )
    }

    /// These files and `other`'s.
    pub(crate) fn and(mut self, other: PolicyFiles) -> PolicyFiles {
        self.0.extend(other.0);
        self
    }

    /// Where statement `index` (`None`: the document) of the file the checker named `name` is, and its path
    /// (the file's name for the document); `None` when no file of these has that name.
    pub(crate) fn locate(&self, name: &str, index: Option<usize>) -> Option<(Pos, String)> {
        let file = self.0.iter().find(|f| f.name == name)?;
        Some(file.statement(index))
    }

    /// A finding with `code` and `message` at `(pos, path)` as [`PolicyFiles::locate`] gives them.
    pub(crate) fn found(&self, code: &'static str, message: String, at: (Pos, String)) -> Found {
        let (pos, path) = at;
        // A finding's path starts with its file's name, the longest that matches (a name may be a prefix of
        // another).
        let file = self
            .0
            .iter()
            .filter(|f| {
                path == f.name
                    || path
                        .strip_prefix(&f.name)
                        .is_some_and(|rest| rest.starts_with(f.separator))
            })
            .max_by_key(|f| f.name.len())
            .map_or(input::STDIN_NAME, |f| f.artifact.as_str())
            .to_owned();
        Found {
            code,
            message,
            // The file itself is no path inside it.
            path: if path == file { String::new() } else { path },
            file,
            pos,
        }
    }

    /// The findings of `report`, checked from these files, each at the statement it is about (what cannot be
    /// located is at the first file's start).
    pub(crate) fn findings(&self, report: &Report) -> Vec<Found> {
        let locate: &Locate<'_> = &|name, index| self.locate(name?, index);
        let fallback = self
            .0
            .first()
            .map_or((Pos::default(), String::new()), |f| f.statement(None));
        report::report_findings(report, locate, fallback)
            .into_iter()
            .map(|f| self.found(f.code, f.message, (f.pos, f.path)))
            .collect()
    }
}

/// Writes the SARIF log of `report`, checked from the policy files `paths` (identity policies, boundary, SCPs).
pub(crate) fn write_sarif(report: &Report, paths: &[&Path]) -> Result<(), Unusable> {
    let found = PolicyFiles::read(paths).findings(report);
    let located: Vec<sarif::Located<'_>> = found.iter().map(|f| f.located(None)).collect();
    sarif::write(&located)
}
