//! `cargo xtask catalog` on the fixtures of `xtask/tests/fixtures/catalog/`: a small copy of the project's catalog
//! (`base/`), AWS files that add, remove and change actions and bring a new prefix (`drift/`), and malformed files
//! (`malformed/`). Each test runs the command on a temporary workspace root holding a copy of `base/` and the
//! project's policies.toml, so `--write` never touches the project's own copy.

use std::path::{Path, PathBuf};

use super::format::{CATALOGS_DIR, parse, read_copy};
use super::{CATALOG_RS, Mode, run};
use crate::codegen::workspace_root;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalog")
}

/// A temporary workspace root with `base/` as its catalog copy and the project's policies.toml.
struct Root(PathBuf);

impl Root {
    fn new(name: &str) -> Root {
        let dir = std::env::temp_dir().join(format!(
            "marketplace-iam-catalog-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(CATALOGS_DIR)).unwrap();
        std::fs::create_dir_all(dir.join(CATALOG_RS).parent().unwrap()).unwrap();
        for entry in std::fs::read_dir(fixtures().join("base")).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(
                &path,
                dir.join(CATALOGS_DIR).join(path.file_name().unwrap()),
            )
            .unwrap();
        }
        std::fs::copy(
            workspace_root().join("policies.toml"),
            dir.join("policies.toml"),
        )
        .unwrap();
        Root(dir)
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The command's output with the fixtures' location made relative, and its exit code.
fn catalog(root: &Path, from: &str, mode: Mode) -> (String, u8) {
    let outcome = run(root, &fixtures().join(from), mode);
    let shown = outcome
        .text
        .replace(&format!("{}/", fixtures().display()), "");
    (shown, outcome.code)
}

#[test]
fn drift_lists_every_change_and_the_policies_toml_actions_it_affects() {
    let root = Root::new("drift");
    let (text, code) = catalog(&root.0, "drift", Mode::Show);
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!("drift", text);
    // The lines a maintainer acts on, whatever else the snapshot shows.
    for line in [
        "  + aws-marketplace:MeterUsageV2 (Write)",
        "  - aws-marketplace:RegisterUsage (was Write)",
        "  ~ aws-marketplace:GetEntitlements: access level Read -> Write",
        "  ~ aws-marketplace:DescribeEntity: resource types added: `ChangeSet`",
        "  ~ aws-marketplace:DescribeEntity: resource types removed: `Entity`",
        "  ~ aws-marketplace:StartChangeSet: condition keys added: `aws-marketplace:ChangeSetName`",
        "  ~ aws-marketplace:StartChangeSet: condition keys removed: `aws:RequestTag/${TagKey}`",
        "    RegisterUsage (aws-marketplace:RegisterUsage): removed; granted by container, container/hourly-monthly",
        "license-manager: new prefix (drift/license-manager.json, 2 actions): the project has no copy of it",
        "catalog: drift in 2 of 2 prefixes",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    assert!(text.contains("ARN format arn:${Partition}:aws-marketplace:${Region}:${Account}:${Catalog}/ChangeSet/${ResourceId} -> "), "{text}");
    assert!(text.contains("    GetEntitlements (aws-marketplace:GetEntitlements): access level changed; granted by saas,"), "{text}");
}

#[test]
fn check_exits_1_on_drift_and_writes_nothing() {
    let root = Root::new("check");
    let before = std::fs::read(root.0.join(CATALOGS_DIR).join("aws-marketplace.json")).unwrap();
    let (text, code) = catalog(&root.0, "drift", Mode::Check);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("error: the project's copy of the catalog is out of date"),
        "{text}"
    );
    assert_eq!(
        std::fs::read(root.0.join(CATALOGS_DIR).join("aws-marketplace.json")).unwrap(),
        before
    );
    assert!(
        !root
            .0
            .join(CATALOGS_DIR)
            .join("license-manager.json")
            .exists()
    );
    assert!(!root.0.join(CATALOG_RS).exists());
}

#[test]
fn one_file_is_compared_alone() {
    let root = Root::new("one-file");
    let (text, code) = catalog(&root.0, "drift/aws-marketplace.json", Mode::Check);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("catalog: drift in 1 of 1 prefix\n"), "{text}");
    assert!(!text.contains("license-manager"), "{text}");
    let (text, code) = catalog(&root.0, "base/aws-marketplace.json", Mode::Check);
    assert_eq!(
        (text.as_str(), code),
        (
            "aws-marketplace: no drift (8 actions, base/aws-marketplace.json)\ncatalog: no drift in 1 prefix\n",
            0
        )
    );
}

#[test]
fn write_updates_the_copy_and_the_table_then_check_passes() {
    let root = Root::new("write");
    let (text, code) = catalog(&root.0, "drift", Mode::Write);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(&format!("wrote {CATALOGS_DIR}/aws-marketplace.json")),
        "{text}"
    );
    assert!(
        text.contains(&format!("wrote {CATALOGS_DIR}/license-manager.json")),
        "{text}"
    );
    assert!(text.contains(&format!("wrote {CATALOG_RS}")), "{text}");
    let (text, code) = catalog(&root.0, "drift", Mode::Check);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.ends_with("catalog: no drift in 2 prefixes\n"),
        "{text}"
    );
    // The copy is normalized (sorted, AWS's extra fields dropped, Version kept) and byte-stable.
    let copy =
        std::fs::read_to_string(root.0.join(CATALOGS_DIR).join("aws-marketplace.json")).unwrap();
    assert!(copy.ends_with("}\n") && !copy.contains("Operations") && !copy.contains("SupportedBy"));
    assert!(copy.contains("\"Version\": \"v1.4\""));
    let services = read_copy(&root.0).unwrap();
    for s in &services {
        let path = root.0.join(CATALOGS_DIR).join(format!("{}.json", s.prefix));
        assert_eq!(std::fs::read_to_string(path).unwrap(), s.to_json());
    }
    // The engine's table now has both prefixes and the new action, and not the removed one.
    let table = std::fs::read_to_string(root.0.join(CATALOG_RS)).unwrap();
    assert!(table.contains(r#"PREFIXES: &[&str] = &["aws-marketplace", "license-manager"];"#));
    assert!(table.contains(r#"name: "aws-marketplace:MeterUsageV2","#));
    assert!(table.contains(r#"name: "license-manager:CheckoutLicense","#));
    assert!(!table.contains("RegisterUsage"));
    // A second write changes nothing.
    let (text, code) = catalog(&root.0, "drift", Mode::Write);
    assert_eq!(
        (code, text.ends_with("catalog: no drift in 2 prefixes\n")),
        (0, true),
        "{text}"
    );
}

#[test]
fn the_projects_copy_round_trips_with_no_drift() {
    let root = workspace_root();
    let outcome = run(&root, &root.join(CATALOGS_DIR), Mode::Check);
    assert_eq!(outcome.code, 0, "{}", outcome.text);
    assert!(
        outcome
            .text
            .contains("aws-marketplace: no drift (70 actions"),
        "{}",
        outcome.text
    );
    assert!(
        outcome
            .text
            .contains("license-manager: no drift (62 actions"),
        "{}",
        outcome.text
    );
    assert!(
        outcome.text.ends_with("catalog: no drift in 5 prefixes\n"),
        "{}",
        outcome.text
    );
    // Byte-stable: each file is exactly what --write would write.
    for s in read_copy(&root).unwrap() {
        let path = root.join(CATALOGS_DIR).join(format!("{}.json", s.prefix));
        assert_eq!(
            std::fs::read_to_string(path).unwrap(),
            s.to_json(),
            "{}",
            s.prefix
        );
    }
}

#[test]
fn malformed_files_are_located_errors_and_exit_2() {
    let root = Root::new("malformed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join("malformed"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 7, "the malformed fixtures");
    for file in files {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let (text, code) = catalog(&root.0, &format!("malformed/{stem}.json"), Mode::Write);
        assert_eq!(code, 2, "{stem}: {text}");
        assert!(
            text.starts_with(&format!("error: malformed/{stem}.json")),
            "{stem}: {text}"
        );
        assert!(text.contains("\nhelp: "), "{stem}: {text}");
        insta::assert_snapshot!(format!("malformed-{stem}"), text);
    }
    // Nothing was written.
    assert!(!root.0.join(CATALOG_RS).exists());
    assert_eq!(
        std::fs::read(root.0.join(CATALOGS_DIR).join("aws-marketplace.json")).unwrap(),
        std::fs::read(fixtures().join("base/aws-marketplace.json")).unwrap()
    );
}

#[test]
fn a_bad_file_in_a_folder_stops_the_whole_run() {
    let root = Root::new("bad-in-folder");
    let (text, code) = catalog(&root.0, "malformed", Mode::Write);
    assert_eq!(code, 2, "{text}");
    assert!(!root.0.join(CATALOG_RS).exists());
}

#[test]
fn an_empty_folder_is_an_error_not_an_empty_catalog() {
    let root = Root::new("empty");
    let empty = root.0.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let outcome = run(&root.0, &empty, Mode::Check);
    assert_eq!(outcome.code, 2, "{}", outcome.text);
    assert!(
        outcome.text.contains("no *.json file in the folder"),
        "{}",
        outcome.text
    );
}

#[test]
fn errors_name_the_line_column_and_json_path() {
    let file = Path::new("x.json");
    let e = parse(file, "{\"Name\": \"s3\", \"Actions\": [{\"Name\": 7}]}").unwrap_err();
    assert!(
        e.starts_with(
            "error: x.json:1:37: $.Actions[0].Name: invalid type: integer `7`, expected a string"
        ),
        "{e}"
    );
    let e = parse(file, "{\"Name\": \"s3\"}").unwrap_err();
    assert!(
        e.starts_with("error: x.json:1:14: $: missing field `Actions`"),
        "{e}"
    );
    let e = parse(file, "{\"Name\": \"s3\", \"Actions\": []} []").unwrap_err();
    assert!(e.contains("trailing characters"), "{e}");
    let e = parse(file, "\n  [1, 2]").unwrap_err();
    assert!(
        e.starts_with("error: x.json:2:3: $: expected a service file"),
        "{e}"
    );
}

#[test]
fn access_levels_round_trip_through_the_flags() {
    use marketplace_iam_model::catalog::AccessLevel;
    for level in AccessLevel::ALL {
        assert_eq!(
            super::format::access_level(super::format::properties(level)),
            Some(level)
        );
    }
}

#[test]
fn semantic_errors_are_located_by_their_json_path() {
    use super::format::offset_of;
    let text = r#"{"A":{"B\"x":[1,{"C":[true, "z"]}],"Name":"n"},"D" : [ {}, [2], "k" ]}"#;
    let at = |path| offset_of(text, path).map(|i| &text[i..]);
    assert!(at("$.A.Name").unwrap().starts_with(r#""n"}"#));
    // A key is compared as written, escapes and all; a string's escaped quote does not end it.
    assert!(at("$.A.B\\\"x[1].C[1]").unwrap().starts_with(r#""z"]"#));
    assert!(at("$.D[2]").unwrap().starts_with(r#""k" ]"#));
    assert!(at("$.D[1][0]").unwrap().starts_with("2]"));
    assert!(at("$.D[3]").is_none());
    assert!(at("$.Missing").is_none());
    let text =
        "{\"Actions\": [{\"Name\": \"A\"}, {\"Name\": \"B\", \"Resources\": [{\"Name\": \"x\"}]}]}";
    assert!(
        offset_of(text, "$.Actions[1].Resources[0].Name")
            .is_some_and(|i| text[i..].starts_with("\"x\""))
    );
}
