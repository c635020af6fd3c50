//! Acme Analytics' metering, as a seller writes it: the product is declared in this crate's own policies.toml, and
//! `marketplace_iam::policies!` turns it into this crate's own types, which the project's compile-time checks, SDK
//! clients and role builder accept like the project's own.

marketplace_iam::policies!(path = "policies.toml");

use aws_sdk_marketplaceentitlement::operation::get_entitlements::builders::GetEntitlementsFluentBuilder;
use aws_sdk_marketplaceentitlement::types::GetEntitlementFilterName;
use aws_sdk_marketplacemetering::error::BuildError;
use aws_sdk_marketplacemetering::operation::batch_meter_usage::builders::BatchMeterUsageFluentBuilder;
use aws_sdk_marketplacemetering::primitives::DateTime;
use aws_sdk_marketplacemetering::types::UsageRecord;
// The action markers are re-exported here by `policies!`: `BatchMeterUsage` is `marketplace_iam::BatchMeterUsage`.
use marketplace_iam::Grants;
use marketplace_iam_sdk::{EntitlementClient, MeteringClient};

// Every policy of the product grants ResolveCustomer; only the metered one grants BatchMeterUsage.
marketplace_iam::require!(AcmeAnalyticsMetered: ResolveCustomer, BatchMeterUsage);
marketplace_iam::require!(AcmeAnalyticsContract: ResolveCustomer, GetEntitlements);

/// Builds the BatchMeterUsage request of an hour of usage of one agreement: the customer's AWS account ID and the
/// license ARN of the agreement (both from ResolveCustomer), and no product code, which AWS Marketplace does not take
/// beside a license ARN (Concurrent Agreements). Only a policy that grants the action can.
pub fn hourly_usage<P: Grants<BatchMeterUsage>>(
    metering: &MeteringClient<P>,
    customer_aws_account_id: &str,
    license_arn: &str,
    hour: DateTime,
    queries: i32,
) -> Result<BatchMeterUsageFluentBuilder, BuildError> {
    let record = UsageRecord::builder()
        .customer_aws_account_id(customer_aws_account_id)
        .license_arn(license_arn)
        .dimension("queries")
        .quantity(queries)
        .timestamp(hour)
        .build()?;
    Ok(metering.batch_meter_usage().usage_records(record))
}

/// Builds the GetEntitlements request of one agreement, filtered by its license ARN (GetEntitlements still takes the
/// product code); only a policy that grants the action can.
pub fn entitlements<P: Grants<GetEntitlements>>(
    entitlement: &EntitlementClient<P>,
    product_code: &str,
    license_arn: &str,
) -> GetEntitlementsFluentBuilder {
    entitlement
        .get_entitlements()
        .product_code(product_code)
        .filter(
            GetEntitlementFilterName::LicenseArn,
            vec![license_arn.to_owned()],
        )
}
