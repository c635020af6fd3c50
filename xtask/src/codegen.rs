//! Generation of every file derived from policies.toml and the catalog data, and the freshness check.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use marketplace_iam_model::{Policies, iac, load, render_page};

/// The directory of the published policy documents, relative to the workspace root.
pub const POLICIES_DIR: &str = "docs/policies";
/// The published trust policies, CloudFormation templates and Terraform configurations (the roles', and the SaaS
/// notification stacks').
pub const TRUST_DIR: &str = "docs/trust-policies";
pub const CLOUDFORMATION_DIR: &str = "docs/cloudformation";
pub const TERRAFORM_DIR: &str = "docs/terraform";
/// The documents of each notification route, with their `${Parameter}` placeholders: the consumer's policy (and with
/// the key's actions), the queue policy, and the subscriber's policy where the route subscribes to topics.
pub const NOTIFICATIONS_DIR: &str = "docs/notifications";
/// The directories whose every file is generated: a file there that nothing generates is stale.
const GENERATED_DIRS: [&str; 6] = [
    POLICIES_DIR,
    TRUST_DIR,
    CLOUDFORMATION_DIR,
    TERRAFORM_DIR,
    NOTIFICATIONS_DIR,
    RUNTIME_GENERATED_DIR,
];
/// The published page.
pub const PAGE: &str = "docs/permissions.md";
/// The runtime crate's items of the project's policies.toml and its action markers, which it `include!`s: a service
/// that uses the project's products compiles them as plain Rust, without running (or compiling) the proc macro.
pub const RUNTIME_GENERATED_DIR: &str = "crates/marketplace-iam/src/generated";

const FIX: &str = "cargo xtask gen-docs";

/// Write the files, or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// What happened to each generated file.
#[derive(Debug, Default)]
pub struct Report {
    mode: Option<Mode>,
    unchanged: usize,
    /// Files written (write mode) or out of date (check mode).
    changed: Vec<String>,
    /// Files under docs/policies/ that nothing generates any more: removed, or reported in check mode.
    orphans: Vec<String>,
}

impl Report {
    /// `false` when `--check` found stale files.
    pub fn is_ok(&self) -> bool {
        self.mode == Some(Mode::Write) || (self.changed.is_empty() && self.orphans.is_empty())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.unchanged + self.changed.len();
        match self.mode {
            Some(Mode::Check) if !self.is_ok() => {
                for file in &self.changed {
                    writeln!(
                        f,
                        "error: {file} is stale: it differs from what policies.toml generates"
                    )?;
                }
                for file in &self.orphans {
                    writeln!(f, "error: {file} is no longer generated from policies.toml")?;
                }
                writeln!(f, "help: run `{FIX}` and commit the result")
            }
            Some(Mode::Check) => {
                writeln!(f, "gen-docs: all {total} generated files are up to date")
            }
            _ => {
                for file in &self.changed {
                    writeln!(f, "wrote {file}")?;
                }
                for file in &self.orphans {
                    writeln!(f, "removed {file} (no longer generated)")?;
                }
                if self.changed.is_empty() && self.orphans.is_empty() {
                    writeln!(
                        f,
                        "gen-docs: nothing changed ({total} generated files up to date)"
                    )
                } else {
                    writeln!(
                        f,
                        "gen-docs: {} written, {} removed, {} unchanged",
                        self.changed.len(),
                        self.orphans.len(),
                        self.unchanged
                    )
                }
            }
        }
    }
}

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_owned()
}

/// Every generated file: its path relative to `root`, and its contents.
pub fn generated_files(root: &Path) -> Result<Vec<(String, String)>, String> {
    let mut files = vec![(
        crate::catalog::CATALOG_RS.to_owned(),
        crate::catalog::catalog_table(root)?,
    )];
    let policies: Policies = load(root.join("policies.toml")).map_err(|e| e.to_string())?;
    for doc in policies.documents() {
        files.push((format!("{POLICIES_DIR}/{}", doc.file_name()), doc.json()));
    }
    for target in &policies.targets {
        files.push((
            format!("{TRUST_DIR}/{}.json", target.id),
            target.trust.render(),
        ));
    }
    for d in policies.deployments() {
        let stem = d.stem();
        files.push((
            format!("{CLOUDFORMATION_DIR}/{stem}.json"),
            iac::cloudformation(&d),
        ));
        files.push((
            format!("{TERRAFORM_DIR}/{stem}.tf.json"),
            iac::terraform(&d),
        ));
    }
    for route in &policies.notifications {
        for (name, text) in route.published(&policies) {
            files.push((format!("{NOTIFICATIONS_DIR}/{name}"), text));
        }
    }
    // Per notification route and target, the whole stack: queue, queue policy, subscriptions or rule, consumer role.
    for stack in policies.stacks() {
        let stem = stack.stem();
        let defaults = iac::Defaults::default();
        files.push((
            format!("{CLOUDFORMATION_DIR}/{stem}.json"),
            iac::stack_cloudformation(&stack, &defaults),
        ));
        files.push((
            format!("{TERRAFORM_DIR}/{stem}.tf.json"),
            iac::stack_terraform(&stack, &defaults),
        ));
    }
    files.push((PAGE.to_owned(), render_page(&policies, "policies")));
    files.push((
        format!("{RUNTIME_GENERATED_DIR}/policies.rs"),
        rust_file(
            "the items of policies.toml",
            marketplace_iam_codegen::runtime_items(&policies),
        )?,
    ));
    files.push((
        format!("{RUNTIME_GENERATED_DIR}/catalog.rs"),
        rust_file(
            "the action markers of the engine's catalog",
            marketplace_iam_codegen::catalog_markers(),
        )?,
    ));
    Ok(files)
}

