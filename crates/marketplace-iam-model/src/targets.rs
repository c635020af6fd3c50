//! Deployment targets: where a product's software runs, which role signs its calls, and that role's trust policy.

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ident;
use crate::reader::{Str, Table, backticked};
use crate::render::push_json_string;

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

    /// The canonical trust policy JSON, placeholders kept (`${AccountId}`); byte-stable like
    /// [`render_policy`](crate::render_policy).
    pub fn render(&self) -> String {
        let mut out =
            String::from("{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n");
        out.push_str(
            "            \"Effect\": \"Allow\",\n            \"Principal\": {\n                ",
        );
        push_json_string(&mut out, self.principal_kind.key());
        out.push_str(": ");
        push_json_string(&mut out, &self.principal);
        out.push_str("\n            },\n            \"Action\": ");
        push_json_string(&mut out, &self.action);
        if !self.conditions.is_empty() {
            out.push_str(",\n            \"Condition\": {");
            let mut operators: Vec<&str> = Vec::new();
            for c in &self.conditions {
                if !operators.contains(&c.operator.as_str()) {
                    operators.push(&c.operator);
                }
            }
            for (i, op) in operators.iter().enumerate() {
                out.push_str(if i == 0 {
                    "\n                "
                } else {
                    ",\n                "
                });
                push_json_string(&mut out, op);
                out.push_str(": {");
                for (j, c) in self
                    .conditions
                    .iter()
                    .filter(|c| c.operator == *op)
                    .enumerate()
                {
                    out.push_str(if j == 0 {
                        "\n                    "
                    } else {
                        ",\n                    "
                    });
                    push_json_string(&mut out, &c.key);
                    out.push_str(": ");
                    push_json_string(&mut out, &c.value);
                }
                out.push_str("\n                }");
            }
            out.push_str("\n            }");
        }
        out.push_str("\n        }\n    ]\n}\n");
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
    /// Ids of the products it serves (every pricing model of each).
    pub serves: Vec<String>,
    /// Whether the role needs an EC2 instance profile.
    pub instance_profile: bool,
    /// The trust policy.
    pub trust: Trust,
    /// Notes for the page (what is not supported, ...).
    pub notes: Vec<String>,
}

