//! The project's copy of AWS's IAM catalogs, in AWS's Service Reference JSON format, and `cargo xtask catalog`:
//! the drift between files AWS publishes and that copy.
//!
//! # The format
//!
//! AWS publishes one file per service prefix (the list of them is <https://servicereference.us-east-1.amazonaws.com/>,
//! documented on "Simplified AWS service information for programmatic access",
//! <https://docs.aws.amazon.com/service-authorization/latest/reference/service-reference.html>). A service file is an
//! object:
//!
//! - `Name`: the service prefix (`aws-marketplace`).
//! - `Actions`: one object per action: `Name` (without the prefix), `ActionConditionKeys` (the condition keys the
//!   action supports), `Annotations.Properties` (the four flags below), `Resources` (`[{"Name": ...}]`: the
//!   resource types a statement can name; none means only `"*"`), `SupportedBy` (which IAM features know the
//!   action; not kept).
//! - `Resources`: one object per resource type: `Name`, `ARNFormats`, `ConditionKeys`.
//! - `ConditionKeys`: one object per condition key: `Name`, `Types`.
//! - `Operations` (the API operations and the actions they authorize) and `Version`: `Operations` is not kept;
//!   `Version` is kept when present.
//!
//! Fields AWS adds later are ignored. A required field that is missing or has the wrong type is an error with its
//! line, column and JSON path; so are duplicate actions, resource types or condition keys, an action naming a
//! resource type the file does not define, and flags that no access level has.
//!
//! # Access levels
//!
//! `Annotations.Properties` gives an action's access level (List, Read, Write, Permissions management, Tagging, as
//! the Service Authorization Reference names them) as four flags, `IsList`, `IsPermissionManagement`,
//! `IsTaggingOnly` and `IsWrite`; `format::access_level` is the mapping: no flag is Read, `IsList` List,
//! `IsWrite` Write, `IsPermissionManagement` Permissions management and `IsTaggingOnly` Tagging (each of the last
//! two with or without `IsWrite`, which AWS sets on tagging actions); any other combination is refused.
//!
//! # The copy
//!
//! `crates/marketplace-iam-model/data/catalogs/<prefix>.json`, one file per prefix, normalized: actions, resource
//! types and condition keys sorted by name, lists sorted, two-space indentation and a trailing newline, only the
//! fields above (so that a file only changes when a fact does). `cargo xtask gen-docs` turns it into the engine's
//! table; `cargo xtask catalog --from <file or folder> --write` replaces it with AWS's files.

mod drift;
mod format;
mod table;
#[cfg(test)]
mod tests;

pub use drift::{Mode, run};
pub use format::CATALOG_RS;
pub use table::catalog_table;
