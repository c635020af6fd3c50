// rule bad schema version
marketplace_iam::policies!(source = r#"
schema_version = 4
[page]
title = "Permissions"
anchor = "top"
intro = ["Intro."]
[[actions]]
id = "MeterUsage"
name = "aws-marketplace:MeterUsage"
service = "metering"
access_level = "Write"
purpose = "Meters."
api_reference = "https://docs.aws.amazon.com/meter"
[[products]]
id = "ami"
name = "AMI"
title = "AMI products"
anchor = "ami"
actions = ["MeterUsage"]
"#);

fn main() {}
