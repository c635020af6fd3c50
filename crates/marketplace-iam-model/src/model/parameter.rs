//! The values a deployer supplies, written `${Name}` in policies.toml: in trust policies (the account, the EKS
//! cluster's OIDC provider, ...) and in the ARN patterns of resource-scoped grants (the product code, the
//! notification queue, its key, ...). Each has one rule, used alike by the engine ([`Parameter::check`]), the
//! published templates (CloudFormation's `AllowedPattern`, Terraform's `validation`) and the command line.

use crate::ident;

/// A value a deployer supplies, written `${Name}` in policies.toml (CloudFormation's `Fn::Sub` syntax, so published
/// templates substitute it directly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Parameter {
    /// The 12-digit id of the AWS account the role is created in.
    AccountId,
    /// The EKS cluster's OIDC provider, without `https://`.
    OidcProvider,
    /// The Kubernetes namespace of the service account.
    Namespace,
    /// The Kubernetes service account the pods run as.
    ServiceAccount,
    /// The ARN of the role, in the application's account, that assumes the seller-account role.
    TrustedRoleArn,
    /// The secret-free identifier the assuming party must present (`sts:ExternalId`).
    ExternalId,
    /// The product code AWS Marketplace gave the product; it names the product's notification topics.
    ProductCode,
    /// The AWS account of the product's notification topics, from the topic ARNs AWS Marketplace gives the seller.
    MarketplaceAccountId,
    /// The name of the seller's notification queue (a standard queue).
    QueueName,
    /// The id of the AWS KMS key that encrypts the notification queue.
    KeyId,
}

impl Parameter {
    /// Every parameter.
    pub const ALL: [Parameter; 10] = [
        Parameter::AccountId,
        Parameter::OidcProvider,
        Parameter::Namespace,
        Parameter::ServiceAccount,
        Parameter::TrustedRoleArn,
        Parameter::ExternalId,
        Parameter::ProductCode,
        Parameter::MarketplaceAccountId,
        Parameter::QueueName,
        Parameter::KeyId,
    ];

