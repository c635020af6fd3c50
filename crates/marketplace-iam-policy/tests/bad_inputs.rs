//! The bad-input corpus: every file in `tests/bad-inputs/` is a broken IAM policy document (syntax errors, wrong
//! types, unknown keys, empty lists, deep nesting, non-UTF-8 bytes, UTF-16, duplicate keys, AWS CLI output instead of
//! the document, ...). Each must be refused with `file:line:col: JSON path: message`; the messages are pinned in
//! `tests/snapshots/bad_inputs__all.snap`, so one that degrades fails here. After a deliberate change:
//! `INSTA_UPDATE=always cargo test -p marketplace-iam-policy --test bad_inputs`, then read the diff as a user would.

use std::path::{Path, PathBuf};

use marketplace_iam_policy::{MAX_POLICY_FILE_BYTES, Policy, PolicyFile, ReadError};

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-inputs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/bad-inputs")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_bad_input_is_refused_with_a_located_message() {
    let files = corpus();
    assert!(files.len() >= 30, "the corpus has {} files", files.len());
    let mut out = String::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let err = Policy::parse_bytes(&name, &bytes)
            .map(|_| ())
            .expect_err(&name);
        assert_eq!(err.file, name);
        assert!(
            err.line >= 1 && err.column >= 1,
            "{name}: no position: {err}"
        );
        assert!(!err.message.is_empty(), "{name}: no message");
        out.push_str(&format!("{err}\n"));
    }
    insta::assert_snapshot!("all", out);
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = std::env::temp_dir().join(format!(
        "marketplace-iam-policy-limit-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.json");
    // Sparse: no disk space used, and only the limit plus one byte is ever read.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_POLICY_FILE_BYTES + 1).unwrap();
    drop(file);
    let err = PolicyFile::read(&path).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(err, ReadError::Io { .. }), "{err}");
    let message = err
        .to_string()
        .replace(&path.display().to_string(), "<tmp>/huge.json");
    insta::assert_snapshot!(message, @"<tmp>/huge.json: cannot read the file: it is larger than 1 MiB, the limit for a policy document (IAM accepts at most 6,144 characters in a managed policy); check that the path names one policy document");
}
