// rule action with resource types but no resources
marketplace_iam::policies!(source = r#"
schema_version = 2
[page]
title = "Permissions"
anchor = "top"
intro = ["Intro."]
[[actions]]
id = "GetLicense"
name = "license-manager:GetLicense"
service = "license-manager"
access_level = "Read"
purpose = "Reads a license."
api_reference = "https://docs.aws.amazon.com/get"
[[products]]
id = "ami"
name = "AMI"
title = "AMI products"
anchor = "ami"
actions = ["GetLicense"]
"#);

fn main() {}
