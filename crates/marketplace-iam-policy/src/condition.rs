//! Condition operators and the request context they are decided against, with AWS's documented rules for absent
//! keys, `…IfExists` and the `ForAnyValue:` / `ForAllValues:` set operators.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use jiff::Timestamp;

use crate::grammar::{Condition, Version};
use crate::matching::{arn_matches, wildcard_match};

/// A condition operator: a base operator, optionally qualified by a set operator and/or `IfExists`.
///
/// ```
/// use marketplace_iam_policy::{BaseOperator, Operator, SetOperator};
///
/// let op: Operator = "ForAllValues:StringLikeIfExists".parse().unwrap();
/// assert_eq!(op.set, Some(SetOperator::ForAllValues));
/// assert_eq!(op.base, BaseOperator::StringLike);
/// assert!(op.if_exists);
/// assert_eq!(op.to_string(), "ForAllValues:StringLikeIfExists");
/// assert!("StringEqualz".parse::<Operator>().unwrap_err().contains("did you mean `StringEquals`?"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    /// `ForAnyValue:` or `ForAllValues:`, if written.
    pub set: Option<SetOperator>,
    /// The comparison.
    pub base: BaseOperator,
    /// Whether the name ends in `IfExists`: the condition holds when the key is absent.
    pub if_exists: bool,
}

/// A set operator, for condition keys with several values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetOperator {
    /// `ForAnyValue:`: at least one value of the key matches; false when the key is absent.
    ForAnyValue,
    /// `ForAllValues:`: every value of the key matches; true when the key is absent.
    ForAllValues,
}

macro_rules! base_operators {
    ($($name:ident => $doc:literal,)*) => {
        /// A condition operator without its qualifiers.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum BaseOperator {
            $(#[doc = $doc] $name,)*
        }

        impl BaseOperator {
            /// Every base operator.
            pub const ALL: &'static [BaseOperator] = &[$(BaseOperator::$name,)*];

            /// The name as written in policies.
            ///
            /// ```
            /// assert_eq!(marketplace_iam_policy::BaseOperator::NotIpAddress.as_str(), "NotIpAddress");
            /// ```
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(BaseOperator::$name => stringify!($name),)*
                }
            }
        }
    };
}

base_operators! {
    StringEquals => "Exact, case-sensitive string match.",
    StringNotEquals => "Negated `StringEquals`.",
    StringEqualsIgnoreCase => "String match ignoring letter case.",
    StringNotEqualsIgnoreCase => "Negated `StringEqualsIgnoreCase`.",
    StringLike => "Case-sensitive match with `*` and `?` wildcards.",
    StringNotLike => "Negated `StringLike`.",
    NumericEquals => "Numbers equal.",
    NumericNotEquals => "Negated `NumericEquals`.",
    NumericLessThan => "Request value < policy value.",
    NumericLessThanEquals => "Request value <= policy value.",
    NumericGreaterThan => "Request value > policy value.",
    NumericGreaterThanEquals => "Request value >= policy value.",
    DateEquals => "Dates (ISO 8601 or epoch seconds) equal.",
    DateNotEquals => "Negated `DateEquals`.",
    DateLessThan => "Request date before the policy date.",
    DateLessThanEquals => "Request date at or before the policy date.",
    DateGreaterThan => "Request date after the policy date.",
    DateGreaterThanEquals => "Request date at or after the policy date.",
    Bool => "Boolean match (`true`/`false`).",
    BinaryEquals => "Byte-for-byte match of base64-encoded values.",
    IpAddress => "Request IP address within the policy's CIDR range (IPv4 or IPv6).",
    NotIpAddress => "Negated `IpAddress`.",
    ArnEquals => "ARN match, part by part, with wildcards (same as `ArnLike`).",
    ArnLike => "ARN match, part by part, with wildcards.",
    ArnNotEquals => "Negated `ArnEquals`.",
    ArnNotLike => "Negated `ArnLike`.",
    Null => "`true`: the key is absent; `false`: the key is present.",
}

