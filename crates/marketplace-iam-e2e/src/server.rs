//! The local IAM-enforcing endpoint: a Python venv with moto, `moto_server` behind a guard that stops it by PID, the
//! IAM setup through its IAM API, and moto's IAM policy evaluator for the actions the endpoint cannot route.

use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// What the venv installs, pinned so that runs are reproducible: moto's server (the IAM-enforcing endpoint and its
/// IAM policy evaluator), and Principal Mapper, whose resource-policy evaluator decides the queue policies the
/// endpoint does not enforce (see [`crate::notifications`]).
pub const REQUIREMENTS: [&str; 2] = ["moto[server]==5.2.5", "principalmapper==1.1.5"];

/// The IAM helper run with the venv's Python (boto3 comes with moto).
const IAM_PY: &str = include_str!("iam.py");

/// The number of requests the endpoint serves before it checks signatures and policies: exactly the helper's
/// bootstrap of its admin user (CreateUser, PutUserPolicy, CreateAccessKey).
const NO_AUTH_REQUESTS: &str = "3";

/// How long the server may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A Python venv with [`REQUIREMENTS`] installed.
pub struct Venv {
    dir: PathBuf,
}

impl Venv {
    /// Creates the venv in `dir` with `python` and installs [`REQUIREMENTS`], or reuses it if a previous run did
    /// exactly that.
    pub fn ensure(python: &str, dir: &Path) -> Result<Venv, String> {
        let venv = Venv {
            dir: dir.to_path_buf(),
        };
        let stamp = dir.join("marketplace-iam-requirement.txt");
        let wanted = REQUIREMENTS.join("\n");
        let listed = REQUIREMENTS.join(", ");
        if fs::read_to_string(&stamp).is_ok_and(|s| s == wanted)
            && venv.bin("moto_server").is_file()
        {
            println!("venv: reusing {} ({listed})", dir.display());
            return Ok(venv);
        }
        println!("venv: creating {} and installing {listed}", dir.display());
        run(Command::new(python)
            .args(["-m", "venv", "--clear"])
            .arg(dir))?;
        run(Command::new(venv.bin("python"))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(REQUIREMENTS))?;
        fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
        Ok(venv)
    }

    fn bin(&self, name: &str) -> PathBuf {
        if cfg!(windows) {
            self.dir.join("Scripts").join(format!("{name}.exe"))
        } else {
            self.dir.join("bin").join(name)
        }
    }
}

/// Runs a command to completion; its output goes to the terminal.
fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed: {status}"))
    }
}

/// A running `moto_server`. Dropping it (at the end of the run, on an error or while unwinding from a panic) kills
/// the process by its PID and reaps it.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    log: PathBuf,
}

impl Server {
    /// Starts `moto_server` on 127.0.0.1 at a free port with IAM enforcement on, and waits until it listens. Its
    /// output goes to `log`.
    pub fn start(venv: &Venv, log: &Path) -> Result<Server, String> {
        let port = free_port()?;
        let out =
            fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
        let child = Command::new(venv.bin("moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("INITIAL_NO_AUTH_ACTION_COUNT", NO_AUTH_REQUESTS)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", venv.bin("moto_server").display()))?;
        let mut server = Server {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            log: log.to_path_buf(),
        };
        println!(
            "moto_server: pid {}, {} (log: {})",
            server.child.id(),
            server.endpoint,
            log.display()
        );
        server.wait_listening(port)?;
        Ok(server)
    }

    fn wait_listening(&mut self, port: u16) -> Result<(), String> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "moto_server exited ({status}) before listening:\n{}",
                    self.log_tail()
                ));
            }
            // A connection that sends nothing is not a request: it does not use up the unauthenticated ones.
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if start.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "moto_server did not listen on {address} within {}s:\n{}",
                    START_TIMEOUT.as_secs(),
                    self.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The size of the server's log now: where what the next request logs starts.
    pub fn log_position(&self) -> u64 {
        fs::metadata(&self.log).map(|m| m.len()).unwrap_or(0)
    }

    /// What the server logged from `position` on. The server writes a request's error after its response, so this
    /// waits up to five seconds (a loaded machine) for `expected` to appear before it returns what is there.
    pub fn log_since(&self, position: u64, expected: &str) -> String {
        let start = Instant::now();
        loop {
            let text = fs::read(&self.log)
                .ok()
                .and_then(|bytes| {
                    let from = usize::try_from(position).ok()?;
                    bytes
                        .get(from..)
                        .map(|b| String::from_utf8_lossy(b).into_owned())
                })
                .unwrap_or_default();
            if text.contains(expected) || start.elapsed() > Duration::from_secs(5) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The last lines of the server's log, for error messages.
    pub fn log_tail(&self) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pid = self.child.id();
        match self.child.kill() {
            Ok(()) => {
                let _ = self.child.wait();
                println!("moto_server: stopped pid {pid}");
            }
            // Already exited (and reaped by the error path): nothing to stop.
            Err(e) => eprintln!("moto_server: pid {pid} not stopped: {e}"),
        }
    }
}

