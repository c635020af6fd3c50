//! The policy grammar's rules, written once: both readers (`crate::read::strict`, `crate::read::tape`) call these,
//! so a document one reader accepts the other accepts too, with the same values, and every refusal reads the same.
//!
//! Each rule returns the message of its refusal; the strict reader turns it into a located error, the tape reader
//! hands the document over to the strict reader.

use arcstr::Substr;

use crate::bytes::Scan;
use crate::document::{
    Actions, Condition, Effect, Principal, PrincipalValue, Resources, Statement, Version,
};
use crate::operator::{BaseOperator, Operator, parse_bool, parse_date, parse_net, parse_number};

/// The refusal of an empty list (`Statement`, a pattern list, condition values, principal identifiers).
pub(crate) const EMPTY_ARRAY: &str = "IAM rejects an empty array here";

/// A list of `len` elements: IAM refuses an empty one.
pub(crate) fn non_empty(len: usize) -> Result<(), &'static str> {
    if len == 0 { Err(EMPTY_ARRAY) } else { Ok(()) }
}

/// The elements of a policy document, in the order error messages list them.
pub(crate) const DOCUMENT_FIELDS: &[&str] = &["Version", "Id", "Statement"];

/// The elements of a statement, in the order error messages list them.
pub(crate) const STATEMENT_FIELDS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// An element of a document or of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// `Version`.
    Version,
    /// `Id`.
    Id,
    /// `Statement`.
    Statement,
    /// `Sid`.
    Sid,
    /// `Effect`.
    Effect,
    /// `Principal`.
    Principal,
    /// `NotPrincipal`.
    NotPrincipal,
    /// `Action`.
    Action,
    /// `NotAction`.
    NotAction,
    /// `Resource`.
    Resource,
    /// `NotResource`.
    NotResource,
    /// `Condition`.
    Condition,
}

impl Field {
    /// The element of a document named `key` exactly (element names are case-sensitive); `None`: an unknown key.
    pub(crate) fn of_document(key: &str) -> Option<Field> {
        Some(match key {
            "Version" => Field::Version,
            "Id" => Field::Id,
            "Statement" => Field::Statement,
            _ => return None,
        })
    }

    /// The element of a statement named `key` exactly; `None`: an unknown key.
    pub(crate) fn of_statement(key: &str) -> Option<Field> {
        Some(match key {
            "Sid" => Field::Sid,
            "Effect" => Field::Effect,
            "Principal" => Field::Principal,
            "NotPrincipal" => Field::NotPrincipal,
            "Action" => Field::Action,
            "NotAction" => Field::NotAction,
            "Resource" => Field::Resource,
            "NotResource" => Field::NotResource,
            "Condition" => Field::Condition,
            _ => return None,
        })
    }

    /// The name as written.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Field::Version => "Version",
            Field::Id => "Id",
            Field::Statement => "Statement",
            Field::Sid => "Sid",
            Field::Effect => "Effect",
            Field::Principal => "Principal",
            Field::NotPrincipal => "NotPrincipal",
            Field::Action => "Action",
            Field::NotAction => "NotAction",
            Field::Resource => "Resource",
            Field::NotResource => "NotResource",
            Field::Condition => "Condition",
        }
    }
}

/// The refusal of an unknown key, in serde's words: "unknown field `X`, expected one of `A`, `B`".
pub(crate) fn unknown_field(key: &str, expected: &[&str]) -> String {
    let list: Vec<String> = expected.iter().map(|e| format!("`{e}`")).collect();
    format!("unknown field `{key}`, expected one of {}", list.join(", "))
}

/// The elements of an object met so far: the rule that each appears at most once.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Seen(u16);

impl Seen {
    /// Records `field`; refuses it if it was met before in the same object.
    pub(crate) fn first(&mut self, field: Field) -> Result<(), String> {
        let bit = 1 << field as u16;
        if self.0 & bit != 0 {
            return Err(format!("duplicate field `{}`", field.name()));
        }
        self.0 |= bit;
        Ok(())
    }
}

/// The refusal of a required element the object lacks.
pub(crate) fn missing(field: Field) -> String {
    format!("missing field `{}`", field.name())
}

/// The two values `Version` may have, exactly as IAM spells them.
pub(crate) const VERSIONS: [(&str, Version); 2] = [
    ("2012-10-17", Version::V2012_10_17),
    ("2008-10-17", Version::V2008_10_17),
];

/// The two values `Effect` may have, exactly as IAM spells them.
pub(crate) const EFFECTS: [(&str, Effect); 2] = [("Allow", Effect::Allow), ("Deny", Effect::Deny)];

