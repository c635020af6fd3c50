// The typed License Manager client in the software of a contract-priced container product: its policy grants the
// four License Manager actions, so all four operations compile (built, not sent).
use marketplace_iam::ContainerContracts;
use marketplace_iam_sdk::LicenseManagerClient;
use marketplace_iam_sdk::aws_sdk_licensemanager::types::{CheckoutType, EntitlementData, EntitlementDataUnit};

fn license_calls(licenses: &LicenseManagerClient<ContainerContracts>) {
    let users = EntitlementData::builder().name("ReadOnlyUsers").unit(EntitlementDataUnit::Count).value("10");
    let _checkout = licenses
        .checkout_license()
        .product_sku("prod-id")
        .checkout_type(CheckoutType::Provisional)
        .key_fingerprint("aws:294406891311:AWS/Marketplace:issuer-fingerprint")
        .entitlements(users.build().unwrap())
        .client_token("request-id");
    let _extend = licenses.extend_license_consumption().license_consumption_token("token");
    let _check_in = licenses.check_in_license().license_consumption_token("token");
    let _get = licenses.get_license().license_arn("arn:aws:license-manager::294406891311:license:l-1");
}

fn main() {
    let _ = license_calls;
}
