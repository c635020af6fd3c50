//! The template's `AWS::IAM::Role`s, each with the policy documents that apply to it: inline `Policies`, the
//! `AWS::IAM::Policy`, `AWS::IAM::RolePolicy` and `AWS::IAM::ManagedPolicy` resources naming it, its
//! `ManagedPolicyArns` (a managed policy of the template, or an AWS managed policy the checker knows), its
//! `PermissionsBoundary`, and its trust policy. Every document keeps the template position of each statement.
//!
//! A statement with a value unknown offline gets the unknown parts widened to `*` and the condition
//! `{"StringEquals": {"marketplace-iam:Unresolved": [why, ...]}}`, which no request context holds: the checker
//! reports what it would grant as `conditional`, with the reasons as the condition's values, never as allowed.

use serde_json::{Map, Value as Json, json};

use super::intrinsic::{Resolver, Value};
use super::managed;
use super::template::{Node, Pos, TemplateError};
use super::token::{Unknowns, display, has_unknown, take_condition_keys, widen};

/// The condition key that marks a statement depending on a value unknown offline.
pub(crate) const UNRESOLVED_KEY: &str = "marketplace-iam:Unresolved";

/// Something to report about a role, where a person fixes it.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    /// A snake_case code: `cross_account_trust_without_external_id`, `unknown_managed_policy`, ...
    pub(crate) code: &'static str,
    /// What is wrong and what to do.
    pub(crate) message: String,
    /// Where in the template.
    pub(crate) pos: Pos,
    /// The path in the template, e.g. `Resources.MeteringRole.Properties.Policies[0].PolicyDocument.Statement[1]`.
    pub(crate) path: String,
}

/// A policy document of the template (or a known AWS managed policy), resolved.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    /// Where the document is: its template path, or the ARN of an AWS managed policy.
    pub(crate) path: String,
    /// Where it starts.
    pub(crate) pos: Pos,
    /// The document, unknown parts still as tokens.
    pub(crate) json: Json,
    /// Where each statement of `json` is written (the document's position when it is not written out).
    pub(crate) statements: Vec<Pos>,
    /// Where each field of each statement is written (empty for a statement not written out).
    pub(crate) fields: Vec<Vec<(String, Pos)>>,
}

impl Document {
    /// The position and path of statement `index`.
    pub(crate) fn statement(&self, index: Option<usize>) -> (Pos, String) {
        match index {
            Some(i) => (
                self.statements.get(i).copied().unwrap_or(self.pos),
                format!("{}.Statement[{i}]", self.path),
            ),
            None => (self.pos, self.path.clone()),
        }
    }

    /// The position and path of field `name` (`Resource`, `Principal`, ...) of statement `index`: the key's line
    /// when it is written out, else the statement's.
    pub(crate) fn field(&self, index: usize, name: &str) -> (Pos, String) {
        let (pos, path) = self.statement(Some(index));
        let at = self
            .fields
            .get(index)
            .and_then(|f| f.iter().find(|(k, _)| k == name))
            .map_or(pos, |(_, p)| *p);
        (at, format!("{path}.{name}"))
    }

    /// The statements of the document, one or many.
    pub(crate) fn statement_list(&self) -> Vec<&Json> {
        match self.json.get("Statement") {
            Some(Json::Array(items)) => items.iter().collect(),
            Some(one) => vec![one],
            None => Vec::new(),
        }
    }

