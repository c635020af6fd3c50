//! AWS's Service Reference format: reading a file into its facts (with located errors), and writing the facts
//! back, normalized.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use marketplace_iam_model::catalog::AccessLevel;
use serde::{Deserialize, Serialize};

/// The project's copy, relative to the workspace root.
pub const CATALOGS_DIR: &str = "crates/marketplace-iam-model/data/catalogs";

/// The engine's table generated from the copy.
pub const CATALOG_RS: &str = "crates/marketplace-iam-model/src/catalog/data.rs";

/// Where AWS publishes the service files.
pub const AWS_INDEX: &str = "https://servicereference.us-east-1.amazonaws.com/";

// ---------------------------------------------------------------------------------------------------------------------
// The format, as serde reads and writes it.

#[derive(Debug, Serialize, Deserialize)]
struct ServiceFile {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Actions")]
    actions: Vec<ActionEntry>,
    #[serde(rename = "Resources", default)]
    resources: Vec<ResourceEntry>,
    #[serde(rename = "ConditionKeys", default)]
    condition_keys: Vec<ConditionKeyEntry>,
    #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none")]
    version: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ActionEntry {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "ActionConditionKeys", default)]
    condition_keys: Vec<String>,
    #[serde(rename = "Annotations")]
    annotations: Annotations,
    #[serde(rename = "Resources", default)]
    resources: Vec<ResourceRef>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Annotations {
    #[serde(rename = "Properties")]
    properties: Properties,
}

/// The access level flags of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Properties {
    #[serde(rename = "IsList")]
    pub is_list: bool,
    #[serde(rename = "IsPermissionManagement")]
    pub is_permission_management: bool,
    #[serde(rename = "IsTaggingOnly")]
    pub is_tagging_only: bool,
    #[serde(rename = "IsWrite")]
    pub is_write: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct ResourceRef {
    #[serde(rename = "Name")]
    name: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct ResourceEntry {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "ARNFormats")]
    arn_formats: Vec<String>,
    #[serde(rename = "ConditionKeys", default)]
    condition_keys: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ConditionKeyEntry {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Types", default)]
    types: Vec<String>,
}

/// The access level the Service Authorization Reference gives an action with these flags, or `None` for a
/// combination no access level has.
///
/// No flag: Read. `IsList`: List. `IsWrite`: Write. `IsPermissionManagement`: Permissions management, and
/// `IsTaggingOnly`: Tagging, each with `IsWrite` set or not (AWS's files set it on tagging actions, such as
/// `ec2:CreateTags`; both spellings are read, and the copy is written with it set). Any other combination (two of
/// List, Permissions management and Tagging, or List with Write) is refused.
pub fn access_level(p: Properties) -> Option<AccessLevel> {
    match (
        p.is_list,
        p.is_permission_management,
        p.is_tagging_only,
        p.is_write,
    ) {
        (false, false, false, false) => Some(AccessLevel::Read),
        (true, false, false, false) => Some(AccessLevel::List),
        (false, false, false, true) => Some(AccessLevel::Write),
        (false, true, false, _) => Some(AccessLevel::PermissionsManagement),
        (false, false, true, _) => Some(AccessLevel::Tagging),
        _ => None,
    }
}

/// The flags of an access level (the inverse of [`access_level`]).
pub fn properties(level: AccessLevel) -> Properties {
    let (is_list, is_permission_management, is_tagging_only, is_write) = match level {
        AccessLevel::List => (true, false, false, false),
        AccessLevel::Read => (false, false, false, false),
        AccessLevel::Write => (false, false, false, true),
        AccessLevel::PermissionsManagement => (false, true, false, true),
        AccessLevel::Tagging => (false, false, true, true),
    };
    Properties {
        is_list,
        is_permission_management,
        is_tagging_only,
        is_write,
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// The facts of a service file.

/// The catalog of one service prefix: the facts of a Service Reference file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// The prefix (`aws-marketplace`).
    pub prefix: String,
    /// AWS's `Version` of the file, when it has one.
    pub version: Option<String>,
    /// The actions by name (without the prefix).
    pub actions: BTreeMap<String, Action>,
    /// The resource types by name.
    pub resources: BTreeMap<String, Resource>,
    /// The condition keys by name, with their types.
    pub condition_keys: BTreeMap<String, Vec<String>>,
}

/// The facts of one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub access_level: AccessLevel,
    /// Sorted.
    pub resource_types: Vec<String>,
    /// Sorted.
    pub condition_keys: Vec<String>,
}

