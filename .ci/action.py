"""Runs the GitHub Action's check step (action.yml) here, as a runner would, and checks what it leaves.

The step's script is taken from action.yml itself, with its `${{ inputs.* }}` environment filled as GitHub fills
it (a default where an input is not given), `RUNNER_TEMP` and `GITHUB_OUTPUT` pointing into a temporary directory,
and the command on PATH (the directory given as the first argument, e.g. target/debug after `cargo build`). The
install and upload steps are GitHub's (cargo install, github/codeql-action) and are not run.

Each case says which inputs it gives and what the step must end with: its exit status, the `exit-code` output, and
how many results the merged SARIF log holds.

    python .ci/action.py target/debug
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml  # PyYAML, which cfn-lint installs into the CI venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CONSUMER = (
    "--action ReceiveMessage --action DeleteMessage --action GetQueueAttributes "
    "--account-id 111122223333 --region us-east-1 --parameter QueueName=saas-notifications "
    "--parameter ProductCode=n0123example4567890abcdef --parameter MarketplaceAccountId=444455556666 "
    "--resource arn:aws:sqs:us-east-1:111122223333:saas-notifications"
)

# (name, inputs, step exit status, `exit-code` output or None, SARIF results: exact count, or ">0", or None)
CASES = [
    (
        "a published metering role passes for its product",
        {"product": "saas", "cloudformation": "docs/cloudformation/saas-cross-account.json"},
        0, "0", 0,
    ),
    (
        "a notification stack's consumer role, with the queue's actions in args and no product",
        {"cloudformation": "docs/cloudformation/saas-notifications-sns-ecs.json", "args": CONSUMER},
        0, "0", 0,
    ),
    (
        "a template and a Terraform plan in one run: the trust fixture's findings are reported",
        {
            "product": "saas",
            "cloudformation": "crates/marketplace-iam-cli/tests/fixtures/cloudformation/trust.yaml",
            "terraform": "crates/marketplace-iam-cli/tests/fixtures/terraform/metering.json",
        },
        0, "1", ">0",
    ),
    (
        "neither a product nor --action: unusable input fails the step",
        {"cloudformation": "docs/cloudformation/saas-cross-account.json"},
        2, None, None,
    ),
    (
        "no file to check fails the step",
        {"product": "saas"},
        2, None, None,
    ),
]


def check_step(action):
    for step in action["runs"]["steps"]:
        if step.get("id") == "check":
            return step
    sys.exit("action.yml has no step with id `check`")


def fill(value, inputs, defaults):
    """`${{ inputs.NAME }}` as GitHub fills it: the input given, else its default."""

    def one(m):
        name = m.group(1)
        if name not in defaults:
            sys.exit(f"action.yml names an input it does not declare: {name}")
        return inputs.get(name, defaults[name])

    return re.sub(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}", one, value)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: python .ci/action.py <directory holding the marketplace-iam command>")
    bin_dir = os.path.abspath(sys.argv[1])
    if not os.access(os.path.join(bin_dir, "marketplace-iam"), os.X_OK):
        sys.exit(f"{bin_dir}/marketplace-iam: no such command (build it first: cargo build -p marketplace-iam-cli)")
    with open(os.path.join(ROOT, "action.yml")) as f:
        action = yaml.safe_load(f)
    defaults = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    required = [name for name, spec in action["inputs"].items() if spec.get("required")]
    step = check_step(action)
    failures = 0
    for name, inputs, status, exit_code, results in CASES:
        missing = [r for r in required if r not in inputs]
        if missing:
            sys.exit(f"case {name!r}: action.yml requires {missing}")
        with tempfile.TemporaryDirectory() as temp:
            output = os.path.join(temp, "github-output")
            open(output, "w").close()
            env = dict(os.environ)
            env.update({k: fill(v, inputs, defaults) for k, v in step.get("env", {}).items()})
            env.update({
                "RUNNER_TEMP": temp,
                "GITHUB_OUTPUT": output,
                "PATH": bin_dir + os.pathsep + os.environ["PATH"],
            })
            env["SARIF_FILE"] = os.path.join(temp, env["SARIF_FILE"])
            run = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=ROOT, env=env,
                                 capture_output=True, text=True)
            with open(output) as f:
                outputs = dict(line.split("=", 1) for line in f.read().splitlines() if "=" in line)
            problems = []
            if run.returncode != status:
                problems.append(f"the step exited {run.returncode}, not {status}")
            if outputs.get("exit-code") != exit_code:
                problems.append(f"exit-code output {outputs.get('exit-code')!r}, not {exit_code!r}")
            if results is not None:
                try:
                    with open(env["SARIF_FILE"]) as f:
                        log = json.load(f)
                    count = len(log["runs"][0]["results"])
                    if (results == ">0" and count == 0) or (results != ">0" and count != results):
                        problems.append(f"the SARIF log has {count} results, not {results}")
                except (OSError, ValueError, KeyError, IndexError) as e:
                    problems.append(f"no merged SARIF log: {e}")
            if problems:
                failures += 1
                print(f"FAIL {name}: " + "; ".join(problems))
                print("  stdout: " + run.stdout.strip().replace("\n", "\n  "))
                print("  stderr: " + run.stderr.strip().replace("\n", "\n  "))
            else:
                print(f"ok   {name}")
    if failures:
        sys.exit(f"{failures} of {len(CASES)} cases of the GitHub Action failed")
    print(f"action.yml: all {len(CASES)} cases as they must be")


if __name__ == "__main__":
    main()
