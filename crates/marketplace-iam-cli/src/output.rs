//! What the command prints: the report as text (styled only where the stream is a terminal and NO_COLOR is not
//! set, through anstream), messages on stderr, and output that ends quietly when the reader goes away.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use marketplace_iam_policy::{Decision, Report};

use crate::gaad::{AccountReport, PrincipalReport};

const RED: Style = AnsiColor::Red.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

/// Writes to stdout (colour stripped unless it is a terminal). A closed pipe (`| head`) is not an error.
pub(crate) fn write_stdout(
    f: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), io::Error> {
    let mut out = anstream::stdout().lock();
    let result = f(&mut out).and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// `error: <message>` on stderr.
pub(crate) fn error(message: &str) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{RED}error{RED:#}: {message}");
}

/// `note: <message>` on stderr.
pub(crate) fn note(message: &str) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{YELLOW}note{YELLOW:#}: {message}");
}

fn decision_style(decision: Decision) -> Style {
    match decision {
        Decision::Allow => GREEN,
        Decision::ImplicitDeny | Decision::ExplicitDeny => RED,
        Decision::Conditional => YELLOW,
    }
}

/// The library's text report, with the verdict, each decision and the section headings styled.
pub(crate) fn report_text(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let text = report.to_string();
    for line in text.lines() {
        let style = if line.starts_with("allowed:") {
            Some((GREEN, line.len()))
        } else if line.starts_with("NOT allowed:") {
            Some((RED, line.len()))
        } else if line.starts_with("over-grants:") || line.starts_with("warnings:") {
            Some((YELLOW, line.find(':').map_or(line.len(), |i| i + 1)))
        } else if let Some(a) = report
            .actions
            .iter()
            .find(|a| line.ends_with(a.action.as_str()) && !line.starts_with(' '))
        {
            let label = line.find(' ').unwrap_or(line.len());
            Some((decision_style(a.decision), label))
        } else {
            None
        };
        match style {
            Some((style, end)) => {
                let (head, tail) = line.split_at(end.min(line.len()));
                writeln!(out, "{style}{head}{style:#}{tail}")?;
            }
            None => writeln!(out, "{line}")?,
        }
    }
    Ok(())
}

/// An action's name without its IAM prefix (`MeterUsage`, `CheckoutLicense`), as the listings show it.
pub(crate) fn short(action: &str) -> &str {
    action.split_once(':').map_or(action, |(_, name)| name)
}

/// The answer to "who in this account may make these calls?".
pub(crate) fn account_text(
    out: &mut dyn Write,
    report: &AccountReport,
    spec: Option<&str>,
) -> io::Result<()> {
    let what = match spec {
        Some(spec) => format!("the {} action(s) {spec} needs", report.actions.len()),
        None => format!("the {} action(s) asked", report.actions.len()),
    };
    writeln!(
        out,
        "{BOLD}Who in this account may call {what}?{BOLD:#} ({})",
        report
            .actions
            .iter()
            .map(|a| short(a))
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    let users = report
        .principals
        .iter()
        .filter(|p| p.kind == "user")
        .count();
    writeln!(
        out,
        "checked {users} users and {} roles",
        report.principals.len() - users
    )?;

    let allowed: Vec<&PrincipalReport> = report
        .principals
        .iter()
        .filter(|p| p.is_allowed())
        .collect();
    let partly: Vec<&PrincipalReport> = report
        .principals
        .iter()
        .filter(|p| !p.is_allowed() && p.is_relevant())
        .collect();
    let none = report.principals.len() - allowed.len() - partly.len();

    writeln!(out)?;
    if allowed.is_empty() {
        writeln!(out, "{RED}allowed: none{RED:#}")?;
    } else {
        writeln!(out, "{GREEN}allowed ({}):{GREEN:#}", allowed.len())?;
        for p in &allowed {
            principal_line(out, p)?;
        }
    }
    if !partly.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{YELLOW}not allowed every call ({}):{YELLOW:#}",
            partly.len()
        )?;
        for p in &partly {
            principal_line(out, p)?;
            for a in &p.actions {
                let style = decision_style(a.decision);
                write!(
                    out,
                    "      {style}{:<18}{style:#} {}",
                    a.decision.as_str(),
                    short(&a.action)
                )?;
                match a.decision {
                    Decision::ImplicitDeny => {
                        let places: Vec<String> =
                            a.statements.iter().map(|s| s.location()).collect();
                        write!(out, "{DIM}  (no Allow in {}){DIM:#}", places.join(", "))?;
                    }
                    Decision::ExplicitDeny | Decision::Conditional => {
                        let places: Vec<String> =
                            a.statements.iter().map(|s| s.location()).collect();
                        write!(out, "{DIM}  ({}){DIM:#}", places.join("; "))?;
                    }
                    Decision::Allow => {}
                }
                writeln!(out)?;
            }
        }
    }
    if none > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "not allowed any call, and no statement about them: {none} users and roles (`--format json` lists each)"
        )?;
    }
    if !report.warnings.is_empty() {
        writeln!(out)?;
        writeln!(out, "{YELLOW}warnings:{YELLOW:#}")?;
        for w in &report.warnings {
            writeln!(out, "  {w}")?;
        }
    }
    Ok(())
}

fn principal_line(out: &mut dyn Write, p: &PrincipalReport) -> io::Result<()> {
    write!(out, "  {:<5} {:<32} {DIM}{}{DIM:#}", p.kind, p.name, p.arn)?;
    if !p.over_grants.is_empty() {
        let write_level = p
            .over_grants
            .iter()
            .filter(|g| g.access_level != "Read" && g.access_level != "List")
            .count();
        write!(
            out,
            "  {YELLOW}+{} other aws-marketplace actions ({write_level} not read-only){YELLOW:#}",
            p.over_grants.len()
        )?;
    }
    writeln!(out)
}
