//! `check --format sarif`: the findings as a SARIF 2.1.0 log (one run, the tool with one rule per finding kind,
//! one result per finding) for GitHub code scanning and other SARIF viewers.
//!
//! The callers turn their findings into [`Located`] ones (a code, a message, a file and a place in it, the role
//! and the path inside the file); this module knows nothing of templates or plans. [`log`] holds the serde types,
//! [`rules`] the rule of each finding code with its level and help.
//!
//! Artifact URIs are relative to the working directory (`uriBaseId` `%SRCROOT%`, which `originalUriBaseIds` sets
//! to it), as GitHub code scanning expects for files of the checked-out repository; a file outside the working
//! directory gets an absolute `file://` URI; standard input has no physical location.

mod log;
mod rules;

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use self::log::{
    ArtifactLocation, Configuration, Driver, Location, Log, LogicalLocation, PhysicalLocation,
    Region, Rule, Run, SarifResult, Text, Tool, UriBases,
};
use crate::{Unusable, input, output};

/// The base id of URIs relative to the working directory.
const SRCROOT: &str = "%SRCROOT%";

/// One finding, located.
pub(crate) struct Located<'a> {
    /// The finding's code, which is its rule's id (see [`rules::RULES`]).
    pub(crate) code: &'a str,
    /// What is wrong and what to do.
    pub(crate) message: &'a str,
    /// The file as the command line named it (`<stdin>` for standard input).
    pub(crate) file: &'a str,
    /// 1-based line and column; `None` when unknown.
    pub(crate) at: Option<(usize, usize)>,
    /// The role's logical id or Terraform address, if the finding is about a role.
    pub(crate) role: Option<&'a str>,
    /// The path inside the file, e.g. `Resources.MeteringRole.Properties.Policies[0].PolicyDocument.Statement[1]`
    /// (empty: none).
    pub(crate) path: &'a str,
}

/// The SARIF log of `findings`, with every rule (so that a viewer knows a rule that has no result in this run).
pub(crate) fn sarif_log(findings: &[Located<'_>]) -> Log {
    let cwd = std::env::current_dir().ok();
    let rules = rules::RULES
        .iter()
        .map(|r| Rule {
            id: r.id,
            name: rules::camel(r.id),
            short_description: Text {
                text: r.short.to_owned(),
            },
            full_description: Text {
                text: r.full.to_owned(),
            },
            help: Text {
                text: r.help.to_owned(),
            },
            default_configuration: Configuration { level: r.level },
        })
        .collect();
    let results = findings
        .iter()
        .map(|f| {
            let rule_index = rules::index(f.code);
            let rule = &rules::RULES[rule_index];
            let physical_location =
                artifact(f.file, cwd.as_deref()).map(|artifact_location| PhysicalLocation {
                    artifact_location,
                    region: f.at.filter(|&(line, column)| line > 0 && column > 0).map(
                        |(start_line, start_column)| Region {
                            start_line,
                            start_column,
                        },
                    ),
                });
            let role = f.role.map(|id| LogicalLocation {
                name: id.to_owned(),
                fully_qualified_name: id.to_owned(),
                kind: "resource",
            });
            // A finding at the role itself (a Terraform address is its path too) has the role's location only.
            let path = (!f.path.is_empty() && Some(f.path) != f.role).then(|| LogicalLocation {
                name: last_segment(f.path).to_owned(),
                fully_qualified_name: f.path.to_owned(),
                kind: "object",
            });
            let location = Location {
                physical_location,
                logical_locations: role.into_iter().chain(path).collect(),
            };
            let locations =
                if location.physical_location.is_some() || !location.logical_locations.is_empty() {
                    vec![location]
                } else {
                    Vec::new()
                };
            SarifResult {
                rule_id: rule.id,
                rule_index,
                level: rule.level,
                message: Text {
                    text: f.message.to_owned(),
                },
                locations,
            }
        })
        .collect();
    Log {
        schema: log::SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "marketplace-iam",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            original_uri_base_ids: cwd.as_deref().and_then(directory_uri).map(|uri| UriBases {
                src_root: ArtifactLocation {
                    uri,
                    uri_base_id: None,
                },
            }),
            results,
        }],
    }
}