/// Generated items (`what` they are) as a Rust source file: pretty-printed, under a header that says where they come
/// from.
fn rust_file(what: &str, items: proc_macro2::TokenStream) -> Result<String, String> {
    let file: syn::File =
        syn::parse2(items).map_err(|e| format!("error: {what} do not parse as Rust: {e}"))?;
    Ok(format!(
        "// @generated by `cargo xtask gen-docs` with the code generation of `policies!` (marketplace-iam-codegen):\n\
         // {what}. Do not edit: edit policies.toml or the catalogs and run `cargo xtask gen-docs`.\n\n{}",
        prettyplease::unparse(&file)
    ))
}

/// Regenerates (or, in check mode, compares) every generated file under `root`.
pub fn run(root: &Path, mode: Mode) -> Result<Report, String> {
    let files = generated_files(root)?;
    let mut report = Report {
        mode: Some(mode),
        ..Report::default()
    };
    for (rel, contents) in &files {
        let path = root.join(rel);
        if std::fs::read(&path).ok().as_deref() == Some(contents.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        report.changed.push(rel.clone());
        if mode == Mode::Write {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("error: could not create {}: {e}", dir.display()))?;
            }
            std::fs::write(&path, contents)
                .map_err(|e| format!("error: could not write {rel}: {e}"))?;
        }
    }
    let wanted: BTreeSet<&str> = files.iter().map(|(rel, _)| rel.as_str()).collect();
    let mut orphans = Vec::new();
    for dir in GENERATED_DIRS {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        orphans.extend(
            entries
                .filter_map(|e| e.ok())
                .map(|e| format!("{dir}/{}", e.file_name().to_string_lossy()))
                .filter(|rel| !wanted.contains(rel.as_str())),
        );
    }
    orphans.sort();
    if mode == Mode::Write {
        for rel in &orphans {
            std::fs::remove_file(root.join(rel))
                .map_err(|e| format!("error: could not remove {rel}: {e}"))?;
        }
    }
    report.orphans = orphans;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test --workspace` fails while a generated file is stale, like `cargo xtask gen-docs --check`.
    #[test]
    fn generated_files_are_fresh() {
        let report = run(&workspace_root(), Mode::Check).unwrap_or_else(|e| panic!("{e}"));
        assert!(report.is_ok(), "\n{report}");
    }

    /// `gen-docs` reports the engine's located errors for the bad inputs of versions 2 and 3, and writes nothing.
    #[test]
    fn gen_docs_reports_each_bad_input_where_it_is_written() {
        let workspace = workspace_root();
        let root = std::env::temp_dir().join(format!("xtask-gen-docs-bad-{}", std::process::id()));
        let catalogs = "crates/marketplace-iam-model/data/catalogs";
        std::fs::create_dir_all(root.join(catalogs)).unwrap();
        for entry in std::fs::read_dir(workspace.join(catalogs)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, root.join(catalogs).join(path.file_name().unwrap())).unwrap();
        }
        let text = std::fs::read_to_string(workspace.join("policies.toml")).unwrap();
        let errors = |edits: &[(&str, &str)]| {
            let mut bad = text.clone();
            for (from, to) in edits {
                assert!(bad.contains(from), "test bug: {from:?}");
                bad = bad.replacen(from, to, 1);
            }
            std::fs::write(root.join("policies.toml"), bad).unwrap();
            generated_files(&root).expect_err("rejected")
        };
        let out = errors(&[
            (
                "name = \"license-manager:CheckoutLicense\"",
                "name = \"license-manager:CheckoutLicence\"",
            ),
            (
                "name = \"aws-marketplace:ResolveCustomer\"",
                "name = \"ec2:RunInstances\"",
            ),
            (
                "resources = [\"arn:aws:license-manager::*:license:*\"]\n",
                "",
            ),
        ]);
        for expected in [
            "action `license-manager:CheckoutLicence` is not in the AWS catalog of the `license-manager` prefix",
            "did you mean `license-manager:CheckoutLicense`?",
            "action `ec2:RunInstances` is not in the AWS catalog",
            "`license-manager:GetLicense` has resource types (`license`): say which ARNs the policy grants it on",
        ] {
            assert!(out.contains(expected), "{expected} in\n{out}");
        }
        // Located at the name, line and column.
        let line = 1 + text[..text
            .find("name = \"aws-marketplace:ResolveCustomer\"")
            .unwrap()]
            .matches('\n')
            .count();
        assert!(
            out.contains(&format!("policies.toml:{line}:8")),
            "line {line} in\n{out}"
        );
        let out = errors(&[("schema_version = 3", "schema_version = 1")]);
        assert!(
            out.contains("an action of the `license-manager` prefix needs schema_version = 2"),
            "{out}"
        );
        assert!(
            out.contains("`managed_policies` needs schema_version = 2"),
            "{out}"
        );
        assert!(
            out.contains("`notifications` needs schema_version = 3"),
            "{out}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn generation_is_deterministic() {
        let root = workspace_root();
        assert_eq!(
            generated_files(&root).unwrap(),
            generated_files(&root).unwrap()
        );
    }
}
