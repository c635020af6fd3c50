//! The chain's answer as text (one section per hop, the failed conditions by name) and as JSON
//! (`{"verdict", "breaks_at", "request", "hops": [...]}`, see the README).

use std::io::{self, Write};

use marketplace_iam_policy::{ConditionRef, Context, Decision, StatementRef};
use serde_json::{Value, json};

use super::hops::{Chain, Hop, HopName, Outcome};
use crate::output::{self, BOLD, DIM, GREEN, RED};

/// The first hop the request does not pass.
pub(crate) fn breaks_at(hops: &[Hop]) -> Option<&Hop> {
    hops.iter().find(|h| !h.passes())
}

/// The hop's decision as JSON names it (`not_applicable` for a hop that does not apply).
pub(super) fn decision_name(hop: &Hop) -> &'static str {
    hop.decision().map_or("not_applicable", Decision::as_str)
}

/// The JSON document.
pub(crate) fn json(chain: &Chain<'_>, hops: &[Hop]) -> Value {
    let context: serde_json::Map<String, Value> = chain
        .sts
        .context
        .iter()
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    let caller = chain.sts.caller_id();
    let breaks = breaks_at(hops).map(|h| h.name.key());
    let hops: Vec<Value> = hops
        .iter()
        .map(|hop| {
            let mut out = json!({
                "hop": hop.name.key(),
                "decision": decision_name(hop),
                "passes": hop.passes(),
            });
            match &hop.outcome {
                Outcome::NotApplicable(why) => out["note"] = json!(why),
                Outcome::Decided {
                    note,
                    statements,
                    conditions,
                    failed,
                    ..
                } => {
                    out["note"] = json!(note);
                    out["statements"] = json!(statements);
                    out["conditions"] = json!(conditions);
                    out["failed"] = json!(failed);
                }
                Outcome::Permissions {
                    role,
                    session,
                    note,
                } => {
                    if let Some(note) = note {
                        out["note"] = json!(note);
                    }
                    out["report"] = json!(role);
                    out["session_policy"] = json!(session);
                }
            }
            out
        })
        .collect();
    json!({
        "verdict": if breaks.is_none() { "allowed" } else { "not_allowed" },
        "breaks_at": breaks,
        "request": {
            "action": chain.sts.action(),
            "caller": caller,
            "role": chain.sts.role_arn,
            "role_defined_in": chain.defined_in,
            "context": context,
        },
        "hops": hops,
    })
}

/// The text for a person.
pub(crate) fn text(out: &mut dyn Write, chain: &Chain<'_>, hops: &[Hop]) -> io::Result<()> {
    let caller = chain.sts.caller_id();
    let defined_in = chain
        .defined_in
        .as_ref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    writeln!(
        out,
        "{BOLD}{}{BOLD:#} by {caller}\n  on {}{defined_in}",
        chain.sts.action(),
        chain.sts.role_arn
    )?;
    for (n, hop) in hops.iter().enumerate() {
        let decision = decision_name(hop);
        let style = hop.decision().map_or(DIM, |d| {
            if hop.passes() {
                GREEN
            } else {
                output::decision_style(d)
            }
        });
        writeln!(
            out,
            "\n{}. {}: {style}{decision}{style:#}",
            n + 1,
            hop.name.title()
        )?;
        match &hop.outcome {
            Outcome::NotApplicable(why) => writeln!(out, "   {why}")?,
            Outcome::Decided {
                decision,
                note,
                statements,
                conditions,
                failed,
            } => {
                if let Some(note) = note {
                    writeln!(out, "   {note}")?;
                }
                decided_text(
                    out,
                    hop.name,
                    *decision,
                    statements,
                    conditions,
                    failed,
                    chain.sts.context,
                )?;
            }
            Outcome::Permissions {
                role,
                session,
                note,
            } => {
                if let Some(note) = note {
                    writeln!(out, "   {note}")?;
                }
                indented(out, &role.to_string())?;
                if let Some(session) = session {
                    writeln!(
                        out,
                        "   session policy (it can only narrow the role's permissions):"
                    )?;
                    indented(out, &session.to_string())?;
                }
            }
        }
    }
    match breaks_at(hops) {
        None => writeln!(
            out,
            "\n{GREEN}allowed:{GREEN:#} every hop of the chain allows"
        )?,
        Some(hop) => writeln!(
            out,
            "\n{RED}NOT allowed:{RED:#} the chain breaks at hop {} ({}: {})",
            hops.iter()
                .position(|h| h.name == hop.name)
                .map_or(0, |i| i + 1),
            hop.name.key(),
            decision_name(hop)
        )?,
    }
    Ok(())
}

fn indented(out: &mut dyn Write, text: &str) -> io::Result<()> {
    for line in text.lines() {
        if line.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, "   {line}")?;
        }
    }
    Ok(())
}

/// Where a statement is, with the part its policy plays.
fn location(s: &StatementRef) -> String {
    let kind = s.kind;
    let mut out = match &s.policy {
        Some(p) => format!("{kind} {p}"),
        None => format!("any {kind}"),
    };
    if let Some(i) = s.index {
        out.push_str(&format!(" Statement[{i}]"));
    }
    if let Some(sid) = &s.sid {
        out.push_str(&format!(" (Sid {sid:?})"));
    }
    out
}

/// What a decided hop rests on, one line each (indented by three spaces): the statements, the conditions that
/// made a Deny apply, and the conditions the request did not meet.
pub(super) fn decided_text(
    out: &mut dyn Write,
    hop: HopName,
    decision: Decision,
    statements: &[StatementRef],
    conditions: &[ConditionRef],
    failed: &[ConditionRef],
    context: &Context,
) -> io::Result<()> {
    for s in statements {
        let verb = match (decision, &s.add) {
            (_, Some(add)) => {
                let add = serde_json::to_string(add).unwrap_or_default();
                writeln!(
                    out,
                    "   no statement of {} allows it; add: {add}",
                    location(s)
                )?;
                continue;
            }
            (Decision::ExplicitDeny, None) => "denied by",
            _ => "allowed by",
        };
        writeln!(out, "   {verb} {}", location(s))?;
    }
    if decision == Decision::ExplicitDeny {
        for c in conditions {
            writeln!(out, "   it applies because {}", condition_text(c, context))?;
        }
    }
    if decision == Decision::ImplicitDeny && statements.is_empty() {
        writeln!(
            out,
            "   no statement names the caller and allows the action with conditions the request meets"
        )?;
    }
    for c in failed {
        let whose = match hop {
            HopName::Trust => "the trust policy",
            HopName::RoleRcps => "the RCP",
            _ => "the policy",
        };
        let sid = c
            .sid
            .as_ref()
            .map(|s| format!(" (Sid {s:?})"))
            .unwrap_or_default();
        writeln!(
            out,
            "   {whose} requires {} [{} Statement[{}]{sid}]",
            condition_text(c, context),
            c.policy,
            c.index
        )?;
    }
    Ok(())
}

/// `` `sts:ExternalId` StringEquals "seller-42"; the request has none ``.
fn condition_text(c: &ConditionRef, context: &Context) -> String {
    let values: Vec<String> = c.values.iter().map(|v| format!("{v:?}")).collect();
    let request = match context.get(&c.key) {
        None => "the request has none".to_owned(),
        Some(values) => {
            let values: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
            format!("the request has {}", values.join(", "))
        }
    };
    format!(
        "`{}` {} {}; {request}",
        c.key,
        c.operator,
        values.join(" or ")
    )
}
