#!/usr/bin/env bash
# `check --cloudformation` on a template of 500 roles, beside cfn-lint on the same template in the same run; figures in
# docs/BENCHMARKS.md ("Checking a template"):
#   bash bench/cloudformation.sh [ROUNDS]       (default 5)
# The template comes from bench/cloudformation_roles.py (500 roles with their trust, an inline policy, a separate
# AWS::IAM::Policy, some managed policy ARNs and conditions; YAML short tags). Each round runs, in turn,
# `marketplace-iam check --product saas --cloudformation` (release build) and cfn-lint (the version .ci/run pins, in a
# venv in the target directory), each under GNU time; prints the medians and the per-round ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"
rounds="${1:-5}"
out="$target_dir/bench-cloudformation"
time_bin=/usr/bin/time
[ -x "$time_bin" ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
mkdir -p "$out"
cargo build --release --locked -p marketplace-iam-cli
python3 bench/cloudformation_roles.py 500 "$out/roles.yaml"
python3 -m venv "$target_dir/cfn-lint-venv"
"$target_dir/cfn-lint-venv/bin/pip" install --quiet --disable-pip-version-check cfn-lint==1.58.0
: > "$out/times.txt"
for _ in $(seq "$rounds"); do
    status=0
    "$time_bin" -f "check %e %U %M" -a -o "$out/times.txt" "$target_dir/release/marketplace-iam" check --product saas \
        --cloudformation "$out/roles.yaml" --format json > "$out/check.json" || status=$?
    [ "$status" -le 1 ] || { echo "check failed with exit $status" >&2; exit "$status"; }
    "$time_bin" -f "cfn-lint %e %U %M" -a -o "$out/times.txt" "$target_dir/cfn-lint-venv/bin/cfn-lint" \
        "$out/roles.yaml" > "$out/cfn-lint.txt" || true
done
python3 - "$out/times.txt" "$out/check.json" <<'PY'
import json, statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip() and not l.startswith("Command")]
by = {}
for name, wall, user, rss in rows:
    by.setdefault(name, []).append((float(wall), float(user), int(rss)))
report = json.load(open(sys.argv[2]))
roles = report.get("roles", [])
print(f"template: {len(roles)} roles checked, {sum(r.get('verdict') == 'allowed' for r in roles)} allowed")
for name, runs in by.items():
    print(f"{name:9} wall {statistics.median(r[0] for r in runs):6.2f} s  user {statistics.median(r[1] for r in runs):6.2f} s"
          f"  peak {statistics.median(r[2] for r in runs) / 1024:6.1f} MB")
ratios = [c[0] / l[0] for c, l in zip(by["check"], by["cfn-lint"])]
print(f"check / cfn-lint, wall, per round: {', '.join(f'{r:.3f}' for r in ratios)} (median {statistics.median(ratios):.3f})")
PY
