//! What `check --gaad` writes, principal by principal as each is checked: JSON (one pretty-printed object),
//! JSON Lines (one principal per line) or text.
//!
//! [`survey`] checks every principal first, keeping one [`Class`] each: the account's verdict, which the JSON report
//! gives before the principals, and the counts the text gives before its lists; a document IAM would refuse is
//! found there, before anything is written. The writers then check each principal again and write it at once (in
//! chunks checked side by side, see `parallel`), so memory holds a few chunks of output, never the whole report.

use std::io::{self, Write};

use foldhash::HashMap;
use marketplace_iam_policy::{
    AccessLevel, ActionReport, Decision, OverGrant, PolicyKind, Report, StatementRef, Verdict,
    Warning,
};
use serde::Serialize;

use super::account::{Account, Principal, Session};
use super::parallel;
use crate::Unusable;
use crate::output::{self, Palette};

/// An over-grant without the statements that grant it.
#[derive(Serialize)]
pub(crate) struct OverGrantSummary {
    action: &'static str,
    access_level: &'static str,
    decision: Decision,
    /// Granted only on these ARN patterns (see [`OverGrant::resources`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<Vec<String>>,
}

impl OverGrantSummary {
    /// The summary of an over-grant.
    pub(crate) fn of(g: &OverGrant) -> Self {
        OverGrantSummary {
            action: g.action,
            access_level: g.access_level.as_str(),
            decision: g.decision,
            resources: g.resources.clone(),
        }
    }
}

/// Where a principal goes in the text report.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Class {
    /// Allowed every call, unconditionally.
    Allowed,
    /// Its policies are about one of the actions (allowed, conditional or explicitly denied, or allowed by the
    /// identity policies but not by the boundary or an SCP) without allowing them all.
    Partly,
    /// Nothing to do with these calls.
    Unrelated,
}

impl Class {
    fn of(actions: &[ActionReport]) -> Class {
        let relevant = actions.iter().any(|a| {
            a.decision != Decision::ImplicitDeny
                || a.statements.iter().any(|s| s.kind != PolicyKind::Identity)
        });
        if actions.iter().all(|a| a.decision == Decision::Allow) {
            Class::Allowed
        } else if relevant {
            Class::Partly
        } else {
            Class::Unrelated
        }
    }
}

/// Checks every principal once: the class of each, in order. The account is `allowed` when one is.
pub(crate) fn survey<'a>(
    account: &Account<'a>,
    sessions: &mut [Session<'_, 'a>],
) -> Result<Vec<Class>, Unusable> {
    let mut classes = Vec::with_capacity(account.len());
    parallel::in_order(
        account,
        sessions,
        |_| true,
        |session, p, out: &mut Vec<Class>| {
            out.push(Class::of(&account.decide(session, p)?));
            Ok(())
        },
        |chunk| {
            classes.extend(chunk);
            Ok::<(), Unusable>(())
        },
    )?;
    Ok(classes)
}

/// The account's verdict from the survey.
pub(crate) fn verdict(classes: &[Class]) -> Verdict {
    if classes.contains(&Class::Allowed) {
        Verdict::Allowed
    } else {
        Verdict::NotAllowed
    }
}

/// A principal as the JSON and JSON Lines reports write it, up to its over-grants: [`JsonPrincipal::write`] writes
/// the rest. For one user or role, the same per-action answers as `check`, then the over-grants by name
/// ([`OverGrantSummary`]) and the warnings.
#[derive(Serialize)]
struct JsonPrincipal<'r> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'r str,
    arn: &'r str,
    verdict: Verdict,
    actions: &'r [ActionReport],
}

impl<'r> JsonPrincipal<'r> {
    fn new(p: &Principal<'r, '_>, report: &'r Report) -> Self {
        JsonPrincipal {
            kind: p.kind,
            name: p.name,
            arn: p.arn,
            verdict: report.verdict,
            actions: &report.actions,
        }
    }

