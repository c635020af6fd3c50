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
}