    /// The document as the checker reads it: unknown parts widened to `*`, and each statement depending on them
    /// marked with [`UNRESOLVED_KEY`]. Also returns, per statement, what it depends on.
    pub(crate) fn widened(
        &self,
        resolver: &dyn Unknowns,
    ) -> (String, Vec<(usize, String, String)>) {
        let mut json = self.json.clone();
        let mut notes = Vec::new();
        let document_keys = match &mut json {
            Json::Object(map) => take_condition_keys(map),
            _ => Vec::new(),
        };
        let mut mark = |i: usize, statement: &mut Json| {
            let Json::Object(fields) = statement else {
                return;
            };
            let mut reasons: Vec<String> = Vec::new();
            for key in document_keys.iter().chain(&take_condition_keys(fields)) {
                for r in resolver.reasons(key) {
                    notes.push((
                        i,
                        String::new(),
                        format!("the statement exists only under {r}"),
                    ));
                    if !reasons.contains(&r) {
                        reasons.push(r);
                    }
                }
            }
            for (field, value) in fields.iter() {
                let mut found = Vec::new();
                strings(value, &mut |s| {
                    for r in resolver.reasons(s) {
                        if !found.contains(&r) {
                            found.push(r);
                        }
                    }
                });
                if !found.is_empty() {
                    notes.push((
                        i,
                        field.clone(),
                        format!("`{field}` depends on {}", found.join("; ")),
                    ));
                }
                for r in found {
                    if !reasons.contains(&r) {
                        reasons.push(r);
                    }
                }
            }
            if reasons.is_empty() {
                return;
            }
            // A resource built from an unknown value that does not read as an ARN once widened (`${Imported}/*`
            // is `*/*`) could be any resource: `*`.
            for field in ["Resource", "NotResource"] {
                let items: Vec<&mut Json> = match fields.get_mut(field) {
                    Some(Json::Array(items)) => items.iter_mut().collect(),
                    Some(one) => vec![one],
                    None => Vec::new(),
                };
                for item in items {
                    if let Json::String(s) = item
                        && has_unknown(s)
                    {
                        let wide = widen(s);
                        if wide != "*" && !wide.starts_with("arn:") {
                            *s = "*".to_owned();
                        }
                    }
                }
            }
            let condition = fields
                .entry("Condition")
                .or_insert_with(|| Json::Object(Map::new()));
            if let Json::Object(operators) = condition {
                let equals = operators
                    .entry("StringEquals")
                    .or_insert_with(|| Json::Object(Map::new()));
                if let Json::Object(keys) = equals {
                    keys.insert(UNRESOLVED_KEY.to_owned(), json!(reasons));
                }
            }
        };
        match json.get_mut("Statement") {
            Some(Json::Array(items)) => {
                for (i, s) in items.iter_mut().enumerate() {
                    mark(i, s);
                }
            }
            Some(one) => mark(0, one),
            None => {}
        }
        widen_all(&mut json);
        (json.to_string(), notes)
    }
}

/// Calls `f` on every string in `value` (keys included).
pub(crate) fn strings(value: &Json, f: &mut dyn FnMut(&str)) {
    match value {
        Json::String(s) => f(s),
        Json::Array(items) => items.iter().for_each(|v| strings(v, f)),
        Json::Object(map) => {
            for (k, v) in map {
                f(k);
                strings(v, f);
            }
        }
        _ => {}
    }
}

/// Every unknown part of `value` (keys included) widened to its widest value.
fn widen_all(value: &mut Json) {
    match value {
        Json::String(s) if has_unknown(s) => *s = widen(s),
        Json::Array(items) => items.iter_mut().for_each(widen_all),
        Json::Object(map) => {
            let keys: Vec<String> = map.keys().filter(|k| has_unknown(k)).cloned().collect();
            for k in keys {
                if let Some(v) = map.remove(&k) {
                    map.insert(widen(&k), v);
                }
            }
            map.values_mut().for_each(widen_all);
        }
        _ => {}
    }
}

/// A role and what applies to it.
#[derive(Debug)]
pub(crate) struct Role {
    /// Its logical id (CloudFormation) or address (Terraform).
    pub(crate) id: String,
    /// Where its resource is.
    pub(crate) pos: Pos,
    /// Its path in the file, for findings about the role as a whole: `Resources.<id>`, or the address.
    pub(crate) path: String,
    /// Identity policies.
    pub(crate) identity: Vec<Document>,
    /// The permissions boundary, if any.
    pub(crate) boundary: Option<Document>,
    /// The trust policy.
    pub(crate) trust: Option<Document>,
    /// Managed policies whose grants are not known, and other things to report.
    pub(crate) findings: Vec<Finding>,
}

