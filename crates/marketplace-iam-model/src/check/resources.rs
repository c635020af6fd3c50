//! The ARN patterns of resource-scoped grants (`resources` of an action): each names a resource of the action's own
//! service, fits one of the ARN formats AWS's catalog gives the action's resource types, and uses only the
//! parameters a deployer fills in with validated values (`${AccountId}`, `${QueueName}`, ...).

use crate::catalog::{Catalog, CatalogAction, matches_format};
use crate::diagnostic::{Diagnostic, Diagnostics, backticked};
use crate::model::{Parameter, placeholders};
use crate::read::{RawAction, Str};

/// Least privilege for resources: an action with resource types is granted on the ARN patterns `resources` gives,
/// each of the action's own service; one without is granted only by `"*"`, so `resources` would be a mistake.
pub(super) fn check_resources(diags: &mut Diagnostics, a: &RawAction, catalog: &Catalog) {
    let (Some(name), Some(entry)) = (
        &a.name,
        a.name.as_ref().and_then(|n| catalog.lookup(n.get_ref())),
    ) else {
        return;
    };
    let prefix = entry.name.split_once(':').map_or(entry.name, |(p, _)| p);
    match (&a.resources, entry.resource_types.is_empty()) {
        (None, true) => {}
        (None, false) => diags.push(
            Diagnostic::spanned(
                format!(
                    "`{}` has resource types ({}): say which ARNs the policy grants it on",
                    entry.name,
                    backticked(&entry.resource_types.iter().map(|r| r.name).collect::<Vec<_>>())
                ),
                name.span(),
            )
            .with_label("no `resources`")
            .with_help(format!(
                "add `resources = [\"arn:aws:{prefix}:...\"]` with the narrowest ARN pattern AWS documents for the \
                 integration (the catalog's ARN formats: {}); `\"*\"` would grant it on every resource",
                backticked(&entry.resource_types.iter().flat_map(|r| r.arn_formats.iter().copied()).collect::<Vec<_>>())
            )),
        ),
        (Some(list), true) => diags.push(
            Diagnostic::spanned(
                format!("`{}` has no resource types: only `\"*\"` grants it", entry.name),
                list.span.clone(),
            )
            .with_label("an ARN here does not grant the action")
            .with_help("remove `resources`: the policy grants the action on `\"*\"`"),
        ),
        (Some(list), false) => {
            if list.written == 0 {
                diags.push(
                    Diagnostic::spanned(format!("`{}` has no resources", entry.name), list.span.clone())
                        .with_label("empty list")
                        .with_help(format!("list the ARN patterns, e.g. `\"arn:aws:{prefix}:...\"`")),
                );
            }
            for r in &list.items {
                check_pattern(diags, r, entry);
            }
        }
    }
}

/// One ARN pattern of `entry`'s `resources`: of its prefix, fitting an ARN format of its resource types.
fn check_pattern(diags: &mut Diagnostics, r: &Str, entry: &CatalogAction) {
    let formats: Vec<&str> = entry
        .resource_types
        .iter()
        .flat_map(|t| t.arn_formats.iter().copied())
        .collect();
    if check_arn(diags, r, entry.prefix(), &formats) == Some(false) {
        diags.push(
            Diagnostic::spanned(
                format!("`{}` fits none of the ARN formats of `{}`", r.get_ref(), entry.name),
                r.span(),
            )
            .with_label("not a resource of the action")
            .with_help(format!(
                "write an ARN of the action's resource types ({}), whose formats are {}; a parameter or `*` may \
                 stand for a `${{...}}` part",
                backticked(&entry.resource_types.iter().map(|t| t.name).collect::<Vec<_>>()),
                backticked(&formats)
            )),
        );
    }
}

