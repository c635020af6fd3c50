//! `cargo xtask bench-expand`: how the compile-time expansion scales with the size of policies.toml.
//!
//! The proc macro validates action names against AWS's catalog, which has about 70 names, so a file with thousands
//! of actions cannot go through it. This benchmark runs the same code the macro runs, on synthetic files with a
//! synthetic catalog of the same size: the engine (`parse_with_catalog`: TOML parse, schema, cross-checks) and the
//! macro's code generation (`marketplace-iam-codegen`, the library the proc macro forwards to), then rustc's own
//! lexing and parsing of the generated items.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use marketplace_iam_model::catalog::{AccessLevel, Catalog, CatalogAction};

use crate::median;

/// The items of a validated file, as the proc macro generates them.
fn generate(policies: &marketplace_iam_model::Policies) -> proc_macro2::TokenStream {
    marketplace_iam_codegen::generate(
        &marketplace_iam_codegen::plan(policies, false),
        &quote::quote!(::marketplace_iam),
    )
}

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
            access_level: AccessLevel::Write,
            resource_types: &[],
            condition_keys: &[],
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

pub fn run(sizes: &[usize]) -> Result<(), String> {
    println!(
        "{:>7}  {:>9}  {:>10}  {:>10}  {:>12}  {:>10}",
        "actions", "toml KiB", "engine", "codegen", "lex (rustc)", "expansion"
    );
    for &n in sizes {
        let (toml, catalog) = synthetic(n);
        let mut engine = Vec::new();
        let mut gen_times = Vec::new();
        let mut tokens = proc_macro2::TokenStream::new();
        for _ in 0..5 {
            let t = Instant::now();
            let policies =
                marketplace_iam_model::parse_with_catalog("policies.toml", &toml, &catalog)
                    .map_err(|e| e.to_string())?;
            engine.push(t.elapsed());
            let t = Instant::now();
            tokens = generate(&policies);
            gen_times.push(t.elapsed());
        }
        let (e, g) = (median(engine), median(gen_times));
        // The macro hands its tokens to the compiler, which parses them into items: rustc's lexing and parsing of
        // the same items as text stands in for that step.
        let r = rustc_lex(&tokens.to_string())?;
        let ms = |d: Duration| format!("{:.1}ms", d.as_secs_f64() * 1e3);
        println!(
            "{n:>7}  {:>9.0}  {:>10}  {:>10}  {:>12}  {:>10}",
            toml.len() as f64 / 1024.0,
            ms(e),
            ms(g),
            ms(r),
            ms(e + g + r),
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

#[cfg(test)]
mod tests {
    #[test]
    fn synthetic_files_are_valid_and_generate_code() {
        let (toml, catalog) = super::synthetic(50);
        let policies =
            marketplace_iam_model::parse_with_catalog("p.toml", &toml, &catalog).unwrap();
        assert_eq!(policies.actions.len(), 50);
        let code = super::generate(&policies).to_string();
        // Every action is a row of the actions table, with the module and name of its marker.
        assert!(code.contains(
            "Synthetic49 SYNTHETIC49 \"aws-marketplace:Synthetic49\" \"Synthetic action 49.\" Write \"\" aws_marketplace Synthetic49 ;"
        ));
        // The pricing model grants the first half of the actions, and only those.
        let half = code
            .split("__grants ! (SyntheticHalf :")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .unwrap();
        let granted: Vec<&str> = half.split(',').map(str::trim).collect();
        assert_eq!(granted.len(), 25);
        assert_eq!(granted[24], "Synthetic24");
    }
}
