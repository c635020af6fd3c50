//! `check --assume`: the assume-role hop before the role's own policies. The caller (an IAM user, role or session
//! by `--caller-arn`, or a web identity by `--web-identity`) asks STS for the role (`--role-arn`) whose trust
//! policy is `--assume`; each hop is decided with AWS's evaluation logic (see [`hops`]) and the first that fails
//! is where the chain breaks. Exit 0 only when every hop allows.

mod hops;
mod render;
mod sarif;
mod source;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use marketplace_iam_policy::{Context, PolicyFile, PolicyKind, PolicySet, invalid_aws_principal};

use crate::{CheckFormat, EXIT_ALLOWED, EXIT_NOT_ALLOWED, Unusable, output};
use hops::Chain;
pub(crate) use hops::{Hop, Outcome, Sts, Who};
pub(crate) use source::Template;
use source::read;

/// The options of `check --assume`.
#[derive(Args)]
pub(crate) struct AssumeArgs {
    /// The role to assume: its trust policy (a file; the role's own policies are the POLICY files), or a
    /// CloudFormation template or Terraform plan that defines it (its trust policy and policies read from there; pick
    /// it with --role when there are several). Checks the assume-role hop first (the caller's identity policies, the
    /// trust policy, SCPs and RCPs), then the role's own policies; one verdict per hop and where the chain breaks.
    /// Needs --role-arn and --caller-arn or --web-identity.
    #[arg(long, value_name = "TRUST.json|TEMPLATE|PLAN.json", conflicts_with_all = ["gaad", "cloudformation", "terraform"])]
    pub(crate) assume: Option<PathBuf>,

    /// With --assume: the role's ARN, `arn:<partition>:iam::<account>:role/<path/name>`.
    #[arg(long, value_name = "ARN", requires = "assume")]
    role_arn: Option<String>,

    /// With --assume: who calls sts:AssumeRole: an IAM user's or role's ARN, an assumed-role session's
    /// (`arn:aws:sts::<account>:assumed-role/<role>/<session>`) or an account's root.
    #[arg(
        long,
        value_name = "ARN",
        requires = "assume",
        conflicts_with = "web_identity"
    )]
    caller_arn: Option<String>,

    /// With --caller-arn: an identity policy of the caller (repeat for each; a file).
    #[arg(long, value_name = "FILE", requires = "caller_arn")]
    caller: Vec<PathBuf>,

    /// With --caller-arn: the caller's permissions boundary (a file).
    #[arg(long, value_name = "FILE", requires = "caller_arn")]
    caller_boundary: Option<PathBuf>,

    /// With --caller-arn: an SCP of the caller's account (repeat for each; a file).
    #[arg(long, value_name = "FILE", requires = "caller_arn")]
    caller_scp: Vec<PathBuf>,

    /// With --assume: an RCP of the role's account (repeat for each; a file).
    #[arg(long, value_name = "FILE", requires = "assume")]
    rcp: Vec<PathBuf>,

    /// With --assume: a session policy passed to AssumeRole (a file); it can only narrow the role's permissions.
    #[arg(long, value_name = "FILE", requires = "assume")]
    session_policy: Option<PathBuf>,

    /// With --caller-arn: the external ID the caller passes (`sts:ExternalId`); without it the request has none.
    #[arg(long, value_name = "ID", requires = "caller_arn")]
    external_id: Option<String>,

    /// With --assume: `aws:SourceAccount`, when a service calls on behalf of an account.
    #[arg(long, value_name = "ACCOUNT", requires = "assume")]
    source_account: Option<String>,

    /// With --assume: `aws:SourceArn`, when a service calls on behalf of a resource.
    #[arg(long, value_name = "ARN", requires = "assume")]
    source_arn: Option<String>,

    /// With --caller-arn: the caller's organization (`aws:PrincipalOrgID`, `o-...`).
    #[arg(long, value_name = "ORG_ID", requires = "caller_arn")]
    principal_org_id: Option<String>,

    /// With --assume: the role account's organization (`aws:ResourceOrgID`, `o-...`).
    #[arg(long, value_name = "ORG_ID", requires = "assume")]
    resource_org_id: Option<String>,

    /// With --assume, instead of --caller-arn: sts:AssumeRoleWithWebIdentity with a token of this OIDC issuer,
    /// subject and audience, e.g. `issuer=oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE,
    /// sub=system:serviceaccount:ns:sa,aud=sts.amazonaws.com` (`issuer` and `sub` required; `amr=...` repeatable). The
    /// provider is `arn:<partition>:iam::<role account>:oidc-provider/<issuer>`, or the issuer itself for a
    /// well-known one (`openid-license-manager.amazonaws.com`, `cognito-identity.amazonaws.com`, ...).
    #[arg(long, value_name = "issuer=...,sub=...,aud=...", requires = "assume")]
    web_identity: Option<String>,
}

