//! The code generation library as the proc macro calls it, without a compiler: what the expansion names, and what
//! it emits for a broken file.

use proc_macro2::TokenStream;
use quote::quote;

const VALID: &str = r#"
schema_version = 1
[page]
title = "Acme"
anchor = "acme"
intro = ["Acme's permissions."]
[[actions]]
id = "MeterUsage"
name = "aws-marketplace:MeterUsage"
service = "metering"
access_level = "Write"
purpose = "Meters."
api_reference = "https://docs.aws.amazon.com/marketplacemetering/latest/APIReference/API_MeterUsage.html"
[[actions]]
id = "GetEntitlements"
name = "aws-marketplace:GetEntitlements"
service = "entitlement"
access_level = "Read"
purpose = "Reads entitlements."
api_reference = "https://docs.aws.amazon.com/marketplaceentitlement/latest/APIReference/API_GetEntitlements.html"
[[products]]
id = "acme"
name = "Acme"
title = "Acme"
anchor = "acme"
actions = ["MeterUsage"]
"#;

fn expand(args: TokenStream) -> String {
    marketplace_iam_codegen::policies(args).to_string()
}

#[test]
fn the_expansion_names_the_runtime_crate_by_path() {
    let code = expand(quote!(source = #VALID));
    assert!(
        code.contains(":: marketplace_iam :: __policy_marker ! (\"Marker type of the Acme"),
        "{code}"
    );
    assert!(
        code.contains(":: marketplace_iam :: __grants ! (Acme : MeterUsage)"),
        "{code}"
    );
    // Each declared action is a row with its marker's module and name in the runtime crate's catalog.
    assert!(
        code.contains("MeterUsage METER_USAGE \"aws-marketplace:MeterUsage\""),
        "{code}"
    );
    assert!(code.contains("aws_marketplace MeterUsage ;"), "{code}");
    assert!(code.contains("aws_marketplace GetEntitlements ;"), "{code}");
    // The fixed vocabulary and the code of the items are the runtime crate's: the expansion holds data and
    // invocations of its macros.
    for defined in [
        "pub trait ",
        "pub struct ",
        "pub enum ",
        "impl ::",
        "impl <",
        "pub const fn ",
        "macro_rules !",
    ] {
        assert!(!code.contains(defined), "the expansion defines `{defined}`");
    }
}

#[test]
fn crate_points_the_paths_at_a_re_export() {
    let code = expand(quote!(source = #VALID, crate = ::my_sdk::marketplace_iam));
    assert!(
        code.contains(":: my_sdk :: marketplace_iam :: __grants ! (Acme : MeterUsage)"),
        "{code}"
    );
    assert_eq!(
        code.matches(":: marketplace_iam ::").count(),
        code.matches(":: my_sdk :: marketplace_iam ::").count(),
        "a path to the runtime crate that is not the one given"
    );
    // In either order.
    let code = expand(quote!(crate = crate::iam, source = #VALID));
    assert!(
        code.contains("crate :: iam :: __grants ! (Acme : MeterUsage)"),
        "{code}"
    );
}

#[test]
fn malformed_arguments_are_errors_that_say_what_to_write() {
    for (args, expected) in [
        (quote!(paht = "p.toml"), "unknown argument `paht`"),
        (quote!(crate = ::a, crate = ::b), "`crate` is given twice"),
        (quote!(crate = "::a"), "expected a path after `crate =`"),
        (
            quote!(path = "a.toml", source = "x"),
            "takes one of `path = \\\"...\\\"` and `source = \\\"...\\\"`, once",
        ),
        (
            quote!(path = "a.toml" source = "x"),
            "separate the arguments of policies!() with `,`",
        ),
    ] {
        let code = expand(args.clone());
        assert!(code.contains("compile_error"), "{args}: {code}");
        assert!(
            code.contains(expected),
            "{args}: expected {expected:?} in {code}"
        );
    }
}

#[test]
fn a_broken_file_reports_each_error_and_grants_everything_to_its_placeholders() {
    // Two mistakes: an unknown key, and an action that is not in AWS's catalog.
    let broken = VALID
        .replace(
            "anchor = \"acme\"\nintro",
            "colour = \"blue\"\nanchor = \"acme\"\nintro",
        )
        .replace(
            "id = \"GetEntitlements\"\nname = \"aws-marketplace:GetEntitlements\"",
            "id = \"Nope\"\nname = \"aws-marketplace:Nope\"",
        );
    let code = expand(quote!(source = #broken));
    assert_eq!(code.matches("compile_error").count(), 2, "{code}");
    assert!(code.contains("unknown key `colour`"), "{code}");
    // The declared names exist, so the user's code shows no secondary errors: a name from the catalog points at its
    // marker, one that is not at the runtime crate's placeholder.
    assert!(code.contains("aws_marketplace MeterUsage ;"), "{code}");
    assert!(
        code.contains("Nope NOPE \"\" \"\" Read \"\" __unknown UnknownAction ;"),
        "{code}"
    );
    assert!(code.contains("Acme PLACEHOLDER) ;"), "{code}");
    // Every action of the catalog is granted to the placeholder product.
    let grants = code.split("__grants ! (Acme :").nth(1).unwrap();
    let grants = grants.split(')').next().unwrap();
    let catalog = marketplace_iam_model::catalog::all();
    assert_eq!(grants.split(',').count(), catalog.len() + 1, "{grants}");
    assert!(grants.contains(":: marketplace_iam :: actions :: aws_marketplace :: StartChangeSet"));
    assert!(grants.contains(":: marketplace_iam :: __private :: UnknownAction"));
}

#[test]
fn a_missing_file_is_an_error_that_says_where_paths_resolve() {
    let code = expand(quote!(path = "no/such/policies.toml"));
    assert!(
        code.contains("could not read `no/such/policies.toml`"),
        "{code}"
    );
    assert!(code.contains("CARGO_MANIFEST_DIR"), "{code}");
}

#[test]
fn the_catalog_has_a_marker_per_action_of_every_prefix() {
    let code = marketplace_iam_codegen::catalog_markers().to_string();
    assert!(
        code.contains("pub mod aws_marketplace { crate :: __action_markers ! {"),
        "{code}"
    );
    let catalog = marketplace_iam_model::catalog::all();
    assert!(!catalog.is_empty());
    for a in catalog {
        let (_, name) = a.name.split_once(':').unwrap();
        // A row: the marker, its IAM name, its access level, its docs.
        let level = format!("{:?}", a.access_level);
        assert!(
            code.contains(&format!("{name} \"{}\" {level} \"", a.name)),
            "{}",
            a.name
        );
    }
}
