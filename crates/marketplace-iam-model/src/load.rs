//! policies.toml → [`Policies`]: read every table (collecting errors), then cross-check, then build.

use std::collections::HashMap;
use std::ops::Range;

use toml_spanner::{Arena, ErrorKind, Item, Table as TomlTable};

use crate::catalog::{self, AccessLevel, Catalog};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ident;
use crate::model::{
    Action, ActionIndex, Page, Policies, PricingModel, Product, Requirement, Service, Source,
};
use crate::reader::{Spanned, Str, StrList, Table, backticked};

/// The `schema_version` this version of the engine reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Names the generated Rust API uses for itself; no id may turn into one of them.
pub(crate) const RESERVED_TYPE_NAMES: &[&str] = &[
    "Action",
    "ProductType",
    "PricingModel",
    "Grants",
    "GrantedTo",
    "Policy",
    "IamAction",
    "ParseError",
    "DeploymentTarget",
    "Role",
    "RoleBuilder",
    "RoleError",
    "Parameter",
    "Self",
];

const ROOT_KEYS: &[&str] = &["schema_version", "page", "actions", "products", "targets"];
const PAGE_KEYS: &[&str] = &["title", "anchor", "intro", "closing", "sources"];
const SOURCE_KEYS: &[&str] = &["title", "url"];
const ACTION_KEYS: &[&str] = &[
    "id",
    "name",
    "service",
    "access_level",
    "purpose",
    "api_reference",
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
];

struct RawAction {
    id: Option<Str>,
    name: Option<Str>,
    service: Option<Str>,
    access_level: Option<Str>,
    purpose: Option<Str>,
    api_reference: Option<Str>,
}

struct RawProduct {
    id: Option<Str>,
    name: Option<Str>,
    title: Option<Str>,
    anchor: Option<Str>,
    actions: Option<StrList>,
    notes: Option<StrList>,
    models: Vec<RawModel>,
}

struct RawModel {
    span: Range<usize>,
    id: Option<Str>,
    name: Option<Str>,
    description: Option<Str>,
    source: Option<Str>,
    actions: Option<StrList>,
    no_policy: Option<Str>,
}

/// Parses and validates the text of a policies file. `path` is only used to name the file in messages.
///
/// Every problem is reported, not just the first; see [`Diagnostics`].
///
/// # Examples
///
/// ```
/// let text = std::fs::read_to_string("../../policies.toml").unwrap();
/// let policies = marketplace_iam_model::parse("policies.toml", &text).unwrap();
/// assert_eq!(policies.product("ami").unwrap().name, "AMI");
/// ```
pub fn parse(path: &str, text: &str) -> Result<Policies, Diagnostics> {
    parse_with_catalog(path, text, &Catalog::aws())
}

/// Like [`parse`], validating action names against `catalog` instead of AWS's. For synthetic data (benchmarks with
/// thousands of actions); policies for real accounts use [`parse`].
pub fn parse_with_catalog(
    path: &str,
    text: &str,
    catalog: &Catalog,
) -> Result<Policies, Diagnostics> {
    // A byte order mark is not part of the text: positions are counted as an editor shows them.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut diags = Diagnostics::new(path, text);
    let result = parse_into(&mut diags, text, catalog);
    diags.sort();
    match result {
        Some(policies) if diags.is_empty() => Ok(policies),
        _ => Err(diags),
    }
}

/// Like [`parse`], for bytes that may not be UTF-8 (which is reported with its position).
pub fn parse_bytes(path: &str, bytes: &[u8]) -> Result<Policies, Diagnostics> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(path, text),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let text = String::from_utf8_lossy(bytes).into_owned();
            // The lossy text has the same prefix, so the offset still points at the bad byte.
            let start = valid.len();
            let mut diags = Diagnostics::new(path, text);
            diags.push(
                Diagnostic::spanned("the file is not valid UTF-8", start..start + 1)
                    .with_label("invalid byte sequence here")
                    .with_help("save the file as UTF-8"),
            );
            Err(diags)
        }
    }
}