    /// What serde_json writes for the principal's whole object in `entries`' layout (see [`Layout`]): these fields,
    /// then `over_grants` from `entries`, then `warnings`.
    fn write(
        &self,
        out: &mut Vec<u8>,
        over_grants: &[OverGrant],
        warnings: &[Warning],
        entries: &mut Entries,
    ) -> serde_json::Result<()> {
        // The object is not empty, so serde_json closed it with `close` (on a line of its own when pretty).
        let (close, over_grants_key, warnings_key): (&[u8], &[u8], &[u8]) = match entries.layout {
            Layout::Pretty => (
                b"\n    }",
                b",\n      \"over_grants\": ",
                b",\n      \"warnings\": ",
            ),
            Layout::Compact => (b"}", b",\"over_grants\":", b",\"warnings\":"),
        };
        entries.layout.serialize(&mut *out, self, 2)?;
        out.truncate(out.len() - close.len());
        out.extend_from_slice(over_grants_key);
        entries.write(out, over_grants)?;
        out.extend_from_slice(warnings_key);
        entries.layout.serialize(&mut *out, warnings, 3)?;
        out.extend_from_slice(close);
        Ok(())
    }
}

/// How a report lays out its JSON: pretty-printed as one document (`--format json`), or compact (`--format
/// jsonl`).
#[derive(Clone, Copy)]
enum Layout {
    Pretty,
    Compact,
}

impl Layout {
    /// Writes `value` as serde_json does in this layout, `depth` levels deep into a pretty-printed document.
    fn serialize<T: Serialize + ?Sized>(
        self,
        out: &mut Vec<u8>,
        value: &T,
        depth: usize,
    ) -> serde_json::Result<()> {
        match self {
            Layout::Pretty => value.serialize(&mut serde_json::Serializer::with_formatter(
                out,
                Nested::at(depth),
            )),
            Layout::Compact => serde_json::to_writer(out, value),
        }
    }
}

/// The over-grants as a report writes them, as the field of a principal. They are most of the report, and the same
/// few hundred entries recur in every principal's: an entry without resource patterns depends only on its action
/// and decision, so each is written once and copied after.
struct Entries {
    layout: Layout,
    written: HashMap<(usize, Decision), Vec<u8>>,
}

impl Entries {
    fn new(layout: Layout) -> Self {
        Entries {
            layout,
            written: HashMap::default(),
        }
    }

    /// An over-grant's entry, an element of the array [`Entries::write`] writes.
    fn entry(&self, out: &mut Vec<u8>, over_grant: &OverGrant) -> serde_json::Result<()> {
        self.layout
            .serialize(out, &OverGrantSummary::of(over_grant), 4)
    }

    /// Writes `over_grants` as serde_json writes the array in this layout, three levels deep.
    fn write(&mut self, out: &mut Vec<u8>, over_grants: &[OverGrant]) -> serde_json::Result<()> {
        if over_grants.is_empty() {
            out.extend_from_slice(b"[]");
            return Ok(());
        }
        let (first, next, close): (&[u8], &[u8], &[u8]) = match self.layout {
            Layout::Pretty => (b"\n        ", b",\n        ", b"\n      ]"),
            Layout::Compact => (b"", b",", b"]"),
        };
        out.push(b'[');
        for (i, g) in over_grants.iter().enumerate() {
            out.extend_from_slice(if i == 0 { first } else { next });
            if g.resources.is_some() {
                self.entry(out, g)?;
                continue;
            }
            // A catalog action's name is one `&'static str`: its address stands for it.
            let key = (g.action.as_ptr() as usize, g.decision);
            match self.written.get(&key) {
                Some(entry) => out.extend_from_slice(entry),
                None => {
                    let mut entry = Vec::new();
                    self.entry(&mut entry, g)?;
                    out.extend_from_slice(&entry);
                    self.written.insert(key, entry);
                }
            }
        }
        out.extend_from_slice(close);
        Ok(())
    }
}

/// The account-wide answer, as `--format json` writes it, without its principals.
#[derive(Serialize)]
struct Whole<'r> {
    /// `allowed` when at least one user or role may make every call unconditionally.
    verdict: Verdict,
    actions: &'r [String],
    principals: [(); 0],
    warnings: &'r [String],
}

