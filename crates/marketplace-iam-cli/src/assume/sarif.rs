//! `check --assume --format sarif`: one result per hop of the STS request that does not pass (a rule per hop, level
//! `error`), at the statement its decision rests on in the file a person edits; then the permissions hop's
//! findings, those of `check --format sarif` on the role's policy files and on the session policy. Every result
//! names the role's ARN as its logical location.

use std::path::Path;

use marketplace_iam_policy::{ConditionRef, Decision, Effect, StatementRef};

use super::hops::{Chain, Hop, HopName, Outcome};
use super::render;
use crate::cloudformation::template::Pos;
use crate::policy_files::{Found, PolicyFiles};
use crate::{Unusable, sarif};

/// The files of the chain, as the command line named them.
pub(crate) struct Paths<'a> {
    /// `--assume`.
    pub(crate) trust: &'a Path,
    /// `--caller` (each), then `--caller-boundary`.
    pub(crate) caller: Vec<&'a Path>,
    /// `--caller-scp`.
    pub(crate) caller_scps: Vec<&'a Path>,
    /// `--rcp`.
    pub(crate) rcps: Vec<&'a Path>,
    /// The role's own: the POLICY files, `--boundary`, `--scp`.
    pub(crate) role: &'a [&'a Path],
    /// `--session-policy`.
    pub(crate) session_policy: Option<&'a Path>,
    /// When `--assume` names a template or plan: its documents (the trust policy, the role's policies), and the
    /// findings reading the role gave (a value not known offline, a trust finding), located in it.
    pub(crate) defined: Option<(&'a PolicyFiles, &'a [Found])>,
}

/// The rule of a hop of the STS request that does not pass (the permissions hop has the report's rules).
fn rule(hop: HopName) -> Option<&'static str> {
    match hop {
        HopName::Identity => Some("assume_identity_denied"),
        HopName::Trust => Some("assume_trust_denied"),
        HopName::CallerScps => Some("assume_caller_scp_denied"),
        HopName::RoleRcps => Some("assume_rcp_denied"),
        HopName::Permissions => None,
    }
}

/// Writes the chain's SARIF log.
pub(super) fn write(chain: &Chain<'_>, hops: &[Hop], paths: &Paths<'_>) -> Result<(), Unusable> {
    // The trust policy is the file `--assume` names, or a document of the template or plan it names.
    let trust_file = paths.defined.is_none().then_some(paths.trust);
    let sts_paths: Vec<&Path> = trust_file
        .into_iter()
        .chain(paths.caller.iter().copied())
        .chain(paths.caller_scps.iter().copied())
        .chain(paths.rcps.iter().copied())
        .collect();
    let mut sts_files = PolicyFiles::read(&sts_paths);
    let mut role_files = PolicyFiles::read(paths.role);
    let mut found: Vec<Found> = Vec::new();
    if let Some((documents, findings)) = paths.defined {
        sts_files = sts_files.and(documents.clone());
        role_files = role_files.and(documents.clone());
        found.extend(findings.iter().cloned());
    }
    let breaks_at = render::breaks_at(hops).map(|h| h.name);
    for hop in hops {
        match &hop.outcome {
            Outcome::Decided {
                decision,
                note,
                statements,
                conditions,
                failed,
            } if !hop.passes() => {
                let Some(code) = rule(hop.name) else {
                    continue;
                };
                // The file a person edits when no statement of it is named: the one the hop reads first.
                let default = match hop.name {
                    HopName::Identity => paths.caller.first(),
                    HopName::CallerScps => paths.caller_scps.first(),
                    HopName::RoleRcps => paths.rcps.first(),
                    HopName::Trust | HopName::Permissions => None,
                }
                .map_or_else(|| chain.sts.trust.name.clone(), |p| p.display().to_string());
                let at = rests_on(*decision, statements, failed)
                    .find_map(|(name, index)| sts_files.locate(name, index))
                    .or_else(|| sts_files.locate(&default, None))
                    .unwrap_or_else(|| (Pos::default(), String::new()));
                let mut message = headline(chain, hop, breaks_at == Some(hop.name));
                let details = details(chain, hop.name, *decision, statements, conditions, failed);
                let said: Vec<&str> = note.iter().copied().chain(details.lines()).collect();
                if !said.is_empty() {
                    message.push_str(": ");
                    message.push_str(&said.join("; "));
                }
                found.push(sts_files.found(code, message, at));
            }
            Outcome::Permissions { role, session, .. } => {
                found.extend(role_files.findings(role));
                if let (Some(report), Some(path)) = (session, paths.session_policy) {
                    // Checked as the role's only identity policy: said to be the session policy.
                    found.extend(PolicyFiles::read(&[path]).findings(report).into_iter().map(
                        |mut f| {
                            f.message = format!(
                                "session policy (it can only narrow the role's permissions): {}",
                                f.message
                            );
                            f
                        },
                    ));
                }
            }
            _ => {}
        }
    }
    let located: Vec<sarif::Located<'_>> = found
        .iter()
        .map(|f| f.located(Some(chain.sts.role_arn)))
        .collect();
    sarif::write(&located)
}

