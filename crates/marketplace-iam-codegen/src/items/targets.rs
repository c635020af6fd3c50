//! `DeploymentTarget`: a row per target for the runtime crate's `__deployment_targets!`.

use proc_macro2::TokenStream;
use quote::quote;

use super::shared::{Gen, PLACEHOLDER, ident};
use crate::plan::TargetPlan;

pub(crate) fn generate(g: &Gen<'_>) -> TokenStream {
    let krate = g.krate;
    let plan = g.plan;
    let targets = &plan.targets;
    let first = |f: &dyn Fn(&TargetPlan) -> String| targets.first().map(f).unwrap_or_default();
    let examples = g.examples(&[
        ("enum", &|| {
            first(&|t| {
                format!(
                    "use marketplace_iam::DeploymentTarget;\n\n\
                     let target: DeploymentTarget = \"{}\".parse().unwrap();\n\
                     assert_eq!(target, DeploymentTarget::{});\n\
                     assert!(target.trust_policy_template().contains(\"sts:AssumeRole\"));",
                    t.id, t.ident
                )
            })
        }),
        ("all", &|| format!("assert_eq!(marketplace_iam::DeploymentTarget::ALL.len(), {});", targets.len())),
        ("id", &|| {
            first(&|t| format!("assert_eq!(marketplace_iam::DeploymentTarget::{}.id(), \"{}\");", t.ident, t.id))
        }),
        ("name", &|| {
            first(&|t| format!("assert_eq!(marketplace_iam::DeploymentTarget::{}.name(), {:?});", t.ident, t.name))
        }),
        ("signer", &|| {
            first(&|t| format!("assert!(!marketplace_iam::DeploymentTarget::{}.signer().is_empty());", t.ident))
        }),
        ("trust", &|| {
            first(&|t| {
                format!(
                    "assert!(marketplace_iam::DeploymentTarget::{}.trust_policy_template().ends_with(\"}}\\n\"));",
                    t.ident
                )
            })
        }),
        ("parameters", &|| {
            first(&|t| {
                let parameters: Vec<String> =
                    t.parameters.iter().map(|p| format!("marketplace_iam::Parameter::{p}")).collect();
                format!(
                    "assert_eq!(marketplace_iam::DeploymentTarget::{}.parameters(), &[{}]);",
                    t.ident,
                    parameters.join(", ")
                )
            })
        }),
        ("instance_profile", &|| {
            first(&|t| {
                format!(
                    "assert_eq!(marketplace_iam::DeploymentTarget::{}.instance_profile(), {});",
                    t.ident, t.instance_profile
                )
            })
        }),
        ("serves", &|| {
            first(&|t| format!("assert!(!marketplace_iam::DeploymentTarget::{}.serves().is_empty());", t.ident))
        }),
    ]);
    let rows = targets.iter().enumerate().map(|(i, t)| {
        let (variant, id, name, signer, trust) = (ident(&t.ident), &t.id, &t.name, &t.signer, &t.trust);
        let parameters = t.parameters.iter().map(|p| ident(p));
        let instance_profile = t.instance_profile;
        let serves = t.serves.iter().map(|&p| ident(&plan.products[p].ident));
        let spec = ident(&format!("TARGET_{i}"));
        quote!(#variant #id #name #signer #trust [#(#parameters)*] #instance_profile [#(#serves)*] #spec;)
    });
    let placeholder = (!plan.valid).then(|| {
        let variant = ident(PLACEHOLDER);
        quote!(#variant "" "" "" "" [] false [] PLACEHOLDER_TARGET;)
    });
    quote!(#krate::__deployment_targets! { #examples rows { #(#rows)* #placeholder } })
}
