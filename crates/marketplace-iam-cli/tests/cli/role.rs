//! `role`: deployable roles, their templates and their parameters.

use super::*;

/// `role <policy> --target eks` with every parameter of the EKS trust policy.
fn eks_role(policy: &str, dir: &std::path::Path) -> std::process::Output {
    run(
        &[
            "role",
            policy,
            "--target",
            "eks",
            "--account-id",
            "111122223333",
            "--oidc-provider",
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
            "--namespace",
            "metering",
            "--service-account",
            "meter",
        ],
        dir,
    )
}

#[test]
fn role_prints_a_deployable_role_with_every_parameter_filled_in() {
    let dir = scratch("role-json");
    let out = eks_role("container/hourly-monthly", &dir);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json(&out);
    let st = &v["trust_policy"]["Statement"][0];
    assert_eq!(st["Action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(
        st["Condition"]["StringEquals"]["oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"],
        "system:serviceaccount:metering:meter"
    );
    let published: Value = serde_json::from_str(&workspace_file(
        "docs/policies/container-hourly-monthly.json",
    ))
    .unwrap();
    assert_eq!(v["permissions_policy"], published);
    assert_eq!(v["instance_profile"], false);
}

#[test]
fn role_templates_are_the_published_ones_with_given_parameters_as_defaults() {
    let dir = scratch("role-templates");
    let out = run(
        &[
            "role",
            "ami",
            "--target",
            "ec2",
            "--format",
            "cloudformation",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        workspace_file("docs/cloudformation/ami-ec2.json")
    );
    let out = run(
        &[
            "role",
            "saas/subscriptions",
            "--target",
            "cross-account",
            "--format",
            "terraform",
        ],
        &dir,
    );
    assert_eq!(
        stdout(&out),
        workspace_file("docs/terraform/saas-subscriptions-cross-account.tf.json")
    );
    let out = run(
        &[
            "role",
            "saas",
            "--target",
            "cross-account",
            "--format",
            "cloudformation",
            "--external-id",
            "tenant-42",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        json(&out)["Parameters"]["ExternalId"]["Default"],
        "tenant-42"
    );
}

#[test]
fn role_refuses_what_would_not_work() {
    let dir = scratch("role-errors");
    assert_unusable(
        &run(
            &[
                "role",
                "saas",
                "--target",
                "cross-account",
                "--trusted-role-arn",
                "arn:aws:iam::444455556666:role/app",
            ],
            &dir,
        ),
        "the cross-account trust policy needs --external-id",
    );
    assert_unusable(
        &run(&["role", "ami", "--target", "ecs"], &dir),
        "the ecs target does not run AMI products",
    );
    assert_unusable(
        &run(
            &[
                "role",
                "saas",
                "--target",
                "cross-account",
                "--trusted-role-arn",
                "arn:aws:iam::444455556666:role/app",
                "--external-id",
                "x",
            ],
            &dir,
        ),
        "error: ExternalId must be 2 to 1224 characters long, got 1",
    );
    assert_unusable(
        &run(&["role", "saas", "--target", "moon"], &dir),
        "invalid value 'moon' for '--target <TARGET>'",
    );
    assert_unusable(
        &run(
            &["role", "ami", "--target", "ec2", "--namespace", "x"],
            &dir,
        ),
        "--namespace does not apply to the ec2 target",
    );
    assert_unusable(
        &run(&["role", "ami/hourly-annual", "--target", "ec2"], &dir),
        "needs no role",
    );
}

/// Every product type, pricing model and target of the `marketplace-iam` crate's data, by id.
#[test]
fn role_json_keeps_the_published_key_order() {
    let dir = scratch("role-order");
    let out = run(
        &[
            "role",
            "saas/subscriptions",
            "--target",
            "cross-account",
            "--trusted-role-arn",
            "arn:aws:iam::444455556666:role/app",
            "--external-id",
            "tenant-42",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "{\n    \"policy\": \"saas/subscriptions\",\n    \"target\": \"cross-account\",\n"
        ),
        "{text}"
    );
    // The permissions policy is the published text, key order and all, one level in.
    let published = workspace_file("docs/policies/saas-subscriptions.json");
    let embedded = format!(
        "    \"permissions_policy\": {}\n}}\n",
        published.trim_end().replace('\n', "\n    ")
    );
    assert!(text.ends_with(&embedded), "{text}");
    // So is the trust policy, with the parameters filled in.
    let trust = workspace_file("docs/trust-policies/cross-account.json")
        .replace("${TrustedRoleArn}", "arn:aws:iam::444455556666:role/app")
        .replace("${ExternalId}", "tenant-42");
    let embedded = format!(
        "    \"trust_policy\": {},\n",
        trust.trim_end().replace('\n', "\n    ")
    );
    assert!(text.contains(&embedded), "{text}");
    let version = text.find("\"Version\"").unwrap();
    let statement = text.find("\"Statement\"").unwrap();
    assert!(version < statement, "Version first: {text}");
    // Still one JSON object.
    let v = json(&out);
    assert_eq!(v["permissions_policy"]["Version"], "2012-10-17");
}

#[test]
fn role_parameters_are_checked_by_the_role_builder() {
    let dir = scratch("role-builder");
    let eks = |account: &str, provider: &str| {
        run(
            &[
                "role",
                "container",
                "--target",
                "eks",
                "--account-id",
                account,
                "--oidc-provider",
                provider,
                "--namespace",
                "metering",
                "--service-account",
                "meter",
            ],
            &dir,
        )
    };
    // The library's messages, as its RoleBuilder reports them.
    assert_unusable(
        &eks("12345", "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"),
        "error: AccountId must be exactly 12 digits, got 5 characters",
    );
    assert_unusable(
        &eks(
            "111122223333",
            "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE",
        ),
        "error: OidcProvider is written without https://",
    );
    assert_eq!(
        code(&eks(
            "111122223333",
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
        )),
        0
    );
    // Missing parameters are named by their options.
    assert_unusable(
        &run(&["role", "container", "--target", "eks"], &dir),
        "the eks trust policy needs --account-id, --oidc-provider, --namespace, --service-account",
    );
    assert_unusable(
        &run(
            &[
                "role",
                "container",
                "--target",
                "ecs",
                "--account-id",
                "111122223333",
                "--external-id",
                "tenant-42",
            ],
            &dir,
        ),
        "--external-id does not apply to the ecs target; it takes --account-id",
    );
    // A template's defaults are checked before they are written into it.
    assert_unusable(
        &run(
            &[
                "role",
                "saas",
                "--target",
                "cross-account",
                "--format",
                "cloudformation",
                "--external-id",
                "x",
            ],
            &dir,
        ),
        "--external-id: ExternalId must be 2 to 1224 characters long, got 1",
    );
    assert_unusable(
        &run(
            &[
                "role",
                "ami",
                "--target",
                "ec2",
                "--format",
                "terraform",
                "--namespace",
                "metering",
            ],
            &dir,
        ),
        "--namespace is not an input of this template",
    );
}

#[test]
fn role_takes_an_optional_permissions_boundary_in_every_format() {
    let dir = scratch("role-boundary");
    let boundary = "arn:aws-us-gov:iam::111122223333:policy/boundaries/MeteringBoundary";
    let ec2 = |extra: &[&str]| {
        let mut args = vec!["role", "ami", "--target", "ec2"];
        args.extend_from_slice(extra);
        run(&args, &dir)
    };
    // Absent: `null` in the JSON, the empty default in CloudFormation, `null` in Terraform.
    let out = ec2(&[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(json(&out)["permissions_boundary"].is_null());
    // Given: in the JSON object, after instance_profile; as the templates' defaults.
    let out = ec2(&["--permissions-boundary", boundary]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["permissions_boundary"], boundary);
    assert!(
        stdout(&out).contains(&format!(
            "    \"instance_profile\": true,\n    \"permissions_boundary\": \"{boundary}\",\n"
        )),
        "{}",
        stdout(&out)
    );
    let out = ec2(&[
        "--format",
        "cloudformation",
        "--permissions-boundary",
        boundary,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let cfn = json(&out);
    assert_eq!(
        cfn["Parameters"]["PermissionsBoundary"]["Default"],
        boundary
    );
    assert_eq!(
        cfn["Resources"]["MeteringRole"]["Properties"]["PermissionsBoundary"]["Fn::If"][1]["Ref"],
        "PermissionsBoundary"
    );
    let out = ec2(&["--format", "terraform", "--permissions-boundary", boundary]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        json(&out)["variable"]["permissions_boundary"]["default"],
        boundary
    );
    // Invalid: exit 2, nothing on stdout, where the value goes wrong, the same in every format.
    let expected = "error: --permissions-boundary: PermissionsBoundary is not a managed policy ARN: at character 27, the resource must be `policy/<path/><name>` (a managed policy, not a role or user), got \"role/MeteringBoundary\"";
    for format in ["json", "cloudformation", "terraform"] {
        let out = ec2(&[
            "--format",
            format,
            "--permissions-boundary",
            "arn:aws:iam::111122223333:role/MeteringBoundary",
        ]);
        assert_unusable(&out, expected);
        assert_eq!(stdout(&out), "", "{format}");
    }
    assert_unusable(
        &ec2(&["--permissions-boundary", "arn:aws:iam::*:policy/B"]),
        "at character 14, the account must be 12 digits or `aws`, got \"*\"",
    );
}

#[test]
fn plain_documents_say_how_to_use_them_outside_the_commercial_partition() {
    let dir = scratch("role-partition");
    let note = "note: the ARNs printed are in the commercial partition (arn:aws:); in AWS GovCloud (US) write them arn:aws-us-gov:, in the China Regions arn:aws-cn:";
    // The EKS trust policy names the OIDC provider's ARN: a note on stderr, the JSON on stdout unchanged.
    let out = eks_role("container/contracts", &dir);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains(note), "{}", stderr(&out));
    assert!(
        json(&out)["trust_policy"]["Statement"][0]["Principal"]["Federated"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:iam::111122223333:oidc-provider/")
    );
    // So does the published contracts policy (GetLicense on license ARNs).
    let out = run(&["policy", "ami/contracts"], &dir);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains(note), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        workspace_file("docs/policies/ami-contracts.json")
    );
    // A document without an ARN, and the templates, need no note.
    for args in [
        &["policy", "saas"][..],
        &["role", "ami", "--target", "ec2"],
        &[
            "role",
            "container/contracts",
            "--target",
            "eks",
            "--format",
            "cloudformation",
        ],
    ] {
        let out = run(args, &dir);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}
