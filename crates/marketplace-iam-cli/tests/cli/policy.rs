//! `policy`, `list`, `completions` and `--help`: what the command knows, and its values as clap lists them.

use super::*;

#[test]
fn policy_prints_the_published_bytes() {
    let dir = scratch("policy");
    for (spec, file) in [
        ("saas", "saas.json"),
        ("saas/subscriptions", "saas-subscriptions.json"),
        ("ami/custom-metering", "ami-custom-metering.json"),
        ("CONTAINER", "container.json"),
    ] {
        let out = run(&["policy", spec], &dir);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let published = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../docs/policies")
                .join(file),
        )
        .unwrap();
        assert_eq!(out.stdout, published, "{spec}");
    }
}

#[test]
fn policy_of_a_model_without_calls_explains_and_exits_1() {
    let out = run(&["policy", "ami/hourly-annual"], &scratch("nopolicy"));
    assert_eq!(code(&out), 1);
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("ami/hourly-annual needs no IAM policy"),
        "{err}"
    );
}

#[test]
fn unknown_product_is_unusable_and_lists_the_known_ones() {
    let dir = scratch("unknown-product");
    assert_unusable(
        &run(&["policy", "saas/yearly"], &dir),
        "invalid value 'saas/yearly' for '<PRODUCT[/MODEL]>'\n  [possible values: saas, saas/subscriptions, ",
    );
    let role = write(&dir, "role.json", MARKETPLACE_STAR);
    assert_unusable(
        &run(
            &["check", "--product", "desktop", role.to_str().unwrap()],
            &dir,
        ),
        "invalid value 'desktop' for '--product <PRODUCT[/MODEL]>'",
    );
}

#[test]
fn a_typo_gets_the_nearest_value() {
    let dir = scratch("typo");
    let out = run(&["policy", "saas/subscriptons"], &dir);
    assert_unusable(&out, "invalid value 'saas/subscriptons'");
    assert!(
        stderr(&out).contains("tip: a similar value exists: 'saas/subscriptions'"),
        "{}",
        stderr(&out)
    );
    let out = run(&["role", "saas", "--target", "crossaccount"], &dir);
    assert_unusable(&out, "invalid value 'crossaccount' for '--target <TARGET>'");
    assert!(
        stderr(&out).contains("tip: a similar value exists: 'cross-account'"),
        "{}",
        stderr(&out)
    );
    write(&dir, "role.json", MARKETPLACE_STAR);
    let out = run(
        &["check", "--product", "ami/custom-meterin", "role.json"],
        &dir,
    );
    assert_unusable(&out, "tip: a similar value exists: 'ami/custom-metering'");
}

#[test]
fn help_lists_every_product_model_and_target() {
    let dir = scratch("help");
    let policy = run(&["policy", "--help"], &dir);
    assert_eq!(code(&policy), 0);
    let check = run(&["check", "--help"], &dir);
    let role = run(&["role", "--help"], &dir);
    for (help, with_targets) in [
        (stdout(&policy), false),
        (stdout(&check), false),
        (stdout(&role), true),
    ] {
        assert!(help.contains("Possible values:"), "{help}");
        for p in marketplace_iam::ProductType::ALL {
            assert!(
                help.contains(&format!("- {}:", p.id())),
                "{} in\n{help}",
                p.id()
            );
        }
        for m in marketplace_iam::PricingModel::ALL {
            assert!(
                help.contains(&format!("- {}:", m.id())),
                "{} in\n{help}",
                m.id()
            );
        }
        for t in marketplace_iam::DeploymentTarget::ALL {
            assert_eq!(
                help.contains(&format!("- {}:", t.id())),
                with_targets,
                "{} in\n{help}",
                t.id()
            );
        }
    }
    // The short help lists them too.
    let short = stdout(&run(&["role", "-h"], &dir));
    assert!(
        short.contains(
            "[possible values: ec2, ecs, eks, agentcore, cross-account, containers-anywhere, lambda]"
        ),
        "{short}"
    );
}

fn every_value() -> Vec<&'static str> {
    let mut ids: Vec<&str> = marketplace_iam::ProductType::ALL
        .iter()
        .map(|p| p.id())
        .collect();
    ids.extend(marketplace_iam::PricingModel::ALL.iter().map(|m| m.id()));
    ids.extend(
        marketplace_iam::DeploymentTarget::ALL
            .iter()
            .map(|t| t.id()),
    );
    ids
}

#[test]
fn completions_complete_every_product_model_and_target() {
    let dir = scratch("completions");
    let bash = run(&["completions", "bash"], &dir);
    assert_eq!(code(&bash), 0, "{}", stderr(&bash));
    let script = stdout(&bash);
    assert!(script.contains("saas/subscriptions"), "{script}");
    assert!(script.contains("cross-account"), "{script}");
    assert!(script.contains("complete -F"), "{script}");
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&run(&["completions", shell], &dir));
        for value in every_value() {
            assert!(script.contains(value), "{shell}: {value} missing");
        }
        for word in ["policy", "check", "role", "completions", "target", "gaad"] {
            assert!(script.contains(word), "{shell}: {word} missing");
        }
    }
    assert_unusable(
        &run(&["completions", "ksh"], &dir),
        "invalid value 'ksh' for '<SHELL>'",
    );
}