    /// The name used in `${...}` placeholders and as the CloudFormation parameter (`AccountId`).
    pub const fn name(self) -> &'static str {
        match self {
            Parameter::AccountId => "AccountId",
            Parameter::OidcProvider => "OidcProvider",
            Parameter::Namespace => "Namespace",
            Parameter::ServiceAccount => "ServiceAccount",
            Parameter::TrustedRoleArn => "TrustedRoleArn",
            Parameter::ExternalId => "ExternalId",
            Parameter::ProductCode => "ProductCode",
            Parameter::MarketplaceAccountId => "MarketplaceAccountId",
            Parameter::QueueName => "QueueName",
            Parameter::KeyId => "KeyId",
        }
    }

    /// The Terraform variable name (`account_id`).
    pub fn variable(self) -> String {
        ident::screaming_snake(self.name()).to_ascii_lowercase()
    }

    /// What to supply, in one sentence.
    pub const fn description(self) -> &'static str {
        match self {
            Parameter::AccountId => "The 12-digit id of the AWS account the role is created in.",
            Parameter::OidcProvider => {
                "The EKS cluster's OIDC provider without https://, e.g. oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE."
            }
            Parameter::Namespace => {
                "The Kubernetes namespace of the service account the pods run as."
            }
            Parameter::ServiceAccount => "The Kubernetes service account the pods run as.",
            Parameter::TrustedRoleArn => {
                "The ARN of the role in the application's AWS account that assumes this role, e.g. arn:aws:iam::111122223333:role/saas-app."
            }
            Parameter::ExternalId => {
                "The external ID the application presents when it assumes the role: 2 to 1224 characters of letters, digits and +=,.@:/-_"
            }
            Parameter::ProductCode => {
                "The product code AWS Marketplace gave the product (letters and digits), as in its notification topics' names."
            }
            Parameter::MarketplaceAccountId => {
                "The 12-digit AWS account of the product's notification topics, as in the topic ARNs AWS Marketplace gave you at product creation."
            }
            Parameter::QueueName => {
                "The name of the notification queue: 1 to 80 letters, digits, - or _ (a standard queue, as the published stacks create: the product's SNS topics are standard topics, which cannot deliver to a FIFO queue)."
            }
            Parameter::KeyId => {
                "The id of the customer managed AWS KMS key that encrypts the queue: a key id such as 1234abcd-12ab-34cd-56ef-1234567890ab, or mrk-... for a multi-Region key."
            }
        }
    }

    /// The pattern a value must match (as a regular expression, for CloudFormation's `AllowedPattern` and Terraform's
    /// `validation`); with [`length`](Self::length), the same rule as [`check`](Self::check).
    pub const fn pattern(self) -> &'static str {
        match self {
            Parameter::AccountId => "^[0-9]{12}$",
            Parameter::OidcProvider => "^[a-z0-9.-]+(/[A-Za-z0-9._-]+)*$",
            Parameter::Namespace | Parameter::ServiceAccount => {
                "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"
            }
            Parameter::TrustedRoleArn => {
                "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$"
            }
            Parameter::ExternalId => "^[A-Za-z0-9+=,.@:/_-]+$",
            Parameter::ProductCode => "^[A-Za-z0-9]+$",
            Parameter::MarketplaceAccountId => "^[0-9]{12}$",
            Parameter::QueueName => "^[A-Za-z0-9_-]+$",
            Parameter::KeyId => {
                "^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$"
            }
        }
    }

    /// The shortest and longest value allowed, in characters (checked apart from [`pattern`](Self::pattern), whose
    /// repetition counts stay within what every regex engine accepts).
    pub const fn length(self) -> (usize, usize) {
        match self {
            Parameter::AccountId => (12, 12),
            Parameter::OidcProvider => (1, 2048),
            Parameter::Namespace | Parameter::ServiceAccount => (1, 253),
            Parameter::TrustedRoleArn => (20, 2048),
            Parameter::ExternalId => (2, 1224),
            // A topic name is at most 256 characters; `aws-mp-subscription-notification-` takes 33 of them.
            Parameter::ProductCode => (1, 223),
            Parameter::MarketplaceAccountId => (12, 12),
            Parameter::QueueName => (1, 80),
            Parameter::KeyId => (36, 36),
        }
    }

    /// [`length`](Self::length) and [`pattern`](Self::pattern) in words, for the templates' validation messages.
    ///
    /// # Examples
    ///
    /// ```
    /// use marketplace_iam_model::Parameter;
    ///
    /// assert_eq!(Parameter::AccountId.constraint(), "12 to 12 characters matching ^[0-9]{12}$");
    /// ```
    pub fn constraint(self) -> String {
        let (min, max) = self.length();
        format!("{min} to {max} characters matching {}", self.pattern())
    }

    /// The parameter named `name` (as written between `${` and `}`).
    pub fn from_name(name: &str) -> Option<Parameter> {
        Parameter::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Replaces every `${Name}` placeholder of `text` with its value from `values`, each checked first; `Err` names
    /// the parameter left unfilled or the value refused, and the rule.
    ///
    /// ```
    /// use marketplace_iam_model::Parameter;
    ///
    /// let pattern = "arn:aws:sqs:us-east-1:${AccountId}:${QueueName}";
    /// let values = [(Parameter::AccountId, "111122223333"), (Parameter::QueueName, "notifications")];
    /// assert_eq!(
    ///     Parameter::fill(pattern, &values).unwrap(),
    ///     "arn:aws:sqs:us-east-1:111122223333:notifications"
    /// );
    /// assert_eq!(
    ///     Parameter::fill(pattern, &values[..1]).unwrap_err(),
    ///     "`${QueueName}` is not filled: give QueueName (The name of the notification queue: 1 to 80 letters, \
    ///      digits, - or _ (a standard queue, as the published stacks create: the product's SNS topics are standard \
    ///      topics, which cannot deliver to a FIFO queue).)"
    /// );
    /// ```
    pub fn fill(text: &str, values: &[(Parameter, &str)]) -> Result<String, String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let Some((name, after)) = rest[start + 2..].split_once('}') else {
                return Err(format!("`{}` has an unclosed `${{`", text));
            };
            let Some(parameter) = Parameter::from_name(name) else {
                return Err(format!("`${{{name}}}` is not a parameter"));
            };
            let Some((_, value)) = values.iter().find(|(p, _)| *p == parameter) else {
                return Err(format!(
                    "`${{{name}}}` is not filled: give {name} ({})",
                    parameter.description()
                ));
            };
            parameter.check(value)?;
            out.push_str(value);
            rest = after;
        }
        out.push_str(rest);
        Ok(out)
    }

    /// The parameters whose `${Name}` placeholders `text` holds, in order of first use (other `${...}`, such as IAM
    /// policy variables, are not parameters).
    ///
    /// ```
    /// use marketplace_iam_model::Parameter;
    ///
    /// let text = "arn:aws:sqs:us-east-1:${AccountId}:${QueueName} ${aws:username} ${AccountId}";
    /// assert_eq!(Parameter::used_in(text), [Parameter::AccountId, Parameter::QueueName]);
    /// ```
    pub fn used_in(text: &str) -> Vec<Parameter> {
        Parameter::used_in_all([text])
    }

    /// [`used_in`](Self::used_in) over several texts: each parameter once, in order of first use across them.
    ///
    /// ```
    /// use marketplace_iam_model::Parameter;
    ///
    /// let texts = ["${QueueName}", "${AccountId}:${QueueName}"];
    /// assert_eq!(Parameter::used_in_all(texts), [Parameter::QueueName, Parameter::AccountId]);
    /// ```
    pub fn used_in_all<'t>(texts: impl IntoIterator<Item = &'t str>) -> Vec<Parameter> {
        let mut out = Vec::new();
        for text in texts {
            for p in placeholders(text).filter_map(Parameter::from_name) {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }

    /// Checks a value against the rule of [`pattern`](Self::pattern); `Err` says what is wrong.
    ///
    /// ```
    /// use marketplace_iam_model::Parameter;
    /// assert!(Parameter::AccountId.check("123456789012").is_ok());
    /// assert_eq!(
    ///     Parameter::AccountId.check("12345").unwrap_err(),
    ///     "AccountId must be exactly 12 digits, got 5 characters"
    /// );
    /// ```
    pub fn check(self, value: &str) -> Result<(), String> {
        let name = self.name();
        let chars_ok = |allowed: &dyn Fn(char) -> bool| value.chars().all(allowed);
        match self {
            Parameter::AccountId | Parameter::MarketplaceAccountId => {
                if value.len() == 12 && chars_ok(&|c| c.is_ascii_digit()) {
                    Ok(())
                } else {
                    Err(format!(
                        "{name} must be exactly 12 digits, got {} characters",
                        value.chars().count()
                    ))
                }
            }
            Parameter::ExternalId => {
                let n = value.chars().count();
                if !(2..=1224).contains(&n) {
                    Err(format!("{name} must be 2 to 1224 characters long, got {n}"))
                } else if let Some(c) = value
                    .chars()
                    .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@:/_-".contains(*c)))
                {
                    Err(format!(
                        "{name} may only contain letters, digits and +=,.@:/-_, found {c:?}"
                    ))
                } else {
                    Ok(())
                }
            }
            Parameter::OidcProvider => {
                let mut parts = value.split('/');
                let host = parts.next().unwrap_or_default();
                let host_ok = !host.is_empty()
                    && host.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-'
                    });
                let path_ok = parts.all(|p| {
                    !p.is_empty()
                        && p.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
                });
                if value.starts_with("https://") {
                    Err(format!("{name} is written without https://"))
                } else if host_ok && path_ok {
                    Ok(())
                } else {
                    Err(format!(
                        "{name} must look like oidc.eks.<region>.amazonaws.com/id/<id>, got {value:?}"
                    ))
                }
            }
            Parameter::Namespace | Parameter::ServiceAccount => {
                let bytes = value.as_bytes();
                let edge = |b: Option<&u8>| {
                    b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                };
                if (1..=253).contains(&value.len())
                    && edge(bytes.first())
                    && edge(bytes.last())
                    && chars_ok(&|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'
                    })
                {
                    Ok(())
                } else {
                    Err(format!(
                        "{name} must be a Kubernetes name: 1 to 253 lowercase letters, digits, '-' or '.', starting and ending with a letter or digit, got {value:?}"
                    ))
                }
            }
            Parameter::ProductCode => {
                let n = value.chars().count();
                if !(1..=223).contains(&n) {
                    Err(format!("{name} must be 1 to 223 characters long, got {n}"))
                } else if let Some(c) = value.chars().find(|c| !c.is_ascii_alphanumeric()) {
                    Err(format!(
                        "{name} may only contain letters and digits, found {c:?}"
                    ))
                } else {
                    Ok(())
                }
            }
            Parameter::QueueName => {
                let n = value.chars().count();
                if value.ends_with(".fifo") {
                    Err(format!(
                        "{name} names a FIFO queue ({value:?}): the product's SNS topics are standard topics, \
                         which cannot deliver to a FIFO queue, and the published stacks create a standard queue; \
                         name a standard queue"
                    ))
                } else if !(1..=80).contains(&n) {
                    Err(format!("{name} must be 1 to 80 characters long, got {n}"))
                } else if let Some(c) = value
                    .chars()
                    .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
                {
                    Err(format!(
                        "{name} may only contain letters, digits, - and _, found {c:?}"
                    ))
                } else {
                    Ok(())
                }
            }
            Parameter::KeyId => {
                let hex = |s: &str| {
                    s.chars()
                        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
                };
                let groups: Vec<&str> = value.split('-').collect();
                let uuid = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
                    && groups.iter().all(|g| hex(g));
                let multi_region = value
                    .strip_prefix("mrk-")
                    .is_some_and(|rest| rest.len() == 32 && hex(rest));
                if uuid || multi_region {
                    Ok(())
                } else if value.starts_with("alias/") || value.starts_with("arn:") {
                    Err(format!(
                        "{name} is the key's id, not an alias or an ARN, got {value:?}"
                    ))
                } else {
                    Err(format!(
                        "{name} must be a key id such as 1234abcd-12ab-34cd-56ef-1234567890ab (lowercase hex) or mrk- and 32 hex digits, got {value:?}"
                    ))
                }
            }
            Parameter::TrustedRoleArn => {
                let rest = value
                    .strip_prefix("arn:")
                    .and_then(|r| r.split_once(":iam::"));
                let ok = rest.is_some_and(|(partition, tail)| {
                    partition.starts_with("aws")
                        && partition
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c == '-')
                        && tail.split_once(":role/").is_some_and(|(account, path)| {
                            account.len() == 12
                                && account.chars().all(|c| c.is_ascii_digit())
                                && (1..=512).contains(&path.len())
                                && path
                                    .chars()
                                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_/-".contains(c))
                        })
                });
                if ok {
                    Ok(())
                } else {
                    Err(format!(
                        "{name} must be a role ARN such as arn:aws:iam::111122223333:role/saas-app, got {value:?}"
                    ))
                }
            }
        }
    }
}

