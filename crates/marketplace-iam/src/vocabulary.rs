//! The fixed vocabulary every `policies!` expansion names by path: the traits of the compile-time checks, and the
//! value types its data uses. Defined once here, so the types a seller generates from their own policies.toml work
//! with [`require!`](crate::require), `marketplace-iam-sdk`'s clients and `RoleBuilder` exactly as this crate's own.

use core::fmt;

/// Implemented by the marker type of each IAM action of AWS's catalog ([`actions`](crate::actions)).
///
/// Sealed: every action marker is defined in this crate, once, so `Grants<A>` means the same action in every crate
/// that uses it.
///
/// ```
/// use marketplace_iam::{AccessLevel, BatchMeterUsage, IamAction};
///
/// assert_eq!(BatchMeterUsage::NAME, "aws-marketplace:BatchMeterUsage");
/// assert_eq!(BatchMeterUsage::ACCESS_LEVEL, AccessLevel::Write);
/// ```
pub trait IamAction: sealed::Action + Copy + Default + 'static {
    /// The exact IAM action name, `<prefix>:<Name>`.
    const NAME: &'static str;
    /// The action's access level, as AWS's catalog gives it.
    const ACCESS_LEVEL: AccessLevel;
}

/// Implemented by the marker type of each product type and pricing model a `policies!` expansion declares: what its
/// policy grants.
///
/// Implemented only by the items of `policies!` (this crate's, generated ahead of time, and a seller's): its grants
/// ([`Grants`]) and its data come from the same validated file.
///
/// ```
/// use marketplace_iam::{Policy, SaasSubscriptions};
///
/// assert_eq!(SaasSubscriptions::SPEC.id(), "saas/subscriptions");
/// assert_eq!(SaasSubscriptions::NAME, "SaaS Subscriptions");
/// assert_eq!(
///     SaasSubscriptions::ACTIONS,
///     &["aws-marketplace:ResolveCustomer", "aws-marketplace:BatchMeterUsage"]
/// );
/// assert!(SaasSubscriptions::POLICY_JSON.unwrap().starts_with("{\n    \"Version\""));
/// ```
pub trait Policy: crate::__private::Sealed + Copy + Default + 'static {
    /// Everything the file says about the policy.
    const SPEC: &'static PolicySpec;
    /// Display name (`SaaS Subscriptions`).
    const NAME: &'static str = Self::SPEC.name();
    /// The IAM action names the policy grants, in the order the policy lists them.
    const ACTIONS: &'static [&'static str] = Self::SPEC.actions();
    /// The policy document; `None` for a pricing model that needs no policy.
    const POLICY_JSON: Option<&'static str> = Self::SPEC.policy_json();
}

/// `P: Grants<A>` holds exactly where the policies.toml that declared `P` grants the action `A`.
///
/// Bound a function that makes an AWS call by the grant it needs, and a service built for a product whose policy
/// lacks the action does not compile.
///
/// ```
/// use marketplace_iam::{BatchMeterUsage, Grants, SaasSubscriptions};
///
/// fn call<P: Grants<BatchMeterUsage>>() -> &'static str {
///     marketplace_iam::BATCH_METER_USAGE
/// }
///
/// assert_eq!(call::<SaasSubscriptions>(), "aws-marketplace:BatchMeterUsage");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not granted `{A}`: its policy in policies.toml does not list that action",
    label = "the policy of `{Self}` does not grant `{A}`",
    note = "a call that needs `{A}` fails with AccessDenied under this policy",
    note = "use a product type or pricing model whose policy grants `{A}`, or add the action to `{Self}`'s `actions` in policies.toml"
)]
pub trait Grants<A: IamAction>: Policy {}

impl<P: Policy, A: IamAction + GrantedTo<P>> Grants<A> for P {}

/// The grants of a policies.toml, one impl per (action, policy) pair; see [`Grants`], which is what to use.
///
/// The impls are written on the action (`impl GrantedTo<Saas> for BatchMeterUsage`), so each self type has only a
/// handful per policy and rustc's overlap check stays linear in the number of grants.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{P}` is not granted `{Self}`: its policy in policies.toml does not list that action",
    label = "the policy of `{P}` does not grant `{Self}`",
    note = "a call that needs `{Self}` fails with AccessDenied under this policy",
    note = "use a product type or pricing model whose policy grants `{Self}`, or add the action to `{P}`'s `actions` in policies.toml"
)]
pub trait GrantedTo<P> {}

pub(crate) mod sealed {
    /// Only this crate's action markers are IAM actions.
    pub trait Action {}
}

