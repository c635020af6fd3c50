#!/usr/bin/env bash
# `check --gaad` at account scale; figures in docs/BENCHMARKS.md ("The checker at account scale"):
#   bash bench/account.sh [ROUNDS]            (default 3)
# 1. Two synthetic authorization-details exports from the generator of `xtask bench-checker` (seed 1): 50 MB and
#    200 MB, in the form the IAM API returns (customer managed policies URL-encoded).
# 2. For each, ROUNDS rounds, in turn: python3's `json.load` of the file (the baseline), then
#    `marketplace-iam check --product saas --gaad FILE --format json`, `text` and `jsonl` (output to /dev/null),
#    each under GNU time: wall, CPU (user + sys) and peak memory (RSS). Prints the medians, and the per-round
#    ratio of the JSON report's wall time to json.load's.
# 3. cloudsplaining (PyPI, pinned below, in a venv in the target directory) and marketplace-iam on the same file: a
#    2 MB export rewritten in the form the AWS CLI prints (bench/gaad_cli_form.py; cloudsplaining reads only
#    that form), once each. cloudsplaining took 4 minutes and 1.7 GB on it here, so it is not run on the large ones.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"
rounds="${1:-3}"
out="$target_dir/bench-account"
time_bin=/usr/bin/time
[ -x "$time_bin" ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
mkdir -p "$out"

cargo build --release --locked -p marketplace-iam-cli -p xtask
cli="$target_dir/release/marketplace-iam"

# One measurement: label, then the command; appends "label wall cpu maxrss_kb" to $out/times.txt.
measure() {
    local label="$1"; shift
    "$time_bin" -f "%e %U %S %M" -o "$out/one.txt" "$@" > /dev/null 2> "$out/stderr.txt" || {
        local status=$?
        # check exits 1 when no principal may make every call: not a failure of the run.
        [ "$status" -eq 1 ] || { cat "$out/stderr.txt" >&2; exit "$status"; }
    }
    read -r wall user sys rss < <(tail -n 1 "$out/one.txt")
    echo "$label $wall $(python3 -c "print(round($user + $sys, 2))") $rss" >> "$out/times.txt"
}

for mb in 50 200; do
    dir="$out/$mb"
    mkdir -p "$dir"
    if [ ! -s "$dir/authorization-details.json" ]; then
        "$target_dir/release/xtask" bench-checker --policies 100 --gaad-mb "$mb" --seed 1 --out "$dir" > /dev/null
    fi
    file="$dir/authorization-details.json"
    : > "$out/times.txt"
    for _ in $(seq "$rounds"); do
        measure json.load python3 -c "import json, sys; json.load(open(sys.argv[1], encoding='utf-8'))" "$file"
        for format in json text jsonl; do
            measure "$format" "$cli" check --product saas --gaad "$file" --format "$format"
        done
    done
    echo "=== $mb MB export: $(stat -c %s "$file") bytes, $rounds rounds (medians)"
    python3 - "$out/times.txt" "$(stat -c %s "$file")" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
size_kb = int(sys.argv[2]) / 1024
by = {}
for label, wall, cpu, rss in rows:
    by.setdefault(label, []).append((float(wall), float(cpu), int(rss)))
base = by["json.load"]
for label, runs in by.items():
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    rss = statistics.median(r[2] for r in runs)
    ratios = [r[0] / b[0] for r, b in zip(runs, base)]
    print(f"{label:10} wall {wall:6.2f} s  cpu {cpu:6.2f} s  peak {rss / 1024:7.1f} MiB ({rss / size_kb:.2f}x the file)"
          f"  wall / json.load: {statistics.median(ratios):.2f} (rounds: {', '.join(f'{x:.2f}' for x in ratios)})")
PY
done

echo "=== cloudsplaining and marketplace-iam on the same 2 MB export (AWS CLI form)"
small="$out/2"
mkdir -p "$small/cloudsplaining"
if [ ! -s "$small/cli-form.json" ]; then
    "$target_dir/release/xtask" bench-checker --policies 100 --gaad-mb 2 --seed 1 --out "$small" > /dev/null
    python3 bench/gaad_cli_form.py "$small/authorization-details.json" "$small/cli-form.json"
fi
python3 -m venv "$target_dir/cloudsplaining-venv"
"$target_dir/cloudsplaining-venv/bin/pip" install --quiet --disable-pip-version-check cloudsplaining==0.9.1
: > "$out/times.txt"
measure marketplace-iam "$cli" check --product saas --gaad "$small/cli-form.json" --format json
measure cloudsplaining "$target_dir/cloudsplaining-venv/bin/cloudsplaining" scan -s \
    -i "$small/cli-form.json" -o "$small/cloudsplaining"
echo "file: $(stat -c %s "$small/cli-form.json") bytes"
python3 - "$out/times.txt" <<'PY'
import sys
rows = {l.split()[0]: l.split()[1:] for l in open(sys.argv[1])}
for label, (wall, cpu, rss) in rows.items():
    print(f"{label:16} wall {float(wall):8.2f} s  cpu {float(cpu):8.2f} s  peak {int(rss) / 1024:8.1f} MiB")
print(f"cloudsplaining / marketplace-iam, wall: {float(rows['cloudsplaining'][0]) / max(float(rows['marketplace-iam'][0]), 0.01):.0f}x")
PY