/// The value of `choices` spelt exactly `s`; anything else is `expected "A" or "B", found "..."`.
pub(crate) fn one_of<T: Copy>(choices: [(&str, T); 2], s: &str) -> Result<T, String> {
    match choices.iter().find(|(name, _)| *name == s) {
        Some(&(_, value)) => Ok(value),
        None => {
            let [(a, _), (b, _)] = choices;
            Err(format!("expected \"{a}\" or \"{b}\", found {s:?}"))
        }
    }
}

/// A document's elements as read, before the rules that concern the document as a whole.
#[derive(Debug, Default)]
pub(crate) struct DocumentParts {
    /// `Version`.
    pub(crate) version: Option<Version>,
    /// `Id`.
    pub(crate) id: Option<Substr>,
    /// `Statement`.
    pub(crate) statements: Option<Vec<Statement>>,
}

impl DocumentParts {
    /// The policy: `Statement` is required.
    pub(crate) fn finish(self) -> Result<crate::document::Policy, String> {
        Ok(crate::document::Policy {
            version: self.version,
            id: self.id,
            statements: self.statements.ok_or_else(|| missing(Field::Statement))?,
        })
    }
}

/// A statement's elements as read, before the rules that concern the statement as a whole.
#[derive(Debug, Default)]
pub(crate) struct StatementParts {
    /// `Sid`.
    pub(crate) sid: Option<Substr>,
    /// `Effect`.
    pub(crate) effect: Option<Effect>,
    /// `Principal` or `NotPrincipal`, the first met.
    principal: Option<Principal>,
    /// `Action` or `NotAction`, the first met.
    actions: Option<Actions>,
    /// `Resource` or `NotResource`, the first met.
    resources: Option<Resources>,
    /// `Condition`.
    pub(crate) conditions: Option<Vec<Condition>>,
    /// Whether both `Principal` and `NotPrincipal`, both `Action` and `NotAction`, both `Resource` and
    /// `NotResource` were met.
    both: [bool; 3],
}

impl StatementParts {
    /// Records `Principal` or `NotPrincipal` (each appears once: see [`Seen`]).
    #[inline]
    pub(crate) fn set_principal(&mut self, principal: Principal) {
        self.both[0] |= self.principal.is_some();
        self.principal.get_or_insert(principal);
    }

    /// Records `Action` or `NotAction`.
    #[inline]
    pub(crate) fn set_actions(&mut self, actions: Actions) {
        self.both[1] |= self.actions.is_some();
        self.actions.get_or_insert(actions);
    }

    /// Records `Resource` or `NotResource`.
    #[inline]
    pub(crate) fn set_resources(&mut self, resources: Resources) {
        self.both[2] |= self.resources.is_some();
        self.resources.get_or_insert(resources);
    }

    /// The first rule at the end of the statement's object: `Effect` is required.
    pub(crate) fn check_effect(&self) -> Result<(), String> {
        match self.effect {
            Some(_) => Ok(()),
            None => Err(missing(Field::Effect)),
        }
    }

    /// The statement: `Effect` and one of `Action` and `NotAction` are required; `Resource` and `NotResource`, and
    /// `Principal` and `NotPrincipal`, exclude each other.
    #[inline]
    pub(crate) fn finish(self) -> Result<Statement, String> {
        self.check()?;
        Ok(self.into_statement())
    }

    /// The rules of [`StatementParts::finish`], without building the statement.
    #[inline]
    pub(crate) fn check(&self) -> Result<(), String> {
        self.effect.ok_or_else(|| missing(Field::Effect))?;
        let [both_principals, both_actions, both_resources] = self.both;
        if both_actions {
            return Err("a statement has either `Action` or `NotAction`, not both".into());
        }
        if self.actions.is_none() {
            return Err("a statement needs `Action` or `NotAction`".into());
        }
        if both_resources {
            return Err("a statement has either `Resource` or `NotResource`, not both".into());
        }
        if both_principals {
            return Err("a statement has either `Principal` or `NotPrincipal`, not both".into());
        }
        Ok(())
    }

    /// The statement of parts that [`StatementParts::check`] accepted; built where it is placed (the tape reader
    /// pushes it straight into the policy's list, rather than moving it through a `Result`).
    ///
    /// # Panics
    ///
    /// If `Effect` or the actions are missing (`check` refuses those parts).
    #[inline]
    pub(crate) fn into_statement(self) -> Statement {
        Statement {
            sid: self.sid,
            effect: self.effect.expect("checked: a statement has `Effect`"),
            principal: self.principal,
            actions: self
                .actions
                .expect("checked: a statement has `Action` or `NotAction`"),
            resources: self.resources,
            conditions: self.conditions.unwrap_or_default(),
        }
    }
}

