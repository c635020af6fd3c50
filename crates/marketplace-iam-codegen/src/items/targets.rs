//! `DeploymentTarget`: where a product runs, which role signs its calls, and that role's trust policy template.
//! Few items, so plain `match`es (which also hold for a file that declares no target).

use proc_macro2::TokenStream;
use quote::quote;

use super::shared::{Gen, by_id, ident};
use crate::plan::TargetPlan;

pub(crate) fn generate(g: &Gen<'_>) -> TokenStream {
    let krate = g.krate;
    let plan = g.plan;
    let targets = &plan.targets;
    let first = |f: &dyn Fn(&TargetPlan) -> String| targets.first().map(f).unwrap_or_default();
    let enum_doc = g.doc(
        "Where a product's software runs, which IAM role signs its calls there, and that role's trust policy.",
        || {
            first(&|t| {
                format!(
                    "use marketplace_iam::DeploymentTarget;\n\n\
                     let target: DeploymentTarget = \"{}\".parse().unwrap();\n\
                     assert_eq!(target, DeploymentTarget::{});\n\
                     assert!(target.trust_policy_template().contains(\"sts:AssumeRole\"));",
                    t.id, t.ident
                )
            })
        },
    );
    let variants = targets.iter().map(|t| {
        let doc = format!("{} (`{}`): {}", t.name, t.id, t.signer);
        let v = ident(&t.ident);
        quote!(#[doc = #doc] #v,)
    });
    let placeholder = g.placeholder_variant();
    // A method with one arm per target (and the placeholder's, after an error).
    let method = |docs: TokenStream,
                  name: &str,
                  ty: TokenStream,
                  value: &dyn Fn(&TargetPlan) -> TokenStream,
                  fallback: TokenStream| {
        let name = ident(name);
        let arms = targets.iter().map(|t| {
            let v = ident(&t.ident);
            let value = value(t);
            quote!(DeploymentTarget::#v => #value,)
        });
        let fallback = if plan.valid {
            TokenStream::new()
        } else {
            quote!(DeploymentTarget::__PoliciesTomlHasErrors => #fallback,)
        };
        quote! {
            #docs
            pub const fn #name(self) -> #ty {
                match self {
                    #(#arms)*
                    #fallback
                }
            }
        }
    };
    let str_method = |docs: TokenStream, name: &str, value: &dyn Fn(&TargetPlan) -> &str| {
        method(
            docs,
            name,
            quote!(&'static str),
            &|t| {
                let s = value(t);
                quote!(#s)
            },
            quote!(""),
        )
    };
    let id = str_method(
        g.doc("The target's id (`ecs`).", || {
            first(&|t| {
                format!(
                    "assert_eq!(marketplace_iam::DeploymentTarget::{}.id(), \"{}\");",
                    t.ident, t.id
                )
            })
        }),
        "id",
        &|t| &t.id,
    );
    let name = str_method(
        g.doc("Display name.", || {
            first(&|t| {
                format!(
                    "assert_eq!(marketplace_iam::DeploymentTarget::{}.name(), {:?});",
                    t.ident, t.name
                )
            })
        }),
        "name",
        &|t| &t.name,
    );
    let signer = str_method(
        g.doc(
            "Which role signs the calls on this target, in a sentence.",
            || {
                first(&|t| {
                    format!(
                        "assert!(!marketplace_iam::DeploymentTarget::{}.signer().is_empty());",
                        t.ident
                    )
                })
            },
        ),
        "signer",
        &|t| &t.signer,
    );
    let trust = str_method(
        g.doc(
            "The role's trust policy, byte for byte `docs/trust-policies/<id>.json`, with `${Parameter}` placeholders.",
            || {
                first(&|t| {
                    format!(
                        "assert!(marketplace_iam::DeploymentTarget::{}.trust_policy_template().ends_with(\"}}\\n\"));",
                        t.ident
                    )
                })
            },
        ),
        "trust_policy_template",
        &|t| &t.trust,
    );
    let parameters = method(
        g.doc(
            "The parameters the trust policy needs, in order of first use.",
            || {
                first(&|t| {
                    format!(
                        "assert_eq!(marketplace_iam::DeploymentTarget::{}.parameters(), &[{}]);",
                        t.ident,
                        t.parameters
                            .iter()
                            .map(|p| format!("marketplace_iam::Parameter::{p}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
            },
        ),
        "parameters",
        quote!(&'static [#krate::Parameter]),
        &|t| {
            let p = t.parameters.iter().map(|p| ident(p));
            quote!(&[#(#krate::Parameter::#p),*])
        },
        quote!(&[]),
    );
    let instance_profile = method(
        g.doc(
            "Whether the role is used through an EC2 instance profile.",
            || {
                first(&|t| {
                    format!(
                        "assert_eq!(marketplace_iam::DeploymentTarget::{}.instance_profile(), {});",
                        t.ident, t.instance_profile
                    )
                })
            },
        ),
        "instance_profile",
        quote!(bool),
        &|t| {
            let b = t.instance_profile;
            quote!(#b)
        },
        quote!(false),
    );
    let serves = method(
        g.doc(
            "The product types whose software runs on this target.",
            || {
                first(&|t| {
                    format!(
                        "assert!(!marketplace_iam::DeploymentTarget::{}.serves().is_empty());",
                        t.ident
                    )
                })
            },
        ),
        "serves",
        quote!(&'static [ProductType]),
        &|t| {
            super::shared::variant_slice("ProductType", &t.serves, |i| {
                plan.products[i].ident.clone()
            })
        },
        quote!(&[]),
    );
    let spec = method(
        g.doc(
            "Everything policies.toml says about this target, as the runtime crate's vocabulary: what a role is built \
             from.",
            || first(&|t| format!("assert_eq!(marketplace_iam::DeploymentTarget::{0}.spec().id(), \"{1}\");", t.ident, t.id)),
        ),
        "spec",
        quote!(&'static #krate::TargetSpec),
        &|t| {
            let i = targets.iter().position(|x| x.id == t.id).unwrap_or_default();
            let s = ident(&format!("TARGET_{i}"));
            quote!(&__policies_toml::#s)
        },
        quote!(&__policies_toml::PLACEHOLDER_TARGET),
    );
    let all_doc = g.doc(
        "Every target, in the order policies.toml declares them.",
        || {
            format!(
                "assert_eq!(marketplace_iam::DeploymentTarget::ALL.len(), {});",
                targets.len()
            )
        },
    );
    let by_id = by_id(
        g,
        "DeploymentTarget",
        &targets.iter().map(|t| t.ident.clone()).collect::<Vec<_>>(),
        "DeploymentTarget",
        "the target's id (`ecs`)",
        all_doc,
    );
    quote! {
        #enum_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum DeploymentTarget {
            #(#variants)*
            #placeholder
        }

        impl DeploymentTarget {
            #id
            #name
            #signer
            #trust
            #parameters
            #instance_profile
            #serves
            #spec
        }

        #by_id

        impl ::core::convert::From<DeploymentTarget> for &'static #krate::TargetSpec {
            fn from(target: DeploymentTarget) -> Self {
                target.spec()
            }
        }
    }
}