/// `--format json`: one object, pretty-printed as serde_json does (the bytes are those of serializing the whole
/// report at once, which the tests compare), the principals written as they are checked.
pub(crate) fn write_json<'a, W: Write>(
    out: &mut W,
    account: &Account<'a>,
    sessions: &mut [Session<'_, 'a>],
    required: &[String],
    classes: &[Class],
) -> io::Result<()> {
    let whole = serde_json::to_string_pretty(&Whole {
        verdict: verdict(classes),
        actions: required,
        principals: [],
        warnings: &account.warnings,
    })?;
    let (head, tail) = around_empty_array(&whole, "principals");
    out.write_all(head.as_bytes())?;
    if account.len() == 0 {
        out.write_all(b"\"principals\": []")?;
    } else {
        out.write_all(b"\"principals\": [")?;
        // Each principal is written as `,\n    {...}` at a depth of two; the first without its comma.
        let mut first = true;
        let mut states: Vec<(&mut Session<'_, 'a>, Entries)> = sessions
            .iter_mut()
            .map(|session| (session, Entries::new(Layout::Pretty)))
            .collect();
        parallel::in_order(
            account,
            &mut states,
            |_| true,
            |(session, entries), p, out: &mut Vec<u8>| {
                let report = account.check(session, p)?;
                out.extend_from_slice(b",\n    ");
                JsonPrincipal::new(p, &report)
                    .write(out, &report.over_grants, &report.warnings, entries)
                    .map_err(|e| Unusable(e.to_string()))
            },
            |chunk: Vec<u8>| {
                let skip = usize::from(std::mem::take(&mut first));
                out.write_all(&chunk[skip.min(chunk.len())..])
            },
        )?;
        out.write_all(b"\n  ]")?;
    }
    out.write_all(tail.as_bytes())?;
    out.write_all(b"\n")
}

/// `whole`, serde_json's pretty text of an object whose member `key` is `[]`, split around that member: the text
/// before `"<key>": []`, and the text after it. Streaming writers write the head, the array element by element
/// (each with [`Nested::at`] two levels deep), then the tail: the bytes of serializing the whole object at once.
pub(super) fn around_empty_array<'w>(whole: &'w str, key: &str) -> (&'w str, &'w str) {
    let marker = format!("\"{key}\": []");
    let (head, tail) = whole.split_at(whole.find(&marker).unwrap_or(whole.len()));
    (head, tail.strip_prefix(marker.as_str()).unwrap_or(tail))
}

/// serde_json's pretty printer (two spaces per level) for a value written `depth` levels deep into a document
/// that serde_json pretty-prints as a whole: what `PrettyFormatter` writes there, without the text it writes
/// around.
pub(super) struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    pub(super) fn at(depth: usize) -> Nested {
        Nested {
            depth,
            has_value: false,
        }
    }

    fn newline<W: ?Sized + Write>(&self, writer: &mut W, comma: bool) -> io::Result<()> {
        writer.write_all(if comma { b",\n" } else { b"\n" })?;
        for _ in 0..self.depth {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(writer, false)?;
        }
        writer.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.newline(writer, !first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.newline(writer, !first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `--format jsonl`: one compact JSON object per principal and line, in the order of the JSON report (the
/// account's warnings are not among them: the caller says them on standard error).
pub(crate) fn write_jsonl<'a, W: Write>(
    out: &mut W,
    account: &Account<'a>,
    sessions: &mut [Session<'_, 'a>],
) -> io::Result<()> {
    let mut states: Vec<(&mut Session<'_, 'a>, Entries)> = sessions
        .iter_mut()
        .map(|session| (session, Entries::new(Layout::Compact)))
        .collect();
    parallel::in_order(
        account,
        &mut states,
        |_| true,
        |(session, entries), p, out: &mut Vec<u8>| {
            let report = account.check(session, p)?;
            JsonPrincipal::new(p, &report)
                .write(out, &report.over_grants, &report.warnings, entries)
                .map_err(|e| Unusable(e.to_string()))?;
            out.push(b'\n');
            Ok(())
        },
        |chunk: Vec<u8>| out.write_all(&chunk),
    )
}

/// The answer to "who in this account may make these calls?", as text: those allowed every call, those allowed
/// some (with each action's decision and where it comes from), how many have nothing to do with them.
pub(crate) fn write_text<'a>(
    out: &mut dyn Write,
    account: &Account<'a>,
    sessions: &mut [Session<'_, 'a>],
    required: &[String],
    classes: &[Class],
    spec: Option<&str>,
    palette: Palette,
) -> io::Result<()> {
    let Palette {
        bold,
        green,
        red,
        yellow,
        ..
    } = palette;
    let what = match spec {
        Some(spec) => format!("the {} action(s) {spec} needs", required.len()),
        None => format!("the {} action(s) asked", required.len()),
    };
    let names: Vec<&str> = required.iter().map(|a| output::short(a)).collect();
    writeln!(
        out,
        "{bold}Who in this account may call {what}?{bold:#} ({})",
        names.join(", ")
    )?;
    let (users, roles) = account.counts();
    writeln!(out, "checked {users} users and {roles} roles")?;

    let count = |class| classes.iter().filter(|&&c| c == class).count();
    let (allowed, partly) = (count(Class::Allowed), count(Class::Partly));
    let mut of_class = |out: &mut dyn Write, class, with_decisions: bool| {
        parallel::in_order(
            account,
            sessions,
            |i| classes[i] == class,
            |session, p, out: &mut Vec<u8>| {
                let report = account.check(session, p)?;
                // Writing to memory cannot fail.
                principal_line(out, p, &report.over_grants, palette)?;
                if with_decisions {
                    decisions(out, &report.actions, palette)?;
                }
                Ok(())
            },
            |chunk: Vec<u8>| out.write_all(&chunk),
        )
    };
    writeln!(out)?;
    if allowed == 0 {
        writeln!(out, "{red}allowed: none{red:#}")?;
    } else {
        writeln!(out, "{green}allowed ({allowed}):{green:#}")?;
        of_class(out, Class::Allowed, false)?;
    }
    if partly > 0 {
        writeln!(out)?;
        writeln!(out, "{yellow}not allowed every call ({partly}):{yellow:#}")?;
        of_class(out, Class::Partly, true)?;
    }
    let none = classes.len() - allowed - partly;
    if none > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "not allowed any call, and no statement about them: {none} users and roles (`--format json` lists each)"
        )?;
    }
    if !account.warnings.is_empty() {
        writeln!(out)?;
        writeln!(out, "{yellow}warnings:{yellow:#}")?;
        for w in &account.warnings {
            writeln!(out, "  {w}")?;
        }
    }
    Ok(())
}

