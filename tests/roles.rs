//! Deployable roles: the published trust policies, templates and the role builder agree with policies.toml, and
//! pass the checks a security review of trust policies asks for.

use marketplace_iam::{
    DeploymentTarget, Parameter, PolicyChoice, PolicySpec, PricingModel, ProductType, RoleBuilder,
    RoleError,
};
use marketplace_iam_tests::{read, root};
use serde_json::Value;

const EXAMPLES: &[(&str, &str)] = &[
    ("AccountId", "111122223333"),
    (
        "OidcProvider",
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
    ),
    ("Namespace", "metering"),
    ("ServiceAccount", "metering-agent"),
    (
        "TrustedRoleArn",
        "arn:aws:iam::444455556666:role/saas-application",
    ),
    ("ExternalId", "tenant-7f3a9c"),
];

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// A template's document as deployed in the `aws` partition: CloudFormation's `Fn::Sub` on `${AWS::Partition}`
/// resolved. The published JSON documents name that partition.
fn cloudformation_in_aws(v: &Value) -> Value {
    match v {
        Value::Object(o) if o.len() == 1 && o.contains_key("Fn::Sub") => Value::String(
            o["Fn::Sub"]
                .as_str()
                .unwrap()
                .replace("${AWS::Partition}", "aws"),
        ),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), cloudformation_in_aws(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(cloudformation_in_aws).collect()),
        other => other.clone(),
    }
}

/// A Terraform configuration's text as deployed in the `aws` partition.
fn terraform_in_aws(text: &str) -> String {
    text.replace("${data.aws_partition.current.partition}", "aws")
}

fn principals(statement: &Value) -> Vec<String> {
    statement["Principal"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|v| match v {
            Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_owned()).collect(),
            other => vec![other.as_str().unwrap().to_owned()],
        })
        .collect()
}

#[test]
fn published_trust_policies_are_the_baked_templates() {
    for &t in DeploymentTarget::ALL {
        assert_eq!(
            read(&format!("docs/trust-policies/{t}.json")),
            t.trust_policy_template(),
            "{t}"
        );
    }
}

#[test]
fn no_trust_policy_has_a_wildcard_principal_and_cross_account_ones_require_an_external_id() {
    let mut cross_account = 0;
    for entry in std::fs::read_dir(root().join("docs/trust-policies")).unwrap() {
        let path = entry.unwrap().path();
        let doc = json(&std::fs::read_to_string(&path).unwrap());
        for st in doc["Statement"].as_array().unwrap() {
            for p in principals(st) {
                assert!(
                    !p.contains('*'),
                    "{}: wildcard principal {p}",
                    path.display()
                );
            }
            assert!(
                st.get("Resource").is_none(),
                "trust policies have no Resource"
            );
            if st["Principal"].get("AWS").is_some() {
                cross_account += 1;
                assert!(
                    st["Condition"]["StringEquals"]["sts:ExternalId"].is_string(),
                    "{}: cross-account trust without sts:ExternalId",
                    path.display()
                );
            }
        }
    }
    assert_eq!(cross_account, 1, "the SaaS cross-account role");
}

#[test]
fn the_eks_role_is_for_one_service_account_and_ecs_roles_for_one_account() {
    let eks = json(DeploymentTarget::Eks.trust_policy_template());
    let st = &eks["Statement"][0];
    assert_eq!(st["Action"], "sts:AssumeRoleWithWebIdentity");
    let cond = st["Condition"]["StringEquals"].as_object().unwrap();
    assert_eq!(
        cond["${OidcProvider}:sub"],
        "system:serviceaccount:${Namespace}:${ServiceAccount}"
    );
    assert_eq!(cond["${OidcProvider}:aud"], "sts.amazonaws.com");
    let ecs = json(DeploymentTarget::Ecs.trust_policy_template());
    assert_eq!(
        ecs["Statement"][0]["Principal"]["Service"],
        "ecs-tasks.amazonaws.com"
    );
    assert_eq!(
        ecs["Statement"][0]["Condition"]["StringEquals"]["aws:SourceAccount"],
        "${AccountId}"
    );
    assert!(DeploymentTarget::Ec2.instance_profile());
    assert!(!DeploymentTarget::Ecs.instance_profile());
}