/// An IAM access level, as AWS's Service Authorization Reference classifies actions.
///
/// ```
/// use marketplace_iam::{AccessLevel, Action};
///
/// assert_eq!(Action::MeterUsage.access_level(), AccessLevel::Write);
/// assert_eq!(AccessLevel::PermissionsManagement.as_str(), "Permissions management");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum AccessLevel {
    /// Lists resources.
    List,
    /// Reads data.
    Read,
    /// Creates, changes or deletes something.
    Write,
    /// Changes who may do what.
    PermissionsManagement,
    /// Changes tags.
    Tagging,
}

impl AccessLevel {
    /// Every access level.
    pub const ALL: &'static [AccessLevel] = &[
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// The name AWS uses: `List`, `Read`, `Write`, `Permissions management` or `Tagging`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value a deployer supplies for a role's trust policy or a resource-scoped grant (`${AccountId}`, `${QueueName}`
/// in policies.toml).
///
/// ```
/// use marketplace_iam::{DeploymentTarget, Parameter};
///
/// assert_eq!(
///     DeploymentTarget::CrossAccount.parameters(),
///     &[Parameter::TrustedRoleArn, Parameter::ExternalId]
/// );
/// assert_eq!("ExternalId".parse(), Ok(Parameter::ExternalId));
/// assert_eq!(Parameter::ExternalId.to_string(), "ExternalId");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
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
    /// The identifier the assuming party must present (`sts:ExternalId`).
    ExternalId,
    /// The product code AWS Marketplace gave the product; it names the product's notification topics.
    ProductCode,
    /// The AWS account of the product's notification topics.
    MarketplaceAccountId,
    /// The name of the seller's notification queue.
    QueueName,
    /// The id of the AWS KMS key that encrypts the notification queue.
    KeyId,
}

impl Parameter {
    /// Every parameter.
    pub const ALL: &'static [Parameter] = &[
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
}

impl fmt::Display for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses a parameter by its name (`AccountId`), ignoring letter case.
impl core::str::FromStr for Parameter {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        Parameter::ALL
            .iter()
            .copied()
            .find(|p| p.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseError::new(ValueKind::Parameter, s))
    }
}

/// What kind of value a [`ParseError`] was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueKind {
    /// An IAM action name (`aws-marketplace:MeterUsage`).
    Action,
    /// A product type id (`saas`).
    ProductType,
    /// A pricing model id (`saas/subscriptions`).
    PricingModel,
    /// A deployment target id (`ecs`).
    DeploymentTarget,
    /// A trust policy parameter name (`AccountId`).
    Parameter,
}

impl ValueKind {
    /// How messages name it (`IAM action`, `product type`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            ValueKind::Action => "IAM action",
            ValueKind::ProductType => "product type",
            ValueKind::PricingModel => "pricing model",
            ValueKind::DeploymentTarget => "deployment target",
            ValueKind::Parameter => "parameter",
        }
    }
}

/// The error of parsing an action, product type, pricing model, deployment target or parameter from a string.
///
/// ```
/// use marketplace_iam::{Action, ValueKind};
///
/// let err = "aws-marketplace:Nope".parse::<Action>().unwrap_err();
/// assert_eq!(err.kind(), ValueKind::Action);
/// assert_eq!(err.input(), "aws-marketplace:Nope");
/// assert_eq!(err.to_string(), "unknown IAM action `aws-marketplace:Nope`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    kind: ValueKind,
    input: String,
}

impl ParseError {
    /// An error for `input`, which is not a known value of `kind`.
    pub fn new(kind: ValueKind, input: &str) -> Self {
        ParseError {
            kind,
            input: input.to_owned(),
        }
    }

    /// What was being parsed.
    pub fn kind(&self) -> ValueKind {
        self.kind
    }

    /// The text that is not a known value.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} `{}`", self.kind.as_str(), self.input)
    }
}

impl std::error::Error for ParseError {}

/// What a policies.toml says about one product type's or pricing model's policy: the data behind [`Policy`], and
/// what a role is built from.
///
/// ```
/// use marketplace_iam::{Policy, ProductType, Saas};
///
/// let spec = ProductType::Saas.spec();
/// assert_eq!(spec, Saas::SPEC);
/// assert_eq!(spec.product_id(), "saas");
/// assert_eq!(spec.pricing_model_id(), None);
/// assert!(spec.targets().iter().any(|t| t.id() == "cross-account"));
/// ```
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct PolicySpec {
    id: &'static str,
    name: &'static str,
    product_id: &'static str,
    product_name: &'static str,
    pricing_model_id: Option<&'static str>,
    actions: &'static [&'static str],
    policy_json: Option<&'static str>,
    no_policy_reason: Option<&'static str>,
    targets: &'static [&'static TargetSpec],
}

