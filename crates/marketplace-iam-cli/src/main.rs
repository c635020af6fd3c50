//! `marketplace-iam`: the IAM policy an AWS Marketplace seller's integration needs, and an offline check of
//! existing policies (or a whole account's authorization details) against it.
//!
//! ```text
//! marketplace-iam policy saas/subscriptions > policy.json
//! marketplace-iam check --product saas/subscriptions role.json [--boundary b.json] [--scp scp.json]...
//! marketplace-iam check --product saas --gaad account-authorization-details.json [--who-can-assume]
//! marketplace-iam check --product saas --cloudformation template.yaml [--parameter Name=Value]... [--role MeteringRole]
//! marketplace-iam check --product saas --terraform plan.json [--role module.app.aws_iam_role.metering]
//! marketplace-iam role container/hourly-monthly --target eks --account-id 111122223333 \
//!     --oidc-provider oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE --namespace metering --service-account meter
//! marketplace-iam role saas/subscriptions --target cross-account --format cloudformation > role.json
//! marketplace-iam stack saas --route sns --target lambda --account-id 111122223333 --product-code <code> \
//!     --marketplace-account-id <topics' account> --queue-name saas-notifications [--key-id <key id>]
//! marketplace-iam stack saas --route eventbridge --target ecs --format cloudformation > notifications.json
//! aws iam get-role-policy ... --query PolicyDocument | marketplace-iam check --product saas -
//! marketplace-iam list [--format json]
//! marketplace-iam completions bash > ~/.local/share/bash-completion/completions/marketplace-iam
//! ```
//!
//! Exit codes: 0 every checked action is allowed unconditionally (with `--gaad`: at least one user or role may
//! make every call; with `--cloudformation` or `--terraform`: every role checked is allowed); 1 not so (and `policy` for a pricing model that needs no policy); 2 unusable input.

mod assume;
mod choice;
mod cloudformation;
mod explain;
mod gaad;
mod input;
mod list;
mod output;
mod policy_files;
mod role;
mod sarif;
mod stack;
mod terraform;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Args, CommandFactory, Parser, Subcommand, ValueEnum};
use marketplace_iam::PolicyChoice;
use marketplace_iam_policy::{
    Checker, Context, PolicyKind, PolicySet, Verdict, catalog_actions, check,
};

use crate::choice::{PolicyArg, TargetArg};

/// Exit code: every checked action is allowed unconditionally.
pub(crate) const EXIT_ALLOWED: u8 = 0;
/// Exit code: some checked action is not allowed (denied or conditional); `policy`: no document exists.
const EXIT_NOT_ALLOWED: u8 = 1;
/// Exit code: the input could not be used (unreadable or invalid file, unknown product, bad argument).
const EXIT_UNUSABLE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "marketplace-iam",
    version,
    about = "The IAM permissions an AWS Marketplace seller's integration needs: print the policy, or check existing policies offline.",
    after_help = "Exit codes: 0 allowed, 1 not allowed (or no policy document exists), 2 unusable input."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the IAM policy document a product type or pricing model needs, exactly as published.
    ///
    /// A pricing model that makes no metering or entitlement call (ami/hourly-annual) has no document: the reason
    /// goes to stderr and the exit code is 1.
    Policy {
        /// `<product>` or `<product>/<pricing model>` (any letter case).
        #[arg(value_name = "PRODUCT[/MODEL]", value_enum, ignore_case = true)]
        spec: PolicyArg,
    },
    /// Check whether IAM policies let a principal make the calls a product or pricing model needs, with AWS's
    /// evaluation logic, and what else they allow in `aws-marketplace`.
    Check(Box<CheckArgs>),
    /// Print a deployable role for a product type or pricing model on a target: its trust and permissions policies
    /// (json), or a CloudFormation template or Terraform configuration that creates it.
    Role(RoleArgs),
    /// Print a product's notification stack: the queue AWS Marketplace's notifications arrive in, its queue policy,
    /// the subscriptions or the rule that deliver them, and the consumer's role on a target; as its filled
    /// policies (policies, subscriber-policy), or a CloudFormation template or Terraform configuration.
    ///
    /// With `--format policies` or `subscriber-policy`, every parameter the documents name is required. With
    /// `cloudformation` or `terraform`, the values given become the parameters' defaults, and a parameter not
    /// given has no default (the deployment must supply it); the account comes from the deployment.
    Stack(stack::StackArgs),
    /// Explain an AccessDenied message AWS returned: which principal, which action, which layer denied, what in
    /// this project fixes it and which `check` confirms it; exit 2 for text that is not such a message.
    Explain(explain::ExplainArgs),
    /// List the product types, pricing models (with their actions), actions and deployment targets (with their
    /// parameters) this version knows.
    List {
        /// `text` for a person, `json` for tools (one object; see the README).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print a shell completion script, which completes subcommands, options, and every product, pricing model and
    /// target.
    ///
    /// The PowerShell and elvish scripts ask `marketplace-iam` (which must be on PATH) for the candidates at each
    /// completion; load them when the shell starts, not from a saved copy, so that they match the installed version.
    ///
    /// bash: `marketplace-iam completions bash > ~/.local/share/bash-completion/completions/marketplace-iam`;
    /// zsh: `marketplace-iam completions zsh > ~/.zfunc/_marketplace-iam` (with `~/.zfunc` in `fpath`);
    /// fish: `marketplace-iam completions fish > ~/.config/fish/completions/marketplace-iam.fish`;
    /// PowerShell: add `marketplace-iam completions powershell | Out-String | Invoke-Expression` to `$PROFILE`;
    /// elvish: add `eval (marketplace-iam completions elvish | slurp)` to `~/.config/elvish/rc.elv`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum, ignore_case = true)]
        shell: clap_complete::Shell,
    },
}