/// How a message names what the TOML parser expected or found: punctuation as written.
fn token(description: &'static str) -> &'static str {
    match description {
        "an equals" => "`=`",
        "a period" => "`.`",
        "a comma" => "`,`",
        "a colon" => "`:`",
        "a plus" => "`+`",
        "a left bracket" => "`[`",
        "a right bracket" => "`]`",
        "a left brace" => "`{`",
        "a right brace" => "`}`",
        other => other,
    }
}

/// A TOML syntax error as a diagnostic, pointing where the parser stopped.
fn syntax_error(diags: &Diagnostics, text: &str, e: &toml_spanner::Error) -> Diagnostic {
    let span = e.span().range();
    let span = span.start.min(text.len())..span.end.min(text.len());
    // The text an error points at (a key, a table name), for the message.
    let named = |at: toml_spanner::Span| text.get(at.range()).unwrap_or_default().trim().to_owned();
    let again = |what: String, first: toml_spanner::Span| {
        let (line, _) = diags.position(first.range().start);
        Diagnostic::spanned(format!("invalid TOML: duplicate {what}"), span.clone())
            .with_label("defined again here")
            .with_help(format!(
                "a key, or a `[table]` header, may appear only once in a table; it is first defined on line {line}; \
                 remove or rename one of them"
            ))
    };
    let unclosed = |close: &str, separate: &str| {
        Diagnostic::spanned(
            format!("invalid TOML: expected `,` or `{close}`"),
            span.clone(),
        )
        .with_label(format!("expected `,` or `{close}`"))
        .with_help(format!(
            "separate the {separate} with `,` and close the list with `{close}`"
        ))
    };
    // A bare word TOML read as something else: most likely text written without its quotes.
    let unquoted = |message: &str, label: &str| {
        Diagnostic::spanned(format!("invalid TOML: {message}"), span.clone())
            .with_label(label)
            .with_help("write text in double quotes: `key = \"text\"`")
    };
    match e.kind() {
        // `DottedKeyInvalidType`: `a.b = ...` after `a = <not a table>`, which defines `a` again.
        ErrorKind::DuplicateKey { first } | ErrorKind::DottedKeyInvalidType { first } => {
            again(format!("key `{}`", named(e.span())), first)
        }
        ErrorKind::DuplicateTable { name, first } => {
            again(format!("table `[{}]`", named(name)), first)
        }
        // Points at the whole `[[name]]` header.
        ErrorKind::RedefineAsArray { first } => {
            again(format!("table `{}`", named(e.span())), first)
        }
        // The parser's only use of this kind while parsing: past its nesting limit.
        ErrorKind::OutOfRange { .. } => Diagnostic::spanned("invalid TOML: nested too deep", span)
            .with_label("nested too deep")
            .with_help(
                "policies.toml nests two levels deep at most (a list of strings in a table)",
            ),
        ErrorKind::UnquotedString => unquoted(
            "text must be quoted",
            "expected a string, a number, `true`, `false`, an array or a table",
        ),
        ErrorKind::Wanted { expected, found } => {
            let (expected, found) = (token(expected), token(found));
            Diagnostic::spanned(
                format!("invalid TOML: expected {expected}, found {found}"),
                span,
            )
            .with_label(format!("expected {expected}"))
        }
        ErrorKind::MissingArrayComma | ErrorKind::UnclosedArray => {
            unclosed("]", "entries of an array")
        }
        ErrorKind::MissingInlineTableComma | ErrorKind::UnclosedInlineTable => {
            unclosed("}", "keys of an inline table")
        }
        ErrorKind::InvalidInteger(_) | ErrorKind::InvalidFloat(_) => {
            unquoted("invalid number", "not a number")
        }
        ErrorKind::InvalidDateTime(_) => unquoted("invalid date-time", "not a date-time"),
        ErrorKind::UnterminatedString(_) | ErrorKind::InvalidCharInString('\n') => {
            Diagnostic::spanned("invalid TOML: unterminated string", span)
                .with_label("this string is not closed")
                .with_help(
                    "end the string on the same line with the quote it starts with \
                     (or use `\"\"\"` for text over several lines)",
                )
        }
        ErrorKind::InvalidEscape(_)
        | ErrorKind::InvalidHexEscape(_)
        | ErrorKind::InvalidEscapeValue(_) => Diagnostic::spanned(format!("invalid TOML: {e}"), span)
            .with_label("not an escape TOML knows")
            .with_help(
                "write a backslash as `\\\\`, or put the text in single quotes ('...'), where a backslash is just a \
                 backslash",
            ),
        ErrorKind::UnexpectedEof => {
            Diagnostic::spanned("invalid TOML: the file ends in the middle of a value", span)
                .with_label("the file ends here")
                .with_help("close the array, inline table or string that is still open")
        }
        ErrorKind::InvalidCharInString(c) => Diagnostic::spanned(
            format!(
                "invalid TOML: the control character U+{:04X} is not allowed in a string",
                u32::from(c)
            ),
            span,
        )
        .with_label("not allowed here")
        .with_help(format!(
            "remove it, or write it as the escape `\\u{:04X}`",
            u32::from(c)
        )),
        _ => Diagnostic::spanned(format!("invalid TOML: {e}"), span),
    }
}

fn parse_into(diags: &mut Diagnostics, text: &str, catalog: &Catalog) -> Option<Policies> {
    let arena = Arena::new();
    let document = match toml_spanner::parse(text, &arena) {
        Ok(document) => document,
        Err(e) => {
            let diag = syntax_error(diags, text, &e);
            diags.push(diag);
            return None;
        }
    };
    let root_span = 0..0;
    let root = Table::new(
        diags,
        document.table(),
        root_span,
        "policies.toml",
        ROOT_KEYS,
    );

    let version = root.u32(diags, "schema_version", &SCHEMA_VERSION.to_string())?;
    if *version.get_ref() != SCHEMA_VERSION {
        diags.push(
            Diagnostic::spanned(
                format!("unsupported schema_version {}", version.get_ref()),
                version.span(),
            )
            .with_label("unsupported")
            .with_help(format!(
                "this version of marketplace-iam reads schema_version = {SCHEMA_VERSION}; \
                     upgrade marketplace-iam or convert the file"
            )),
        );
        return None;
    }

    let page = read_page(diags, &root);
    let actions = read_actions(diags, &root);
    let products = read_products(diags, &root);

    let product_ids: Vec<&str> = products
        .iter()
        .filter_map(|p| p.id.as_ref().map(|id| id.get_ref().as_str()))
        .collect();
    let targets = crate::targets::read_targets(diags, &root, &product_ids);
    let index = check_actions(diags, &actions, catalog);
    check_products(diags, &products, &index);
    check_type_names(diags, &actions, &products);

    if !diags.is_empty() {
        return None;
    }
    Some(Policies {
        schema_version: SCHEMA_VERSION,
        page: page?,
        actions: actions
            .into_iter()
            .map(build_action)
            .collect::<Option<_>>()?,
        targets: targets.into_iter().collect::<Option<_>>()?,
        products: products
            .into_iter()
            .map(|p| build_product(p, &index))
            .collect::<Option<_>>()?,
    })
}

fn read_page(diags: &mut Diagnostics, root: &Table<'_, '_>) -> Option<Page> {
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
            let title = t.string(diags, "title", "\"...\"");
            let url = t.string(diags, "url", "\"https://...\"");
            if let Some(url) = &url {
                check_url(diags, url, "url");
            }
            if let (Some(title), Some(url)) = (title, url) {
                sources.push(Source {
                    title: title.into_inner(),
                    url: url.into_inner(),
                });
            }
        }
    }
    Some(Page {
        title: title?.into_inner(),
        anchor: anchor?.into_inner(),
        intro: texts(intro?),
        closing: closing.map(texts).unwrap_or_default(),
        sources,
    })
}

