// rule action not in its prefix catalog, with the nearest name
marketplace_iam::policies!(source = r#"
schema_version = 2
[page]
title = "Permissions"
anchor = "top"
intro = ["Intro."]
[[actions]]
id = "CheckoutLicence"
name = "license-manager:CheckoutLicence"
service = "license-manager"
access_level = "Write"
purpose = "Checks out a license."
api_reference = "https://docs.aws.amazon.com/checkout"
[[products]]
id = "ami"
name = "AMI"
title = "AMI products"
anchor = "ami"
actions = ["CheckoutLicence"]
"#);

fn main() {}
