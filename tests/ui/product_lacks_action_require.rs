// The assertion macro points at the action the policy does not grant.
use marketplace_iam::{ContainerHourlyMonthly, GetEntitlements, RegisterUsage, require};

require!(ContainerHourlyMonthly: RegisterUsage, GetEntitlements);

fn main() {}
