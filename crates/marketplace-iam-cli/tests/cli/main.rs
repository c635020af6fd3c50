//! The `marketplace-iam` binary as users run it: exit codes, the JSON they parse, the text they read, and the
//! errors they get for unusable input. One module per command; the helpers that run the built binary are here.

mod assume;
mod assume_defined;
mod check;
mod cloudformation;
mod explain;
mod gaad;
mod gaad_assume;
mod policy;
mod role;
mod sarif;
mod terraform;
mod terraform_published;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_marketplace-iam");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fresh directory for one call's files: its own, even when tests running side by side share a helper that
/// asks for the same name.
fn scratch(test: &str) -> PathBuf {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "marketplace-iam-cli-{}-{test}-{call}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("COMPLETE")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

/// Runs the command with `input` on its standard input.
fn run_with_stdin(args: &[&str], dir: &Path, input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("COMPLETE")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // The command may exit before reading (a usage error): a closed pipe here is not the test's failure.
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}):\n{}", stdout(out)))
}

/// Asserts an unusable-input failure: exit 2, nothing on stdout, one located message, no panic.
fn assert_unusable(out: &Output, expected: &str) {
    let err = stderr(out);
    assert_eq!(code(out), 2, "stderr: {err}");
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(out));
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
}

const SUBSCRIPTIONS_ONLY_RESOLVE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Resolve", "Effect": "Allow", "Action": "aws-marketplace:ResolveCustomer", "Resource": "*"}
  ]
}
"#;

const MARKETPLACE_STAR: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"}]}"#;

/// A file of the workspace (a published document), as text.
fn workspace_file(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The findings of a role with `code`, as (line, column, path).
fn located(role: &Value, code: &str) -> Vec<(u64, u64, String)> {
    role["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The ids of every product type and pricing model, as `list --format json` prints them.
fn product_ids(dir: &Path) -> Vec<String> {
    let list = json(&run(&["list", "--format", "json"], dir));
    let mut ids: Vec<String> = Vec::new();
    for p in list["product_types"].as_array().unwrap() {
        ids.push(p["id"].as_str().unwrap().to_owned());
        for m in p["pricing_models"].as_array().unwrap() {
            ids.push(m.as_str().unwrap().to_owned());
        }
    }
    ids
}

/// The product a published file is for, from its name: `container-contracts-eks` → `container/contracts`, the
/// longest id the name starts with.
/// The stems of the role templates `cargo xtask gen-docs` publishes (`<document>-<target>`), from the engine:
/// one per document and target, each with a CloudFormation template and a Terraform configuration.
fn role_template_stems() -> Vec<String> {
    let policies = marketplace_iam_model::load(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies.toml"),
    )
    .unwrap();
    let stems: Vec<String> = policies.deployments().iter().map(|d| d.stem()).collect();
    assert!(!stems.is_empty());
    stems
}

fn product_of<'a>(ids: &'a [String], stem: &str) -> &'a str {
    ids.iter()
        .filter(|id| stem.starts_with(&format!("{}-", id.replace('/', "-"))))
        .max_by_key(|id| id.len())
        .unwrap_or_else(|| panic!("no product for {stem}"))
}

/// Checks a published file with `check <flag> <path> --product <product> --format json`: exit 0, every role
/// allowed with no finding. Returns the outcome.
fn assert_published_allowed(dir: &Path, flag: &str, path: &Path, product: &str) -> Value {
    let shown = path.display().to_string();
    let out = run(
        &[
            "check",
            flag,
            &shown,
            "--product",
            product,
            "--format",
            "json",
        ],
        dir,
    );
    assert_eq!(
        code(&out),
        0,
        "{shown} for {product}: {}{}",
        stderr(&out),
        stdout(&out)
    );
    let outcome = json(&out);
    for r in outcome["roles"].as_array().unwrap() {
        assert_eq!(r["verdict"], "allowed", "{shown}");
        assert_eq!(
            r["findings"].as_array().unwrap().len(),
            0,
            "{shown}: {:#}",
            r["findings"]
        );
    }
    outcome
}