impl Target {
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

pub(crate) const TARGET_KEYS: &[&str] = &[
    "id",
    "name",
    "signer",
    "attach",
    "serves",
    "instance_profile",
    "trust",
    "notes",
];
const TRUST_KEYS: &[&str] = &["principal_kind", "principal", "action", "conditions"];
const CONDITION_KEYS: &[&str] = &["operator", "key", "value"];
const TRUST_ACTIONS: &[&str] = &["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"];

/// Reads and checks the `[[targets]]` tables. `products` are the declared product ids.
pub(crate) fn read_targets(
    diags: &mut Diagnostics,
    root: &Table<'_, '_>,
    products: &[&str],
) -> Vec<Option<Target>> {
    let Some((tables, _)) = root.tables(
        diags,
        "targets",
        false,
        &|n| format!("target #{n}"),
        TARGET_KEYS,
    ) else {
        return Vec::new();
    };
    let mut ids: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for mut t in tables {
        let id = t.string(diags, "id", "\"ecs\"");
        if let Some(id) = &id {
            t.set_what(format!("target `{}`", id.get_ref()));
            crate::load::check_kebab_id(diags, id, "target");
            if !ids.insert(id.get_ref().clone()) {
                diags.push(crate::load::duplicate_id(
                    id,
                    "target",
                    "give each target a different id",
                ));
            }
        }
        let name = t.string(diags, "name", "\"...\"");
        let signer = t.string(diags, "signer", "\"...\"");
        let attach = t.string(diags, "attach", "\"...\"");
        let serves = t.strings(diags, "serves", Some("[\"container\"]"));
        if let Some(list) = &serves {
            if list.written == 0 {
                diags.push(
                    Diagnostic::spanned(
                        format!("{} serves no product", t.what()),
                        list.span.clone(),
                    )
                    .with_label("empty list")
                    .with_help(format!(
                        "list the product ids it serves: {}",
                        backticked(products)
                    )),
                );
            }
            for item in &list.items {
                if !products.contains(&item.get_ref().as_str()) {
                    diags.push(
                        Diagnostic::spanned(
                            format!("product `{}` is not declared", item.get_ref()),
                            item.span(),
                        )
                        .with_label("no `[[products]]` table has this id")
                        .with_help(format!(
                            "use a declared product id: {}",
                            backticked(products)
                        )),
                    );
                }
            }
        }
        let instance_profile = t.bool(diags, "instance_profile");
        let notes = t.strings(diags, "notes", None);
        let trust = t
            .table(
                diags,
                "trust",
                &format!("the trust policy of {}", t.what()),
                TRUST_KEYS,
            )
            .and_then(|tr| read_trust(diags, &tr));
        out.push((|| {
            Some(Target {
                id: id?.into_inner(),
                name: name?.into_inner(),
                signer: signer?.into_inner(),
                attach: attach?.into_inner(),
                serves: serves?.items.into_iter().map(|s| s.into_inner()).collect(),
                instance_profile: instance_profile.unwrap_or(false),
                trust: trust?,
                notes: notes
                    .map(|n| n.items.into_iter().map(|s| s.into_inner()).collect())
                    .unwrap_or_default(),
            })
        })());
    }
    out
}

fn read_trust(diags: &mut Diagnostics, t: &Table<'_, '_>) -> Option<Trust> {
    let kind = t.string(diags, "principal_kind", "\"Service\"");
    let principal = t.string(diags, "principal", "\"ecs-tasks.amazonaws.com\"");
    let action = t.string(diags, "action", "\"sts:AssumeRole\"");
    let principal_kind = kind.as_ref().and_then(|k| {
        let parsed = [
            PrincipalKind::Service,
            PrincipalKind::Federated,
            PrincipalKind::Aws,
        ]
        .into_iter()
        .find(|p| p.key() == k.get_ref());
        if parsed.is_none() {
            diags.push(
                Diagnostic::spanned(
                    format!("unknown principal kind `{}`", k.get_ref()),
                    k.span(),
                )
                .with_label("not a principal kind")
                .with_help("write `Service`, `Federated` or `AWS`"),
            );
        }
        parsed
    });
    if let Some(p) = &principal {
        if p.get_ref().contains('*') {
            diags.push(
                Diagnostic::spanned("wildcard principal in a trust policy", p.span())
                    .with_label("anyone matching this could assume the role")
                    .with_help(
                        "name the one service, identity provider or role that assumes the role",
                    ),
            );
        }
        check_placeholders(diags, p);
    }
    if let Some(a) = &action
        && !TRUST_ACTIONS.contains(&a.get_ref().as_str())
    {
        diags.push(
            Diagnostic::spanned(
                format!("unsupported trust action `{}`", a.get_ref()),
                a.span(),
            )
            .with_label("not a role-assumption action")
            .with_help(format!("write one of {}", backticked(TRUST_ACTIONS))),
        );
    }
    let mut conditions = Vec::new();
    if let Some((tables, _)) = t.tables(
        diags,
        "conditions",
        false,
        &|n| format!("condition #{n}"),
        CONDITION_KEYS,
    ) {
        for c in tables {
            let operator = c.string(diags, "operator", "\"StringEquals\"");
            let key = c.string(diags, "key", "\"aws:SourceAccount\"");
            let value = c.string(diags, "value", "\"${AccountId}\"");
            if let Some(op) = &operator
                && !matches!(
                    op.get_ref().as_str(),
                    "StringEquals" | "StringLike" | "ArnEquals" | "ArnLike"
                )
            {
                diags.push(
                    Diagnostic::spanned(
                        format!("unsupported condition operator `{}`", op.get_ref()),
                        op.span(),
                    )
                    .with_label("not allowed in a trust policy here")
                    .with_help("write `StringEquals`, `StringLike`, `ArnEquals` or `ArnLike`"),
                );
            }
            for s in [&key, &value].into_iter().flatten() {
                check_placeholders(diags, s);
            }
            if let (Some(operator), Some(key), Some(value)) = (operator, key, value) {
                conditions.push(TrustCondition {
                    operator: operator.into_inner(),
                    key: key.into_inner(),
                    value: value.into_inner(),
                });
            }
        }
    }
    let trust = Trust {
        principal_kind: principal_kind?,
        principal: principal?.into_inner(),
        action: action?.into_inner(),
        conditions,
    };
    // Least privilege for roles assumed from another account: without an external ID, any principal the trusted
    // account lets assume roles can act for it (the confused deputy problem).
    if trust.principal_kind == PrincipalKind::Aws
        && !trust
            .conditions
            .iter()
            .any(|c| c.key == "sts:ExternalId" && c.operator == "StringEquals")
    {
        diags.push(
            Diagnostic::spanned("a cross-account trust policy without an `sts:ExternalId` condition", t.span())
                .with_label("in this trust policy")
                .with_help("add a condition `operator = \"StringEquals\"`, `key = \"sts:ExternalId\"`, `value = \"${ExternalId}\"`"),
        );
    }
    Some(trust)
}

fn check_placeholders(diags: &mut Diagnostics, s: &Str) {
    for name in placeholders(s.get_ref()) {
        if Parameter::from_name(name).is_none() {
            let known: Vec<&str> = Parameter::ALL.iter().map(|p| p.name()).collect();
            diags.push(
                Diagnostic::spanned(format!("unknown parameter `${{{name}}}`"), s.span())
                    .with_label("not a known parameter")
                    .with_help(format!("the parameters are {}", backticked(&known))),
            );
        }
    }
    if s.get_ref().matches("${").count() != placeholders(s.get_ref()).count() {
        diags.push(
            Diagnostic::spanned("unclosed `${` in a placeholder", s.span())
                .with_label("no closing `}`")
                .with_help("write placeholders as `${AccountId}`"),
        );
    }
}

/// Writes `name: value` lines for the page's parameter list.
#[cfg(feature = "docs")]
pub(crate) fn describe_parameters(out: &mut String, parameters: &[Parameter]) {
    use std::fmt::Write as _;
    for p in parameters {
        let _ = writeln!(out, "- `{}`: {}", p.name(), p.description());
    }
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
    fn trust_policy_renders_canonically_with_placeholders() {
        let trust = Trust {
            principal_kind: PrincipalKind::Federated,
            principal: "arn:aws:iam::${AccountId}:oidc-provider/${OidcProvider}".into(),
            action: "sts:AssumeRoleWithWebIdentity".into(),
            conditions: vec![
                TrustCondition {
                    operator: "StringEquals".into(),
                    key: "${OidcProvider}:sub".into(),
                    value: "system:serviceaccount:${Namespace}:${ServiceAccount}".into(),
                },
                TrustCondition {
                    operator: "StringEquals".into(),
                    key: "${OidcProvider}:aud".into(),
                    value: "sts.amazonaws.com".into(),
                },
            ],
        };
        assert_eq!(
            trust.parameters(),
            [
                Parameter::AccountId,
                Parameter::OidcProvider,
                Parameter::Namespace,
                Parameter::ServiceAccount
            ]
        );
        let json = trust.render();
        assert!(json.ends_with("}\n"));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let st = &v["Statement"][0];
        assert_eq!(
            st["Principal"]["Federated"],
            "arn:aws:iam::${AccountId}:oidc-provider/${OidcProvider}"
        );
        assert_eq!(
            st["Condition"]["StringEquals"]["${OidcProvider}:aud"],
            "sts.amazonaws.com"
        );
        assert_eq!(json, trust.render());
    }

    #[test]
    fn terraform_variable_names() {
        assert_eq!(Parameter::AccountId.variable(), "account_id");
        assert_eq!(Parameter::TrustedRoleArn.variable(), "trusted_role_arn");
    }
}
