//! Each role checked with AWS's evaluation logic, and the outcome written: one section (text) or object (JSON)
//! per role with its verdict, the library's report, and every finding at `file:line:column` with its path in the
//! template; roles not checked are listed with why.
//!
//! The JSON object:
//!
//! ```json
//! {
//!   "template": "template.yaml",
//!   "verdict": "not_allowed",
//!   "roles": [
//!     {"logical_id": "MeteringRole", "line": 12, "column": 3, "verdict": "not_allowed",
//!      "report": {"verdict": "not_allowed", "actions": [...], "over_grants": [...], "warnings": [...]},
//!      "findings": [{"code": "unresolved", "message": "...", "file": "template.yaml", "line": 30, "column": 13,
//!                    "path": "Resources.MeteringRole.Properties.Policies[0].PolicyDocument.Statement[1]"}]}
//!   ],
//!   "skipped": [{"logical_id": "DebugRole", "line": 40, "column": 3, "reason": "..."}]
//! }
//! ```

use std::io::{self, Write};

use marketplace_iam_policy::{Decision, PolicyFile, PolicyKind, PolicySet, Report};
use serde_json::{Value as Json, json};

use super::roles::{Document, Finding, Role};
use super::template::{Pos, TemplateError};
use super::token::Unknowns;
use super::trust;
use crate::output::{self, BOLD, DIM, RED, YELLOW};
use crate::{CheckFormat, EXIT_ALLOWED, Unusable, sarif};

/// One role, checked.
pub(crate) struct Checked {
    id: String,
    pos: Pos,
    report: Report,
    findings: Vec<Finding>,
}

/// What the outcome calls the file, a role's id, and an empty file.
#[derive(Clone, Copy)]
pub(crate) struct Labels {
    /// The JSON key of the file: `template`, `plan`.
    pub(crate) file: &'static str,
    /// The JSON key of a role's id: `logical_id`, `address`.
    pub(crate) id: &'static str,
    /// What the file lacks when no role is checked, after `{file} `.
    pub(crate) no_role: &'static str,
}

/// The labels of a CloudFormation template.
pub(crate) const TEMPLATE: Labels = Labels {
    file: "template",
    id: "logical_id",
    no_role: "defines no AWS::IAM::Role that is created with these parameters",
};

/// Every role of the file, checked or skipped.
pub(crate) struct Outcome {
    file: String,
    labels: Labels,
    /// The roles checked.
    pub(crate) roles: Vec<Checked>,
    /// The roles not checked: logical id, position, why.
    pub(crate) skipped: Vec<(String, Pos, String)>,
}

/// The name a document goes by in the report and the checker: its path in the template.
/// The role's policies as the checker reads them: its identity policies and boundary (what depends on a value not
/// known offline widened, and noted in `findings`), and the SCPs given.
pub(crate) fn policy_set(
    resolver: &dyn Unknowns,
    role: &Role,
    scps: &[PolicyFile],
    findings: &mut Vec<Finding>,
) -> Result<PolicySet, TemplateError> {
    let identity = role
        .identity
        .iter()
        .map(|d| policy_file(resolver, d, PolicyKind::Identity, findings))
        .collect::<Result<Vec<_>, _>>()?;
    let mut set = PolicySet::new(identity);
    if let Some(boundary) = &role.boundary {
        set = set.with_boundary(policy_file(
            resolver,
            boundary,
            PolicyKind::Boundary,
            findings,
        )?);
    }
    for scp in scps {
        set = set.with_scp(scp.clone());
    }
    Ok(set)
}

