//! The optional permissions boundary of a generated role: the ARN of a managed policy that caps what the role may do,
//! whatever its own policy grants. Every renderer and front end takes it as an input, checked by the one rule here.

/// The permissions boundary a role may be given: a managed policy's ARN, in any partition.
///
/// The CloudFormation templates take it as the parameter [`NAME`](Self::NAME) (empty: no boundary), the Terraform
/// configurations as the variable [`VARIABLE`](Self::VARIABLE) (`null`: no boundary), the runtime crate's
/// `RoleBuilder::permissions_boundary` and the CLI's `--permissions-boundary` as a value; all check it by
/// [`check`](Self::check), and the templates by [`PATTERN`](Self::PATTERN) and [`MAX_LENGTH`](Self::MAX_LENGTH),
/// the same rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PermissionsBoundary;

impl PermissionsBoundary {
    /// The CloudFormation parameter.
    pub const NAME: &'static str = "PermissionsBoundary";

    /// The Terraform variable.
    pub const VARIABLE: &'static str = "permissions_boundary";

    /// A managed policy's ARN: `arn:<partition>:iam::<12-digit account or aws>:policy/<path/><name>`, the partition
    /// `aws` or one that begins with `aws-` (`aws-cn`, `aws-us-gov`, ...), path segments and the name (1 to 128
    /// characters) of letters, digits and `+=,.@_-`.
    pub const PATTERN: &'static str = "^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/([A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{1,128}$";

    /// The longest ARN IAM accepts, in characters.
    pub const MAX_LENGTH: usize = 2048;

    /// An example, for messages and descriptions.
    pub const EXAMPLE: &'static str = "arn:aws:iam::111122223333:policy/MeteringBoundary";

    /// What to supply, in one sentence.
    pub const fn description() -> &'static str {
        "Optional: the ARN of a managed policy to set as the role's permissions boundary, e.g. \
         arn:aws:iam::111122223333:policy/MeteringBoundary; empty for none."
    }

    /// [`PATTERN`](Self::PATTERN) and [`MAX_LENGTH`](Self::MAX_LENGTH) in words, for the templates' messages.
    pub fn constraint() -> String {
        format!(
            "empty, or a managed policy ARN of at most {} characters matching {}",
            Self::MAX_LENGTH,
            Self::PATTERN
        )
    }

    /// Checks a boundary's ARN; `Err` names the part that is wrong, where it starts (the 1-based character), what
    /// was found and what is expected.
    ///
    /// ```
    /// use marketplace_iam_model::PermissionsBoundary;
    ///
    /// assert!(PermissionsBoundary::check("arn:aws-us-gov:iam::111122223333:policy/team/Boundary").is_ok());
    /// assert!(PermissionsBoundary::check("arn:aws:iam::aws:policy/PowerUserAccess").is_ok());
    /// assert_eq!(
    ///     PermissionsBoundary::check("arn:aws:iam::1111:policy/Boundary").unwrap_err(),
    ///     "PermissionsBoundary is not a managed policy ARN: at character 14, the account must be 12 digits or \
    ///      `aws`, got \"1111\" (expected arn:<partition>:iam::<account>:policy/<path/><name>, e.g. \
    ///      arn:aws:iam::111122223333:policy/MeteringBoundary)"
    /// );
    /// ```
    pub fn check(value: &str) -> Result<(), String> {
        match Self::locate(value) {
            None => Ok(()),
            Some((at, what)) => Err(format!(
                "{} is not a managed policy ARN: at character {}, {what} (expected \
                 arn:<partition>:iam::<account>:policy/<path/><name>, e.g. {})",
                Self::NAME,
                at + 1,
                Self::EXAMPLE
            )),
        }
    }

    /// The first problem of `value`: the 0-based character where it is, and what it is.
    fn locate(value: &str) -> Option<(usize, String)> {
        let n = value.chars().count();
        if n > Self::MAX_LENGTH {
            return Some((
                Self::MAX_LENGTH,
                format!(
                    "the ARN is {n} characters long, at most {} are allowed",
                    Self::MAX_LENGTH
                ),
            ));
        }
        // The fields before the resource, each with its rule: `arn`, partition, service, region (empty), account.
        let is_partition = |f: &str| {
            (f == "aws" || f.starts_with("aws-"))
                && f.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        };
        let is_account =
            |f: &str| f == "aws" || (f.len() == 12 && f.bytes().all(|b| b.is_ascii_digit()));
        let rules: [(&FieldRule, &str); 5] = [
            (&|f| f == "arn", "the ARN must begin with `arn:`"),
            (
                &is_partition,
                "the partition must be `aws` or begin with `aws-` (aws-cn, aws-us-gov, ...)",
            ),
            (&|f| f == "iam", "the service must be `iam`"),
            (
                &str::is_empty,
                "the region must be empty (IAM is global: `iam::`)",
            ),
            (&is_account, "the account must be 12 digits or `aws`"),
        ];
        let mut fields = value.splitn(6, ':');
        let mut start = 0;
        for (rule, expected) in rules {
            match fields.next() {
                Some(f) if rule(f) => start += f.chars().count() + 1,
                f => {
                    return Some((
                        start,
                        format!("{expected}, got {:?}", f.unwrap_or_default()),
                    ));
                }
            }
        }
        let resource = fields.next();
        let Some(path) = resource.and_then(|r| r.strip_prefix("policy/")) else {
            return Some((
                start,
                format!(
                    "the resource must be `policy/<path/><name>` (a managed policy, not a role or user), got {:?}",
                    resource.unwrap_or_default()
                ),
            ));
        };
        let mut offset = start + "policy/".len();
        let segments: Vec<&str> = path.split('/').collect();
        for (i, segment) in segments.iter().enumerate() {
            let last = i + 1 == segments.len();
            if segment.is_empty() {
                let what = if last {
                    "the policy name"
                } else {
                    "a path segment"
                };
                return Some((offset, format!("{what} is empty")));
            }
            if let Some((j, c)) = segment
                .chars()
                .enumerate()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
            {
                return Some((
                    offset + j,
                    format!(
                        "{c:?} is not allowed: a policy's path and name hold letters, digits and +=,.@_-"
                    ),
                ));
            }
            if last && segment.chars().count() > 128 {
                return Some((
                    offset,
                    format!(
                        "the policy name is {} characters long, at most 128 are allowed",
                        segment.chars().count()
                    ),
                ));
            }
            offset += segment.chars().count() + 1;
        }
        None
    }
}

