//! `Action`: a row per action for the runtime crate's `__actions!`.

use proc_macro2::{Literal, Punct, Spacing, TokenStream};
use quote::{TokenStreamExt, quote};

use super::shared::{Gen, PLACEHOLDER, ident};
use crate::plan::ActionPlan;

pub(crate) fn generate(g: &Gen<'_>) -> TokenStream {
    let krate = g.krate;
    let actions = &g.plan.actions;
    let first = |f: &dyn Fn(&ActionPlan) -> String| actions.first().map(f).unwrap_or_default();
    let examples = g.examples(&[
        ("enum", &|| {
            first(&|a| {
                format!(
                    "use marketplace_iam::Action;\n\n\
                     let action: Action = \"{}\".parse().unwrap();\n\
                     assert_eq!(action, Action::{});\n\
                     assert_eq!(action.to_string(), \"{}\");",
                    a.name.to_uppercase(),
                    a.ident,
                    a.name
                )
            })
        }),
        ("all", &|| format!("assert_eq!(marketplace_iam::Action::ALL.len(), {});", actions.len())),
        ("as_str", &|| {
            first(&|a| format!("assert_eq!(marketplace_iam::Action::{}.as_str(), \"{}\");", a.ident, a.name))
        }),
        ("id", &|| first(&|a| format!("assert_eq!(marketplace_iam::Action::{0}.id(), \"{0}\");", a.ident))),
        ("purpose", &|| {
            first(&|a| format!("assert!(!marketplace_iam::Action::{}.purpose().is_empty());", a.ident))
        }),
        ("level", &|| {
            first(&|a| {
                format!(
                    "assert_eq!(marketplace_iam::Action::{}.access_level(), marketplace_iam::AccessLevel::{});",
                    a.ident, a.access_level
                )
            })
        }),
    ]);
    // One row per action, a few tokens each: the runtime crate's macro builds the variant, the constant, the
    // re-exported marker and the table entries from it.
    let mut rows = TokenStream::new();
    let mut row = |variant: &proc_macro2::Ident, a: &ActionPlan| {
        let example = if g.plan.examples {
            format!(
                "\n\n# Examples\n\n```\nassert_eq!(marketplace_iam::{}, \"{}\");\n```",
                a.konst, a.name
            )
        } else {
            String::new()
        };
        let (module, marker) = match &a.marker {
            Some((module, marker)) => (ident(module), ident(marker)),
            None => (ident("__unknown"), ident("UnknownAction")),
        };
        rows.append(variant.clone());
        rows.append(ident(&a.konst));
        rows.append(Literal::string(&a.name));
        rows.append(Literal::string(&a.purpose));
        rows.append(ident(a.access_level));
        rows.append(Literal::string(&example));
        rows.append(module);
        rows.append(marker);
        rows.append(Punct::new(';', Spacing::Alone));
    };
    for (a, variant) in actions.iter().zip(&g.action_idents) {
        row(variant, a);
    }
    if !g.plan.valid {
        let placeholder = ActionPlan {
            ident: PLACEHOLDER.to_owned(),
            konst: "__POLICIES_TOML_HAS_ERRORS".to_owned(),
            name: String::new(),
            purpose: String::new(),
            access_level: "Read",
            marker: None,
        };
        row(&ident(PLACEHOLDER), &placeholder);
    }
    quote!(#krate::__actions! { #examples rows { #rows } })
}