/// A document of the template as the checker reads it, playing the part `kind`.
pub(crate) fn policy_file(
    resolver: &dyn Unknowns,
    doc: &Document,
    kind: PolicyKind,
    findings: &mut Vec<Finding>,
) -> Result<PolicyFile, TemplateError> {
    let (text, notes) = doc.widened(resolver);
    for (index, field, note) in notes {
        let (pos, path) = if field.is_empty() {
            doc.statement(Some(index))
        } else {
            doc.field(index, &field)
        };
        findings.push(Finding {
            code: "unresolved",
            message: format!("{note}: the statement counts as conditional, never as allowed"),
            pos,
            path,
        });
    }
    PolicyFile::parse_as(kind, doc.path.clone(), &text).map_err(|e| {
        let index = e
            .path
            .strip_prefix("Statement[")
            .and_then(|r| r.split(']').next())
            .and_then(|i| i.parse().ok());
        let (pos, _) = doc.statement(index);
        let inner = if e.path.is_empty() {
            String::new()
        } else {
            format!(".{}", e.path)
        };
        TemplateError::at(
            pos,
            format!(
                "{}{inner}: {} (IAM would refuse this {kind})",
                doc.path, e.message
            ),
        )
    })
}

/// Checks one role: its identity policies, boundary and the SCPs given, for the required actions (those with
/// resource types on `resource` when given); its trust policy's findings; every finding located.
pub(crate) fn check_role(
    resolver: &dyn Unknowns,
    role: Box<Role>,
    required: &[String],
    resource: Option<&str>,
    scps: &[PolicyFile],
) -> Result<Checked, TemplateError> {
    let mut findings = role.findings.clone();
    if let Some(trust) = &role.trust {
        findings.extend(trust::findings(resolver, trust));
    }
    let set = policy_set(resolver, &role, scps, &mut findings)?;
    let report = crate::decide(&set, required, None, resource);
    let docs: Vec<&Document> = role.identity.iter().chain(role.boundary.iter()).collect();
    let locate = |name: Option<&str>, index: Option<usize>| -> Option<(Pos, String)> {
        let doc = docs.iter().find(|d| Some(d.path.as_str()) == name)?;
        Some(doc.statement(index))
    };
    findings.extend(report_findings(
        &report,
        &locate,
        (role.pos, role.path.clone()),
    ));
    // In file order; a document that is both an identity policy and the boundary gives each finding once.
    findings.sort_by(|a, b| {
        (a.pos.line, a.pos.column, &a.path, a.code, &a.message).cmp(&(
            b.pos.line,
            b.pos.column,
            &b.path,
            b.code,
            &b.message,
        ))
    });
    findings.dedup_by(|a, b| {
        (a.pos, &a.path, a.code, &a.message) == (b.pos, &b.path, b.code, &b.message)
    });
    Ok(Checked {
        id: role.id,
        pos: role.pos,
        report,
        findings,
    })
}

/// Where a statement of a checked policy is: `(policy name, statement index)` to its position and path, `None` for
/// a policy not written in the file (an AWS managed policy's statements are located at the reference to it).
pub(crate) type Locate<'a> = dyn Fn(Option<&str>, Option<usize>) -> Option<(Pos, String)> + 'a;

