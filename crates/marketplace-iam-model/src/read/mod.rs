//! Phase 2, reading: each table of policies.toml against its schema, into raw records that keep every value's
//! position for the later phases.
//!
//! What is reported here is what one table alone shows: an unknown key (with the closest known one), a missing
//! field, a value of the wrong type, an empty string, an entry listed twice in one list, and a `schema_version` this
//! engine does not read. Whether the values make sense together (references, ids, names, empty lists) is the
//! checking phase's (`check`); turning the records into [`Policies`](crate::Policies) is the building phase's
//! (`build`).

mod table;

use std::ops::Range;

use toml_spanner::Table as TomlTable;

use crate::diagnostic::{Diagnostic, Diagnostics};
use table::Table;
pub(crate) use table::{Spanned, Str, StrList};

/// The newest `schema_version` this engine reads: version 2 names actions of any IAM prefix the catalog holds,
/// gives the resources of actions that have resource types, lets a target serve single pricing models, and compares
/// AWS managed policies with the documents; version 3 lets ARN patterns use parameters (`${QueueName}`) and adds the
/// notification routes of a product (`[[notifications]]`). Files of versions 1 and 2 are still read; a feature of a
/// later version in one is reported with the upgrade to make.
pub const SCHEMA_VERSION: u32 = 3;

/// The versions this engine reads.
const SCHEMA_VERSIONS: &[u32] = &[1, 2, 3];

const ROOT_KEYS: &[&str] = &[
    "schema_version",
    "page",
    "actions",
    "products",
    "targets",
    "managed_policies",
    "notifications",
];
const PAGE_KEYS: &[&str] = &[
    "title",
    "anchor",
    "intro",
    "closing",
    "sources",
    "availability",
];
const SOURCE_KEYS: &[&str] = &["title", "url"];
const AVAILABILITY_KEYS: &[&str] = &["actions", "govcloud", "china", "source", "quote"];
const ACTION_KEYS: &[&str] = &[
    "id",
    "name",
    "service",
    "access_level",
    "purpose",
    "api_reference",
    "resources",
];
const PRODUCT_KEYS: &[&str] = &[
    "id",
    "name",
    "title",
    "anchor",
    "actions",
    "notes",
    "pricing_models",
];
const MODEL_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "source",
    "actions",
    "no_policy",
    "targets",
];
const TARGET_KEYS: &[&str] = &[
    "id",
    "name",
    "signer",
    "attach",
    "serves",
    "instance_profile",
    "trust",
    "notes",
];
const NOTIFICATION_KEYS: &[&str] = &[
    "id",
    "product",
    "name",
    "description",
    "source",
    "sender",
    "source_arns",
    "event_source",
    "event_types",
    "consumer",
    "encrypted",
    "subscriber",
    "targets",
];
const MANAGED_KEYS: &[&str] = &["name", "arn", "version", "source", "actions", "compare"];
const TRUST_KEYS: &[&str] = &["principal_kind", "principal", "action", "conditions"];
const CONDITION_KEYS: &[&str] = &["operator", "key", "value"];

/// policies.toml as read: every table, each field `None` where it is missing or unusable (already reported).
pub(crate) struct RawPolicies {
    /// The file's `schema_version` (one of those this engine reads), with its position.
    pub version: Spanned<u32>,
    pub page: Option<RawPage>,
    /// The `[[actions]]` tables; `None` when the key is missing or not an array (already reported).
    pub actions: Option<RawTables<RawAction>>,
    /// The `[[products]]` tables, likewise.
    pub products: Option<RawTables<RawProduct>>,
    /// The `[[targets]]` tables (optional: none when the key is absent).
    pub targets: Vec<RawTarget>,
    /// The `[[managed_policies]]` tables (version 2, optional), with the position of the array.
    pub managed: Option<RawTables<RawManaged>>,
    /// The `[[notifications]]` tables (version 3, optional), with the position of the array.
    pub notifications: Option<RawTables<RawNotification>>,
}

/// The tables of one `[[key]]` array, with the position of the array.
pub(crate) struct RawTables<T> {
    pub items: Vec<T>,
    pub span: Range<usize>,
}

impl<T> RawTables<T> {
    /// The tables, none when the array was unusable.
    pub fn items(tables: &Option<RawTables<T>>) -> &[T] {
        tables.as_ref().map_or(&[], |t| &t.items)
    }
}

pub(crate) struct RawPage {
    pub title: Option<Str>,
    pub anchor: Option<Str>,
    pub intro: Option<StrList>,
    pub closing: Option<StrList>,
    pub sources: Vec<RawSource>,
    /// The `[[page.availability]]` tables (optional).
    pub availability: Vec<RawAvailability>,
}