impl AssumeArgs {
    /// Whether `check` answers for an assume-role chain.
    pub(crate) fn given(&self) -> bool {
        self.assume.is_some()
    }
}

/// A web identity token's claims that IAM's condition keys carry.
#[derive(Debug, PartialEq, Eq)]
struct WebIdentity {
    issuer: String,
    sub: String,
    aud: Option<String>,
    /// `amr` (multivalued: repeat it), which a License Manager token carries for Containers Anywhere.
    amr: Vec<String>,
}

/// Web identity providers that IAM names by host, without an IAM OIDC provider in the account (IAM User Guide,
/// "AWS JSON policy elements: Principal", web identity session principals; Containers Anywhere's License Manager
/// tokens).
const WELL_KNOWN_PROVIDERS: [&str; 5] = [
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
    "openid-license-manager.amazonaws.com",
];

/// Reads `issuer=...,sub=...,aud=...`.
fn web_identity(arg: &str) -> Result<WebIdentity, Unusable> {
    let bad = |why: String| Unusable(format!("--web-identity `{arg}`: {why}"));
    let (mut issuer, mut sub, mut aud, mut amr) = (None, None, None, Vec::new());
    for part in arg.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(bad(format!("`{part}` is not `key=value`")));
        };
        if key.trim() == "amr" && !value.trim().is_empty() {
            amr.push(value.trim().to_owned());
            continue;
        }
        let slot = match key.trim() {
            "issuer" => &mut issuer,
            "sub" => &mut sub,
            "aud" => &mut aud,
            other => {
                return Err(bad(format!(
                    "unknown key `{other}`: expected issuer, sub, aud and amr"
                )));
            }
        };
        if slot.is_some() {
            return Err(bad(format!("`{}` is given twice", key.trim())));
        }
        let value = value.trim();
        if value.is_empty() {
            return Err(bad(format!("`{}` is empty", key.trim())));
        }
        *slot = Some(value.to_owned());
    }
    let issuer: String = issuer.ok_or_else(|| {
        bad(
            "no `issuer` (the OIDC provider, e.g. oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE)"
                .to_owned(),
        )
    })?;
    // IAM names the provider and its condition keys without the scheme.
    let issuer = issuer
        .strip_prefix("https://")
        .unwrap_or(&issuer)
        .trim_end_matches('/');
    if issuer.is_empty() || issuer.contains(|c: char| c.is_whitespace() || c == '=' || c == ';') {
        return Err(bad(
            "`issuer` is not a host name with an optional path (separate the entries with commas)"
                .to_owned(),
        ));
    }
    let sub = sub.ok_or_else(|| {
        bad("no `sub` (the token's subject, e.g. system:serviceaccount:<namespace>:<service account>)".to_owned())
    })?;
    Ok(WebIdentity {
        issuer: issuer.to_owned(),
        sub,
        aud,
        amr,
    })
}

/// A role's ARN: its partition and account.
fn parse_role_arn(arn: &str) -> Result<(&str, &str), Unusable> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts[..] {
        ["arn", partition, "iam", "", account, resource]
            if !partition.is_empty()
                && is_account(account)
                && resource
                    .strip_prefix("role/")
                    .is_some_and(|r| !r.is_empty() && !r.ends_with('/'))
                && !arn.contains('*') =>
        {
            Ok((partition, account))
        }
        _ => Err(Unusable(format!(
            "--role-arn: `{arn}` is not a role's ARN: expected arn:<partition>:iam::<12-digit account>:role/<name>"
        ))),
    }
}

