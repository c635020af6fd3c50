// A product with usage pricing does not check licenses: its code cannot require a License Manager grant.
use marketplace_iam::{CheckoutLicense, ContainerHourlyMonthly, RegisterUsage, require};

require!(ContainerHourlyMonthly: RegisterUsage, CheckoutLicense);

fn main() {}
