// rule unknown prefix: an action of a prefix the catalog does not hold
marketplace_iam::policies!(source = r#"
schema_version = 2
[page]
title = "Permissions"
anchor = "top"
intro = ["Intro."]
[[actions]]
id = "RunInstances"
name = "ec2:RunInstances"
service = "metering"
access_level = "Write"
purpose = "Starts instances."
api_reference = "https://docs.aws.amazon.com/run"
[[products]]
id = "ami"
name = "AMI"
title = "AMI products"
anchor = "ami"
actions = ["RunInstances"]
"#);

fn main() {}