pub(crate) struct RawSource {
    pub title: Option<Str>,
    pub url: Option<Str>,
}

/// What one AWS page says about where some actions' operations exist outside the commercial partition.
pub(crate) struct RawAvailability {
    pub actions: Option<StrList>,
    pub govcloud: Option<Str>,
    pub china: Option<Str>,
    pub source: Option<Str>,
    pub quote: Option<Str>,
}

pub(crate) struct RawAction {
    pub id: Option<Str>,
    pub name: Option<Str>,
    pub service: Option<Str>,
    pub access_level: Option<Str>,
    pub purpose: Option<Str>,
    pub api_reference: Option<Str>,
    /// The ARN patterns the policy grants the action on (version 2); `None` when not written.
    pub resources: Option<StrList>,
}

pub(crate) struct RawProduct {
    /// How messages name it: "product `ami`", or "product #2" when it has no id.
    pub what: String,
    pub id: Option<Str>,
    pub name: Option<Str>,
    pub title: Option<Str>,
    pub anchor: Option<Str>,
    pub actions: Option<StrList>,
    pub notes: Option<StrList>,
    pub models: Vec<RawModel>,
}

pub(crate) struct RawModel {
    pub span: Range<usize>,
    pub id: Option<Str>,
    pub name: Option<Str>,
    pub description: Option<Str>,
    pub source: Option<Str>,
    pub actions: Option<StrList>,
    pub no_policy: Option<Str>,
    /// The targets its policy is deployed to (version 2); `None` when not written.
    pub targets: Option<StrList>,
}

pub(crate) struct RawTarget {
    /// How messages name it: "target `eks`", or "target #2" when it has no id.
    pub what: String,
    pub id: Option<Str>,
    pub name: Option<Str>,
    pub signer: Option<Str>,
    pub attach: Option<Str>,
    pub serves: Option<StrList>,
    pub instance_profile: Option<bool>,
    pub trust: Option<RawTrust>,
    pub notes: Option<StrList>,
}

/// An AWS managed policy to compare with the project's documents.
pub(crate) struct RawManaged {
    /// How messages name it: "managed policy `AWSLicenseManagerConsumptionPolicy`", or "managed policy #1".
    pub what: String,
    pub name: Option<Str>,
    pub arn: Option<Str>,
    pub version: Option<Str>,
    pub source: Option<Str>,
    pub actions: Option<StrList>,
    pub compare: Option<StrList>,
}

/// A route by which a product's notifications reach the seller's queue.
pub(crate) struct RawNotification {
    /// How messages name it: "notification route `sns`", or "notification route #1".
    pub what: String,
    pub span: Range<usize>,
    pub id: Option<Str>,
    pub product: Option<Str>,
    pub name: Option<Str>,
    pub description: Option<Str>,
    pub source: Option<Str>,
    pub sender: Option<Str>,
    pub source_arns: Option<StrList>,
    pub event_source: Option<Str>,
    pub event_types: Option<StrList>,
    pub consumer: Option<StrList>,
    pub encrypted: Option<StrList>,
    pub subscriber: Option<StrList>,
    pub targets: Option<StrList>,
}

pub(crate) struct RawTrust {
    pub span: Range<usize>,
    pub principal_kind: Option<Str>,
    pub principal: Option<Str>,
    pub action: Option<Str>,
    pub conditions: Vec<RawCondition>,
}

pub(crate) struct RawCondition {
    pub operator: Option<Str>,
    pub key: Option<Str>,
    pub value: Option<Str>,
}

/// Reads every table of the parsed document. `None` when `schema_version` is missing, unusable or one this engine
/// does not read: then nothing else is read, since the rest of the file follows a schema this engine does not know.
pub(crate) fn read(diags: &mut Diagnostics, document: &TomlTable<'_>) -> Option<RawPolicies> {
    let root = Table::new(diags, document, 0..0, "policies.toml", ROOT_KEYS);
    let version = root.u32(diags, "schema_version", &SCHEMA_VERSION.to_string())?;
    if !SCHEMA_VERSIONS.contains(version.get_ref()) {
        diags.push(
            Diagnostic::spanned(
                format!("unsupported schema_version {}", version.get_ref()),
                version.span(),
            )
            .with_label("unsupported")
            .with_help(format!(
                "this version of marketplace-iam reads schema_version = 1 to {SCHEMA_VERSION}; \
                     upgrade marketplace-iam or convert the file"
            )),
        );
        return None;
    }
    Some(RawPolicies {
        version,
        page: read_page(diags, &root),
        actions: read_actions(diags, &root),
        products: read_products(diags, &root),
        targets: read_targets(diags, &root),
        managed: read_managed(diags, &root),
        notifications: read_notifications(diags, &root),
    })
}