/// The statements a hop's decision rests on, best first, as `(policy name, statement index)`: for an explicit
/// deny the denying statements; else the statements whose conditions the request did not meet, then those named
/// (an allowing one, or the policy lacking an Allow, without index).
fn rests_on<'a>(
    decision: Decision,
    statements: &'a [StatementRef],
    failed: &'a [ConditionRef],
) -> impl Iterator<Item = (&'a str, Option<usize>)> + 'a {
    let deny = decision == Decision::ExplicitDeny;
    let denying = statements
        .iter()
        .filter(move |s| deny && s.effect == Effect::Deny)
        .filter_map(|s| Some((s.policy.as_deref()?, s.index)));
    let failing = failed
        .iter()
        .filter(move |_| !deny)
        .map(|c| (c.policy.as_str(), Some(c.index)));
    let named = statements
        .iter()
        .filter(move |_| !deny)
        .filter_map(|s| Some((s.policy.as_deref()?, s.index)));
    denying.chain(failing).chain(named)
}

/// What a hop that does not pass says first: who may not do what, the decision, and whether the chain breaks
/// there (`breaks`: the first hop that does not pass).
fn headline(chain: &Chain<'_>, hop: &Hop, breaks: bool) -> String {
    let (action, caller, role) = (
        chain.sts.action(),
        chain.sts.caller_id(),
        chain.sts.role_arn,
    );
    let decision = format!(
        "{}{}",
        render::decision_name(hop),
        if breaks {
            "; the chain breaks here"
        } else {
            ""
        }
    );
    match hop.name {
        HopName::Identity => format!(
            "the identity policies of {caller} do not allow `{action}` on {role} ({decision})"
        ),
        HopName::Trust => {
            format!("the trust policy of {role} does not admit `{action}` by {caller} ({decision})")
        }
        HopName::CallerScps => format!(
            "the SCPs of the account of {caller} do not let `{action}` on {role} through ({decision})"
        ),
        HopName::RoleRcps => format!(
            "the RCPs of the account of {role} do not let `{action}` by {caller} through ({decision})"
        ),
        HopName::Permissions => format!("{} ({decision})", hop.name.title()),
    }
}

/// The hop's text after its title, one line per statement or condition, without the indentation.
fn details(
    chain: &Chain<'_>,
    hop: HopName,
    decision: Decision,
    statements: &[StatementRef],
    conditions: &[ConditionRef],
    failed: &[ConditionRef],
) -> String {
    let mut text = Vec::new();
    // Writing to memory does not fail; should it, the message keeps its headline.
    let written = render::decided_text(
        &mut text,
        hop,
        decision,
        statements,
        conditions,
        failed,
        chain.sts.context,
    );
    if written.is_err() {
        return String::new();
    }
    String::from_utf8_lossy(&text)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}
