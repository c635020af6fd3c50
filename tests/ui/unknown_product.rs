// A product type that policies.toml does not declare.
use marketplace_iam::{BatchMeterUsage, Grants};

fn meter_usage<P: Grants<BatchMeterUsage>>() {}

fn main() {
    meter_usage::<marketplace_iam::Sass>();
}
