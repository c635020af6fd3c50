#!/usr/bin/env bash
# Build cost of the compile-time API, measured against a baseline in the same run.
#
#   bash bench/build-cost.sh [ROUNDS]      (default 3 rounds; each round builds both services cold, alternating)
#
# Two minimal seller services, outside the workspace, identical but for one dependency:
#   baseline: serde (derive) + serde_json
#   with-api: serde (derive) + serde_json + marketplace-iam (by path), using Grants, a constant and a policy document
# Each is built cold (fresh target dir, debug profile, offline, the workspace's Cargo.lock) and timed. Then, on the
# warm with-api build, policies.toml is touched and the rebuild is listed: which crates recompile, and how long.
# Prints the medians and the ratio with-api / baseline. Machines here are noisy: only the ratio within one run counts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

make_service() { # name, extra dependency line, extra main code
  local dir="$work/$1"
  mkdir -p "$dir/src"
  cat > "$dir/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
serde = { version = "1", features = ["derive"] }
serde_json = "1"
$2

[workspace]
TOML
  cp "$root/Cargo.lock" "$dir/Cargo.lock"
  cat > "$dir/src/main.rs" <<RS
#[derive(serde::Serialize, serde::Deserialize)]
struct UsageRecord {
    customer: String,
    dimension: String,
    quantity: u32,
}

$3

fn main() {
    let record = UsageRecord { customer: "c-1".into(), dimension: "requests".into(), quantity: 7 };
    println!("{}", serde_json::to_string(&record).unwrap());
    extra();
}
RS
}

make_service baseline "" "fn extra() {}"
make_service with-api "marketplace-iam = { path = \"$root/crates/marketplace-iam\" }" '
use marketplace_iam::{BatchMeterUsage, Grants, Policy, SaasSubscriptions};

fn meter<P: Grants<BatchMeterUsage>>() -> &'"'"'static str {
    P::POLICY_JSON.unwrap_or_default()
}

fn extra() {
    println!("{} {}", marketplace_iam::BATCH_METER_USAGE, meter::<SaasSubscriptions>().len());
}'

now() { date +%s.%N; }
cold_build() { # dir -> seconds
  local dir="$work/$1" start end
  rm -rf "$dir/target"
  start=$(now)
  (cd "$dir" && cargo build --offline --quiet)
  end=$(now)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Fetch everything first so no round pays for downloads.
(cd "$work/with-api" && cargo fetch --quiet) && (cd "$work/baseline" && cargo fetch --quiet)

base_times=(); api_times=()
for i in $(seq "$rounds"); do
  b=$(cold_build baseline); a=$(cold_build with-api)
  base_times+=("$b"); api_times+=("$a")
  printf 'round %d: baseline %.2f s, with-api %.2f s\n' "$i" "$b" "$a"
done
mb=$(printf '%s\n' "${base_times[@]}" | median)
ma=$(printf '%s\n' "${api_times[@]}" | median)
printf 'median cold build: baseline %.2f s, with-api %.2f s, ratio %.3f\n' "$mb" "$ma" "$(awk -v a="$ma" -v b="$mb" 'BEGIN { print a / b }')"

echo
echo "crates the with-api service compiles that the baseline does not:"
comm -13 <(cd "$work/baseline" && cargo tree --offline -e normal,build --prefix none | sed 's/ (.*//' | sort -u) \
         <(cd "$work/with-api" && cargo tree --offline -e normal,build --prefix none | sed 's/ (.*//' | sort -u) | sed 's/^/  /'

echo
echo "rebuild after touching policies.toml (warm with-api build):"
touch "$root/policies.toml"
start=$(now)
(cd "$work/with-api" && cargo build --offline 2>&1 | grep -E '^\s+Compiling' | sed 's/^ */  /')
end=$(now)
printf '  took %.2f s\n' "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
