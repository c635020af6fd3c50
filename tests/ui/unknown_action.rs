// An action that policies.toml does not declare.
marketplace_iam::require!(marketplace_iam::Saas: marketplace_iam::BatchMeterUsag);

fn main() {}