#[test]
fn powershell_and_elvish_scripts_call_the_command_on_path() {
    let dir = scratch("completions-registration");
    for (shell, lines) in [
        (
            "powershell",
            &[
                "Register-ArgumentCompleter -Native -CommandName marketplace-iam -ScriptBlock {",
                "$env:COMPLETE = \"powershell\";",
                "& marketplace-iam -- $args",
            ][..],
        ),
        (
            "elvish",
            &[
                "set edit:completion:arg-completer[marketplace-iam] = { |@words|",
                "COMPLETE=\"elvish\" marketplace-iam -- $@words",
            ],
        ),
    ] {
        let out = run(&["completions", shell], &dir);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let script = stdout(&out);
        for line in lines {
            assert!(
                script.contains(line),
                "{shell}: {line:?} missing in\n{script}"
            );
        }
        // By name, as the shell finds it, not this build's path.
        assert!(!script.contains(BIN), "{shell}: {script}");
        // Asked for the script by the variable itself, the command prints the same one.
        let registration = complete(shell, &[], &dir);
        assert_eq!(code(&registration), 0, "{}", stderr(&registration));
        assert!(stdout(&registration).contains(lines[0]), "{shell}");
    }
}

/// Runs the command as the PowerShell or elvish script does at a completion (`words` follow the command's name, the
/// last one is being completed), as clap_complete's `env` shells pass them.
fn complete(shell: &str, words: &[&str], dir: &Path) -> Output {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .env("COMPLETE", shell)
        .env_remove("_CLAP_COMPLETE_INDEX")
        .env_remove("_CLAP_IFS");
    if !words.is_empty() {
        command.arg("--").arg("marketplace-iam").args(words);
    }
    if shell == "elvish" {
        // elvish passes every word and the index of the one being completed (the command's name is 0).
        command
            .env("_CLAP_COMPLETE_INDEX", words.len().to_string())
            .env("_CLAP_IFS", "\n");
    }
    command.output().unwrap()
}

/// The values offered for the last of `words`, one a line (PowerShell: the value, a tab, its help).
fn candidates(shell: &str, words: &[&str], dir: &Path) -> Vec<String> {
    let out = complete(shell, words, dir);
    assert_eq!(code(&out), 0, "{shell} {words:?}: {}", stderr(&out));
    stdout(&out)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').next().unwrap_or(l).to_owned())
        .collect()
}

#[test]
fn powershell_and_elvish_complete_every_product_model_and_target() {
    let dir = scratch("completions-dynamic");
    let mut policies: Vec<&str> = marketplace_iam::ProductType::ALL
        .iter()
        .map(|p| p.id())
        .collect();
    policies.extend(marketplace_iam::PricingModel::ALL.iter().map(|m| m.id()));
    let targets: Vec<&str> = marketplace_iam::DeploymentTarget::ALL
        .iter()
        .map(|t| t.id())
        .collect();
    assert!(marketplace_iam::ProductType::ALL.len() > 1);
    assert!(marketplace_iam::PricingModel::ALL.len() > 1);
    assert!(targets.len() > 1);
    let saas_models: Vec<&str> = marketplace_iam::PricingModel::ALL
        .iter()
        .map(|m| m.id())
        .filter(|id| id.starts_with("saas/"))
        .collect();
    assert!(!saas_models.is_empty());

    for shell in ["powershell", "elvish"] {
        for (words, expected) in [
            (&["policy", ""][..], &policies),
            (&["check", "--product", ""], &policies),
            (&["role", ""], &policies),
            (&["role", "saas", "--target", ""], &targets),
            (&["policy", "saas/"], &saas_models),
        ] {
            let mut got = candidates(shell, words, &dir);
            // At a positional argument the options are offered too (`--help`).
            got.retain(|c| !c.starts_with('-'));
            got.sort();
            let mut expected: Vec<String> = expected.iter().map(|&v| v.to_owned()).collect();
            expected.sort();
            assert_eq!(got, expected, "{shell} {words:?}");
        }
        let subcommands = candidates(shell, &[""], &dir);
        for word in ["policy", "check", "role", "list", "completions"] {
            assert!(
                subcommands.iter().any(|c| c == word),
                "{shell}: {word} in {subcommands:?}"
            );
        }
        let options = candidates(shell, &["check", "--"], &dir);
        for word in ["--product", "--action", "--gaad", "--format"] {
            assert!(
                options.iter().any(|c| c == word),
                "{shell}: {word} in {options:?}"
            );
        }
    }
}