/// The `${Name}` placeholders in `text`.
pub(crate) fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split("${")
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_checks_accept_good_and_refuse_bad_values() {
        let cases: &[(Parameter, &str, bool)] = &[
            (Parameter::AccountId, "123456789012", true),
            (Parameter::AccountId, "12345678901", false),
            (Parameter::AccountId, "12345678901a", false),
            (Parameter::ExternalId, "ab", true),
            (Parameter::ExternalId, "a", false),
            (Parameter::ExternalId, &"x".repeat(1224), true),
            (Parameter::ExternalId, &"x".repeat(1225), false),
            (Parameter::ExternalId, "with space", false),
            (Parameter::ExternalId, "Tenant-42:prod/a=b,c.d@e+f_g", true),
            (
                Parameter::OidcProvider,
                "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
                true,
            ),
            (
                Parameter::OidcProvider,
                "https://oidc.eks.us-east-1.amazonaws.com/id/X",
                false,
            ),
            (
                Parameter::OidcProvider,
                "oidc.eks.us-east-1.amazonaws.com//x",
                false,
            ),
            (Parameter::Namespace, "metering", true),
            (Parameter::Namespace, "Metering", false),
            (Parameter::Namespace, "-x", false),
            (Parameter::ServiceAccount, "meter-sa", true),
            (Parameter::ServiceAccount, "", false),
            (
                Parameter::TrustedRoleArn,
                "arn:aws:iam::111122223333:role/saas-app",
                true,
            ),
            (
                Parameter::TrustedRoleArn,
                "arn:aws-us-gov:iam::111122223333:role/path/app",
                true,
            ),
            (
                Parameter::TrustedRoleArn,
                "arn:aws:iam::111122223333:user/bob",
                false,
            ),
            (Parameter::TrustedRoleArn, "arn:aws:iam::*:role/x", false),
            (Parameter::TrustedRoleArn, "*", false),
            (Parameter::ProductCode, "n0123example4567890abcdef", true),
            (Parameter::ProductCode, "prod-code", false),
            (Parameter::ProductCode, "", false),
            (Parameter::ProductCode, &"a".repeat(224), false),
            (Parameter::MarketplaceAccountId, "287250355862", true),
            (Parameter::MarketplaceAccountId, "28725035586", false),
            (Parameter::QueueName, "saas-notifications", true),
            (Parameter::QueueName, "Queue_1", true),
            (Parameter::QueueName, "notifications.fifo", false),
            (Parameter::QueueName, "with space", false),
            (Parameter::QueueName, &"q".repeat(81), false),
            (
                Parameter::KeyId,
                "1234abcd-12ab-34cd-56ef-1234567890ab",
                true,
            ),
            (
                Parameter::KeyId,
                "mrk-1234abcd12ab34cd56ef1234567890ab",
                true,
            ),
            (
                Parameter::KeyId,
                "1234ABCD-12ab-34cd-56ef-1234567890ab",
                false,
            ),
            (Parameter::KeyId, "alias/notifications", false),
            (Parameter::KeyId, "1234abcd-12ab-34cd-56ef", false),
        ];
        for (p, v, ok) in cases {
            assert_eq!(p.check(v).is_ok(), *ok, "{p:?} {v:?}: {:?}", p.check(v));
            // The published templates validate with pattern + length: the same verdict.
            let re = regex::Regex::new(p.pattern()).unwrap();
            let (min, max) = p.length();
            let n = v.chars().count();
            assert_eq!(
                re.is_match(v) && (min..=max).contains(&n),
                *ok,
                "pattern of {p:?} on {v:?}"
            );
        }
    }

    #[test]
    fn terraform_variable_names() {
        assert_eq!(Parameter::AccountId.variable(), "account_id");
        assert_eq!(Parameter::TrustedRoleArn.variable(), "trusted_role_arn");
    }
}
