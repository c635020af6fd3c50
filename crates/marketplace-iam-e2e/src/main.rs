//! The end-to-end proof of the published policies, run by `cargo xtask e2e`.
//!
//! 1. Reads every published policy document in `docs/policies/` from disk, and pairs it with what policies.toml
//!    grants (through the `marketplace-iam` crate, generated from it). A pricing model that needs no policy becomes
//!    a user without any policy.
//! 2. Creates a Python venv under `<target>/e2e/venv`, installs moto's server in it, and starts `moto_server` on
//!    127.0.0.1 at a free port with IAM enforcement on: after the first three requests (the bootstrap of an admin
//!    user), every request must be signed by a known access key and allowed by that user's policies.
//! 3. Through the endpoint's IAM API, creates one user per document with the document as its inline policy and an
//!    access key.
//! 4. With each user's key, calls the five operations through the AWS SDK for Rust and classifies each answer:
//!    allowed (it passed the access check) or denied (HTTP 403 naming `aws-marketplace:<Action>`).
//! 5. moto has no License Manager backend: the endpoint cannot route `license-manager` calls (HTTP 500 before any
//!    access check). The run shows it (a CheckoutLicense call signed by a user allowed everything and by one without
//!    any policy; it fails if the endpoint ever answers otherwise). For every document and every License Manager action of [`evaluated::Evaluated::ALL`], the IAM
//!    helper asks moto's IAM policy evaluator (the code the endpoint enforces IAM with, not the project's checker)
//!    whether the document allows the action on the resource the call would act on.
//! 6. Prints the policy × operation matrix, the SDK calls and then the evaluated actions, and exits non-zero if any
//!    cell differs from policies.toml. The users are deleted and the server is stopped by its PID in any case.

mod calls;
mod evaluated;
mod matrix;
mod server;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use calls::{Answer, Clients, Operation};
use evaluated::{Decision, Evaluated};
use matrix::Matrix;
use server::{Iam, NewUser, Server, Venv};

const USAGE: &str = "\
usage: cargo xtask e2e [--python <python3>]

Proves the published policies docs/policies/*.json against an IAM-enforcing local endpoint (moto) through the AWS SDK
for Rust, and compares the policy x operation matrix with policies.toml. Needs Python 3 with venv and pip, and access
to PyPI on the first run.";

fn main() -> ExitCode {
    let start = Instant::now();
    let python = match parse_args(std::env::args().skip(1)) {
        Ok(Some(python)) => python,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = run(&python);
    println!("e2e: {:.1}s", start.elapsed().as_secs_f64());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The Python to create the venv with, or `None` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<String>, String> {
    let mut python = String::from("python3");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--python" => python = args.next().ok_or("--python needs a value")?,
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(Some(python))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

fn run(python: &str) -> Result<(), String> {
    let root = workspace_root();
    let policies = root.join("docs/policies");
    let subjects = matrix::subjects(&policies)?;
    println!(
        "policies: {} documents read from {}, {} pricing model(s) without policy",
        subjects.iter().filter(|s| s.file.is_some()).count(),
        policies.display(),
        subjects.iter().filter(|s| s.file.is_none()).count(),
    );

    let work = target_dir(&root).join("e2e");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let venv = Venv::ensure(python, &work.join("venv"))?;
    let server = Server::start(&venv, &work.join("moto.log"))?;

    let names: Vec<String> = subjects.iter().map(|s| s.user_name()).collect();
    let users: Vec<NewUser<'_>> = subjects
        .iter()
        .zip(&names)
        .map(|(s, name)| NewUser {
            name,
            policy: s.document.as_deref(),
        })
        .collect();
    let mut iam = Iam::new(&venv, &server, &work.join("iam.py"))?;
    let keys = iam.create_users(&users)?;
    println!(
        "iam: {} users created, each with its document as inline policy and an access key",
        keys.len()
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    // Plain HTTP for http://127.0.0.1: no TLS stack is built.
    let http = aws_smithy_http_client::Builder::new().build_http();
    let mut called = Vec::new();
    runtime.block_on(async {
        for key in &keys {
            let clients = Clients::new(&server.endpoint, key, &http);
            let mut row = Vec::new();
            for op in Operation::ALL {
                let position = server.log_position();
                let answer = clients.call(op).await;
                let log = match answer {
                    Answer::Http { status: 500, .. } => {
                        server.log_since(position, &op.not_implemented())
                    }
                    _ => String::new(),
                };
                row.push(calls::classify(op, &answer, &log));
            }
            called.push(row);
        }
    });

    let position = server.log_position();
    let probe = iam.probe_license_manager().and_then(|answers| {
        evaluated::not_routed(&answers, &server.log_since(position, evaluated::NOT_ROUTED))
    });
    match &probe {
        Ok(evidence) => println!("probe: {evidence}"),
        Err(e) => eprintln!("error: License Manager probe: {e}"),
    }

    let checks: Vec<(String, &str)> = Evaluated::ALL
        .iter()
        .map(|a| (a.iam_action(), a.resource()))
        .collect();
    let decided: Vec<Vec<Decision>> = match iam.evaluate(&users, &checks) {
        Ok(answers) => {
            println!(
                "iam: {} License Manager actions x {} users decided by moto's IAM policy evaluator",
                checks.len(),
                answers.len()
            );
            answers
                .iter()
                .map(|answer| {
                    Evaluated::ALL
                        .iter()
                        .zip(answer)
                        .map(|(action, answer)| Decision::read(*action, answer))
                        .collect()
                })
                .collect()
        }
        Err(e) => {
            eprintln!("error: moto's IAM policy evaluator: {e}");
            let none =
                Decision::Unexpected("no answer from the evaluator (see the error above)".into());
            vec![vec![none; Evaluated::ALL.len()]; subjects.len()]
        }
    };
    let mut matrix = Matrix::new();
    for ((subject, row), decided) in subjects.iter().zip(called).zip(decided) {
        matrix.push(subject, row, decided);
    }
    println!("\n{}", matrix.render());

    let cleanup = iam.delete_users(&names.iter().map(String::as_str).collect::<Vec<_>>());
    let mismatches = matrix.mismatches();
    if matrix.has_unexpected() {
        eprintln!("moto_server log, last lines:\n{}\n", server.log_tail());
    }
    drop(server);
    cleanup.map_err(|e| format!("cleanup: {e}"))?;
    println!("iam: users deleted");
    probe.map_err(|e| format!("License Manager probe: {e}"))?;

    if mismatches.is_empty() {
        println!(
            "e2e: all {} cells as policies.toml says: {} SDK calls, where every granted operation passed the access \
             check and every other one was denied with HTTP 403 naming its action, and {} License Manager actions \
             decided by moto's IAM policy evaluator, where every granted one was allowed and every other one denied \
             naming its action",
            matrix.cells(),
            matrix.called(),
            matrix.evaluated()
        );
        Ok(())
    } else {
        Err(format!(
            "{} of {} cells differ from policies.toml:\n  {}",
            mismatches.len(),
            matrix.cells(),
            mismatches.join("\n  ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_args;

    fn args(list: &[&str]) -> Result<Option<String>, String> {
        parse_args(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments() {
        assert_eq!(args(&[]), Ok(Some("python3".into())));
        assert_eq!(
            args(&["--python", "/usr/bin/python3.11"]),
            Ok(Some("/usr/bin/python3.11".into()))
        );
        assert_eq!(args(&["--help"]), Ok(None));
        assert!(args(&["--python"]).is_err());
        assert!(args(&["--pyton", "x"]).unwrap_err().contains("--pyton"));
    }
}
