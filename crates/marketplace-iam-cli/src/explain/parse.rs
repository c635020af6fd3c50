//! Reading an AccessDenied message: the SDK's wrapper, then AWS's `User: <principal> is not authorized to perform:
//! <action> [on resource: <resource>] [<reason>]`, then what may follow it (the authorization ID, an encoded
//! message, the Java SDK's details). Plain string parsing over the text with its whitespace collapsed; every
//! position reported is one of the text as given. The formats and their sources: `docs/explain-formats.md`.

use serde::Serialize;

/// The layer of IAM's evaluation that denied the request, as AWS's message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Layer {
    /// The principal's identity-based policies (inline, managed, group).
    IdentityBasedPolicy,
    /// The principal's permissions boundary.
    PermissionsBoundary,
    /// A session policy passed when the session was created.
    SessionPolicy,
    /// An AWS Organizations service control policy.
    ServiceControlPolicy,
    /// An AWS Organizations resource control policy.
    ResourceControlPolicy,
    /// The resource's own policy.
    ResourceBasedPolicy,
    /// The trust policy of the role to assume.
    RoleTrustPolicy,
    /// The policy of the VPC endpoint the request went through.
    VpcEndpointPolicy,
}

/// The phrases AWS writes for each layer (lowercase, without the article), longest first where one starts another.
/// `sessions policy` is AWS's own spelling in the IAM User Guide's example.
const LAYER_PHRASES: &[(&str, Layer)] = &[
    ("identity-based policy", Layer::IdentityBasedPolicy),
    ("identity based policy", Layer::IdentityBasedPolicy),
    ("permissions boundary", Layer::PermissionsBoundary),
    ("permission boundary", Layer::PermissionsBoundary),
    ("sessions policy", Layer::SessionPolicy),
    ("session policy", Layer::SessionPolicy),
    ("service control policy", Layer::ServiceControlPolicy),
    ("resource control policy", Layer::ResourceControlPolicy),
    ("resource-based policy", Layer::ResourceBasedPolicy),
    ("resource based policy", Layer::ResourceBasedPolicy),
    ("role trust policy", Layer::RoleTrustPolicy),
    ("trust policy", Layer::RoleTrustPolicy),
    ("vpc endpoint policy", Layer::VpcEndpointPolicy),
];

impl Layer {
    /// How the explanation names the layer.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Layer::IdentityBasedPolicy => "identity-based policy",
            Layer::PermissionsBoundary => "permissions boundary",
            Layer::SessionPolicy => "session policy",
            Layer::ServiceControlPolicy => "service control policy (SCP)",
            Layer::ResourceControlPolicy => "resource control policy (RCP)",
            Layer::ResourceBasedPolicy => "resource-based policy",
            Layer::RoleTrustPolicy => "role trust policy",
            Layer::VpcEndpointPolicy => "VPC endpoint policy",
        }
    }
}