/// A port nobody listens on now. Another process could take it before the server binds; the server then fails to
/// start and the run says so.
fn free_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// An access key: a user's, or the temporary credentials of an assumed role.
#[derive(Debug, Clone)]
pub struct AccessKey {
    /// The access key id.
    pub id: String,
    /// The secret access key.
    pub secret: String,
    /// The session token that temporary credentials are signed with (`X-Amz-Security-Token`); `None` for a user's key.
    pub token: Option<String>,
}

/// One IAM role to create, and the user that assumes it.
pub struct NewRole<'a> {
    /// The role name.
    pub name: &'a str,
    /// Its inline policy, byte for byte.
    pub policy: &'a str,
    /// Its trust policy: who may assume it.
    pub trust_policy: &'a str,
    /// The user (one of those created with it) whose key signs `sts:AssumeRole`.
    pub caller: &'a str,
    /// The session name of the assumed role.
    pub session: &'a str,
}

/// A role created and assumed through the endpoint's STS API.
#[derive(Debug, Clone)]
pub struct AssumedRole {
    /// The role's ARN, as the endpoint reports it.
    pub role_arn: String,
    /// The assumed-role ARN STS returned: `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    pub arn: String,
    /// The temporary credentials, with their session token.
    pub key: AccessKey,
    /// What the endpoint answered to the same `sts:AssumeRole` signed by the admin, whom the trust policy does not
    /// name.
    pub outsider: ProbeAnswer,
}

/// What [`Iam::create`] created: an access key per user, in order, and the assumed role.
pub struct Created {
    /// The users' keys.
    pub keys: Vec<AccessKey>,
    /// The role, assumed by its caller.
    pub role: AssumedRole,
}

/// One IAM user to create: its name and the policy document attached to it inline (none for a user without policy).
pub struct NewUser<'a> {
    /// The user name.
    pub name: &'a str,
    /// The policy document, byte for byte.
    pub policy: Option<&'a str>,
}

/// One user for moto's IAM policy evaluator ([`Iam::evaluate`]) and what to decide for it.
pub struct Evaluation<'a> {
    /// The user and its policy.
    pub user: NewUser<'a>,
    /// The `(IAM action, resource)` pairs to decide, in order.
    pub checks: &'a [(String, String)],
}

/// What the endpoint answered to one probing call: License Manager's CheckoutLicense, or an `sts:AssumeRole` that
/// the role's trust policy must refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeAnswer {
    /// Whose key signed the call.
    pub signer: String,
    /// The HTTP status, or `None` without an HTTP answer.
    pub status: Option<u16>,
    /// The start of the body, or the error without an HTTP answer.
    pub body: String,
}

/// What the SNS probe saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnsProbe {
    /// The topic it published to.
    pub topic_arn: String,
    /// Whether the message reached the queue.
    pub delivered: bool,
    /// The queue's policy as the endpoint stores it, if any.
    pub queue_policy: Option<String>,
}

/// One request to a queue policy, for [`Iam::queue_policy`].
#[derive(Debug, Clone)]
pub struct QueuePolicyRequest<'a> {
    /// The queue policy, as JSON.
    pub policy: &'a str,
    /// The service principal that sends.
    pub principal: &'a str,
    /// The IAM action.
    pub action: &'a str,
    /// The queue's ARN.
    pub resource: &'a str,
    /// The request's `aws:SourceArn`, if any.
    pub source_arn: Option<String>,
}

/// The IAM API of the endpoint, through the venv's boto3.
pub struct Iam<'a> {
    venv: &'a Venv,
    script: PathBuf,
    endpoint: &'a str,
    admin: Option<AccessKey>,
}