fn read_actions(diags: &mut Diagnostics, root: &Table<'_, '_>) -> Vec<RawAction> {
    let Some((tables, span)) = root.tables(
        diags,
        "actions",
        true,
        &|n| format!("action #{n}"),
        ACTION_KEYS,
    ) else {
        return Vec::new();
    };
    if tables.is_empty() {
        diags.push(
            Diagnostic::spanned("no action is declared", span)
                .with_label("empty")
                .with_help("declare each action in an `[[actions]]` table"),
        );
    }
    tables
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
                id,
            }
        })
        .collect()
}

fn read_products(diags: &mut Diagnostics, root: &Table<'_, '_>) -> Vec<RawProduct> {
    let Some((tables, span)) = root.tables(
        diags,
        "products",
        true,
        &|n| format!("product #{n}"),
        PRODUCT_KEYS,
    ) else {
        return Vec::new();
    };
    if tables.is_empty() {
        diags.push(
            Diagnostic::spanned("no product is declared", span)
                .with_label("empty")
                .with_help("declare each product type in a `[[products]]` table"),
        );
    }
    let mut out = Vec::new();
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
                    id,
                });
            }
        }
        let product = RawProduct {
            name: t.string(diags, "name", "\"SaaS\""),
            title: t.string(diags, "title", "\"...\""),
            anchor: t.string(diags, "anchor", "\"...\""),
            actions: t.strings(diags, "actions", Some("[\"MeterUsage\"]")),
            notes: t.strings(diags, "notes", None),
            id,
            models,
        };
        if product.actions.as_ref().is_some_and(|a| a.written == 0) {
            let span = product
                .actions
                .as_ref()
                .map(|a| a.span.clone())
                .unwrap_or_default();
            diags.push(
                Diagnostic::spanned(format!("{} grants no action", t.what()), span)
                    .with_label("empty list")
                    .with_help("list the actions the product's policy grants, e.g. `actions = [\"MeterUsage\"]`"),
            );
        }
        out.push(product);
    }
    out
}

