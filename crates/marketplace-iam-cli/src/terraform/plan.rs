//! The resources of a plan (`terraform show -json <planfile>`, format 1.x): each with its Terraform address,
//! planned values, which attributes are known only after apply (`resource_changes[].change.after_unknown`), and
//! the references its configuration's expressions make (`configuration`), every node with its position.
//!
//! Resources come from `planned_values.root_module` and its `child_modules` (recursively); data sources read
//! during planning also from `prior_state`. Values unknown until apply are absent from `planned_values`; they are
//! told apart from attributes not set by `after_unknown`.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::cloudformation::template::{Kind, Node, Pos, TemplateError};
use crate::cloudformation::token::{CLOSE, OPEN, Unknowns, WIDEST, tokens};

/// More resources than this is refused: a plan this large is not a hand-kept IAM configuration.
const MAX_RESOURCES: usize = 20_000;

/// A resource (or data source) of the plan.
pub(crate) struct Resource<'p> {
    /// Its Terraform address, e.g. `module.app.aws_iam_role.metering["eu"]`.
    pub(crate) address: String,
    /// The address of its module instance (`module.app`), empty in the root module.
    pub(crate) module: String,
    /// Its resource type, e.g. `aws_iam_role`.
    pub(crate) kind: String,
    /// Its name in the configuration, e.g. `metering`.
    pub(crate) name: String,
    /// Whether it is a data source.
    pub(crate) data: bool,
    /// The resource's object in the plan: where findings about it as a whole point.
    pub(crate) pos: Pos,
    /// Its planned `values`.
    values: Option<&'p Node>,
    /// Its `after_unknown`.
    unknown: Option<&'p Node>,
    /// Its configuration's `expressions`.
    expressions: Option<&'p Node>,
}

/// A step into a value: a key of an object or an index of a list.
#[derive(Clone, Copy)]
pub(crate) enum Step<'a> {
    /// An object's key.
    Key(&'a str),
    /// A list's index.
    Index(usize),
}

