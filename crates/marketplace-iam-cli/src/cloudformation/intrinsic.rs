//! CloudFormation's intrinsic functions, resolved offline from parameter defaults, `--parameter`, and the pseudo
//! parameters.
//!
//! A value that cannot be known offline (a parameter without a default, a resource's physical name or attribute,
//! `Fn::ImportValue`, an account id not given) becomes a *token* inside the resolved string: a private-use
//! character pair around an index into [`Resolver`]'s list of reasons. Tokens survive `Fn::Sub`, `Fn::Join` and
//! `Fn::Split`, so whoever reads a resolved string can tell which parts are unknown and why ([`Resolver::reasons`]),
//! widen them to `*` ([`super::token::widen`]), or see that a string is exactly the `Ref` of a resource
//! ([`Resolver::resource_ref`]).

use std::cell::RefCell;
use std::collections::HashMap;

use super::template::{Kind, Node, Pos, TemplateError};
use super::token::{CLOSE, OPEN, Unknowns, WIDEST, display, has_unknown, tokens};

/// What resolution starts from besides the template: `--parameter`, `--account-id`, `--region`, `--partition`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Settings {
    /// `--parameter Name=Value`, over the parameters' defaults.
    pub(crate) parameters: HashMap<String, String>,
    /// `AWS::AccountId`; unknown without it.
    pub(crate) account_id: Option<String>,
    /// `AWS::Region`; unknown without it.
    pub(crate) region: Option<String>,
    /// `AWS::Partition`: `aws` unless given.
    pub(crate) partition: Option<String>,
}

/// A resolved value. Strings may hold tokens of unknown parts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// JSON null.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, possibly with tokens.
    Str(String),
    /// A list, without `AWS::NoValue` items.
    List(Vec<Value>),
    /// A mapping, without `AWS::NoValue` entries.
    Map(Vec<(String, Value)>),
    /// `Ref: AWS::NoValue`: the property is absent.
    Absent,
}

impl Value {
    /// The value as JSON (tokens kept in strings).
    pub(crate) fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null | Value::Absent => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => serde_json::from_str::<serde_json::Number>(n)
                .map(J::Number)
                .unwrap_or_else(|_| J::String(n.clone())),
            Value::Str(s) => J::String(s.clone()),
            Value::List(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// The value as `Fn::Equals` compares it: a scalar as its text (`true` and `"true"` are equal, as
    /// CloudFormation reads a template's scalars as strings), anything else as JSON.
    pub(crate) fn canonical(&self) -> String {
        self.text()
            .map(str::to_owned)
            .unwrap_or_else(|| self.to_json().to_string())
    }

    /// The text of a scalar.
    pub(crate) fn text(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Number(s) => Some(s),
            Value::Bool(true) => Some("true"),
            Value::Bool(false) => Some("false"),
            _ => None,
        }
    }
}

/// One unknown value: why, and the resource whose `Ref` it is, if it is one.
#[derive(Debug, Clone)]
struct Unknown {
    reason: String,
    resource: Option<String>,
}

/// Resolves the intrinsic functions of one template.
pub(crate) struct Resolver<'t> {
    root: &'t Node,
    settings: &'t Settings,
    unknowns: RefCell<Vec<Unknown>>,
    conditions: RefCell<HashMap<String, Option<bool>>>,
    evaluating: RefCell<Vec<String>>,
}

/// The text of a resolved scalar; `what` names it in the error otherwise.
fn text_of(v: Value, pos: Pos, what: &str) -> Result<String, TemplateError> {
    v.text()
        .map(str::to_owned)
        .ok_or_else(|| TemplateError::at(pos, format!("{what} must be a string")))
}