fn read_notifications(
    diags: &mut Diagnostics,
    root: &Table<'_, '_>,
) -> Option<RawTables<RawNotification>> {
    let (tables, span) = root.tables(
        diags,
        "notifications",
        false,
        &|n| format!("notification route #{n}"),
        NOTIFICATION_KEYS,
    )?;
    let items = tables
        .into_iter()
        .map(|mut t| {
            let id = t.string(diags, "id", "\"sns\"");
            if let Some(id) = &id {
                t.set_what(format!("notification route `{}`", id.get_ref()));
            }
            RawNotification {
                span: t.span(),
                product: t.string(diags, "product", "\"saas\""),
                name: t.string(diags, "name", "\"...\""),
                description: t.string(diags, "description", "\"...\""),
                source: t.string(diags, "source", "\"https://...\""),
                sender: t.string(diags, "sender", "\"sns.amazonaws.com\""),
                source_arns: t.strings(diags, "source_arns", None),
                event_source: t.optional_string(diags, "event_source"),
                event_types: t.strings(diags, "event_types", None),
                consumer: t.strings(diags, "consumer", Some("[\"ReceiveMessage\"]")),
                encrypted: t.strings(diags, "encrypted", Some("[\"Decrypt\"]")),
                subscriber: t.strings(diags, "subscriber", None),
                targets: t.strings(diags, "targets", Some("[\"ecs\"]")),
                what: t.what().to_owned(),
                id,
            }
        })
        .collect();
    Some(RawTables { items, span })
}

fn read_managed(diags: &mut Diagnostics, root: &Table<'_, '_>) -> Option<RawTables<RawManaged>> {
    let (tables, span) = root.tables(
        diags,
        "managed_policies",
        false,
        &|n| format!("managed policy #{n}"),
        MANAGED_KEYS,
    )?;
    let items = tables
        .into_iter()
        .map(|mut t| {
            let name = t.string(diags, "name", "\"AWSLicenseManagerConsumptionPolicy\"");
            if let Some(name) = &name {
                t.set_what(format!("managed policy `{}`", name.get_ref()));
            }
            RawManaged {
                arn: t.string(diags, "arn", "\"arn:aws:iam::aws:policy/...\""),
                version: t.string(diags, "version", "\"v1\""),
                source: t.string(diags, "source", "\"https://...\""),
                actions: t.strings(
                    diags,
                    "actions",
                    Some("[\"license-manager:CheckoutLicense\"]"),
                ),
                compare: t.strings(diags, "compare", Some("[\"ami/contracts\"]")),
                what: t.what().to_owned(),
                name,
            }
        })
        .collect();
    Some(RawTables { items, span })
}

fn read_page(diags: &mut Diagnostics, root: &Table<'_, '_>) -> Option<RawPage> {
    let page = root.table(diags, "page", "the `[page]` table", PAGE_KEYS)?;
    let title = page.string(diags, "title", "\"...\"");
    let anchor = page.string(diags, "anchor", "\"...\"");
    let intro = page.strings(diags, "intro", Some("[\"...\"]"));
    let closing = page.strings(diags, "closing", None);
    let mut sources = Vec::new();
    if let Some((tables, _)) = page.tables(
        diags,
        "sources",
        false,
        &|n| format!("source #{n} of the page"),
        SOURCE_KEYS,
    ) {
        for t in tables {
            sources.push(RawSource {
                title: t.string(diags, "title", "\"...\""),
                url: t.string(diags, "url", "\"https://...\""),
            });
        }
    }
    let mut availability = Vec::new();
    if let Some((tables, _)) = page.tables(
        diags,
        "availability",
        false,
        &|n| format!("availability #{n} of the page"),
        AVAILABILITY_KEYS,
    ) {
        for t in tables {
            availability.push(RawAvailability {
                actions: t.strings(diags, "actions", Some("[\"MeterUsage\"]")),
                govcloud: t.string(diags, "govcloud", "\"...\""),
                china: t.string(diags, "china", "\"...\""),
                source: t.string(diags, "source", "\"https://...\""),
                quote: t.string(diags, "quote", "\"...\""),
            });
        }
    }
    Some(RawPage {
        title,
        anchor,
        intro,
        closing,
        sources,
        availability,
    })
}