#[test]
fn list_prints_what_the_command_knows() {
    let dir = scratch("list");
    let out = run(&["list"], &dir);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    for value in every_value() {
        assert!(text.contains(value), "{value} in\n{text}");
    }
    for heading in [
        "Product types",
        "Pricing models",
        "Actions",
        "Deployment targets",
        "Notification routes",
    ] {
        assert!(text.contains(heading), "{heading} in\n{text}");
    }
    assert!(
        text.contains("saas/subscriptions               SaaS Subscriptions: ResolveCustomer, BatchMeterUsage\n"),
        "{text}"
    );
    assert!(
        text.contains("ami/hourly-annual                AMI Hourly or annual: no policy ("),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("  aws-marketplace:GetEntitlements           Read ")),
        "{text}"
    );
    // A target that takes only some of a product's policies names them.
    assert!(
        text.contains("policies: container/contracts; parameters: AccountId (--account-id)"),
        "{text}"
    );
    assert!(
        text.contains("container/contracts              Container Contracts: CheckoutLicense, ExtendLicenseConsumption"),
        "{text}"
    );
    assert!(
        text.contains(
            "parameters: TrustedRoleArn (--trusted-role-arn), ExternalId (--external-id)"
        ),
        "{text}"
    );
    assert!(text.contains("products: ami; parameters: none"), "{text}");
    assert!(
        text.contains(
            "consumer: ReceiveMessage, DeleteMessage, GetQueueAttributes; with a key: Decrypt; targets: \
             cross-account, ecs, eks, lambda"
        ),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour on a pipe");

    let out = run(&["list", "--format", "json"], &dir);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("{\n  \"product_types\": ["),
        "the documented key order"
    );
    let v = json(&out);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "actions",
            "notification_routes",
            "pricing_models",
            "product_types",
            "targets"
        ]
    );

    let products = v["product_types"].as_array().unwrap();
    assert_eq!(products.len(), marketplace_iam::ProductType::ALL.len());
    assert_eq!(products[0]["id"], "saas");
    assert_eq!(products[0]["name"], "SaaS");
    assert_eq!(
        products[0]["actions"],
        serde_json::json!([
            "aws-marketplace:ResolveCustomer",
            "aws-marketplace:BatchMeterUsage",
            "aws-marketplace:GetEntitlements"
        ])
    );
    assert_eq!(products[0]["pricing_models"][0], "saas/subscriptions");

    let models = v["pricing_models"].as_array().unwrap();
    assert_eq!(models.len(), marketplace_iam::PricingModel::ALL.len());
    let hourly = models
        .iter()
        .find(|m| m["id"] == "ami/hourly-annual")
        .unwrap();
    assert_eq!(hourly["product"], "ami");
    assert_eq!(hourly["actions"], serde_json::json!([]));
    assert!(hourly["no_policy"].is_string());
    let custom = models
        .iter()
        .find(|m| m["id"] == "ami/custom-metering")
        .unwrap();
    assert_eq!(
        custom["actions"],
        serde_json::json!(["aws-marketplace:MeterUsage"])
    );
    assert!(custom["no_policy"].is_null());

    let actions = v["actions"].as_array().unwrap();
    assert_eq!(actions.len(), marketplace_iam::Action::ALL.len());
    let meter = actions
        .iter()
        .find(|a| a["name"] == "aws-marketplace:MeterUsage")
        .unwrap();
    assert_eq!(meter["access_level"], "Write");
    assert!(!meter["purpose"].as_str().unwrap().is_empty());

    let targets = v["targets"].as_array().unwrap();
    assert_eq!(targets.len(), marketplace_iam::DeploymentTarget::ALL.len());
    let eks = targets.iter().find(|t| t["id"] == "eks").unwrap();
    assert_eq!(eks["products"], serde_json::json!(["container"]));
    assert_eq!(eks["instance_profile"], false);
    assert!(!eks["signer"].as_str().unwrap().is_empty());
    assert_eq!(
        eks["parameters"][1],
        serde_json::json!({"name": "OidcProvider", "option": "--oidc-provider"})
    );
    let ec2 = targets.iter().find(|t| t["id"] == "ec2").unwrap();
    assert_eq!(ec2["parameters"], serde_json::json!([]));
    assert_eq!(ec2["instance_profile"], true);

    let routes = v["notification_routes"].as_array().unwrap();
    let ids: Vec<&str> = routes.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["sns", "eventbridge"]);
    assert_eq!(routes[0]["sender"], "sns.amazonaws.com");
    assert_eq!(
        routes[0]["subscriber"],
        serde_json::json!(["sns:Subscribe"])
    );
    assert_eq!(routes[1]["subscriber"], serde_json::json!([]));
    assert_eq!(routes[1]["encrypted"], serde_json::json!(["kms:Decrypt"]));
    let options: Vec<&str> = routes[0]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["option"].as_str().unwrap())
        .collect();
    assert_eq!(
        options,
        [
            "--account-id",
            "--product-code",
            "--marketplace-account-id",
            "--queue-name",
            "--key-id"
        ]
    );
}
