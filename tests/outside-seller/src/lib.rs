//! Acme Analytics' metering, as a seller writes it: the product is declared in this crate's own policies.toml, and
//! `marketplace_iam::policies!` turns it into this crate's own types, which the project's compile-time checks, SDK
//! clients and role builder accept like the project's own.

marketplace_iam::policies!(path = "policies.toml");

// The action markers are re-exported here by `policies!`: `BatchMeterUsage` is `marketplace_iam::BatchMeterUsage`.
use marketplace_iam::Grants;
use marketplace_iam_sdk::{EntitlementClient, MeteringClient};

// Every policy of the product grants ResolveCustomer; only the metered one grants BatchMeterUsage.
marketplace_iam::require!(AcmeAnalyticsMetered: ResolveCustomer, BatchMeterUsage);
marketplace_iam::require!(AcmeAnalyticsContract: ResolveCustomer, GetEntitlements);

/// Builds the BatchMeterUsage request of an hour of usage; only a policy that grants the action can.
pub fn hourly_usage<P: Grants<BatchMeterUsage>>(
    metering: &MeteringClient<P>,
    product_code: &str,
) -> aws_sdk_marketplacemetering::operation::batch_meter_usage::builders::BatchMeterUsageFluentBuilder
{
    metering.batch_meter_usage().product_code(product_code)
}

/// Builds the GetEntitlements request of a customer; only a policy that grants the action can.
pub fn entitlements<P: Grants<GetEntitlements>>(
    entitlement: &EntitlementClient<P>,
    product_code: &str,
) -> aws_sdk_marketplaceentitlement::operation::get_entitlements::builders::GetEntitlementsFluentBuilder{
    entitlement.get_entitlements().product_code(product_code)
}
