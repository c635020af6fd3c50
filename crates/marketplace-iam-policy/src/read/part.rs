//! What IAM refuses in a document because of the part it plays: a statement without `Resource` or `NotResource` in
//! an identity policy or a permissions boundary ("Policy statement must contain resources"). The grammar alone
//! accepts it (an SCP may be read the same way, and [`Policy::parse`] does not know the part), so the rule is
//! applied after reading, where the part is known: [`Policy::parse_as`].

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::document::{Effect, Policy, PolicyError};
use crate::eval::{PolicyFile, PolicyKind};

impl Policy {
    /// Parses a document that plays the part `kind`, refusing what IAM refuses in that part on top of
    /// [`Policy::parse`]: in an identity policy or a permissions boundary, a statement without `Resource` or
    /// `NotResource`. An SCP or an RCP is read as by `parse`: AWS Organizations' SCP syntax does not list `Resource`
    /// among the required elements, so such a statement is left to the report's `missing_resource` warning (it
    /// applies to every resource). A trust policy has no `Resource`: the role it is attached to is the resource.
    ///
    /// ```
    /// use marketplace_iam_policy::{Policy, PolicyKind};
    ///
    /// let text = "{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"aws-marketplace:MeterUsage\"}]}";
    /// let err = Policy::parse_as(PolicyKind::Identity, "role.json", text).unwrap_err();
    /// assert!(err.to_string().starts_with("role.json:2:16: Statement[0]: the statement has neither `Resource` nor"), "{err}");
    /// assert!(Policy::parse_as(PolicyKind::Scp, "scp.json", text).is_ok());
    /// ```
    pub fn parse_as(kind: PolicyKind, file: &str, text: &str) -> Result<Policy, PolicyError> {
        let policy = Policy::parse(file, text)?;
        refuse_for_part(&policy, kind, file, text)?;
        Ok(policy)
    }

    /// [`Policy::parse_bytes`] with the rules of [`Policy::parse_as`].
    pub fn parse_bytes_as(
        kind: PolicyKind,
        file: &str,
        bytes: &[u8],
    ) -> Result<Policy, PolicyError> {
        let policy = Policy::parse_bytes(file, bytes)?;
        // parse_bytes succeeded: the bytes are UTF-8.
        let text = std::str::from_utf8(bytes).unwrap_or_default();
        refuse_for_part(&policy, kind, file, text)?;
        Ok(policy)
    }
}

impl PolicyFile {
    /// Reads an SCP with only `Deny` statements as what it is in an organization: a deny list, attached beside the
    /// `FullAWSAccess` SCP that AWS Organizations attaches to every root, OU and account by default (AWS
    /// Organizations User Guide, "SCP evaluation",
    /// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html>). The
    /// evaluation takes each SCP as a level that must allow, so `FullAWSAccess`'s statement (`Sid`
    /// `FullAWSAccess`) is added after the file's own; returns whether it was. An SCP with an `Allow` is an allow
    /// list and stays as written, as does an empty one. Kept out of the evaluation itself, where adding an `Allow`
    /// never turns an allow into a deny.
    ///
    /// ```
    /// use marketplace_iam_policy::{Decision, PolicyFile, PolicySet};
    ///
    /// let role = PolicyFile::parse("role.json", r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
    ///     "Action": "aws-marketplace:MeterUsage", "Resource": "*"}}"#)?;
    /// let mut scp = PolicyFile::parse("scp.json", r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny",
    ///     "Action": "ec2:*", "Resource": "*"}}"#)?;
    /// assert!(scp.beside_full_aws_access());
    /// let set = PolicySet::new(vec![role]).with_scp(scp);
    /// assert_eq!(set.evaluate("aws-marketplace:MeterUsage", None).decision, Decision::Allow);
    /// # Ok::<(), marketplace_iam_policy::PolicyError>(())
    /// ```
    pub fn beside_full_aws_access(&mut self) -> bool {
        let statements = &self.policy.statements;
        if statements.is_empty() || statements.iter().any(|s| s.effect == Effect::Allow) {
            return false;
        }
        const FULL_AWS_ACCESS: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "FullAWSAccess",
            "Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
        let Ok(full) = Policy::parse("FullAWSAccess", FULL_AWS_ACCESS) else {
            return false;
        };
        self.policy.statements.extend(full.statements);
        true
    }
}

/// The error for the first statement of `policy` (read from `text`) that IAM refuses in the part `kind`.
pub(crate) fn refuse_for_part(
    policy: &Policy,
    kind: PolicyKind,
    file: &str,
    text: &str,
) -> Result<(), PolicyError> {
    if matches!(kind, PolicyKind::Scp | PolicyKind::Rcp | PolicyKind::Trust) {
        return Ok(());
    }
    let Some(index) = policy.statements.iter().position(|s| s.resources.is_none()) else {
        return Ok(());
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (offset, path) = statement_at(text, index);
    let (line, column) = super::line_col(text, offset);
    Err(PolicyError {
        file: file.to_owned(),
        line,
        column,
        path,
        message: format!(
            "the statement has neither `Resource` nor `NotResource`, which IAM refuses in {}: add \
             `\"Resource\": \"*\"` for actions without resource types, or the ARNs it grants",
            kind.with_article()
        ),
    })
}

/// Where statement `index` begins in `text` (a document the readers accepted) and its JSON path: `Statement[i]`,
/// or `Statement` for a single statement object. The start of the document if it cannot be found.
fn statement_at(text: &str, index: usize) -> (usize, String) {
    #[derive(Deserialize)]
    struct Document<'a> {
        #[serde(rename = "Statement", borrow)]
        statement: &'a RawValue,
    }
    let offset = |raw: &RawValue| raw.get().as_ptr() as usize - text.as_ptr() as usize;
    let Ok(document) = serde_json::from_str::<Document<'_>>(text) else {
        return (0, format!("Statement[{index}]"));
    };
    let raw = document.statement;
    if !raw.get().starts_with('[') {
        return (offset(raw), "Statement".to_owned());
    }
    match serde_json::from_str::<Vec<&RawValue>>(raw.get()) {
        Ok(list) => match list.get(index) {
            Some(s) => (offset(s), format!("Statement[{index}]")),
            None => (offset(raw), format!("Statement[{index}]")),
        },
        Err(_) => (offset(raw), format!("Statement[{index}]")),
    }
}
