//! The bad-input corpus: every file in `tests/bad-inputs/` is a broken policies.toml (syntax errors, wrong types,
//! unknown keys, empty lists, deep nesting, non-UTF-8 bytes, BOMs, duplicate keys, ...). Each must be refused with
//! messages that say what is wrong and where; the messages are pinned in `tests/snapshots/`, so one that degrades
//! fails here. After a deliberate change: `INSTA_UPDATE=always cargo test -p marketplace-iam-model --test
//! bad_inputs`, then read the diff as a user would.

use std::path::{Path, PathBuf};

use marketplace_iam_model::{LoadError, MAX_POLICIES_FILE_BYTES, load, parse_bytes};

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-inputs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/bad-inputs")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_bad_input_is_refused_with_located_messages() {
    let files = corpus();
    assert!(files.len() >= 30, "the corpus has {} files", files.len());
    for path in files {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let shown = format!("bad-inputs/{stem}.toml");
        let Err(diags) = parse_bytes(&shown, &bytes) else {
            panic!("{shown} was accepted");
        };
        let report = diags.to_string();
        for d in diags.iter() {
            // Only "the file declares nothing" is about the whole file; everything else points somewhere.
            if d.span().is_none() {
                assert!(
                    d.message().contains("declares nothing"),
                    "{shown}: {report}"
                );
                continue;
            }
            let (line, col) = diags.line_col(d).expect("a position");
            assert!(
                report.contains(&format!("--> {shown}:{line}:{col}")),
                "{shown}: the position {line}:{col} is not shown:\n{report}"
            );
        }
        insta::assert_snapshot!(stem, report);
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = std::env::temp_dir().join(format!("marketplace-iam-limit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("policies.toml");
    // Sparse: no disk space used, and only the limit plus one byte is ever read.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_POLICIES_FILE_BYTES + 1).unwrap();
    drop(file);
    let err = load(&path).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(err, LoadError::Read { .. }), "{err}");
    let message = err
        .to_string()
        .replace(&path.display().to_string(), "<tmp>/policies.toml");
    insta::assert_snapshot!(message, @"error: could not read `<tmp>/policies.toml`: it is larger than 16 MiB, the limit for a policies file (a policies.toml declaring 10,000 actions is about 2.3 MB); check that the path names the policies.toml you meant");
}