/// The node at `path` under `node`.
fn at<'n>(node: Option<&'n Node>, path: &[Step<'_>]) -> Option<&'n Node> {
    let mut node = node?;
    for step in path {
        node = match step {
            Step::Key(k) => node.get(k)?,
            Step::Index(i) => node.as_list()?.get(*i)?,
        };
    }
    Some(node)
}

impl<'p> Resource<'p> {
    /// The planned value at `path` (`None` when absent or `null`).
    pub(crate) fn value(&self, path: &[Step<'_>]) -> Option<&'p Node> {
        at(self.values, path).filter(|n| !matches!(n.kind, Kind::Null))
    }

    /// Whether the value at `path` is known only after apply (it or an enclosing value is marked in
    /// `after_unknown`).
    pub(crate) fn is_unknown(&self, path: &[Step<'_>]) -> bool {
        (0..=path.len()).any(|n| {
            at(self.unknown, &path[..n]).is_some_and(|v| matches!(v.kind, Kind::Bool(true)))
        })
    }

    /// The references the configuration's expression at `path` makes, e.g. `aws_iam_role.metering.name`.
    pub(crate) fn references(&self, path: &[Step<'_>]) -> Vec<&'p str> {
        at(self.expressions, path)
            .and_then(|e| e.get("references"))
            .and_then(Node::as_list)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .collect()
    }

    /// Whether the configuration sets attribute `name`: `None` when the plan has no configuration for the
    /// resource.
    pub(crate) fn configured(&self, name: &str) -> Option<bool> {
        self.expressions.map(|e| e.get(name).is_some())
    }

    /// Where a value is: its position when it is written out, else that of the nearest enclosing value written
    /// out (a value known only after apply is absent), else the resource's.
    pub(crate) fn pos_of(&self, path: &[Step<'_>]) -> Pos {
        (1..=path.len())
            .rev()
            .find_map(|n| at(self.values, &path[..n]))
            .map_or(self.pos, |n| n.pos)
    }

    /// The text of a known string value.
    pub(crate) fn text(&self, path: &[Step<'_>]) -> Option<&'p str> {
        self.value(path).and_then(Node::as_str)
    }
}

/// A path as the findings write it: `inline_policy[0].policy`.
pub(crate) fn show(path: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A module address less its instance keys: `module.a["x"].module.b[0]` → `module.a.module.b`.
fn config_path(module: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in module.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The plan: its resources, and the values unknown until apply with why.
pub(crate) struct Plan<'p> {
    /// Every resource and data source, in file order.
    pub(crate) resources: Vec<Resource<'p>>,
    /// The account the plan runs in, when a `aws_caller_identity` data source read it.
    account: Option<String>,
    /// Why each unknown value is unknown: a token's index into it.
    reasons: RefCell<Vec<String>>,
}

impl Unknowns for Plan<'_> {
    fn reasons(&self, s: &str) -> Vec<String> {
        let reasons = self.reasons.borrow();
        let mut out: Vec<String> = Vec::new();
        for i in tokens(s) {
            if let Some(r) = reasons.get(i)
                && !out.contains(r)
            {
                out.push(r.clone());
            }
        }
        out
    }

    fn account_id(&self) -> Option<&str> {
        self.account.as_deref()
    }
}

impl<'p> Plan<'p> {
    /// A token standing for a value unknown until apply, for `why`.
    pub(crate) fn unknown(&self, why: String) -> String {
        let mut reasons = self.reasons.borrow_mut();
        let index = match reasons.iter().position(|r| *r == why) {
            Some(i) => i,
            None => {
                reasons.push(why);
                reasons.len() - 1
            }
        };
        format!("{OPEN}{index}{WIDEST}*{CLOSE}")
    }

    /// Reads the resources of the plan `root`, after checking it is a plan of a format this reads.
    pub(crate) fn read(root: &'p Node) -> Result<Plan<'p>, TemplateError> {
        let start = Pos { line: 1, column: 1 };
        if root.entries().is_none() {
            return Err(TemplateError::at(
                root.pos,
                "not a Terraform plan: the file is not a JSON object; write it with `terraform show -json <planfile> > plan.json`",
            ));
        }
        let version = root.get("format_version").ok_or_else(|| {
            TemplateError::at(
                start,
                "not a Terraform plan: no `format_version`; write it with `terraform show -json <planfile> > plan.json`",
            )
        })?;
        let text = version.as_str().unwrap_or("");
        let major = text.split('.').next().unwrap_or("");
        if major != "1" || text.split('.').count() != 2 {
            return Err(TemplateError::at(
                version.pos,
                format!(
                    "plan format_version `{text}` is not supported: this reads format 1.x (Terraform 1.0 and later, e.g. 1.2 from Terraform 1.11); write the plan with a Terraform 1.x `terraform show -json`"
                ),
            ));
        }
        let planned = root.get("planned_values").ok_or_else(|| {
            TemplateError::at(
                start,
                "not a Terraform plan: no `planned_values` (a state file's `terraform show -json` has none): run `terraform plan -out=plan.bin` and `terraform show -json plan.bin`",
            )
        })?;
        let mut changes: HashMap<&str, &Node> = HashMap::new();
        for change in root
            .get("resource_changes")
            .and_then(Node::as_list)
            .unwrap_or_default()
        {
            if let (Some(address), Some(unknown)) = (
                change.get("address").and_then(Node::as_str),
                change.get("change").and_then(|c| c.get("after_unknown")),
            ) {
                changes.insert(address, unknown);
            }
        }
        let mut expressions: HashMap<String, &Node> = HashMap::new();
        if let Some(config) = root.get("configuration").and_then(|c| c.get("root_module")) {
            config_module(config, "", &mut expressions, 0);
        }
        let mut resources = Vec::new();
        let mut found = Vec::new();
        if let Some(module) = planned.get("root_module") {
            planned_module(module, &mut found, 0)?;
        }
        if let Some(module) = root
            .get("prior_state")
            .and_then(|s| s.get("values"))
            .and_then(|v| v.get("root_module"))
        {
            let mut prior = Vec::new();
            planned_module(module, &mut prior, 0)?;
            found.extend(
                prior
                    .into_iter()
                    .filter(|(_, r)| r.get("mode").and_then(Node::as_str) == Some("data")),
            );
        }
        let mut seen: HashSet<String> = HashSet::new();
        for (module, node) in found {
            let text = |k: &str| node.get(k).and_then(Node::as_str).unwrap_or("").to_owned();
            let address = text("address");
            // A data source read at plan time is in `prior_state`, and may be in `planned_values` too.
            if !seen.insert(address.clone()) {
                continue;
            }
            let (kind, name, data) = (text("type"), text("name"), text("mode") == "data");
            let relative = format!("{}{kind}.{name}", if data { "data." } else { "" });
            let config_key = format!("{}|{relative}", config_path(&module));
            resources.push(Resource {
                module,
                kind,
                name,
                data,
                pos: node.pos,
                values: node.get("values"),
                unknown: changes.get(address.as_str()).copied(),
                expressions: expressions.get(&config_key).copied(),
                address,
            });
            if resources.len() > MAX_RESOURCES {
                return Err(TemplateError::at(
                    node.pos,
                    format!("more than {MAX_RESOURCES} resources: split the configuration"),
                ));
            }
        }
        let account = resources
            .iter()
            .filter(|r| r.data && r.kind == "aws_caller_identity")
            .find_map(|r| r.text(&[Step::Key("account_id")]))
            .map(str::to_owned);
        Ok(Plan {
            resources,
            account,
            reasons: RefCell::new(Vec::new()),
        })
    }
}

/// Collects the resources of a `planned_values`-shaped module and its child modules, with their module address.
fn planned_module<'p>(
    module: &'p Node,
    out: &mut Vec<(String, &'p Node)>,
    depth: usize,
) -> Result<(), TemplateError> {
    if depth > 100 {
        return Err(TemplateError::at(module.pos, "modules nested too deep"));
    }
    let address = module
        .get("address")
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_owned();
    if let Some(resources) = module.get("resources") {
        let list = resources.as_list().ok_or_else(|| {
            TemplateError::at(resources.pos, "a module's `resources` must be a list")
        })?;
        for r in list {
            if r.get("address").and_then(Node::as_str).is_none()
                || r.get("type").and_then(Node::as_str).is_none()
            {
                return Err(TemplateError::at(
                    r.pos,
                    "a resource of the plan has no `address` or `type`: is the file edited by hand?",
                ));
            }
            out.push((address.clone(), r));
        }
    }
    for child in module
        .get("child_modules")
        .and_then(Node::as_list)
        .unwrap_or_default()
    {
        planned_module(child, out, depth + 1)?;
    }
    Ok(())
}

/// Collects the `expressions` of every resource of a configuration module and its module calls, keyed by
/// `<module path>|<address in the module>`.
fn config_module<'p>(
    module: &'p Node,
    path: &str,
    out: &mut HashMap<String, &'p Node>,
    depth: usize,
) {
    if depth > 100 {
        return;
    }
    for r in module
        .get("resources")
        .and_then(Node::as_list)
        .unwrap_or_default()
    {
        if let (Some(address), Some(expressions)) = (
            r.get("address").and_then(Node::as_str),
            r.get("expressions"),
        ) {
            out.insert(format!("{path}|{address}"), expressions);
        }
    }
    for (key, call) in module
        .get("module_calls")
        .and_then(Node::entries)
        .unwrap_or_default()
    {
        if let Some(inner) = call.get("module") {
            let child = if path.is_empty() {
                format!("module.{}", key.name)
            } else {
                format!("{path}.module.{}", key.name)
            };
            config_module(inner, &child, out, depth + 1);
        }
    }
}