/// Checks ids, names, services and access levels; returns the id → index map of the declared actions.
fn check_actions(
    diags: &mut Diagnostics,
    actions: &[RawAction],
    catalog: &Catalog,
) -> HashMap<String, ActionIndex> {
    let mut index = HashMap::new();
    let mut names: HashMap<&str, &Str> = HashMap::new();
    for (i, a) in actions.iter().enumerate() {
        if let Some(id) = &a.id {
            if !ident::is_action_id(id.get_ref()) {
                diags.push(
                    Diagnostic::spanned(
                        format!(
                            "action id `{}` cannot become a Rust type name",
                            id.get_ref()
                        ),
                        id.span(),
                    )
                    .with_label("not an UpperCamelCase identifier")
                    .with_help(
                        "action ids are UpperCamelCase ASCII names such as `BatchMeterUsage` \
                         (usually the action name without `aws-marketplace:`)",
                    ),
                );
            }
            if index.insert(id.get_ref().clone(), ActionIndex(i)).is_some() {
                diags.push(duplicate_id(
                    id,
                    "action",
                    "each action is declared once; remove this `[[actions]]` table or rename its id",
                ));
            }
        }
        if let Some(name) = &a.name {
            if check_action_name(diags, name, catalog)
                && let Some(first) = names.insert(name.get_ref(), name)
            {
                let (line, _) = diags.position(first.span().start);
                diags.push(
                    Diagnostic::spanned(
                        format!("action `{}` is declared twice", name.get_ref()),
                        name.span(),
                    )
                    .with_label(format!("already declared on line {line}"))
                    .with_help("declare each IAM action once and refer to it by its id"),
                );
            }
            check_service_and_level(diags, a, name, catalog);
        }
        if let Some(url) = &a.api_reference {
            check_url(diags, url, "api_reference");
        }
    }
    index
}

