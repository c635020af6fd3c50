//! Deployable roles: a product type or pricing model's policy on a [`DeploymentTarget`], with the target's trust
//! policy filled in from validated parameters (feature `roles`).

use std::fmt;
use std::str::FromStr;

use marketplace_iam_model::Parameter;

use crate::{DeploymentTarget, ParseError, Policy, PricingModel, ProductType};

/// Whose permissions a role gets: a product type's policy or a pricing model's.
///
/// ```
/// use marketplace_iam::{PolicyChoice, PricingModel, ProductType};
///
/// assert_eq!("saas".parse::<PolicyChoice>(), Ok(PolicyChoice::Product(ProductType::Saas)));
/// assert_eq!(
///     "saas/subscriptions".parse::<PolicyChoice>(),
///     Ok(PolicyChoice::PricingModel(PricingModel::SaasSubscriptions))
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyChoice {
    /// The policy AWS documents for a product type.
    Product(ProductType),
    /// The least-privilege policy of one pricing model.
    PricingModel(PricingModel),
}

impl PolicyChoice {
    /// The choice a marker type stands for.
    ///
    /// ```
    /// use marketplace_iam::{PolicyChoice, ProductType, Saas};
    /// assert_eq!(PolicyChoice::of::<Saas>(), PolicyChoice::Product(ProductType::Saas));
    /// ```
    pub fn of<P: Policy>() -> Self {
        match P::PRICING_MODEL {
            Some(m) => PolicyChoice::PricingModel(m),
            None => PolicyChoice::Product(P::PRODUCT),
        }
    }

    /// The product type.
    pub fn product(self) -> ProductType {
        match self {
            PolicyChoice::Product(p) => p,
            PolicyChoice::PricingModel(m) => m.product(),
        }
    }

    /// `saas` or `saas/subscriptions`.
    pub fn id(self) -> &'static str {
        match self {
            PolicyChoice::Product(p) => p.id(),
            PolicyChoice::PricingModel(m) => m.id(),
        }
    }

    /// The actions the policy grants (empty for a pricing model that makes no call).
    pub fn actions(self) -> &'static [crate::Action] {
        match self {
            PolicyChoice::Product(p) => p.actions(),
            PolicyChoice::PricingModel(m) => m.actions(),
        }
    }

    /// The permissions policy, or `None` for a pricing model that makes no call.
    pub fn policy_json(self) -> Option<&'static str> {
        match self {
            PolicyChoice::Product(p) => Some(p.policy_json()),
            PolicyChoice::PricingModel(m) => m.policy_json(),
        }
    }
}

impl fmt::Display for PolicyChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Parses `<product>` or `<product>/<model>`.
impl FromStr for PolicyChoice {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        if s.contains('/') {
            s.parse().map(PolicyChoice::PricingModel)
        } else {
            s.parse().map(PolicyChoice::Product)
        }
    }
}

/// A role ready to deploy: its trust policy with every parameter filled in, and its permissions policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Where it is used.
    pub target: DeploymentTarget,
    /// Whose policy it has.
    pub choice: PolicyChoice,
    /// The trust policy (who may assume the role).
    pub trust_policy: String,
    /// The permissions policy, byte for byte the published document.
    pub permissions_policy: &'static str,
    /// Whether the role needs an EC2 instance profile.
    pub instance_profile: bool,
}