/// Writes the SARIF log of `findings` to stdout, pretty-printed.
pub(crate) fn write(findings: &[Located<'_>]) -> Result<(), Unusable> {
    let log = sarif_log(findings);
    output::write_stdout_plain(|out| {
        serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
        out.write_all(b"\n")
    })?;
    Ok(())
}

/// The last part of a path inside a file: `Statement[1]` of `Resources.Role.Properties.Policies[0].Statement[1]`
/// or of `role.json:Statement[1]` (a policy file's name, then the path inside it).
fn last_segment(path: &str) -> &str {
    let inner = path.rsplit(':').next().unwrap_or(path);
    inner.rsplit('.').next().unwrap_or(inner)
}

/// Where `file` is: relative to the working directory `cwd` when it is inside it, else an absolute `file://` URI;
/// `None` for standard input.
fn artifact(file: &str, cwd: Option<&Path>) -> Option<ArtifactLocation> {
    if file == input::STDIN_NAME || file.is_empty() {
        return None;
    }
    let path = Path::new(file);
    let relative = if path.is_absolute() {
        cwd.and_then(|cwd| path.strip_prefix(cwd).ok())
            .map(Path::to_path_buf)
    } else {
        Some(path.to_path_buf())
    };
    Some(match relative.and_then(|r| relative_uri(&r)) {
        Some(uri) => ArtifactLocation {
            uri,
            uri_base_id: Some(SRCROOT),
        },
        None => ArtifactLocation {
            uri: absolute_uri(path, cwd),
            uri_base_id: None,
        },
    })
}

/// A relative path as a relative URI (`./` dropped, `/` between parts, each part percent-encoded); `None` when it
/// climbs out of the working directory (`..`) or names no file.
fn relative_uri(path: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(encode(&part.to_string_lossy())),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// `path` (made absolute against `cwd`) as a `file://` URI.
fn absolute_uri(path: &Path, cwd: Option<&Path>) -> String {
    let full: PathBuf = match cwd {
        Some(cwd) if !path.is_absolute() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    let parts: Vec<String> = full
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(encode(&part.to_string_lossy())),
            Component::ParentDir => Some("..".to_owned()),
            _ => None,
        })
        .collect();
    format!("file:///{}", parts.join("/"))
}

/// The working directory as a `file://` URI ending in `/`, as `originalUriBaseIds` requires.
fn directory_uri(cwd: &Path) -> Option<String> {
    cwd.is_absolute().then(|| {
        let uri = absolute_uri(cwd, None);
        if uri.ends_with('/') { uri } else { uri + "/" }
    })
}

/// One path segment percent-encoded: everything but RFC 3986's unreserved characters.
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_to_the_working_directory() {
        let cwd = Path::new("/work/repo");
        let uri = |file| artifact(file, Some(cwd)).map(|a| (a.uri, a.uri_base_id));
        assert_eq!(
            uri("./infra/role template.yaml"),
            Some(("infra/role%20template.yaml".to_owned(), Some(SRCROOT)))
        );
        assert_eq!(
            uri("/work/repo/plan.json"),
            Some(("plan.json".to_owned(), Some(SRCROOT)))
        );
        assert_eq!(
            uri("/elsewhere/a.json"),
            Some(("file:///elsewhere/a.json".to_owned(), None))
        );
        assert_eq!(
            uri("../up.json"),
            Some(("file:///work/repo/../up.json".to_owned(), None))
        );
        assert_eq!(uri(input::STDIN_NAME), None);
        assert_eq!(directory_uri(cwd).as_deref(), Some("file:///work/repo/"));
        assert_eq!(last_segment("Resources.R.Statement[1]"), "Statement[1]");
        assert_eq!(last_segment("role.v2.json:Statement[0]"), "Statement[0]");
    }
}
