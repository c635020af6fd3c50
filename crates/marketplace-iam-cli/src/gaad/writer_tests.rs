//! The account's writers against the plain reference: `check` on each principal's policies (copies, named as the
//! report names them), the whole report built in memory and serialized at once, as `check --gaad` did before it
//! streamed. Same bytes for the JSON, same objects line by line for JSON Lines, on one thread and on several.

use marketplace_iam_policy::{
    ActionReport, Checker, Context, Decision, PolicyFile, PolicyKind, Verdict, Warning, check,
};
use serde::Serialize;

use super::account::{Account, Session};
use super::report::{Class, OverGrantSummary, survey, write_json, write_jsonl, write_text};
use crate::output::Palette;

#[derive(Serialize)]
struct ReferencePrincipal {
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    arn: String,
    verdict: Verdict,
    actions: Vec<ActionReport>,
    over_grants: Vec<OverGrantSummary>,
    warnings: Vec<Warning>,
}

#[derive(Serialize)]
struct ReferenceAccount {
    verdict: Verdict,
    actions: Vec<String>,
    principals: Vec<ReferencePrincipal>,
    warnings: Vec<String>,
}

fn reference(
    account: &Account<'_>,
    required: &[String],
    scps: &[PolicyFile],
    context: Option<&Context>,
) -> ReferenceAccount {
    let principals: Vec<ReferencePrincipal> = (0..account.len())
        .map(|i| {
            let p = account.principal(i);
            let set = account.policy_set(&p, scps).expect("a readable export");
            let report = check(&set, required, context);
            ReferencePrincipal {
                kind: p.kind,
                name: p.name.to_owned(),
                arn: p.arn.to_owned(),
                verdict: report.verdict,
                actions: report.actions,
                over_grants: report
                    .over_grants
                    .iter()
                    .map(OverGrantSummary::of)
                    .collect(),
                warnings: report.warnings,
            }
        })
        .collect();
    ReferenceAccount {
        verdict: if principals.iter().any(|p| p.verdict == Verdict::Allowed) {
            Verdict::Allowed
        } else {
            Verdict::NotAllowed
        },
        actions: required.to_vec(),
        principals,
        warnings: account.warnings.clone(),
    }
}

/// Statements of every kind the evaluation tells apart, for the generated documents.
const STATEMENTS: &[&str] = &[
    r#"{"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Action": ["aws-marketplace:MeterUsage", "aws-marketplace:ResolveCustomer"], "Resource": "*"}"#,
    r#"{"Sid": "Meter", "Effect": "Allow", "Action": "aws-marketplace:BatchMeterUsage", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}"#,
    r#"{"Effect": "Deny", "Action": "aws-marketplace:GetEntitlements", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Action": "aws-marketplace:Describe*", "Resource": "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/*"}"#,
    r#"{"Effect": "Allow", "Action": "aws-marketplace:GetEntitlements", "Resource": "arn:aws:s3:::bucket"}"#,
    r#"{"Effect": "Allow", "Action": "license-manager:*", "NotResource": "arn:aws:s3:::bucket"}"#,
    r#"{"Effect": "Allow", "Action": "aws-marketplace:MeterUsag", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#,
];

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A document of one to three statements, as a JSON object or (one in four) URL-encoded as the IAM API returns it.
fn document(rng: &mut Rng) -> String {
    let statements: Vec<&str> = (0..1 + rng.below(3))
        .map(|_| STATEMENTS[rng.below(STATEMENTS.len())])
        .collect();
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(", ")
    );
    if rng.below(4) == 0 {
        let encoded: String = text
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        format!("{encoded:?}")
    } else {
        text
    }
}

