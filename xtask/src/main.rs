//! `cargo xtask`: the project's maintainer tasks (the cargo-xtask convention: a workspace member run through the
//! alias in `.cargo/config.toml`).
//!
//! - `cargo xtask gen-docs` regenerates every generated file from policies.toml and the AWS catalog data:
//!   `docs/policies/*.json`, `docs/permissions.md` and the catalog table of the engine.
//! - `cargo xtask gen-docs --check` writes nothing and fails, naming each stale file, if any is out of date.
//! - `cargo xtask bench-expand [--compile] [SIZES...]` times the compile-time expansion on synthetic files.

mod bench_expand;
mod codegen;

use std::process::ExitCode;

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
    /// Time the compile-time expansion on synthetic policies files of the given sizes (see docs/BENCHMARKS.md).
    BenchExpand {
        /// Numbers of actions.
        #[arg(default_values_t = [100, 1_000, 10_000])]
        sizes: Vec<usize>,
        /// Also compile the generated code (a cold `cargo build` per size).
        #[arg(long)]
        compile: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.task {
        Task::BenchExpand { sizes, compile } => match bench_expand::run(&sizes, compile) {
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