/// Least privilege and exact names: no wildcard, the right prefix, a name AWS defines in exactly that case.
/// Returns whether the name is a catalog action.
fn check_action_name(diags: &mut Diagnostics, name: &Str, catalog: &Catalog) -> bool {
    let n = name.get_ref();
    if n.contains(['*', '?']) {
        diags.push(
            Diagnostic::spanned(format!("wildcard in action `{n}`"), name.span())
                .with_label("wildcards grant more than the integration needs")
                .with_help(
                    "name each action exactly, e.g. `aws-marketplace:MeterUsage`: `aws-marketplace:*` also grants \
                     write access to product listings and agreements",
                ),
        );
        return false;
    }
    if catalog.lookup(n).is_some() {
        return true;
    }
    let mut d = Diagnostic::spanned(
        format!(
            "action `{n}` is not in the AWS catalog of the `{}` prefix",
            catalog::PREFIX
        ),
        name.span(),
    );
    d = if let Some(exact) = catalog.lookup_ignore_case(n) {
        d.with_label("wrong letter case")
            .with_help(format!("write it as the catalog does: `{}`", exact.name))
    } else if !n.starts_with(&format!("{}:", catalog::PREFIX)) {
        d.with_label(format!("not an `{}:` action", catalog::PREFIX))
            .with_help(format!(
                "write `{}:` followed by the action name",
                catalog::PREFIX
            ))
    } else if let Some(close) = catalog.closest(n) {
        d.with_label("unknown action")
            .with_help(format!("did you mean `{}`?", close.name))
    } else {
        d.with_label("unknown action").with_help(
            "the actions AWS defines for the prefix are listed in \
             crates/marketplace-iam-model/data/aws-marketplace-actions.json",
        )
    };
    diags.push(d);
    false
}

fn check_service_and_level(diags: &mut Diagnostics, a: &RawAction, name: &Str, catalog: &Catalog) {
    let entry = catalog.lookup(name.get_ref());
    if let Some(service) = &a.service {
        match parse_service(service.get_ref()) {
            None => diags.push(
                Diagnostic::spanned(
                    format!("unknown service `{}`", service.get_ref()),
                    service.span(),
                )
                .with_label("not a service")
                .with_help("write `metering` or `entitlement`"),
            ),
            Some(s) => {
                if let Some(entry) = entry
                    && entry.service != s.catalog_name()
                {
                    diags.push(
                        Diagnostic::spanned(
                            format!("`{}` belongs to {}, not to {}", entry.name, entry.service, s.catalog_name()),
                            service.span(),
                        )
                        .with_label("does not match the AWS catalog")
                        .with_help(
                            "only Metering Service and Entitlement Service actions belong in seller integration \
                             policies",
                        ),
                    );
                }
            }
        }
    }
    if let Some(level) = &a.access_level {
        let names: Vec<&str> = AccessLevel::ALL.iter().map(|l| l.as_str()).collect();
        match AccessLevel::from_name(level.get_ref()) {
            None => diags.push(
                Diagnostic::spanned(
                    format!("unknown access level `{}`", level.get_ref()),
                    level.span(),
                )
                .with_label("not an IAM access level")
                .with_help(format!("write one of {}", backticked(&names))),
            ),
            Some(l) => {
                if let Some(entry) = entry
                    && entry.access_level != l
                {
                    diags.push(
                        Diagnostic::spanned(
                            format!(
                                "the AWS catalog gives `{}` the access level {}, not {l}",
                                entry.name, entry.access_level
                            ),
                            level.span(),
                        )
                        .with_label("does not match the AWS catalog")
                        .with_help(format!("write `access_level = \"{}\"`", entry.access_level)),
                    );
                }
            }
        }
    }
}

fn parse_service(s: &str) -> Option<Service> {
    [Service::Metering, Service::Entitlement]
        .into_iter()
        .find(|x| x.id() == s)
}

