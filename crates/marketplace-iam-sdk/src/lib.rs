//! AWS SDK for Rust clients of the AWS Marketplace Metering Service, the Entitlement Service and AWS License Manager
//! that expose only the operations a product's IAM policy grants.
//!
//! [`MeteringClient<P>`], [`EntitlementClient<P>`] and [`LicenseManagerClient<P>`] wrap the SDK's own
//! [`aws_sdk_marketplacemetering::Client`], [`aws_sdk_marketplaceentitlement::Client`] and
//! [`aws_sdk_licensemanager::Client`]. `P` is a product type or pricing model marker of [`marketplace_iam`]
//! ([`Saas`](marketplace_iam::Saas), [`SaasSubscriptions`](marketplace_iam::SaasSubscriptions),
//! [`Ami`](marketplace_iam::Ami), [`ContainerContracts`](marketplace_iam::ContainerContracts), ...). Each operation
//! is a method bounded by the grant its IAM action needs (`where P: Grants<BatchMeterUsage>`), and
//! [`Grants`] is implemented exactly where `policies.toml` lists the action for `P`. So a
//! service built for a product whose published policy lacks an action does not compile a call to it, instead of
//! failing with AccessDenied in production.
//!
//! The wrappers add nothing else: each method returns the SDK's own fluent builder, which sends the request and
//! returns the SDK's own output and error types. How the SDK client is configured (credentials, Region, HTTP client,
//! retries) is left to the SDK; build it as usual, then wrap it.
//!
//! # Example
//!
//! A SaaS service with subscription pricing resolves customers and meters their usage. ResolveCustomer returns the
//! buyer's AWS account ID and the license ARN of the agreement they registered with; each usage record names both,
//! and the request carries no product code (the license ARN identifies the product and the agreement; see
//! [Concurrent Agreements](#concurrent-agreements)):
//!
//! ```no_run
//! use aws_sdk_marketplacemetering::primitives::DateTime;
//! use aws_sdk_marketplacemetering::types::UsageRecord;
//! use marketplace_iam::SaasSubscriptions;
//! use marketplace_iam_sdk::MeteringClient;
//!
//! async fn on_usage(
//!     sdk: aws_sdk_marketplacemetering::Client,
//!     token: &str,
//! ) -> Result<(), aws_sdk_marketplacemetering::Error> {
//!     let metering = MeteringClient::<SaasSubscriptions>::new(sdk);
//!
//!     // At registration: store the account ID and the license ARN with the customer's account in the service.
//!     let customer = metering.resolve_customer().registration_token(token).send().await?;
//!     let account_id = customer.customer_aws_account_id().unwrap_or_default();
//!     let license_arn = customer.license_arn().unwrap_or_default();
//!
//!     // Later, for each hour of usage of that agreement:
//!     let record = UsageRecord::builder()
//!         .customer_aws_account_id(account_id)
//!         .license_arn(license_arn)
//!         .dimension("requests")
//!         .quantity(7)
//!         .timestamp(DateTime::from_secs(1_767_225_600))
//!         .build()
//!         .expect("dimension and timestamp are set");
//!     let sent = metering
//!         .batch_meter_usage() // no product_code: the license ARN names the product
//!         .usage_records(record)
//!         .send()
//!         .await?;
//!     println!("{} records processed", sent.results().len());
//!     Ok(())
//! }
//! ```
//!
//! The same call in a service built for an AMI product, whose policy grants only MeterUsage, does not compile:
//!
//! ```compile_fail,E0277
//! # fn f(sdk: aws_sdk_marketplacemetering::Client) {
//! let metering = marketplace_iam_sdk::MeteringClient::<marketplace_iam::Ami>::new(sdk);
//! metering.batch_meter_usage(); // error: `Ami` is not granted `BatchMeterUsage`: its policy in policies.toml does not list that action
//! # }
//! ```
//!
//! # Concurrent Agreements
//!
//! From 1 June 2026 AWS Marketplace lets a buyer hold several agreements for the same product in one AWS account
//! (Concurrent Agreements), and new SaaS products must identify the buyer by `CustomerAWSAccountId` instead of
//! `CustomerIdentifier` and the agreement by `LicenseArn` instead of `ProductCode`; existing integrations continue to
//! work ([BatchMeterUsage in the AWS Marketplace API
//! Reference](https://docs.aws.amazon.com/marketplace/latest/APIReference/API_marketplace-metering_BatchMeterUsage.html)).
//! ResolveCustomer returns both; each BatchMeterUsage usage record carries both and the request leaves `ProductCode`
//! out (the SDK warns that records sent with both `ProductCode` and `LicenseArn` for the same customer and hour are
//! billed twice); GetEntitlements, which still takes the product code, can filter by
//! [`LicenseArn`](aws_sdk_marketplaceentitlement::types::GetEntitlementFilterName::LicenseArn). The IAM actions do
//! not change: the same `aws-marketplace` actions on `"Resource": "*"`, so `policies.toml`, the published policies
//! and the bounds of these clients stay as they are.
//!
//! # Contract pricing: AWS License Manager
//!
//! AMI and container products with contract pricing do not meter: the software checks out the customer's license
//! with AWS License Manager wherever it checks it. A container product on Amazon EKS runs with the policy of
//! [`ContainerContracts`](marketplace_iam::ContainerContracts) (`docs/policies/container-contracts.json`) on the
//! role of its pod's service account, builds the SDK client as usual (the pod's credentials) and checks out a
//! floating entitlement when it starts, extending it while it runs and checking it in when it stops:
//!
//! ```no_run
//! use aws_sdk_licensemanager::types::{CheckoutType, EntitlementData, EntitlementDataUnit};
//! use marketplace_iam::ContainerContracts;
//! use marketplace_iam_sdk::LicenseManagerClient;
//!
//! /// The key fingerprint of the licenses AWS Marketplace issues.
//! const AWS_MARKETPLACE_ISSUER: &str = "aws:294406891311:AWS/Marketplace:issuer-fingerprint";
//!
//! async fn start(
//!     sdk: aws_sdk_licensemanager::Client,
//!     product_id: &str,
//!     request_id: &str,
//! ) -> Result<(), aws_sdk_licensemanager::Error> {
//!     let licenses = LicenseManagerClient::<ContainerContracts>::new(sdk);
//!
//!     let users = EntitlementData::builder()
//!         .name("ReadOnlyUsers")
//!         .unit(EntitlementDataUnit::Count)
//!         .value("10")
//!         .build()
//!         .expect("name and unit are set");
//!     let checkout = licenses
//!         .checkout_license()
//!         .product_sku(product_id) // the product ID of the listing
//!         .checkout_type(CheckoutType::Provisional) // floating: returned with check_in_license
//!         .key_fingerprint(AWS_MARKETPLACE_ISSUER)
//!         .entitlements(users)
//!         .client_token(request_id) // unique per checkout (a UUID): retries do not check out twice
//!         .send()
//!         .await?;
//!     let token = checkout.license_consumption_token().unwrap_or_default();
//!
//!     // Every hour while running, then once when stopping:
//!     licenses.extend_license_consumption().license_consumption_token(token).send().await?;
//!     licenses.check_in_license().license_consumption_token(token).send().await?;
//!     Ok(())
//! }
//! ```
//!
//! The same call in the software of a metered container product, whose policy grants only RegisterUsage, does not
//! compile:
//!
//! ```compile_fail,E0277
//! # fn f(sdk: aws_sdk_licensemanager::Client) {
//! let licenses = marketplace_iam_sdk::LicenseManagerClient::<marketplace_iam::ContainerHourlyMonthly>::new(sdk);
//! licenses.checkout_license(); // error: `ContainerHourlyMonthly` is not granted `CheckoutLicense`: its policy in policies.toml does not list that action
//! # }
//! ```
//!
//! # Features
//!
//! The SDK crates are used without their default features, so this crate brings no HTTP client, TLS stack or async
//! runtime of its own: the SDK client you wrap carries them (`aws-config` and the SDK crates' default features
//! provide them). The features `default-https-client`, `rt-tokio` and `behavior-version-latest` turn on the SDK
//! crates' features of the same name.

