// A seller's own product, declared in their own policies.toml, whose policy lacks BatchMeterUsage: the same pinned
// error as for the project's products, from the project's `require!` and SDK client.
mod acme {
    marketplace_iam::policies!(source = r#"
schema_version = 1
[page]
title = "Acme"
anchor = "acme"
intro = ["Acme's permissions."]
[[actions]]
id = "GetEntitlements"
name = "aws-marketplace:GetEntitlements"
service = "entitlement"
access_level = "Read"
purpose = "Reads entitlements."
api_reference = "https://docs.aws.amazon.com/marketplaceentitlement/latest/APIReference/API_GetEntitlements.html"
[[products]]
id = "acme"
name = "Acme"
title = "Acme"
anchor = "acme"
actions = ["GetEntitlements"]
"#);
}

marketplace_iam::require!(acme::Acme: acme::GetEntitlements, marketplace_iam::BatchMeterUsage);

fn meter(client: &marketplace_iam_sdk::MeteringClient<acme::Acme>) {
    let _ = client.batch_meter_usage();
}

fn main() {}