#[derive(Args)]
pub(crate) struct RoleArgs {
    /// `<product>` or `<product>/<pricing model>` (any letter case).
    #[arg(value_name = "PRODUCT[/MODEL]", value_enum, ignore_case = true)]
    spec: PolicyArg,

    /// Where the software runs (any letter case).
    #[arg(long, value_name = "TARGET", value_enum, ignore_case = true)]
    target: TargetArg,

    #[command(flatten)]
    parameters: ParameterArgs,

    /// The ARN of a managed policy to set as the role's permissions boundary (any target), e.g.
    /// arn:aws:iam::111122223333:policy/MeteringBoundary; in any partition (arn:aws-cn:..., arn:aws-us-gov:...).
    #[arg(long, value_name = "ARN")]
    permissions_boundary: Option<String>,

    /// `json`: the trust and permissions policies with every parameter filled in (all are required), with ARNs of
    /// the commercial partition (`arn:aws:`; a note on stderr says how to write them elsewhere);
    /// `cloudformation` / `terraform`: the published template, with the parameters given as defaults, for any
    /// partition (it takes the partition from the deployment).
    #[arg(long, value_enum, default_value_t = RoleFormat::Json)]
    format: RoleFormat,
}

/// The values of policies.toml's parameters: the trust policies' and the notification stacks' (`role::parameter_options`
/// maps them to policies.toml's names).
#[derive(Args, Default)]
pub(crate) struct ParameterArgs {
    /// The 12-digit id of the account the role is created in (ecs, eks, agentcore, containers-anywhere; `stack`
    /// with --format policies: the account of the queue).
    #[arg(long, value_name = "ID")]
    account_id: Option<String>,

    /// The EKS cluster's OIDC provider, without https:// (eks).
    #[arg(long, value_name = "PROVIDER")]
    oidc_provider: Option<String>,

    /// The Kubernetes namespace of the service account (eks).
    #[arg(long, value_name = "NAME")]
    namespace: Option<String>,

    /// The Kubernetes service account the pods run as (eks).
    #[arg(long, value_name = "NAME")]
    service_account: Option<String>,

    /// The ARN of the application's role that assumes this role (cross-account).
    #[arg(long, value_name = "ARN")]
    trusted_role_arn: Option<String>,

    /// The external ID the application presents, 2 to 1224 characters (cross-account).
    #[arg(long, value_name = "ID")]
    external_id: Option<String>,

    /// The product code AWS Marketplace gave the product, letters and digits (`stack`, route sns).
    #[arg(long, value_name = "CODE")]
    product_code: Option<String>,

