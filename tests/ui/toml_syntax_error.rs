// A TOML syntax error is reported with the file, line and column.
marketplace_iam::policies!(path = "fixtures/syntax-error.toml");

fn main() {}
