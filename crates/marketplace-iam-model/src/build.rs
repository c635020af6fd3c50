//! Phase 4, building: the typed [`Policies`] from what was read and checked.
//!
//! It runs only when the earlier phases found nothing, so every field it needs is there and every reference
//! resolves; it reports nothing. (Each step still returns `None` rather than panic, should a rule ever let
//! something through.)

use crate::catalog::AccessLevel;
use crate::check::ActionIds;
use crate::model::{
    Action, ActionIndex, Availability, EventPattern, ManagedPolicy, NotificationRoute, Page,
    Policies, PricingModel, PrincipalKind, Product, Requirement, Service, Source, Target, Trust,
    TrustCondition,
};
use crate::read::{
    RawAction, RawNotification, RawPage, RawPolicies, RawProduct, RawTarget, RawTrust, Spanned,
    StrList,
};

/// The typed policies of a file in which no phase found a problem; `index` is the checking phase's.
pub(crate) fn build(raw: RawPolicies, index: &ActionIds) -> Option<Policies> {
    Some(Policies {
        schema_version: *raw.version.get_ref(),
        page: build_page(raw.page?, index)?,
        actions: raw
            .actions?
            .items
            .into_iter()
            .map(build_action)
            .collect::<Option<_>>()?,
        targets: raw
            .targets
            .into_iter()
            .map(build_target)
            .collect::<Option<_>>()?,
        products: raw
            .products?
            .items
            .into_iter()
            .map(|p| build_product(p, index))
            .collect::<Option<_>>()?,
        managed_policies: raw
            .managed
            .map(|m| m.items)
            .unwrap_or_default()
            .into_iter()
            .map(|m| {
                Some(ManagedPolicy {
                    name: m.name?.into_inner(),
                    arn: m.arn?.into_inner(),
                    version: m.version?.into_inner(),
                    source: m.source?.into_inner(),
                    actions: texts(m.actions?),
                    compare: texts(m.compare?),
                })
            })
            .collect::<Option<_>>()?,
        notifications: raw
            .notifications
            .map(|n| n.items)
            .unwrap_or_default()
            .into_iter()
            .map(|n| build_notification(n, index))
            .collect::<Option<_>>()?,
    })
}

fn build_notification(n: RawNotification, index: &ActionIds) -> Option<NotificationRoute> {
    Some(NotificationRoute {
        id: n.id?.into_inner(),
        product: n.product?.into_inner(),
        name: n.name?.into_inner(),
        description: n.description?.into_inner(),
        source: n.source?.into_inner(),
        sender: n.sender?.into_inner(),
        source_arns: texts(n.source_arns?),
        event_pattern: match (n.event_source, n.event_types) {
            (Some(source), Some(types)) => Some(EventPattern {
                source: source.into_inner(),
                detail_types: texts(types),
            }),
            _ => None,
        },
        consumer: resolve(n.consumer?, index)?,
        encrypted: resolve(n.encrypted?, index)?,
        subscriber: match n.subscriber {
            Some(list) => resolve(list, index)?,
            None => Vec::new(),
        },
        targets: texts(n.targets?),
    })
}

fn build_page(p: RawPage, index: &ActionIds) -> Option<Page> {
    Some(Page {
        title: p.title?.into_inner(),
        anchor: p.anchor?.into_inner(),
        intro: texts(p.intro?),
        closing: p.closing.map(texts).unwrap_or_default(),
        sources: p
            .sources
            .into_iter()
            .map(|s| {
                Some(Source {
                    title: s.title?.into_inner(),
                    url: s.url?.into_inner(),
                })
            })
            .collect::<Option<_>>()?,
        availability: p
            .availability
            .into_iter()
            .map(|a| {
                Some(Availability {
                    actions: resolve(a.actions?, index)?,
                    govcloud: a.govcloud?.into_inner(),
                    china: a.china?.into_inner(),
                    source: a.source?.into_inner(),
                    quote: a.quote?.into_inner(),
                })
            })
            .collect::<Option<_>>()?,
    })
}

fn texts(list: StrList) -> Vec<String> {
    list.items.into_iter().map(Spanned::into_inner).collect()
}

fn build_action(a: RawAction) -> Option<Action> {
    Some(Action {
        id: a.id?.into_inner(),
        service: Service::from_id(a.service?.get_ref())?,
        access_level: AccessLevel::from_name(a.access_level?.get_ref())?,
        name: a.name?.into_inner(),
        purpose: a.purpose?.into_inner(),
        api_reference: a.api_reference?.into_inner(),
        resources: a.resources.map(texts).unwrap_or_default(),
    })
}

fn resolve(list: StrList, index: &ActionIds) -> Option<Vec<ActionIndex>> {
    list.items
        .iter()
        .map(|i| index.get(i.get_ref()).copied())
        .collect()
}

fn build_product(p: RawProduct, index: &ActionIds) -> Option<Product> {
    let pricing_models = p
        .models
        .into_iter()
        .map(|m| {
            let requirement = match (m.actions, m.no_policy) {
                (Some(list), None) => Requirement::Actions(resolve(list, index)?),
                (None, Some(reason)) => Requirement::NoPolicy {
                    reason: reason.into_inner(),
                },
                _ => return None,
            };
            Some(PricingModel {
                id: m.id?.into_inner(),
                name: m.name?.into_inner(),
                description: m.description?.into_inner(),
                source: m.source?.into_inner(),
                requirement,
                targets: m.targets.map(texts),
            })
        })
        .collect::<Option<_>>()?;
    Some(Product {
        id: p.id?.into_inner(),
        name: p.name?.into_inner(),
        title: p.title?.into_inner(),
        anchor: p.anchor?.into_inner(),
        actions: resolve(p.actions?, index)?,
        notes: p.notes.map(texts).unwrap_or_default(),
        pricing_models,
    })
}

fn build_target(t: RawTarget) -> Option<Target> {
    Some(Target {
        id: t.id?.into_inner(),
        name: t.name?.into_inner(),
        signer: t.signer?.into_inner(),
        attach: t.attach?.into_inner(),
        serves: texts(t.serves?),
        instance_profile: t.instance_profile.unwrap_or(false),
        trust: build_trust(t.trust?)?,
        notes: t.notes.map(texts).unwrap_or_default(),
    })
}

fn build_trust(t: RawTrust) -> Option<Trust> {
    Some(Trust {
        principal_kind: PrincipalKind::from_key(t.principal_kind?.get_ref())?,
        principal: t.principal?.into_inner(),
        action: t.action?.into_inner(),
        conditions: t
            .conditions
            .into_iter()
            .map(|c| {
                Some(TrustCondition {
                    operator: c.operator?.into_inner(),
                    key: c.key?.into_inner(),
                    value: c.value?.into_inner(),
                })
            })
            .collect::<Option<_>>()?,
    })
}
