//! The seller's own types against the project's vocabulary: the SDK clients, the role builder, serde.

use acme_analytics_metering::{
    AcmeAnalyticsContract, AcmeAnalyticsMetered, DeploymentTarget, PricingModel, ProductType,
    entitlements, hourly_usage,
};
use marketplace_iam::{Parameter, Policy, RoleBuilder, RoleError};
use marketplace_iam_sdk::{EntitlementClient, MeteringClient};

/// The license ARN of a customer's agreement, as ResolveCustomer returns it.
const LICENSE: &str = "arn:aws:license-manager::294406891311:license:l-0123456789abcdef0";

#[test]
fn the_sdk_clients_accept_the_sellers_policies() {
    let config = aws_sdk_marketplacemetering::Config::builder()
        .behavior_version(aws_sdk_marketplacemetering::config::BehaviorVersion::latest())
        .region(aws_sdk_marketplacemetering::config::Region::new(
            "us-east-1",
        ))
        .build();
    let metering = MeteringClient::<AcmeAnalyticsMetered>::from_conf(config);
    let hour = aws_sdk_marketplacemetering::primitives::DateTime::from_secs(1_767_225_600);
    let request = hourly_usage(&metering, "111122223333", LICENSE, hour, 42).unwrap();
    assert_eq!(request.get_product_code(), &None);
    let records = request.get_usage_records().as_deref().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].customer_aws_account_id(), Some("111122223333"));
    assert_eq!(records[0].license_arn(), Some(LICENSE));
    assert_eq!(records[0].quantity(), Some(42));
    assert!(
        AcmeAnalyticsMetered::POLICY_JSON
            .unwrap()
            .contains("aws-marketplace:BatchMeterUsage")
    );

    let config = aws_sdk_marketplaceentitlement::Config::builder()
        .behavior_version(aws_sdk_marketplaceentitlement::config::BehaviorVersion::latest())
        .region(aws_sdk_marketplaceentitlement::config::Region::new(
            "us-east-1",
        ))
        .build();
    let entitlement = EntitlementClient::<AcmeAnalyticsContract>::from_conf(config);
    let request = entitlements(&entitlement, "acme-1", LICENSE);
    assert_eq!(request.get_product_code().as_deref(), Some("acme-1"));
    let filter = request.get_filter().as_ref().unwrap();
    assert_eq!(
        filter.get(&aws_sdk_marketplaceentitlement::types::GetEntitlementFilterName::LicenseArn),
        Some(&vec![LICENSE.to_owned()])
    );
}

#[test]
fn the_role_builder_builds_the_sellers_role() {
    let role = RoleBuilder::for_policy::<AcmeAnalyticsMetered>(DeploymentTarget::CrossAccount)
        .unwrap()
        .parameter(
            Parameter::TrustedRoleArn,
            "arn:aws:iam::444455556666:role/acme-app",
        )
        .parameter(Parameter::ExternalId, "tenant-7f3a9c")
        .build()
        .unwrap();
    assert_eq!(role.policy.id(), "acme-analytics/metered");
    assert!(
        role.trust_policy
            .contains("\"sts:ExternalId\": \"tenant-7f3a9c\"")
    );
    let policy: serde_json::Value = serde_json::from_str(&role.permissions_policy).unwrap();
    assert_eq!(
        policy["Statement"][0]["Action"],
        serde_json::json!([
            "aws-marketplace:ResolveCustomer",
            "aws-marketplace:BatchMeterUsage"
        ])
    );

    // The project's own targets do not run the seller's product.
    let err =
        RoleBuilder::for_policy::<AcmeAnalyticsMetered>(marketplace_iam::DeploymentTarget::Ec2)
            .unwrap_err();
    assert!(matches!(err, RoleError::NotServed { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "the ec2 target does not run Acme Analytics products; their targets are: cross-account"
    );
}

#[test]
fn the_sellers_enums_serialize_as_their_ids() {
    assert_eq!(
        serde_json::to_string(&ProductType::AcmeAnalytics).unwrap(),
        "\"acme-analytics\""
    );
    assert_eq!(
        serde_json::from_str::<PricingModel>("\"acme-analytics/contract\"").unwrap(),
        PricingModel::AcmeAnalyticsContract
    );
    let err = serde_json::from_str::<PricingModel>("\"acme-analytics/yearly\"").unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown pricing model `acme-analytics/yearly`"),
        "{err}"
    );
    assert_eq!(
        serde_json::to_string(&acme_analytics_metering::Action::BatchMeterUsage).unwrap(),
        "\"aws-marketplace:BatchMeterUsage\""
    );
}
