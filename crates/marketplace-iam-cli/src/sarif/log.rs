//! The parts of a SARIF 2.1.0 log that `check --format sarif` writes, as typed structs serialized with serde
//! (property names as the standard spells them, camelCase; absent optional parts left out).
//!
//! Only what the command fills in is modelled: one run, its tool with its rules, and results located physically
//! (file, line, column) and logically (the role, the path inside the file).

use serde::Serialize;

/// The URI of the SARIF 2.1.0 schema, for the log's `$schema`.
pub(crate) const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// `sarifLog`: the whole file.
#[derive(Serialize)]
pub(crate) struct Log {
    /// The schema the log follows.
    #[serde(rename = "$schema")]
    pub(crate) schema: &'static str,
    /// Always `2.1.0`.
    pub(crate) version: &'static str,
    /// One run per invocation of `check`.
    pub(crate) runs: Vec<Run>,
}

/// `run`: one invocation of the tool.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Run {
    /// The tool and its rules.
    pub(crate) tool: Tool,
    /// Where relative artifact URIs are resolved: `%SRCROOT%`, the working directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) original_uri_base_ids: Option<UriBases>,
    /// The findings.
    pub(crate) results: Vec<SarifResult>,
}

/// `originalUriBaseIds` with the one base the log uses.
#[derive(Serialize)]
pub(crate) struct UriBases {
    /// The working directory `check` ran in.
    #[serde(rename = "%SRCROOT%")]
    pub(crate) src_root: ArtifactLocation,
}

/// `tool`.
#[derive(Serialize)]
pub(crate) struct Tool {
    /// The tool's own component.
    pub(crate) driver: Driver,
}

/// `toolComponent` of the driver.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Driver {
    /// `marketplace-iam`.
    pub(crate) name: &'static str,
    /// The crate's version.
    pub(crate) version: &'static str,
    /// Same as `version`: GitHub code scanning reads this one.
    pub(crate) semantic_version: &'static str,
    /// The repository URL.
    pub(crate) information_uri: &'static str,
    /// Every finding kind the command reports.
    pub(crate) rules: Vec<Rule>,
}

/// `reportingDescriptor`: one kind of finding.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Rule {
    /// The finding's code, e.g. `implicit_deny`.
    pub(crate) id: &'static str,
    /// The code in UpperCamelCase, e.g. `ImplicitDeny`.
    pub(crate) name: String,
    /// One line.
    pub(crate) short_description: Text,
    /// What the finding means.
    pub(crate) full_description: Text,
    /// What to do about it.
    pub(crate) help: Text,
    /// The level of its results.
    pub(crate) default_configuration: Configuration,
}

/// `multiformatMessageString` / `message` with plain text only.
#[derive(Serialize)]
pub(crate) struct Text {
    /// The text.
    pub(crate) text: String,
}

/// `reportingConfiguration`.
#[derive(Serialize)]
pub(crate) struct Configuration {
    /// `error`, `warning` or `note`.
    pub(crate) level: Level,
}

/// A result's level.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    /// A required action is denied.
    Error,
    /// Something grants or trusts more than it should, or a required action holds only under a condition.
    Warning,
    /// Everything else worth a look.
    Note,
}

/// `result`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SarifResult {
    /// The rule's id.
    pub(crate) rule_id: &'static str,
    /// The rule's position in the driver's `rules`.
    pub(crate) rule_index: usize,
    /// The rule's level.
    pub(crate) level: Level,
    /// What is wrong here.
    pub(crate) message: Text,
    /// Where: one location, or none when neither the file nor a logical place is known.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) locations: Vec<Location>,
}

/// `location`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Location {
    /// The file and the place in it (none for standard input).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) physical_location: Option<PhysicalLocation>,
    /// Which role and which part of the file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) logical_locations: Vec<LogicalLocation>,
}

/// `physicalLocation`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PhysicalLocation {
    /// The file.
    pub(crate) artifact_location: ArtifactLocation,
    /// The line and column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) region: Option<Region>,
}

/// `artifactLocation`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ArtifactLocation {
    /// Relative to `uri_base_id` when that is set, else absolute (`file:///...`).
    pub(crate) uri: String,
    /// `%SRCROOT%` for a relative `uri`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) uri_base_id: Option<&'static str>,
}

/// `region`: 1-based.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Region {
    /// 1-based line.
    pub(crate) start_line: usize,
    /// 1-based column, in characters.
    pub(crate) start_column: usize,
}

/// `logicalLocation`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LogicalLocation {
    /// The last part of the name.
    pub(crate) name: String,
    /// The whole name: the role's logical id or Terraform address, or the path inside the file.
    pub(crate) fully_qualified_name: String,
    /// `resource` for a role, `object` for a place in a policy or template.
    pub(crate) kind: &'static str,
}
