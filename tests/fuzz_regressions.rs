//! The fuzz targets on stable: every minimized crash or hang the fuzzers found and the seed inputs, kept in
//! `tests/fuzz-regressions/<target>/`, and the project's own inputs, run through the same functions the fuzz targets
//! call (`marketplace-iam-fuzz-harness`). Each must finish without a panic, in well under a second; the bound here
//! is generous so a loaded machine does not fail it, while a reintroduced hang (minutes) still does. Every test asserts that it
//! ran on at least one input: a directory that is missing or empty fails, it does not pass on nothing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use marketplace_iam_fuzz_harness as harness;

const BOUND: Duration = Duration::from_secs(10);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn files_in(dir: &Path, ext: Option<&str>) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && ext.is_none_or(|ext| p.extension().is_some_and(|e| e == ext)))
        .collect();
    files.sort();
    files
}

fn run(target: &str, inputs: &[PathBuf], f: fn(&[u8])) {
    assert!(!inputs.is_empty(), "{target}: no input to run");
    for path in inputs {
        let bytes = std::fs::read(path).unwrap();
        let start = Instant::now();
        f(&bytes);
        let took = start.elapsed();
        assert!(took < BOUND, "{target}: {} took {took:?}", path.display());
    }
}

fn regressions(target: &str) -> Vec<PathBuf> {
    files_in(&root().join("tests/fuzz-regressions").join(target), None)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect()
}

#[test]
fn policies_toml_regressions() {
    run(
        "policies_toml",
        &regressions("policies_toml"),
        harness::policies_toml,
    );
}

#[test]
fn policy_document_regressions() {
    let inputs = regressions("policy_document");
    run("policy_document", &inputs, harness::policy_document);
    // The inputs reach both readers of the parser: some are read by the fast path, some handed to the strict reader.
    let fast: Vec<bool> = inputs
        .iter()
        .filter_map(|p| String::from_utf8(std::fs::read(p).unwrap()).ok())
        .map(|text| marketplace_iam_policy::__readers::compare(&text).unwrap())
        .collect();
    assert!(fast.contains(&true) && fast.contains(&false), "{fast:?}");
}

#[test]
fn evaluate_regressions() {
    run("evaluate", &regressions("evaluate"), harness::evaluate);
}

/// Each fuzz target has regression inputs of its own.
#[test]
fn every_fuzz_target_has_regression_inputs() {
    let targets = files_in(&root().join("fuzz/fuzz_targets"), Some("rs"));
    assert!(targets.len() >= 3, "{targets:?}");
    for target in targets {
        let name = target.file_stem().unwrap().to_str().unwrap();
        assert!(
            !regressions(name).is_empty(),
            "tests/fuzz-regressions/{name}/ has no input"
        );
    }
}

/// The fuzz targets' own properties hold on the seeds: the project's policies.toml and published documents, and the
/// bad-input corpora.
#[test]
fn the_targets_hold_on_the_projects_own_inputs() {
    let r = root();
    let mut toml = vec![r.join("policies.toml")];
    toml.extend(files_in(
        &r.join("crates/marketplace-iam-model/tests/bad-inputs"),
        Some("toml"),
    ));
    assert!(toml.len() > 30);
    run("policies_toml", &toml, harness::policies_toml);

    let mut json = files_in(&r.join("docs/policies"), Some("json"));
    json.extend(files_in(&r.join("docs/trust-policies"), Some("json")));
    json.extend(files_in(
        &r.join("crates/marketplace-iam-policy/tests/bad-inputs"),
        Some("json"),
    ));
    assert!(json.len() > 40);
    run("policy_document", &json, harness::policy_document);

    // One evaluate input: the SaaS policy as identity policy, under an SCP that allows everything, with a context.
    let saas = std::fs::read(r.join("docs/policies/saas.json")).unwrap();
    let scp = br#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#;
    let mut input = vec![0b1010];
    input.extend_from_slice(scp);
    input.push(0);
    input.extend_from_slice(&saas);
    input.extend_from_slice(b"\0aws:SourceIp=10.0.0.1");
    harness::evaluate(&input);
}
