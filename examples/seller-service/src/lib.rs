//! An example seller service, written the way a seller would write one.
//!
//! The service is built for one product type or pricing model, `P`. Each function that makes an AWS Marketplace
//! call is bounded by the grant the call needs, so the compiler checks the service against the IAM policy that its
//! role will have: the SaaS service below compiles, and the same metering call in a service built for an AMI product
//! does not (see `tests/ui/seller_service_ami.rs`).
//!
//! The AWS SDK call itself is left out; where it would go, the function returns the request it would send. The
//! requests have the shapes AWS Marketplace expects of SaaS products since Concurrent Agreements (1 June 2026): the
//! customer is their AWS account ID and the agreement its license ARN, both from ResolveCustomer, and BatchMeterUsage
//! is sent without a product code.

use std::marker::PhantomData;

use marketplace_iam::{
    BATCH_METER_USAGE, BatchMeterUsage, GetEntitlements, Grants, Policy, RESOLVE_CUSTOMER,
    ResolveCustomer,
};

/// One usage record, as BatchMeterUsage takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRecord {
    /// The customer's AWS account ID (`CustomerAWSAccountId`), from ResolveCustomer.
    pub customer_aws_account_id: String,
    /// The agreement the usage is billed to (`LicenseArn`), from ResolveCustomer. A buyer may hold several
    /// agreements for the product at once; each has its own license ARN.
    pub license_arn: String,
    /// The pricing dimension, as listed for the product.
    pub dimension: String,
    /// How much was used.
    pub quantity: u32,
}

impl UsageRecord {
    /// The usage of `quantity` units of `dimension` by the customer with the AWS account ID
    /// `customer_aws_account_id`, under the agreement `license_arn`.
    pub fn new(
        customer_aws_account_id: impl Into<String>,
        license_arn: impl Into<String>,
        dimension: impl Into<String>,
        quantity: u32,
    ) -> Self {
        UsageRecord {
            customer_aws_account_id: customer_aws_account_id.into(),
            license_arn: license_arn.into(),
            dimension: dimension.into(),
            quantity,
        }
    }
}

/// What the service would send: the IAM action that authorizes the call, and a summary of the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The IAM action the call needs.
    pub action: &'static str,
    /// The request.
    pub request: String,
}

/// The metering client of a service built for the product type or pricing model `P`.
#[derive(Debug, Default)]
pub struct Metering<P: Policy> {
    policy: PhantomData<P>,
}

impl<P: Policy> Metering<P> {
    /// A client for the service's product.
    pub fn new() -> Self {
        Metering {
            policy: PhantomData,
        }
    }

    /// The IAM policy the service's role needs (the published document for `P`).
    pub fn required_policy(&self) -> Option<&'static str> {
        P::POLICY_JSON
    }

    /// Exchanges a registration token for the customer's AWS account ID and the license ARN of their agreement.
    /// Needs `aws-marketplace:ResolveCustomer`.
    pub fn resolve_customer(&self, registration_token: &str) -> Call
    where
        P: Grants<ResolveCustomer>,
    {
        Call {
            action: RESOLVE_CUSTOMER,
            request: format!("RegistrationToken={registration_token}"),
        }
    }

    /// Sends usage records, each naming the customer's AWS account ID and the license ARN of the agreement. The
    /// request has no product code: the license ARN identifies the product. Needs `aws-marketplace:BatchMeterUsage`.
    pub fn batch_meter_usage(&self, records: &[UsageRecord]) -> Call
    where
        P: Grants<BatchMeterUsage>,
    {
        let records: Vec<String> = records
            .iter()
            .map(|r| {
                format!(
                    "CustomerAWSAccountId={} LicenseArn={} {}={}",
                    r.customer_aws_account_id, r.license_arn, r.dimension, r.quantity
                )
            })
            .collect();
        Call {
            action: BATCH_METER_USAGE,
            request: format!("UsageRecords=[{}]", records.join(", ")),
        }
    }

    /// Reads what an agreement entitles its customer to, by the agreement's license ARN (GetEntitlements still
    /// takes the product code). Needs `aws-marketplace:GetEntitlements`.
    pub fn get_entitlements(&self, product_code: &str, license_arn: &str) -> Call
    where
        P: Grants<GetEntitlements>,
    {
        Call {
            action: marketplace_iam::GET_ENTITLEMENTS,
            request: format!("ProductCode={product_code} Filter=LICENSE_ARN:{license_arn}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use marketplace_iam::{Saas, SaasContracts, SaasSubscriptions};

    const LICENSE: &str = "arn:aws:license-manager::294406891311:license:l-0123456789abcdef0";

    #[test]
    fn a_saas_subscription_service_resolves_and_meters() {
        let client = Metering::<SaasSubscriptions>::new();
        let call = client.resolve_customer("token-1");
        assert_eq!(call.action, "aws-marketplace:ResolveCustomer");
        let record = UsageRecord::new("111122223333", LICENSE, "requests", 7);
        let call = client.batch_meter_usage(&[record]);
        assert_eq!(call.action, "aws-marketplace:BatchMeterUsage");
        assert_eq!(
            call.request,
            format!(
                "UsageRecords=[CustomerAWSAccountId=111122223333 LicenseArn={LICENSE} requests=7]"
            )
        );
        assert!(!call.request.contains("ProductCode"));
        assert!(
            client
                .required_policy()
                .unwrap()
                .contains("aws-marketplace:BatchMeterUsage")
        );
    }

    #[test]
    fn a_contract_service_checks_entitlements_and_its_policy_has_no_metering() {
        let client = Metering::<SaasContracts>::new();
        let call = client.get_entitlements("prod-1", LICENSE);
        assert_eq!(call.action, "aws-marketplace:GetEntitlements");
        assert_eq!(
            call.request,
            format!("ProductCode=prod-1 Filter=LICENSE_ARN:{LICENSE}")
        );
        assert!(
            !client
                .required_policy()
                .unwrap()
                .contains("BatchMeterUsage")
        );
    }

    #[test]
    fn the_product_wide_saas_policy_allows_every_call() {
        let client = Metering::<Saas>::new();
        client.resolve_customer("t");
        client.batch_meter_usage(&[]);
        client.get_entitlements("p", LICENSE);
    }
}
