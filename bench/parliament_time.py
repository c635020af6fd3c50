"""Times parliament on the benchmark's policies: analyze_policy_string + get_allowed_actions per policy, the
work that answers "which actions does this policy allow". Usage: python parliament_time.py POLICIES.jsonl"""

import json
import sys
import time

from parliament import analyze_policy_string

with open(sys.argv[1], encoding="utf-8") as f:
    f.readline()  # the catalog header
    texts = [json.loads(line)["policy"] for line in f]

start = time.perf_counter()
allowed = 0
for text in texts:
    policy = analyze_policy_string(text)
    allowed += len(policy.get_allowed_actions(raise_exceptions=False))
elapsed = time.perf_counter() - start
size = sum(len(t.encode()) for t in texts)
print(
    f"parliament 1.6.4: {len(texts)} policies ({size} bytes) in {elapsed:.2f} s: "
    f"{len(texts) / elapsed:.0f} policies/s, {size / elapsed / 1e6:.3f} MB/s ({allowed} allowed actions in all)"
)
