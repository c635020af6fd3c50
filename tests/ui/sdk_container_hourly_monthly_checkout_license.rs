// The typed License Manager client in the software of a metered container product: the hourly or monthly policy
// grants RegisterUsage only, so the SDK's CheckoutLicense operation, which contract pricing needs, is not available.
use marketplace_iam::ContainerHourlyMonthly;
use marketplace_iam_sdk::LicenseManagerClient;

fn start(licenses: &LicenseManagerClient<ContainerHourlyMonthly>) {
    let _denied = licenses.checkout_license().product_sku("prod-id");
}

fn main() {
    let _ = start;
}