#[test]
fn every_served_policy_builds_a_role_on_each_of_its_targets_and_has_templates() {
    let choices = ProductType::ALL
        .iter()
        .map(|&p| PolicyChoice::Product(p))
        .chain(
            PricingModel::ALL
                .iter()
                .filter(|m| m.policy_json().is_some())
                .map(|&m| PolicyChoice::PricingModel(m)),
        );
    let mut built = 0;
    for choice in choices {
        let spec: &PolicySpec = choice.into();
        // The targets policies.toml deploys the policy to; every other target refuses it.
        for &target in DeploymentTarget::ALL {
            if !spec.targets().contains(&target.spec()) {
                assert!(
                    matches!(
                        RoleBuilder::new(choice, target),
                        Err(RoleError::NotServed { .. })
                    ),
                    "{choice} on {target}"
                );
            }
        }
        for &target in DeploymentTarget::ALL
            .iter()
            .filter(|t| spec.targets().contains(&t.spec()))
        {
            let mut builder = RoleBuilder::new(choice, target).unwrap();
            for &parameter in target.parameters() {
                let value = EXAMPLES
                    .iter()
                    .find(|(n, _)| *n == parameter.name())
                    .unwrap()
                    .1;
                builder = builder.parameter(parameter, value);
            }
            let role = builder
                .build()
                .unwrap_or_else(|e| panic!("{choice} on {target}: {e}"));
            assert!(!role.trust_policy.contains("${"), "{}", role.trust_policy);
            json(&role.trust_policy);
            assert_eq!(Some(role.permissions_policy.as_str()), choice.policy_json());
            let stem = format!("{}-{target}", choice.to_string().replace('/', "-"));
            let cfn = json(&read(&format!("docs/cloudformation/{stem}.json")));
            assert_eq!(cfn["Resources"]["MeteringRole"]["Type"], "AWS::IAM::Role");
            let policy = &cfn["Resources"]["MeteringPolicy"]["Properties"]["PolicyDocument"];
            assert_eq!(
                cloudformation_in_aws(policy),
                json(&role.permissions_policy)
            );
            // Every ARN is in the stack's partition: none is written for `aws` alone.
            assert!(!cfn["Resources"].to_string().contains("arn:aws:"), "{stem}");
            assert_eq!(
                cfn["Resources"].get("MeteringInstanceProfile").is_some(),
                role.instance_profile
            );
            let tf = json(&read(&format!("docs/terraform/{stem}.tf.json")));
            let policy = tf["resource"]["aws_iam_policy"]["metering"]["policy"]
                .as_str()
                .unwrap();
            assert_eq!(terraform_in_aws(policy), role.permissions_policy.as_str());
            assert!(!tf["resource"].to_string().contains("arn:aws:"), "{stem}");
            assert_eq!(
                tf["data"].get("aws_partition").is_some(),
                tf.to_string()
                    .contains("data.aws_partition.current.partition"),
                "{stem}: the data source is declared where it is used"
            );
            // Every role takes an optional permissions boundary.
            assert_eq!(cfn["Parameters"]["PermissionsBoundary"]["Default"], "");
            assert_eq!(
                cfn["Resources"]["MeteringRole"]["Properties"]["PermissionsBoundary"]["Fn::If"][0],
                "HasPermissionsBoundary"
            );
            assert!(tf["variable"]["permissions_boundary"]["default"].is_null());
            assert_eq!(
                tf["resource"]["aws_iam_role"]["metering"]["permissions_boundary"],
                "${var.permissions_boundary}"
            );
            built += 1;
        }
    }
    // SaaS: 4 policies × (cross-account, Lambda); AMI: 3 × EC2; container: 3 × (ECS, EKS, AgentCore), and
    // contracts × (ECS, EKS, Containers Anywhere).
    assert_eq!(built, 8 + 3 + 9 + 3);
    // The role templates; the notification stacks (`<product>-notifications-<route>-<target>`) are another kind.
    let published = std::fs::read_dir(root().join("docs/cloudformation"))
        .unwrap()
        .filter(|e| {
            !e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("-notifications-")
        })
        .count();
    assert_eq!(published, built);
}