#![forbid(unsafe_code)]

use std::fmt;
use std::marker::PhantomData;

use marketplace_iam::{
    BatchMeterUsage, CheckInLicense, CheckoutLicense, ExtendLicenseConsumption, GetEntitlements,
    GetLicense, Grants, MeterUsage, Policy, RegisterUsage, ResolveCustomer,
};

use aws_sdk_licensemanager::operation::check_in_license::builders::CheckInLicenseFluentBuilder;
use aws_sdk_licensemanager::operation::checkout_license::builders::CheckoutLicenseFluentBuilder;
use aws_sdk_licensemanager::operation::extend_license_consumption::builders::ExtendLicenseConsumptionFluentBuilder;
use aws_sdk_licensemanager::operation::get_license::builders::GetLicenseFluentBuilder;
use aws_sdk_marketplaceentitlement::operation::get_entitlements::builders::GetEntitlementsFluentBuilder;
use aws_sdk_marketplacemetering::operation::batch_meter_usage::builders::BatchMeterUsageFluentBuilder;
use aws_sdk_marketplacemetering::operation::meter_usage::builders::MeterUsageFluentBuilder;
use aws_sdk_marketplacemetering::operation::register_usage::builders::RegisterUsageFluentBuilder;
use aws_sdk_marketplacemetering::operation::resolve_customer::builders::ResolveCustomerFluentBuilder;