/// A string element of a list: what it must be.
pub(crate) trait Item {
    /// What the element is, for "expected ..." messages.
    const WHAT: &'static str;
    /// Whether `s` is one; the refusal otherwise.
    fn check(s: &str) -> Result<(), String>;
    /// Whether [`Item::check`] accepts `s`, given its [`Scan`].
    fn accepts(s: &str, _scan: &Scan) -> bool {
        Self::check(s).is_ok()
    }
}

/// An element of `Action` / `NotAction`: `service:Name` or `*`.
pub(crate) struct ActionName;

impl Item for ActionName {
    const WHAT: &'static str = "an action name";
    fn accepts(s: &str, scan: &Scan) -> bool {
        s == "*" || is_scanned_action_name(s, scan)
    }
    fn check(s: &str) -> Result<(), String> {
        if s == "*" || is_action_name(s) {
            Ok(())
        } else {
            Err(format!(
                "{s:?} is not an action name: IAM expects `service:Action` (e.g. \"aws-marketplace:MeterUsage\") or \"*\""
            ))
        }
    }
}

/// `service:Name`: exactly one `:`, with text on both sides, and no whitespace.
fn is_action_name(s: &str) -> bool {
    Scan::of(s.as_bytes(), 0, s.len()).is_some_and(|scan| is_scanned_action_name(s, &scan))
}

/// [`is_action_name`], given the string's [`Scan`]: for printable ASCII, only the colons are left to check; other
/// text is checked a character at a time.
fn is_scanned_action_name(s: &str, scan: &Scan) -> bool {
    if !scan.printable {
        return is_action_name_by_chars(s);
    }
    !scan.more_colons
        && scan
            .first_colon
            .is_some_and(|i| i > 0 && i as usize + 1 < s.len())
}

/// [`is_action_name`] for any text, one `char` at a time; the reference the scan-based check must agree with.
fn is_action_name_by_chars(s: &str) -> bool {
    match s.split_once(':') {
        Some((service, name)) => {
            !service.is_empty()
                && !name.is_empty()
                && !name.contains(':')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// An element of `Resource` / `NotResource`: an ARN or `*`.
pub(crate) struct ResourceName;

impl Item for ResourceName {
    const WHAT: &'static str = "a resource ARN or \"*\"";
    fn check(s: &str) -> Result<(), String> {
        if s == "*" || s.starts_with("arn:") {
            Ok(())
        } else {
            Err(format!(
                "{s:?} is not an ARN: IAM expects \"arn:...\" or \"*\""
            ))
        }
    }
}

/// An identifier of a `Principal` type: any non-empty string.
pub(crate) struct PrincipalId;

impl Item for PrincipalId {
    const WHAT: &'static str = "a principal identifier";
    fn check(s: &str) -> Result<(), String> {
        if s.is_empty() {
            Err("an empty principal identifier".to_owned())
        } else {
            Ok(())
        }
    }
}

/// `Principal` as a string: only `"*"`.
pub(crate) fn principal_string(s: &str) -> Result<PrincipalValue, String> {
    if s == "*" {
        Ok(PrincipalValue::Any)
    } else {
        Err(format!(
            "expected \"*\" or an object such as {{\"AWS\": ...}}, found {s:?}"
        ))
    }
}

/// A principal type of a `Principal` object, after the types `earlier` of the same object.
pub(crate) fn principal_type<'a>(
    mut earlier: impl Iterator<Item = &'a str>,
    kind: &str,
) -> Result<(), String> {
    if !["AWS", "Service", "Federated", "CanonicalUser"].contains(&kind) {
        Err(format!(
            "unknown principal type `{kind}`, expected one of `AWS`, `Service`, `Federated`, `CanonicalUser`"
        ))
    } else if earlier.any(|k| k == kind) {
        Err(format!("duplicate key `{kind}`"))
    } else {
        Ok(())
    }
}

/// A `Principal` object of `types` types: IAM refuses an empty one.
pub(crate) fn principal_types(types: usize) -> Result<(), String> {
    if types == 0 {
        Err("an empty principal object".to_owned())
    } else {
        Ok(())
    }
}

/// A condition operator named `name`, after the operators `earlier` of the same `Condition` block (as written).
pub(crate) fn condition_operator<'a>(
    mut earlier: impl Iterator<Item = &'a str>,
    name: &str,
) -> Result<Operator, String> {
    if earlier.any(|e| e == name) {
        Err(format!("duplicate condition operator `{name}`"))
    } else {
        name.parse::<Operator>()
    }
}

/// A condition key, after the keys `earlier` of the same operator: `service:key`, and not one of them in any letter
/// case (IAM matches condition keys in any letter case).
pub(crate) fn condition_key<'a>(
    mut earlier: impl Iterator<Item = &'a str>,
    key: &str,
) -> Result<(), String> {
    if earlier.any(|k| k.eq_ignore_ascii_case(key)) {
        return Err(format!(
            "duplicate condition key `{key}` (IAM matches condition keys in any letter case)"
        ));
    }
    match key.split_once(':') {
        Some((prefix, rest)) if !prefix.is_empty() && !rest.is_empty() => Ok(()),
        _ => Err(format!(
            "condition key `{key}` has no service prefix: IAM expects `service:key` (e.g. `aws:SourceIp`)"
        )),
    }
}