#[test]
fn the_role_builder_refuses_what_would_not_work() {
    use marketplace_iam::{Ami, AmiHourlyAnnual, Saas};
    let not_served = RoleBuilder::for_policy::<Ami>(DeploymentTarget::Ecs).unwrap_err();
    assert_eq!(
        not_served.to_string(),
        "the ecs target does not run AMI products; their targets are: ec2"
    );
    assert!(matches!(
        RoleBuilder::for_policy::<AmiHourlyAnnual>(DeploymentTarget::Ec2),
        Err(RoleError::NoPolicy { .. })
    ));
    let saas = || RoleBuilder::for_policy::<Saas>(DeploymentTarget::CrossAccount).unwrap();
    let err = saas()
        .parameter(
            Parameter::TrustedRoleArn,
            "arn:aws:iam::444455556666:role/app",
        )
        .parameter(Parameter::ExternalId, "x")
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "ExternalId must be 2 to 1224 characters long, got 1"
    );
    let err = saas()
        .parameter(Parameter::TrustedRoleArn, "*")
        .parameter(Parameter::ExternalId, "tenant-1")
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("TrustedRoleArn must be a role ARN"),
        "{err}"
    );
    let err = saas()
        .parameter(
            Parameter::TrustedRoleArn,
            "arn:aws:iam::444455556666:role/app",
        )
        .parameter(Parameter::ExternalId, "tenant-1")
        .parameter(Parameter::AccountId, "111122223333")
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unexpected parameter AccountId: this role takes TrustedRoleArn, ExternalId"
    );
    let err = RoleBuilder::for_policy::<marketplace_iam::Container>(DeploymentTarget::Ecs)
        .unwrap()
        .parameter(Parameter::AccountId, "1111-2222-3333")
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "AccountId must be exactly 12 digits, got 14 characters"
    );
    // A value cannot smuggle JSON into the trust policy.
    let err = saas()
        .parameter(
            Parameter::TrustedRoleArn,
            "arn:aws:iam::444455556666:role/app",
        )
        .parameter(Parameter::ExternalId, "a\",\"Effect\":\"Deny")
        .build()
        .unwrap_err();
    assert!(
        err.to_string().starts_with("ExternalId may only contain"),
        "{err}"
    );
}

#[test]
fn the_role_builder_takes_an_optional_permissions_boundary_and_checks_it() {
    use marketplace_iam::ContainerHourlyMonthly;
    let ecs = || {
        RoleBuilder::for_policy::<ContainerHourlyMonthly>(DeploymentTarget::Ecs)
            .unwrap()
            .parameter(Parameter::AccountId, "111122223333")
    };
    // Absent: no boundary.
    assert_eq!(ecs().build().unwrap().permissions_boundary, None);
    // Valid, in any partition, with a path; a later value replaces an earlier one.
    for arn in [
        "arn:aws:iam::111122223333:policy/MeteringBoundary",
        "arn:aws-cn:iam::111122223333:policy/boundaries/MeteringBoundary",
        "arn:aws-us-gov:iam::aws:policy/PowerUserAccess",
    ] {
        let role = ecs()
            .permissions_boundary("arn:aws:iam::111122223333:policy/Earlier")
            .permissions_boundary(arn)
            .build()
            .unwrap();
        assert_eq!(role.permissions_boundary.as_deref(), Some(arn));
    }
    // Invalid: the error names the character where the value goes wrong and what was expected.
    let cases = [
        (
            "arn:aws:iam::111122223333:role/MeteringBoundary",
            "at character 27, the resource must be `policy/<path/><name>` (a managed policy, not a role or user), got \"role/MeteringBoundary\"",
        ),
        (
            "arn:aws:iam::11112222333:policy/B",
            "at character 14, the account must be 12 digits or `aws`, got \"11112222333\"",
        ),
        (
            "arn:aws:iam::111122223333:policy/B*",
            "at character 35, '*' is not allowed",
        ),
        (
            "MeteringBoundary",
            "at character 1, the ARN must begin with `arn:`",
        ),
    ];
    for (arn, located) in cases {
        let err = ecs().permissions_boundary(arn).build().unwrap_err();
        match &err {
            RoleError::InvalidPermissionsBoundary { value, message } => {
                assert_eq!(value, arn);
                assert_eq!(message, &err.to_string());
            }
            other => panic!("{arn}: {other:?}"),
        }
        let text = err.to_string();
        assert!(
            text.starts_with("PermissionsBoundary is not a managed policy ARN: "),
            "{text}"
        );
        assert!(text.contains(located), "{arn}: {text}");
        assert!(
            text.ends_with("(expected arn:<partition>:iam::<account>:policy/<path/><name>, e.g. arn:aws:iam::111122223333:policy/MeteringBoundary)"),
            "{text}"
        );
        assert_eq!(RoleBuilder::check_permissions_boundary(arn), Err(err));
    }
}

