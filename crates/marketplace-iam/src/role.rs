//! Deployable roles: a product type or pricing model's policy on a deployment target, with the target's trust
//! policy filled in from validated parameters (feature `roles`).

use std::fmt;
use std::str::FromStr;

use crate::{Parameter, ParseError, Policy, PolicySpec, PricingModel, ProductType, TargetSpec};

/// Whose permissions a role gets: one of this crate's product types or pricing models, chosen at run time (for
/// your own `policies!` types, pass their `spec()` or use [`RoleBuilder::for_policy`]).
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
    /// Every product type and pricing model, each product type followed by its pricing models.
    ///
    /// ```
    /// let ids: Vec<String> = marketplace_iam::PolicyChoice::all().map(|c| c.to_string()).collect();
    /// assert_eq!(ids[..2], ["saas", "saas/subscriptions"]);
    /// ```
    pub fn all() -> impl Iterator<Item = PolicyChoice> {
        ProductType::ALL.iter().flat_map(|&p| {
            std::iter::once(PolicyChoice::Product(p)).chain(
                p.pricing_models()
                    .iter()
                    .map(|&m| PolicyChoice::PricingModel(m)),
            )
        })
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
        self.spec().id()
    }

    /// Display name (`SaaS Subscriptions`).
    pub fn name(self) -> &'static str {
        self.spec().name()
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
        self.spec().policy_json()
    }

    /// Everything policies.toml says about the policy.
    pub fn spec(self) -> &'static PolicySpec {
        match self {
            PolicyChoice::Product(p) => p.spec(),
            PolicyChoice::PricingModel(m) => m.spec(),
        }
    }
}

impl From<PolicyChoice> for &'static PolicySpec {
    fn from(choice: PolicyChoice) -> Self {
        choice.spec()
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
///
/// Both documents write ARNs of the commercial partition (`arn:aws:`), as the published documents do: to deploy in
/// AWS GovCloud (US) or the China Regions, write them `arn:aws-us-gov:` or `arn:aws-cn:` (the published CloudFormation
/// templates and Terraform configurations take the partition from the deployment instead).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Role {
    /// Where it is used.
    pub target: &'static TargetSpec,
    /// Whose policy it has.
    pub policy: &'static PolicySpec,
    /// The trust policy (who may assume the role).
    pub trust_policy: String,
    /// The permissions policy: byte for byte the published document, with the values of its parameters filled in
    /// for a resource-scoped one (a notification consumer's queue).
    pub permissions_policy: String,
    /// Whether the role needs an EC2 instance profile.
    pub instance_profile: bool,
    /// The ARN of the managed policy to set as the role's permissions boundary, if one was given
    /// ([`RoleBuilder::permissions_boundary`]).
    pub permissions_boundary: Option<String>,
}

/// Why a role could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RoleError {
    /// The policy is not deployed to the target: the target does not run that product type's software, or not
    /// with that pricing model.
    NotServed {
        /// The target.
        target: &'static TargetSpec,
        /// The policy, whose `targets()` are the ones that do.
        policy: &'static PolicySpec,
    },
    /// The pricing model makes no call, so it needs no role.
    NoPolicy {
        /// The model's policy.
        policy: &'static PolicySpec,
        /// Why it needs none.
        reason: &'static str,
    },
    /// Parameters the target's trust policy or the permissions policy needs were not given.
    Missing(Vec<Parameter>),
    /// A parameter neither the target's trust policy nor the permissions policy uses was given.
    Unexpected {
        /// The parameter.
        parameter: Parameter,
        /// The ones the role uses: the trust policy's, then the permissions policy's.
        expected: Vec<Parameter>,
    },
    /// A parameter's value is not valid.
    Invalid {
        /// The parameter.
        parameter: Parameter,
        /// What is wrong, and what a valid value looks like.
        message: String,
    },
    /// The permissions boundary is not a managed policy's ARN.
    InvalidPermissionsBoundary {
        /// The value given.
        value: String,
        /// Where in the value it goes wrong (the 1-based character), what was found and what a valid ARN looks like.
        message: String,
    },
}