    /// The 12-digit account of the product's notification topics, from the topic ARNs AWS Marketplace gave you
    /// (`stack`, route sns).
    #[arg(long, value_name = "ID")]
    marketplace_account_id: Option<String>,

    /// The name of the notification queue, a standard queue: 1 to 80 letters, digits, - or _ (`stack`).
    #[arg(long, value_name = "NAME")]
    queue_name: Option<String>,

    /// Optional: the id of the customer managed KMS key that encrypts the queue, e.g.
    /// 1234abcd-12ab-34cd-56ef-1234567890ab (`stack`); without it the queue uses SQS-managed encryption.
    #[arg(long, value_name = "KEY_ID")]
    key_id: Option<String>,
}

/// The output format of `role`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RoleFormat {
    /// The role's trust and permissions policies, as one JSON object.
    Json,
    /// A CloudFormation template (JSON).
    Cloudformation,
    /// A Terraform configuration (JSON syntax, `.tf.json`).
    Terraform,
}

#[derive(Args)]
#[command(group(ArgGroup::new("required_actions").required(true).args(["product", "action"])))]
struct CheckArgs {
    /// The product type or pricing model whose actions to check (any letter case).
    #[arg(long, value_name = "PRODUCT[/MODEL]", value_enum, ignore_case = true)]
    product: Option<PolicyArg>,

    /// An action to check instead, e.g. `aws-marketplace:MeterUsage` or `MeterUsage`; repeat it or separate with commas.
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    action: Vec<String>,

    /// The principal's identity policy documents (inline or managed), all together; `-` reads one from standard
    /// input.
    #[arg(value_name = "POLICY.json", required_unless_present_any = ["gaad", "cloudformation", "terraform", "assume"])]
    policies: Vec<PathBuf>,

    /// The principal's permissions boundary (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    boundary: Option<PathBuf>,

    /// A service control policy that applies to the account (repeat for each; `-`: standard input).
    #[arg(long, value_name = "FILE")]
    scp: Vec<PathBuf>,

    /// A request context entry to decide conditions with, e.g. `aws:SourceIp=203.0.113.7`; repeat a key for a
    /// multivalued key. Without any, conditions stay open and their actions are reported `conditional`.
    #[arg(long, value_name = "KEY=VALUE")]
    context: Vec<String>,

    /// Output: `text` for a person, `json` for tools (one object; see the README), `jsonl` for pipelines (with
    /// `--gaad`, one line per user or role; else the report on one line).
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,

    /// The output of `aws iam get-account-authorization-details`: answer which users and roles of the account may
    /// make the calls (attached managed, inline and group policies, permissions boundaries); `-`: standard input.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["policies", "boundary"])]
    gaad: Option<PathBuf>,

    /// With --gaad: instead of every principal's report, who may assume each role that may make every call: the
    /// export's users and roles whose identity policies, the role's trust policy and the --scp policies let them
    /// call sts:AssumeRole on it, and every principal the trust policy names (another account, a web identity
    /// provider, a service). Without --context, conditions on keys other than the caller's and role's ARNs and
    /// accounts stay open (`conditional`).
    #[arg(long, requires = "gaad")]
    who_can_assume: bool,

    /// A CloudFormation template (JSON or YAML, `-`: standard input): check every `AWS::IAM::Role` it defines
    /// with the policies attached to it, one verdict per role, findings at template line:column.
    #[arg(long, value_name = "TEMPLATE", conflicts_with_all = ["policies", "boundary", "gaad", "context"])]
    cloudformation: Option<PathBuf>,

    /// A Terraform plan as `terraform show -json <planfile>` writes it (`-`: standard input): check every
    /// `aws_iam_role` it plans with the policies attached to it, one verdict per role, findings at plan
    /// line:column with the Terraform address.
    #[arg(long, value_name = "PLAN.json", conflicts_with_all = ["policies", "boundary", "gaad", "context", "cloudformation"])]
    terraform: Option<PathBuf>,

    /// With --cloudformation (or --assume naming a template): a template parameter's value, over its default
    /// (repeat for each).
    #[arg(long, value_name = "NAME=VALUE")]
    parameter: Vec<String>,

    /// With --cloudformation: the logical id of the one role to check; with --terraform, its address; with --assume
    /// naming a template or plan, the role to assume.
    #[arg(long, value_name = "LOGICAL_ID|ADDRESS")]
    role: Option<String>,