/// The findings of a report: each required action not allowed at the statements its decision rests on, one
/// over-grant finding per granting statement (those granting only on some resources apart, with the resource
/// patterns), and each warning; what cannot be located is at `fallback` (the role).
pub(crate) fn report_findings(
    report: &Report,
    locate: &Locate<'_>,
    fallback: (Pos, String),
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for action in &report.actions {
        if action.decision == Decision::Allow {
            continue;
        }
        for s in &action.statements {
            let (pos, path, message) = match (locate(s.policy.as_deref(), s.index), &s.add) {
                // A policy that lacks an `Allow` (a boundary, an SCP): at the policy, with the statement to add.
                (Some((pos, path)), Some(add)) => (
                    pos,
                    path,
                    format!(
                        "`{}` is not allowed: no statement of this {} allows it; add {}",
                        action.action,
                        s.kind,
                        serde_json::to_string(add).unwrap_or_default()
                    ),
                ),
                (Some((pos, path)), None) => (
                    pos,
                    path,
                    match &action.resources {
                        Some(resources) => format!(
                            "`{}` is granted only on some resources by this statement ({}): a call on any other \
                             resource is denied; give `--resource <ARN>` to decide it on the resource the \
                             integration names, and grant it on every resource of its type (`Resource`: `*` or the \
                             type's ARN with wildcards) only if the integration names others",
                            action.action,
                            resources.join(", ")
                        ),
                        None => format!(
                            "`{}` is {} because of this statement",
                            action.action,
                            decision_text(action.decision)
                        ),
                    },
                ),
                (None, add) => (
                    fallback.0,
                    fallback.1.clone(),
                    format!(
                        "`{}` is not allowed: no {} allows it{}",
                        action.action,
                        s.policy
                            .as_deref()
                            .map_or("identity policy of the role", |p| p),
                        add.as_ref()
                            .and_then(|a| serde_json::to_string(a).ok())
                            .map(|a| format!("; add {a}"))
                            .unwrap_or_default()
                    ),
                ),
            };
            findings.push(Finding {
                code: decision_code(action.decision),
                message,
                pos,
                path,
            });
        }
    }
    // One finding per granting statement, naming every action it over-grants; grants on some resources only in
    // a finding of their own, with the statement's resource patterns.
    type Key = ((Pos, String), bool);
    let mut over: Vec<(Key, Vec<String>)> = Vec::new();
    for grant in &report.over_grants {
        for s in &grant.statements {
            if let Some(at) = locate(s.policy.as_deref(), s.index) {
                let mut name = grant.action.to_owned();
                if let Some(resources) = &grant.resources {
                    name = format!("{name} on {}", resources.join(", "));
                }
                if grant.decision == Decision::Conditional {
                    name.push_str(" (conditional)");
                }
                let key = (at, grant.resources.is_some());
                match over.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, actions)) => actions.push(name),
                    None => over.push((key, vec![name])),
                }
            }
        }
    }
    for (((pos, path), some), actions) in over {
        // Resource patterns hold commas: those grants are separated by semicolons.
        let (code, only, separator) = if some {
            (
                OVER_GRANT_ON_SOME_RESOURCES,
                ", on some resources only",
                "; ",
            )
        } else {
            ("over_grant", "", ", ")
        };
        findings.push(Finding {
            code,
            message: format!(
                "also grants {} action{} the checked actions do not need{only}: {}",
                actions.len(),
                if actions.len() == 1 { "" } else { "s" },
                actions.join(separator)
            ),
            pos,
            path,
        });
    }
    for w in &report.warnings {
        let (pos, path) = w
            .policy
            .as_deref()
            .and_then(|name| locate(Some(name), w.index))
            .unwrap_or_else(|| fallback.clone());
        let code = serde_json::to_value(w.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        findings.push(Finding {
            code: warning_code(&code),
            message: w.message.clone(),
            pos,
            path,
        });
    }
    findings
}

/// The code of an over-grant that holds only on some of the action's resources.
pub(crate) const OVER_GRANT_ON_SOME_RESOURCES: &str = "over_grant_on_some_resources";

/// `--role <wanted>`: keeps the one entry whose id is `wanted`, or says what `file` has instead (`what`: `has no
/// AWS::IAM::Role`, `plans no aws_iam_role`).
pub(crate) fn pick<T>(
    entries: &mut Vec<T>,
    id: impl Fn(&T) -> &str,
    wanted: &str,
    file: &str,
    what: &str,
) -> Result<(), Unusable> {
    let ids: Vec<String> = entries.iter().map(|e| id(e).to_owned()).collect();
    entries.retain(|e| id(e) == wanted);
    if !entries.is_empty() {
        return Ok(());
    }
    Err(Unusable(format!(
        "--role {wanted}: {file} {what} `{wanted}`{}",
        if ids.is_empty() {
            String::new()
        } else {
            format!(" (its roles: {})", ids.join(", "))
        }
    )))
}

/// A decision's snake_case name, as the report's JSON spells it.
fn decision_code(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allow",
        Decision::ImplicitDeny => "implicit_deny",
        Decision::ExplicitDeny => "explicit_deny",
        Decision::Conditional => "conditional",
    }
}

/// A decision in words.
fn decision_text(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allowed",
        Decision::ImplicitDeny => "not allowed",
        Decision::ExplicitDeny => "explicitly denied",
        Decision::Conditional => "conditional",
    }
}