/// An export of `users` users and `roles` roles with groups, managed policies (some missing from `Policies`),
/// boundaries and inline documents, some repeated across principals.
fn export(seed: u64, users: usize, roles: usize) -> String {
    let mut rng = Rng(seed);
    let managed: Vec<String> = (0..6)
        .map(|i| format!("arn:aws:iam::123456789012:policy/Managed{i}"))
        .collect();
    let shared: Vec<String> = (0..3).map(|_| document(&mut rng)).collect();
    let attached = |rng: &mut Rng| -> String {
        let arns: Vec<String> = (0..rng.below(3))
            .map(|_| {
                // Managed6 is attached but not exported.
                format!(
                    r#"{{"PolicyArn": "arn:aws:iam::123456789012:policy/Managed{}"}}"#,
                    rng.below(7)
                )
            })
            .collect();
        arns.join(", ")
    };
    let inline = |rng: &mut Rng| -> String {
        let docs: Vec<String> = (0..rng.below(3))
            .map(|j| {
                let doc = if rng.below(3) == 0 {
                    shared[rng.below(shared.len())].clone()
                } else {
                    document(rng)
                };
                format!(r#"{{"PolicyName": "p{j}", "PolicyDocument": {doc}}}"#)
            })
            .collect();
        docs.join(", ")
    };
    let boundary = |rng: &mut Rng| -> String {
        match rng.below(5) {
            0 => format!(
                r#", "PermissionsBoundary": {{"PermissionsBoundaryArn": "{}"}}"#,
                managed[rng.below(managed.len())]
            ),
            1 => r#", "PermissionsBoundary": {"PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/Gone"}"#.to_owned(),
            _ => String::new(),
        }
    };
    let users: Vec<String> = (0..users)
        .map(|i| {
            let groups = ["\"G0\"", "\"G1\"", "\"Missing\""][..rng.below(4).min(3)].join(", ");
            format!(
                r#"{{"UserName": "user{i}", "Arn": "arn:aws:iam::123456789012:user/user{i}", "GroupList": [{groups}], "AttachedManagedPolicies": [{}], "UserPolicyList": [{}]{}}}"#,
                attached(&mut rng),
                inline(&mut rng),
                boundary(&mut rng)
            )
        })
        .collect();
    let groups: Vec<String> = (0..2)
        .map(|i| {
            format!(
                r#"{{"GroupName": "G{i}", "AttachedManagedPolicies": [{}], "GroupPolicyList": [{}]}}"#,
                attached(&mut rng),
                inline(&mut rng)
            )
        })
        .collect();
    let roles: Vec<String> = (0..roles)
        .map(|i| {
            format!(
                r#"{{"RoleName": "role{i}", "Arn": "arn:aws:iam::123456789012:role/role{i}", "AttachedManagedPolicies": [{}], "RolePolicyList": [{}]{}}}"#,
                attached(&mut rng),
                inline(&mut rng),
                boundary(&mut rng)
            )
        })
        .collect();
    let policies: Vec<String> = managed
        .iter()
        .map(|arn| {
            format!(
                r#"{{"Arn": "{arn}", "DefaultVersionId": "v2", "PolicyVersionList": [{{"Document": {}, "VersionId": "v1", "IsDefaultVersion": false}}, {{"Document": {}, "VersionId": "v2", "IsDefaultVersion": true}}]}}"#,
                document(&mut rng),
                document(&mut rng)
            )
        })
        .collect();
    format!(
        r#"{{"UserDetailList": [{}], "GroupDetailList": [{}], "RoleDetailList": [{}], "Policies": [{}]}}"#,
        users.join(", "),
        groups.join(", "),
        roles.join(", "),
        policies.join(", ")
    )
}

fn sessions<'c, 'a>(
    account: &Account<'a>,
    scps: &'c [PolicyFile],
    n: usize,
) -> Vec<Session<'c, 'a>> {
    (0..n).map(|_| Session::new(account, scps)).collect()
}

#[test]
fn the_writers_give_what_the_reference_gives() {
    let required: Vec<String> = [
        "aws-marketplace:ResolveCustomer",
        "aws-marketplace:BatchMeterUsage",
        "aws-marketplace:GetEntitlements",
    ]
    .map(str::to_owned)
    .to_vec();
    let scp = PolicyFile::parse(
        "scp.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "aws-marketplace:Meter*", "Resource": "*", "Condition": {"Bool": {"aws:ViaAWSService": "true"}}}]}"#,
    )
    .expect("a valid SCP");
    let context: Context = [("aws:SourceVpc", "vpc-1")].into_iter().collect();
    let mut compared = 0;
    for (seed, users, roles) in [(1, 0, 0), (2, 3, 0), (3, 40, 300), (4, 300, 30)] {
        let text = export(seed, users, roles);
        for (scps, context) in [
            (vec![], None),
            (vec![scp.clone()], None),
            (vec![], Some(&context)),
        ] {
            let checker = Checker::new(&required, context).without_over_grant_statements();
            let account =
                Account::parse("export.json", &text, &checker).expect("a readable export");
            assert_eq!(account.len(), users + roles);
            let want = reference(&account, &required, &scps, context);
            for threads in [1, 3] {
                let mut sessions = sessions(&account, &scps, threads);
                let classes = survey(&account, &mut sessions).expect("a readable export");
                let expected: Vec<Class> = want
                    .principals
                    .iter()
                    .map(|p| {
                        let relevant = p.actions.iter().any(|a| {
                            a.decision != Decision::ImplicitDeny
                                || a.statements.iter().any(|s| s.kind != PolicyKind::Identity)
                        });
                        match (p.verdict, relevant) {
                            (Verdict::Allowed, _) => Class::Allowed,
                            (_, true) => Class::Partly,
                            (_, false) => Class::Unrelated,
                        }
                    })
                    .collect();
                assert_eq!(classes, expected, "seed {seed}, {threads} threads");

                let mut json = Vec::new();
                write_json(&mut json, &account, &mut sessions, &required, &classes)
                    .expect("written");
                let mut reference = serde_json::to_string_pretty(&want).expect("serialized");
                reference.push('\n');
                assert!(
                    String::from_utf8_lossy(&json) == reference,
                    "seed {seed}, {threads} threads, {} SCPs, context {}: the JSON differs from the reference",
                    scps.len(),
                    context.is_some()
                );

                let mut lines = Vec::new();
                write_jsonl(&mut lines, &account, &mut sessions).expect("written");
                let want_lines: String = want
                    .principals
                    .iter()
                    .map(|p| serde_json::to_string(p).expect("serialized") + "\n")
                    .collect();
                assert_eq!(String::from_utf8_lossy(&lines), want_lines);

                // The text report of `account` on `threads` threads, with `palette`.
                let text_of = |account: &Account<'_>, threads: usize, palette: Palette| {
                    let mut sessions = self::sessions(account, &scps, threads);
                    let mut out = Vec::new();
                    write_text(
                        &mut out,
                        account,
                        &mut sessions,
                        &required,
                        &classes,
                        None,
                        palette,
                    )
                    .expect("written");
                    out
                };
                let text_out = text_of(&account, threads, Palette::STYLED);
                assert_eq!(text_out, text_of(&account, 1, Palette::STYLED));
                // Unstyled, it is the styled report with its styles stripped.
                let plain = text_of(&account, threads, Palette::PLAIN);
                assert_eq!(plain, anstream::adapter::strip_bytes(&text_out).into_vec());
                assert_ne!(plain, text_out);
                // The text shows no principal's warnings: a checker that does not work them out writes the same.
                let quiet = Checker::new(&required, context)
                    .without_over_grant_statements()
                    .without_warnings();
                let quiet_account =
                    Account::parse("export.json", &text, &quiet).expect("a readable export");
                assert_eq!(text_of(&quiet_account, threads, Palette::STYLED), text_out);
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 24);
}

/// An export of `roles` roles, each with one inline document; those at `refused` without `Resource`, which IAM
/// refuses in an identity policy.
fn export_refusing(roles: usize, refused: &[usize]) -> String {
    let roles: Vec<String> = (0..roles)
        .map(|i| {
            let resource = if refused.contains(&i) {
                ""
            } else {
                r#", "Resource": "*""#
            };
            format!(
                r#"{{"RoleName": "role{i}", "Arn": "arn:aws:iam::123456789012:role/role{i}", "RolePolicyList": [{{"PolicyName": "p", "PolicyDocument": {{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "aws-marketplace:MeterUsage"{resource}}}}}}}]}}"#
            )
        })
        .collect();
    format!(r#"{{"RoleDetailList": [{}]}}"#, roles.join(", "))
}

/// Runs `test` on an export of 3,000 roles (many more chunks than the threads may run ahead of the writer), those at
/// `refused` refused, read for a check of `aws-marketplace:MeterUsage`: the account and the required actions.
fn with_metering_account(refused: &[usize], test: impl FnOnce(&Account<'_>, &[String])) {
    let required = vec!["aws-marketplace:MeterUsage".to_owned()];
    let checker = Checker::new(&required, None).without_over_grant_statements();
    let text = export_refusing(3000, refused);
    let account = Account::parse("export.json", &text, &checker).expect("a readable export");
    test(&account, &required);
}

/// On several threads, with more chunks than the threads may run ahead of the writer: the error returned is the
/// first in the export's order, whichever thread finds one first.
#[test]
fn the_first_error_in_the_exports_order_is_the_one_returned() {
    for refused in [vec![1500, 2000], vec![2000, 1500], vec![3], vec![2999]] {
        with_metering_account(&refused, |account, _| {
            let first = refused.iter().min().expect("one refused");
            for threads in [1, 2, 3] {
                let mut sessions = sessions(account, &[], threads);
                let Err(error) = survey(account, &mut sessions) else {
                    panic!("{refused:?}, {threads} threads: no error");
                };
                assert!(
                    error.0.contains(&format!("RoleDetailList[{first}]")),
                    "{refused:?}, {threads} threads: {}",
                    error.0
                );
            }
        });
    }
}

/// A writer that fails after `left` bytes.
struct FailingAfter {
    left: usize,
}

impl std::io::Write for FailingAfter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() > self.left {
            return Err(std::io::Error::other("the disk is full"));
        }
        self.left -= buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// When the output fails part-way, every writer returns that error, on one thread or several, and the threads
/// stop.
#[test]
fn a_failing_output_stops_the_writers_with_its_error() {
    with_metering_account(&[], |account, required| {
        for threads in [1, 3] {
            let mut sessions = sessions(account, &[], threads);
            let classes = survey(account, &mut sessions).expect("a readable export");
            for left in [0, 100, 50_000] {
                let mut out = FailingAfter { left };
                let error = write_json(&mut out, account, &mut sessions, required, &classes)
                    .expect_err("the output fails");
                assert_eq!(error.to_string(), "the disk is full");
                let mut out = FailingAfter { left };
                let error =
                    write_jsonl(&mut out, account, &mut sessions).expect_err("the output fails");
                assert_eq!(error.to_string(), "the disk is full");
            }
        }
    });
}

/// A panic while checking a principal, or while handing a chunk on, reaches the caller on every number of threads:
/// no thread is left waiting for a chunk or a turn that will not come.
#[test]
fn a_panic_in_a_thread_or_in_the_writer_reaches_the_caller() {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use super::parallel::in_order;

    with_metering_account(&[], |account, _| {
        for threads in [1, 2, 3] {
            let mut states: Vec<usize> = vec![0; threads];
            let checking = catch_unwind(AssertUnwindSafe(|| {
                in_order(
                    account,
                    &mut states,
                    |_| true,
                    |_, p, _: &mut Vec<u8>| {
                        assert_ne!(p.name, "role2000", "a principal that panics");
                        Ok(())
                    },
                    |_| Ok::<(), crate::Unusable>(()),
                )
            }));
            assert!(checking.is_err(), "{threads} threads");
            let mut handed = 0;
            let writing = catch_unwind(AssertUnwindSafe(|| {
                in_order(
                    account,
                    &mut states,
                    |_| true,
                    |_, _, _: &mut Vec<u8>| Ok(()),
                    |_| {
                        handed += 1;
                        assert_ne!(handed, 20, "a writer that panics");
                        Ok::<(), crate::Unusable>(())
                    },
                )
            }));
            assert!(writing.is_err(), "{threads} threads");
        }
    });
}
