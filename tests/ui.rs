//! Every compile error the compile-time API can give, pinned: `tests/ui/*.rs` with the expected `.stderr` beside each.
//! `tests/ui/pass/*.rs` are their counterparts that must compile (and run).
//! Re-bless after a deliberate change with `TRYBUILD=overwrite cargo test -p marketplace-iam-tests --test ui`, then
//! read the diff as a user would.

use std::path::Path;

#[test]
fn ui() {
    // trybuild compiles the cases as a crate of its own under <target>/tests/trybuild/<this crate>/, and the macro
    // resolves `path = "..."` against that crate's directory: put the fixture files there.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap();
    let project = target
        .join("tests/trybuild")
        .join(env!("CARGO_PKG_NAME"))
        .join("fixtures");
    std::fs::create_dir_all(&project).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/fixtures");
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, project.join(path.file_name().unwrap())).unwrap();
    }

    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
    t.pass("ui/pass/*.rs");
}