pub use aws_sdk_licensemanager;
pub use aws_sdk_marketplaceentitlement;
pub use aws_sdk_marketplacemetering;
pub use marketplace_iam;

/// An AWS Marketplace Metering Service client for a service whose role has the policy of `P`.
///
/// Each operation is available only where `P`'s policy grants its IAM action:
///
/// | Method | IAM action | Granted to (by policies.toml) |
/// |---|---|---|
/// | [`resolve_customer`](Self::resolve_customer) | `aws-marketplace:ResolveCustomer` | [`Saas`](marketplace_iam::Saas), [`SaasSubscriptions`](marketplace_iam::SaasSubscriptions), [`SaasContracts`](marketplace_iam::SaasContracts), [`SaasContractsWithConsumption`](marketplace_iam::SaasContractsWithConsumption) |
/// | [`batch_meter_usage`](Self::batch_meter_usage) | `aws-marketplace:BatchMeterUsage` | [`Saas`](marketplace_iam::Saas), [`SaasSubscriptions`](marketplace_iam::SaasSubscriptions), [`SaasContractsWithConsumption`](marketplace_iam::SaasContractsWithConsumption) |
/// | [`meter_usage`](Self::meter_usage) | `aws-marketplace:MeterUsage` | [`Ami`](marketplace_iam::Ami), [`AmiCustomMetering`](marketplace_iam::AmiCustomMetering), [`ContainerCustomMetering`](marketplace_iam::ContainerCustomMetering) |
/// | [`register_usage`](Self::register_usage) | `aws-marketplace:RegisterUsage` | [`Container`](marketplace_iam::Container), [`ContainerHourlyMonthly`](marketplace_iam::ContainerHourlyMonthly) |
///
/// (The bounds are the source of truth; the table restates the data, and a test of this crate fails when the two
/// differ.)
///
/// ```no_run
/// use marketplace_iam::AmiCustomMetering;
/// use marketplace_iam_sdk::MeteringClient;
///
/// # async fn f(sdk: aws_sdk_marketplacemetering::Client) -> Result<(), aws_sdk_marketplacemetering::Error> {
/// let metering = MeteringClient::<AmiCustomMetering>::new(sdk);
/// let out = metering
///     .meter_usage()
///     .product_code("prod-code")
///     .timestamp(aws_sdk_marketplacemetering::primitives::DateTime::from_secs(1_767_225_600))
///     .usage_dimension("vcpu-hours")
///     .usage_quantity(4)
///     .send()
///     .await?;
/// println!("record {:?}", out.metering_record_id());
/// # Ok(())
/// # }
/// ```
pub struct MeteringClient<P: Policy> {
    inner: aws_sdk_marketplacemetering::Client,
    policy: PhantomData<fn() -> P>,
}