fn check_products(
    diags: &mut Diagnostics,
    products: &[RawProduct],
    index: &HashMap<String, ActionIndex>,
) {
    let mut seen: HashMap<&str, &Str> = HashMap::new();
    for p in products {
        if let Some(id) = &p.id {
            check_kebab_id(diags, id, "product");
            if seen.insert(id.get_ref(), id).is_some() {
                diags.push(duplicate_id(
                    id,
                    "product",
                    "give each product a different id",
                ));
            }
        }
        if let Some(list) = &p.actions {
            check_references(diags, &list.items, index);
        }
        let mut model_ids: HashMap<&str, &Str> = HashMap::new();
        for m in &p.models {
            if let Some(id) = &m.id {
                check_kebab_id(diags, id, "pricing model");
                if model_ids.insert(id.get_ref(), id).is_some() {
                    diags.push(duplicate_id(
                        id,
                        "pricing model",
                        "give each pricing model of a product a different id",
                    ));
                }
            }
            if let Some(url) = &m.source {
                check_url(diags, url, "source");
            }
            check_requirement(diags, m, index);
        }
    }
}

fn check_requirement(diags: &mut Diagnostics, m: &RawModel, index: &HashMap<String, ActionIndex>) {
    let what = match &m.id {
        Some(id) => format!("pricing model `{}`", id.get_ref()),
        None => "this pricing model".to_owned(),
    };
    match (&m.actions, &m.no_policy) {
        (Some(list), None) if list.written == 0 => diags.push(
            Diagnostic::spanned(format!("{what} grants no action"), list.span.clone())
                .with_label("empty list")
                .with_help(
                    "list the actions it calls, or, if it makes no metering or entitlement call, replace \
                     `actions` with `no_policy = \"<why>\"`",
                ),
        ),
        (Some(list), None) => check_references(diags, &list.items, index),
        (None, Some(_)) => {}
        (Some(list), Some(_)) => diags.push(
            Diagnostic::spanned(format!("{what} has both `actions` and `no_policy`"), list.span.clone())
                .with_label("`actions` here")
                .with_help("keep `actions` if the model makes calls, `no_policy` if it makes none"),
        ),
        (None, None) => diags.push(
            Diagnostic::spanned(format!("{what} says neither `actions` nor `no_policy`"), m.span.clone())
                .with_label("in this table")
                .with_help("add `actions = [\"...\"]`, or `no_policy = \"<why>\"` if it makes no call"),
        ),
    }
}

fn check_references(diags: &mut Diagnostics, items: &[Str], index: &HashMap<String, ActionIndex>) {
    for item in items {
        let id = item.get_ref();
        if index.contains_key(id) {
            continue;
        }
        let mut known: Vec<&str> = index.keys().map(String::as_str).collect();
        known.sort_unstable();
        let suffix = id.strip_prefix(&format!("{}:", catalog::PREFIX));
        let help = if let Some(short) = suffix.filter(|s| index.contains_key(*s)) {
            format!("refer to actions by their id: `{short}`")
        } else if let Some(close) = crate::suggest::closest(id, &known, 0.85) {
            format!("did you mean `{close}`?")
        } else {
            format!(
                "declare it in an `[[actions]]` table, or use a declared action: {}",
                backticked(&known)
            )
        };
        diags.push(
            Diagnostic::spanned(format!("action `{id}` is not declared"), item.span())
                .with_label("no `[[actions]]` table has this id")
                .with_help(help),
        );
    }
}

/// `duplicate <what> id `x``, pointing at the second declaration.
pub(crate) fn duplicate_id(id: &Str, what: &str, help: &str) -> Diagnostic {
    Diagnostic::spanned(format!("duplicate {what} id `{}`", id.get_ref()), id.span())
        .with_label("declared again here")
        .with_help(help)
}

