//! `stack`: a SaaS product's notification stack, filled or as the published templates, and the arguments it refuses.

use super::*;

const ACCOUNT: &str = "111122223333";
const MARKETPLACE_ACCOUNT: &str = "287250355862";
const PRODUCT_CODE: &str = "n0123example4567890abcdef";
const QUEUE: &str = "saas-notifications";
const KEY: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";

/// `stack saas` with `args` after it.
fn stack(args: &[&str], dir: &Path) -> Output {
    let mut all = vec!["stack", "saas"];
    all.extend_from_slice(args);
    run(&all, dir)
}

/// The sns route on the cross-account target with every value it takes.
fn sns_cross_account(extra: &[&str], dir: &Path) -> Output {
    let mut args = vec![
        "--route",
        "sns",
        "--target",
        "cross-account",
        "--account-id",
        ACCOUNT,
        "--product-code",
        PRODUCT_CODE,
        "--marketplace-account-id",
        MARKETPLACE_ACCOUNT,
        "--queue-name",
        QUEUE,
        "--trusted-role-arn",
        "arn:aws:iam::444455556666:role/saas-application",
        "--external-id",
        "tenant-7f3a9c",
    ];
    args.extend_from_slice(extra);
    stack(&args, dir)
}

#[test]
fn the_sns_stack_prints_its_documents_filled() {
    let dir = scratch("stack-sns");
    let out = sns_cross_account(&[], &dir);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // The ARNs are the commercial partition's: the note says how to write them elsewhere.
    assert!(
        stderr(&out).contains("stack --format cloudformation"),
        "{}",
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(!text.contains("${"), "{text}");
    insta::assert_snapshot!("sns_cross_account_policies", text);
    let value = json(&out);
    // The consumer may act on its queue only.
    let queue_arn = format!("arn:aws:sqs:us-east-1:{ACCOUNT}:{QUEUE}");
    assert_eq!(
        value["consumer_policy"]["Statement"][0]["Resource"],
        queue_arn
    );
    assert_eq!(
        value["consumer_policy"]["Statement"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(value["encrypted"], false);
}

#[test]
fn the_eventbridge_stack_with_a_key_grants_the_key_to_the_consumer() {
    let dir = scratch("stack-eventbridge");
    let out = stack(
        &[
            "--route",
            "EventBridge",
            "--target",
            "eks",
            "--account-id",
            ACCOUNT,
            "--queue-name",
            QUEUE,
            "--key-id",
            KEY,
            "--oidc-provider",
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
            "--namespace",
            "notifications",
            "--service-account",
            "consumer",
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    insta::assert_snapshot!("eventbridge_eks_policies_with_key", stdout(&out));
    let value = json(&out);
    assert_eq!(value["encrypted"], true);
    assert_eq!(
        value["consumer_policy"]["Statement"][1]["Resource"],
        format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{KEY}")
    );
    assert_eq!(
        value["queue_policy"]["Statement"][0]["Condition"]["ArnEquals"]["aws:SourceArn"],
        format!("arn:aws:events:us-east-1:{ACCOUNT}:rule/{QUEUE}")
    );
    // EventBridge delivers through the rule: no subscription, no subscriber policy.
    assert!(value.get("subscriber_policy").is_none());
}

#[test]
fn the_subscriber_policy_is_the_published_one_filled() {
    let dir = scratch("stack-subscriber");
    let out = stack(
        &[
            "--route",
            "sns",
            "--target",
            "lambda",
            "--format",
            "subscriber-policy",
            "--product-code",
            PRODUCT_CODE,
            "--marketplace-account-id",
            MARKETPLACE_ACCOUNT,
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let published =
        workspace_file("docs/notifications/saas-notifications-sns-subscriber-policy.json")
            .replace("${ProductCode}", PRODUCT_CODE)
            .replace("${MarketplaceAccountId}", MARKETPLACE_ACCOUNT);
    assert_eq!(stdout(&out), published);

    let out = stack(
        &[
            "--route",
            "eventbridge",
            "--target",
            "lambda",
            "--format",
            "subscriber-policy",
        ],
        &dir,
    );
    assert_unusable(&out, "the eventbridge route subscribes to no topic");
}

#[test]
fn without_values_the_templates_are_the_published_ones() {
    let dir = scratch("stack-published");
    for (route, target) in [("sns", "ecs"), ("eventbridge", "cross-account")] {
        for (format, dir_name, ext) in [
            ("cloudformation", "cloudformation", "json"),
            ("terraform", "terraform", "tf.json"),
        ] {
            let out = stack(
                &["--route", route, "--target", target, "--format", format],
                &dir,
            );
            assert_eq!(code(&out), 0, "{}", stderr(&out));
            let published = workspace_file(&format!(
                "docs/{dir_name}/saas-notifications-{route}-{target}.{ext}"
            ));
            assert_eq!(stdout(&out), published, "{route} {target} {format}");
        }
    }
}

#[test]
fn values_given_become_the_templates_defaults() {
    let dir = scratch("stack-defaults");
    let out = sns_cross_account(&["--format", "cloudformation", "--key-id", KEY], &dir);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // The account comes from the deployment.
    assert!(
        stderr(&out).contains("--account-id is not needed here"),
        "{}",
        stderr(&out)
    );
    let template = json(&out);
    assert_eq!(template["Parameters"]["QueueName"]["Default"], QUEUE);
    assert_eq!(
        template["Parameters"]["ProductCode"]["Default"],
        PRODUCT_CODE
    );
    assert_eq!(template["Parameters"]["KeyId"]["Default"], KEY);
    assert!(template["Parameters"].get("AccountId").is_none());

    let out = stack(
        &[
            "--route",
            "eventbridge",
            "--target",
            "lambda",
            "--format",
            "terraform",
            "--queue-name",
            QUEUE,
        ],
        &dir,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let tf = json(&out);
    assert_eq!(tf["variable"]["queue_name"]["default"], QUEUE);
    assert!(tf["variable"]["key_id"]["default"].is_null());
}

#[test]
fn bad_values_exit_2_naming_the_option_the_rule_and_the_value() {
    let dir = scratch("stack-bad");
    for (option, value, rule) in [
        (
            "--account-id",
            "12345678901",
            "AccountId must be exactly 12 digits",
        ),
        (
            "--product-code",
            "prod-code",
            "ProductCode may only contain letters and digits, found '-'",
        ),
        ("--queue-name", "notifications.fifo", "names a FIFO queue"),
        (
            "--key-id",
            "alias/x",
            "KeyId is the key's id, not an alias or an ARN",
        ),
        (
            "--marketplace-account-id",
            "28725035586",
            "MarketplaceAccountId must be exactly 12 digits",
        ),
    ] {
        let out = stack(&["--route", "sns", "--target", "ecs", option, value], &dir);
        assert_unusable(&out, &format!("{option} {value:?}: "));
        assert_unusable(&out, rule);
    }
    // The queue's name also names the EventBridge rule, whose name AWS limits to 64 characters.
    let long = "q".repeat(70);
    let out = stack(
        &[
            "--route",
            "eventbridge",
            "--target",
            "ecs",
            "--queue-name",
            &long,
        ],
        &dir,
    );
    assert_unusable(
        &out,
        "QueueName also names the EventBridge rule, so it must be at most 64 characters long, got 70",
    );
    // Refused whatever the format: a template's default its own validation would refuse is never written.
    let out = stack(
        &[
            "--route",
            "sns",
            "--target",
            "ecs",
            "--format",
            "terraform",
            "--queue-name",
            "q.fifo",
        ],
        &dir,
    );
    assert_unusable(
        &out,
        "--queue-name \"q.fifo\": QueueName names a FIFO queue",
    );
}

#[test]
fn unknown_routes_and_targets_and_misplaced_options_exit_2() {
    let dir = scratch("stack-unknown");
    let out = stack(&["--route", "sqs", "--target", "ecs"], &dir);
    assert_unusable(&out, "invalid value 'sqs' for '--route <ROUTE>'");
    assert_unusable(&out, "[possible values: sns, eventbridge]");
    let out = stack(&["--route", "sns", "--target", "fargate"], &dir);
    assert_unusable(&out, "invalid value 'fargate' for '--target <TARGET>'");
    let out = stack(&["--route", "sns", "--target", "ec2"], &dir);
    assert_unusable(
        &out,
        "--target ec2: the sns route has no consumer there; its targets are: cross-account, ecs, eks, lambda",
    );
    let out = run(&["stack", "ami", "--route", "sns", "--target", "ecs"], &dir);
    assert_unusable(&out, "invalid value 'ami' for '<PRODUCT>'");
    let out = stack(
        &[
            "--route",
            "eventbridge",
            "--target",
            "ecs",
            "--product-code",
            "abc",
        ],
        &dir,
    );
    assert_unusable(
        &out,
        "--product-code does not apply to the eventbridge route on the ecs target; it takes --account-id, --queue-name, --key-id",
    );
    let out = stack(
        &[
            "--route",
            "sns",
            "--target",
            "ecs",
            "--permissions-boundary",
            "arn:aws:iam::111122223333:policy/Boundary",
        ],
        &dir,
    );
    assert_unusable(
        &out,
        "--permissions-boundary applies to --format cloudformation and terraform",
    );
}

#[test]
fn a_parameter_the_documents_need_and_not_given_is_named() {
    let dir = scratch("stack-missing");
    let out = stack(
        &[
            "--route",
            "sns",
            "--target",
            "cross-account",
            "--queue-name",
            QUEUE,
        ],
        &dir,
    );
    assert_unusable(
        &out,
        "the sns stack on the cross-account target needs --account-id, --trusted-role-arn, --external-id, \
         --product-code, --marketplace-account-id: give each",
    );
}

#[test]
fn the_role_command_takes_the_new_options_and_says_where_they_apply() {
    let dir = scratch("stack-role-options");
    let out = run(
        &["role", "saas", "--target", "lambda", "--queue-name", QUEUE],
        &dir,
    );
    assert_unusable(&out, "--queue-name does not apply to the lambda target");
}

#[test]
fn completions_offer_the_stack_command_and_its_routes() {
    let dir = scratch("stack-completions");
    let out = run(&["completions", "bash"], &dir);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let script = stdout(&out);
    for word in [
        "stack",
        "eventbridge",
        "--queue-name",
        "--key-id",
        "subscriber-policy",
    ] {
        assert!(script.contains(word), "{word}");
    }
}

/// The consumer actions of a notification route.
const CONSUMER_ACTIONS: &str = "sqs:ReceiveMessage,sqs:DeleteMessage,sqs:GetQueueAttributes";

/// `check --cloudformation` of a published notification stack's consumer role for `actions`, with every parameter
/// given, and the actions decided on `resource` when given.
fn check_stack(
    dir: &Path,
    path: &Path,
    with_key: bool,
    actions: &str,
    resource: Option<&str>,
) -> Output {
    let shown = path.display().to_string();
    let mut args = vec![
        "check",
        "--cloudformation",
        &shown,
        "--action",
        actions,
        "--role",
        "ConsumerRole",
        "--account-id",
        ACCOUNT,
        "--region",
        "us-east-1",
        "--format",
        "json",
    ];
    let parameters = [
        format!("QueueName={QUEUE}"),
        format!("ProductCode={PRODUCT_CODE}"),
        format!("MarketplaceAccountId={MARKETPLACE_ACCOUNT}"),
        "TrustedRoleArn=arn:aws:iam::444455556666:role/saas-application".to_owned(),
        "ExternalId=tenant-7f3a9c".to_owned(),
        "OidcProvider=oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
            .to_owned(),
        "Namespace=notifications".to_owned(),
        "ServiceAccount=consumer".to_owned(),
        format!("KeyId={}", if with_key { KEY } else { "" }),
    ];
    if let Some(arn) = resource {
        args.extend(["--resource", arn]);
    }
    let template = std::fs::read_to_string(path).unwrap();
    for p in &parameters {
        let name = p.split_once('=').unwrap().0;
        if template.contains(&format!("\"{name}\": {{")) {
            args.push("--parameter");
            args.push(p);
        }
    }
    run(&args, dir)
}

/// The published notification stacks' CloudFormation templates.
fn notification_templates() -> Vec<PathBuf> {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cloudformation");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&docs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("saas-notifications-"))
        })
        .collect();
    out.sort();
    out
}

/// Without `--resource`, `check --cloudformation` reads every published stack, finds its one consumer role and the
/// consumer policy's statement on the queue, whose ARN it knows from the queue's name and the account and Region
/// given, and reports each consumer action as allowed on that queue only: conditional, never a plain allow.
#[test]
fn check_reads_every_published_stack_and_finds_the_consumer_statement_on_the_queue() {
    let dir = scratch("stack-check");
    let templates = notification_templates();
    assert_eq!(templates.len(), 8);
    let queue = format!("arn:aws:sqs:us-east-1:{ACCOUNT}:{QUEUE}");
    for path in &templates {
        for with_key in [false, true] {
            let out = check_stack(&dir, path, with_key, CONSUMER_ACTIONS, None);
            assert_eq!(code(&out), 1, "{}: {}", path.display(), stderr(&out));
            let outcome = json(&out);
            let roles = outcome["roles"].as_array().unwrap();
            assert_eq!(roles.len(), 1, "{}", path.display());
            let actions = roles[0]["report"]["actions"].as_array().unwrap();
            assert_eq!(actions.len(), 3, "{}", path.display());
            for a in actions {
                assert_eq!(a["decision"], "conditional", "{}: {a:#}", path.display());
                assert_eq!(
                    a["resources"],
                    serde_json::json!([queue]),
                    "{}",
                    path.display()
                );
                let text = a.to_string();
                assert!(
                    text.contains("Resources.ConsumerPolicy.Properties.PolicyDocument"),
                    "{}: {text}",
                    path.display()
                );
            }
        }
    }
}

/// With `--resource`, the consumer role of every published stack is allowed the consumer actions on its queue and
/// denied them on another queue; `kms:Decrypt` on the key only when the stack is given one.
#[test]
fn every_published_stack_grants_the_consumer_actions_on_its_queue() {
    let dir = scratch("stack-check-allowed");
    let queue = format!("arn:aws:sqs:us-east-1:{ACCOUNT}:{QUEUE}");
    let other = format!("arn:aws:sqs:us-east-1:{ACCOUNT}:another-queue");
    let key = format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{KEY}");
    let templates = notification_templates();
    assert_eq!(templates.len(), 8);
    for path in &templates {
        for with_key in [false, true] {
            let verdict = |actions: &str, resource: &str| {
                let out = check_stack(&dir, path, with_key, actions, Some(resource));
                let outcome = json(&out);
                let roles = outcome["roles"].as_array().unwrap().clone();
                assert_eq!(roles.len(), 1, "{}", path.display());
                (code(&out), roles[0]["verdict"].as_str().unwrap().to_owned())
            };
            let shown = format!("{} (key: {with_key})", path.display());
            assert_eq!(
                verdict(CONSUMER_ACTIONS, &queue),
                (0, "allowed".to_owned()),
                "{shown}"
            );
            assert_eq!(verdict(CONSUMER_ACTIONS, &other).0, 1, "{shown}");
            let decrypt = verdict("kms:Decrypt", &key);
            assert_eq!(decrypt.0 == 0, with_key, "{shown}: {decrypt:?}");
        }
    }
}

/// The README shows the subscriber policy as published, so a seller who copies it gets the current one.
#[test]
fn the_readme_shows_the_published_subscriber_policy() {
    let readme = workspace_file("README.md");
    let published =
        workspace_file("docs/notifications/saas-notifications-sns-subscriber-policy.json");
    assert!(
        readme.contains(&format!("```json\n{published}```")),
        "README.md's subscriber policy differs from docs/notifications/saas-notifications-sns-subscriber-policy.json"
    );
}
