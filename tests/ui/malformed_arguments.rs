// Each invocation below is malformed in a different way.
mod misspelt_key {
    marketplace_iam::policies!(paht = "policies.toml");
}
mod missing_equals {
    marketplace_iam::policies!(path "policies.toml");
}
mod not_a_string {
    marketplace_iam::policies!(path = policies);
}
mod trailing_tokens {
    marketplace_iam::policies!(path = "policies.toml", source = "x");
}
mod empty_path {
    marketplace_iam::policies!(path = "");
}

fn main() {}
