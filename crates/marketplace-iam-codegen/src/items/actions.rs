//! `Action`, its constants, and the re-exported action markers.

use proc_macro2::TokenStream;
use quote::quote;

use proc_macro2::{Literal, Punct, Spacing};
use quote::TokenStreamExt;

use super::shared::{Gen, ident};

pub(crate) fn generate(g: &Gen<'_>) -> TokenStream {
    let krate = g.krate;
    let actions = &g.plan.actions;
    let a0 = actions.first();
    let first = |f: &dyn Fn(&crate::plan::ActionPlan) -> String| a0.map(f).unwrap_or_default();

    let enum_doc = g.doc(
        "An IAM action that policies.toml declares: one variant per action.\n\n\
         Variant names are the action ids of policies.toml; each also has a marker type of the same name (for \
         `Grants`) and a `&'static str` constant.",
        || {
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
        },
    );
    let placeholder = g.placeholder_variant();
    // One row per action of the `__actions_from_policies_toml!` table: a few tokens each, from which rustc builds
    // the variant, the constant, the re-exported marker and the table entries.
    let mut rows = TokenStream::new();
    for a in actions {
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
        rows.append(ident(&a.ident));
        rows.append(ident(&a.konst));
        rows.append(Literal::string(&a.name));
        rows.append(Literal::string(&a.purpose));
        rows.append(ident(a.access_level));
        rows.append(Literal::string(&example));
        rows.append(module);
        rows.append(marker);
        rows.append(Punct::new(';', Spacing::Alone));
    }
    let all_doc = g.doc(
        "Every action, in the order policies.toml declares them.",
        || {
            format!(
                "assert_eq!(marketplace_iam::Action::ALL.len(), {});",
                actions.len()
            )
        },
    );
    let as_str_doc = g.doc(
        "The exact IAM action name, e.g. `aws-marketplace:BatchMeterUsage`.",
        || {
            first(&|a| {
                format!(
                    "assert_eq!(marketplace_iam::Action::{}.as_str(), \"{}\");",
                    a.ident, a.name
                )
            })
        },
    );
    let id_doc = g.doc(
        "The action's id in policies.toml (its name without the service prefix).",
        || {
            first(&|a| {
                format!(
                    "assert_eq!(marketplace_iam::Action::{0}.id(), \"{0}\");",
                    a.ident
                )
            })
        },
    );
    let purpose_doc = g.doc(
        "What a seller's integration uses the action for, in one line.",
        || {
            first(&|a| {
                format!(
                    "assert!(!marketplace_iam::Action::{}.purpose().is_empty());",
                    a.ident
                )
            })
        },
    );
    let level_doc = g.doc("The action's IAM access level, as AWS's catalog gives it.", || {
        first(&|a| {
            format!(
                "assert_eq!(marketplace_iam::Action::{}.access_level(), marketplace_iam::AccessLevel::{});",
                a.ident, a.access_level
            )
        })
    });
    let empty = g.placeholder_row(quote!(""));
    let read = g.placeholder_row(quote!(#krate::AccessLevel::Read));
    quote! {
            macro_rules! __actions_from_policies_toml {
                ($($variant:ident $konst:ident $name:literal $purpose:literal $level:ident
                    $example:literal $module:ident $marker:ident;)*) => {
            #enum_doc
            // Debug is written by hand from the id table: the derived one is a match with an arm per action.
            #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum Action {
                $(
                    #[doc = ::core::concat!("`", $name, "`: ", $purpose)]
                    $variant,
                )*
                #placeholder
            }

            impl Action {
                #all_doc
                pub const ALL: &'static [Action] = &[$(Action::$variant),*];

                #as_str_doc
                pub const fn as_str(self) -> &'static str {
                    const NAMES: &[&str] = &[$($name,)* #empty];
                    NAMES[self as usize]
                }

                #id_doc
                pub const fn id(self) -> &'static str {
                    const IDS: &[&str] = &[$(::core::stringify!($variant),)* #empty];
                    IDS[self as usize]
                }

                #purpose_doc
                pub const fn purpose(self) -> &'static str {
                    const PURPOSES: &[&str] = &[$($purpose,)* #empty];
                    PURPOSES[self as usize]
                }

                #level_doc
                pub const fn access_level(self) -> #krate::AccessLevel {
                    const LEVELS: &[#krate::AccessLevel] = &[$(#krate::AccessLevel::$level,)* #read];
                    LEVELS[self as usize]
                }
            }

            $(
                #[doc = ::core::concat!("The IAM action name `", $name, "`.", $example)]
                pub const $konst: &str = $name;

                pub use #krate::actions::$module::$marker as $variant;
            )*
        };
    }

    __actions_from_policies_toml! { #rows }

    /// `&[Action::A, ...]` from the ids of the actions.
    macro_rules! __action_list_from_policies_toml {
        ($($action:ident)*) => {
            &[$(Action::$action),*]
        };
    }

    /// The IAM names of `actions`, as an array of the length the caller knows.
    #[doc(hidden)]
    pub const fn __action_names_from_policies_toml<const N: usize>(actions: &[Action]) -> [&'static str; N] {
        let mut names = [""; N];
        let mut i = 0;
        while i < N {
            names[i] = actions[i].as_str();
            i += 1;
        }
        names
    }

    /// The grants of a policy: one impl on each action it grants.
    macro_rules! __grants_from_policies_toml {
        ($policy:ident: $($action:ty),*) => {
            $(impl #krate::GrantedTo<$policy> for $action {})*
        };
    }

            impl ::core::fmt::Debug for Action {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(self.id())
                }
            }

            impl ::core::fmt::Display for Action {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            /// Parses an IAM action name the way IAM matches them: ignoring letter case.
            impl ::core::str::FromStr for Action {
                type Err = #krate::ParseError;
                fn from_str(s: &str) -> ::core::result::Result<Self, #krate::ParseError> {
                    Action::ALL
                        .iter()
                        .copied()
                        .find(|a| a.as_str().eq_ignore_ascii_case(s))
                        .ok_or_else(|| #krate::ParseError::new(#krate::ValueKind::Action, s))
                }
            }

            #krate::__serde_by_id!(Action, as_str);
        }
}
