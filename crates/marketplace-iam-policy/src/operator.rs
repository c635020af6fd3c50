//! Condition operators (`StringEquals`, `ForAnyValue:StringLikeIfExists`, ...): their names, and what the values
//! they compare mean (numbers, dates, booleans, CIDR ranges), for the rules that check a policy's values and for
//! evaluation.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use jiff::Timestamp;

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

pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let n: f64 = s.trim().parse().ok()?;
    n.is_finite().then_some(n)
}

/// ISO 8601 (with or without time and offset; without an offset, UTC) or integer epoch seconds.
pub(crate) fn parse_date(s: &str) -> Option<Timestamp> {
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

pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

pub(crate) fn parse_net(s: &str) -> Option<IpNet> {
    let s = s.trim();
    s.parse::<IpNet>()
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))
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
}
