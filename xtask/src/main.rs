//! `cargo xtask`: the project's maintainer tasks (the cargo-xtask convention: a workspace member run through the
//! alias in `.cargo/config.toml`).
//!
//! - `cargo xtask gen-docs` regenerates every generated file from policies.toml and the AWS catalog data:
//!   `docs/policies/*.json`, the trust policies, the roles' and notification stacks' CloudFormation templates and
//!   Terraform configurations, `docs/permissions.md` and the catalog table of the engine.
//! - `cargo xtask gen-docs --check` writes nothing and fails, naming each stale file, if any is out of date.
//! - `cargo xtask catalog --from <file or folder> [--write | --check]` compares AWS's Service Reference files with
//!   the project's copy of the catalogs (`crates/marketplace-iam-model/data/catalogs/`), prints the drift and the
//!   policies.toml actions it affects; `--write` updates the copy, `--check` exits 1 on drift (errors exit 2).
//! - `cargo xtask bench-expand [SIZES...]` times the compile-time expansion on synthetic files.
//! - `cargo xtask policy-corpus --count N --seed S --out FILE` writes random policies with the `aws-marketplace`
//!   actions our checker says each allows, for the differential test against parliament (`.ci/run`).
//! - `cargo run --release -p xtask -- bench-checker` times the policy checker (see docs/BENCHMARKS.md and
//!   `bench/checker.sh`).
//! - `cargo xtask e2e [--python <python3>]` proves the published policies against an IAM-enforcing local endpoint
//!   through the AWS SDK for Rust. It runs the `marketplace-iam-e2e` package, so that the AWS SDK is built only for
//!   it and the other tasks stay quick to build.

mod bench_checker;
mod bench_expand;
mod catalog;
mod codegen;
mod policy_gen;

use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Maintainer tasks of marketplace-iam")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate docs/policies/*.json, docs/permissions.md and the engine's catalog table.
    GenDocs {
        /// Write nothing; fail if any generated file is stale.
        #[arg(long)]
        check: bool,
    },
    /// Compare AWS's Service Reference files (<https://servicereference.us-east-1.amazonaws.com/>) with the project's
    /// copy of the catalogs and print the drift: actions added or removed, access levels, resource types, ARN
    /// formats and condition keys changed, and the policies.toml actions each change affects. Exit 0: no drift (or
    /// printed only), 1: drift with --check, 2: an error.
    Catalog {
        /// A Service Reference file, or a folder: every *.json in it.
        #[arg(long)]
        from: std::path::PathBuf,
        /// Update the copy (crates/marketplace-iam-model/data/catalogs/) and the engine's table.
        #[arg(long, conflicts_with = "check")]
        write: bool,
        /// Write nothing; exit 1 on drift (for a scheduled CI job).
        #[arg(long)]
        check: bool,
    },
    /// Time the compile-time expansion on synthetic policies files of the given sizes (see docs/BENCHMARKS.md).
    BenchExpand {
        /// Numbers of actions.
        #[arg(default_values_t = [100, 1_000, 10_000])]
        sizes: Vec<usize>,
    },
    /// Write random policies (JSON lines) with the aws-marketplace actions our checker says each allows.
    PolicyCorpus {
        /// How many policies.
        #[arg(long, default_value_t = 500)]
        count: usize,
        /// The generator's seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write `NotAction` statements (parliament cannot answer for them).
        #[arg(long)]
        not_action: bool,
        /// The file to write.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Time the policy checker against serde_json on the same documents, and write the inputs of the parliament
    /// and end-to-end benchmarks (run it with --release; see bench/checker.sh).
    BenchChecker {
        /// How many policies.
        #[arg(long, default_value_t = 10_000)]
        policies: usize,
        /// The size of the synthetic authorization-details export, in MB (0: none).
        #[arg(long, default_value_t = 50)]
        gaad_mb: usize,
        /// The generator's seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write policies.jsonl and authorization-details.json.
        #[arg(long)]
        out: std::path::PathBuf,
        /// Run each pass once, untimed, and write nothing (for an instruction count: bench/checker-callgrind.sh).
        #[arg(long)]
        once: bool,
    },
    /// Prove docs/policies/*.json against an IAM-enforcing local endpoint (moto) through the AWS SDK for Rust, and
    /// print the policy x operation matrix; fails if it differs from policies.toml.
    E2e {
        /// Passed to the runner: `--python <python3>`, the Python that creates its venv.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.task {
        Task::PolicyCorpus {
            count,
            seed,
            not_action,
            out,
        } => report(bench_checker::write_corpus(
            &out,
            count,
            seed,
            policy_gen::Options {
                not_action,
                strict_shapes: false,
            },
        )),
        Task::BenchChecker {
            policies,
            gaad_mb,
            seed,
            out,
            once,
        } => report(bench_checker::run(&out, policies, gaad_mb, seed, once)),
        Task::E2e { args } => e2e(&args),
        Task::Catalog { from, write, check } => {
            let mode = match (write, check) {
                (true, _) => catalog::Mode::Write,
                (_, true) => catalog::Mode::Check,
                _ => catalog::Mode::Show,
            };
            let outcome = catalog::run(&codegen::workspace_root(), &from, mode);
            if outcome.code == 2 {
                eprint!("{}", outcome.text);
            } else {
                print!("{}", outcome.text);
            }
            ExitCode::from(outcome.code)
        }
        Task::BenchExpand { sizes } => match bench_expand::run(&sizes) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Task::GenDocs { check } => {
            let mode = if check {
                codegen::Mode::Check
            } else {
                codegen::Mode::Write
            };
            match codegen::run(&codegen::workspace_root(), mode) {
                Ok(report) => {
                    print!("{report}");
                    if report.is_ok() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// The median of the benchmarks' timings (the upper one of an even count).
fn median(mut times: Vec<std::time::Duration>) -> std::time::Duration {
    times.sort();
    times[times.len() / 2]
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the e2e runner and runs it with `args`, from the workspace root, and exits as it does.
///
/// It builds every binary of the workspace rather than `-p marketplace-iam-e2e`: cargo unifies dependency features
/// over the packages it builds, so a build of the runner alone would compile the AWS SDK a second time after
/// `cargo test --workspace` (about three minutes in CI); with the workspace's feature set it reuses that build.
fn e2e(args: &[String]) -> ExitCode {
    match build_e2e().and_then(|exe| {
        Command::new(&exe)
            .current_dir(codegen::workspace_root())
            .args(args)
            .status()
            .map_err(|e| format!("cannot run {exe}: {e}"))
    }) {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("error: cargo xtask e2e failed ({status})");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the workspace's binaries and returns the path of the e2e runner.
fn build_e2e() -> Result<String, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(codegen::workspace_root())
        .args([
            "build",
            "--workspace",
            "--bins",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo build failed ({})", output.status));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| {
            m["reason"] == "compiler-artifact" && m["target"]["name"] == "marketplace-iam-e2e"
        })
        .find_map(|m| m["executable"].as_str().map(str::to_owned))
        .ok_or_else(|| "cargo build did not report the marketplace-iam-e2e executable".to_owned())
}