/// Whether `text` is an AWS account id: 12 digits.
pub(crate) fn is_account(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The caller's ARN, checked; and its `aws:PrincipalArn` (a session's role, whose path the session ARN lacks)
/// and account.
fn parse_caller_arn(arn: &str) -> Result<(String, &str), Unusable> {
    let bad = |why: &str| {
        Unusable(format!(
            "--caller-arn: `{arn}` is {why}: expected the ARN of an IAM user or role (arn:aws:iam::<account>:role/<name>), an assumed-role session (arn:aws:sts::<account>:assumed-role/<role>/<session>) or an account root"
        ))
    };
    if let Some(why) = invalid_aws_principal(arn) {
        return Err(bad(&why));
    }
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, partition, service, _, account, resource] = parts[..] else {
        return Err(bad("not an ARN"));
    };
    match service {
        "sts" => match resource
            .strip_prefix("assumed-role/")
            .and_then(|r| r.split_once('/'))
        {
            Some((role, session)) if !role.is_empty() && !session.is_empty() => Ok((
                format!("arn:{partition}:iam::{account}:role/{role}"),
                account,
            )),
            _ => Err(bad("not an assumed-role session's ARN")),
        },
        _ => Ok((arn.to_owned(), account)),
    }
}

/// `check --assume`: `role` is the role's own policy set (POLICY files, --boundary, --scp), read from
/// `role_paths` (for SARIF's locations).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    args: &AssumeArgs,
    role: PolicySet,
    template: &Template<'_>,
    role_paths: &[&Path],
    required: &[String],
    context: Option<Context>,
    resource: Option<&str>,
    format: CheckFormat,
) -> Result<u8, Unusable> {
    let Some(trust_path) = &args.assume else {
        return Err(Unusable("--assume: no trust policy given".to_owned()));
    };
    let role_arn = args.role_arn.as_deref().ok_or_else(|| {
        Unusable("--assume needs --role-arn, the ARN of the role to assume".to_owned())
    })?;
    let (partition, account) = parse_role_arn(role_arn)?;
    let source::Assumed {
        trust,
        role,
        defined_in,
        documents,
    } = source::assumed(trust_path, role, template)?;
    let rcps = args
        .rcp
        .iter()
        .map(|p| source::read_rcp(p))
        .collect::<Result<Vec<_>, _>>()?;
    let session_policy = args
        .session_policy
        .as_deref()
        .map(|p| read("--session-policy", p, Some(PolicyKind::Identity)))
        .transpose()?;

    let mut sts_context = Context::new();
    sts_context.insert("aws:ResourceAccount", account);
    let optional = [
        ("aws:SourceAccount", &args.source_account),
        ("aws:SourceArn", &args.source_arn),
        ("aws:ResourceOrgID", &args.resource_org_id),
        ("aws:PrincipalOrgID", &args.principal_org_id),
        ("sts:ExternalId", &args.external_id),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            sts_context.insert(key, value.as_str());
        }
    }
    for (key, values) in context.iter().flat_map(Context::iter) {
        for value in values {
            sts_context.insert(key, value.as_str());
        }
    }

    // The caller as given, which the request borrows.
    enum Given<'a> {
        Aws(&'a str, PolicySet, Vec<PolicyFile>),
        WebIdentity(String),
    }
    let given = match (&args.caller_arn, &args.web_identity) {
        (Some(arn), None) => {
            let (principal_arn, caller_account) = parse_caller_arn(arn)?;
            sts_context.insert("aws:PrincipalArn", principal_arn);
            sts_context.insert("aws:PrincipalAccount", caller_account);
            // Present in every signed request, `false` for an IAM user or role ("AWS global condition context keys",
            // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
            sts_context.insert("aws:PrincipalIsAWSService", "false");
            if args.caller.is_empty() {
                return Err(Unusable(
                    "--caller-arn needs the caller's identity policies: give each with --caller <FILE>".to_owned(),
                ));
            }
            let mut policies = PolicySet::new(
                args.caller
                    .iter()
                    .map(|p| read("--caller", p, Some(PolicyKind::Identity)))
                    .collect::<Result<Vec<_>, _>>()?,
            );
            if let Some(boundary) = &args.caller_boundary {
                policies = policies.with_boundary(read(
                    "--caller-boundary",
                    boundary,
                    Some(PolicyKind::Boundary),
                )?);
            }
            let scps = args
                .caller_scp
                .iter()
                .map(|p| read("--caller-scp", p, Some(PolicyKind::Scp)))
                .collect::<Result<Vec<_>, _>>()?;
            Given::Aws(arn, policies, scps)
        }
        (None, Some(arg)) => {
            let token = web_identity(arg)?;
            sts_context.insert(format!("{}:sub", token.issuer), token.sub);
            if let Some(aud) = token.aud {
                sts_context.insert(format!("{}:aud", token.issuer), aud);
            }
            for amr in token.amr {
                sts_context.insert(format!("{}:amr", token.issuer), amr);
            }
            Given::WebIdentity(if WELL_KNOWN_PROVIDERS.contains(&token.issuer.as_str()) {
                token.issuer
            } else {
                format!(
                    "arn:{partition}:iam::{account}:oidc-provider/{}",
                    token.issuer
                )
            })
        }
        _ => {
            return Err(Unusable(
                "--assume needs the caller: --caller-arn (with --caller policies) or --web-identity".to_owned(),
            ));
        }
    };
    let who = match &given {
        Given::Aws(arn, policies, scps) => Who::Aws {
            arn,
            policies,
            scps,
        },
        Given::WebIdentity(provider) => Who::WebIdentity {
            provider: provider.clone(),
        },
    };

    let chain = Chain {
        sts: Sts {
            role_arn,
            who,
            trust: &trust,
            rcps: &rcps,
            context: &sts_context,
            open: None,
        },
        defined_in,
        role,
        session_policy,
        context,
        required,
        resource,
    };
    let hops = chain.hops();
    match format {
        CheckFormat::Json => {
            output::write_stdout_plain(|out| writeln!(out, "{:#}", render::json(&chain, &hops)))?
        }
        CheckFormat::Jsonl => {
            output::write_stdout_plain(|out| writeln!(out, "{}", render::json(&chain, &hops)))?
        }
        CheckFormat::Text => output::write_stdout(|out| render::text(out, &chain, &hops))?,
        CheckFormat::Sarif => sarif::write(
            &chain,
            &hops,
            &sarif::Paths {
                trust: trust_path,
                caller: args
                    .caller
                    .iter()
                    .chain(&args.caller_boundary)
                    .map(PathBuf::as_path)
                    .collect(),
                caller_scps: args.caller_scp.iter().map(PathBuf::as_path).collect(),
                rcps: args.rcp.iter().map(PathBuf::as_path).collect(),
                role: role_paths,
                session_policy: args.session_policy.as_deref(),
                defined: documents.as_ref().map(|(d, f)| (d, f.as_slice())),
            },
        )?,
    }
    Ok(if render::breaks_at(&hops).is_none() {
        EXIT_ALLOWED
    } else {
        EXIT_NOT_ALLOWED
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_web_identity_needs_an_issuer_and_a_subject() {
        let token = web_identity(
            "issuer=https://oidc.eks.us-east-1.amazonaws.com/id/EX,sub=system:serviceaccount:ns:sa,aud=sts.amazonaws.com",
        )
        .unwrap();
        assert_eq!(token.issuer, "oidc.eks.us-east-1.amazonaws.com/id/EX");
        assert_eq!(token.aud.as_deref(), Some("sts.amazonaws.com"));
        for bad in [
            "issuer=oidc.example.com,aud=x",
            "sub=a",
            "issuer=a,sub=b,sub=c",
            "issuer=a,sub=b,role=c",
            "issuer=a,sub",
            "",
            "issuer=,sub=b",
        ] {
            assert!(web_identity(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn arns_of_the_wrong_form_are_refused() {
        assert!(parse_role_arn("arn:aws:iam::444455556666:role/path/metering").is_ok());
        for bad in [
            "arn:aws:iam::444455556666:user/metering",
            "arn:aws:iam::4444:role/metering",
            "arn:aws:iam::444455556666:role/",
            "arn:aws:iam::444455556666:role/*",
            "metering",
        ] {
            assert!(parse_role_arn(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_caller_arn("arn:aws:sts::111122223333:assumed-role/app/i-0abc").unwrap(),
            (
                "arn:aws:iam::111122223333:role/app".to_owned(),
                "111122223333"
            )
        );
        for bad in [
            "arn:aws:sts::111122223333:assumed-role/app",
            "111122223333",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::111122223333:policy/p",
        ] {
            assert!(parse_caller_arn(bad).is_err(), "{bad}");
        }
    }
}