/// A warning's code as a `'static` finding code.
fn warning_code(code: &str) -> &'static str {
    const CODES: &[&str] = &[
        "allow_not_action",
        "allow_not_resource",
        "all_actions",
        "arn_only_resource",
        "unknown_action",
        "principal",
        "missing_resource",
        "variables_not_substituted",
        "context_key_absent",
    ];
    CODES
        .iter()
        .find(|c| **c == code)
        .copied()
        .unwrap_or("warning")
}

impl Outcome {
    /// An empty outcome for the template `file`.
    pub(crate) fn new(file: String) -> Outcome {
        Outcome::labelled(file, TEMPLATE)
    }

    /// An empty outcome for `file`, named with `labels`.
    pub(crate) fn labelled(file: String, labels: Labels) -> Outcome {
        Outcome {
            file,
            labels,
            roles: Vec::new(),
            skipped: Vec::new(),
        }
    }

    fn allowed(&self) -> bool {
        !self.roles.is_empty() && self.roles.iter().all(|r| r.report.is_allowed())
    }

    /// 0 when every checked role is allowed (and at least one was checked), else 1.
    pub(crate) fn exit_code(&self) -> u8 {
        if self.allowed() { EXIT_ALLOWED } else { 1 }
    }

    fn finding_json(&self, f: &Finding) -> Json {
        json!({"code": f.code, "message": f.message, "file": self.file, "line": f.pos.line,
               "column": f.pos.column, "path": f.path})
    }

    fn role_json(&self, r: &Checked) -> Json {
        let mut out = json!({
            "line": r.pos.line, "column": r.pos.column,
            "verdict": r.report.verdict, "report": r.report,
            "findings": r.findings.iter().map(|f| self.finding_json(f)).collect::<Vec<_>>(),
        });
        out[self.labels.id] = json!(r.id);
        out
    }

    fn skipped_json(&self) -> Vec<Json> {
        self.skipped
            .iter()
            .map(|(id, pos, reason)| {
                let mut out = json!({"line": pos.line, "column": pos.column, "reason": reason});
                out[self.labels.id] = json!(id);
                out
            })
            .collect()
    }

    /// Writes the outcome in `format`.
    pub(crate) fn write(&self, format: CheckFormat, spec: Option<&str>) -> Result<(), Unusable> {
        match format {
            CheckFormat::Json => {
                let mut all = json!({
                    "verdict": if self.allowed() { "allowed" } else { "not_allowed" },
                    "roles": self.roles.iter().map(|r| self.role_json(r)).collect::<Vec<_>>(),
                    "skipped": self.skipped_json(),
                });
                all[self.labels.file] = json!(self.file);
                output::write_stdout_plain(|out| {
                    serde_json::to_writer_pretty(&mut *out, &all).map_err(io::Error::from)?;
                    out.write_all(b"\n")
                })?;
            }
            CheckFormat::Jsonl => output::write_stdout_plain(|out| {
                for r in &self.roles {
                    writeln!(out, "{}", self.role_json(r))?;
                }
                for s in self.skipped_json() {
                    writeln!(out, "{}", json!({"skipped": s}))?;
                }
                Ok(())
            })?,
            CheckFormat::Text => output::write_stdout(|out| self.write_text(out, spec))?,
            CheckFormat::Sarif => sarif::write(&self.located())?,
        }
        Ok(())
    }

