//! The end-to-end proof of the published policies, run by `cargo xtask e2e`.
//!
//! 1. Reads every published policy document in `docs/policies/` from disk, and pairs it with what policies.toml
//!    grants (through the `marketplace-iam` crate, generated from it). A pricing model that needs no policy becomes
//!    a user without any policy.
//! 2. Creates a Python venv under `<target>/e2e/venv`, installs moto's server in it, and starts `moto_server` on
//!    127.0.0.1 at a free port with IAM enforcement on: after the first three requests (the bootstrap of an admin
//!    user), every request must be signed by a known access key and allowed by that user's policies.
//! 3. Through the endpoint's IAM API, creates one user per document with the document as its inline policy and an
//!    access key.
//! 4. With each user's key, calls the five operations through the AWS SDK for Rust and classifies each answer:
//!    allowed (it passed the access check) or denied (HTTP 403 naming `aws-marketplace:<Action>`).
//! 5. moto has no License Manager backend: the endpoint cannot route `license-manager` calls (HTTP 500 before any
//!    access check). The run shows it (a CheckoutLicense call signed by a user allowed everything and by one without
//!    any policy; it fails if the endpoint ever answers otherwise). For every document and every License Manager action of [`evaluated::Evaluated::ALL`], the IAM
//!    helper asks moto's IAM policy evaluator (the code the endpoint enforces IAM with, not the project's checker)
//!    whether the document allows the action on the resource the call would act on. It decides the same way the
//!    notification documents' grants on a key and on topics ([`notification_grants`]: `kms:Decrypt` of the consumer
//!    of an encrypted queue, `sns:Subscribe` of the subscriber), which the endpoint checks against `"*"`.
//! 6. SaaS notifications ([`notifications`] says what the endpoint enforces for SQS, [`consumer_role`] what it
//!    enforces for an assumed role, with the lines of moto's source): with the admin's key, creates the consumer's
//!    role (the consumer's policy inline, a trust policy naming a caller user allowed only `sts:AssumeRole` on it),
//!    which the caller assumes through STS; creates the consumer's queue (with its queue policy) and another queue;
//!    with the assumed role's temporary credentials, session token included, calls ReceiveMessage, DeleteMessage and
//!    GetQueueAttributes on each through the AWS SDK for Rust (allowed on its queue, denied with HTTP 403 naming the
//!    action and the role's session on the other). The admin's own AssumeRole of the role is refused: the trust
//!    policy is enforced. The endpoint
//!    does not enforce queue policies (the run shows it: a message from a topic the queue policy does not admit gets
//!    through), and moto's IAM policy evaluator cannot decide them (it skips `ArnEquals` and cannot match a service
//!    principal; the run shows that too), so Principal Mapper's resource-policy evaluator decides whether each queue
//!    policy admits `sqs:SendMessage` from the product's topics or the rule, and refuses the rest.
//! 7. Prints the policy × operation matrix, the SDK calls and then the evaluated actions, the notification grants,
//!    then the notification cells, and exits non-zero if any cell differs from policies.toml or from what the
//!    notification documents must allow. The role, the users and the queues are deleted and the server is stopped by
//!    its PID in any case.

mod calls;
mod consumer_role;
mod evaluated;
mod matrix;
mod notification_grants;
mod notifications;
mod queue_matrix;
mod server;
mod sqs;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use calls::{Answer, Clients, Operation};
use evaluated::{Decision, Evaluated};
use matrix::Matrix;
use notification_grants::{Cell, GrantMatrix, Holder};
use notifications::{Parameters, Request, Route, Verdict};
use queue_matrix::{NotificationMatrix, QueueRow};
use server::{AssumedRole, Evaluation, Iam, NewRole, NewUser, QueuePolicyRequest, Server, Venv};

/// The topic of the SNS probe, in the endpoint's account: no queue policy admits it.
const PROBE_TOPIC: &str = "e2e-another-topic";

const USAGE: &str = "\
usage: cargo xtask e2e [--python <python3>]

