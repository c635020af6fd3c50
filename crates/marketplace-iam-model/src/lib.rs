//! The engine of marketplace-iam: reads `policies.toml`, validates it, and renders the IAM policy documents and the
//! page published from it.
//!
//! This is a plain library. The `marketplace-iam-macros` proc macro, `cargo xtask gen-docs` and the CLI are thin
//! callers of it, so the JSON a seller service bakes in at compile time and the JSON published in `docs/policies/`
//! come from the same function, [`render_policy`] (through [`Document::json`]).
//!
//! # Phases
//!
//! Each phase is a file of its name, so the rule behind a message is found by the phase that reports it:
//!
//! 1. **Syntax** (`src/syntax.rs`): the TOML is parsed; a syntax error is reported with its position, in the
//!    project's words, and ends the run (what follows it cannot be trusted).
//! 2. **Read** (`src/read/`): each table against its schema, deployment targets included: missing fields, wrong
//!    types, unknown keys, empty strings, duplicate list entries and an unsupported `schema_version` are all
//!    collected (`src/read/table.rs` is the walk over one table).
//! 3. **Check** (`src/check.rs`): the rules across fields and tables: references resolve, ids are unique and can
//!    become Rust names, action names are exact names from the AWS catalog ([`catalog`]) with no wildcard, no product
//!    or pricing model is empty, and a trust policy names one principal, known parameters and, for another account,
//!    an external ID.
//! 4. **Build** (`src/build.rs`): the typed [`Policies`] (the types are in `src/model/`), only when nothing was found.
//!
//! `src/pipeline.rs` runs the phases ([`parse`]). Beside them, `src/salvage.rs` ([`salvage`]) recovers the Rust
//! names of a broken file for the proc macro's placeholder items; `src/render.rs` writes the policy documents and
//! trust policies, `src/page.rs` the published page and `src/iac/` the templates; `src/diagnostic.rs` renders the
//! problems found.
//!
//! # Examples
//!
//! ```
//! let policies = marketplace_iam_model::load("../../policies.toml")?;
//! for doc in policies.documents() {
//!     println!("docs/policies/{}:\n{}", doc.file_name(), doc.json());
//! }
//! # Ok::<(), marketplace_iam_model::LoadError>(())
//! ```
//!
//! A broken file reports every problem at once:
//!
//! ```
//! let text = r#"
//! schema_version = 1
//! colour = "blue"
//! [page]
//! title = "t"
//! anchor = "a"
//! intro = ["x"]
//! [[actions]]
//! id = "MeterUsage"
//! name = "aws-marketplace:MeterUsag"
//! service = "metering"
//! access_level = "Write"
//! purpose = "p"
//! api_reference = "https://docs.aws.amazon.com/"
//! [[products]]
//! id = "ami"
//! name = "AMI"
//! title = "t"
//! anchor = "a"
//! actions = ["MeterUsage", "MeterUsage"]
//! "#;
//! let err = marketplace_iam_model::parse("policies.toml", text).unwrap_err();
//! assert_eq!(err.len(), 3);
//! let report = err.to_string();
//! assert!(report.contains("unknown key `colour`"));
//! assert!(report.contains("did you mean `aws-marketplace:MeterUsage`?"));
//! assert!(report.contains("`MeterUsage` is listed twice"));
//! ```

#![warn(missing_docs)]

mod build;
pub mod catalog;
mod check;
mod diagnostic;
#[cfg(feature = "iac")]
pub mod iac;
mod ident;
mod json;
mod model;
#[cfg(feature = "docs")]
mod page;
mod pipeline;
mod read;
mod render;
mod salvage;
pub mod suggest;
mod syntax;

use std::fmt;
use std::path::{Path, PathBuf};

pub use diagnostic::{Diagnostic, Diagnostics};
pub use ident::{screaming_snake, upper_camel};
#[cfg(feature = "roles")]
pub use model::PermissionsBoundary;
pub use model::{
    Action, ActionIndex, Availability, Document, EventPattern, ManagedPolicy, NotificationRoute,
    Page, Parameter, Policies, PricingModel, PrincipalKind, Product, QUEUE_POLICY_SID, Requirement,
    SEND_MESSAGE, Service, Source, Target, Trust, TrustCondition,
};
#[cfg(feature = "docs")]
pub use page::render_page;
pub use pipeline::{parse, parse_bytes, parse_with_catalog};
pub use read::SCHEMA_VERSION;
pub use render::{
    CONSUMER_POLICY, ENCRYPTED_CONSUMER_POLICY, QUEUE_POLICY, SUBSCRIBER_POLICY, render_policy,
};
pub use salvage::{Salvaged, salvage};

/// Why [`load`] failed.
///
/// New kinds of failure may be added: match with a `_` arm, or use the accessors.
///
/// # Examples
///
/// ```
/// let err = marketplace_iam_model::load("no/such/policies.toml").unwrap_err();
/// assert_eq!(err.path(), Some(std::path::Path::new("no/such/policies.toml")));
/// assert_eq!(err.io_error().unwrap().kind(), std::io::ErrorKind::NotFound);
/// assert!(err.diagnostics().is_none());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file was read, and has problems; all of them are in here.
    Invalid(Diagnostics),
}