impl<P: Policy> MeteringClient<P> {
    /// Wraps an SDK client. The client's credentials should be those of the role that has `P`'s policy
    /// ([`Policy::POLICY_JSON`]).
    pub fn new(inner: aws_sdk_marketplacemetering::Client) -> Self {
        MeteringClient {
            inner,
            policy: PhantomData,
        }
    }

    /// Builds the SDK client from its configuration and wraps it.
    ///
    /// This is [`aws_sdk_marketplacemetering::Client::from_conf`], which panics on an invalid configuration (for
    /// example without a behavior version).
    ///
    /// ```no_run
    /// use aws_sdk_marketplacemetering::config::{BehaviorVersion, Region};
    /// use marketplace_iam::Container;
    /// use marketplace_iam_sdk::MeteringClient;
    ///
    /// let config = aws_sdk_marketplacemetering::Config::builder()
    ///     .behavior_version(BehaviorVersion::latest())
    ///     .region(Region::new("us-east-1"))
    ///     .build();
    /// let metering = MeteringClient::<Container>::from_conf(config);
    /// let request = metering.register_usage().product_code("prod-code").public_key_version(1);
    /// # drop(request);
    /// ```
    #[track_caller]
    pub fn from_conf(config: aws_sdk_marketplacemetering::Config) -> Self {
        Self::new(aws_sdk_marketplacemetering::Client::from_conf(config))
    }

    /// The wrapped SDK client, for what this wrapper does not cover (its configuration, say). Calls made through it
    /// are not checked against `P`'s policy.
    pub fn into_inner(self) -> aws_sdk_marketplacemetering::Client {
        self.inner
    }

    /// The SDK's [`ResolveCustomer`](aws_sdk_marketplacemetering::Client::resolve_customer) operation: exchanges a
    /// SaaS buyer's registration token for their AWS account ID and the license ARN of their agreement (and, for
    /// integrations that predate Concurrent Agreements, their customer identifier and product code). Needs
    /// `aws-marketplace:ResolveCustomer`.
    pub fn resolve_customer(&self) -> ResolveCustomerFluentBuilder
    where
        P: Grants<ResolveCustomer>,
    {
        self.inner.resolve_customer()
    }

    /// The SDK's [`BatchMeterUsage`](aws_sdk_marketplacemetering::Client::batch_meter_usage) operation: sends SaaS
    /// usage records (up to 25 per call), each naming the customer's AWS account ID and the license ARN of the
    /// agreement, without a product code. Needs `aws-marketplace:BatchMeterUsage`.
    pub fn batch_meter_usage(&self) -> BatchMeterUsageFluentBuilder
    where
        P: Grants<BatchMeterUsage>,
    {
        self.inner.batch_meter_usage()
    }

    /// The SDK's [`MeterUsage`](aws_sdk_marketplacemetering::Client::meter_usage) operation: sends a custom metering
    /// record from an AMI instance or a container. Needs `aws-marketplace:MeterUsage`.
    pub fn meter_usage(&self) -> MeterUsageFluentBuilder
    where
        P: Grants<MeterUsage>,
    {
        self.inner.meter_usage()
    }

    /// The SDK's [`RegisterUsage`](aws_sdk_marketplacemetering::Client::register_usage) operation: checks the
    /// customer's subscription and starts hourly metering of a container task or pod. Needs
    /// `aws-marketplace:RegisterUsage`.
    pub fn register_usage(&self) -> RegisterUsageFluentBuilder
    where
        P: Grants<RegisterUsage>,
    {
        self.inner.register_usage()
    }
}

impl<P: Policy> Clone for MeteringClient<P> {
    fn clone(&self) -> Self {
        Self::new(self.inner.clone())
    }
}

impl<P: Policy> fmt::Debug for MeteringClient<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MeteringClient")
            .field("policy", &P::NAME)
            .field("inner", &self.inner)
            .finish()
    }
}

