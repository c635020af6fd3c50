//! The rules of `[[notifications]]`: each route names a declared product and targets, a sender AWS documents, the
//! ARNs allowed to send (of the sender's service, with known parameters), and for the consumer one queue of `sqs`
//! actions, `kms` actions for an encrypted queue and `sns` actions to subscribe.

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Diagnostics, backticked};
use crate::read::{RawNotification, RawProduct, RawTarget, Str, StrList};

use super::ids;
use super::refs::{ActionIds, check_references, check_url};
use super::resources::{check_arn, prefix_formats};

/// The senders a route may name: the service principal, the IAM prefix of what sends, and whether it delivers
/// through a subscription (`sns:Subscribe`) or a rule (an event pattern).
const SENDERS: &[(&str, &str)] = &[
    ("sns.amazonaws.com", "sns"),
    ("events.amazonaws.com", "events"),
];

pub(super) fn check_notifications(
    diags: &mut Diagnostics,
    routes: &[RawNotification],
    products: &[RawProduct],
    targets: &[RawTarget],
    index: &ActionIds,
    actions: &[crate::read::RawAction],
    catalog: &Catalog,
) {
    ids::check_kebab_ids(
        diags,
        routes.iter().filter_map(|r| r.id.as_ref()),
        "notification route",
        "give each route its own id, such as `sns` or `eventbridge`",
    );
    let product_ids: Vec<&str> = products
        .iter()
        .filter_map(|p| p.id.as_ref().map(|i| i.get_ref().as_str()))
        .collect();
    let target_ids: Vec<&str> = targets
        .iter()
        .filter_map(|t| t.id.as_ref().map(|i| i.get_ref().as_str()))
        .collect();
    let prefix_of = |id: &str| -> Option<String> {
        let i = index.get(id)?;
        let name = actions.get(i.0)?.name.as_ref()?.get_ref();
        name.split_once(':').map(|(p, _)| p.to_owned())
    };
    let resources_of = |id: &str| -> Option<Vec<String>> {
        let i = index.get(id)?;
        let list = actions.get(i.0)?.resources.as_ref()?;
        Some(list.items.iter().map(|r| r.get_ref().clone()).collect())
    };
    for r in routes {
        if let Some(product) = &r.product
            && !product_ids.contains(&product.get_ref().as_str())
        {
            diags.push(
                Diagnostic::spanned(
                    format!("product `{}` is not declared", product.get_ref()),
                    product.span(),
                )
                .with_label("no `[[products]]` table has this id")
                .with_help(format!(
                    "name a declared product: {}",
                    backticked(&product_ids)
                )),
            );
        }
        if let Some(list) = &r.targets {
            not_empty(diags, list, &r.what, "targets", "[\"ecs\"]");
            for t in &list.items {
                if !target_ids.contains(&t.get_ref().as_str()) {
                    diags.push(
                        Diagnostic::spanned(
                            format!("target `{}` is not declared", t.get_ref()),
                            t.span(),
                        )
                        .with_label("no `[[targets]]` table has this id")
                        .with_help(format!(
                            "name a declared target: {}",
                            backticked(&target_ids)
                        )),
                    );
                }
            }
        }
        if let Some(url) = &r.source {
            check_url(diags, url, "source");
        }
        for list in [&r.consumer, &r.encrypted, &r.subscriber]
            .into_iter()
            .flatten()
        {
            check_references(diags, &list.items, index);
        }
        let expect = |diags: &mut Diagnostics, list: &Option<StrList>, key: &str, prefix: &str| {
            for item in list.iter().flat_map(|l| &l.items) {
                if let Some(p) = prefix_of(item.get_ref())
                    && p != prefix
                {
                    diags.push(
                        Diagnostic::spanned(
                            format!(
                                "`{}` is an action of `{p}`, not of `{prefix}`",
                                item.get_ref()
                            ),
                            item.span(),
                        )
                        .with_label(format!("`{key}` lists `{prefix}` actions"))
                        .with_help(format!(
                            "list the `{prefix}:` actions of the route's `{key}`"
                        )),
                    );
                }
            }
        };
        expect(diags, &r.consumer, "consumer", "sqs");
        expect(diags, &r.encrypted, "encrypted", "kms");
        expect(diags, &r.subscriber, "subscriber", "sns");
        if let Some(list) = &r.consumer {
            not_empty(diags, list, &r.what, "consumer", "[\"ReceiveMessage\"]");
            let queues: Vec<(Vec<String>, &Str)> = list
                .items
                .iter()
                .filter_map(|i| resources_of(i.get_ref()).map(|res| (res, i)))
                .collect();
            // The queue is what most consumer actions are granted on, so that one odd action is the one reported.
            let queue = queues
                .iter()
                .max_by_key(|(res, _)| {
                    (
                        queues.iter().filter(|(other, _)| other == res).count(),
                        std::cmp::Reverse(queues.iter().position(|(other, _)| other == res)),
                    )
                })
                .map(|(res, _)| res);
            if let Some(first) = queue {
                for (res, item) in &queues {
                    if res.len() != 1 || res != first {
                        diags.push(
                            Diagnostic::spanned(
                                format!(
                                    "`{}` is not granted on the route's one queue",
                                    item.get_ref()
                                ),
                                item.span(),
                            )
                            .with_label(format!(
                                "its `resources` are {}",
                                backticked(&res.iter().map(String::as_str).collect::<Vec<_>>())
                            ))
                            .with_help(format!(
                                "give every consumer action the one ARN pattern of the queue, `{}`",
                                first.first().map_or("", String::as_str)
                            )),
                        );
                    }
                }
            }
        }
        check_sender(diags, r, catalog);
    }
}

