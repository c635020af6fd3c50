//! The deployment-target types: where a product's software runs, which role signs its calls, and that role's trust
//! policy (with the `${Parameter}` placeholders a deployer fills in, [`Parameter`]).
//!
//! Data types only: policies.toml's `[[targets]]` tables are read in `read`, checked in `check` and built in
//! `build`; trust policies are rendered with the other JSON in `render`.

use super::parameter::Parameter;
use crate::ident;

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
        let texts = std::iter::once(self.principal.as_str()).chain(
            self.conditions
                .iter()
                .flat_map(|c| [c.key.as_str(), c.value.as_str()]),
        );
        Parameter::used_in_all(texts)
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