    /// With --cloudformation: `AWS::AccountId` (without it, values built from it are unknown).
    #[arg(long, value_name = "ID")]
    account_id: Option<String>,

    /// With --cloudformation: `AWS::Region` (without it, values built from it are unknown).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,

    /// With --cloudformation: `AWS::Partition` (default `aws`).
    #[arg(long, value_name = "PARTITION")]
    partition: Option<String>,

    /// With policy files, --assume, --cloudformation or --terraform: decide each required action that acts on this
    /// resource (license-manager:GetLicense on a license, sqs:ReceiveMessage on a queue) as a call naming it is. It
    /// must be a resource of at least one required action. Without it, an action granted on some resources only is
    /// `conditional`, with their ARN patterns.
    #[arg(long, value_name = "ARN", conflicts_with_all = ["gaad"])]
    resource: Option<String>,

    #[command(flatten)]
    assume: assume::AssumeArgs,
}

/// The output format of `check` and `list`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Text a person reads at a glance (coloured on a terminal unless NO_COLOR is set).
    Text,
    /// One JSON object.
    Json,
}

/// The output format of `check`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    /// Text a person reads at a glance (coloured on a terminal unless NO_COLOR is set).
    Text,
    /// One JSON object, pretty-printed.
    Json,
    /// JSON Lines: with `--gaad` one compact object per user or role (the account's warnings on stderr);
    /// otherwise the report as one line.
    Jsonl,
    /// A SARIF 2.1.0 log (GitHub code scanning): one result per finding, at its file, line and column; policy
    /// files, --cloudformation, --terraform, --gaad (one result per user or role not allowed), and --assume.
    Sarif,
}

/// Input the command cannot use: the message for stderr; the exit code is 2.
#[derive(Debug)]
pub(crate) struct Unusable(pub(crate) String);

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Carried inside an `io::Error` by the writers that check as they write (`check --gaad`), and taken out again
/// when the writing ends (`impl From<io::Error> for Unusable`).
impl std::error::Error for Unusable {}

fn main() -> ExitCode {
    // The PowerShell and elvish scripts call the command back with `COMPLETE=<shell>`: it prints the candidates
    // and exits here. Without that variable this returns at once.
    clap_complete::CompleteEnv::with_factory(Cli::command).complete();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Policy { spec } => run_policy(spec.0),
        Command::Check(args) => run_check(&args),
        Command::Role(args) => role::run(&args),
        Command::Stack(args) => stack::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::List { format } => list::run(format),
        Command::Completions { shell } => run_completions(shell),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Unusable(message)) => {
            output::error(&message);
            ExitCode::from(EXIT_UNUSABLE)
        }
    }
}

/// The completion script, generated in memory first: clap_complete panics on a failed write, and a closed stdout
/// must end the command quietly.
///
/// bash, zsh and fish get clap_complete's static scripts, which hold every value. Its static PowerShell and elvish
/// scripts hold no values, so those two get the registration script of its dynamic engine instead: it runs
/// `COMPLETE=<shell> marketplace-iam -- <words>` at each completion, which `main` answers first.
fn run_completions(shell: clap_complete::Shell) -> Result<u8, Unusable> {
    use clap_complete::Shell;
    use clap_complete::env::{Elvish, EnvCompleter, Powershell};

    let mut script = Vec::new();
    let mut command = Cli::command();
    let name = command.get_name().to_owned();
    let dynamic: Option<&dyn EnvCompleter> = match shell {
        Shell::PowerShell => Some(&Powershell),
        Shell::Elvish => Some(&Elvish),
        _ => None,
    };
    match dynamic {
        // The script finds the command by name on PATH, as the shell does, not by this process's path.
        Some(completer) => completer
            .write_registration("COMPLETE", &name, &name, &name, &mut script)
            .map_err(|e| {
                Unusable(format!(
                    "could not generate the {shell} completion script: {e}"
                ))
            })?,
        None => clap_complete::generate(shell, &mut command, name, &mut script),
    }
    output::write_stdout(|out| out.write_all(&script))?;
    Ok(EXIT_ALLOWED)
}

