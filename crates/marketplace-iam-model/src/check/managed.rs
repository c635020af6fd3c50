//! AWS managed policies the page compares with the documents: their actions exactly as AWS's catalog names them, an
//! AWS managed policy's ARN, and documents that are published.

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Diagnostics, backticked};
use crate::read::{RawManaged, RawProduct};

pub(super) fn check_managed(
    diags: &mut Diagnostics,
    managed: &[RawManaged],
    products: &[RawProduct],
    catalog: &Catalog,
) {
    let documents: Vec<String> = products
        .iter()
        .filter_map(|p| {
            let id = p.id.as_ref()?.get_ref();
            let models = p
                .models
                .iter()
                .filter(|m| m.no_policy.is_none())
                .filter_map(|m| Some(format!("{id}/{}", m.id.as_ref()?.get_ref())));
            Some(
                std::iter::once(id.clone())
                    .chain(models)
                    .collect::<Vec<_>>(),
            )
        })
        .flatten()
        .collect();
    for m in managed {
        if let Some(arn) = &m.arn
            && !arn.get_ref().starts_with("arn:aws:iam::aws:policy/")
        {
            diags.push(
                Diagnostic::spanned(
                    format!("`{}` is not an AWS managed policy's ARN", arn.get_ref()),
                    arn.span(),
                )
                .with_label("not `arn:aws:iam::aws:policy/...`")
                .with_help(
                    "copy the ARN from the AWS managed policy reference page given in `source`",
                ),
            );
        }
        for a in m.actions.iter().flat_map(|l| &l.items) {
            let name = a.get_ref();
            if catalog.lookup(name).is_some() {
                continue;
            }
            let help = match catalog
                .lookup_ignore_case(name)
                .or_else(|| catalog.closest(name))
            {
                Some(close) => format!("did you mean `{}`?", close.name),
                None => "list the actions exactly as the AWS managed policy reference prints them"
                    .to_owned(),
            };
            diags.push(
                Diagnostic::spanned(
                    format!("action `{name}` of {} is not in the AWS catalog", m.what),
                    a.span(),
                )
                .with_label("not a catalog action")
                .with_help(help),
            );
        }
        for c in m.compare.iter().flat_map(|l| &l.items) {
            if !documents.contains(c.get_ref()) {
                let known: Vec<&str> = documents.iter().map(String::as_str).collect();
                diags.push(
                    Diagnostic::spanned(
                        format!("no published document `{}`", c.get_ref()),
                        c.span(),
                    )
                    .with_label("nothing to compare with")
                    .with_help(format!(
                        "name a product or a pricing model with a policy: {}",
                        backticked(&known)
                    )),
                );
            }
        }
    }
}