impl<'a> Iam<'a> {
    /// Writes the helper script to `script`.
    pub fn new(venv: &'a Venv, server: &'a Server, script: &Path) -> Result<Iam<'a>, String> {
        fs::write(script, IAM_PY).map_err(|e| format!("cannot write {}: {e}", script.display()))?;
        Ok(Iam {
            venv,
            script: script.to_path_buf(),
            endpoint: &server.endpoint,
            admin: None,
        })
    }

    /// Creates the users with their policies and an access key each; then the role with its trust policy and its
    /// inline policy, which the role's caller assumes through STS (`sts:AssumeRole`, signed with the caller's key),
    /// and which the admin tries to assume too. One helper process does it all.
    pub fn create(&mut self, users: &[NewUser<'_>], role: &NewRole<'_>) -> Result<Created, String> {
        let request = json!({
            "endpoint": self.endpoint,
            "action": "setup",
            "users": users.iter().map(|u| json!({"name": u.name, "policy": u.policy})).collect::<Vec<_>>(),
            "roles": [{
                "name": role.name,
                "policy": role.policy,
                "trust_policy": role.trust_policy,
                "caller": role.caller,
                "session": role.session,
            }],
        });
        let answer = self.call(&request)?;
        self.admin =
            Some(access_key(&answer["admin"]).ok_or("IAM setup: no admin key in the answer")?);
        let keys = users
            .iter()
            .map(|u| {
                access_key(&answer["users"][u.name])
                    .ok_or_else(|| format!("IAM setup: no access key for {} in the answer", u.name))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let assumed = &answer["roles"][role.name];
        let text = |field: &str| {
            assumed[field].as_str().map(str::to_owned).ok_or_else(|| {
                format!(
                    "IAM setup: no {field} for the role {} in {answer}",
                    role.name
                )
            })
        };
        let key = access_key(&assumed["key"])
            .filter(|k| k.token.is_some())
            .ok_or_else(|| {
                format!(
                    "IAM setup: no temporary credentials with a session token for the role {} in {answer}",
                    role.name
                )
            })?;
        let role = AssumedRole {
            role_arn: text("role_arn")?,
            arn: text("arn")?,
            key,
            outsider: probe_answer(&assumed["outsider"]),
        };
        Ok(Created { keys, role })
    }

    /// The admin's access key (allowed everything), once [`Iam::create`] has created it.
    pub fn admin(&self) -> Result<&AccessKey, String> {
        self.admin
            .as_ref()
            .ok_or_else(|| "no admin: the IAM setup did not run".to_owned())
    }

    /// Shows whether the endpoint enforces a queue policy on what SNS delivers: creates the topic `topic` in the
    /// endpoint's account (which the queue policy of `queue_arn` does not admit), subscribes the queue, publishes one
    /// message, and looks for it in the queue; then deletes the message, the subscription and the topic.
    pub fn sns_probe(&self, queue_arn: &str, topic: &str) -> Result<SnsProbe, String> {
        let admin = self.admin()?;
        let request = json!({
            "endpoint": self.endpoint,
            "action": "sns_probe",
            "admin": {"id": admin.id, "secret": admin.secret},
            "queue_arn": queue_arn,
            "topic": topic,
        });
        let answer = self.call(&request)?;
        Ok(SnsProbe {
            topic_arn: answer["topic_arn"]
                .as_str()
                .ok_or_else(|| format!("SNS probe: no topic ARN in {answer}"))?
                .to_owned(),
            delivered: answer["delivered"]
                .as_bool()
                .ok_or_else(|| format!("SNS probe: no answer on delivery in {answer}"))?,
            queue_policy: answer["queue_policy"].as_str().map(str::to_owned),
        })
    }

    /// Asks Principal Mapper's resource-policy evaluator, in the helper's own process, whether each queue policy
    /// admits each request, and moto's IAM policy evaluator the same (for the record); returns the helper's answer
    /// per request, in order.
    pub fn queue_policy(&self, requests: &[QueuePolicyRequest<'_>]) -> Result<Vec<Value>, String> {
        let request = json!({
            "action": "queue_policy",
            "requests": requests.iter().map(|r| json!({
                "policy": r.policy,
                "principal": r.principal,
                "action": r.action,
                "resource": r.resource,
                "source_arn": r.source_arn,
            })).collect::<Vec<_>>(),
        });
        let answer = self.call(&request)?;
        match answer["answers"].as_array() {
            Some(answers) if answers.len() == requests.len() => Ok(answers.clone()),
            _ => Err(format!(
                "queue policy evaluation: no {} answers in {answer}",
                requests.len()
            )),
        }
    }

    /// Deletes the roles' inline policies and the roles, then the users' access keys, policies and the users.
    pub fn delete(&self, roles: &[&str], names: &[&str]) -> Result<(), String> {
        let admin = self
            .admin
            .as_ref()
            .ok_or("IAM cleanup: no users were created")?;
        let request = json!({
            "endpoint": self.endpoint,
            "action": "cleanup",
            "admin": {"id": admin.id, "secret": admin.secret},
            "users": names,
            "roles": roles,
        });
        self.call(&request).map(drop)
    }

    /// Calls License Manager's CheckoutLicense at the endpoint, signed by the admin (allowed everything) and by a
    /// user without any policy, and returns the answers: whether the endpoint routes and enforces License Manager.
    pub fn probe_license_manager(&self) -> Result<Vec<ProbeAnswer>, String> {
        let admin = self
            .admin
            .as_ref()
            .ok_or("License Manager probe: no users were created")?;
        let request = json!({
            "endpoint": self.endpoint,
            "action": "probe",
            "admin": {"id": admin.id, "secret": admin.secret},
        });
        let answer = self.call(&request)?;
        let answers = answer["answers"]
            .as_array()
            .ok_or_else(|| format!("License Manager probe: no answers in {answer}"))?;
        Ok(answers.iter().map(probe_answer).collect())
    }

    /// Asks moto's IAM policy evaluator, in the helper's own process and not through the endpoint, whether each user
    /// (with its policy as given) may perform each of its own `(action, resource)` checks. Returns each user's
    /// answers, in the order of `users` and of its checks. One helper process decides them all.
    pub fn evaluate(&self, users: &[Evaluation<'_>]) -> Result<Vec<Vec<Value>>, String> {
        let request = json!({
            "action": "evaluate",
            "users": users
                .iter()
                .map(|u| json!({
                    "name": u.user.name,
                    "policy": u.user.policy,
                    "checks": u.checks.iter().map(|(a, r)| json!({"action": a, "resource": r})).collect::<Vec<_>>(),
                }))
                .collect::<Vec<_>>(),
        });
        let answer = self.call(&request)?;
        users
            .iter()
            .map(|u| match answer["users"][u.user.name].as_array() {
                Some(row) if row.len() == u.checks.len() => Ok(row.clone()),
                _ => Err(format!(
                    "IAM evaluation: no {} answers for {} in {answer}",
                    u.checks.len(),
                    u.user.name
                )),
            })
            .collect()
    }

    fn call(&self, request: &Value) -> Result<Value, String> {
        let mut child = Command::new(self.venv.bin("python"))
            .arg(&self.script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run the IAM helper: {e}"))?;
        let mut stdin = child.stdin.take().ok_or("IAM helper: no stdin")?;
        let written = stdin.write_all(request.to_string().as_bytes());
        drop(stdin);
        let output = child
            .wait_with_output()
            .map_err(|e| format!("IAM helper: {e}"))?;
        written.map_err(|e| format!("IAM helper: cannot send the request: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "IAM helper failed ({}):\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let mut text = String::new();
        output
            .stdout
            .as_slice()
            .read_to_string(&mut text)
            .map_err(|e| format!("IAM helper: output is not UTF-8: {e}"))?;
        serde_json::from_str(&text)
            .map_err(|e| format!("IAM helper: output is not JSON ({e}): {text}"))
    }
}

fn access_key(value: &Value) -> Option<AccessKey> {
    Some(AccessKey {
        id: value["id"].as_str()?.to_owned(),
        secret: value["secret"].as_str()?.to_owned(),
        token: value["token"].as_str().map(str::to_owned),
    })
}

fn probe_answer(value: &Value) -> ProbeAnswer {
    ProbeAnswer {
        signer: value["signer"].as_str().unwrap_or_default().to_owned(),
        status: value["status"].as_u64().and_then(|s| u16::try_from(s).ok()),
        body: value["body"].as_str().unwrap_or_default().to_owned(),
    }
}
