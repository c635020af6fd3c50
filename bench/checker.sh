#!/usr/bin/env bash
# The policy checker's benchmark, figures in docs/BENCHMARKS.md ("Policy checker"): `bash bench/checker.sh [DIR]`.
# 1. parse + evaluate throughput next to serde_json::from_str::<Value> on the same 10,000 generated policies (a ninth
#    of them shaped so that only the checker's strict reader reads them), with the share each reader took;
# 2. parliament (PyPI, in a venv in the target directory) on the same 10,000 policies;
# 3. `marketplace-iam check --gaad` on a 50 MB synthetic authorization-details export, with /usr/bin/time -v.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"
out="${1:-$target_dir/bench-checker}"

cargo build --release --locked -p marketplace-iam-cli -p xtask
echo "=== 1. checker vs serde_json (same process, same documents)"
"$target_dir/release/xtask" bench-checker --policies 10000 --gaad-mb 50 --seed 1 --out "$out"

echo "=== 2. parliament on the same policies"
python3 -m venv "$target_dir/parliament-venv"
"$target_dir/parliament-venv/bin/pip" install --quiet --disable-pip-version-check -r tests/parliament/requirements.txt
"$target_dir/parliament-venv/bin/python" bench/parliament_time.py "$out/policies.jsonl"

echo "=== 3. check --gaad on $(du -h "$out/authorization-details.json" | cut -f1) end to end"
time_bin=/usr/bin/time
[ -x "$time_bin" ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
status=0
"$time_bin" -v "$target_dir/release/marketplace-iam" check --product saas \
    --gaad "$out/authorization-details.json" --format json > "$out/gaad-report.json" 2> "$out/time.txt" || status=$?
[ "$status" -le 1 ] || { cat "$out/time.txt" >&2; exit "$status"; }
grep -E "Elapsed|Maximum resident|User time|System time" "$out/time.txt"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(d['principals']), 'users and roles;', sum(p['verdict']=='allowed' for p in d['principals']), 'allowed every saas call; exit', sys.argv[2])" "$out/gaad-report.json" "$status"