fn read_actions(diags: &mut Diagnostics, root: &Table<'_, '_>) -> Option<RawTables<RawAction>> {
    let (tables, span) = root.tables(
        diags,
        "actions",
        true,
        &|n| format!("action #{n}"),
        ACTION_KEYS,
    )?;
    let items = tables
        .into_iter()
        .map(|mut t| {
            let id = t.string(diags, "id", "\"MeterUsage\"");
            if let Some(id) = &id {
                t.set_what(format!("action `{}`", id.get_ref()));
            }
            RawAction {
                name: t.string(diags, "name", "\"aws-marketplace:MeterUsage\""),
                service: t.string(diags, "service", "\"metering\""),
                access_level: t.string(diags, "access_level", "\"Write\""),
                purpose: t.string(diags, "purpose", "\"...\""),
                api_reference: t.string(diags, "api_reference", "\"https://...\""),
                resources: t.strings(diags, "resources", None),
                id,
            }
        })
        .collect();
    Some(RawTables { items, span })
}

fn read_products(diags: &mut Diagnostics, root: &Table<'_, '_>) -> Option<RawTables<RawProduct>> {
    let (tables, span) = root.tables(
        diags,
        "products",
        true,
        &|n| format!("product #{n}"),
        PRODUCT_KEYS,
    )?;
    let mut items = Vec::new();
    for mut t in tables {
        let id = t.string(diags, "id", "\"saas\"");
        if let Some(id) = &id {
            t.set_what(format!("product `{}`", id.get_ref()));
        }
        let mut models = Vec::new();
        let product_what = t.what().to_owned();
        if let Some((model_tables, _)) = t.tables(
            diags,
            "pricing_models",
            false,
            &|n| format!("pricing model #{n} of {product_what}"),
            MODEL_KEYS,
        ) {
            for mut m in model_tables {
                let id = m.string(diags, "id", "\"subscriptions\"");
                if let Some(id) = &id {
                    m.set_what(format!(
                        "pricing model `{}` of {product_what}",
                        id.get_ref()
                    ));
                }
                models.push(RawModel {
                    span: m.span(),
                    name: m.string(diags, "name", "\"...\""),
                    description: m.string(diags, "description", "\"...\""),
                    source: m.string(diags, "source", "\"https://...\""),
                    actions: m.strings(diags, "actions", None),
                    no_policy: m.optional_string(diags, "no_policy"),
                    targets: m.strings(diags, "targets", None),
                    id,
                });
            }
        }
        items.push(RawProduct {
            name: t.string(diags, "name", "\"SaaS\""),
            title: t.string(diags, "title", "\"...\""),
            anchor: t.string(diags, "anchor", "\"...\""),
            actions: t.strings(diags, "actions", Some("[\"MeterUsage\"]")),
            notes: t.strings(diags, "notes", None),
            what: product_what,
            id,
            models,
        });
    }
    Some(RawTables { items, span })
}

fn read_targets(diags: &mut Diagnostics, root: &Table<'_, '_>) -> Vec<RawTarget> {
    let Some((tables, _)) = root.tables(
        diags,
        "targets",
        false,
        &|n| format!("target #{n}"),
        TARGET_KEYS,
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for mut t in tables {
        let id = t.string(diags, "id", "\"ecs\"");
        if let Some(id) = &id {
            t.set_what(format!("target `{}`", id.get_ref()));
        }
        let name = t.string(diags, "name", "\"...\"");
        let signer = t.string(diags, "signer", "\"...\"");
        let attach = t.string(diags, "attach", "\"...\"");
        let serves = t.strings(diags, "serves", Some("[\"container\"]"));
        let instance_profile = t.bool(diags, "instance_profile");
        let notes = t.strings(diags, "notes", None);
        let trust = t
            .table(
                diags,
                "trust",
                &format!("the trust policy of {}", t.what()),
                TRUST_KEYS,
            )
            .map(|tr| read_trust(diags, &tr));
        out.push(RawTarget {
            what: t.what().to_owned(),
            id,
            name,
            signer,
            attach,
            serves,
            instance_profile,
            trust,
            notes,
        });
    }
    out
}

fn read_trust(diags: &mut Diagnostics, t: &Table<'_, '_>) -> RawTrust {
    let principal_kind = t.string(diags, "principal_kind", "\"Service\"");
    let principal = t.string(diags, "principal", "\"ecs-tasks.amazonaws.com\"");
    let action = t.string(diags, "action", "\"sts:AssumeRole\"");
    let mut conditions = Vec::new();
    if let Some((tables, _)) = t.tables(
        diags,
        "conditions",
        false,
        &|n| format!("condition #{n}"),
        CONDITION_KEYS,
    ) {
        for c in tables {
            conditions.push(RawCondition {
                operator: c.string(diags, "operator", "\"StringEquals\""),
                key: c.string(diags, "key", "\"aws:SourceAccount\""),
                value: c.string(diags, "value", "\"${AccountId}\""),
            });
        }
    }
    RawTrust {
        span: t.span(),
        principal_kind,
        principal,
        action,
        conditions,
    }
}
