//! An example seller service, written the way a seller would write one.
//!
//! The service is built for one product type or pricing model, `P`. Each function that makes an AWS Marketplace
//! call is bounded by the grant the call needs, so the compiler checks the service against the IAM policy that its
//! role will have: the SaaS service below compiles, and the same metering call in a service built for an AMI product
//! does not (see `tests/ui/seller_service_ami.rs`).
//!
//! The AWS SDK call itself is left out; where it would go, the function returns the request it would send.

use std::marker::PhantomData;

use marketplace_iam::{
    BATCH_METER_USAGE, BatchMeterUsage, GetEntitlements, Grants, Policy, RESOLVE_CUSTOMER,
    ResolveCustomer,
};

/// One usage record, as BatchMeterUsage takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRecord {
    /// The customer, from ResolveCustomer.
    pub customer: String,
    /// The pricing dimension, as listed for the product.
    pub dimension: String,
    /// How much was used.
    pub quantity: u32,
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

    /// Exchanges a registration token for a customer id. Needs `aws-marketplace:ResolveCustomer`.
    pub fn resolve_customer(&self, registration_token: &str) -> Call
    where
        P: Grants<ResolveCustomer>,
    {
        Call {
            action: RESOLVE_CUSTOMER,
            request: format!("RegistrationToken={registration_token}"),
        }
    }

    /// Sends usage records. Needs `aws-marketplace:BatchMeterUsage`.
    pub fn batch_meter_usage(&self, product_code: &str, records: &[UsageRecord]) -> Call
    where
        P: Grants<BatchMeterUsage>,
    {
        let records: Vec<String> = records
            .iter()
            .map(|r| format!("{}:{}={}", r.customer, r.dimension, r.quantity))
            .collect();
        Call {
            action: BATCH_METER_USAGE,
            request: format!(
                "ProductCode={product_code} UsageRecords=[{}]",
                records.join(", ")
            ),
        }
    }

    /// Reads a customer's entitlements. Needs `aws-marketplace:GetEntitlements`.
    pub fn get_entitlements(&self, product_code: &str, customer: &str) -> Call
    where
        P: Grants<GetEntitlements>,
    {
        Call {
            action: marketplace_iam::GET_ENTITLEMENTS,
            request: format!("ProductCode={product_code} Filter=CUSTOMER_IDENTIFIER:{customer}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use marketplace_iam::{Saas, SaasContracts, SaasSubscriptions};

    #[test]
    fn a_saas_subscription_service_resolves_and_meters() {
        let client = Metering::<SaasSubscriptions>::new();
        let call = client.resolve_customer("token-1");
        assert_eq!(call.action, "aws-marketplace:ResolveCustomer");
        let record = UsageRecord {
            customer: "c-1".into(),
            dimension: "requests".into(),
            quantity: 7,
        };
        let call = client.batch_meter_usage("prod-1", &[record]);
        assert_eq!(call.action, "aws-marketplace:BatchMeterUsage");
        assert_eq!(
            call.request,
            "ProductCode=prod-1 UsageRecords=[c-1:requests=7]"
        );
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
        assert_eq!(
            client.get_entitlements("prod-1", "c-1").action,
            "aws-marketplace:GetEntitlements"
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
        client.batch_meter_usage("p", &[]);
        client.get_entitlements("p", "c");
    }
}
