//! Editing policies.toml shows up in the next build on stable Rust: the expansion includes the file with
//! `include_bytes!`, so cargo tracks it like a source file.
//!
//! The test builds a small crate outside the workspace that invokes the macro on its own policies.toml, edits the
//! file, builds again and checks that the binary's output changed.
//!
//! A second crate depends on `marketplace-iam` without the `macros` feature: the project's products build without
//! the proc macro, and `policies!` is an error that names the feature.

use std::path::{Path, PathBuf};
use std::process::Command;

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> (String, String) {
    let (ok, stdout, stderr) = try_cargo(dir, target, args);
    assert!(ok, "cargo {args:?} failed:\n{stderr}");
    (stdout, stderr)
}

/// Runs cargo in `dir`: whether it succeeded, its stdout and its stderr.
fn try_cargo(dir: &Path, target: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .args(["--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.success(), stdout, stderr)
}

/// A crate outside the workspace that depends on `marketplace-iam` with `features` and has `main` as its binary.
fn probe(name: &str, features: &str, main: &str) -> (PathBuf, PathBuf) {
    let root = marketplace_iam_tests::root();
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join(name);
    let target = tmp.join(format!("{name}-target"));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let runtime = root.join("crates/marketplace-iam");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nmarketplace-iam = {{ path = {:?}, features = [{features}] }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .unwrap();
    // The workspace's lock file pins the same versions, so the build needs no network.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::write(dir.join("src/main.rs"), main).unwrap();
    (dir, target)
}

#[test]
fn editing_policies_toml_rebuilds_the_crate_that_expands_it() {
    let root = marketplace_iam_tests::root();
    let (dir, target) = probe(
        "rebuild-probe",
        "\"macros\"",
        "marketplace_iam::policies!(path = \"policies.toml\");\n\
         fn main() {\n    print!(\"{:?}\", ProductType::Ami.actions());\n}\n",
    );
    let original = std::fs::read_to_string(root.join("policies.toml")).unwrap();
    std::fs::write(dir.join("policies.toml"), &original).unwrap();

    let (before, _) = cargo(&dir, &target, &["run"]);
    assert_eq!(before, "[MeterUsage]");

    // Grant the AMI product RegisterUsage instead; nothing else changes.
    let edited = original.replacen(
        "actions = [\"MeterUsage\"]\nnotes",
        "actions = [\"RegisterUsage\"]\nnotes",
        1,
    );
    assert_ne!(edited, original);
    std::fs::write(dir.join("policies.toml"), &edited).unwrap();
    let (after, _) = cargo(&dir, &target, &["run"]);
    assert_eq!(
        after, "[RegisterUsage]",
        "the edit to policies.toml did not reach the build"
    );

    // Restore for the next run of this test.
    std::fs::write(dir.join("policies.toml"), &original).unwrap();
    let (restored, _) = cargo(&dir, &target, &["run"]);
    assert_eq!(restored, "[MeterUsage]");
}

/// Without the `macros` feature the project's products are there, and `policies!` is an error that says which
/// feature to turn on.
#[test]
fn without_the_macros_feature_policies_says_to_turn_it_on() {
    let (dir, target) = probe(
        "no-macros-probe",
        "",
        "fn main() {\n    print!(\"{}\", <marketplace_iam::Saas as marketplace_iam::Policy>::NAME);\n}\n",
    );
    let (stdout, _) = cargo(&dir, &target, &["run"]);
    assert_eq!(stdout, "SaaS");

    std::fs::write(
        dir.join("src/main.rs"),
        "marketplace_iam::policies!(path = \"policies.toml\");\nfn main() {}\n",
    )
    .unwrap();
    let (ok, _, stderr) = try_cargo(&dir, &target, &["build"]);
    assert!(!ok, "built without the macros feature:\n{stderr}");
    assert!(
        stderr
            .contains("`marketplace_iam::policies!` needs the `macros` feature of marketplace-iam"),
        "{stderr}"
    );
    assert!(stderr.contains("features = [\"macros\"]"), "{stderr}");
}
