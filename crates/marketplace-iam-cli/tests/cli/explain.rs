//! `explain`: a real message explained as text and as JSON, from an argument and from standard input, and text
//! that is not an AccessDenied message refused with exit 2.

use super::*;

/// A message seen in the wild (Aviatrix's documentation): the short form, without a reason.
const METER_USAGE_SHORT: &str = "An error occurred (AccessDeniedException) when calling the MeterUsage operation: \
User: arn:aws:sts::094123412341:assumed-role/aws-elasticbeanstalk-ec2-role/i-07abb25asdfasdf8 is not authorized to \
perform: aws-marketplace:MeterUsage";

/// AWS's SCP example (AWS Security Blog), with a Marketplace action in place of iam:ListRoles.
const RESOLVE_SCP: &str = "An error occurred (AccessDeniedException) when calling the ResolveCustomer operation: \
User: arn:aws:sts::111122223333:assumed-role/SaasMetering/app is not authorized to perform: \
aws-marketplace:ResolveCustomer with an explicit deny in a service control policy: \
arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd";

/// Seen in Kpow's documentation: License Manager from an EKS node role.
const CHECKOUT_NODE_ROLE: &str = "software.amazon.awssdk.services.licensemanager.model.AuthorizationException: User: \
arn:aws:sts::489728315157:assumed-role/eksctl-awsmp-kpow-example-nodegro-NodeInstanceRole-RF0DW6JPCQ07/i-0dd68413a10f85f5c \
is not authorized to perform: license-manager:CheckoutLicense because no identity-based policy allows the \
license-manager:CheckoutLicense action (Service: LicenseManager, Status Code: 400, Request ID: \
c2546bfe-6a8e-4d0f-a635-36d07ddacad2)";

fn explain(args: &[&str]) -> Output {
    let dir = scratch("explain");
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    run(&all, &dir)
}

