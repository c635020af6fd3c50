"""Differential test: which aws-marketplace actions does each generated policy allow, per our checker
(`cargo xtask policy-corpus`) and per parliament's `Policy.get_allowed_actions`?

Usage: python diff.py CORPUS.jsonl

Compared: the actions of the `aws-marketplace` prefix that both catalogs know (parliament ships its own, older
copy of the Service Authorization Reference). "Allowed" on our side is `allow` or `conditional`: parliament counts
an Allow with a condition as allowing and ignores a Deny with a condition, which is what "may be allowed" means.

Not compared (known divergences, see README "Differential test against parliament"):
- NotAction: parliament's get_allowed_actions reads only `Action`, so the corpus has no NotAction statements.
"""

import json
import sys

from parliament import analyze_policy_string, iam_definition


def parliament_catalog():
    names = set()
    for service in iam_definition:
        if service["prefix"] == "aws-marketplace":
            for p in service["privileges"]:
                names.add("aws-marketplace:" + p["privilege"].lower())
    return names


def main(path):
    with open(path, encoding="utf-8") as f:
        header = json.loads(f.readline())
        cases = [json.loads(line) for line in f]
    ours_catalog = set(header["catalog"])
    theirs_catalog = parliament_catalog()
    common = ours_catalog & theirs_catalog
    print(
        f"{len(cases)} policies; aws-marketplace actions: ours {len(ours_catalog)}, parliament "
        f"{len(theirs_catalog)}, compared {len(common)}"
    )
    if len(common) < 40:
        print("too few actions in common: the catalogs no longer match", file=sys.stderr)
        return 1

    passed = failed = 0
    nonempty = 0
    for i, case in enumerate(cases):
        ours = set(case["allowed"]) & common
        policy = analyze_policy_string(case["policy"])
        theirs = {a.lower() for a in policy.get_allowed_actions(raise_exceptions=False)} & common
        if ours:
            nonempty += 1
        if ours == theirs:
            passed += 1
            continue
        failed += 1
        if failed <= 10:
            print(f"\n--- policy {i} differs")
            print(case["policy"])
            print("  only ours:      ", sorted(ours - theirs))
            print("  only parliament:", sorted(theirs - ours))
    if nonempty < len(cases) // 4:
        print(f"only {nonempty} policies allow any compared action: the corpus proves little", file=sys.stderr)
        return 1
    print(f"\n{nonempty} of the policies allow at least one compared action")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