/// A role, or why it is not checked.
#[derive(Debug)]
pub(crate) enum Entry {
    /// A role to check.
    Role(Box<Role>),
    /// A role not checked, with why.
    Skipped {
        /// Its logical id.
        id: String,
        /// Where its resource is.
        pos: Pos,
        /// Why it is not checked.
        reason: String,
    },
}

/// A value; when it is written out in the template, its node; where it is; and its index in the list as written
/// (an item an `Fn::If` drops with `AWS::NoValue` keeps its place), or in the resolved list.
type Item<'n> = (Value, Option<&'n Node>, Pos, usize);

/// The items of a list property: each written item with its node, or the resolved list's items.
fn items<'n>(resolver: &Resolver<'_>, node: &'n Node) -> Result<Vec<Item<'n>>, TemplateError> {
    if let Some(list) = node.as_list() {
        let mut out = Vec::new();
        for (index, item) in list.iter().enumerate() {
            match resolver.resolve(item)? {
                Value::Absent => {}
                v => out.push((
                    v,
                    (item.intrinsic().is_none()).then_some(item),
                    item.pos,
                    index,
                )),
            }
        }
        return Ok(out);
    }
    match resolver.resolve(node)? {
        Value::List(values) => Ok(values
            .into_iter()
            .enumerate()
            .map(|(index, v)| (v, None, node.pos, index))
            .collect()),
        Value::Absent => Ok(Vec::new()),
        v if v.text().is_some_and(has_unknown) => Ok(vec![(v, None, node.pos, 0)]),
        _ => Err(TemplateError::at(node.pos, "expected a list")),
    }
}