impl<P: Policy> From<aws_sdk_marketplacemetering::Client> for MeteringClient<P> {
    fn from(inner: aws_sdk_marketplacemetering::Client) -> Self {
        Self::new(inner)
    }
}

/// An AWS Marketplace Entitlement Service client for a service whose role has the policy of `P`.
///
/// [`get_entitlements`](Self::get_entitlements) is available only where `P`'s policy grants its IAM action:
///
/// | Method | IAM action | Granted to (by policies.toml) |
/// |---|---|---|
/// | [`get_entitlements`](Self::get_entitlements) | `aws-marketplace:GetEntitlements` | [`Saas`](marketplace_iam::Saas), [`SaasContracts`](marketplace_iam::SaasContracts), [`SaasContractsWithConsumption`](marketplace_iam::SaasContractsWithConsumption) |
///
/// ```no_run
/// use aws_sdk_marketplaceentitlement::types::GetEntitlementFilterName;
/// use marketplace_iam::SaasContracts;
/// use marketplace_iam_sdk::EntitlementClient;
///
/// # async fn f(sdk: aws_sdk_marketplaceentitlement::Client) -> Result<(), aws_sdk_marketplaceentitlement::Error> {
/// // The license ARN of the agreement, from ResolveCustomer at the customer's registration.
/// let license_arn = "arn:aws:license-manager::294406891311:license:l-0123456789abcdef0";
/// let entitlements = EntitlementClient::<SaasContracts>::new(sdk);
/// let out = entitlements
///     .get_entitlements()
///     .product_code("prod-code") // GetEntitlements still requires the product code
///     .filter(GetEntitlementFilterName::LicenseArn, vec![license_arn.to_owned()])
///     .send()
///     .await?;
/// for entitlement in out.entitlements() {
///     println!("{:?}: {:?}", entitlement.dimension(), entitlement.value());
/// }
/// # Ok(())
/// # }
/// ```
pub struct EntitlementClient<P: Policy> {
    inner: aws_sdk_marketplaceentitlement::Client,
    policy: PhantomData<fn() -> P>,
}

impl<P: Policy> EntitlementClient<P> {
    /// Wraps an SDK client. The client's credentials should be those of the role that has `P`'s policy
    /// ([`Policy::POLICY_JSON`]).
    pub fn new(inner: aws_sdk_marketplaceentitlement::Client) -> Self {
        EntitlementClient {
            inner,
            policy: PhantomData,
        }
    }

    /// Builds the SDK client from its configuration and wraps it.
    ///
    /// This is [`aws_sdk_marketplaceentitlement::Client::from_conf`], which panics on an invalid configuration (for
    /// example without a behavior version).
    #[track_caller]
    pub fn from_conf(config: aws_sdk_marketplaceentitlement::Config) -> Self {
        Self::new(aws_sdk_marketplaceentitlement::Client::from_conf(config))
    }

    /// The wrapped SDK client, for what this wrapper does not cover. Calls made through it are not checked against
    /// `P`'s policy.
    pub fn into_inner(self) -> aws_sdk_marketplaceentitlement::Client {
        self.inner
    }

    /// The SDK's [`GetEntitlements`](aws_sdk_marketplaceentitlement::Client::get_entitlements) operation: reads what
    /// a customer is entitled to under a SaaS contract (filtered by the agreement's license ARN, or by the customer's
    /// AWS account ID). Needs `aws-marketplace:GetEntitlements`.
    pub fn get_entitlements(&self) -> GetEntitlementsFluentBuilder
    where
        P: Grants<GetEntitlements>,
    {
        self.inner.get_entitlements()
    }
}

impl<P: Policy> Clone for EntitlementClient<P> {
    fn clone(&self) -> Self {
        Self::new(self.inner.clone())
    }
}

impl<P: Policy> fmt::Debug for EntitlementClient<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntitlementClient")
            .field("policy", &P::NAME)
            .field("inner", &self.inner)
            .finish()
    }
}

impl<P: Policy> From<aws_sdk_marketplaceentitlement::Client> for EntitlementClient<P> {
    fn from(inner: aws_sdk_marketplaceentitlement::Client) -> Self {
        Self::new(inner)
    }
}