/// What kind of principal the message names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum PrincipalKind {
    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`: a session of a role.
    AssumedRole,
    /// `arn:aws:iam::<account>:role/<name>`.
    Role,
    /// `arn:aws:iam::<account>:user/<name>`.
    User,
    /// `arn:aws:iam::<account>:root`.
    Root,
    /// `arn:aws:sts::<account>:federated-user/<name>`.
    FederatedUser,
    /// Another ARN.
    Other,
    /// Not an ARN (redacted, `anonymous`, ...).
    NotAnArn,
}

/// The principal AWS names after `User:`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Principal {
    /// As written.
    pub(crate) arn: String,
    /// Its kind, from the ARN's resource part.
    pub(crate) kind: PrincipalKind,
    /// The 12-digit account id, when the ARN has one.
    pub(crate) account: Option<String>,
    /// The role's or user's name (the last part of a path).
    pub(crate) name: Option<String>,
    /// An assumed role's session name.
    pub(crate) session: Option<String>,
}

/// The SDK's or CLI's text around AWS's message, as far as it says something.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Wrapper {
    /// `AccessDeniedException`, `AccessDenied`, `AuthorizationException`, `UnauthorizedOperation`, ...
    pub(crate) error_code: Option<String>,
    /// The API operation called (`MeterUsage`).
    pub(crate) operation: Option<String>,
    /// The service, as the SDK names it (`LicenseManager`, `STS`).
    pub(crate) service: Option<String>,
}

/// Why AWS denied, when the message says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Reason {
    /// The layer named.
    pub(crate) layer: Layer,
    /// `with an explicit deny in ...` (true) or `because no ... allows` (false).
    pub(crate) explicit: bool,
    /// The denying policy's ARN (AWS gives it in same-account and same-organization requests since 2025).
    pub(crate) policy_arn: Option<String>,
    /// `... transitively through a <layer>`: the layer the denial came through.
    pub(crate) through: Option<Layer>,
}

/// Everything read from a message AWS wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Denial {
    /// The SDK's wrapper, when there is one.
    pub(crate) wrapper: Option<Wrapper>,
    /// `None` when the message names none (`Not authorized to perform sts:AssumeRoleWithWebIdentity`).
    pub(crate) principal: Option<Principal>,
    /// `<service>:<Action>` as written.
    pub(crate) action: String,
    /// The resource, when named (`on resource: ...`).
    pub(crate) resource: Option<String>,
    /// `None`: AWS named no layer (the short form).
    pub(crate) reason: Option<Reason>,
    /// The Access Troubleshooter's authorization ID.
    pub(crate) authorization_id: Option<String>,
    /// Whether an encoded authorization failure message follows.
    pub(crate) encoded_message: bool,
    /// What the reader noticed but did not take as a finding.
    pub(crate) notes: Vec<String>,
}

/// A message that could not be read: where reading stopped (a byte offset into the text as given), why, and what
/// was understood before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotUnderstood {
    /// Byte offset into the original text.
    pub(crate) offset: usize,
    /// What is wrong there.
    pub(crate) problem: String,
    /// What was read before it, in words (`principal arn:..., action ...`).
    pub(crate) understood: Vec<String>,
}

/// The text with each run of whitespace (and Terraform's `│` margins) made one space, and the offset in the
/// original of each byte kept.
struct Collapsed {
    text: String,
    origin: Vec<usize>,
    /// `text` lowercased (ASCII only, so that byte offsets agree).
    lower: String,
}

impl Collapsed {
    fn new(original: &str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        let mut pending_space: Option<usize> = None;
        let mut at_line_start = true;
        for (i, c) in original.char_indices() {
            if c == '\n' {
                at_line_start = true;
            }
            // Terraform draws its diagnostics with a `│` margin on each line.
            if c.is_whitespace() || (at_line_start && c == '│') {
                if !text.is_empty() && pending_space.is_none() {
                    pending_space = Some(i);
                }
                continue;
            }
            at_line_start = false;
            if let Some(at) = pending_space.take() {
                text.push(' ');
                origin.push(at);
            }
            text.push(c);
            origin.extend(std::iter::repeat_n(i, c.len_utf8()));
        }
        let lower = text.to_ascii_lowercase();
        Collapsed {
            text,
            origin,
            lower,
        }
    }

    /// The offset in the original text of byte `at` of the collapsed text (the end for `at == len`).
    fn origin(&self, at: usize, original_len: usize) -> usize {
        self.origin.get(at).copied().unwrap_or(original_len)
    }
}

/// Where the reader is in the collapsed text.
struct Cursor<'a> {
    c: &'a Collapsed,
    at: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        &self.c.text[self.at..]
    }

    fn rest_lower(&self) -> &str {
        &self.c.lower[self.at..]
    }

    fn skip_spaces(&mut self) {
        while self.rest().starts_with(' ') {
            self.at += 1;
        }
    }

    /// Consumes `prefix` (ASCII, lowercase; matched in any case) after optional spaces.
    fn eat(&mut self, prefix: &str) -> bool {
        let save = self.at;
        self.skip_spaces();
        if self.rest_lower().starts_with(prefix) {
            self.at += prefix.len();
            true
        } else {
            self.at = save;
            false
        }
    }

    /// The next whitespace-delimited token, consumed, without surrounding quotes and one trailing `.`, `,` or `;`.
    fn token(&mut self) -> Option<&str> {
        self.skip_spaces();
        let rest = self.rest();
        let len = rest.find(' ').unwrap_or(rest.len());
        if len == 0 {
            return None;
        }
        let start = self.at;
        self.at += len;
        let raw = &self.c.text[start..start + len];
        let trimmed = raw
            .trim_end_matches(['.', ',', ';'])
            .trim_matches(|c| c == '"' || c == '\'' || c == '`');
        Some(trimmed)
    }
}

/// The phrase AWS puts between the principal and the action.
const NOT_AUTHORIZED: &str = "is not authorized to perform";
/// STS's web-identity denial, which names no principal.
const WEB_IDENTITY: &str = "not authorized to perform sts:assumerolewithwebidentity";
/// What precedes an EC2-style encoded message.
const ENCODED: &str = "encoded authorization failure message";