#[test]
fn the_short_form_for_meter_usage_names_the_documents_and_the_check() {
    let out = explain(&[METER_USAGE_SHORT]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    insta::assert_snapshot!("meter_usage_short_text", stdout(&out));
}

#[test]
fn an_scp_deny_with_its_arn_as_json() {
    let out = explain(&[RESOLVE_SCP, "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json(&out);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "action",
            "authorization_id",
            "check",
            "check_note",
            "covered",
            "denial",
            "documents",
            "encoded_message",
            "fix",
            "layer",
            "meaning",
            "notes",
            "policy_arn",
            "principal",
            "resource",
            "through",
            "trust_policies",
            "wrapper"
        ]
    );
    assert_eq!(v["layer"], "service_control_policy");
    assert_eq!(v["denial"], "explicit");
    assert_eq!(v["principal"]["kind"], "assumed_role");
    assert_eq!(v["principal"]["name"], "SaasMetering");
    assert_eq!(v["wrapper"]["operation"], "ResolveCustomer");
    assert_eq!(
        v["check"],
        "marketplace-iam check --action aws-marketplace:ResolveCustomer role-policy.json --scp scp.json"
    );
    assert_eq!(
        v["documents"][0]["policy"],
        "docs/policies/saas-subscriptions.json"
    );
    // Every document named exists.
    for doc in v["documents"].as_array().unwrap() {
        workspace_file(doc["policy"].as_str().unwrap());
        for t in doc["templates"].as_array().unwrap() {
            workspace_file(t["cloudformation"].as_str().unwrap());
            workspace_file(t["terraform"].as_str().unwrap());
        }
    }
    insta::assert_snapshot!("resolve_scp_json", stdout(&out));
}

#[test]
fn a_message_from_standard_input() {
    let dir = scratch("explain-stdin");
    let out = run_with_stdin(&["explain", "-"], &dir, &format!("{CHECKOUT_NODE_ROLE}\n"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    insta::assert_snapshot!("checkout_node_role_text", stdout(&out));
}

#[test]
fn sts_assume_role_names_the_trust_policy_and_the_assume_check() {
    let out = explain(&[
        "An error occurred (AccessDenied) when calling the AssumeRole operation: User: \
         arn:aws:sts::444455556666:assumed-role/saas-application/web is not authorized to perform: sts:AssumeRole \
         on resource: arn:aws:iam::111122223333:role/SaasMetering because no role trust policy allows the \
         sts:AssumeRole action",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["layer"], "role_trust_policy");
    assert_eq!(v["covered"], true);
    assert_eq!(
        v["trust_policies"][0]["trust_policy"],
        "docs/trust-policies/cross-account.json"
    );
    workspace_file("docs/trust-policies/cross-account.json");
    // `check --assume` decides that hop, with the role and the caller of the message filled in.
    assert_eq!(
        v["check"],
        "marketplace-iam check --product <product> role-policy.json --assume trust.json --role-arn \
         arn:aws:iam::111122223333:role/SaasMetering --caller-arn \
         arn:aws:sts::444455556666:assumed-role/saas-application/web --caller caller-policy.json"
    );
    assert!(
        v["fix"][0]
            .as_str()
            .unwrap()
            .contains("arn:aws:iam::111122223333:role/SaasMetering")
    );
}

#[test]
fn an_action_the_project_does_not_cover_is_still_explained() {
    let out = explain(&[
        "User: arn:aws:iam::123456789012:user/John is not authorized to perform: \
         codecommit:ListRepositories because no session policy allows the codecommit:ListRepositories action",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("session policy, implicit deny (no Allow)"),
        "{text}"
    );
    assert!(
        text.contains("the project's documents do not cover codecommit:ListRepositories"),
        "{text}"
    );
    assert!(!text.contains("documents  "), "{text}");
}

#[test]
fn text_that_is_not_an_access_denied_message_exits_2_located() {
    assert_unusable(
        &explain(&["The security token included in the request is expired"]),
        "error: <argument>:1:1: not an AccessDenied message",
    );
    assert_unusable(
        &explain(&[
            "User: arn:aws:iam::111122223333:user/x is not authorized to perform: aws-marketplace:MeterUsage",
            "because of the moon",
        ]),
        "error: <argument>:1:97: `because of the moon` is no reason AWS documents",
    );
    let dir = scratch("explain-stdin-bad");
    let out = run_with_stdin(
        &["explain", "-"],
        &dir,
        "log line\nUser: arn:aws:iam::111122223333:user/x is not authorized to perform:\n  the dishes\n",
    );
    assert_unusable(&out, "error: <stdin>:3:3: `the` is not an IAM action");
    assert!(
        stderr(&out).contains("understood before it: principal `arn:aws:iam::111122223333:user/x`")
    );
    assert_unusable(
        &explain(&[
            "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not \
             authorized to perform this operation. Encoded authorization failure message: 4Ai9qvVQ",
        ]),
        "aws sts decode-authorization-message",
    );
}

#[test]
fn odd_standard_input_is_refused_without_a_panic() {
    let dir = scratch("explain-odd");
    assert_unusable(
        &run_with_stdin(&["explain", "-"], &dir, ""),
        "<stdin>:1:1: the message is empty",
    );
    assert_unusable(
        &run_with_stdin(&["explain", "-"], &dir, &"x".repeat((1 << 20) + 10)),
        "larger than 1 MiB",
    );
    assert_unusable(
        &run_with_stdin(&["explain", "-"], &dir, "ünïcödé ✓ 用户"),
        "not an AccessDenied message",
    );
}

#[test]
fn the_web_identity_denial_names_no_principal_and_points_at_the_trust_policies() {
    let out = explain(&[
        "Error: Could not assume role with OIDC: Not authorized to perform sts:AssumeRoleWithWebIdentity",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["principal"], serde_json::Value::Null);
    assert_eq!(v["layer"], serde_json::Value::Null);
    assert_eq!(v["action"], "sts:AssumeRoleWithWebIdentity");
    let trusts: Vec<&str> = v["trust_policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["trust_policy"].as_str().unwrap())
        .collect();
    assert_eq!(
        trusts,
        [
            "docs/trust-policies/eks.json",
            "docs/trust-policies/containers-anywhere.json"
        ]
    );
    for t in trusts {
        workspace_file(t);
    }
    assert!(
        v["meaning"].as_str().unwrap().contains("sub"),
        "{}",
        v["meaning"]
    );
}

#[test]
fn a_session_policy_denial_names_the_check_assume_of_the_sessions_role() {
    let out = explain(&[
        "User: arn:aws:sts::111122223333:assumed-role/metering/i-0abc is not authorized to perform: \
         aws-marketplace:MeterUsage because no session policy allows the aws-marketplace:MeterUsage action",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json(&out);
    let check = v["check"].as_str().unwrap();
    assert!(
        check.contains("--role-arn arn:aws:iam::111122223333:role/metering")
            && check.contains("--session-policy session-policy.json"),
        "{check}"
    );
}

/// A notification consumer denied on its queue (SQS lower-cases the action in its messages): the route's consumer
/// policy and stacks, the statement in the catalog's spelling on the queue, and the check on that queue.
#[test]
fn a_notification_consumer_denied_on_its_queue_names_the_routes_documents() {
    let out = explain(&[
        "User: arn:aws:sts::111122223333:assumed-role/saas-notifications-consumer/app is not authorized to perform: \
         sqs:receivemessage on resource: arn:aws:sqs:us-east-1:111122223333:saas-notifications because no \
         identity-based policy allows the sqs:receivemessage action",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json(&out);
    let advice = &v;
    let specs: Vec<&str> = advice["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["spec"].as_str().unwrap())
        .collect();
    assert_eq!(specs, ["saas/sns-consumer", "saas/eventbridge-consumer"]);
    assert_eq!(
        advice["documents"][0]["policy"],
        "docs/notifications/saas-notifications-sns-consumer-policy.json"
    );
    assert_eq!(
        advice["documents"][0]["templates"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(advice["covered"], true);
    assert_eq!(
        advice["check"],
        "marketplace-iam check --action sqs:ReceiveMessage role-policy.json --resource \
         arn:aws:sqs:us-east-1:111122223333:saas-notifications"
    );
    assert!(
        !v["notes"].to_string().contains("do not cover"),
        "{:#}",
        v["notes"]
    );

    // The key of an encrypted queue: the encrypted consumer's policy, with its --key-id.
    let out = explain(&[
        "User: arn:aws:sts::111122223333:assumed-role/saas-notifications-consumer/app is not authorized to perform: \
         kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab \
         because no identity-based policy allows the kms:Decrypt action",
        "--format",
        "json",
    ]);
    let v = json(&out);
    assert_eq!(
        v["documents"][0]["policy"],
        "docs/notifications/saas-notifications-sns-consumer-policy-encrypted.json"
    );
    assert!(
        v["documents"][0]["command"]
            .as_str()
            .unwrap()
            .ends_with("--key-id <key id>")
    );

    // Whoever deploys the SNS stack: the subscriber policy, and no stack role claims to have it.
    let out = explain(&[
        "User: arn:aws:iam::111122223333:user/deployer is not authorized to perform: SNS:Subscribe on resource: \
         arn:aws:sns:us-east-1:444455556666:aws-mp-subscription-notification-abc because no identity-based policy \
         allows the SNS:Subscribe action",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("docs/notifications/saas-notifications-sns-subscriber-policy.json"),
        "{text}"
    );
    assert!(
        text.contains("subscribe its queue to the product's topics"),
        "{text}"
    );
    assert!(!text.contains("whose role has it"), "{text}");
}
