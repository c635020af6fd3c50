//! `marketplace-iam explain "<message>"`: reads an AccessDenied message AWS returned (`parse`), and says which
//! principal was denied which action by which layer, what fixes it in this project's documents and the `check`
//! command that confirms it (`advice`). A message it cannot read exits 2 with where reading stopped and what was
//! understood before it; it never guesses. The formats and their sources: `docs/explain-formats.md`.

mod advice;
mod parse;
#[cfg(test)]
mod tests;

use std::io::{self, Write};
use std::path::Path;

use clap::Args;
use serde::Serialize;

use crate::{EXIT_ALLOWED, Format, Unusable, input, output};
use advice::{Advice, DocumentRef};
use parse::{Denial, NotUnderstood, Principal, PrincipalKind, Wrapper};

/// The largest message read from standard input: a log far larger than any message AWS writes is not one.
const MAX_MESSAGE_BYTES: u64 = 1 << 20;

/// `marketplace-iam explain`'s arguments.
#[derive(Args)]
pub(crate) struct ExplainArgs {
    /// The message, as the SDK, the CLI or the console printed it (quote it; words given separately are joined
    /// with spaces); `-` reads it from standard input.
    #[arg(value_name = "MESSAGE", required = true, num_args = 1..)]
    message: Vec<String>,

    /// `text` for a person, `json` for tools (one object; see the README).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The `--format json` object (documented in the README, "`marketplace-iam explain`").
#[derive(Serialize)]
struct Explanation<'a> {
    principal: Option<&'a Principal>,
    action: &'a str,
    resource: Option<&'a str>,
    layer: Option<parse::Layer>,
    denial: Option<&'static str>,
    through: Option<parse::Layer>,
    policy_arn: Option<&'a str>,
    authorization_id: Option<&'a str>,
    encoded_message: bool,
    wrapper: Option<&'a Wrapper>,
    #[serde(flatten)]
    advice: &'a Advice,
    notes: Vec<String>,
}

/// Runs `explain`: 0 when the message is explained, `Unusable` (exit 2) when it is not one AWS writes.
pub(crate) fn run(args: &ExplainArgs) -> Result<u8, Unusable> {
    let (name, text) = if args.message.len() == 1 && args.message[0] == "-" {
        let (name, bytes) =
            input::read_bytes_bounded(Path::new("-"), MAX_MESSAGE_BYTES, "a message")?;
        (name, String::from_utf8_lossy(&bytes).into_owned())
    } else {
        ("<argument>".to_owned(), args.message.join(" "))
    };
    let denial = parse::parse(&text).map_err(|e| not_understood(&name, &text, &e))?;
    let policies = marketplace_iam_model::parse("policies.toml", marketplace_iam::POLICIES_TOML)
        .map_err(|e| {
            Unusable(format!(
                "internal error: the built-in policies.toml is invalid:\n{e}"
            ))
        })?;
    let advice = advice::advise(&denial, &policies);
    let notes = notes(&denial, &advice);
    match args.format {
        Format::Json => {
            let explanation = Explanation {
                principal: denial.principal.as_ref(),
                action: &denial.action,
                resource: denial.resource.as_deref(),
                layer: denial.reason.as_ref().map(|r| r.layer),
                denial: denial
                    .reason
                    .as_ref()
                    .map(|r| if r.explicit { "explicit" } else { "implicit" }),
                through: denial.reason.as_ref().and_then(|r| r.through),
                policy_arn: denial.reason.as_ref().and_then(|r| r.policy_arn.as_deref()),
                authorization_id: denial.authorization_id.as_deref(),
                encoded_message: denial.encoded_message,
                wrapper: denial.wrapper.as_ref(),
                advice: &advice,
                notes,
            };
            let json = serde_json::to_string_pretty(&explanation)
                .map_err(|e| Unusable(format!("internal error: {e}")))?;
            output::write_stdout_plain(|out| writeln!(out, "{json}"))?;
        }
        Format::Text => output::write_stdout(|out| text_report(out, &denial, &advice, &notes))?,
    }
    Ok(EXIT_ALLOWED)
}

/// The located error: `<argument>:1:58: <problem>; understood before it: ...`.
fn not_understood(name: &str, text: &str, e: &NotUnderstood) -> Unusable {
    let (line, column) = input::line_col(text, e.offset);
    let understood = if e.understood.is_empty() {
        String::new()
    } else {
        format!("; understood before it: {}", e.understood.join(", "))
    };
    Unusable(format!("{name}:{line}:{column}: {}{understood}", e.problem))
}

