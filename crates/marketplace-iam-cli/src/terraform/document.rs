//! The policy documents of a plan: a policy attribute written as a JSON string (what `jsonencode` and
//! `aws_iam_policy_document` produce) or an object, known or known only after apply. A document unknown until
//! apply is rendered from the `aws_iam_policy_document` data source it comes from, statement by statement, when
//! it is exactly that data source's `json`; otherwise it stands as one statement that may grant anything,
//! conditional on the value it waits for, never allowed.

use serde_json::{Map, Value as Json, json};

use super::plan::{Plan, Resource, Step, show};
use crate::cloudformation::roles::Document;
use crate::cloudformation::template::{Kind, Node, Pos, TemplateError};

/// The value of a node as JSON.
fn to_json(node: &Node) -> Json {
    match &node.kind {
        Kind::Null => Json::Null,
        Kind::Bool(b) => Json::Bool(*b),
        Kind::Number(n) => serde_json::from_str(n).unwrap_or(Json::Null),
        Kind::String(s) => Json::String(s.clone()),
        Kind::List(items) => Json::Array(items.iter().map(to_json).collect()),
        Kind::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), to_json(v)))
                .collect(),
        ),
    }
}

/// `" (built from `a`, `b`)"` for the references of an expression, or nothing.
pub(crate) fn built_from(references: &[&str]) -> String {
    // `aws_iam_role.r.name` comes with `aws_iam_role.r`: name the longer ones only.
    let shown: Vec<String> = references
        .iter()
        .filter(|r| {
            !references
                .iter()
                .any(|o| o.len() > r.len() && o.starts_with(&format!("{r}.")))
        })
        .map(|r| format!("`{r}`"))
        .collect();
    if shown.is_empty() {
        String::new()
    } else {
        format!(" (built from {})", shown.join(", "))
    }
}

/// The document of a known policy attribute: an object, or a string of one.
fn written(node: &Node, path: String) -> Result<Document, TemplateError> {
    let json = match &node.kind {
        Kind::Map(_) => to_json(node),
        Kind::String(s) => serde_json::from_str::<Json>(s)
            .ok()
            .filter(Json::is_object)
            .ok_or_else(|| {
                TemplateError::at(
                    node.pos,
                    format!("{path} is a string that is not a JSON policy document: write it with `jsonencode({{Version = \"2012-10-17\", Statement = [...]}})` or an aws_iam_policy_document data source"),
                )
            })?,
        _ => {
            return Err(TemplateError::at(
                node.pos,
                format!("{path} is neither a policy document nor a string of one: write it with `jsonencode({{Version = \"2012-10-17\", Statement = [...]}})` or an aws_iam_policy_document data source"),
            ));
        }
    };
    let written: Vec<&Node> = match node.get("Statement") {
        Some(s) => s.as_list().map_or(vec![s], |l| l.iter().collect()),
        None => Vec::new(),
    };
    Ok(Document {
        path,
        pos: node.pos,
        json,
        statements: written.iter().map(|n| n.pos).collect(),
        fields: written
            .iter()
            .map(|n| {
                n.entries()
                    .unwrap_or_default()
                    .iter()
                    .map(|(k, _)| (k.name.clone(), k.pos))
                    .collect()
            })
            .collect(),
    })
}