/// The facts of one resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Sorted.
    pub arn_formats: Vec<String>,
    /// Sorted.
    pub condition_keys: Vec<String>,
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// A located error: the file, where in it, what is wrong and what to do.
fn located(file: &Path, at: &str, message: &str, help: &str) -> String {
    format!("error: {}: {at}: {message}\nhelp: {help}", file.display())
}

/// A located error at the JSON path `at` (`$.Actions[3].Name`) of the valid JSON `text`: with its line and column.
fn located_in(file: &Path, text: &str, at: &str, message: &str, help: &str) -> String {
    let Some(offset) = offset_of(text, at) else {
        return located(file, at, message, help);
    };
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    located(
        &PathBuf::from(format!("{}:{line}:{col}", file.display())),
        at,
        message,
        help,
    )
}

/// The byte offset of the value at the JSON path `at` (`$.Actions[3].Name`) in `text`, which serde_json has read
/// already (so the scan does not validate; it gives up on anything unexpected).
pub(super) fn offset_of(text: &str, at: &str) -> Option<usize> {
    let mut path = Vec::new();
    for part in at.strip_prefix('$')?.split('.').skip(1) {
        let mut pieces = part.split('[');
        path.push(Err(pieces.next()?));
        for index in pieces {
            path.push(Ok(index.strip_suffix(']')?.parse::<usize>().ok()?));
        }
    }
    let b = text.as_bytes();
    let mut i = 0;
    let ws = |i: &mut usize| {
        while b.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
    };
    // Skips one value (or key) starting at `i`.
    let skip = |i: &mut usize| -> Option<()> {
        let mut depth = 0usize;
        loop {
            match *b.get(*i)? {
                b'"' => {
                    *i += 1;
                    while *b.get(*i)? != b'"' {
                        *i += if b[*i] == b'\\' { 2 } else { 1 };
                    }
                    *i += 1;
                }
                b'{' | b'[' => {
                    depth += 1;
                    *i += 1;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    *i += 1;
                }
                _ if depth == 0 => {
                    while !matches!(b.get(*i), Some(b',' | b'}' | b']' | b':') | None)
                        && !b[*i].is_ascii_whitespace()
                    {
                        *i += 1;
                    }
                }
                _ => *i += 1,
            }
            if depth == 0 {
                return Some(());
            }
        }
    };
    for step in path {
        ws(&mut i);
        match (b.get(i)?, step) {
            (b'{', Err(key)) => {
                i += 1;
                loop {
                    ws(&mut i);
                    let start = i + 1;
                    skip(&mut i)?;
                    let found = text.get(start..i - 1)? == key;
                    ws(&mut i);
                    i += 1; // the colon
                    ws(&mut i);
                    if found {
                        break;
                    }
                    skip(&mut i)?;
                    ws(&mut i);
                    if *b.get(i)? != b',' {
                        return None;
                    }
                    i += 1;
                }
            }
            (b'[', Ok(n)) => {
                i += 1;
                for _ in 0..n {
                    ws(&mut i);
                    skip(&mut i)?;
                    ws(&mut i);
                    if *b.get(i)? != b',' {
                        return None;
                    }
                    i += 1;
                }
                ws(&mut i);
            }
            _ => return None,
        }
    }
    Some(i)
}

