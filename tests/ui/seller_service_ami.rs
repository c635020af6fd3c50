// The example seller service's metering call, in a service built for an AMI product: the AMI policy grants
// MeterUsage only, so BatchMeterUsage does not compile.
use seller_service::{Metering, UsageRecord};

fn main() {
    let client = Metering::<marketplace_iam::Ami>::new();
    let license = "arn:aws:license-manager::294406891311:license:l-0123456789abcdef0";
    let record = UsageRecord::new("111122223333", license, "requests", 7);
    client.batch_meter_usage(&[record]);
}
