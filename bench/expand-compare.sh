#!/usr/bin/env bash
# The expansion benchmark of this working tree and of an earlier revision, taking turns in one run:
#   bash bench/expand-compare.sh <git rev> [ROUNDS] [SIZES...]
# Builds `cargo xtask bench-expand` of the revision in a temporary worktree (its own target dir, reusing the
# registry), then runs the two binaries alternately, ROUNDS times each (default 5), on SIZES (default 1000 10000).
# Each run prints its own table (each figure a median of 5); docs/BENCHMARKS.md quotes the medians of the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: bash bench/expand-compare.sh <git rev> [ROUNDS] [SIZES...]}
rounds=${2:-5}
shift $(( $# >= 2 ? 2 : 1 ))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
work="$target_dir/expand-compare"
mkdir -p "$work"
if [ ! -d "$work/$rev" ]; then
  git worktree add --detach "$work/$rev" "$rev" >/dev/null
fi
CARGO_TARGET_DIR="$work/target-$rev" cargo build --quiet --manifest-path "$work/$rev/Cargo.toml" -p xtask
cargo build --quiet -p xtask
old="$work/target-$rev/debug/xtask"
new="$target_dir/debug/xtask"
for i in $(seq 1 "$rounds"); do
  echo "--- round $i: this tree"
  "$new" bench-expand "${sizes[@]}"
  echo "--- round $i: $rev"
  "$old" bench-expand "${sizes[@]}"
done