impl<'t> Resolver<'t> {
    /// A resolver for the template `root`.
    pub(crate) fn new(root: &'t Node, settings: &'t Settings) -> Resolver<'t> {
        Resolver {
            root,
            settings,
            unknowns: RefCell::new(Vec::new()),
            conditions: RefCell::new(HashMap::new()),
            evaluating: RefCell::new(Vec::new()),
        }
    }

    /// The partition ARNs are written in.
    pub(crate) fn partition(&self) -> &str {
        self.settings.partition.as_deref().unwrap_or("aws")
    }

    /// The account id given with `--account-id`.
    pub(crate) fn account_id(&self) -> Option<&str> {
        self.settings.account_id.as_deref()
    }

    fn unknown(&self, reason: String, resource: Option<&str>) -> Value {
        self.unknown_as(reason, resource, "*")
    }

    /// A token for a value unknown offline, which at its widest is `widest`.
    fn unknown_as(&self, reason: String, resource: Option<&str>, widest: &str) -> Value {
        let mut unknowns = self.unknowns.borrow_mut();
        let index = match unknowns.iter().position(|u| u.reason == reason) {
            Some(i) => i,
            None => {
                unknowns.push(Unknown {
                    reason,
                    resource: resource.map(str::to_owned),
                });
                unknowns.len() - 1
            }
        };
        Value::Str(format!("{OPEN}{index}{WIDEST}{widest}{CLOSE}"))
    }

    /// Why each unknown part of `s` is unknown, without repeats.
    pub(crate) fn reasons(&self, s: &str) -> Vec<String> {
        let unknowns = self.unknowns.borrow();
        let mut out: Vec<String> = Vec::new();
        for i in tokens(s) {
            if let Some(u) = unknowns.get(i)
                && !out.contains(&u.reason)
            {
                out.push(u.reason.clone());
            }
        }
        out
    }

    /// The logical id of the resource whose `Ref` `s` is exactly.
    pub(crate) fn resource_ref(&self, s: &str) -> Option<String> {
        let inner = s.strip_prefix(OPEN)?.strip_suffix(CLOSE)?;
        let index: usize = inner.split_once(WIDEST)?.0.parse().ok()?;
        self.unknowns.borrow().get(index)?.resource.clone()
    }

    /// The template's section `name` (`Resources`, `Parameters`, ...).
    pub(crate) fn section(&self, name: &str) -> Option<&'t Node> {
        self.root.get(name)
    }

    /// Resolves every intrinsic function in `node`.
    pub(crate) fn resolve(&self, node: &Node) -> Result<Value, TemplateError> {
        if let Some((function, arg)) = node.intrinsic()
            && function != "Condition"
        {
            return self.function(function, arg, node.pos);
        }
        Ok(match &node.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Number(n) => Value::Number(n.clone()),
            Kind::String(s) => Value::Str(s.clone()),
            Kind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match self.resolve(item)? {
                        Value::Absent => {}
                        v => out.push(v),
                    }
                }
                Value::List(out)
            }
            Kind::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    match self.resolve(value)? {
                        Value::Absent => {}
                        v => out.push((key.name.clone(), v)),
                    }
                }
                Value::Map(out)
            }
        })
    }

    fn string(&self, node: &Node, what: &str) -> Result<String, TemplateError> {
        text_of(self.resolve(node)?, node.pos, what)
    }

    fn args<'n>(arg: &'n Node, n: usize, function: &str) -> Result<&'n [Node], TemplateError> {
        match arg.as_list() {
            Some(items) if items.len() == n => Ok(items),
            _ => Err(TemplateError::at(
                arg.pos,
                format!("`{function}` takes a list of {n} arguments"),
            )),
        }
    }

    fn function(&self, function: &str, arg: &Node, pos: Pos) -> Result<Value, TemplateError> {
        match function {
            "Ref" => {
                let name = arg.as_str().ok_or_else(|| {
                    TemplateError::at(arg.pos, "`Ref` takes the name of a parameter or resource")
                })?;
                self.reference(name, arg.pos)
            }
            "Fn::GetAtt" => {
                let (resource, attribute) = match (&arg.kind, arg.as_list()) {
                    (Kind::String(s), _) => match s.split_once('.') {
                        Some((r, a)) => (r.to_owned(), a.to_owned()),
                        None => (s.clone(), String::new()),
                    },
                    (_, Some([r, a])) => (
                        self.string(r, "`Fn::GetAtt`'s resource")?,
                        self.string(a, "`Fn::GetAtt`'s attribute")?,
                    ),
                    _ => {
                        return Err(TemplateError::at(
                            arg.pos,
                            "`Fn::GetAtt` takes [resource, attribute]",
                        ));
                    }
                };
                self.attribute(&resource, &attribute, arg.pos)
            }
            "Fn::Sub" => self.sub(arg),
            "Fn::Join" => {
                let [delimiter, list] = Self::args(arg, 2, function)? else {
                    unreachable!("two arguments")
                };
                let delimiter = self.string(delimiter, "`Fn::Join`'s delimiter")?;
                match self.resolve(list)? {
                    Value::List(items) => {
                        let parts = items
                            .into_iter()
                            .map(|v| text_of(v, list.pos, "each item `Fn::Join` joins"))
                            .collect::<Result<Vec<_>, _>>()?;
                        Ok(Value::Str(parts.join(&delimiter)))
                    }
                    Value::Str(s) if has_unknown(&s) => Ok(Value::Str(s)),
                    _ => Err(TemplateError::at(list.pos, "`Fn::Join` joins a list")),
                }
            }
            "Fn::Select" => {
                let [index, list] = Self::args(arg, 2, function)? else {
                    unreachable!("two arguments")
                };
                let index = self.string(index, "`Fn::Select`'s index")?;
                let list_value = self.resolve(list)?;
                if has_unknown(&index) {
                    return Ok(self.unknown_like(&index, &list_value));
                }
                let i: usize = index.parse().map_err(|_| {
                    TemplateError::at(
                        pos,
                        format!("`Fn::Select`'s index `{index}` is not a number"),
                    )
                })?;
                match list_value {
                    Value::List(mut items) if i < items.len() => Ok(items.swap_remove(i)),
                    Value::List(items) => Err(TemplateError::at(
                        list.pos,
                        format!(
                            "`Fn::Select` index {i} is past the list's {} items",
                            items.len()
                        ),
                    )),
                    Value::Str(s) if has_unknown(&s) => Ok(Value::Str(s)),
                    _ => Err(TemplateError::at(
                        list.pos,
                        "`Fn::Select` selects from a list",
                    )),
                }
            }
            "Fn::Split" => {
                let [delimiter, source] = Self::args(arg, 2, function)? else {
                    unreachable!("two arguments")
                };
                let delimiter = self.string(delimiter, "`Fn::Split`'s delimiter")?;
                let source = self.string(source, "what `Fn::Split` splits")?;
                if has_unknown(&source) {
                    // How many pieces an unknown value splits into is unknown too: the value stays one unknown
                    // string, which `Fn::Select` and `Fn::Join` pass on.
                    return Ok(Value::Str(source));
                }
                if delimiter.is_empty() {
                    return Err(TemplateError::at(
                        arg.pos,
                        "`Fn::Split`'s delimiter is empty",
                    ));
                }
                Ok(Value::List(
                    source
                        .split(delimiter.as_str())
                        .map(|s| Value::Str(s.to_owned()))
                        .collect(),
                ))
            }
            "Fn::If" => {
                let [condition, then, otherwise] = Self::args(arg, 3, function)? else {
                    unreachable!("three arguments")
                };
                let name = condition.as_str().ok_or_else(|| {
                    TemplateError::at(condition.pos, "`Fn::If` names a condition first")
                })?;
                match self.condition(name, condition.pos)? {
                    Some(true) => self.resolve(then),
                    Some(false) => self.resolve(otherwise),
                    None => {
                        let (a, b) = (self.resolve(then)?, self.resolve(otherwise)?);
                        if a == b {
                            return Ok(a);
                        }
                        let mut why = Vec::new();
                        self.open_parts(condition, &mut why, 0)?;
                        let token = self.unknown(
                            format!(
                                "condition `{name}`, which depends on {}",
                                if why.is_empty() {
                                    "a value unknown offline".to_owned()
                                } else {
                                    why.join("; ")
                                }
                            ),
                            None,
                        );
                        // A mapping (a statement, a policy) that may or may not be there: kept, with the token
                        // as an extra key that whoever reads it takes out again (`take_condition_keys`).
                        Ok(match (a, b, token) {
                            (Value::Map(mut m), _, Value::Str(t))
                            | (Value::Absent, Value::Map(mut m), Value::Str(t)) => {
                                m.push((t, Value::Null));
                                Value::Map(m)
                            }
                            (_, _, token) => token,
                        })
                    }
                }
            }
            "Fn::FindInMap" => {
                let [map, top, second] = Self::args(arg, 3, function)? else {
                    unreachable!("three arguments")
                };
                let keys = [
                    self.string(map, "`Fn::FindInMap`'s map")?,
                    self.string(top, "`Fn::FindInMap`'s key")?,
                    self.string(second, "`Fn::FindInMap`'s key")?,
                ];
                if let Some(k) = keys.iter().find(|k| has_unknown(k)) {
                    let reasons = self.reasons(k).join("; ");
                    return Ok(
                        self.unknown(format!("`Fn::FindInMap` with a key from {reasons}"), None)
                    );
                }
                let found = self
                    .section("Mappings")
                    .and_then(|m| m.get(&keys[0]))
                    .and_then(|m| m.get(&keys[1]))
                    .and_then(|m| m.get(&keys[2]))
                    .ok_or_else(|| {
                        TemplateError::at(
                            arg.pos,
                            format!(
                                "`Fn::FindInMap`: Mappings has no `{}.{}.{}`",
                                keys[0], keys[1], keys[2]
                            ),
                        )
                    })?;
                self.resolve(found)
            }
            "Fn::ImportValue" => {
                let name = self.string(arg, "`Fn::ImportValue`'s name")?;
                Ok(self.unknown(
                    format!(
                        "`Fn::ImportValue` `{}`, another stack's export",
                        display(&name)
                    ),
                    None,
                ))
            }
            "Fn::Base64" => self.resolve(arg),
            "Fn::ToJsonString" => Ok(Value::Str(self.resolve(arg)?.to_json().to_string())),
            "Fn::Length" => match self.resolve(arg)? {
                Value::List(items) => Ok(Value::Number(items.len().to_string())),
                _ => Ok(self.unknown("`Fn::Length` of a list unknown offline".to_owned(), None)),
            },
            _ => Ok(self.unknown(
                format!("`{function}`, which is known only at deployment"),
                None,
            )),
        }
    }

    /// A value unknown because `index` is: the same token.
    fn unknown_like(&self, index: &str, _list: &Value) -> Value {
        let reasons = self.reasons(index).join("; ");
        self.unknown(format!("`Fn::Select` with an index from {reasons}"), None)
    }

    /// `Ref` of a parameter, pseudo parameter or resource.
    fn reference(&self, name: &str, pos: Pos) -> Result<Value, TemplateError> {
        let s = self.settings;
        let known = |v: &Option<String>, reason: &str| match v {
            Some(v) => Value::Str(v.clone()),
            None => self.unknown(reason.to_owned(), None),
        };
        match name {
            "AWS::NoValue" => return Ok(Value::Absent),
            "AWS::AccountId" => {
                return Ok(known(
                    &s.account_id,
                    "`AWS::AccountId` (give `--account-id`)",
                ));
            }
            "AWS::Region" => return Ok(known(&s.region, "`AWS::Region` (give `--region`)")),
            "AWS::Partition" => return Ok(Value::Str(self.partition().to_owned())),
            "AWS::URLSuffix" => {
                let suffix = if self.partition() == "aws-cn" {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                };
                return Ok(Value::Str(suffix.to_owned()));
            }
            n if n.starts_with("AWS::") => {
                return Ok(self.unknown(format!("`{n}`, known only at deployment"), None));
            }
            _ => {}
        }
        if let Some(parameter) = self.section("Parameters").and_then(|p| p.get(name)) {
            let given = s.parameters.get(name).cloned();
            let kind = parameter
                .get("Type")
                .and_then(Node::as_str)
                .unwrap_or("String");
            let value = match given {
                Some(v) => v,
                None if kind.starts_with("AWS::SSM::Parameter::Value") => {
                    return Ok(self.unknown(
                        format!("parameter `{name}`, read from SSM at deployment (`--parameter {name}=...` gives it)"),
                        None,
                    ));
                }
                None => match parameter.get("Default") {
                    Some(d) => self.string(d, "a parameter's `Default`")?,
                    None => {
                        return Ok(self.unknown(
                            format!("parameter `{name}` without a default (`--parameter {name}=...` gives it)"),
                            None,
                        ));
                    }
                },
            };
            if kind == "CommaDelimitedList" || kind.starts_with("List<") {
                return Ok(Value::List(
                    value
                        .split(',')
                        .map(|v| Value::Str(v.trim().to_owned()))
                        .collect(),
                ));
            }
            return Ok(Value::Str(value));
        }
        if self
            .section("Resources")
            .and_then(|r| r.get(name))
            .is_some()
        {
            return Ok(self.unknown(
                format!("the physical name of resource `{name}`, known only once deployed"),
                Some(name),
            ));
        }
        Err(TemplateError::at(
            pos,
            format!(
                "`Ref` to `{name}`, which is neither a parameter, a pseudo parameter nor a resource of the template"
            ),
        ))
    }

    fn attribute(&self, resource: &str, attribute: &str, pos: Pos) -> Result<Value, TemplateError> {
        if self
            .section("Resources")
            .and_then(|r| r.get(resource))
            .is_none()
        {
            return Err(TemplateError::at(
                pos,
                format!("`Fn::GetAtt` of `{resource}`, which is not a resource of the template"),
            ));
        }
        let kind = self
            .section("Resources")
            .and_then(|r| r.get(resource))
            .and_then(|r| r.get("Type"))
            .and_then(Node::as_str);
        if kind == Some("AWS::IAM::ManagedPolicy") && attribute == "PolicyArn" {
            // The same ARN as its `Ref`, which attaches it.
            return self.reference(resource, pos);
        }
        if kind == Some("AWS::IAM::Role") && attribute == "Arn" {
            // A role of this stack is in this stack's account: the trust findings tell it from another account's.
            let account = text_of(
                self.reference("AWS::AccountId", pos)?,
                pos,
                "`AWS::AccountId`",
            )?;
            let name = text_of(self.reference(resource, pos)?, pos, "a role's name")?;
            return Ok(Value::Str(format!(
                "arn:{}:iam::{account}:role/{name}",
                self.partition()
            )));
        }
        if kind == Some("AWS::SQS::Queue") && attribute == "Arn" {
            // A queue named in the template has its ARN known from the stack's partition, Region and account, as a
            // role's has; one CloudFormation names stays unknown.
            let name = self
                .section("Resources")
                .and_then(|r| r.get(resource))
                .and_then(|r| r.get("Properties"))
                .and_then(|p| p.get("QueueName"));
            if let Some(name) = name {
                let name = text_of(self.resolve(name)?, pos, "a queue's `QueueName`")?;
                let mut parts = Vec::new();
                for pseudo in ["AWS::Region", "AWS::AccountId"] {
                    parts.push(text_of(self.reference(pseudo, pos)?, pos, pseudo)?);
                }
                return Ok(Value::Str(format!(
                    "arn:{}:sqs:{}:{}:{name}",
                    self.partition(),
                    parts[0],
                    parts[1]
                )));
            }
        }
        // An ARN attribute is an ARN, whatever it is: `arn:*` at its widest, so that `${Bucket.Arn}/*` reads as the
        // ARN pattern IAM accepts.
        let widest = if attribute.ends_with("Arn") {
            "arn:*"
        } else {
            "*"
        };
        Ok(self.unknown_as(
            format!("`{resource}.{attribute}`, known only once deployed"),
            None,
            widest,
        ))
    }

    /// `Fn::Sub`: a string, or [string, {variable: value}].
    fn sub(&self, arg: &Node) -> Result<Value, TemplateError> {
        let (template, variables) = match (&arg.kind, arg.as_list()) {
            (Kind::String(s), _) => (s.as_str(), None),
            (_, Some([t, vars])) => (
                t.as_str().ok_or_else(|| {
                    TemplateError::at(t.pos, "`Fn::Sub`'s first argument must be a string")
                })?,
                Some(vars),
            ),
            _ => {
                return Err(TemplateError::at(
                    arg.pos,
                    "`Fn::Sub` takes a string, or [string, {variable: value}]",
                ));
            }
        };
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = after[..end].trim();
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let given = variables.and_then(|v| v.get(name));
                let value = match (given, name.split_once('.')) {
                    (Some(node), _) => self.resolve(node)?,
                    (None, Some((resource, attribute))) if !name.starts_with("AWS::") => {
                        self.attribute(resource, attribute, arg.pos)?
                    }
                    (None, _) => self.reference(name, arg.pos)?,
                };
                out.push_str(&text_of(
                    value,
                    arg.pos,
                    &format!("`${{{name}}}` in `Fn::Sub`"),
                )?);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(Value::Str(out))
    }

    /// The value of the template's condition `name`: `None` when it depends on a value unknown offline.
    pub(crate) fn condition(&self, name: &str, pos: Pos) -> Result<Option<bool>, TemplateError> {
        if let Some(known) = self.conditions.borrow().get(name) {
            return Ok(*known);
        }
        if self.evaluating.borrow().len() >= 100 {
            return Err(TemplateError::at(
                pos,
                format!("condition `{name}` is more than 100 conditions deep: simplify the chain"),
            ));
        }
        if self.evaluating.borrow().iter().any(|n| n == name) {
            let chain = self.evaluating.borrow().join(" → ");
            return Err(TemplateError::at(
                pos,
                format!("circular condition: {chain} → {name}; break the chain"),
            ));
        }
        let node = self
            .section("Conditions")
            .and_then(|c| c.get(name))
            .ok_or_else(|| {
                TemplateError::at(
                    pos,
                    format!("condition `{name}` is not in the template's Conditions"),
                )
            })?;
        self.evaluating.borrow_mut().push(name.to_owned());
        let value = self.evaluate(node);
        self.evaluating.borrow_mut().pop();
        let value = value?;
        self.conditions.borrow_mut().insert(name.to_owned(), value);
        Ok(value)
    }

    /// Why a condition (by name, or a condition function) is unknown offline: the reasons of the unknown values
    /// its `Fn::Equals` compare. `depth` bounds the walk through named conditions.
    fn open_parts(
        &self,
        node: &Node,
        why: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), TemplateError> {
        if depth > 50 {
            return Ok(());
        }
        if let Some(name) = node.as_str() {
            if let Some(c) = self.section("Conditions").and_then(|c| c.get(name)) {
                self.open_parts(c, why, depth + 1)?;
            }
            return Ok(());
        }
        match node.intrinsic() {
            Some(("Fn::Equals", arg)) => {
                for side in arg.as_list().unwrap_or_default() {
                    let text = self.resolve(side)?.to_json().to_string();
                    for r in self.reasons(&text) {
                        if !why.contains(&r) {
                            why.push(r);
                        }
                    }
                }
            }
            Some((_, arg)) => {
                let args: Vec<&Node> = match arg.as_list() {
                    Some(list) => list.iter().collect(),
                    None => vec![arg],
                };
                for a in args {
                    self.open_parts(a, why, depth + 1)?;
                }
            }
            None => {}
        }
        Ok(())
    }

    /// A condition function (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`), three-valued.
    fn evaluate(&self, node: &Node) -> Result<Option<bool>, TemplateError> {
        let Some((function, arg)) = node.intrinsic() else {
            return match node.kind {
                Kind::Bool(b) => Ok(Some(b)),
                _ => Err(TemplateError::at(
                    node.pos,
                    "not a condition function (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`)",
                )),
            };
        };
        let list = || {
            arg.as_list()
                .ok_or_else(|| TemplateError::at(arg.pos, format!("`{function}` takes a list")))
        };
        match function {
            "Condition" => {
                let name = arg
                    .as_str()
                    .ok_or_else(|| TemplateError::at(arg.pos, "`Condition` names a condition"))?;
                self.condition(name, arg.pos)
            }
            "Fn::Equals" => {
                let [a, b] = Self::args(arg, 2, function)? else {
                    unreachable!("two arguments")
                };
                let (a, b) = (self.resolve(a)?.canonical(), self.resolve(b)?.canonical());
                if has_unknown(&a) || has_unknown(&b) {
                    return Ok(None);
                }
                Ok(Some(a == b))
            }
            "Fn::Not" => {
                let [c] = Self::args(arg, 1, function)? else {
                    unreachable!("one argument")
                };
                Ok(self.evaluate(c)?.map(|b| !b))
            }
            "Fn::And" | "Fn::Or" => {
                let decisive = function == "Fn::Or";
                let mut open = false;
                for c in list()? {
                    match self.evaluate(c)? {
                        Some(b) if b == decisive => return Ok(Some(decisive)),
                        Some(_) => {}
                        None => open = true,
                    }
                }
                Ok((!open).then_some(!decisive))
            }
            _ => Err(TemplateError::at(
                node.pos,
                format!("`{function}` is not a condition function"),
            )),
        }
    }
}

impl Unknowns for Resolver<'_> {
    fn reasons(&self, s: &str) -> Vec<String> {
        Resolver::reasons(self, s)
    }

    fn account_id(&self) -> Option<&str> {
        Resolver::account_id(self)
    }
}
