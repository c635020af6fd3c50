//! `cargo xtask bench-expand`: how the compile-time expansion scales with the size of policies.toml.
//!
//! The proc macro validates action names against AWS's catalog, which has about 70 names, so a file with thousands
//! of actions cannot go through it. This benchmark runs the same code the macro runs, on synthetic files with a
//! synthetic catalog of the same size: the engine (`parse_with_catalog`: TOML parse, schema, cross-checks) and the
//! macro's token generation (its `codegen` module, compiled here as it is), then compiles the generated code with
//! cargo to show what the items cost rustc.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use marketplace_iam_model::catalog::{AccessLevel, Catalog, CatalogAction};

use crate::median;

#[allow(dead_code)]
#[path = "../../crates/marketplace-iam-macros/src/codegen.rs"]
mod codegen;

/// A policies.toml with `n` actions, one product granting all of them and a pricing model granting half.
fn synthetic(n: usize) -> (String, Catalog) {
    let mut toml = String::from(
        "schema_version = 1\n[page]\ntitle = \"Synthetic\"\nanchor = \"top\"\nintro = [\"Synthetic data.\"]\n",
    );
    let mut catalog = Vec::with_capacity(n);
    for i in 0..n {
        let name: &'static str =
            Box::leak(format!("aws-marketplace:Synthetic{i}").into_boxed_str());
        let _ = write!(
            toml,
            "\n[[actions]]\nid = \"Synthetic{i}\"\nname = \"{name}\"\nservice = \"metering\"\n\
             access_level = \"Write\"\npurpose = \"Synthetic action {i}.\"\n\
             api_reference = \"https://docs.aws.amazon.com/synthetic/{i}\"\n"
        );
        catalog.push(CatalogAction {
            name,
            service: "AWS Marketplace Metering Service",
            access_level: AccessLevel::Write,
            resource_types: &[],
            condition_keys: &[],
            description: "",
            documentation: "",
        });
    }
    let all: Vec<String> = (0..n).map(|i| format!("\"Synthetic{i}\"")).collect();
    let _ = write!(
        toml,
        "\n[[products]]\nid = \"synthetic\"\nname = \"Synthetic\"\ntitle = \"Synthetic\"\nanchor = \"synthetic\"\n\
         actions = [{}]\n\n[[products.pricing_models]]\nid = \"half\"\nname = \"Half\"\ndescription = \"Half.\"\n\
         source = \"https://docs.aws.amazon.com/synthetic\"\nactions = [{}]\n",
        all.join(", "),
        all[..n.div_ceil(2)].join(", ")
    );
    (toml, Catalog::from_actions(catalog))
}

pub fn run(sizes: &[usize], compile: bool) -> Result<(), String> {
    println!(
        "{:>7}  {:>9}  {:>10}  {:>10}  {:>12}  {:>12}  {:>10}  {:>11}",
        "actions",
        "toml KiB",
        "engine",
        "codegen",
        "lex (p-m2)",
        "lex (rustc)",
        "expansion",
        "rustc build"
    );
    for &n in sizes {
        let (toml, catalog) = synthetic(n);
        let mut engine = Vec::new();
        let mut gen_times = Vec::new();
        let mut lex_times = Vec::new();
        let mut code = String::new();
        for _ in 0..5 {
            let t = Instant::now();
            let policies =
                marketplace_iam_model::parse_with_catalog("policies.toml", &toml, &catalog)
                    .map_err(|e| e.to_string())?;
            engine.push(t.elapsed());
            let t = Instant::now();
            code = codegen::generate(&codegen::plan(&policies, false));
            gen_times.push(t.elapsed());
            // The macro hands this text to the compiler's lexer. proc-macro2's lexer, built here in the debug
            // profile, is one stand-in (slower than rustc's); `rustc_lex` below is the other.
            let t = Instant::now();
            let tokens: proc_macro2::TokenStream = code.parse().map_err(|e| format!("{e:?}"))?;
            lex_times.push(t.elapsed());
            drop(tokens);
        }
        let (e, g, l) = (median(engine), median(gen_times), median(lex_times));
        let r = rustc_lex(&code)?;
        let build = if compile {
            Some(compile_generated(&code)?)
        } else {
            None
        };
        let ms = |d: Duration| format!("{:.1}ms", d.as_secs_f64() * 1e3);
        println!(
            "{n:>7}  {:>9.0}  {:>10}  {:>10}  {:>12}  {:>12}  {:>10}  {:>11}",
            toml.len() as f64 / 1024.0,
            ms(e),
            ms(g),
            ms(l),
            ms(r),
            ms(e + g + r),
            build.map_or("-".to_owned(), |b| format!("{:.2}s", b.as_secs_f64()))
        );
    }
    Ok(())
}

/// What rustc's own lexer and parser take for the generated code: `rustc -Zparse-crate-root-only` on it, minus the
/// same on an empty file (process start-up), median of 5. An upper bound of the lexing the macro's
/// `TokenStream::from_str` costs in a real build (it lexes; this also parses). `RUSTC_BOOTSTRAP=1` admits the `-Z`
/// flag on the pinned stable toolchain.
fn rustc_lex(code: &str) -> Result<Duration, String> {
    let dir =
        std::env::temp_dir().join(format!("marketplace-iam-bench-lex-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (full, empty) = (dir.join("generated.rs"), dir.join("empty.rs"));
    std::fs::write(&full, code).map_err(|e| e.to_string())?;
    std::fs::write(&empty, "").map_err(|e| e.to_string())?;
    let time = |file: &std::path::Path| -> Result<Duration, String> {
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let out = std::process::Command::new("rustc")
                .args([
                    "--edition",
                    "2024",
                    "--crate-type",
                    "lib",
                    "-Zparse-crate-root-only",
                ])
                .arg(file)
                .env("RUSTC_BOOTSTRAP", "1")
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .output()
                .map_err(|e| format!("rustc: {e}"))?;
            times.push(t.elapsed());
            if !out.status.success() {
                return Err(format!(
                    "rustc could not parse the generated code: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
        Ok(median(times))
    };
    let result = time(&full).and_then(|f| Ok(f.saturating_sub(time(&empty)?)));
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Builds a library crate whose source is the generated code (debug, fresh target dir); returns the wall time.
fn compile_generated(code: &str) -> Result<Duration, String> {
    let dir = std::env::temp_dir().join(format!(
        "marketplace-iam-bench-expand-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"expanded\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/lib.rs"), code).map_err(|e| e.to_string())?;
    let t = Instant::now();
    let status = std::process::Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--offline"])
        .current_dir(&dir)
        .status()
        .map_err(|e| e.to_string())?;
    let took = t.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    if status.success() {
        Ok(took)
    } else {
        Err("the generated code did not compile".to_owned())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn synthetic_files_are_valid_and_generate_code() {
        let (toml, catalog) = super::synthetic(50);
        let policies =
            marketplace_iam_model::parse_with_catalog("p.toml", &toml, &catalog).unwrap();
        assert_eq!(policies.actions.len(), 50);
        let code = super::codegen::generate(&super::codegen::plan(&policies, false));
        assert!(code.parse::<proc_macro2::TokenStream>().is_ok());
        assert!(code.contains("Synthetic49"));
    }
}