/// Why a role could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleError {
    /// The target does not run that product type's software.
    NotServed {
        /// The target.
        target: DeploymentTarget,
        /// The product type.
        product: ProductType,
    },
    /// The pricing model makes no call, so it needs no role.
    NoPolicy {
        /// The model.
        model: PricingModel,
        /// Why it needs none.
        reason: &'static str,
    },
    /// Parameters the target's trust policy needs were not given.
    Missing(Vec<&'static str>),
    /// A parameter the target's trust policy does not use was given.
    Unexpected {
        /// Its name.
        name: String,
        /// The ones the target uses.
        expected: &'static [&'static str],
    },
    /// A parameter's value is not valid.
    Invalid {
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for RoleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RoleError::NotServed { target, product } => {
                let serves: Vec<String> = DeploymentTarget::ALL
                    .iter()
                    .filter(|t| t.serves().contains(product))
                    .map(|t| t.to_string())
                    .collect();
                write!(
                    f,
                    "the {} target does not run {} products; their targets are: {}",
                    target,
                    product.name(),
                    serves.join(", ")
                )
            }
            RoleError::NoPolicy { model, reason } => {
                write!(f, "the {model} pricing model needs no role: {reason}")
            }
            RoleError::Missing(names) => write!(f, "missing parameter(s): {}", names.join(", ")),
            RoleError::Unexpected { name, expected } => {
                if expected.is_empty() {
                    write!(f, "unexpected parameter {name}: this target takes none")
                } else {
                    write!(
                        f,
                        "unexpected parameter {name}: this target takes {}",
                        expected.join(", ")
                    )
                }
            }
            RoleError::Invalid { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for RoleError {}

/// Builds a [`Role`]: choose the policy and the target, give the parameters the target's trust policy needs, build.
///
/// Every parameter is validated (a 12-digit account id, an external ID of 2 to 1224 allowed characters, a role ARN,
/// Kubernetes names, an OIDC provider without `https://`), and the target must serve the product.
///
/// ```
/// use marketplace_iam::{ContainerHourlyMonthly, DeploymentTarget, RoleBuilder};
///
/// let role = RoleBuilder::for_policy::<ContainerHourlyMonthly>(DeploymentTarget::Eks)?
///     .parameter("AccountId", "111122223333")
///     .parameter("OidcProvider", "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE")
///     .parameter("Namespace", "metering")
///     .parameter("ServiceAccount", "meter")
///     .build()?;
/// assert!(role.trust_policy.contains("system:serviceaccount:metering:meter"));
/// assert!(role.permissions_policy.contains("aws-marketplace:RegisterUsage"));
///
/// // A SaaS role is assumed from another account, and never without an external ID.
/// let err = RoleBuilder::for_policy::<marketplace_iam::Saas>(DeploymentTarget::CrossAccount)?
///     .parameter("TrustedRoleArn", "arn:aws:iam::444455556666:role/app")
///     .build()
///     .unwrap_err();
/// assert_eq!(err.to_string(), "missing parameter(s): ExternalId");
/// # Ok::<(), marketplace_iam::RoleError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RoleBuilder {
    choice: PolicyChoice,
    target: DeploymentTarget,
    values: Vec<(String, String)>,
}

impl RoleBuilder {
    /// Starts a role with `choice`'s permissions on `target`.
    pub fn new(choice: PolicyChoice, target: DeploymentTarget) -> Result<Self, RoleError> {
        if let PolicyChoice::PricingModel(model) = choice
            && let Some(reason) = model.no_policy_reason()
        {
            return Err(RoleError::NoPolicy { model, reason });
        }
        if !target.serves().contains(&choice.product()) {
            return Err(RoleError::NotServed {
                target,
                product: choice.product(),
            });
        }
        Ok(RoleBuilder {
            choice,
            target,
            values: Vec::new(),
        })
    }

    /// Starts a role with the permissions of the marker type `P` (a product type or pricing model).
    pub fn for_policy<P: Policy>(target: DeploymentTarget) -> Result<Self, RoleError> {
        Self::new(PolicyChoice::of::<P>(), target)
    }

    /// Sets a parameter by name (`AccountId`, `ExternalId`, ...); see [`DeploymentTarget::parameters`].
    #[must_use]
    pub fn parameter(mut self, name: &str, value: impl Into<String>) -> Self {
        self.values.retain(|(n, _)| n != name);
        self.values.push((name.to_owned(), value.into()));
        self
    }

    /// Checks every parameter and fills in the trust policy.
    pub fn build(self) -> Result<Role, RoleError> {
        let expected = self.target.parameters();
        if let Some((name, _)) = self
            .values
            .iter()
            .find(|(n, _)| !expected.contains(&n.as_str()))
        {
            return Err(RoleError::Unexpected {
                name: name.clone(),
                expected,
            });
        }
        let missing: Vec<&'static str> = expected
            .iter()
            .copied()
            .filter(|e| !self.values.iter().any(|(n, _)| n == e))
            .collect();
        if !missing.is_empty() {
            return Err(RoleError::Missing(missing));
        }
        let mut trust = self.target.trust_policy_template().to_owned();
        for (name, value) in &self.values {
            let parameter = Parameter::from_name(name).ok_or_else(|| RoleError::Invalid {
                message: format!(
                    "{name} is not a parameter this version of marketplace-iam can check"
                ),
            })?;
            parameter
                .check(value)
                .map_err(|message| RoleError::Invalid { message })?;
            // Validated values hold no JSON-special character, so they can be placed in the JSON text as they are.
            trust = trust.replace(&format!("${{{name}}}"), value);
        }
        let permissions_policy = self
            .choice
            .policy_json()
            .ok_or_else(|| RoleError::Invalid {
                message: format!("{} has no policy", self.choice),
            })?;
        Ok(Role {
            target: self.target,
            choice: self.choice,
            trust_policy: trust,
            permissions_policy,
            instance_profile: self.target.instance_profile(),
        })
    }
}