Proves the published policies docs/policies/*.json against an IAM-enforcing local endpoint (moto) through the AWS SDK
for Rust, and compares the policy x operation matrix with policies.toml. Needs Python 3 with venv and pip, and access
to PyPI on the first run.";

fn main() -> ExitCode {
    let start = Instant::now();
    let python = match parse_args(std::env::args().skip(1)) {
        Ok(Some(python)) => python,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = run(&python);
    println!("e2e: {:.1}s", start.elapsed().as_secs_f64());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The Python to create the venv with, or `None` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<String>, String> {
    let mut python = String::from("python3");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--python" => python = args.next().ok_or("--python needs a value")?,
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(Some(python))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

fn run(python: &str) -> Result<(), String> {
    let root = workspace_root();
    let policies = root.join("docs/policies");
    let subjects = matrix::subjects(&policies)?;
    println!(
        "policies: {} documents read from {}, {} pricing model(s) without policy",
        subjects.iter().filter(|s| s.file.is_some()).count(),
        policies.display(),
        subjects.iter().filter(|s| s.file.is_none()).count(),
    );

    let parameters = Parameters::RUN;
    let model = root.join("policies.toml");
    let model =
        marketplace_iam_model::load(&model).map_err(|e| format!("{}: {e}", model.display()))?;
    let [sns, eventbridge] =
        Route::ALL.map(|route| notifications::documents(&model, route, &parameters));
    let (sns, eventbridge) = (sns?, eventbridge?);
    if sns.consumer_policy != eventbridge.consumer_policy {
        return Err(
            "the consumer's policy differs between the SNS and the EventBridge routes: prove each"
                .into(),
        );
    }
    let granted = Cell::ALL
        .iter()
        .map(|cell| cell.expected(&model, &parameters))
        .collect::<Result<Vec<bool>, String>>()?;

    let work = target_dir(&root).join("e2e");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let venv = Venv::ensure(python, &work.join("venv"))?;
    let server = Server::start(&venv, &work.join("moto.log"))?;

    let mut names: Vec<String> = subjects.iter().map(|s| s.user_name()).collect();
    names.push(consumer_role::CALLER.to_owned());
    let caller_policy = consumer_role::caller_policy();
    let mut users: Vec<NewUser<'_>> = subjects
        .iter()
        .zip(&names)
        .map(|(s, name)| NewUser {
            name,
            policy: s.document.as_deref(),
        })
        .collect();
    users.push(NewUser {
        name: consumer_role::CALLER,
        policy: Some(&caller_policy),
    });
    let trust_policy = consumer_role::trust_policy();
    let role = NewRole {
        name: consumer_role::ROLE,
        policy: &sns.consumer_policy,
        trust_policy: &trust_policy,
        caller: consumer_role::CALLER,
        session: consumer_role::SESSION,
    };
    let mut iam = Iam::new(&venv, &server, &work.join("iam.py"))?;
    let created = iam.create(&users, &role)?;
    let (mut keys, consumer) = (created.keys, created.role);
    keys.pop()
        .ok_or("IAM setup: no key for the role's caller")?;
    users.pop();
    println!(
        "iam: {} users created, each with its document as inline policy and an access key; the role {} with the \
         notification consumer's policy inline, assumed by {} (sts:AssumeRole)",
        keys.len(),
        consumer_role::ROLE,
        consumer_role::CALLER
    );
    let trusted = consumer_role::trust_enforced(&consumer);
    match &trusted {
        Ok(evidence) => println!("probe: {evidence}"),
        Err(e) => eprintln!("error: consumer role: {e}"),
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    // Plain HTTP for http://127.0.0.1: no TLS stack is built.
    let http = aws_smithy_http_client::Builder::new().build_http();
    let mut called = Vec::new();
    runtime.block_on(async {
        for key in &keys {
            let clients = Clients::new(&server.endpoint, key, &http);
            let mut row = Vec::new();
            for op in Operation::ALL {
                let position = server.log_position();
                let answer = clients.call(op).await;
                let log = match answer {
                    Answer::Http { status: 500, .. } => {
                        server.log_since(position, &op.not_implemented())
                    }
                    _ => String::new(),
                };
                row.push(calls::classify(op, &answer, &log));
            }
            called.push(row);
        }
    });

    let position = server.log_position();
    let probe = iam.probe_license_manager().and_then(|answers| {
        evaluated::not_routed(&answers, &server.log_since(position, evaluated::NOT_ROUTED))
    });
    match &probe {
        Ok(evidence) => println!("probe: {evidence}"),
        Err(e) => eprintln!("error: License Manager probe: {e}"),
    }

    let checks: Vec<(String, String)> = Evaluated::ALL
        .iter()
        .map(|a| (a.iam_action(), a.resource().to_owned()))
        .collect();
    let holder_checks = Holder::ALL.map(|holder| Cell::checks(holder, &parameters));
    let evaluations: Vec<Evaluation<'_>> = users
        .iter()
        .map(|user| Evaluation {
            user: NewUser {
                name: user.name,
                policy: user.policy,
            },
            checks: &checks,
        })
        .chain(
            Holder::users(&sns)
                .into_iter()
                .zip(&holder_checks)
                .map(|(user, checks)| Evaluation { user, checks }),
        )
        .collect();
    let (decided, grants) = match iam.evaluate(&evaluations) {
        Ok(mut answers) => {
            let holders = answers.split_off(users.len());
            println!(
                "iam: {} License Manager actions x {} users, and {} notification grants of {} holders, decided by \
                 moto's IAM policy evaluator",
                checks.len(),
                answers.len(),
                Cell::ALL.len(),
                holders.len()
            );
            let decided: Vec<Vec<Decision>> = answers
                .iter()
                .map(|answer| {
                    Evaluated::ALL
                        .iter()
                        .zip(answer)
                        .map(|(action, answer)| Decision::read(*action, answer))
                        .collect()
                })
                .collect();
            (decided, GrantMatrix::read(granted, &holders))
        }
        Err(e) => {
            eprintln!("error: moto's IAM policy evaluator: {e}");
            let none =
                Decision::Unexpected("no answer from the evaluator (see the error above)".into());
            (
                vec![vec![none.clone(); Evaluated::ALL.len()]; subjects.len()],
                GrantMatrix {
                    expected: granted,
                    decided: vec![none; Cell::ALL.len()],
                },
            )
        }
    };
    let mut matrix = Matrix::new();
    for ((subject, row), decided) in subjects.iter().zip(called).zip(decided) {
        matrix.push(subject, row, decided);
    }
    println!("\n{}", matrix.render());
    println!("{}", grants.render(&parameters));

    let started = Instant::now();
    let notified = notification_cells(
        &runtime,
        &server,
        &iam,
        &http,
        &consumer,
        &sns,
        &eventbridge,
    );
    println!(
        "notifications: {:.1}s (queues, SDK calls, probes, Principal Mapper)",
        started.elapsed().as_secs_f64()
    );
    match &notified {
        Ok(notified) => println!("\n{}", notified.render(&parameters)),
        Err(e) => eprintln!("error: SaaS notifications: {e}"),
    }

    let cleanup = iam.delete(
        &[consumer_role::ROLE],
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let mut mismatches = matrix.mismatches();
    mismatches.extend(grants.mismatches(&parameters));
    if matrix.has_unexpected() {
        eprintln!("moto_server log, last lines:\n{}\n", server.log_tail());
    }
    drop(server);
    cleanup.map_err(|e| format!("cleanup: {e}"))?;
    println!("iam: role and users deleted");
    probe.map_err(|e| format!("License Manager probe: {e}"))?;
    trusted.map_err(|e| format!("consumer role: {e}"))?;
    let notified = notified.map_err(|e| format!("SaaS notifications: {e}"))?;
    mismatches.extend(notified.mismatches());
    let cells = matrix.cells() + grants.decided() + notified.called() + notified.decided();

    if mismatches.is_empty() {
        println!(
            "e2e: all {cells} cells as they must be: {} SDK calls, where every granted operation passed the access \
             check and every other one was denied with HTTP 403 naming its action, and {} License Manager actions \
             decided by moto's IAM policy evaluator, where every granted one was allowed and every other one denied \
             naming its action, as policies.toml says; {} notification grants decided by moto's IAM policy \
             evaluator, allowed exactly where policies.toml grants them (kms:Decrypt on the encrypted queue's key, \
             sns:Subscribe on the product's two topics) and denied on every other key, alias, topic or action; {} SQS \
             calls of the notification consumer, signed by its assumed role, allowed on its queue and denied with \
             HTTP 403 naming the action and the role's session on another, and {} requests to the queue policies \
             decided by Principal Mapper, where the product's topics and the rule were admitted and every other \
             sender refused",
            matrix.called(),
            matrix.evaluated(),
            grants.decided(),
            notified.called(),
            notified.decided()
        );
        Ok(())
    } else {
        Err(format!(
            "{} of {cells} cells differ from what they must be:\n  {}",
            mismatches.len(),
            mismatches.join("\n  ")
        ))
    }
}

/// The SaaS notification cells: the consumer's SQS calls on its queue and on another (through the AWS SDK for Rust,
/// signed by the assumed role, decided by the endpoint), the probe that shows the endpoint does not enforce queue policies, and the requests to
/// both routes' queue policies (decided by Principal Mapper, with moto's IAM policy evaluator on record). The queues
/// are deleted in any case.
fn notification_cells(
    runtime: &tokio::runtime::Runtime,
    server: &Server,
    iam: &Iam<'_>,
    http: &aws_sdk_sqs::config::SharedHttpClient,
    consumer: &AssumedRole,
    sns: &notifications::Documents,
    eventbridge: &notifications::Documents,
) -> Result<NotificationMatrix, String> {
    let admin = sqs::client(&server.endpoint, iam.admin()?, http);
    let signer = consumer.arn.as_str();
    let consumer = sqs::client(&server.endpoint, &consumer.key, http);
    let mut queues = Vec::new();
    let called = runtime.block_on(async {
        for (name, policy) in [
            (notifications::QUEUE, Some(sns.queue_policy.as_str())),
            (notifications::OTHER_QUEUE, None),
        ] {
            queues.push(sqs::create_queue(&admin, name, policy).await?);
        }
        println!(
            "sqs: queues {} (with the SNS route's queue policy) and {} created by the admin",
            notifications::QUEUE,
            notifications::OTHER_QUEUE
        );
        let mut rows = Vec::new();
        for queue in &queues {
            rows.push(QueueRow {
                queue: queue.name.to_owned(),
                granted: queue.name == notifications::QUEUE,
                observed: sqs::consumer_calls(&admin, &consumer, signer, queue).await?,
            });
        }
        Ok::<_, String>(rows)
    });
    let probed = match (&called, queues.first()) {
        (Ok(_), Some(queue)) => iam
            .sns_probe(&queue.arn, PROBE_TOPIC)
            .and_then(|probe| queue_matrix::not_enforced(&probe, queue.name)),
        _ => Err("no queue to probe".to_owned()),
    };
    let deleted = runtime.block_on(async {
        for queue in &queues {
            sqs::delete_queue(&admin, queue).await?;
        }
        Ok::<_, String>(())
    });
    let rows = called?;
    println!("probe: {}", probed?);
    deleted?;
    println!("sqs: queues deleted");

    let resource = Parameters::RUN.queue_arn();
    let requests: Vec<QueuePolicyRequest<'_>> = Request::ALL
        .iter()
        .map(|r| QueuePolicyRequest {
            policy: match r.route {
                Route::Sns => &sns.queue_policy,
                Route::EventBridge => &eventbridge.queue_policy,
            },
            principal: r.principal,
            action: Request::ACTION,
            resource: &resource,
            source_arn: r.source.arn(&Parameters::RUN),
        })
        .collect();
    let answers = iam.queue_policy(&requests)?;
    println!("probe: {}", notifications::moto_cannot_decide(&answers)?);
    Ok(NotificationMatrix {
        signer: signer.to_owned(),
        queues: rows,
        verdicts: answers.iter().map(Verdict::read).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_args;

    fn args(list: &[&str]) -> Result<Option<String>, String> {
        parse_args(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments() {
        assert_eq!(args(&[]), Ok(Some("python3".into())));
        assert_eq!(
            args(&["--python", "/usr/bin/python3.11"]),
            Ok(Some("/usr/bin/python3.11".into()))
        );
        assert_eq!(args(&["--help"]), Ok(None));
        assert!(args(&["--python"]).is_err());
        assert!(args(&["--pyton", "x"]).unwrap_err().contains("--pyton"));
    }

    /// Every action of policies.toml is proved: an SDK operation calls it (the metering and entitlement operations,
    /// and the notification consumer's SQS operations), or moto's IAM policy evaluator decides it (the License
    /// Manager actions, which the endpoint cannot route, and the notification grants on a key and on topics, which it
    /// checks against `"*"`); each names its action in the catalog's case (moto matches action names exactly). No
    /// action is proved twice (a notification grant is decided on several resources, but by one kind of proof), every
    /// SDK operation is one of the crate's, and none is left out.
    #[test]
    fn every_operation_names_its_action_in_the_catalog_case() {
        let called: Vec<String> = crate::calls::Operation::ALL
            .iter()
            .map(|o| o.iam_action())
            .chain(crate::sqs::QueueOp::ALL.iter().map(|o| o.iam_action()))
            .collect();
        let mut evaluated: Vec<String> = crate::evaluated::Evaluated::ALL
            .iter()
            .map(|e| e.iam_action())
            .collect();
        for cell in crate::notification_grants::Cell::ALL {
            if !evaluated.iter().any(|e| e == cell.action) {
                evaluated.push(cell.action.to_owned());
            }
        }
        for action in marketplace_iam::Action::ALL {
            let by_call = called.iter().filter(|n| *n == action.as_str()).count();
            let by_evaluator = evaluated.iter().filter(|n| *n == action.as_str()).count();
            assert_eq!(
                by_call + by_evaluator,
                1,
                "{action} has no operation or evaluated action, or more than one"
            );
        }
        for name in &called {
            assert!(
                marketplace_iam::Action::ALL
                    .iter()
                    .any(|a| a.as_str() == name),
                "{name} is called but not an action of policies.toml"
            );
        }
        let project_evaluated = evaluated
            .iter()
            .filter(|n| {
                marketplace_iam::Action::ALL
                    .iter()
                    .any(|a| a.as_str() == *n)
            })
            .count();
        assert_eq!(
            called.len() + project_evaluated,
            marketplace_iam::Action::ALL.len()
        );
    }
}