impl BaseOperator {
    /// For a negated operator (`StringNotEquals`, `NotIpAddress`, ...), the operator it negates.
    ///
    /// ```
    /// use marketplace_iam_policy::BaseOperator;
    /// assert_eq!(BaseOperator::ArnNotLike.negates(), Some(BaseOperator::ArnLike));
    /// assert_eq!(BaseOperator::ArnLike.negates(), None);
    /// ```
    pub const fn negates(self) -> Option<BaseOperator> {
        use BaseOperator::*;
        match self {
            StringNotEquals => Some(StringEquals),
            StringNotEqualsIgnoreCase => Some(StringEqualsIgnoreCase),
            StringNotLike => Some(StringLike),
            NumericNotEquals => Some(NumericEquals),
            DateNotEquals => Some(DateEquals),
            NotIpAddress => Some(IpAddress),
            ArnNotEquals => Some(ArnEquals),
            ArnNotLike => Some(ArnLike),
            _ => None,
        }
    }
}

impl fmt::Display for SetOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SetOperator::ForAnyValue => "ForAnyValue",
            SetOperator::ForAllValues => "ForAllValues",
        })
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(set) = self.set {
            write!(f, "{set}:")?;
        }
        f.write_str(self.base.as_str())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

impl FromStr for Operator {
    type Err = String;

    /// Reads an operator name; the error says what is wrong and suggests the closest operator.
    fn from_str(name: &str) -> Result<Operator, String> {
        let (set, rest) = if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Some(SetOperator::ForAnyValue), rest)
        } else if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Some(SetOperator::ForAllValues), rest)
        } else {
            (None, name)
        };
        let (if_exists, base_name) = match rest.strip_suffix("IfExists") {
            Some(base) => (true, base),
            None => (false, rest),
        };
        let Some(&base) = BaseOperator::ALL.iter().find(|b| b.as_str() == base_name) else {
            let mut message = format!("unknown condition operator `{name}`");
            if let Some(close) = closest_operator(rest) {
                let mut suggestion = String::new();
                if let Some(set) = set {
                    suggestion = format!("{set}:");
                }
                suggestion.push_str(&close);
                message.push_str(&format!("; did you mean `{suggestion}`?"));
            }
            return Err(message);
        };
        if base == BaseOperator::Null && (if_exists || set.is_some()) {
            return Err(format!(
                "`{name}`: `Null` takes neither `IfExists` nor `ForAnyValue:`/`ForAllValues:`"
            ));
        }
        Ok(Operator {
            set,
            base,
            if_exists,
        })
    }
}

fn closest_operator(name: &str) -> Option<String> {
    let names = BaseOperator::ALL.iter().flat_map(|b| {
        let plain = b.as_str().to_owned();
        let if_exists = (*b != BaseOperator::Null).then(|| format!("{plain}IfExists"));
        std::iter::once(plain).chain(if_exists)
    });
    marketplace_iam_model::suggest::closest_ignoring_case(name, names, 0.85)
}

/// Checks a policy's condition value against what its operator compares (numbers, dates, CIDR ranges, booleans),
/// as IAM does when the policy is attached.
pub(crate) fn check_policy_value(base: BaseOperator, value: &str) -> Result<(), String> {
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

fn parse_number(s: &str) -> Option<f64> {
    let n: f64 = s.trim().parse().ok()?;
    n.is_finite().then_some(n)
}

/// ISO 8601 (with or without time and offset; without an offset, UTC) or integer epoch seconds.
fn parse_date(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if !s.is_empty()
        && s.trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return Timestamp::from_second(s.parse().ok()?).ok();
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    let utc = jiff::tz::TimeZone::UTC;
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return utc.to_timestamp(dt).ok();
    }
    let d = s.parse::<jiff::civil::Date>().ok()?;
    utc.to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
        .ok()
}

fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn parse_net(s: &str) -> Option<IpNet> {
    let s = s.trim();
    s.parse::<IpNet>()
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))
}