/// Each action's decision, and where it comes from.
fn decisions(out: &mut impl Write, actions: &[ActionReport], palette: Palette) -> io::Result<()> {
    let dim = palette.dim;
    for a in actions {
        let style = palette.decision(a.decision);
        write!(
            out,
            "      {style}{:<18}{style:#} {}",
            a.decision.as_str(),
            output::short(&a.action)
        )?;
        let places = |separator| Places(&a.statements, separator);
        match a.decision {
            Decision::ImplicitDeny => write!(out, "{dim}  (no Allow in {}){dim:#}", places(", "))?,
            Decision::ExplicitDeny | Decision::Conditional => {
                write!(out, "{dim}  ({}){dim:#}", places("; "))?;
            }
            Decision::Allow => {}
        }
        if let Some(resources) = &a.resources {
            write!(
                out,
                "{dim}  only on some resources: {}{dim:#}",
                resources.join(", ")
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The statements' locations, with `.1` between them.
struct Places<'a>(&'a [StatementRef], &'static str);

impl std::fmt::Display for Places<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(self.1)?;
            }
            write!(f, "{}", s.location())?;
        }
        Ok(())
    }
}

fn principal_line(
    out: &mut impl Write,
    p: &Principal<'_, '_>,
    over_grants: &[OverGrant],
    palette: Palette,
) -> io::Result<()> {
    let Palette { dim, yellow, .. } = palette;
    write!(out, "  {:<5} {:<32} {dim}{}{dim:#}", p.kind, p.name, p.arn)?;
    if !over_grants.is_empty() {
        let write_level = over_grants
            .iter()
            .filter(|g| !matches!(g.access_level, AccessLevel::Read | AccessLevel::List))
            .count();
        let some = over_grants.iter().filter(|g| g.resources.is_some()).count();
        let on_some = if some > 0 {
            format!(", {some} on some resources only")
        } else {
            String::new()
        };
        let n = over_grants.len();
        let actions = if n == 1 { "action" } else { "actions" };
        write!(
            out,
            "  {yellow}+{n} other {actions} ({write_level} not read-only{on_some}){yellow:#}"
        )?;
    }
    writeln!(out)
}