/// Reads `original`; the error says where and why it stopped.
pub(crate) fn parse(original: &str) -> Result<Denial, NotUnderstood> {
    let c = Collapsed::new(original);
    let stop = |at: usize, problem: String, understood: Vec<String>| NotUnderstood {
        offset: c.origin(at, original.len()),
        problem,
        understood,
    };
    if c.text.is_empty() {
        return Err(stop(0, "the message is empty".to_owned(), Vec::new()));
    }
    let Some(phrase_at) = c.lower.find(NOT_AUTHORIZED) else {
        return not_a_denial(&c, original.len());
    };
    let before = &c.text[..phrase_at];
    let (wrapper_text, principal) = match before.rfind("User:") {
        Some(u) => {
            let p = before[u + "User:".len()..].trim();
            let principal = (!p.is_empty()).then(|| principal(p));
            (&before[..u], principal)
        }
        // `User is not authorized ...`, or no `User` at all: the principal is not named.
        None => (before.trim_end().trim_end_matches("User"), None),
    };
    let mut understood = Vec::new();
    if let Some(p) = &principal {
        understood.push(format!("principal `{}`", p.arn));
    }
    let mut cur = Cursor {
        c: &c,
        at: phrase_at + NOT_AUTHORIZED.len(),
    };
    cur.eat(":");
    let action_at = {
        cur.skip_spaces();
        cur.at
    };
    let action = match cur.token() {
        Some(a) if is_action(a) => a.to_owned(),
        Some(a) => {
            return Err(stop(
                action_at,
                format!("`{a}` is not an IAM action (`<service>:<Action>`)"),
                understood,
            ));
        }
        None => {
            return Err(stop(
                action_at,
                "the message ends before the action".to_owned(),
                understood,
            ));
        }
    };
    understood.push(format!("action `{action}`"));

    let mut resource = None;
    let mut notes = Vec::new();
    if cur.eat("on resource") {
        cur.eat(":");
        let at = cur.at;
        match cur.token() {
            Some(r) if !r.is_empty() => resource = Some(r.to_owned()),
            _ => {
                return Err(stop(
                    at,
                    "`on resource` is followed by no resource".to_owned(),
                    understood,
                ));
            }
        }
        understood.push(format!("resource `{}`", resource.as_deref().unwrap_or("")));
    } else if cur.eat("on this resource") {
        notes.push("AWS did not name the resource (`on this resource`)".to_owned());
    }

    let reason_at = {
        cur.skip_spaces();
        cur.at
    };
    let reason = reason(&mut cur, &action, &mut notes)
        .map_err(|problem| stop(reason_at, problem, understood.clone()))?;
    if reason.is_none() && starts_a_reason(cur.rest_lower()) {
        let shown: String = cur.rest().chars().take(60).collect();
        return Err(stop(
            reason_at,
            format!(
                "`{shown}` is no reason AWS documents (`with an explicit deny in a <policy type>` or `because no <policy type> allows the <action> action`)"
            ),
            understood,
        ));
    }
    let mut denial = Denial {
        wrapper: None,
        principal,
        action,
        resource,
        reason,
        authorization_id: None,
        encoded_message: false,
        notes,
    };
    let more = c.lower.matches(NOT_AUTHORIZED).count() - 1;
    if more > 0 {
        denial.notes.push(format!(
            "the text holds {more} more denial{} after this one: only the first is explained",
            if more == 1 { "" } else { "s" }
        ));
    }
    let mut wrapper = wrapper(wrapper_text);
    trailer(cur.rest(), &mut denial, &mut wrapper);
    denial.wrapper = (wrapper != Wrapper::default()).then_some(wrapper);
    Ok(denial)
}

