// The example seller service's metering call, in a service built for an AMI product: the AMI policy grants
// MeterUsage only, so BatchMeterUsage does not compile.
use seller_service::{Metering, UsageRecord};

fn main() {
    let client = Metering::<marketplace_iam::Ami>::new();
    let record = UsageRecord { customer: "c-1".into(), dimension: "requests".into(), quantity: 7 };
    client.batch_meter_usage("prod-1", &[record]);
}
