//! A [`Policy`] back to IAM JSON, through serde: the document it writes reads back as the same policy.
//!
//! Lists are always written as arrays, condition values always as strings (IAM compares them as text; the reader
//! already keeps numbers and booleans as their JSON text), and the flattened conditions are grouped back under
//! their operators.

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::document::{
    Actions, Condition, Policy, Principal, PrincipalValue, Resources, Statement, Version,
};
use crate::patterns::Patterns;

impl Serialize for Patterns {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Serialize for Policy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(version) = &self.version {
            map.serialize_entry("Version", version)?;
        }
        if let Some(id) = &self.id {
            map.serialize_entry("Id", id)?;
        }
        map.serialize_entry("Statement", &self.statements)?;
        map.end()
    }
}

impl Serialize for Statement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(sid) = &self.sid {
            map.serialize_entry("Sid", sid)?;
        }
        map.serialize_entry("Effect", &self.effect)?;
        match &self.principal {
            Some(Principal::Principal(p)) => map.serialize_entry("Principal", p)?,
            Some(Principal::NotPrincipal(p)) => map.serialize_entry("NotPrincipal", p)?,
            None => {}
        }
        match &self.actions {
            Actions::Action(a) => map.serialize_entry("Action", a)?,
            Actions::NotAction(a) => map.serialize_entry("NotAction", a)?,
        }
        match &self.resources {
            Some(Resources::Resource(r)) => map.serialize_entry("Resource", r)?,
            Some(Resources::NotResource(r)) => map.serialize_entry("NotResource", r)?,
            None => {}
        }
        if !self.conditions.is_empty() {
            map.serialize_entry("Condition", &ConditionBlock(&self.conditions))?;
        }
        map.end()
    }
}

impl Serialize for PrincipalValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PrincipalValue::Any => s.serialize_str("*"),
            PrincipalValue::Typed(kinds) => {
                let mut map = s.serialize_map(Some(kinds.len()))?;
                for (kind, ids) in kinds {
                    map.serialize_entry(kind, ids)?;
                }
                map.end()
            }
        }
    }
}

/// `Condition`: operator → key → values, operators in the order they first appear.
struct ConditionBlock<'a>(&'a [Condition]);

/// The keys of one operator.
struct OperatorEntries<'a>(Vec<&'a Condition>);

impl Serialize for ConditionBlock<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut groups: Vec<OperatorEntries<'_>> = Vec::new();
        for condition in self.0 {
            match groups
                .iter_mut()
                .find(|g| g.0[0].operator == condition.operator)
            {
                Some(group) => group.0.push(condition),
                None => groups.push(OperatorEntries(vec![condition])),
            }
        }
        let mut map = s.serialize_map(Some(groups.len()))?;
        for group in &groups {
            map.serialize_entry(&group.0[0].operator.to_string(), group)?;
        }
        map.end()
    }
}

impl Serialize for OperatorEntries<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for condition in &self.0 {
            map.serialize_entry(&condition.key, &condition.values)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_element_is_written_and_reads_back_the_same() {
        let text = r#"{"Version": "2012-10-17", "Id": "p1", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
             "Action": "aws-marketplace:MeterUsage", "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1", "aws:PrincipalTag/team": ["a", "b"]},
                           "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
                           "Bool": {"aws:SecureTransport": true}}},
            {"Effect": "Deny", "NotPrincipal": "*", "NotAction": ["s3:*", "ec2:*"],
             "NotResource": "arn:aws:s3:::b/*"},
            {"Effect": "Allow", "Action": "*"}]}"#;
        let policy = Policy::parse("p.json", text).unwrap();
        let json = serde_json::to_string(&policy).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"Version":"2012-10-17","Id":"p1","Statement":["#,
                r#"{"Sid":"A","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root"]},"#,
                r#""Action":["aws-marketplace:MeterUsage"],"Resource":["*"],"#,
                r#""Condition":{"StringEquals":{"aws:SourceVpc":["vpc-1"],"aws:PrincipalTag/team":["a","b"]},"#,
                r#""NumericLessThan":{"aws:MultiFactorAuthAge":["3600"]},"Bool":{"aws:SecureTransport":["true"]}}},"#,
                r#"{"Effect":"Deny","NotPrincipal":"*","NotAction":["s3:*","ec2:*"],"NotResource":["arn:aws:s3:::b/*"]},"#,
                r#"{"Effect":"Allow","Action":["*"]}]}"#
            )
        );
        assert_eq!(Policy::parse("p.json", &json).unwrap(), policy);
    }
}