/// An AWS License Manager client for the software of a contract-priced AMI or container product, running with the
/// policy of `P`.
///
/// Products with contract pricing do not meter: wherever the software checks its license, it checks out the
/// customer's entitlements from the license AWS Marketplace issued them, through AWS License Manager. Each operation
/// is available only where `P`'s policy grants its IAM action:
///
/// | Method | IAM action | Granted to (by policies.toml) |
/// |---|---|---|
/// | [`checkout_license`](Self::checkout_license) | `license-manager:CheckoutLicense` | [`AmiContracts`](marketplace_iam::AmiContracts), [`ContainerContracts`](marketplace_iam::ContainerContracts) |
/// | [`extend_license_consumption`](Self::extend_license_consumption) | `license-manager:ExtendLicenseConsumption` | [`AmiContracts`](marketplace_iam::AmiContracts), [`ContainerContracts`](marketplace_iam::ContainerContracts) |
/// | [`check_in_license`](Self::check_in_license) | `license-manager:CheckInLicense` | [`AmiContracts`](marketplace_iam::AmiContracts), [`ContainerContracts`](marketplace_iam::ContainerContracts) |
/// | [`get_license`](Self::get_license) | `license-manager:GetLicense` | [`AmiContracts`](marketplace_iam::AmiContracts), [`ContainerContracts`](marketplace_iam::ContainerContracts) |
///
/// (The bounds are the source of truth; the table restates the data, and a test of this crate fails when the two
/// differ.)
///
/// There is no method for GetAccessToken. A Containers Anywhere product (EKS Anywhere, ECS Anywhere, EC2, on
/// premises) calls it *without* AWS credentials, to exchange the License Manager token the customer gave it for an
/// access token, then calls `sts:AssumeRoleWithWebIdentity` with that token; no policy grants it, so `policies.toml`
/// declares no such action. Make that call with an SDK client of its own, then wrap a client built with the
/// credentials of the assumed role, which has `P`'s policy.
///
/// ```no_run
/// use marketplace_iam::AmiContracts;
/// use marketplace_iam_sdk::LicenseManagerClient;
///
/// # async fn f(sdk: aws_sdk_licensemanager::Client) -> Result<(), aws_sdk_licensemanager::Error> {
/// let licenses = LicenseManagerClient::<AmiContracts>::new(sdk);
/// let out = licenses
///     .get_license()
///     .license_arn("arn:aws:license-manager::294406891311:license:l-0123456789abcdef0")
///     .send()
///     .await?;
/// if let Some(license) = out.license() {
///     println!("{:?}: {:?} until {:?}", license.product_sku(), license.status(), license.validity());
/// }
/// # Ok(())
/// # }
/// ```
pub struct LicenseManagerClient<P: Policy> {
    inner: aws_sdk_licensemanager::Client,
    policy: PhantomData<fn() -> P>,
}

impl<P: Policy> LicenseManagerClient<P> {
    /// Wraps an SDK client. The client's credentials should be those of the role that has `P`'s policy
    /// ([`Policy::POLICY_JSON`]): the ECS task role, the EKS pod's service account role, the EC2 instance's role, or
    /// on Containers Anywhere the role assumed with the License Manager token.
    pub fn new(inner: aws_sdk_licensemanager::Client) -> Self {
        LicenseManagerClient {
            inner,
            policy: PhantomData,
        }
    }

    /// Builds the SDK client from its configuration and wraps it.
    ///
    /// This is [`aws_sdk_licensemanager::Client::from_conf`], which panics on an invalid configuration (for example
    /// without a behavior version).
    #[track_caller]
    pub fn from_conf(config: aws_sdk_licensemanager::Config) -> Self {
        Self::new(aws_sdk_licensemanager::Client::from_conf(config))
    }

    /// The wrapped SDK client, for what this wrapper does not cover (its configuration, say). Calls made through it
    /// are not checked against `P`'s policy.
    pub fn into_inner(self) -> aws_sdk_licensemanager::Client {
        self.inner
    }