#[test]
fn a_notification_consumer_role_is_scoped_to_its_queue_with_validated_values() {
    use marketplace_iam::{Policy, SaasEventbridgeConsumer, SaasSnsConsumer};
    let eks = || {
        RoleBuilder::for_policy::<SaasSnsConsumer>(DeploymentTarget::Eks)
            .unwrap()
            .parameter(Parameter::AccountId, "111122223333")
            .parameter(
                Parameter::OidcProvider,
                "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
            )
            .parameter(Parameter::Namespace, "billing")
            .parameter(Parameter::ServiceAccount, "notifications")
    };
    // The queue's name is needed: the policy names it.
    let err = eks().build().unwrap_err();
    assert_eq!(err.to_string(), "missing parameter(s): QueueName");
    let role = eks()
        .parameter(Parameter::QueueName, "saas-notifications")
        .build()
        .unwrap();
    let policy = json(&role.permissions_policy);
    assert_eq!(
        policy["Statement"][0]["Resource"],
        "arn:aws:sqs:us-east-1:111122223333:saas-notifications"
    );
    assert_eq!(
        policy["Statement"][0]["Action"],
        serde_json::json!([
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes"
        ])
    );
    assert!(!role.permissions_policy.contains("${"));
    // A value AWS would refuse is refused here, naming the parameter and the rule.
    for (queue, message) in [
        ("q.fifo", "QueueName names a FIFO queue"),
        (
            "with space",
            "QueueName may only contain letters, digits, - and _",
        ),
        ("", "QueueName must be 1 to 80 characters long, got 0"),
    ] {
        let err = eks()
            .parameter(Parameter::QueueName, queue)
            .build()
            .unwrap_err();
        assert!(err.to_string().starts_with(message), "{queue}: {err}");
    }
    // A parameter neither policy uses is refused.
    let err = eks()
        .parameter(Parameter::QueueName, "q")
        .parameter(Parameter::KeyId, "1234abcd-12ab-34cd-56ef-1234567890ab")
        .build()
        .unwrap_err();
    assert!(
        err.to_string().starts_with("unexpected parameter KeyId"),
        "{err}"
    );
    // Both routes' consumers run on the same targets, and neither on EC2.
    for spec in [SaasSnsConsumer::SPEC, SaasEventbridgeConsumer::SPEC] {
        let targets: Vec<&str> = spec.targets().iter().map(|t| t.id()).collect();
        assert_eq!(
            targets,
            ["cross-account", "ecs", "eks", "lambda"],
            "{}",
            spec.id()
        );
    }
    assert!(RoleBuilder::for_policy::<SaasSnsConsumer>(DeploymentTarget::Ec2).is_err());
}
