"""The independent reference for the corpus of AWS's managed policies: which `aws-marketplace` and
`license-manager` actions each policy allows, per parliament (https://pypi.org/project/parliament/, pinned in
requirements.txt). crates/marketplace-iam-policy/tests/managed_policies.rs compares our checker's decisions with the
committed answers, offline, in `cargo test`; `.ci/run` recomputes them with this script and fails if they changed.

Usage (from the repository root, in a venv with requirements.txt installed):
    python tests/parliament/managed_reference.py --check   # recompute, exit 1 if they differ from the committed file
    python tests/parliament/managed_reference.py --write   # rewrite it (after refreshing the corpus)

Input: crates/marketplace-iam-policy/tests/data/aws-managed-policies.jsonl (xtask/scripts/managed_policies.py).
Output: crates/marketplace-iam-policy/tests/data/aws-managed-policies.parliament.jsonl, compact JSON lines:
- the header: {"reference": "parliament <version>", "corpus": <the corpus's source commit>, "count",
  "actions": the compared actions (our catalog's spelling), "not_compared": our actions parliament does not know};
- then per policy, in the corpus's order: {"name", "allowed": the compared actions parliament says it allows}.

The compared actions are those of our catalog (crates/marketplace-iam-model/data/catalogs/) that parliament's older
copy of the Service Authorization Reference also knows. "Allowed" is `Policy.get_allowed_resources(prefix, action)`
being non-empty: the function `Policy.get_allowed_actions` (what tests/parliament/diff.py calls) applies to each
action an `Action` element names. Asked per action, parliament also answers for statements with `NotAction`
(`Statement.in_actions` reads it), which `get_allowed_actions` cannot (it collects candidates from `Action` only),
and AWS's managed policies use `NotAction` (PowerUserAccess). As in diff.py, parliament counts an `Allow` with a
condition as allowing and ignores a `Deny` with a condition: our side of the comparison is `allow` or
`conditional`. See README "Differential test against parliament" for the known divergences.
"""

import functools
import json
import sys
from importlib.metadata import version
from pathlib import Path

import parliament.statement
from parliament import analyze_policy_string, expand_action, iam_definition

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "crates/marketplace-iam-policy/tests/data"
CORPUS = DATA / "aws-managed-policies.jsonl"
REFERENCE = DATA / "aws-managed-policies.parliament.jsonl"
CATALOGS = ROOT / "crates/marketplace-iam-model/data/catalogs"
PREFIXES = ("aws-marketplace", "license-manager")

# parliament expands every action pattern of every statement against its whole catalog, once per action asked about;
# ReadOnlyAccess alone has thousands of patterns. expand_action is a pure function of its arguments, so caching it
# changes no answer and makes the run take seconds instead of many minutes.
parliament.statement.expand_action = functools.lru_cache(maxsize=None)(expand_action)


def compared_actions():
    """(ours spelled as our catalog spells them, the same in parliament's spelling, ours parliament lacks)."""
    theirs = {}
    for service in iam_definition:
        if service["prefix"] in PREFIXES:
            for p in service["privileges"]:
                theirs[f"{service['prefix']}:{p['privilege']}".lower()] = (service["prefix"], p["privilege"])
    compared, missing = [], []
    for prefix in PREFIXES:
        catalog = json.loads((CATALOGS / f"{prefix}.json").read_text(encoding="utf-8"))
        for action in catalog["Actions"]:
            name = f"{prefix}:{action['Name']}"
            if name.lower() in theirs:
                compared.append((name, theirs[name.lower()]))
            else:
                missing.append(name)
    return compared, missing


def reference_lines():
    with CORPUS.open(encoding="utf-8") as f:
        corpus = json.loads(f.readline())
        rows = [json.loads(line) for line in f]
    compared, missing = compared_actions()
    header = {
        "reference": f"parliament {version('parliament')}",
        "corpus": corpus["commit"],
        "count": len(rows),
        "actions": [name for name, _ in compared],
        "not_compared": missing,
    }
    lines = [header]
    for row in rows:
        policy = analyze_policy_string(row["document"])
        allowed = [name for name, (prefix, privilege) in compared if policy.get_allowed_resources(prefix, privilege)]
        lines.append({"name": row["name"], "allowed": allowed})
    return [json.dumps(line, separators=(",", ":")) + "\n" for line in lines]


def main(mode):
    lines = reference_lines()
    header = json.loads(lines[0])
    allowing = sum(1 for line in lines[1:] if json.loads(line)["allowed"])
    print(
        f"{header['count']} managed policies, {len(header['actions'])} actions compared "
        f"({len(header['not_compared'])} of ours unknown to {header['reference']}); {allowing} policies allow at "
        "least one of them"
    )
    if mode == "--write":
        REFERENCE.write_text("".join(lines), encoding="utf-8")
        print(f"wrote {REFERENCE.relative_to(ROOT)}")
        return 0
    committed = REFERENCE.read_text(encoding="utf-8").splitlines(keepends=True)
    if committed == lines:
        print(f"{REFERENCE.relative_to(ROOT)} is current")
        return 0
    changed = [(a, b) for a, b in zip(committed, lines) if a != b]
    print(f"{REFERENCE.relative_to(ROOT)} differs from parliament's answers:", file=sys.stderr)
    if len(committed) != len(lines):
        print(f"  {len(committed)} lines committed, {len(lines)} computed", file=sys.stderr)
    for old, new in changed[:10]:
        print(f"  committed: {old.rstrip()}\n  computed:  {new.rstrip()}", file=sys.stderr)
    print("rerun with --write if the corpus or the pin changed on purpose", file=sys.stderr)
    return 1


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("--check", "--write"):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