    /// The SDK's [`CheckoutLicense`](aws_sdk_licensemanager::Client::checkout_license) operation: checks out the
    /// customer's entitlements (the product's SKU, the AWS Marketplace key fingerprint
    /// `aws:294406891311:AWS/Marketplace:issuer-fingerprint`, and the entitlements with their quantities), for good
    /// (`PERPETUAL`, consumptive) or until checked in (`PROVISIONAL`, floating). Needs
    /// `license-manager:CheckoutLicense`.
    pub fn checkout_license(&self) -> CheckoutLicenseFluentBuilder
    where
        P: Grants<CheckoutLicense>,
    {
        self.inner.checkout_license()
    }

    /// The SDK's [`ExtendLicenseConsumption`](aws_sdk_licensemanager::Client::extend_license_consumption) operation:
    /// keeps a provisional checkout (its license consumption token) alive while the software uses it beyond 60
    /// minutes. Needs `license-manager:ExtendLicenseConsumption`.
    pub fn extend_license_consumption(&self) -> ExtendLicenseConsumptionFluentBuilder
    where
        P: Grants<ExtendLicenseConsumption>,
    {
        self.inner.extend_license_consumption()
    }

    /// The SDK's [`CheckInLicense`](aws_sdk_licensemanager::Client::check_in_license) operation: returns a
    /// provisional checkout's floating units to the customer's pool when the software stops using them. Needs
    /// `license-manager:CheckInLicense`.
    pub fn check_in_license(&self) -> CheckInLicenseFluentBuilder
    where
        P: Grants<CheckInLicense>,
    {
        self.inner.check_in_license()
    }

    /// The SDK's [`GetLicense`](aws_sdk_licensemanager::Client::get_license) operation: reads a license the customer
    /// received, by ARN (whether it is expired or about to expire, say). Needs `license-manager:GetLicense`, which
    /// the published policies grant on licenses only (`arn:aws:license-manager::*:license:*`).
    pub fn get_license(&self) -> GetLicenseFluentBuilder
    where
        P: Grants<GetLicense>,
    {
        self.inner.get_license()
    }
}

impl<P: Policy> Clone for LicenseManagerClient<P> {
    fn clone(&self) -> Self {
        Self::new(self.inner.clone())
    }
}

impl<P: Policy> fmt::Debug for LicenseManagerClient<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LicenseManagerClient")
            .field("policy", &P::NAME)
            .field("inner", &self.inner)
            .finish()
    }
}

impl<P: Policy> From<aws_sdk_licensemanager::Client> for LicenseManagerClient<P> {
    fn from(inner: aws_sdk_licensemanager::Client) -> Self {
        Self::new(inner)
    }
}

#[cfg(test)]
mod tests {
    use marketplace_iam::{Action, PricingModel, ProductType};

    /// The marker types whose policy grants `action`, by name, sorted.
    fn granted_to(action: Action) -> Vec<String> {
        let products = ProductType::ALL
            .iter()
            .filter(|p| p.actions().contains(&action))
            .map(|p| format!("{p:?}"));
        let models = PricingModel::ALL
            .iter()
            .filter(|m| m.actions().contains(&action))
            .map(|m| format!("{m:?}"));
        let mut names: Vec<String> = products.chain(models).collect();
        names.sort();
        names
    }

    #[test]
    fn the_tables_of_granted_operations_restate_policies_toml() {
        let source = include_str!("lib.rs");
        let mut rows = 0;
        for line in source.lines() {
            let Some(row) = line.strip_prefix("/// | [`") else {
                continue;
            };
            let cells: Vec<&str> = row.split(" | ").collect();
            let action = cells[1].trim_matches('`');
            let action: Action = action.parse().unwrap_or_else(|e| panic!("{action}: {e:?}"));
            let mut documented: Vec<String> = cells[2]
                .split(", ")
                .map(|link| {
                    link.trim_start_matches("[`")
                        .split('`')
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect();
            documented.sort();
            assert_eq!(
                documented,
                granted_to(action),
                "the table row of {action} no longer restates policies.toml"
            );
            rows += 1;
        }
        // One row per operation of the three clients.
        assert_eq!(rows, 9);
    }
}