/// Text without AWS's phrase: STS's web-identity denial, or why it cannot be explained.
fn not_a_denial(c: &Collapsed, original_len: usize) -> Result<Denial, NotUnderstood> {
    if let Some(at) = c.lower.find(WEB_IDENTITY) {
        let mut wrapper = wrapper(&c.text[..at]);
        let mut denial = Denial {
            wrapper: None,
            principal: None,
            action: "sts:AssumeRoleWithWebIdentity".to_owned(),
            resource: None,
            reason: None,
            authorization_id: None,
            encoded_message: false,
            notes: vec![
                "STS names no principal here: the caller holds a web identity token (EKS service account, License \
                 Manager token), not AWS credentials"
                    .to_owned(),
            ],
        };
        trailer(
            &c.text[at + WEB_IDENTITY.len()..],
            &mut denial,
            &mut wrapper,
        );
        denial.wrapper = (wrapper != Wrapper::default()).then_some(wrapper);
        return Ok(denial);
    }
    let (at, problem) = if let Some(at) = c.lower.find(ENCODED) {
        (
            at,
            "an encoded authorization failure message names no principal or action in clear: decode it with \
             `aws sts decode-authorization-message --encoded-message <message>` (which needs \
             sts:DecodeAuthorizationMessage) and read the decoded JSON"
                .to_owned(),
        )
    } else if let Some(at) = [
        "accessdenied",
        "access denied",
        "unauthorizedoperation",
        "authorizationexception",
        "not authorized",
    ]
    .iter()
    .find_map(|w| c.lower.find(w))
    {
        (
            at,
            "an access-denied error, but without AWS's `User: <principal> is not authorized to perform: <action>`: it names no principal or action to explain"
                .to_owned(),
        )
    } else {
        (
            0,
            "not an AccessDenied message: it has no `is not authorized to perform`".to_owned(),
        )
    };
    Err(NotUnderstood {
        offset: c.origin(at, original_len),
        problem,
        understood: Vec::new(),
    })
}

/// Whether text that is no documented reason looks like an attempt at one (`because ...`, `with an ...`), which is
/// then refused rather than ignored. Other trailing text (Terraform's `with aws_iam_role.x,`) is not the message's.
fn starts_a_reason(rest_lower: &str) -> bool {
    let rest = rest_lower.trim_start_matches([' ', '.', ',']);
    ["because", "with an ", "with a ", "with the ", "due to"]
        .iter()
        .any(|w| rest.starts_with(w))
}

/// `<service>:<Action>`: a prefix of letters, digits and `-`, an action name of letters and digits (`*` and `?`
/// are not in AWS's messages, but do no harm).
fn is_action(token: &str) -> bool {
    let Some((service, name)) = token.split_once(':') else {
        return false;
    };
    !service.is_empty()
        && !name.is_empty()
        && service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
}

/// The layer phrase at the cursor (after an optional article), consumed.
fn layer(cur: &mut Cursor<'_>) -> Option<Layer> {
    for article in ["a ", "an ", "the ", ""] {
        let save = cur.at;
        if !article.is_empty() && !cur.eat(article) {
            continue;
        }
        cur.skip_spaces();
        if let Some(&(phrase, layer)) = LAYER_PHRASES
            .iter()
            .find(|(phrase, _)| cur.rest_lower().starts_with(phrase))
        {
            cur.at += phrase.len();
            return Some(layer);
        }
        cur.at = save;
    }
    None
}

/// The reason at the cursor, if any: `Ok(None)` when there is none, `Err` for one that starts as AWS's do but
/// names no layer AWS documents.
fn reason(
    cur: &mut Cursor<'_>,
    action: &str,
    notes: &mut Vec<String>,
) -> Result<Option<Reason>, String> {
    if cur.eat("because no") {
        let Some(layer) = layer(cur) else {
            let shown: String = cur.rest().chars().take(40).collect();
            return Err(format!(
                "`because no {}` names no policy type AWS documents",
                shown.trim()
            ));
        };
        if cur.eat("allows the") {
            let named = cur.token().unwrap_or_default().to_owned();
            cur.eat("action");
            if !named.eq_ignore_ascii_case(action) {
                notes.push(format!(
                    "the reason names the action `{named}`, not `{action}`; `{action}` is taken as the action denied"
                ));
            }
        }
        return Ok(Some(Reason {
            layer,
            explicit: false,
            policy_arn: None,
            through: None,
        }));
    }
    if cur.eat("with an explicit deny in") {
        let Some(layer) = layer(cur) else {
            let shown: String = cur.rest().chars().take(40).collect();
            return Err(format!(
                "`with an explicit deny in {}` names no policy type AWS documents",
                shown.trim()
            ));
        };
        let mut policy_arn = None;
        let save = cur.at;
        if cur.eat(":") {
            match cur.token() {
                Some(arn) if arn.starts_with("arn:") => policy_arn = Some(arn.to_owned()),
                _ => cur.at = save,
            }
        }
        let mut through = None;
        if cur.eat("transitively through") {
            through = layer_or_err(cur)?;
        }
        return Ok(Some(Reason {
            layer,
            explicit: true,
            policy_arn,
            through,
        }));
    }
    Ok(None)
}

fn layer_or_err(cur: &mut Cursor<'_>) -> Result<Option<Layer>, String> {
    match layer(cur) {
        Some(l) => Ok(Some(l)),
        None => Err("`transitively through` names no policy type AWS documents".to_owned()),
    }
}