fn run_policy(choice: PolicyChoice) -> Result<u8, Unusable> {
    let json = match choice {
        PolicyChoice::Product(p) => p.policy_json(),
        PolicyChoice::PricingModel(m) => match m.policy_json() {
            Some(json) => json,
            None => {
                let reason = m
                    .no_policy_reason()
                    .unwrap_or("it makes no metering or entitlement call");
                output::note(&format!("{} needs no IAM policy: {reason}", m.id()));
                return Ok(EXIT_NOT_ALLOWED);
            }
        },
    };
    output::write_stdout(|out| out.write_all(json.as_bytes()))?;
    role::partition_note(json, "role");
    Ok(EXIT_ALLOWED)
}

/// The actions to check, in the order asked, spelled as the catalog does.
fn required_actions(args: &CheckArgs) -> Result<(Vec<String>, Option<PolicyChoice>), Unusable> {
    if let Some(PolicyArg(choice)) = args.product {
        let actions = choice
            .actions()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect();
        return Ok((actions, Some(choice)));
    }
    let names: Vec<String> = args
        .action
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .map(|a| {
            // Without a prefix: an action of policies.toml by its id (`CheckoutLicense`), else `aws-marketplace`'s.
            if a.contains(':') {
                a.to_owned()
            } else if let Some(known) = marketplace_iam::Action::ALL
                .iter()
                .find(|x| x.id().eq_ignore_ascii_case(a))
            {
                known.as_str().to_owned()
            } else {
                format!("aws-marketplace:{a}")
            }
        })
        .collect();
    if names.is_empty() {
        return Err(Unusable("--action: no action named".to_owned()));
    }
    let names = catalog_actions(&names).map_err(|e| Unusable(format!("--action: {e}")))?;
    Ok((names, None))
}

fn context(args: &CheckArgs) -> Result<Option<Context>, Unusable> {
    if args.context.is_empty() {
        return Ok(None);
    }
    let mut context = Context::new();
    for entry in &args.context {
        context
            .insert_arg(entry)
            .map_err(|e| Unusable(format!("--context: {e}")))?;
    }
    Ok(Some(context))
}

/// `check` of a principal's policies, with the actions that have resource types decided on `resource` when given.
pub(crate) fn decide(
    set: &PolicySet,
    required: &[String],
    context: Option<&Context>,
    resource: Option<&str>,
) -> marketplace_iam_policy::Report {
    match resource {
        Some(arn) => marketplace_iam_policy::check_on_resource(set, required, context, arn),
        None => check(set, required, context),
    }
}

