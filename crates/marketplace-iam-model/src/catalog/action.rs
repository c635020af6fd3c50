//! The types of the catalog's entries: what the generated table (`data.rs`) is made of.

use std::fmt;

/// An IAM access level, as the Service Authorization Reference classifies actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    /// Lists resources.
    List,
    /// Reads data.
    Read,
    /// Creates, changes or deletes something.
    Write,
    /// Changes who may do what.
    PermissionsManagement,
    /// Changes tags.
    Tagging,
}

impl AccessLevel {
    /// Every access level, in the order above.
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// The name AWS uses: `List`, `Read`, `Write`, `Permissions management` or `Tagging`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    /// Reads the name AWS uses (see [`as_str`](Self::as_str)).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == name)
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One action of the catalog: the facts AWS's Service Reference file of its prefix gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogAction {
    /// The full IAM action name, e.g. `aws-marketplace:MeterUsage`.
    pub name: &'static str,
    /// The access level.
    pub access_level: AccessLevel,
    /// Resource types a statement's `Resource` can name; empty means only `"*"` grants the action.
    pub resource_types: &'static [ResourceType],
    /// Condition keys the action supports.
    pub condition_keys: &'static [&'static str],
}

impl CatalogAction {
    /// The service prefix of the action (before the `:`), e.g. `aws-marketplace`.
    pub fn prefix(&self) -> &'static str {
        self.name.split_once(':').map_or(self.name, |(p, _)| p)
    }
}

/// A resource type of a prefix, as an action's `Resource` can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceType {
    /// Its name in the catalog, e.g. `license-configuration`.
    pub name: &'static str,
    /// The ARN formats of its resources, with AWS's placeholders (`${Partition}`, `${Region}`, `${Account}`, ...).
    pub arn_formats: &'static [&'static str],
}

impl ResourceType {
    /// Every resource of this type, as an ARN pattern in the `aws` partition: its first ARN format with
    /// `${Partition}` as `aws` and every other placeholder a wildcard. `None` for a type without an ARN format.
    ///
    /// ```
    /// use marketplace_iam_model::catalog;
    ///
    /// let license = &catalog::lookup("license-manager:GetLicense").unwrap().resource_types[0];
    /// assert_eq!(license.any_arn().as_deref(), Some("arn:aws:license-manager::*:license:*"));
    /// ```
    pub fn any_arn(&self) -> Option<String> {
        let format = self.arn_formats.first()?;
        let mut out = String::with_capacity(format.len());
        let mut rest = *format;
        while let Some(start) = rest.find("${") {
            let Some(end) = rest[start..].find('}') else {
                break;
            };
            out.push_str(&rest[..start]);
            out.push_str(if &rest[start..start + end + 1] == "${Partition}" {
                "aws"
            } else {
                "*"
            });
            rest = &rest[start + end + 1..];
        }
        out.push_str(rest);
        Some(out)
    }

    /// Whether `arn` names a resource of this type: it fits one of the type's ARN formats, where `${Partition}`
    /// stands for any partition (`aws`, `aws-cn`, `aws-us-gov`, ...) and every other placeholder for one or more
    /// characters other than `:`.
    ///
    /// ```
    /// use marketplace_iam_model::catalog;
    ///
    /// let queue = &catalog::lookup("sqs:ReceiveMessage").unwrap().resource_types[0];
    /// assert!(queue.matches_arn("arn:aws:sqs:us-east-1:111122223333:saas-notifications"));
    /// assert!(queue.matches_arn("arn:aws-us-gov:sqs:us-gov-west-1:111122223333:q"));
    /// assert!(!queue.matches_arn("arn:aws:kms:us-east-1:111122223333:key/1234"));
    /// assert!(!queue.matches_arn("arn:aws:sqs:us-east-1:111122223333"));
    /// ```
    pub fn matches_arn(&self, arn: &str) -> bool {
        let Some(partition) = arn
            .strip_prefix("arn:")
            .and_then(|rest| rest.split(':').next())
            .filter(|p| !p.is_empty())
        else {
            return false;
        };
        self.arn_formats.iter().any(|format| {
            let format = format.replace("${Partition}", partition);
            matches_format(arn.as_bytes(), format.as_bytes())
        })
    }
}

/// `text` against a catalog ARN `format`, whose `${...}` placeholders each match one or more bytes other than `:`.
pub(crate) fn matches_format(text: &[u8], format: &[u8]) -> bool {
    match format.strip_prefix(b"${") {
        Some(after) => {
            let Some(close) = after.iter().position(|&b| b == b'}') else {
                return false;
            };
            let tail = &after[close + 1..];
            (1..=text.len())
                .take_while(|&n| text[n - 1] != b':')
                .any(|n| matches_format(&text[n..], tail))
        }
        None => match (format.first(), text.first()) {
            (None, _) => text.is_empty(),
            (Some(f), Some(t)) if f == t => matches_format(&text[1..], &format[1..]),
            _ => false,
        },
    }
}
