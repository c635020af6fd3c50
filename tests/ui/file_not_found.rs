// The path is resolved against the invoking crate's directory and does not exist there.
marketplace_iam::policies!(path = "config/policies.toml");

fn main() {}