impl fmt::Display for RoleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |items: &mut dyn Iterator<Item = String>| items.collect::<Vec<_>>().join(", ");
        match self {
            RoleError::NotServed { target, policy }
                if !target.serves().contains(&policy.product_id()) =>
            {
                write!(
                    f,
                    "the {} target does not run {} products; their targets are: {}",
                    target,
                    policy.product_name(),
                    list(&mut policy.targets().iter().map(|t| t.to_string()))
                )
            }
            RoleError::NotServed { target, policy } => write!(
                f,
                "the {} target does not take the {} policy; its targets are: {}",
                target,
                policy,
                list(&mut policy.targets().iter().map(|t| t.to_string()))
            ),
            RoleError::NoPolicy { policy, reason } => {
                write!(f, "the {policy} pricing model needs no role: {reason}")
            }
            RoleError::Missing(names) => write!(
                f,
                "missing parameter(s): {}",
                list(&mut names.iter().map(|p| p.to_string()))
            ),
            RoleError::Unexpected {
                parameter,
                expected,
            } => {
                if expected.is_empty() {
                    write!(f, "unexpected parameter {parameter}: this role takes none")
                } else {
                    write!(
                        f,
                        "unexpected parameter {parameter}: this role takes {}",
                        list(&mut expected.iter().map(|p| p.to_string()))
                    )
                }
            }
            RoleError::Invalid { message, .. } => f.write_str(message),
            RoleError::InvalidPermissionsBoundary { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for RoleError {}

/// Builds a [`Role`]: choose the policy and the target, give the parameters the target's trust policy needs, build.
///
/// Every parameter is validated (a 12-digit account id, an external ID of 2 to 1224 allowed characters, a role ARN,
/// Kubernetes names, an OIDC provider without `https://`), and the target must serve the product. The policy and
/// the target may come from this crate's policies.toml or from a seller's own `policies!`. The role may also get a
/// permissions boundary ([`permissions_boundary`](Self::permissions_boundary)).
///
/// ```
/// use marketplace_iam::{ContainerHourlyMonthly, DeploymentTarget, Parameter, RoleBuilder};
///
/// let role = RoleBuilder::for_policy::<ContainerHourlyMonthly>(DeploymentTarget::Eks)?
///     .parameter(Parameter::AccountId, "111122223333")
///     .parameter(Parameter::OidcProvider, "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE")
///     .parameter(Parameter::Namespace, "metering")
///     .parameter(Parameter::ServiceAccount, "meter")
///     .build()?;
/// assert!(role.trust_policy.contains("system:serviceaccount:metering:meter"));
/// assert!(role.permissions_policy.contains("aws-marketplace:RegisterUsage"));
///
/// // A SaaS role is assumed from another account, and never without an external ID.
/// let err = RoleBuilder::for_policy::<marketplace_iam::Saas>(DeploymentTarget::CrossAccount)?
///     .parameter(Parameter::TrustedRoleArn, "arn:aws:iam::444455556666:role/app")
///     .build()
///     .unwrap_err();
/// assert_eq!(err.to_string(), "missing parameter(s): ExternalId");
/// # Ok::<(), marketplace_iam::RoleError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RoleBuilder {
    policy: &'static PolicySpec,
    target: &'static TargetSpec,
    values: Vec<(Parameter, String)>,
    permissions_boundary: Option<String>,
}

impl RoleBuilder {
    /// Starts a role with `policy`'s permissions on `target` (a [`PolicyChoice`], [`ProductType`] or
    /// [`PricingModel`], and a [`DeploymentTarget`](crate::DeploymentTarget), or their specs).
    pub fn new(
        policy: impl Into<&'static PolicySpec>,
        target: impl Into<&'static TargetSpec>,
    ) -> Result<Self, RoleError> {
        let (policy, target) = (policy.into(), target.into());
        if let Some(reason) = policy.no_policy_reason() {
            return Err(RoleError::NoPolicy { policy, reason });
        }
        if !policy.deploys_to(target) {
            return Err(RoleError::NotServed { target, policy });
        }
        Ok(RoleBuilder {
            policy,
            target,
            values: Vec::new(),
            permissions_boundary: None,
        })
    }

    /// Starts a role with the permissions of the marker type `P` (a product type or pricing model, of this crate or
    /// of a seller's own `policies!`).
    pub fn for_policy<P: Policy>(
        target: impl Into<&'static TargetSpec>,
    ) -> Result<Self, RoleError> {
        Self::new(P::SPEC, target)
    }

    /// Sets a parameter (see [`DeploymentTarget::parameters`](crate::DeploymentTarget::parameters)); a later value for the same parameter replaces it.
    #[must_use]
    pub fn parameter(mut self, parameter: Parameter, value: impl Into<String>) -> Self {
        self.values.retain(|(p, _)| *p != parameter);
        self.values.push((parameter, value.into()));
        self
    }

    /// Gives the role a permissions boundary: the ARN of a managed policy, in any partition
    /// (`arn:<partition>:iam::<12-digit account or aws>:policy/<path/><name>`), that caps what the role may do
    /// whatever its permissions policy grants. [`build`](Self::build) checks it; a later value replaces an earlier one.
    ///
    /// ```
    /// use marketplace_iam::{AmiCustomMetering, DeploymentTarget, RoleBuilder, RoleError};
    ///
    /// let role = RoleBuilder::for_policy::<AmiCustomMetering>(DeploymentTarget::Ec2)?
    ///     .permissions_boundary("arn:aws-us-gov:iam::111122223333:policy/boundaries/MeteringBoundary")
    ///     .build()?;
    /// assert_eq!(
    ///     role.permissions_boundary.as_deref(),
    ///     Some("arn:aws-us-gov:iam::111122223333:policy/boundaries/MeteringBoundary")
    /// );
    ///
    /// // A role's ARN is not a boundary: the error says where the value goes wrong.
    /// let err = RoleBuilder::for_policy::<AmiCustomMetering>(DeploymentTarget::Ec2)?
    ///     .permissions_boundary("arn:aws:iam::111122223333:role/MeteringBoundary")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, RoleError::InvalidPermissionsBoundary { .. }));
    /// assert!(err.to_string().starts_with(
    ///     "PermissionsBoundary is not a managed policy ARN: at character 27, the resource must be `policy/<path/><name>`"
    /// ));
    /// # Ok::<(), RoleError>(())
    /// ```
    #[must_use]
    pub fn permissions_boundary(mut self, arn: impl Into<String>) -> Self {
        self.permissions_boundary = Some(arn.into());
        self
    }

    /// Checks a permissions boundary's ARN as [`build`](Self::build) does, without building a role (for a template's
    /// default, say).
    ///
    /// ```
    /// use marketplace_iam::RoleBuilder;
    ///
    /// assert!(RoleBuilder::check_permissions_boundary("arn:aws-cn:iam::111122223333:policy/Boundary").is_ok());
    /// let err = RoleBuilder::check_permissions_boundary("arn:aws:iam::111122223333:policy/").unwrap_err();
    /// assert!(err.to_string().contains("at character 34, the policy name is empty"), "{err}");
    /// ```
    pub fn check_permissions_boundary(arn: &str) -> Result<(), RoleError> {
        marketplace_iam_model::PermissionsBoundary::check(arn).map_err(|message| {
            RoleError::InvalidPermissionsBoundary {
                value: arn.to_owned(),
                message,
            }
        })
    }

    /// Checks every parameter and the permissions boundary, and fills in the trust policy and, for a resource-scoped
    /// permissions policy, its ARNs.
    ///
    /// ```
    /// use marketplace_iam::{DeploymentTarget, Parameter, RoleBuilder, SaasSnsConsumer};
    ///
    /// let role = RoleBuilder::for_policy::<SaasSnsConsumer>(DeploymentTarget::Lambda)?
    ///     .parameter(Parameter::AccountId, "111122223333")
    ///     .parameter(Parameter::QueueName, "saas-notifications")
    ///     .build()?;
    /// assert!(role.permissions_policy.contains("\"arn:aws:sqs:us-east-1:111122223333:saas-notifications\""));
    ///
    /// // The queue's name is checked as AWS would: a standard queue of letters, digits, - and _.
    /// let err = RoleBuilder::for_policy::<SaasSnsConsumer>(DeploymentTarget::Lambda)?
    ///     .parameter(Parameter::AccountId, "111122223333")
    ///     .parameter(Parameter::QueueName, "notifications.fifo")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.to_string().starts_with("QueueName names a FIFO queue"), "{err}");
    /// # Ok::<(), marketplace_iam::RoleError>(())
    /// ```
    pub fn build(self) -> Result<Role, RoleError> {
        let permissions_template = self.policy.policy_json().ok_or(RoleError::NoPolicy {
            policy: self.policy,
            reason: "it has no policy document",
        })?;
        let mut expected = self.target.parameters().to_vec();
        let used = marketplace_iam_model::Parameter::used_in(permissions_template);
        for p in used
            .iter()
            .filter_map(|p| Parameter::ALL.iter().find(|ours| ours.name() == p.name()))
        {
            if !expected.contains(p) {
                expected.push(*p);
            }
        }
        if let Some(&(parameter, _)) = self.values.iter().find(|(p, _)| !expected.contains(p)) {
            return Err(RoleError::Unexpected {
                parameter,
                expected,
            });
        }
        let missing: Vec<Parameter> = expected
            .iter()
            .copied()
            .filter(|e| !self.values.iter().any(|(p, _)| p == e))
            .collect();
        if !missing.is_empty() {
            return Err(RoleError::Missing(missing));
        }
        let mut trust = self.target.trust_policy_template().to_owned();
        let mut permissions_policy = permissions_template.to_owned();
        for (parameter, value) in &self.values {
            parameter.validate(value)?;
            // Validated values hold no JSON-special character, so they can be placed in the JSON text as they are.
            let placeholder = format!("${{{}}}", parameter.name());
            trust = trust.replace(&placeholder, value);
            permissions_policy = permissions_policy.replace(&placeholder, value);
        }
        if let Some(arn) = &self.permissions_boundary {
            Self::check_permissions_boundary(arn)?;
        }
        Ok(Role {
            target: self.target,
            policy: self.policy,
            trust_policy: trust,
            permissions_policy,
            instance_profile: self.target.instance_profile(),
            permissions_boundary: self.permissions_boundary,
        })
    }
}

impl Parameter {
    /// Checks a value of the parameter as [`RoleBuilder::build`] does (feature `roles`): a 12-digit account id, an
    /// external ID of 2 to 1224 allowed characters, a role ARN, Kubernetes names, an OIDC provider without
    /// `https://`. A valid value holds no character that is special in JSON.
    ///
    /// ```
    /// use marketplace_iam::Parameter;
    ///
    /// assert!(Parameter::AccountId.validate("111122223333").is_ok());
    /// let err = Parameter::AccountId.validate("1111-2222-3333").unwrap_err();
    /// assert_eq!(err.to_string(), "AccountId must be exactly 12 digits, got 14 characters");
    /// ```
    pub fn validate(self, value: &str) -> Result<(), RoleError> {
        let invalid = |message| RoleError::Invalid {
            parameter: self,
            message,
        };
        marketplace_iam_model::Parameter::from_name(self.name())
            .ok_or_else(|| {
                invalid(format!(
                    "{self} is not a parameter this version of marketplace-iam can check"
                ))
            })?
            .check(value)
            .map_err(invalid)
    }
}

#[cfg(test)]
mod tests {
    /// The runtime crate's parameters are the engine's, by name and in order.
    #[test]
    fn parameters_are_the_engines() {
        let ours: Vec<&str> = crate::Parameter::ALL.iter().map(|p| p.name()).collect();
        let engine: Vec<&str> = marketplace_iam_model::Parameter::ALL
            .iter()
            .map(|p| p.name())
            .collect();
        assert_eq!(ours, engine);
    }

    /// The runtime crate's access levels are the engine's, by name and in order.
    #[test]
    fn access_levels_are_the_engines() {
        let ours: Vec<&str> = crate::AccessLevel::ALL.iter().map(|l| l.as_str()).collect();
        let engine: Vec<&str> = marketplace_iam_model::catalog::AccessLevel::ALL
            .iter()
            .map(|l| l.as_str())
            .collect();
        assert_eq!(ours, engine);
    }
}