/// Whether one field of an ARN is what it must be.
type FieldRule = dyn Fn(&str) -> bool;

#[cfg(test)]
mod tests {
    use super::*;

    /// The templates check with the pattern and the length, the front ends with `check`: the same verdict.
    #[test]
    fn check_and_pattern_agree() {
        let long_name = format!("arn:aws:iam::111122223333:policy/{}", "n".repeat(129));
        let long_arn = format!("arn:aws:iam::111122223333:policy/{}/n", "p/".repeat(1100));
        let cases: &[(&str, bool)] = &[
            ("arn:aws:iam::111122223333:policy/MeteringBoundary", true),
            (
                "arn:aws:iam::111122223333:policy/team/billing/Boundary",
                true,
            ),
            ("arn:aws-cn:iam::111122223333:policy/Boundary", true),
            ("arn:aws-us-gov:iam::111122223333:policy/Boundary", true),
            ("arn:aws-iso-b:iam::111122223333:policy/Boundary", true),
            ("arn:aws:iam::aws:policy/PowerUserAccess", true),
            ("arn:aws:iam::111122223333:policy/a+b=c,d.e@f_g-h", true),
            ("", false),
            ("Boundary", false),
            ("arn:azure:iam::111122223333:policy/Boundary", false),
            ("arn:AWS:iam::111122223333:policy/Boundary", false),
            ("arn:aws:sts::111122223333:policy/Boundary", false),
            ("arn:aws:iam:us-east-1:111122223333:policy/Boundary", false),
            ("arn:aws:iam::1111:policy/Boundary", false),
            ("arn:aws:iam::*:policy/Boundary", false),
            ("arn:aws:iam::111122223333:role/Boundary", false),
            ("arn:aws:iam::111122223333:policy/", false),
            ("arn:aws:iam::111122223333:policy/team//Boundary", false),
            ("arn:aws:iam::111122223333:policy/team/", false),
            ("arn:aws:iam::111122223333:policy/Bound*", false),
            ("arn:aws:iam::111122223333:policy/Bound ary", false),
            (&long_name, false),
            (&long_arn, false),
        ];
        let re = regex::Regex::new(PermissionsBoundary::PATTERN).unwrap();
        for (value, ok) in cases {
            let checked = PermissionsBoundary::check(value);
            assert_eq!(checked.is_ok(), *ok, "{value:?}: {checked:?}");
            let by_pattern =
                re.is_match(value) && value.chars().count() <= PermissionsBoundary::MAX_LENGTH;
            assert_eq!(by_pattern, *ok, "pattern on {value:?}");
        }
    }

    #[test]
    fn errors_say_where_and_what() {
        let cases = [
            (
                "arn:aws:iam::111122223333:role/Boundary",
                "at character 27, the resource must be `policy/<path/><name>`",
            ),
            (
                "arn:aws:iam::111122223333:policy/team//B",
                "at character 39, a path segment is empty",
            ),
            (
                "arn:aws:iam::111122223333:policy/Bound*",
                "at character 39, '*' is not allowed",
            ),
            (
                "arn:gcp:iam::111122223333:policy/B",
                "at character 5, the partition must be",
            ),
            (
                "arn:aws:iam:us-east-1:111122223333:policy/B",
                "at character 13, the region must be empty",
            ),
        ];
        for (value, located) in cases {
            let err = PermissionsBoundary::check(value).unwrap_err();
            assert!(err.contains(located), "{value}: {err}");
        }
    }
}