/// The sender is one AWS documents; what may send are ARNs of its service; a subscription route has no event
/// pattern, a rule route has one and no subscriber actions.
fn check_sender(diags: &mut Diagnostics, r: &RawNotification, catalog: &Catalog) {
    let Some(sender) = &r.sender else { return };
    let Some(&(_, prefix)) = SENDERS.iter().find(|(s, _)| s == sender.get_ref()) else {
        let known: Vec<&str> = SENDERS.iter().map(|(s, _)| *s).collect();
        diags.push(
            Diagnostic::spanned(
                format!("`{}` is not a sender of notifications", sender.get_ref()),
                sender.span(),
            )
            .with_label("unknown sender")
            .with_help(format!(
                "name the service principal that sends to the queue: {}",
                backticked(&known)
            )),
        );
        return;
    };
    if let Some(list) = &r.source_arns {
        not_empty(diags, list, &r.what, "source_arns", "[\"arn:aws:sns:...\"]");
        let formats = prefix_formats(catalog, prefix);
        for arn in &list.items {
            if check_arn(diags, arn, prefix, &formats) == Some(false) {
                diags.push(
                    Diagnostic::spanned(
                        format!("`{}` fits none of the ARN formats of `{prefix}`", arn.get_ref()),
                        arn.span(),
                    )
                    .with_label("not what the sender sends from")
                    .with_help(format!(
                        "write the ARN of what sends (formats: {}); a parameter or `*` may stand for a `${{...}}` part",
                        backticked(&formats)
                    )),
                );
            }
        }
    }
    let rule = prefix == "events";
    match (&r.event_source, &r.event_types, rule) {
        (None, None, false) | (Some(_), Some(_), true) => {}
        (source, types, false) => {
            let span = source.as_ref().map(Str::span).or(types.as_ref().map(|t| t.span.clone()));
            if let Some(span) = span {
                diags.push(
                    Diagnostic::spanned(format!("{} delivers through a subscription, not a rule", r.what), span)
                        .with_label("an event pattern needs `sender = \"events.amazonaws.com\"`")
                        .with_help("remove `event_source` and `event_types`"),
                );
            }
        }
        (_, _, true) => diags.push(
            Diagnostic::spanned(format!("{} has no event pattern", r.what), r.span.clone())
                .with_label("an EventBridge rule matches events")
                .with_help("give `event_source = \"aws.agreement-marketplace\"` and `event_types = [\"...\"]`"),
        ),
    }
    if rule && let Some(list) = r.subscriber.as_ref().filter(|l| l.written > 0) {
        diags.push(
            Diagnostic::spanned(
                format!("{} has no topic to subscribe to", r.what),
                list.span.clone(),
            )
            .with_label("a rule delivers without a subscription")
            .with_help("remove `subscriber`"),
        );
    }
}

fn not_empty(diags: &mut Diagnostics, list: &StrList, what: &str, key: &str, example: &str) {
    if list.written == 0 {
        diags.push(
            Diagnostic::spanned(format!("`{key}` of {what} is empty"), list.span.clone())
                .with_label("empty list")
                .with_help(format!("write, e.g., `{key} = {example}`")),
        );
    }
}