/// What the reader noticed, with what the advice adds (an action the project does not cover, an instance role).
fn notes(d: &Denial, advice: &Advice) -> Vec<String> {
    let mut notes = d.notes.clone();
    if !advice.covered {
        notes.push(format!(
            "the project's documents do not cover {}: it is none of the metering, entitlement, License Manager, \
             notification or STS calls of policies.toml, so no published document or template grants it",
            d.action
        ));
    }
    if let Some(session) = d.principal.as_ref().and_then(|p| p.session.as_deref())
        && session.starts_with("i-")
        && session.len() >= 10
        && session[2..].chars().all(|c| c.is_ascii_alphanumeric())
    {
        notes.push(format!(
            "the session name `{session}` looks like an EC2 instance id: the credentials are likely an instance \
             profile's (the instance's role, or a container node's)"
        ));
    }
    if d.encoded_message {
        notes.push(
            "an encoded authorization failure message follows: `aws sts decode-authorization-message \
             --encoded-message <message>` shows the whole request context"
                .to_owned(),
        );
    }
    notes
}

/// The principal in words: `a session of role `R` (session `S`) in account 1234...`.
fn principal_words(p: &Principal) -> String {
    let name = p.name.as_deref().unwrap_or("?");
    let what = match p.kind {
        PrincipalKind::AssumedRole => match &p.session {
            Some(s) => format!("a session of role `{name}` (session `{s}`)"),
            None => format!("a session of role `{name}`"),
        },
        PrincipalKind::Role => format!("role `{name}`"),
        PrincipalKind::User => format!("IAM user `{name}`"),
        PrincipalKind::Root => "the account's root user".to_owned(),
        PrincipalKind::FederatedUser => format!("federated user `{name}`"),
        PrincipalKind::Other => "a principal of another kind".to_owned(),
        PrincipalKind::NotAnArn => "not an ARN (redacted?)".to_owned(),
    };
    match &p.account {
        Some(a) => format!("{what} in account {a}"),
        None => what,
    }
}

/// One `label  value` line of the text report, the label bold.
fn field(out: &mut dyn Write, label: &str, value: &str) -> io::Result<()> {
    let bold = output::BOLD;
    writeln!(out, "{bold}{label:<11}{bold:#}{value}")
}

/// Continuation lines under a field.
fn more(out: &mut dyn Write, value: &str) -> io::Result<()> {
    writeln!(out, "{:<11}{value}", "")
}

fn text_report(
    out: &mut dyn Write,
    d: &Denial,
    advice: &Advice,
    notes: &[String],
) -> io::Result<()> {
    let red = output::RED;
    let heading = match &d.wrapper {
        Some(w) => {
            let code = w.error_code.as_deref().unwrap_or("denial");
            match (&w.operation, &w.service) {
                (Some(op), _) => format!("{code} when calling {op}"),
                (None, Some(service)) => format!("{code} from {service}"),
                (None, None) => code.to_owned(),
            }
        }
        None => String::new(),
    };
    if heading.is_empty() {
        writeln!(out, "{red}denied{red:#}")?;
    } else {
        writeln!(out, "{red}denied{red:#}: {heading}")?;
    }
    match &d.principal {
        Some(p) => {
            field(out, "principal", &p.arn)?;
            more(out, &principal_words(p))?;
        }
        None => field(out, "principal", "not named by AWS")?,
    }
    field(out, "action", &d.action)?;
    field(
        out,
        "resource",
        d.resource.as_deref().unwrap_or("not named"),
    )?;
    match &d.reason {
        Some(r) => {
            let how = if r.explicit {
                "explicit deny (a Deny statement)"
            } else {
                "implicit deny (no Allow)"
            };
            field(out, "layer", &format!("{}, {how}", r.layer.name()))?;
            if let Some(through) = r.through {
                more(out, &format!("transitively through a {}", through.name()))?;
            }
            if let Some(arn) = &r.policy_arn {
                field(out, "policy", arn)?;
            }
        }
        None => field(out, "layer", "not named by AWS")?,
    }
    if let Some(id) = &d.authorization_id {
        field(
            out,
            "auth id",
            &format!(
                "{id} (aws iam-toolbox get-request-authorization-details --authorization-id {id})"
            ),
        )?;
    }
    field(out, "meaning", &advice.meaning)?;
    for (i, step) in advice.fix.iter().enumerate() {
        let label = if i == 0 { "fix" } else { "" };
        field(out, label, &format!("{}. {step}", i + 1))?;
    }
    for (i, doc) in advice.documents.iter().enumerate() {
        document_lines(out, i == 0, doc)?;
    }
    match (&advice.check, &advice.check_note) {
        (Some(check), note) => {
            field(out, "check", check)?;
            if let Some(note) = note {
                more(out, note)?;
            }
        }
        (None, Some(note)) => field(out, "check", &format!("none: {note}"))?,
        (None, None) => {}
    }
    for (i, note) in notes.iter().enumerate() {
        field(out, if i == 0 { "notes" } else { "" }, &format!("- {note}"))?;
    }
    Ok(())
}

/// A granting document and its templates.
fn document_lines(out: &mut dyn Write, first: bool, doc: &DocumentRef) -> io::Result<()> {
    let label = if first { "documents" } else { "" };
    field(out, label, &format!("{}  ({})", doc.policy, doc.command))?;
    for t in &doc.templates {
        more(
            out,
            &format!("  {} / {}  ({})", t.cloudformation, t.terraform, t.command),
        )?;
    }
    Ok(())
}
