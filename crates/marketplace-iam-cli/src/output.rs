//! What the command prints: the report as text (styled only where the stream is a terminal and NO_COLOR is not
//! set, through anstream), messages on stderr, and output that ends quietly when the reader goes away.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use marketplace_iam_policy::{Decision, Report};

pub(crate) const RED: Style = AnsiColor::Red.on_default().bold();
pub(crate) const GREEN: Style = AnsiColor::Green.on_default().bold();
pub(crate) const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
pub(crate) const BOLD: Style = Style::new().bold();
pub(crate) const DIM: Style = Style::new().dimmed();

/// Writes to stdout through a buffer (colour stripped unless it is a terminal). A closed pipe (`| head`) is not an
/// error.
pub(crate) fn write_stdout(
    f: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), io::Error> {
    let choice = anstream::AutoStream::choice(&io::stdout());
    // Stripping writes the text between styles piece by piece: without the buffer, stdout's line buffering would
    // make a system call of about every line.
    write_stdout_plain(|buffered| {
        let mut out = anstream::AutoStream::new(buffered as &mut dyn Write, choice);
        f(&mut out).and_then(|()| out.flush())
    })
}

/// The styles of a text report, or none.
#[derive(Clone, Copy)]
pub(crate) struct Palette {
    pub(crate) bold: Style,
    pub(crate) dim: Style,
    pub(crate) green: Style,
    pub(crate) red: Style,
    pub(crate) yellow: Style,
}

impl Palette {
    pub(crate) const STYLED: Palette = Palette {
        bold: BOLD,
        dim: DIM,
        green: GREEN,
        red: RED,
        yellow: YELLOW,
    };
    /// No style: each writes nothing.
    pub(crate) const PLAIN: Palette = Palette {
        bold: Style::new(),
        dim: Style::new(),
        green: Style::new(),
        red: Style::new(),
        yellow: Style::new(),
    };

    /// A decision's style in this palette (see [`decision_style`]).
    pub(crate) fn decision(&self, decision: Decision) -> Style {
        match decision {
            Decision::Allow => self.green,
            Decision::ImplicitDeny | Decision::ExplicitDeny => self.red,
            Decision::Conditional => self.yellow,
        }
    }
}

/// Writes a long text report to stdout: styled where stdout shows styles (as [`write_stdout`]), otherwise written
/// plain, with nothing to strip (stripping reads every byte of the report again, on the thread that writes).
pub(crate) fn write_stdout_long(
    f: impl FnOnce(&mut dyn Write, Palette) -> io::Result<()>,
) -> Result<(), io::Error> {
    match anstream::AutoStream::choice(&io::stdout()) {
        anstream::ColorChoice::Never => write_stdout_plain(|out| f(out, Palette::PLAIN)),
        _ => write_stdout(|out| f(out, Palette::STYLED)),
    }
}

/// Writes to stdout through a buffer, unstyled: for JSON, which has no styles to strip. A closed pipe (`| head`) is
/// not an error.
pub(crate) fn write_stdout_plain(
    f: impl FnOnce(&mut io::BufWriter<io::StdoutLock<'static>>) -> io::Result<()>,
) -> Result<(), io::Error> {
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let result = f(&mut out).and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// `warning: <message>` on stderr.
pub(crate) fn warning(message: &str) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{YELLOW}warning{YELLOW:#}: {message}");
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

/// A decision's style: green for an allow, red for a deny, yellow for a conditional outcome.
pub(crate) fn decision_style(decision: Decision) -> Style {
    Palette::STYLED.decision(decision)
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
