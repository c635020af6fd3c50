//! Deciding a condition against the request context, with AWS's documented rules for absent keys, `…IfExists`
//! and the `ForAnyValue:` / `ForAllValues:` set operators.

use std::net::IpAddr;

use crate::document::{Condition, Version};
use crate::matching::{arn_matches, wildcard_match};
use crate::operator::{BaseOperator, SetOperator, parse_bool, parse_date, parse_net, parse_number};

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