/// A policy document from a property that holds one (an object, or a string of JSON).
pub(crate) fn document(
    resolver: &Resolver<'_>,
    value: Value,
    literal: Option<&Node>,
    pos: Pos,
    path: String,
) -> Result<Document, TemplateError> {
    let json = match value {
        Value::Map(_) => value.to_json(),
        // A whole document unknown offline (`Fn::ImportValue`, a parameter): it may grant anything.
        Value::Str(s) if s.trim_start().starts_with(|c| c != '{') && has_unknown(&s) => {
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": s, "Resource": s}]})
        }
        Value::Str(s) => serde_json::from_str::<Json>(&s)
            .ok()
            .filter(Json::is_object)
            .ok_or_else(|| {
                TemplateError::at(
                    pos,
                    format!("{path} is a string that is not a JSON policy document: write the document as an object"),
                )
            })?,
        _ => {
            return Err(TemplateError::at(
                pos,
                format!("{path} is neither a policy document nor a string of one: write {{\"Version\": \"2012-10-17\", \"Statement\": [...]}}"),
            ));
        }
    };
    let literal = literal.filter(|n| n.intrinsic().is_none());
    let statement_node = literal.and_then(|n| n.get("Statement"));
    let written: Vec<&Node> = match statement_node.map(|s| (s, s.as_list())) {
        Some((_, Some(list))) => {
            let mut out = Vec::new();
            for item in list {
                if resolver.resolve(item)? != Value::Absent {
                    out.push(item);
                }
            }
            out
        }
        Some((s, None)) => vec![s],
        None => Vec::new(),
    };
    let statements = written.iter().map(|n| n.pos).collect();
    let fields = written
        .iter()
        .map(|n| match (n.intrinsic(), n.entries()) {
            (None, Some(entries)) => entries
                .iter()
                .map(|(k, _)| (k.name.clone(), k.pos))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    Ok(Document {
        path,
        pos,
        json,
        statements,
        fields,
    })
}

/// The text of a resolved value.
fn text(v: &Value) -> Option<&str> {
    v.text()
}

/// A resource of the template that attaches policies to roles.
struct PolicyResource<'t> {
    id: &'t str,
    kind: &'t str,
    node: &'t Node,
    /// The roles it names (by logical id when it names them by `Ref`, else by name).
    roles: Vec<String>,
    /// `ManagedPolicyName`, when known.
    name: Option<String>,
}

/// Whether a resource exists with these parameters: `Some(reason)` when its `Condition` is false.
fn excluded(resolver: &Resolver<'_>, node: &Node) -> Result<Option<String>, TemplateError> {
    let Some(condition) = node.get("Condition") else {
        return Ok(None);
    };
    let name = condition.as_str().ok_or_else(|| {
        TemplateError::at(condition.pos, "a resource's `Condition` names a condition")
    })?;
    Ok(match resolver.condition(name, condition.pos)? {
        Some(false) => Some(format!(
            "its condition `{name}` is false with these parameters"
        )),
        _ => None,
    })
}

/// Every role of the template, with what applies to it.
pub(crate) fn roles(
    resolver: &Resolver<'_>,
    resources: &Node,
) -> Result<Vec<Entry>, TemplateError> {
    let entries = resources.entries().unwrap_or_default();
    let mut policies = Vec::new();
    for (key, node) in entries {
        let kind = node.get("Type").and_then(Node::as_str).unwrap_or("");
        if !matches!(
            kind,
            "AWS::IAM::Policy" | "AWS::IAM::RolePolicy" | "AWS::IAM::ManagedPolicy"
        ) || excluded(resolver, node)?.is_some()
        {
            continue;
        }
        let props = node.get("Properties");
        let mut roles = Vec::new();
        let named: Vec<&Node> = match kind {
            "AWS::IAM::RolePolicy" => props.and_then(|p| p.get("RoleName")).into_iter().collect(),
            _ => props.and_then(|p| p.get("Roles")).into_iter().collect(),
        };
        for n in named {
            let values = match n.as_list() {
                Some(_) => items(resolver, n)?.into_iter().map(|(v, ..)| v).collect(),
                None => vec![resolver.resolve(n)?],
            };
            for v in values {
                if let Some(s) = text(&v) {
                    roles.push(resolver.resource_ref(s).unwrap_or_else(|| s.to_owned()));
                }
            }
        }
        let name = match props.and_then(|p| p.get("ManagedPolicyName")) {
            Some(n) => resolver.resolve(n)?.text().map(str::to_owned),
            None => None,
        };
        policies.push(PolicyResource {
            id: &key.name,
            kind,
            node,
            roles,
            name,
        });
    }
    let mut out = Vec::new();
    for (key, node) in entries {
        let kind = node.get("Type").and_then(Node::as_str);
        let id = key.name.clone();
        if kind == Some("AWS::Serverless::Function")
            && node.get("Properties").and_then(|p| p.get("Role")).is_none()
        {
            out.push(Entry::Skipped {
                id,
                pos: key.pos,
                reason: "the execution role the AWS::Serverless transform creates for this function is not checked: define the role as an AWS::IAM::Role and give the function `Role`".to_owned(),
            });
            continue;
        }
        if kind != Some("AWS::IAM::Role") {
            continue;
        }
        if let Some(p) = node.get("Properties")
            && p.entries().is_none()
        {
            return Err(TemplateError::at(
                p.pos,
                format!("Resources.{id}.Properties must be a mapping"),
            ));
        }
        if let Some(reason) = excluded(resolver, node)? {
            out.push(Entry::Skipped {
                id,
                pos: key.pos,
                reason,
            });
            continue;
        }
        let mut checked = role(resolver, &key.name, key.pos, node, &policies)?;
        if let Some(condition) = node.get("Condition")
            && let Some(name) = condition.as_str()
            && resolver.condition(name, condition.pos)?.is_none()
        {
            checked.findings.push(Finding {
                code: "conditional_role",
                message: format!(
                    "the role is created only when condition `{name}` holds, which depends on a value unknown offline: it is checked as if created (--parameter decides it)"
                ),
                pos: condition.pos,
                path: format!("Resources.{id}.Condition"),
            });
        }
        out.push(Entry::Role(Box::new(checked)));
    }
    Ok(out)
}

/// One role, with the documents that apply to it and the findings about its managed policies.
fn role(
    resolver: &Resolver<'_>,
    id: &str,
    pos: Pos,
    node: &Node,
    policies: &[PolicyResource<'_>],
) -> Result<Role, TemplateError> {
    let base = format!("Resources.{id}.Properties");
    let props = node.get("Properties");
    let prop = |name: &str| props.and_then(|p| p.get(name));
    let mut role = Role {
        id: id.to_owned(),
        pos,
        path: format!("Resources.{id}"),
        identity: Vec::new(),
        boundary: None,
        trust: None,
        findings: Vec::new(),
    };
    if let Some(trust) = prop("AssumeRolePolicyDocument") {
        let value = resolver.resolve(trust)?;
        role.trust = Some(document(
            resolver,
            value,
            Some(trust),
            trust.pos,
            format!("{base}.AssumeRolePolicyDocument"),
        )?);
    }
    let role_name = match prop("RoleName") {
        Some(n) => resolver.resolve(n)?.text().map(str::to_owned),
        None => None,
    };
    let names_role = |r: &String| r == id || role_name.as_ref() == Some(r);

    if let Some(list) = prop("Policies") {
        for (value, literal, item_pos, i) in items(resolver, list)? {
            let path = format!("{base}.Policies[{i}].PolicyDocument");
            let (value, literal) = match (value, literal) {
                (Value::Map(entries), lit) => {
                    let doc = entries
                        .into_iter()
                        .find(|(k, _)| k == "PolicyDocument")
                        .map(|(_, v)| v);
                    (doc, lit.and_then(|l| l.get("PolicyDocument")))
                }
                _ => (None, None),
            };
            let value = value.ok_or_else(|| {
                TemplateError::at(
                    item_pos,
                    format!("{base}.Policies[{i}] has no `PolicyDocument`"),
                )
            })?;
            let at = literal.map_or(item_pos, |l| l.pos);
            role.identity
                .push(document(resolver, value, literal, at, path)?);
        }
    }
    for p in policies {
        if p.roles.iter().any(names_role) {
            role.identity.push(resource_document(resolver, p)?);
        }
    }
    if let Some(list) = prop("ManagedPolicyArns") {
        for (value, _, at, i) in items(resolver, list)? {
            let path = format!("{base}.ManagedPolicyArns[{i}]");
            match attached(resolver, &value, policies, at, &path)? {
                Ok(doc) => {
                    let already = policies.iter().any(|p| {
                        p.roles.iter().any(names_role)
                            && doc.path.starts_with(&format!("Resources.{}.", p.id))
                    });
                    if !already {
                        role.identity.push(doc);
                    }
                }
                Err(finding) => role.findings.push(finding),
            }
        }
    }
    if let Some(boundary) = prop("PermissionsBoundary") {
        let value = resolver.resolve(boundary)?;
        if value != Value::Absent {
            let path = format!("{base}.PermissionsBoundary");
            role.boundary = Some(
                match attached(resolver, &value, policies, boundary.pos, &path)? {
                    Ok(doc) => doc,
                    Err(finding) => {
                        let reason = format!(
                            "the permissions boundary `{}` is not known offline",
                            text(&value).map(display).unwrap_or_default()
                        );
                        role.findings.push(finding);
                        unknown_boundary(path, boundary.pos, reason)
                    }
                },
            );
        }
    }
    Ok(role)
}

/// The document of a policy resource of the template.
fn resource_document(
    resolver: &Resolver<'_>,
    p: &PolicyResource<'_>,
) -> Result<Document, TemplateError> {
    let literal = p
        .node
        .get("Properties")
        .and_then(|n| n.get("PolicyDocument"));
    let path = format!("Resources.{}.Properties.PolicyDocument", p.id);
    let Some(literal) = literal else {
        return Err(TemplateError::at(p.node.pos, format!("{path} is missing")));
    };
    let value = resolver.resolve(literal)?;
    document(resolver, value, Some(literal), literal.pos, path)
}

/// What a managed policy ARN (in `ManagedPolicyArns` or `PermissionsBoundary`) attaches: a managed policy of the
/// template, a known AWS managed policy, or a finding saying it is not known.
fn attached(
    resolver: &Resolver<'_>,
    value: &Value,
    policies: &[PolicyResource<'_>],
    pos: Pos,
    path: &str,
) -> Result<Result<Document, Finding>, TemplateError> {
    let arn = text(value).unwrap_or("");
    let of_template = resolver
        .resource_ref(arn)
        .and_then(|id| policies.iter().find(|p| p.id == id))
        .or_else(|| {
            let name = arn.rsplit('/').next()?;
            (arn.contains(":policy/") && !has_unknown(name))
                .then(|| {
                    policies.iter().find(|p| {
                        p.kind == "AWS::IAM::ManagedPolicy" && p.name.as_deref() == Some(name)
                    })
                })
                .flatten()
        });
    if let Some(p) = of_template.filter(|p| p.kind == "AWS::IAM::ManagedPolicy") {
        return Ok(Ok(resource_document(resolver, p)?));
    }
    let finding = |message: String| Finding {
        code: "unknown_managed_policy",
        message,
        pos,
        path: path.to_owned(),
    };
    if let Some(known) = aws_managed(arn, pos, path) {
        return Ok(known);
    }
    let shown = display(arn);
    let mut message = format!(
        "managed policy `{shown}` is not defined in the template: its grants are not counted"
    );
    let reasons = resolver.reasons(arn);
    if !reasons.is_empty() {
        message.push_str(&format!(" (it depends on {})", reasons.join("; ")));
    }
    Ok(Err(finding(message)))
}

/// A boundary whose document is not known: it may allow anything, so everything it bounds is conditional on
/// `reason`.
pub(crate) fn unknown_boundary(path: String, pos: Pos, reason: String) -> Document {
    Document {
        path,
        pos,
        json: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
        "Condition": {"StringEquals": {UNRESOLVED_KEY: reason}}}]}),
        statements: vec![pos],
        fields: Vec::new(),
    }
}