pub(crate) fn check_kebab_id(diags: &mut Diagnostics, id: &Str, what: &str) {
    if !ident::is_kebab_id(id.get_ref()) {
        diags.push(
            Diagnostic::spanned(
                format!(
                    "{what} id `{}` cannot become a Rust type name",
                    id.get_ref()
                ),
                id.span(),
            )
            .with_label("not a lowercase kebab-case id")
            .with_help(format!(
                "{what} ids are lowercase ASCII words joined by `-`, such as `hourly-monthly`; \
                     they name the published file and the Rust type (`HourlyMonthly`)"
            )),
        );
    }
}

fn check_url(diags: &mut Diagnostics, url: &Str, key: &str) {
    if !url.get_ref().starts_with("https://") || url.get_ref().contains(char::is_whitespace) {
        diags.push(
            Diagnostic::spanned(format!("`{key}` must be an https:// address"), url.span())
                .with_label("not an https:// address")
                .with_help("link the public AWS page the fact comes from"),
        );
    }
}

/// Every id becomes a Rust type in the generated API; two ids must not become the same type.
fn check_type_names(diags: &mut Diagnostics, actions: &[RawAction], products: &[RawProduct]) {
    let mut taken: HashMap<String, String> = RESERVED_TYPE_NAMES
        .iter()
        .map(|n| (n.to_string(), "the generated API itself".to_owned()))
        .collect();
    let mut claim = |diags: &mut Diagnostics, name: String, owner: String, span: Range<usize>| {
        if let Some(previous) = taken.get(&name) {
            diags.push(
                Diagnostic::spanned(
                    format!("{owner} would become the Rust type `{name}`, which {previous} uses"),
                    span,
                )
                .with_label("name collision")
                .with_help("choose another id"),
            );
        } else {
            taken.insert(name, owner);
        }
    };
    // A duplicate id is reported once, as a duplicate, not again as a type-name collision.
    let mut seen_ids = std::collections::HashSet::new();
    let mut first = |kind: &str, id: &str| seen_ids.insert(format!("{kind} {id}"));
    for a in actions {
        if let Some(id) =
            a.id.as_ref()
                .filter(|id| ident::is_action_id(id.get_ref()) && first("action", id.get_ref()))
        {
            claim(
                diags,
                id.get_ref().clone(),
                format!("action `{}`", id.get_ref()),
                id.span(),
            );
            if ident::screaming_snake(id.get_ref()) == "POLICIES_TOML" {
                diags.push(
                    Diagnostic::spanned(
                        format!("action `{}` would become the constant `POLICIES_TOML`, which the generated API itself uses", id.get_ref()),
                        id.span(),
                    )
                    .with_label("name collision")
                    .with_help("choose another id"),
                );
            }
        }
    }
    for p in products {
        let Some(pid) =
            p.id.as_ref()
                .filter(|id| ident::is_kebab_id(id.get_ref()) && first("product", id.get_ref()))
        else {
            continue;
        };
        claim(
            diags,
            ident::upper_camel(pid.get_ref()),
            format!("product `{}`", pid.get_ref()),
            pid.span(),
        );
        for m in &p.models {
            if let Some(mid) = m.id.as_ref().filter(|id| {
                ident::is_kebab_id(id.get_ref())
                    && first(&format!("model of {}", pid.get_ref()), id.get_ref())
            }) {
                claim(
                    diags,
                    ident::upper_camel(pid.get_ref()) + &ident::upper_camel(mid.get_ref()),
                    format!(
                        "pricing model `{}` of product `{}`",
                        mid.get_ref(),
                        pid.get_ref()
                    ),
                    mid.span(),
                );
            }
        }
    }
}

fn texts(list: StrList) -> Vec<String> {
    list.items.into_iter().map(Spanned::into_inner).collect()
}

fn build_action(a: RawAction) -> Option<Action> {
    Some(Action {
        id: a.id?.into_inner(),
        service: parse_service(a.service?.get_ref())?,
        access_level: AccessLevel::from_name(a.access_level?.get_ref())?,
        name: a.name?.into_inner(),
        purpose: a.purpose?.into_inner(),
        api_reference: a.api_reference?.into_inner(),
    })
}

