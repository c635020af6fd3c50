// An AMI product's policy grants only MeterUsage: a service built for it cannot call BatchMeterUsage.
use marketplace_iam::{Ami, BatchMeterUsage, Grants};

fn meter_usage<P: Grants<BatchMeterUsage>>() {}

fn main() {
    meter_usage::<Ami>();
}
