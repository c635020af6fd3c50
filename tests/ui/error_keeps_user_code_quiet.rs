// error keeps user code quiet
marketplace_iam::policies!(source = r#"
schema_version = 1
[page]
title = "Permissions"
anchor = "top"
intro = ["Intro."]
[[actions]]
id = "MeterUsage"
name = "aws-marketplace:MeterUsage"
service = "metering"
access_level = "write"
purpose = "Meters."
api_reference = "https://docs.aws.amazon.com/meter"
[[products]]
id = "ami"
name = "AMI"
title = "AMI products"
anchor = "ami"
actions = ["MeterUsage"]
"#);

use core::marker::PhantomData;

// The file has one mistake; the code below uses the items it declares and must show no error of its own.
fn meter<P: Grants<MeterUsage>>() -> PhantomData<P> {
    PhantomData
}

fn main() {
    let _ = meter::<Ami>();
    let _ = Action::MeterUsage;
    let _ = ProductType::Ami;
}