impl PolicySpec {
    /// For [`policies!`](crate::policies): the data of one policy.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn __new(
        id: &'static str,
        name: &'static str,
        product_id: &'static str,
        product_name: &'static str,
        pricing_model_id: Option<&'static str>,
        actions: &'static [&'static str],
        policy_json: Option<&'static str>,
        no_policy_reason: Option<&'static str>,
        targets: &'static [&'static TargetSpec],
    ) -> Self {
        PolicySpec {
            id,
            name,
            product_id,
            product_name,
            pricing_model_id,
            actions,
            policy_json,
            no_policy_reason,
            targets,
        }
    }

    /// `<product>` or `<product>/<model>` (`saas/subscriptions`).
    pub const fn id(&self) -> &'static str {
        self.id
    }

    /// Display name (`SaaS Subscriptions`).
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The id of the product type (`saas`).
    pub const fn product_id(&self) -> &'static str {
        self.product_id
    }

    /// The display name of the product type (`SaaS`).
    pub const fn product_name(&self) -> &'static str {
        self.product_name
    }

    /// The pricing model's own id (`subscriptions`), or `None` for a product type's policy.
    pub const fn pricing_model_id(&self) -> Option<&'static str> {
        self.pricing_model_id
    }

    /// The IAM action names the policy grants, in the order the policy lists them.
    pub const fn actions(&self) -> &'static [&'static str] {
        self.actions
    }

    /// The policy document, byte for byte the published one; `None` for a pricing model that makes no call.
    pub const fn policy_json(&self) -> Option<&'static str> {
        self.policy_json
    }

    /// Why the pricing model needs no policy, for a model that makes no call.
    pub const fn no_policy_reason(&self) -> Option<&'static str> {
        self.no_policy_reason
    }

    /// The deployment targets, declared in the same file, the policy is deployed to: those that run the product
    /// type's software, or only some of them for a pricing model that policies.toml narrows.
    pub const fn targets(&self) -> &'static [&'static TargetSpec] {
        self.targets
    }

    /// Whether the policy is deployed to `target` (one of [`targets`](Self::targets)).
    ///
    /// ```
    /// use marketplace_iam::{DeploymentTarget, PricingModel};
    ///
    /// let contracts = PricingModel::ContainerContracts.spec();
    /// assert!(contracts.deploys_to(DeploymentTarget::Eks.spec()));
    /// assert!(!contracts.deploys_to(DeploymentTarget::Agentcore.spec()));
    /// ```
    pub fn deploys_to(&self, target: &TargetSpec) -> bool {
        self.targets.iter().any(|t| t.id == target.id)
    }
}

impl fmt::Display for PolicySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

/// What a policies.toml says about one deployment target: where a product's software runs, which role signs its
/// calls there, and that role's trust policy.
///
/// ```
/// use marketplace_iam::{DeploymentTarget, Parameter};
///
/// let eks = DeploymentTarget::Eks.spec();
/// assert_eq!(eks.id(), "eks");
/// assert!(eks.parameters().contains(&Parameter::OidcProvider));
/// assert!(eks.trust_policy_template().contains("sts:AssumeRoleWithWebIdentity"));
/// assert_eq!(eks.serves(), &["container"]);
/// ```
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct TargetSpec {
    id: &'static str,
    name: &'static str,
    signer: &'static str,
    trust_policy_template: &'static str,
    parameters: &'static [Parameter],
    instance_profile: bool,
    serves: &'static [&'static str],
}

impl TargetSpec {
    /// For [`policies!`](crate::policies): the data of one target.
    #[doc(hidden)]
    pub const fn __new(
        id: &'static str,
        name: &'static str,
        signer: &'static str,
        trust_policy_template: &'static str,
        parameters: &'static [Parameter],
        instance_profile: bool,
        serves: &'static [&'static str],
    ) -> Self {
        TargetSpec {
            id,
            name,
            signer,
            trust_policy_template,
            parameters,
            instance_profile,
            serves,
        }
    }

    /// The target's id (`ecs`).
    pub const fn id(&self) -> &'static str {
        self.id
    }

    /// Display name (`Amazon ECS`).
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Which role signs the calls on this target, in a sentence.
    pub const fn signer(&self) -> &'static str {
        self.signer
    }

    /// The role's trust policy with `${Parameter}` placeholders, byte for byte `docs/trust-policies/<id>.json`.
    pub const fn trust_policy_template(&self) -> &'static str {
        self.trust_policy_template
    }

    /// The parameters the trust policy needs, in order of first use.
    pub const fn parameters(&self) -> &'static [Parameter] {
        self.parameters
    }

    /// Whether the role is used through an EC2 instance profile.
    pub const fn instance_profile(&self) -> bool {
        self.instance_profile
    }

    /// The ids of the product types whose software runs on this target.
    pub const fn serves(&self) -> &'static [&'static str] {
        self.serves
    }
}

impl fmt::Display for TargetSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}