fn is_prefix(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_action_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Reads the text of a Service Reference file (`file` names it in errors).
pub fn parse(file: &Path, text: &str) -> Result<Service, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('[') {
        let offset = text.len() - trimmed.len();
        let line = text[..offset].matches('\n').count() + 1;
        let col = text[..offset]
            .rsplit('\n')
            .next()
            .map_or(0, |s| s.chars().count())
            + 1;
        let index = serde_json::from_str::<Vec<serde_json::Value>>(text).is_ok_and(|v| {
            v.first()
                .is_some_and(|e| e.get("service").is_some() && e.get("url").is_some())
        });
        let (message, help) = if index {
            (
                format!("this is AWS's list of services ({AWS_INDEX}), not a service file"),
                "download the file of each prefix from the `url` of its entry, e.g. \
                 https://servicereference.us-east-1.amazonaws.com/v1/aws-marketplace/aws-marketplace.json"
                    .to_owned(),
            )
        } else {
            (
                "expected a service file (an object with `Name` and `Actions`), found an array"
                    .to_owned(),
                format!("pass the file of one service prefix, as listed at {AWS_INDEX}"),
            )
        };
        return Err(located(
            &PathBuf::from(format!("{}:{line}:{col}", file.display())),
            "$",
            &message,
            &help,
        ));
    }
    let json_error = |path: String, inner: serde_json::Error| {
        let path = if path == "." {
            "$".to_owned()
        } else {
            format!("$.{path}")
        };
        let message = inner.to_string();
        // serde_json appends " at line L column C"; the location goes in front instead.
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        let help = if inner.is_syntax() || inner.is_eof() {
            "the file is not valid JSON: download it again from AWS"
        } else {
            "the file does not have the shape of an AWS Service Reference file; if AWS changed the format, update \
             xtask/src/catalog/format.rs"
        };
        located(
            &PathBuf::from(format!(
                "{}:{}:{}",
                file.display(),
                inner.line(),
                inner.column()
            )),
            &path,
            message,
            help,
        )
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let raw: ServiceFile = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| json_error(e.path().to_string(), e.into_inner()))?;
    de.end().map_err(|e| json_error(".".to_owned(), e))?;
    from_raw(file, text, raw)
}

fn from_raw(file: &Path, text: &str, raw: ServiceFile) -> Result<Service, String> {
    if !is_prefix(&raw.name) {
        return Err(located_in(
            file,
            text,
            "$.Name",
            &format!("`{}` is not a service prefix", raw.name),
            "a prefix is lowercase letters, digits and `-`, e.g. `aws-marketplace`",
        ));
    }
    let mut resources = BTreeMap::new();
    for (i, r) in raw.resources.into_iter().enumerate() {
        if r.arn_formats.is_empty() {
            return Err(located_in(
                file,
                text,
                &format!("$.Resources[{i}].ARNFormats"),
                &format!("resource type `{}` has no ARN format", r.name),
                "every resource type AWS defines has at least one; download the file again from AWS",
            ));
        }
        let name = r.name.clone();
        let resource = Resource {
            arn_formats: sorted(r.arn_formats),
            condition_keys: sorted(r.condition_keys),
        };
        if resources.insert(name.clone(), resource).is_some() {
            return Err(located_in(
                file,
                text,
                &format!("$.Resources[{i}].Name"),
                &format!("resource type `{name}` is defined twice"),
                "each resource type appears once in a service file; download the file again from AWS",
            ));
        }
    }
    let mut condition_keys = BTreeMap::new();
    for (i, k) in raw.condition_keys.into_iter().enumerate() {
        if condition_keys
            .insert(k.name.clone(), sorted(k.types))
            .is_some()
        {
            return Err(located_in(
                file,
                text,
                &format!("$.ConditionKeys[{i}].Name"),
                &format!("condition key `{}` is defined twice", k.name),
                "each condition key appears once in a service file; download the file again from AWS",
            ));
        }
    }
    let mut actions = BTreeMap::new();
    for (i, a) in raw.actions.into_iter().enumerate() {
        if !is_action_name(&a.name) {
            return Err(located_in(
                file,
                text,
                &format!("$.Actions[{i}].Name"),
                &format!("`{}` is not an action name", a.name),
                "an action's `Name` is the action without its prefix, e.g. `MeterUsage`",
            ));
        }
        let p = a.annotations.properties;
        let Some(access_level) = access_level(p) else {
            return Err(located_in(
                file,
                text,
                &format!("$.Actions[{i}].Annotations.Properties"),
                &format!(
                    "`{}`: no access level has the flags IsList={}, IsPermissionManagement={}, \
                     IsTaggingOnly={}, IsWrite={}",
                    a.name, p.is_list, p.is_permission_management, p.is_tagging_only, p.is_write
                ),
                "if AWS defined a new combination, add it to `access_level` in xtask/src/catalog/format.rs, with the \
                 access level AWS's page for the prefix gives the action",
            ));
        };
        for (j, r) in a.resources.iter().enumerate() {
            if !resources.contains_key(&r.name) {
                return Err(located_in(
                    file,
                    text,
                    &format!("$.Actions[{i}].Resources[{j}].Name"),
                    &format!(
                        "`{}` names the resource type `{}`, which the file does not define in `Resources`",
                        a.name, r.name
                    ),
                    "the file is incomplete or from two versions: download it again from AWS",
                ));
            }
        }
        let action = Action {
            access_level,
            resource_types: sorted(a.resources.into_iter().map(|r| r.name).collect()),
            condition_keys: sorted(a.condition_keys),
        };
        if actions.insert(a.name.clone(), action).is_some() {
            return Err(located_in(
                file,
                text,
                &format!("$.Actions[{i}].Name"),
                &format!("action `{}:{}` is listed twice", raw.name, a.name),
                "each action appears once in a service file; download the file again from AWS",
            ));
        }
    }
    if actions.is_empty() {
        return Err(located_in(
            file,
            text,
            "$.Actions",
            "the file lists no action",
            "every AWS service prefix has actions; download the file again from AWS",
        ));
    }
    Ok(Service {
        prefix: raw.name,
        version: raw.version,
        actions,
        resources,
        condition_keys,
    })
}