    /// Every finding of every role, and each role not checked, for the SARIF log.
    fn located(&self) -> Vec<sarif::Located<'_>> {
        let checked = self.roles.iter().flat_map(|r| {
            r.findings.iter().map(|f| sarif::Located {
                code: f.code,
                message: &f.message,
                file: &self.file,
                at: Some((f.pos.line, f.pos.column)),
                role: Some(&r.id),
                path: &f.path,
            })
        });
        let skipped = self.skipped.iter().map(|(id, pos, reason)| sarif::Located {
            code: "skipped_role",
            message: reason,
            file: &self.file,
            at: Some((pos.line, pos.column)),
            role: Some(id),
            path: "",
        });
        checked.chain(skipped).collect()
    }

    fn write_text(&self, out: &mut dyn Write, spec: Option<&str>) -> io::Result<()> {
        let file = &self.file;
        if self.roles.is_empty() {
            writeln!(
                out,
                "{RED}no role checked{RED:#}: {file} {}",
                self.labels.no_role
            )?;
        }
        for (n, r) in self.roles.iter().enumerate() {
            if n > 0 {
                writeln!(out)?;
            }
            let for_what = spec.map(|s| format!(" for {s}")).unwrap_or_default();
            writeln!(
                out,
                "{BOLD}== role {} ({file}:{}:{}){for_what} =={BOLD:#}",
                r.id, r.pos.line, r.pos.column
            )?;
            output::report_text(out, &r.report)?;
            if r.findings.is_empty() {
                writeln!(out, "{DIM}findings: none{DIM:#}")?;
                continue;
            }
            writeln!(out, "{YELLOW}findings:{YELLOW:#} {}", r.findings.len())?;
            for f in &r.findings {
                writeln!(
                    out,
                    "  {file}:{}:{}: {}: {YELLOW}{}{YELLOW:#}: {}",
                    f.pos.line, f.pos.column, f.path, f.code, f.message
                )?;
            }
        }
        for (id, pos, reason) in &self.skipped {
            writeln!(
                out,
                "{YELLOW}skipped{YELLOW:#}: role {id} ({file}:{}:{}): {reason}",
                pos.line, pos.column
            )?;
        }
        Ok(())
    }
}

/// A role a template or plan defines, as `check --assume` takes it: its trust policy and its own policies.
pub(crate) struct Defined {
    /// Its logical id or Terraform address.
    pub(crate) id: String,
    pub(crate) trust: PolicyFile,
    /// Every document read (the trust policy, the identity policies, the boundary) as the checker names it, with
    /// where it starts and where its statements are: what locates the findings.
    pub(crate) documents: Vec<(String, Pos, Vec<Pos>)>,
    /// Its identity policies and boundary, with the SCPs given.
    pub(crate) set: PolicySet,
    /// What depends on values not known offline (`unresolved`), and the trust policy's findings, located.
    pub(crate) findings: Vec<Finding>,
}

/// The one role of `roles` that `wanted` names (or the only one), with its trust policy and policies read.
pub(crate) fn defined(
    resolver: &dyn Unknowns,
    mut roles: Vec<Role>,
    wanted: Option<&str>,
    file: &str,
    labels: Labels,
    scps: &[PolicyFile],
) -> Result<Defined, Unusable> {
    if let Some(wanted) = wanted {
        pick(&mut roles, |r| &r.id, wanted, file, labels.no_role)?;
    }
    let role = match roles.len() {
        1 => roles.remove(0),
        0 => return Err(Unusable(format!("--assume: {file} {}", labels.no_role))),
        _ => {
            let ids: Vec<&str> = roles.iter().map(|r| r.id.as_str()).collect();
            return Err(Unusable(format!(
                "--assume: {file} defines {} roles ({}): pick the one to assume with --role",
                ids.len(),
                ids.join(", ")
            )));
        }
    };
    let located = |e: TemplateError| e.in_file(file);
    let Some(trust_doc) = &role.trust else {
        return Err(Unusable(format!(
            "--assume: {file}:{}:{}: {} has no trust policy (AssumeRolePolicyDocument / assume_role_policy): nobody can assume it",
            role.pos.line, role.pos.column, role.id
        )));
    };
    let mut findings = role.findings.clone();
    findings.extend(trust::findings(resolver, trust_doc));
    let trust =
        policy_file(resolver, trust_doc, PolicyKind::Trust, &mut findings).map_err(located)?;
    let set = policy_set(resolver, &role, scps, &mut findings).map_err(located)?;
    let documents = std::iter::once(trust_doc)
        .chain(&role.identity)
        .chain(&role.boundary)
        .map(|d| (d.path.clone(), d.pos, d.statements.clone()))
        .collect();
    Ok(Defined {
        id: role.id,
        trust,
        documents,
        set,
        findings,
    })
}
