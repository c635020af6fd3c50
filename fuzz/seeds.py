#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets, from the project's own inputs, into fuzz/corpus/<target>/.

Run from anywhere: python3 fuzz/seeds.py. Seeds: policies.toml files (the repo's, the runtime crate's, the test
fixtures and the bad-input corpus), the published policy documents and trust policies, every policy of the checker's
decision corpus (tests/cases.json) and the bad-input policy documents; for `evaluate`, each decision case encoded as
the target reads it (see fuzz/src/lib.rs).
"""
import glob
import hashlib
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    out = os.path.join(ROOT, "fuzz", "corpus", target)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "seed-" + hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def files(*patterns):
    for pattern in patterns:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
            with open(path, "rb") as f:
                yield f.read()


for data in files("policies.toml", "crates/marketplace-iam/policies.toml", "tests/ui/fixtures/*.toml",
                  "crates/marketplace-iam-model/tests/bad-inputs/*.toml"):
    write("policies_toml", data)

for data in files("docs/policies/*.json", "docs/trust-policies/*.json",
                  "crates/marketplace-iam-policy/tests/bad-inputs/*.json"):
    write("policy_document", data)

with open(os.path.join(ROOT, "crates/marketplace-iam-policy/tests/cases.json")) as f:
    cases = json.load(f)
for case in cases:
    policies = ([case["boundary"]] if "boundary" in case else []) + case.get("scps", []) + case["identity"]
    for p in policies:
        write("policy_document", json.dumps(p, indent=2))
    flags = (1 if "boundary" in case else 0) | (len(case.get("scps", [])) << 1)
    parts = [json.dumps(p) for p in policies] or [""]
    if "context" in case:
        flags |= 8
        lines = []
        for key, value in case["context"].items():
            for v in value if isinstance(value, list) else [value]:
                lines.append(f"{key}={v}")
        parts.append("\n".join(lines))
    write("evaluate", bytes([flags]) + b"\0".join(p.encode() for p in parts))

for target in ("policies_toml", "policy_document", "evaluate"):
    print(target, len(os.listdir(os.path.join(ROOT, "fuzz", "corpus", target))), "seeds")