/// What an AWS managed policy ARN (`arn:<partition>:iam::aws:policy/...`) attaches: its document when the
/// checker knows it, else a finding saying its grants are not counted. `None` for any other ARN.
pub(crate) fn aws_managed(arn: &str, pos: Pos, path: &str) -> Option<Result<Document, Finding>> {
    let rest = arn.split_once(":iam::aws:policy/").map(|(_, r)| r)?;
    if has_unknown(rest) {
        return None;
    }
    let name = rest.rsplit('/').next().unwrap_or(rest);
    Some(match managed::known(name) {
        Some(known) => {
            let json = serde_json::from_str(&known.document).unwrap_or(Json::Null);
            Ok(Document {
                path: format!(
                    "{} ({} of {}, {})",
                    known.arn,
                    known.version_id,
                    known.version_date.get(..10).unwrap_or(&known.version_date),
                    managed::source()
                ),
                pos,
                json,
                statements: Vec::new(),
                fields: Vec::new(),
            })
        }
        None => Err(Finding {
            code: "unknown_managed_policy",
            message: format!(
                "AWS managed policy `{name}` is not known to the checker (it knows {} from {}): its grants are not counted",
                managed::names().join(", "),
                managed::source()
            ),
            pos,
            path: path.to_owned(),
        }),
    })
}