/// The principal written after `User:`.
fn principal(text: &str) -> Principal {
    let arn = text.to_owned();
    let fields: Vec<&str> = text.splitn(6, ':').collect();
    let not_arn = Principal {
        arn: arn.clone(),
        kind: PrincipalKind::NotAnArn,
        account: None,
        name: None,
        session: None,
    };
    if fields.len() != 6 || fields[0] != "arn" {
        return not_arn;
    }
    let account = Some(fields[4])
        .filter(|a| crate::assume::is_account(a))
        .map(str::to_owned);
    let resource = fields[5];
    let (kind, name, session) = match (fields[2], resource.split_once('/')) {
        ("sts", Some(("assumed-role", rest))) => match rest.rsplit_once('/') {
            Some((role, session)) => (
                PrincipalKind::AssumedRole,
                Some(role.to_owned()),
                Some(session.to_owned()),
            ),
            None => (PrincipalKind::AssumedRole, Some(rest.to_owned()), None),
        },
        ("sts", Some(("federated-user", rest))) => {
            (PrincipalKind::FederatedUser, Some(rest.to_owned()), None)
        }
        ("iam", Some(("role", rest))) => (PrincipalKind::Role, last(rest), None),
        ("iam", Some(("user", rest))) => (PrincipalKind::User, last(rest), None),
        ("iam", None) if resource == "root" => (PrincipalKind::Root, None, None),
        _ => (PrincipalKind::Other, None, None),
    };
    Principal {
        arn,
        kind,
        account,
        name,
        session,
    }
}

/// The last segment of a path (`path/to/Name` -> `Name`).
fn last(path: &str) -> Option<String> {
    path.rsplit('/').next().map(str::to_owned)
}

/// The SDK's wrapper before `User:`: botocore's `An error occurred (<code>) when calling the <op> operation:`, the Go
/// SDK's `operation error <service>: <op>, ... api error <code>:`, a Java exception's class, or a bare
/// `<code>:`.
fn wrapper(text: &str) -> Wrapper {
    let mut w = Wrapper::default();
    if let Some((_, rest)) = text.split_once("An error occurred (")
        && let Some((code, rest)) = rest.split_once(')')
    {
        w.error_code = Some(code.to_owned());
        if let Some((_, rest)) = rest.split_once("when calling the ")
            && let Some((op, _)) = rest.split_once(" operation")
        {
            w.operation = Some(op.trim().to_owned());
        }
    }
    if let Some((_, rest)) = text.split_once("operation error ")
        && let Some((service, rest)) = rest.split_once(": ")
    {
        w.service = Some(service.trim().to_owned());
        w.operation = rest.split(',').next().map(|op| op.trim().to_owned());
    }
    if let Some((_, rest)) = text.rsplit_once("api error ") {
        w.error_code = rest.split(':').next().map(|c| c.trim().to_owned());
    }
    if w.error_code.is_none() {
        // A Java exception (`software.amazon...AuthorizationException: `) or a bare `AccessDenied: `.
        let last = text.trim_end().trim_end_matches(':');
        let word = last.rsplit([' ', '.']).next().unwrap_or("");
        if !word.is_empty()
            && (word.ends_with("Exception")
                || word.starts_with("AccessDenied")
                || word.ends_with("UnauthorizedOperation"))
            && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
        {
            w.error_code = Some(word.to_owned());
        }
    }
    w
}

/// What may follow the reason: the authorization ID, an encoded message, the Java SDK's `(Service: ..., Error
/// Code: ...)`. Anything else is not part of AWS's message (a log line, Terraform's context) and is ignored.
fn trailer(rest: &str, denial: &mut Denial, wrapper: &mut Wrapper) {
    if let Some((_, id)) = rest.split_once("authorization id:") {
        denial.authorization_id = id
            .split_whitespace()
            .next()
            .map(|t| t.trim_end_matches(['.', ',', ')']).to_owned())
            .filter(|t| !t.is_empty());
    }
    if rest.to_ascii_lowercase().contains(ENCODED) {
        denial.encoded_message = true;
    }
    if let Some((_, details)) = rest.split_once("(Service: ") {
        let details = details.split(')').next().unwrap_or("");
        let mut parts = details.split([';', ',']).map(str::trim);
        if wrapper.service.is_none() {
            wrapper.service = parts.next().map(str::to_owned);
        }
        for part in parts {
            if let Some(code) = part.strip_prefix("Error Code: ") {
                wrapper.error_code = Some(code.to_owned());
            }
        }
    }
}
