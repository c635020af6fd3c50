//! The deployment-target types: where a product's software runs, which role signs its calls, and that role's trust
//! policy (with the `${Parameter}` placeholders a deployer fills in).
//!
//! Data types only: policies.toml's `[[targets]]` tables are read in `read`, checked in `check` and built in
//! `build`; trust policies are rendered with the other JSON in `render`.

use crate::ident;

/// A value a deployer supplies for a trust policy, written `${Name}` in policies.toml (CloudFormation's `Fn::Sub`
/// syntax, so published templates substitute it directly).
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
}

impl Parameter {
    /// Every parameter.
    pub const ALL: [Parameter; 6] = [
        Parameter::AccountId,
        Parameter::OidcProvider,
        Parameter::Namespace,
        Parameter::ServiceAccount,
        Parameter::TrustedRoleArn,
        Parameter::ExternalId,
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
            Parameter::AccountId => {
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

/// Who the trust policy lets assume the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// An AWS service (`ec2.amazonaws.com`).
    Service,
    /// A web identity provider (an EKS cluster's OIDC provider).
    Federated,
    /// An IAM principal in another account.
    Aws,
}

impl PrincipalKind {
    /// Every kind of principal.
    pub const ALL: [PrincipalKind; 3] = [
        PrincipalKind::Service,
        PrincipalKind::Federated,
        PrincipalKind::Aws,
    ];

    /// The kind whose [`key`](Self::key) is `key`, as policies.toml writes it in `principal_kind`.
    ///
    /// # Examples
    ///
    /// ```
    /// use marketplace_iam_model::PrincipalKind;
    ///
    /// assert_eq!(PrincipalKind::from_key("AWS"), Some(PrincipalKind::Aws));
    /// assert_eq!(PrincipalKind::from_key("aws"), None);
    /// ```
    pub fn from_key(key: &str) -> Option<PrincipalKind> {
        PrincipalKind::ALL.into_iter().find(|p| p.key() == key)
    }

    /// The key under `Principal` (`Service`, `Federated`, `AWS`).
    pub const fn key(self) -> &'static str {
        match self {
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::Aws => "AWS",
        }
    }
}

/// One condition of a trust policy: `operator` → `key` → `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustCondition {
    /// A string operator (`StringEquals`, ...).
    pub operator: String,
    /// The condition key; may contain placeholders (`${OidcProvider}:sub`).
    pub key: String,
    /// The value; may contain placeholders.
    pub value: String,
}

/// A role's trust policy, with `${Parameter}` placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trust {
    /// The kind of principal.
    pub principal_kind: PrincipalKind,
    /// The principal (may contain placeholders).
    pub principal: String,
    /// `sts:AssumeRole` or `sts:AssumeRoleWithWebIdentity`.
    pub action: String,
    /// Conditions, in policies.toml order.
    pub conditions: Vec<TrustCondition>,
}

impl Trust {
    /// The parameters the trust policy uses, in order of first use.
    pub fn parameters(&self) -> Vec<Parameter> {
        let mut out = Vec::new();
        let texts = std::iter::once(&self.principal)
            .chain(self.conditions.iter().flat_map(|c| [&c.key, &c.value]));
        for text in texts {
            for name in placeholders(text) {
                if let Some(p) = Parameter::from_name(name)
                    && !out.contains(&p)
                {
                    out.push(p);
                }
            }
        }
        out
    }
}

/// A deployment target: where the software runs and which role signs its metering calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Lowercase id (`eks`); names the published files.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Which role signs the calls, in a sentence.
    pub signer: String,
    /// How to attach the policy, in a sentence.
    pub attach: String,
    /// What it serves: product ids (every policy of the product), or `<product>/<model>` for one pricing model's
    /// policy.
    pub serves: Vec<String>,
    /// Whether the role needs an EC2 instance profile.
    pub instance_profile: bool,
    /// The trust policy.
    pub trust: Trust,
    /// Notes for the page (what is not supported, ...).
    pub notes: Vec<String>,
}

/// An entry of a target's `serves`, split: the product's id, and the pricing model's for an entry that names one
/// (`container/contracts`).
pub(crate) fn served(entry: &str) -> (&str, Option<&str>) {
    match entry.split_once('/') {
        Some((product, model)) => (product, Some(model)),
        None => (entry, None),
    }
}

impl Target {
    /// The ids of the products whose software runs there: those it serves whole, or one pricing model of, in the
    /// order of `serves`, each once.
    pub fn product_ids(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for entry in &self.serves {
            let (product, _) = served(entry);
            if !out.contains(&product) {
                out.push(product);
            }
        }
        out
    }

    /// Its Rust name (`Eks`).
    pub fn type_name(&self) -> String {
        ident::upper_camel(&self.id)
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