/// An operator with `keys` condition keys: IAM refuses one with none.
pub(crate) fn condition_keys(operator: Operator, keys: usize) -> Result<(), String> {
    if keys == 0 {
        Err(format!("`{operator}` has no condition key"))
    } else {
        Ok(())
    }
}

/// A condition value written as a JSON number with a fraction or exponent: refused where the operator compares
/// booleans only (`Null`); its text is then checked as any value.
pub(crate) fn float_value(base: BaseOperator) -> Result<(), String> {
    if base == BaseOperator::Null {
        Err("`Null` expects true or false".to_owned())
    } else {
        Ok(())
    }
}

/// Checks a policy's condition value against what its operator compares (numbers, dates, CIDR ranges, booleans),
/// as IAM does when the policy is attached.
pub(crate) fn condition_value(base: BaseOperator, value: &str) -> Result<(), String> {
    use BaseOperator::*;
    let ok = match base {
        NumericEquals
        | NumericNotEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => parse_number(value).is_some(),
        DateEquals
        | DateNotEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => parse_date(value).is_some(),
        Bool | Null => parse_bool(value).is_some(),
        IpAddress | NotIpAddress => parse_net(value).is_some(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        let expected = match base {
            Bool | Null => "true or false",
            IpAddress | NotIpAddress => {
                "an IP address or CIDR range (e.g. 203.0.113.0/24 or 2001:db8::/32)"
            }
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => {
                "an ISO 8601 date (e.g. 2025-01-31 or 2025-01-31T12:00:00Z) or epoch seconds"
            }
            _ => "a number",
        };
        Err(format!(
            "`{}` expects {expected}, found {value:?}",
            base.as_str()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// The check on a scan agrees with the one on the text and with the char-by-char reference, wherever the
        /// name lies in its text.
        #[test]
        fn action_names_are_checked_alike_on_scans_and_text(
            before in "[a-z:*? ]{0,9}",
            name in "[a-zA-Z:*?~! \t\u{1}\u{7f}é-]{0,70}",
            after in "[a-z:*? ]{0,80}",
        ) {
            let text = format!("{before}{name}{after}");
            let scan = Scan::of(text.as_bytes(), before.len(), name.len()).expect("the string is in the text");
            prop_assert_eq!(ActionName::accepts(&name, &scan), ActionName::check(&name).is_ok());
            prop_assert_eq!(
                ActionName::accepts(&name, &scan),
                name == "*" || is_action_name_by_chars(&name)
            );
        }
    }

    #[test]
    fn action_names_are_checked_as_before() {
        let names = [
            "aws-marketplace:MeterUsage",
            "s3:*",
            ":x",
            "x:",
            ":",
            "a:b:c",
            "aws-marketplace:Meter Usage",
            "aws-marketplace:MeterUsage\t",
            "aws-marketplace:Meter\u{1}Usage",
            "aws-marketplace:Meter\u{a0}Usage",
            "aws-marketplace:Mètre",
            "aws-marketplace:MeterUsage\u{7f}",
            "abcdefgh:ijklmnop qrstuvwx",
            "abcdefghijklmnop:",
            "",
        ];
        for name in names {
            assert_eq!(
                is_action_name(name),
                is_action_name_by_chars(name),
                "{name:?}"
            );
        }
        for byte in 0..=0x7fu8 {
            let name = format!("aws-marketplace:Meter{}Usage", byte as char);
            assert_eq!(
                is_action_name(&name),
                is_action_name_by_chars(&name),
                "{name:?}"
            );
        }
    }

    #[test]
    fn each_element_once() {
        let mut seen = Seen::default();
        assert!(seen.first(Field::Effect).is_ok());
        assert!(seen.first(Field::Action).is_ok());
        assert_eq!(
            seen.first(Field::Effect).unwrap_err(),
            "duplicate field `Effect`"
        );
        for name in STATEMENT_FIELDS {
            assert_eq!(Field::of_statement(name).map(Field::name), Some(*name));
        }
        for name in DOCUMENT_FIELDS {
            assert_eq!(Field::of_document(name).map(Field::name), Some(*name));
        }
    }
}