/// `--resource`: an ARN (`arn:<partition>:<service>:<region>:<account>:<resource>`), without wildcards (a call
/// names one resource).
fn resource_arg(args: &CheckArgs) -> Result<Option<String>, Unusable> {
    let Some(arn) = &args.resource else {
        return Ok(None);
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && !parts[1].is_empty()
        && !parts[2].is_empty()
        && !parts[5].is_empty()
        && !arn.contains(['*', '?']);
    if !ok {
        return Err(Unusable(format!(
            "--resource `{arn}`: not the ARN of one resource: expected arn:<partition>:<service>:<region>:<account>:<resource>, without wildcards (e.g. arn:aws:license-manager::111122223333:license:l-0123456789abcdef0)"
        )));
    }
    Ok(Some(arn.clone()))
}

/// `--resource` names a resource at least one required action acts on; otherwise it would decide nothing, and the
/// answer would read as if it had.
fn resource_of_required(arn: &str, required: &[String]) -> Result<(), Unusable> {
    if required
        .iter()
        .any(|a| marketplace_iam_policy::takes_resource(a, arn))
    {
        return Ok(());
    }
    let typed: Vec<String> = required
        .iter()
        .filter_map(|a| marketplace_iam_model::catalog::lookup_ignore_case(a))
        .filter(|a| !a.resource_types.is_empty())
        .map(|a| {
            let types: Vec<String> = a
                .resource_types
                .iter()
                .map(|t| format!("{} ({})", t.name, t.arn_formats.join(", ")))
                .collect();
            format!("{} acts on {}", a.name, types.join(" or "))
        })
        .collect();
    Err(Unusable(if typed.is_empty() {
        format!(
            "--resource `{arn}`: none of the required actions has a resource type, so only `\"Resource\": \"*\"` grants \
             them and a resource decides nothing; leave --resource out"
        )
    } else {
        format!(
            "--resource `{arn}`: not a resource any required action acts on: {}",
            typed.join("; ")
        )
    }))
}

/// The values a template's intrinsic functions are resolved with: `--parameter`, `--account-id`, `--region`,
/// `--partition`.
fn template_settings(args: &CheckArgs) -> Result<cloudformation::Settings, Unusable> {
    Ok(cloudformation::Settings {
        parameters: cloudformation::parameters(&args.parameter)?,
        account_id: args.account_id.clone(),
        region: args.region.clone(),
        partition: args.partition.clone(),
    })
}

fn run_check(args: &CheckArgs) -> Result<u8, Unusable> {
    let (required, spec) = required_actions(args)?;
    let resource = resource_arg(args)?;
    if let Some(arn) = &resource {
        resource_of_required(arn, &required)?;
    }
    let context = context(args)?;
    if let Some(spec) = spec
        && required.is_empty()
    {
        let reason = match spec {
            PolicyChoice::PricingModel(m) => m.no_policy_reason(),
            PolicyChoice::Product(_) => None,
        };
        output::note(&format!(
            "{} needs no action{}; only over-grants are reported",
            spec.id(),
            reason.map(|r| format!(" ({r})")).unwrap_or_default()
        ));
    }
    input::stdin_at_most_once(
        args.policies
            .iter()
            .map(|p| ("POLICY.json", p.as_path()))
            .chain(args.boundary.iter().map(|p| ("--boundary", p.as_path())))
            .chain(args.scp.iter().map(|p| ("--scp", p.as_path())))
            .chain(args.gaad.iter().map(|p| ("--gaad", p.as_path())))
            .chain(
                args.cloudformation
                    .iter()
                    .map(|p| ("--cloudformation", p.as_path())),
            )
            .chain(args.terraform.iter().map(|p| ("--terraform", p.as_path()))),
    )?;
    let scps = args
        .scp
        .iter()
        .map(|p| input::read_policy(p, PolicyKind::Scp))
        .collect::<Result<Vec<_>, _>>()?;

    if args.who_can_assume && args.gaad.is_none() {
        return Err(Unusable(
            "--who-can-assume asks an account export: give it with --gaad <FILE>".to_owned(),
        ));
    }
    // clap does not enforce `requires` beside the policy files that --cloudformation conflicts with.
    let assume = args.assume.given();
    if args.cloudformation.is_none() && args.terraform.is_none() && !assume && args.role.is_some() {
        return Err(Unusable(
            "--role picks a role of a file: it and --parameter apply only with --cloudformation (--role also with --terraform, and with --assume naming a template or plan)".to_owned(),
        ));
    }
    if args.cloudformation.is_none()
        && !assume
        && (!args.parameter.is_empty()
            || args.account_id.is_some()
            || args.region.is_some()
            || args.partition.is_some())
    {
        return Err(Unusable(
            "--parameter, --account-id, --region and --partition apply only with --cloudformation (or --assume naming a template)"
                .to_owned(),
        ));
    }
    if let Some(path) = &args.terraform {
        return terraform::run(terraform::Request {
            path,
            role: args.role.as_deref(),
            required: &required,
            resource: resource.as_deref(),
            spec: spec.map(PolicyChoice::id),
            scps,
            format: args.format,
        });
    }
    if let Some(path) = &args.cloudformation {
        return cloudformation::run(cloudformation::Request {
            path,
            settings: template_settings(args)?,
            role: args.role.as_deref(),
            required: &required,
            resource: resource.as_deref(),
            spec: spec.map(PolicyChoice::id),
            scps,
            format: args.format,
        });
    }

    if let Some(path) = &args.gaad {
        if args.who_can_assume && args.format == CheckFormat::Sarif {
            return Err(Unusable(
                "--who-can-assume answers a question and reports no findings: use `--format text`, `json` or `jsonl`"
                    .to_owned(),
            ));
        }
        let (file, bytes) = gaad::read(path)?;
        // The account report summarises over-grants by action: the statements granting them are not named.
        let mut checker = Checker::new(&required, context.as_ref()).without_over_grant_statements();
        if args.format == CheckFormat::Text {
            // The text report does not show the principals' warnings.
            checker = checker.without_warnings();
        }
        let text = gaad::text(&file, &bytes)?;
        let account = gaad::Account::parse(&file, text, &checker)?;
        let mut sessions: Vec<gaad::Session<'_, '_>> = (0..gaad::threads())
            .map(|_| gaad::Session::new(&account, &scps))
            .collect();
        let classes = gaad::survey(&account, &mut sessions)?;
        let spec = spec.map(PolicyChoice::id);
        if args.who_can_assume {
            let verdict = gaad::verdict(&classes);
            let question = gaad::Question {
                account: &account,
                classes: &classes,
                scps: &scps,
                context: context.as_ref(),
                verdict,
            };
            gaad::write_assumers(args.format, question, spec)?;
            return Ok(match verdict {
                Verdict::Allowed => EXIT_ALLOWED,
                Verdict::NotAllowed => EXIT_NOT_ALLOWED,
            });
        }
        match args.format {
            CheckFormat::Json => output::write_stdout_plain(|out| {
                gaad::write_json(out, &account, &mut sessions, &required, &classes)
            })?,
            CheckFormat::Jsonl => {
                for w in &account.warnings {
                    output::warning(w);
                }
                output::write_stdout_plain(|out| gaad::write_jsonl(out, &account, &mut sessions))?;
            }
            CheckFormat::Text => output::write_stdout_long(|out, palette| {
                gaad::write_text(
                    out,
                    &account,
                    &mut sessions,
                    &required,
                    &classes,
                    spec,
                    palette,
                )
            })?,
            CheckFormat::Sarif => {
                for w in &account.warnings {
                    output::warning(w);
                }
                gaad::write_sarif(&file, text, &account, &mut sessions, &classes)?;
            }
        }
        return Ok(match gaad::verdict(&classes) {
            Verdict::Allowed => EXIT_ALLOWED,
            Verdict::NotAllowed => EXIT_NOT_ALLOWED,
        });
    }

    let identity = args
        .policies
        .iter()
        .map(|p| input::read_policy(p, PolicyKind::Identity))
        .collect::<Result<Vec<_>, _>>()?;
    let mut set = PolicySet::new(identity);
    if let Some(boundary) = &args.boundary {
        set = set.with_boundary(input::read_policy(boundary, PolicyKind::Boundary)?);
    }
    for scp in scps {
        set = set.with_scp(scp);
    }
    let files: Vec<&std::path::Path> = args
        .policies
        .iter()
        .chain(&args.boundary)
        .chain(&args.scp)
        .map(PathBuf::as_path)
        .collect();
    if args.assume.given() {
        let template = assume::Template {
            settings: template_settings(args)?,
            role: args.role.as_deref(),
            own_policies: !args.policies.is_empty() || args.boundary.is_some(),
        };
        return assume::run(
            &args.assume,
            set,
            &template,
            &files,
            &required,
            context,
            resource.as_deref(),
            args.format,
        );
    }
    let report = decide(&set, &required, context.as_ref(), resource.as_deref());
    match args.format {
        CheckFormat::Json => {
            output::write_stdout_plain(|out| writeln!(out, "{}", report.to_json()))?;
        }
        CheckFormat::Jsonl => output::write_stdout_plain(|out| {
            serde_json::to_writer(&mut *out, &report).map_err(io::Error::from)?;
            out.write_all(b"\n")
        })?,
        CheckFormat::Text => output::write_stdout(|out| output::report_text(out, &report))?,
        CheckFormat::Sarif => policy_files::write_sarif(&report, &files)?,
    }
    Ok(if report.is_allowed() {
        EXIT_ALLOWED
    } else {
        EXIT_NOT_ALLOWED
    })
}

impl From<Unusable> for io::Error {
    fn from(e: Unusable) -> Self {
        io::Error::other(e)
    }
}

impl From<io::Error> for Unusable {
    fn from(e: io::Error) -> Self {
        if e.get_ref().is_some_and(|inner| inner.is::<Unusable>()) {
            if let Some(Ok(unusable)) = e.into_inner().map(|inner| inner.downcast::<Unusable>()) {
                return *unusable;
            }
            return Unusable("could not write the report".to_owned());
        }
        input::could_not_write(&e)
    }
}