/// The request context: condition keys and their values, as the request that IAM evaluates would carry them.
///
/// Keys are matched in any letter case. A key given several times has several values (a multivalued key such as
/// `aws:TagKeys`). A key that is not in the context is absent from the request.
///
/// ```
/// use marketplace_iam_policy::Context;
///
/// let mut context = Context::new();
/// context.insert("aws:SourceIp", "203.0.113.7");
/// context.insert_arg("aws:TagKeys=team").unwrap();
/// context.insert_arg("aws:TagKeys=env").unwrap();
/// assert_eq!(context.get("AWS:SOURCEIP"), Some(&["203.0.113.7".to_string()][..]));
/// assert_eq!(context.get("aws:TagKeys").unwrap().len(), 2);
/// assert!(context.insert_arg("no-equals-sign").is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    entries: Vec<(String, Vec<String>)>,
}

impl Context {
    /// An empty context: every key is absent.
    pub fn new() -> Context {
        Context::default()
    }

    /// Adds a value to `key` (a second value makes the key multivalued).
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        match self
            .entries
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(&key))
        {
            Some((_, values)) => values.push(value),
            None => self.entries.push((key, vec![value])),
        }
    }

    /// Adds a `key=value` pair, as written on a command line (`aws:SourceIp=203.0.113.7`).
    pub fn insert_arg(&mut self, arg: &str) -> Result<(), String> {
        match arg.split_once('=') {
            Some((key, value)) if key.contains(':') && !key.contains(char::is_whitespace) => {
                self.insert(key, value);
                Ok(())
            }
            _ => Err(format!(
                "`{arg}` is not a context entry: expected `key=value` with a prefixed key, e.g. `aws:SourceIp=203.0.113.7`"
            )),
        }
    }

    /// The values of `key`, in any letter case; `None` when the key is absent.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_slice())
            .filter(|v| !v.is_empty())
    }

    /// Every key with its values, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Context {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Context {
        let mut c = Context::new();
        for (k, v) in iter {
            c.insert(k, v);
        }
        c
    }
}

/// Decides one condition against a context, by AWS's rules:
///
/// - several policy values: the condition holds if any matches (for a negated operator: if the request value
///   matches none);
/// - an absent key: false, except for negated operators (true), `…IfExists` (true), `ForAllValues:` (true) and
///   `ForAnyValue:` (false); `Null` tests presence;
/// - `ForAnyValue:`: some request value matches; `ForAllValues:`: every request value matches; without a set
///   operator, a multivalued key behaves like `ForAnyValue:` (for a negated operator: no request value may match).
pub(crate) fn holds(condition: &Condition, context: &Context, version: Option<Version>) -> bool {
    let op = condition.operator;
    let request = context.get(&condition.key);
    let policy_values: Vec<String> = condition
        .values
        .iter()
        .filter_map(|v| substitute(v, context, version))
        .collect();

    if op.base == BaseOperator::Null {
        let absent = request.is_none();
        return policy_values
            .iter()
            .filter_map(|v| parse_bool(v))
            .any(|want_absent| want_absent == absent);
    }
    let Some(request) = request else {
        if op.if_exists {
            return true;
        }
        return match op.set {
            Some(SetOperator::ForAllValues) => true,
            Some(SetOperator::ForAnyValue) => false,
            None => op.base.negates().is_some(),
        };
    };
    let (positive, negated) = match op.base.negates() {
        Some(p) => (p, true),
        None => (op.base, false),
    };
    let one = |value: &String| {
        let m = policy_values.iter().any(|p| compare(positive, p, value));
        m != negated
    };
    match op.set {
        Some(SetOperator::ForAnyValue) => request.iter().any(one),
        Some(SetOperator::ForAllValues) => request.iter().all(one),
        None if negated => request.iter().all(one),
        None => request.iter().any(one),
    }
}

