// The typed AWS SDK client of a service built for an AMI product: the AMI policy grants MeterUsage only, so the SDK's
// BatchMeterUsage operation is not available on it.
use marketplace_iam::Ami;
use marketplace_iam_sdk::MeteringClient;

fn report(metering: &MeteringClient<Ami>) {
    let _allowed = metering.meter_usage().product_code("prod-code");
    let _denied = metering.batch_meter_usage().product_code("prod-code");
}

fn main() {
    let _ = report;
}
