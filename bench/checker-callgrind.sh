#!/usr/bin/env bash
# Instruction counts of the policy checker's benchmark passes, per document, which do not depend on the machine's
# speed (figures in docs/BENCHMARKS.md, "Policy checker"): `bash bench/checker-callgrind.sh [POLICIES]`.
# Runs `xtask bench-checker --once` (each pass once over the same generated corpus as bench/checker.sh) under
# valgrind's callgrind, with collection switched on only inside one pass function at a time, and prints the
# instructions per document of each: serde_json::from_str::<Value>, PolicyFile::parse, parse + evaluate of the five
# metering and entitlement actions, parse + evaluate of the three SaaS actions (check's decisions), parse + a Checker's
# report without over-grant statements or warnings, parse + check(saas). Needs valgrind (`apt-get install valgrind`).
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"
policies="${1:-10000}"
out="$target_dir/bench-checker-callgrind"
command -v valgrind > /dev/null || { echo "needs valgrind: apt-get install valgrind" >&2; exit 1; }

cargo build --release --locked -p xtask
mkdir -p "$out"
value=""
for pass in pass_value pass_parse pass_parse_evaluate pass_parse_decide pass_parse_over_grants pass_parse_check; do
    valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$pass" --collect-atstart=no \
        --toggle-collect="xtask::bench_checker::$pass" \
        "$target_dir/release/xtask" bench-checker --once --policies "$policies" --gaad-mb 0 --seed 1 --out "$out" \
        > /dev/null 2> "$out/valgrind.$pass.txt"
    total=$(callgrind_annotate "$out/callgrind.$pass" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
    per=$((total / policies))
    if [ -z "$value" ]; then
        value=$per
        echo "$pass: $per instructions per document"
    else
        python3 -c "import sys; v, p = int(sys.argv[1]), int(sys.argv[2]); print(f'{sys.argv[3]}: {p} instructions per document ({v / p:.2f}x Value)')" \
            "$value" "$per" "$pass"
    fi
done