impl Service {
    /// The normalized file: what the project's copy holds.
    pub fn to_json(&self) -> String {
        let raw = ServiceFile {
            name: self.prefix.clone(),
            actions: self
                .actions
                .iter()
                .map(|(name, a)| ActionEntry {
                    name: name.clone(),
                    condition_keys: a.condition_keys.clone(),
                    annotations: Annotations {
                        properties: properties(a.access_level),
                    },
                    resources: a
                        .resource_types
                        .iter()
                        .map(|r| ResourceRef { name: r.clone() })
                        .collect(),
                })
                .collect(),
            resources: self
                .resources
                .iter()
                .map(|(name, r)| ResourceEntry {
                    name: name.clone(),
                    arn_formats: r.arn_formats.clone(),
                    condition_keys: r.condition_keys.clone(),
                })
                .collect(),
            condition_keys: self
                .condition_keys
                .iter()
                .map(|(name, types)| ConditionKeyEntry {
                    name: name.clone(),
                    types: types.clone(),
                })
                .collect(),
            version: self.version.clone(),
        };
        let mut text = serde_json::to_string_pretty(&raw).expect("strings and lists serialize");
        text.push('\n');
        text
    }
}

/// Reads one file.
pub fn read_file(path: &Path) -> Result<Service, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("error: could not read {}: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "error: {}: byte {}: the file is not UTF-8\nhelp: AWS's files are UTF-8 JSON; download it again",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    parse(path, &text)
}

/// Reads a file, or every `*.json` of a folder (not its subfolders); two files of one prefix are an error.
pub fn read_path(path: &Path) -> Result<Vec<(PathBuf, Service)>, String> {
    let files = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("error: could not read {}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(format!(
                "error: {}: no *.json file in the folder\nhelp: download the Service Reference file of each \
                 prefix from {AWS_INDEX} into it",
                path.display()
            ));
        }
        files
    } else {
        vec![path.to_owned()]
    };
    let mut out: Vec<(PathBuf, Service)> = Vec::new();
    for file in files {
        let service = read_file(&file)?;
        if let Some((other, _)) = out.iter().find(|(_, s)| s.prefix == service.prefix) {
            return Err(format!(
                "error: {} and {} are both the catalog of `{}`\nhelp: keep one file per prefix",
                other.display(),
                file.display(),
                service.prefix
            ));
        }
        out.push((file, service));
    }
    Ok(out)
}

/// Reads the project's copy under `root`: every file must be named after its prefix.
pub fn read_copy(root: &Path) -> Result<Vec<Service>, String> {
    let dir = root.join(CATALOGS_DIR);
    let mut out = Vec::new();
    for (file, service) in read_path(&dir)? {
        if file.file_name() != Some(format!("{}.json", service.prefix).as_ref()) {
            return Err(located(
                &file,
                "$.Name",
                &format!(
                    "the catalog of `{}` is in a file of another name",
                    service.prefix
                ),
                &format!("name it {}.json", service.prefix),
            ));
        }
        out.push(service);
    }
    Ok(out)
}