fn resolve(list: StrList, index: &HashMap<String, ActionIndex>) -> Option<Vec<ActionIndex>> {
    list.items
        .iter()
        .map(|i| index.get(i.get_ref()).copied())
        .collect()
}

fn build_product(p: RawProduct, index: &HashMap<String, ActionIndex>) -> Option<Product> {
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

/// The Rust names a file declares, read leniently from a file that may not be valid.
///
/// When policies.toml has errors, the proc macro reports them and still emits placeholder items under these names,
/// so the user sees the real errors rather than a cascade of "cannot find type `Saas`" errors in their own code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Salvaged {
    /// Type names of the actions (`BatchMeterUsage`).
    pub actions: Vec<String>,
    /// Type names of the products (`Saas`), each with the type names of its pricing models (`SaasSubscriptions`).
    pub products: Vec<(String, Vec<String>)>,
}

/// Reads whatever ids can be read from `text`, ignoring every error (see [`Salvaged`]).
///
/// # Examples
///
/// ```
/// let s = marketplace_iam_model::salvage("[[actions]]\nid = \"MeterUsage\"\nname = 3\n[[products]]\nid = \"ami\"\n");
/// assert_eq!(s.actions, ["MeterUsage"]);
/// assert_eq!(s.products, [("Ami".to_string(), vec![])]);
/// ```
pub fn salvage(text: &str) -> Salvaged {
    fn tables<'a, 'i>(v: Option<&'a Item<'i>>) -> Vec<&'a TomlTable<'i>> {
        v.and_then(Item::as_array)
            .map(|a| a.iter().filter_map(Item::as_table).collect())
            .unwrap_or_default()
    }
    let mut out = Salvaged::default();
    let arena = Arena::new();
    let fixed;
    let document = match toml_spanner::parse(text, &arena) {
        Ok(document) => document,
        Err(_) => {
            let Some(text) = repaired(text) else {
                return out;
            };
            fixed = text;
            let Ok(document) = toml_spanner::parse(&fixed, &arena) else {
                return out;
            };
            document
        }
    };
    let root = document.table();
    let id_of = |t: &TomlTable<'_>| t.get("id").and_then(Item::as_str).map(str::to_owned);
    let mut taken: Vec<String> = RESERVED_TYPE_NAMES.iter().map(|s| s.to_string()).collect();
    let mut fresh = |name: &String| {
        let new = !taken.contains(name);
        if new {
            taken.push(name.clone());
        }
        new
    };
    for a in tables(root.get("actions")) {
        if let Some(id) = id_of(a).filter(|id| ident::is_action_id(id) && fresh(id)) {
            out.actions.push(id);
        }
    }
    for p in tables(root.get("products")) {
        let Some(pid) = id_of(p).filter(|id| ident::is_kebab_id(id)) else {
            continue;
        };
        let name = ident::upper_camel(&pid);
        if !fresh(&name) {
            continue;
        }
        let mut models = Vec::new();
        for m in tables(p.get("pricing_models")) {
            if let Some(mid) = id_of(m).filter(|id| ident::is_kebab_id(id)) {
                let model = name.clone() + &ident::upper_camel(&mid);
                if fresh(&model) {
                    models.push(model);
                }
            }
        }
        out.products.push((name, models));
    }
    out
}

/// The text of a document with a syntax error, with each line the parser stops at blanked out until it parses (a
/// few times at most), so that a mistake in one table does not hide the ids of the others. `None` if that fails.
fn repaired(text: &str) -> Option<String> {
    const ATTEMPTS: usize = 8;
    let mut text = text.to_owned();
    for _ in 0..ATTEMPTS {
        let arena = Arena::new();
        let Err(e) = toml_spanner::parse(&text, &arena) else {
            return Some(text);
        };
        let bytes = text.as_bytes();
        let at = e.span().range().start.min(bytes.len());
        let start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| at + i);
        if start == end {
            return None;
        }
        text.replace_range(start..end, &" ".repeat(end - start));
    }
    None
}