/// Every ARN format of the catalog's resource types of `prefix` (none for a prefix the catalog does not hold).
pub(super) fn prefix_formats(catalog: &Catalog, prefix: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for a in catalog.all().iter().filter(|a| a.prefix() == prefix) {
        for f in a
            .resource_types
            .iter()
            .flat_map(|t| t.arn_formats.iter().copied())
        {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// An ARN pattern of `prefix` with known parameters that hold no `:` (so that a filled pattern keeps its shape),
/// reported where it is not. Returns whether it fits one of `formats` (`None` when it was reported already, or
/// there are no formats to fit); a route's source ARNs report a misfit themselves.
pub(super) fn check_arn(
    diags: &mut Diagnostics,
    r: &Str,
    prefix: &str,
    formats: &[&str],
) -> Option<bool> {
    let pattern = r.get_ref();
    let wanted = format!("arn:aws:{prefix}:");
    if !pattern.starts_with(&wanted) {
        diags.push(
            Diagnostic::spanned(format!("`{pattern}` is not an ARN of `{prefix}`"), r.span())
                .with_label(format!("does not start with `{wanted}`"))
                .with_help(format!(
                    "write the ARN pattern of a `{prefix}` resource, starting with `{wanted}` (the published \
                     documents are for the `aws` partition)"
                )),
        );
        return None;
    }
    if pattern.matches("${").count() != placeholders(pattern).count() {
        diags.push(
            Diagnostic::spanned(format!("`{pattern}` has an unclosed `${{`"), r.span())
                .with_label("unclosed placeholder")
                .with_help("write a parameter as `${Name}`, e.g. `${AccountId}`"),
        );
        return None;
    }
    for name in placeholders(pattern) {
        match Parameter::from_name(name) {
            None => {
                let known: Vec<&str> = Parameter::ALL
                    .iter()
                    .filter(|p| in_resources(**p))
                    .map(|p| p.name())
                    .collect();
                diags.push(
                    Diagnostic::spanned(format!("`${{{name}}}` is not a parameter"), r.span())
                        .with_label("unknown parameter")
                        .with_help(format!(
                            "the parameters an ARN pattern may use: {}",
                            backticked(&known)
                        )),
                );
                return None;
            }
            Some(p) if !in_resources(p) => {
                diags.push(
                    Diagnostic::spanned(
                        format!("`${{{name}}}` cannot be part of an ARN pattern"),
                        r.span(),
                    )
                    .with_label("its values may hold `:` or are whole ARNs")
                    .with_help(format!(
                        "use the parameters of the ARN's parts instead (rule: {})",
                        p.constraint()
                    )),
                );
                return None;
            }
            Some(_) => {}
        }
    }
    if formats.is_empty() {
        return None;
    }
    let fit = formats.iter().any(|f| fits(pattern, f));
    Some(fit)
}

/// Whether a parameter may be part of an ARN pattern: its values hold no `:` and are not ARNs themselves.
fn in_resources(p: Parameter) -> bool {
    !matches!(
        p,
        Parameter::TrustedRoleArn | Parameter::ExternalId | Parameter::OidcProvider
    )
}

/// Whether `pattern` (with `${Parameter}`s, `*` and `?`) is an ARN of the catalog ARN `format`
/// (`arn:${Partition}:sqs:${Region}:${Account}:${QueueName}`): each of the format's placeholders stands for one or
/// more characters other than `:`, `${Partition}` for `aws`, and each parameter or wildcard of the pattern for one
/// such character.
pub(crate) fn fits(pattern: &str, format: &str) -> bool {
    let mut sample = String::new();
    let mut rest = pattern;
    while let Some(i) = rest.find(['$', '*', '?']) {
        sample.push_str(&rest[..i]);
        sample.push('x');
        rest = match rest[i..].strip_prefix("${") {
            Some(after) => after.split_once('}').map_or("", |(_, tail)| tail),
            None => &rest[i + 1..],
        };
    }
    sample.push_str(rest);
    let format = format.replace("${Partition}", "aws");
    matches_format(sample.as_bytes(), format.as_bytes())
}

#[cfg(test)]
mod tests {
    use crate::check::resources::fits;

    #[test]
    fn patterns_fit_the_catalog_formats() {
        let queue = "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}";
        let key = "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}";
        let license = "arn:${Partition}:license-manager::${Account}:license:${LicenseId}";
        let cases: &[(&str, &str, bool)] = &[
            (
                "arn:aws:sqs:us-east-1:${AccountId}:${QueueName}",
                queue,
                true,
            ),
            ("arn:aws:sqs:*:*:*", queue, true),
            ("arn:aws:sqs:us-east-1:${AccountId}", queue, false),
            ("arn:aws:sqs:us-east-1:${AccountId}:a:b", queue, false),
            ("arn:aws:sqs:*", queue, false),
            ("arn:aws:kms:us-east-1:${AccountId}:key/${KeyId}", key, true),
            (
                "arn:aws:kms:us-east-1:${AccountId}:alias/${KeyId}",
                key,
                false,
            ),
            ("arn:aws:kms:us-east-1:${AccountId}:key/", key, false),
            ("arn:aws:license-manager::*:license:*", license, true),
            (
                "arn:aws:license-manager:us-east-1:*:license:*",
                license,
                false,
            ),
            ("arn:aws-cn:sqs:cn-north-1:1:q", queue, false),
        ];
        for (pattern, format, expected) in cases {
            assert_eq!(fits(pattern, format), *expected, "{pattern} in {format}");
        }
    }
}