/// Compares one policy value with one request value for a positive operator.
fn compare(op: BaseOperator, policy: &str, request: &str) -> bool {
    use BaseOperator::*;
    let num = || Some((parse_number(policy)?, parse_number(request)?));
    let date = || Some((parse_date(policy)?, parse_date(request)?));
    match op {
        StringEquals | BinaryEquals => policy == request,
        StringEqualsIgnoreCase => policy.to_lowercase() == request.to_lowercase(),
        StringLike => wildcard_match(policy, request, false),
        NumericEquals => num().is_some_and(|(p, r)| r == p),
        NumericLessThan => num().is_some_and(|(p, r)| r < p),
        NumericLessThanEquals => num().is_some_and(|(p, r)| r <= p),
        NumericGreaterThan => num().is_some_and(|(p, r)| r > p),
        NumericGreaterThanEquals => num().is_some_and(|(p, r)| r >= p),
        DateEquals => date().is_some_and(|(p, r)| r == p),
        DateLessThan => date().is_some_and(|(p, r)| r < p),
        DateLessThanEquals => date().is_some_and(|(p, r)| r <= p),
        DateGreaterThan => date().is_some_and(|(p, r)| r > p),
        DateGreaterThanEquals => date().is_some_and(|(p, r)| r >= p),
        Bool => matches!((parse_bool(policy), parse_bool(request)), (Some(p), Some(r)) if p == r),
        IpAddress => match (parse_net(policy), request.trim().parse::<IpAddr>()) {
            (Some(net), Ok(ip)) => net.contains(&ip),
            _ => false,
        },
        ArnEquals | ArnLike => arn_matches(policy, request),
        // Negated operators and `Null` never reach here (see `holds`).
        StringNotEquals
        | StringNotEqualsIgnoreCase
        | StringNotLike
        | NumericNotEquals
        | DateNotEquals
        | NotIpAddress
        | ArnNotEquals
        | ArnNotLike
        | Null => false,
    }
}

/// Substitutes policy variables (`${aws:username}`, `${key, 'default'}`, and the escapes `${*}`, `${?}`, `${$}`)
/// in a condition value of a `2012-10-17` policy. `None` when a variable has no value and no default: such a
/// value matches nothing.
fn substitute(value: &str, context: &Context, version: Option<Version>) -> Option<String> {
    if version != Some(Version::V2012_10_17) || !value.contains("${") {
        return Some(value.to_owned());
    }
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Some(out);
        };
        let inner = after[..end].trim();
        match inner {
            "*" | "?" | "$" => out.push_str(inner),
            _ => {
                let (key, default) = match inner.split_once(',') {
                    Some((k, d)) => {
                        let d = d.trim();
                        let d = d
                            .strip_prefix('\'')
                            .and_then(|d| d.strip_suffix('\''))
                            .unwrap_or(d);
                        (k.trim(), Some(d))
                    }
                    None => (inner, None),
                };
                match (context.get(key), default) {
                    (Some([one]), _) => out.push_str(one),
                    (_, Some(d)) => out.push_str(d),
                    _ => return None,
                }
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let e = "StringEqualsIfExist".parse::<Operator>().unwrap_err();
        assert!(e.contains("did you mean `StringEqualsIfExists`?"), "{e}");
        let e = "ForAnyValue:stringlike".parse::<Operator>().unwrap_err();
        assert!(e.contains("did you mean `ForAnyValue:StringLike`?"), "{e}");
        let e = "Zork".parse::<Operator>().unwrap_err();
        assert_eq!(e, "unknown condition operator `Zork`");
        assert!("NullIfExists".parse::<Operator>().is_err());
    }

    #[test]
    fn dates_in_every_documented_form() {
        let t = parse_date("2020-01-01T00:00:00Z").unwrap();
        assert_eq!(parse_date("2020-01-01"), Some(t));
        assert_eq!(parse_date("2020-01-01T00:00:00"), Some(t));
        assert_eq!(parse_date("2020-01-01T01:00:00+01:00"), Some(t));
        assert_eq!(parse_date("1577836800"), Some(t));
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn variables() {
        let ctx: Context = [("aws:username", "alice")].into_iter().collect();
        let v = Some(Version::V2012_10_17);
        assert_eq!(
            substitute("home/${aws:username}/${*}", &ctx, v).as_deref(),
            Some("home/alice/*")
        );
        assert_eq!(
            substitute("${aws:userid, 'x'}", &ctx, v).as_deref(),
            Some("x")
        );
        assert_eq!(substitute("${aws:userid}", &ctx, v), None);
        assert_eq!(
            substitute("${aws:userid}", &ctx, Some(Version::V2008_10_17)).as_deref(),
            Some("${aws:userid}")
        );
    }
}