impl LoadError {
    /// The file that could not be read, when that is the failure.
    pub fn path(&self) -> Option<&Path> {
        match self {
            LoadError::Read { path, .. } => Some(path),
            LoadError::Invalid(_) => None,
        }
    }

    /// What the operating system said, when the file could not be read.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            LoadError::Read { source, .. } => Some(source),
            LoadError::Invalid(_) => None,
        }
    }

    /// Every problem found in the file, when it was read and is invalid (the file's name is
    /// [`Diagnostics::path`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("marketplace-iam-load-error-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let file = dir.join("policies.toml");
    /// std::fs::write(&file, "schema_version = 4\n")?;
    /// let err = marketplace_iam_model::load(&file).unwrap_err();
    /// let diags = err.diagnostics().unwrap();
    /// assert_eq!(diags.iter().next().unwrap().message(), "unsupported schema_version 4");
    /// assert!(err.path().is_none() && err.io_error().is_none());
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            LoadError::Invalid(d) => Some(d),
            LoadError::Read { .. } => None,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Read { path, source } => {
                write!(f, "error: could not read `{}`: {source}", path.display())
            }
            LoadError::Invalid(d) => d.fmt(f),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Read { source, .. } => Some(source),
            LoadError::Invalid(d) => Some(d),
        }
    }
}

/// The largest policies file [`load`] and [`read_policies_file`] read: 16 MiB.
///
/// The project's own policies.toml is about 19 KB, and a synthetic one declaring 10,000 actions about 2.3 MB; a
/// file over 16 MiB is not a policies file someone maintains, and is refused rather than read without limit (a
/// device, a FIFO or a mistyped path to a disk image would otherwise be read into memory). [`parse`] has no limit:
/// its caller holds the text already.
pub const MAX_POLICIES_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a policies file, refusing one larger than [`MAX_POLICIES_FILE_BYTES`] with an error of kind
/// [`std::io::ErrorKind::FileTooLarge`]; at most the limit plus one byte is ever read.
///
/// # Examples
///
/// ```
/// let bytes = marketplace_iam_model::read_policies_file("../../policies.toml".as_ref())?;
/// assert!(bytes.starts_with(b"#"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn read_policies_file(path: &Path) -> std::io::Result<Vec<u8>> {
    read_at_most(
        path,
        MAX_POLICIES_FILE_BYTES,
        "a policies file (a policies.toml declaring 10,000 actions is about 2.3 MB); check that the path names the \
         policies.toml you meant",
    )
}

/// Reads a file of at most `limit` bytes (reading at most `limit` + 1); a larger one is an error of kind
/// [`std::io::ErrorKind::FileTooLarge`]: "it is larger than N MiB, the limit for `what`". The bounded read
/// of the project's inputs: policies files here, policy documents in the checker, the command's files.
///
/// # Examples
///
/// ```
/// let err = marketplace_iam_model::read_at_most("../../policies.toml".as_ref(), 1024, "a test")
///     .unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::FileTooLarge);
/// ```
pub fn read_at_most(path: &Path, limit: u64, what: &str) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata().map_or(0, |m| m.len());
    read_at_most_from(file, size, limit, what)
}

/// [`read_at_most`] of any reader (standard input, say). `size` is what it is expected to hold (a file's length;
/// 0 when unknown): the buffer is allocated that large at once, so a file takes its own size in memory, not the
/// next power of two that growing by doubling reaches.
///
/// # Examples
///
/// ```
/// let bytes = marketplace_iam_model::read_at_most_from(&b"{}"[..], 2, 1024, "a test")?;
/// assert_eq!(bytes, b"{}");
/// let err = marketplace_iam_model::read_at_most_from(&[0u8; 2048][..], 0, 1024, "a test").unwrap_err();
/// assert_eq!(err.to_string(), "it is larger than 0 MiB, the limit for a test");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn read_at_most_from(
    input: impl std::io::Read,
    size: u64,
    limit: u64,
    what: &str,
) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(usize::try_from(size.min(limit + 1)).unwrap_or(0));
    input.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "it is larger than {} MiB, the limit for {what}",
                limit >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// Reads and validates a policies file; messages name it by `path` as given. A file larger than
/// [`MAX_POLICIES_FILE_BYTES`] is refused.
///
/// # Examples
///
/// ```
/// let err = marketplace_iam_model::load("no/such/policies.toml").unwrap_err();
/// assert!(err.to_string().starts_with("error: could not read `no/such/policies.toml`"));
/// ```
pub fn load(path: impl AsRef<Path>) -> Result<Policies, LoadError> {
    let path = path.as_ref();
    let bytes = read_policies_file(path).map_err(|source| LoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_bytes(&path.display().to_string(), &bytes).map_err(LoadError::Invalid)
}
