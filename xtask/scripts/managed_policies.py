#!/usr/bin/env python3
"""Writes crates/marketplace-iam-policy/tests/data/aws-managed-policies.jsonl, the corpus of AWS's managed IAM
policies that tests/managed_policies.rs reads, from a clone of MAMIP (https://github.com/z0ph/MAMIP, "Monitor AWS
Managed IAM Policies").

MAMIP commits, for every AWS managed policy, the response of `aws iam get-policy-version` for its default version
(`policies/<PolicyName>`: {"PolicyVersion": {"Document", "VersionId", "IsDefaultVersion", "CreateDate"}}), the
`aws iam list-policies --scope AWS` response (`policies-list.json`: name, ARN, default version) and the names AWS has
deprecated (`DEPRECATED.json`; their last document stays in `policies/`). Refresh:

    git clone https://github.com/z0ph/MAMIP /tmp/mamip      # a bare clone or mirror works too
    python3 xtask/scripts/managed_policies.py /tmp/mamip \
        > crates/marketplace-iam-policy/tests/data/aws-managed-policies.jsonl
    target/ci-venv/bin/python tests/parliament/managed_reference.py --write   # the reference's decisions

Output, one JSON object per line (compact, keys in this order, so the same commit gives the same bytes):
- line 1, the header: {"source", "commit", "date" (the commit's date, UTC), "count", "deprecated" (how many of
  them AWS has deprecated), "empty" (the names whose file MAMIP left empty, not in the corpus), "format"};
- then one line per file of `policies/`, sorted by name: {"name", "arn", "version_id", "version_date",
  "deprecated", "document"}. `document` is the policy document as compact JSON text, keys in the order MAMIP stored
  them. `arn` comes from the newest `policies-list.json` in the history that lists the policy (null if none does: a
  policy created after MAMIP last committed that list); `version_id` and `version_date` are the document's own.
"""

import json
import os
import subprocess
import sys

SOURCE = "https://github.com/z0ph/MAMIP"


def git(repo, *args):
    env = {**os.environ, "TZ": "UTC"}
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, check=True, env=env).stdout


def arns(repo, names):
    """The ARN of each name, from the newest version of policies-list.json that lists it."""
    found = {}
    commits = git(repo, "log", "--format=%H", "HEAD", "--", "policies-list.json").split()
    # Every version of the list through one `git cat-file --batch`, newest first.
    batch = "".join(f"{c}:policies-list.json\n" for c in commits)
    out = subprocess.run(
        ["git", "-C", repo, "cat-file", "--batch"], input=batch.encode(), capture_output=True, check=True
    ).stdout
    pos = 0
    while pos < len(out) and names - found.keys():
        eol = out.index(b"\n", pos)
        header = out[pos:eol].split()
        if header[-1] == b"missing":
            pos = eol + 1
            continue
        size = int(header[2])
        blob, pos = out[eol + 1 : eol + 1 + size], eol + 2 + size
        try:
            listed = json.loads(blob)["Policies"]
        except (ValueError, KeyError, TypeError):
            continue
        for p in listed:
            if p["PolicyName"] in names and p["PolicyName"] not in found:
                found[p["PolicyName"]] = p["Arn"]
    return found


def main(repo):
    commit = git(repo, "rev-parse", "HEAD").strip()
    date = git(repo, "show", "-s", "--format=%cd", "--date=format-local:%Y-%m-%dT%H:%M:%SZ", "HEAD").strip()
    names = sorted(
        path.removeprefix("policies/") for path in git(repo, "ls-tree", "--name-only", "HEAD", "policies/").split()
    )
    deprecated = set(json.loads(git(repo, "show", "HEAD:DEPRECATED.json")))
    arn = arns(repo, set(names))
    rows = []
    empty = []
    for name in names:
        text = git(repo, "show", f"HEAD:policies/{name}")
        if not text.strip():
            # MAMIP empties the file of some deprecated policies.
            empty.append(name)
            continue
        version = json.loads(text)["PolicyVersion"]
        if not version.get("IsDefaultVersion", True):
            sys.exit(f"policies/{name}: not the default version")
        rows.append(
            {
                "name": name,
                "arn": arn.get(name),
                "version_id": version.get("VersionId"),
                "version_date": version.get("CreateDate"),
                "deprecated": name in deprecated,
                "document": json.dumps(version["Document"], separators=(",", ":"), ensure_ascii=False),
            }
        )
    header = {
        "source": SOURCE,
        "commit": commit,
        "date": date,
        "count": len(rows),
        "deprecated": sum(r["deprecated"] for r in rows),
        "empty": empty,
        "format": "one policy per line: name, arn (null if unknown), version_id, version_date, deprecated, "
        "document (the default version's policy document, compact JSON text)",
    }
    out = sys.stdout
    for obj in [header, *rows]:
        out.write(json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n")
    print(f"{len(rows)} policies from {SOURCE} at {commit} ({date})", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
