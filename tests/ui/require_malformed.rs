// `require!` without the `:` between the policy and its actions says what to write.
marketplace_iam::require!(marketplace_iam::Saas marketplace_iam::BatchMeterUsage);

fn main() {}