/// The document of the policy attribute at `path` of `r`; `None` when it is not set.
pub(crate) fn document(
    plan: &Plan<'_>,
    r: &Resource<'_>,
    path: &[Step<'_>],
) -> Result<Option<Document>, TemplateError> {
    let doc_path = format!("{}.{}", r.address, show(path));
    let references = r.references(path);
    if let Some(node) = r.value(path) {
        let mut doc = written(node, doc_path)?;
        // The `json` of an aws_iam_policy_document read at plan time: located at its statement blocks.
        if let Some(source) = policy_document_source(plan, r, &references)
            && source.text(&[Step::Key("json")]) == node.as_str()
            && let Some(blocks) = source
                .value(&[Step::Key("statement")])
                .and_then(Node::as_list)
            && blocks.len() == doc.statement_list().len()
        {
            (doc.statements, doc.fields) = layout(blocks);
            doc.path = source.address.clone();
            doc.pos = source.pos;
        }
        return Ok(Some(doc));
    }
    if !r.is_unknown(path) {
        return Ok(None);
    }
    if let Some(source) = policy_document_source(plan, r, &references)
        && let Some(doc) = rendered(plan, source)
    {
        return Ok(Some(doc));
    }
    let token = plan.unknown(format!(
        "`{doc_path}`, known only after apply{}",
        built_from(&references)
    ));
    Ok(Some(Document {
        path: doc_path,
        pos: r.pos_of(path),
        json: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": token, "Resource": token}]}),
        statements: Vec::new(),
        fields: Vec::new(),
    }))
}

/// The `aws_iam_policy_document` data source whose `json` the expression is exactly, when it is.
fn policy_document_source<'a, 'p>(
    plan: &'a Plan<'p>,
    r: &Resource<'_>,
    references: &[&str],
) -> Option<&'a Resource<'p>> {
    let first = references.first()?;
    let name = first
        .strip_prefix("data.aws_iam_policy_document.")?
        .split(['.', '['])
        .next()?;
    let base = format!("data.aws_iam_policy_document.{name}");
    if !references
        .iter()
        .all(|x| *x == base || *x == format!("{base}.json"))
    {
        return None;
    }
    let mut found = plan.resources.iter().filter(|d| {
        d.data && d.kind == "aws_iam_policy_document" && d.name == name && d.module == r.module
    });
    let one = found.next()?;
    found.next().is_none().then_some(one)
}

/// The JSON names of an `aws_iam_policy_document` statement block's list attributes.
const LISTS: [(&str, &str); 4] = [
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
];

/// The document an `aws_iam_policy_document` data source will render, its unknown values as tokens; `None` when
/// it merges other documents or its statements are unknown as a whole.
fn rendered(plan: &Plan<'_>, d: &Resource<'_>) -> Option<Document> {
    for merged in ["source_policy_documents", "override_policy_documents"] {
        let set = d
            .value(&[Step::Key(merged)])
            .and_then(Node::as_list)
            .is_some_and(|l| !l.is_empty());
        if set || d.is_unknown(&[Step::Key(merged)]) {
            return None;
        }
    }
    let blocks = d.value(&[Step::Key("statement")])?.as_list()?;
    if d.is_unknown(&[Step::Key("statement")]) {
        return None;
    }
    let unknown = |path: &[Step<'_>]| {
        plan.unknown(format!(
            "`{}.{}`, known only after apply{}",
            d.address,
            show(path),
            built_from(&d.references(path))
        ))
    };
    // A string attribute, or its token.
    let text = |path: &[Step<'_>]| -> Option<Json> {
        match d.text(path) {
            Some(s) if !s.is_empty() => Some(json!(s)),
            _ if d.is_unknown(path) => Some(json!(unknown(path))),
            _ => None,
        }
    };
    // A list of strings, each or all of which may be tokens.
    let strings = |path: &[Step<'_>]| -> Vec<Json> {
        if d.is_unknown(path) && d.value(path).is_none() {
            return vec![json!(unknown(path))];
        }
        let count = d.value(path).and_then(Node::as_list).map_or(0, <[_]>::len);
        (0..count)
            .filter_map(|i| text(&[path, &[Step::Index(i)]].concat()))
            .collect()
    };
    let mut statements = Vec::new();
    for i in 0..blocks.len() {
        let at = |k: &'static str| [Step::Key("statement"), Step::Index(i), Step::Key(k)];
        let mut s = Map::new();
        if let Some(sid) = text(&at("sid")) {
            s.insert("Sid".into(), sid);
        }
        s.insert(
            "Effect".into(),
            text(&at("effect")).unwrap_or_else(|| json!("Allow")),
        );
        for (name, field) in LISTS {
            let values = strings(&at(name));
            if !values.is_empty() {
                s.insert(field.into(), Json::Array(values));
            }
        }
        for (name, field) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            let count = d
                .value(&at(name))
                .and_then(Node::as_list)
                .map_or(0, <[_]>::len);
            let mut principal = Map::new();
            for p in 0..count {
                let base = [&at(name)[..], &[Step::Index(p)]].concat();
                let kind = text(&[&base[..], &[Step::Key("type")]].concat())
                    .and_then(|t| t.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "AWS".to_owned());
                let ids = strings(&[&base[..], &[Step::Key("identifiers")]].concat());
                if let Json::Array(all) = principal.entry(kind).or_insert_with(|| json!([])) {
                    all.extend(ids);
                }
            }
            if d.is_unknown(&at(name)) && count == 0 {
                principal.insert("AWS".into(), json!(unknown(&at(name))));
            }
            if !principal.is_empty() {
                s.insert(field.into(), Json::Object(principal));
            }
        }
        let count = d
            .value(&at("condition"))
            .and_then(Node::as_list)
            .map_or(0, <[_]>::len);
        let mut condition = Map::new();
        for c in 0..count {
            let base = [&at("condition")[..], &[Step::Index(c)]].concat();
            let field = |k: &'static str| {
                text(&[&base[..], &[Step::Key(k)]].concat())
                    .and_then(|t| t.as_str().map(str::to_owned))
                    .unwrap_or_default()
            };
            let (test, variable) = (field("test"), field("variable"));
            let values = strings(&[&base[..], &[Step::Key("values")]].concat());
            if let Json::Object(keys) = condition.entry(test).or_insert_with(|| json!({})) {
                keys.insert(variable, Json::Array(values));
            }
        }
        if !condition.is_empty() {
            s.insert("Condition".into(), Json::Object(condition));
        }
        statements.push(Json::Object(s));
    }
    let (positions, fields) = layout(blocks);
    Some(Document {
        path: d.address.clone(),
        pos: d.pos,
        json: json!({"Version": "2012-10-17", "Statement": statements}),
        statements: positions,
        fields,
    })
}

/// The JSON names of an `aws_iam_policy_document` statement block's attributes.
const FIELDS: [(&str, &str); 9] = [
    ("sid", "Sid"),
    ("effect", "Effect"),
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
    ("principals", "Principal"),
    ("not_principals", "NotPrincipal"),
    ("condition", "Condition"),
];

/// Where an `aws_iam_policy_document`'s statement blocks and their attributes are, by the JSON names of the
/// document it renders: findings point at the block a person edits.
fn layout(blocks: &[Node]) -> (Vec<Pos>, Vec<Vec<(String, Pos)>>) {
    let fields = blocks
        .iter()
        .map(|block| {
            block
                .entries()
                .unwrap_or_default()
                .iter()
                .filter_map(|(key, _)| {
                    let (_, json) = FIELDS.iter().find(|(name, _)| *name == key.name)?;
                    Some(((*json).to_owned(), key.pos))
                })
                .collect()
        })
        .collect();
    (blocks.iter().map(|b| b.pos).collect(), fields)
}
