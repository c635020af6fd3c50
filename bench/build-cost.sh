#!/usr/bin/env bash
# Build cost of the compile-time API, measured against a baseline in the same run.
#
#   bash bench/build-cost.sh [ROUNDS]      (default 3 rounds; each round builds both services cold, alternating)
#   REFERENCE=<git rev> bash bench/build-cost.sh [ROUNDS]
#                                          (also builds, in each round, the with-api service against that revision:
#                                           a before/after comparison within one run)
#
# Two minimal seller services, outside the workspace, identical but for one dependency:
#   baseline: serde (derive) + serde_json
#   with-api: serde (derive) + serde_json + marketplace-iam, using Grants, a constant and a policy document
# with-api takes marketplace-iam the way a seller's service does: not as a path dependency (Cargo builds path
# dependencies incrementally, which a crate from crates.io never is, and which made the engine's cold build twice as
# expensive), but from a git snapshot of this working tree, which Cargo builds like a crates.io dependency.
# A third service, floor, shows what any design of this API costs at least: its only addition is a proc macro that
# parses policies.toml with toml-spanner (the engine's TOML parser) and emits one constant, through a runtime crate of
# one line, taken from a git repository like with-api. A fourth, with-macros, is a seller with their own policies.toml:
# with-api's code, plus the `macros` feature and `policies!` on a copy of the project's file.
# Each is built cold (fresh target dir, debug profile, offline, the workspace's Cargo.lock) and timed; with-macros is
# built last in every round. Then one more service with marketplace-iam by path is built warm, policies.toml is touched, and the rebuild is listed: which
# crates recompile, and how long.
# Prints the medians and the ratio with-api / baseline. Machines here are noisy: only the ratio within one run counts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
work="$(mktemp -d)"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
# Cargo keeps its own clone of the snapshot under $CARGO_HOME/git; it is useless once the run ends.
trap 'rm -rf "$work" "$cargo_home"/git/db/marketplace-iam-snapshot-* "$cargo_home"/git/checkouts/marketplace-iam-snapshot-* \
  "$cargo_home"/git/db/floor-snapshot-* "$cargo_home"/git/checkouts/floor-snapshot-*' EXIT

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
  cp "${4:-$root/Cargo.lock}" "$dir/Cargo.lock"
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

# Makes a directory a git repository with one commit, which Cargo takes as a `git` dependency.
git_repo() { # dir, commit message
  git -C "$1" init -q
  git -C "$1" add -A
  git -C "$1" -c user.name=bench -c user.email=bench@localhost commit -qm "$2"
}

# The working tree (tracked and new files, as they are now) as a git repository.
snapshot="$work/marketplace-iam-snapshot"
mkdir -p "$snapshot"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf -) | tar -C "$snapshot" -xf -
git_repo "$snapshot" snapshot

api_main='
use marketplace_iam::{BatchMeterUsage, Grants, SaasSubscriptions};

fn meter<P: Grants<BatchMeterUsage>>() -> &'"'"'static str {
    P::POLICY_JSON.unwrap_or_default()
}

fn extra() {
    println!("{} {}", marketplace_iam::BATCH_METER_USAGE, meter::<SaasSubscriptions>().len());
}'
make_service baseline "" "fn extra() {}"

# The floor: a proc macro that only parses policies.toml with spans, and a runtime crate that invokes it.
floor="$work/floor-snapshot"
mkdir -p "$floor/floor-macro/src" "$floor/floor-runtime/src"
cat > "$floor/floor-macro/Cargo.toml" <<TOML
[package]
name = "floor-macro"
version = "0.0.0"
edition = "2024"

[lib]
proc-macro = true

[dependencies]
toml-spanner = { version = "1.0.3", default-features = false }
TOML
cat > "$floor/floor-macro/src/lib.rs" <<RS
//! Parses policies.toml with spans and counts its top-level keys: the least a compile-time reader can do.
#[proc_macro]
pub fn policies(_input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let path = "$root/policies.toml";
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let arena = toml_spanner::Arena::new();
    let keys = match toml_spanner::parse(&text, &arena) {
        Ok(document) => document.table().len(),
        Err(e) => panic!("{e}"),
    };
    format!("pub const KEYS: usize = {keys}; const _: &[u8] = include_bytes!({path:?});").parse().unwrap()
}
RS
cat > "$floor/floor-runtime/Cargo.toml" <<TOML
[package]
name = "floor-runtime"
version = "0.0.0"
edition = "2024"

[dependencies]
floor-macro = { path = "../floor-macro" }
TOML
echo 'floor_macro::policies!();' > "$floor/floor-runtime/src/lib.rs"
printf '[workspace]\nmembers = ["floor-macro", "floor-runtime"]\nresolver = "3"\n' > "$floor/Cargo.toml"
git_repo "$floor" floor
make_service floor "floor-runtime = { git = \"file://$floor\" }" 'fn extra() { println!("{}", floor_runtime::KEYS); }'
make_service with-api "marketplace-iam = { git = \"file://$snapshot\" }" "$api_main"
# A seller with their own policies.toml: the `macros` feature, and `policies!` on a copy of the project's file.
make_service with-macros "marketplace-iam = { git = \"file://$snapshot\", features = [\"macros\"] }" \
  "mod own { marketplace_iam::policies!(path = \"policies.toml\"); }
$api_main"
cp "$root/policies.toml" "$work/with-macros/policies.toml"
if [ -n "${REFERENCE:-}" ]; then
  # The same service against an earlier revision, with that revision's Cargo.lock.
  reference="$work/marketplace-iam-snapshot-reference"
  mkdir -p "$reference"
  git -C "$root" archive "$REFERENCE" | tar -C "$reference" -xf -
  git_repo "$reference" reference
  make_service reference "marketplace-iam = { git = \"file://$reference\" }" "$api_main" "$reference/Cargo.lock"
fi
make_service with-api-path "marketplace-iam = { path = \"$root/crates/marketplace-iam\" }" "$api_main"

now() { date +%s.%N; }
cold_build() { # dir -> "wall cpu" seconds (cpu = user + sys of cargo and everything it ran)
  local dir="$work/$1" t
  rm -rf "$dir/target"
  t=$( { TIMEFORMAT='%R %U %S'; time (cd "$dir" && cargo build --offline --quiet) ; } 2>&1 | tail -n 1)
  awk '{ print $1, $2 + $3 }' <<<"$t"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Fetch everything first so no round pays for downloads.
(cd "$work/with-api" && cargo fetch --quiet) && (cd "$work/baseline" && cargo fetch --quiet) &&
  (cd "$work/floor" && cargo fetch --quiet) && (cd "$work/with-macros" && cargo fetch --quiet)
[ -n "${REFERENCE:-}" ] && (cd "$work/reference" && cargo fetch --quiet)

base_wall=(); api_wall=(); base_cpu=(); api_cpu=(); floor_wall=(); floor_cpu=(); ref_wall=(); ref_cpu=()
mac_wall=(); mac_cpu=()
for i in $(seq "$rounds"); do
  read -r bw bc <<<"$(cold_build baseline)"
  read -r fw fc <<<"$(cold_build floor)"
  # With a reference, it and with-api take turns at going first, so neither gains from its place in the round.
  if [ -n "${REFERENCE:-}" ] && [ $((i % 2)) = 0 ]; then
    read -r rw rc <<<"$(cold_build reference)"
  fi
  read -r aw ac <<<"$(cold_build with-api)"
  if [ -n "${REFERENCE:-}" ] && [ $((i % 2)) = 1 ]; then
    read -r rw rc <<<"$(cold_build reference)"
  fi
  read -r mw mc <<<"$(cold_build with-macros)"
  base_wall+=("$bw"); api_wall+=("$aw"); base_cpu+=("$bc"); api_cpu+=("$ac"); floor_wall+=("$fw"); floor_cpu+=("$fc")
  mac_wall+=("$mw"); mac_cpu+=("$mc")
  printf 'round %d: baseline %.2f s wall %.2f s cpu, floor %.2f s wall %.2f s cpu, with-api %.2f s wall %.2f s cpu' \
    "$i" "$bw" "$bc" "$fw" "$fc" "$aw" "$ac"
  printf ', with-macros %.2f s wall %.2f s cpu' "$mw" "$mc"
  if [ -n "${REFERENCE:-}" ]; then
    ref_wall+=("$rw"); ref_cpu+=("$rc")
    printf ', reference %.2f s wall %.2f s cpu' "$rw" "$rc"
  fi
  echo
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
mbw=$(printf '%s\n' "${base_wall[@]}" | median); maw=$(printf '%s\n' "${api_wall[@]}" | median)
mbc=$(printf '%s\n' "${base_cpu[@]}" | median); mac=$(printf '%s\n' "${api_cpu[@]}" | median)
printf 'median cold build, wall: baseline %.2f s, with-api %.2f s, ratio %s\n' "$mbw" "$maw" "$(ratio "$maw" "$mbw")"
printf 'median cold build, cpu:  baseline %.2f s, with-api %.2f s, ratio %s\n' "$mbc" "$mac" "$(ratio "$mac" "$mbc")"
mfw=$(printf '%s\n' "${floor_wall[@]}" | median); mfc=$(printf '%s\n' "${floor_cpu[@]}" | median)
printf 'median cold build, floor: wall %.2f s, ratio %s; cpu %.2f s, ratio %s\n' \
  "$mfw" "$(ratio "$mfw" "$mbw")" "$mfc" "$(ratio "$mfc" "$mbc")"
mmw=$(printf '%s\n' "${mac_wall[@]}" | median); mmc=$(printf '%s\n' "${mac_cpu[@]}" | median)
printf 'median cold build, with-macros: wall %.2f s, ratio %s; cpu %.2f s, ratio %s\n' \
  "$mmw" "$(ratio "$mmw" "$mbw")" "$mmc" "$(ratio "$mmc" "$mbc")"
if [ -n "${REFERENCE:-}" ]; then
  mrw=$(printf '%s\n' "${ref_wall[@]}" | median); mrc=$(printf '%s\n' "${ref_cpu[@]}" | median)
  printf 'median cold build, with-api at %s: wall %.2f s, ratio %s; cpu %.2f s, ratio %s\n' \
    "$REFERENCE" "$mrw" "$(ratio "$mrw" "$mbw")" "$mrc" "$(ratio "$mrc" "$mbc")"
fi

echo
echo "crates the with-api service compiles that the baseline does not:"
comm -13 <(cd "$work/baseline" && cargo tree --offline -e normal,build --prefix none | sed 's/ (.*//' | sort -u) \
         <(cd "$work/with-api" && cargo tree --offline -e normal,build --prefix none | sed 's/ (.*//' | sort -u) | sed 's/^/  /'

echo
echo "CPU seconds per compiled crate, one more cold build of with-api (rustc only, through a RUSTC_WRAPPER):"
cat > "$work/time-rustc.sh" <<'SH'
#!/usr/bin/env bash
# Runs rustc and appends "<crate> <user+sys seconds>" to $CRATE_CPU_LOG.
name=; prev=
for a in "$@"; do [ "$prev" = --crate-name ] && name=$a; prev=$a; done
start=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
"$@"; status=$?
[ -n "$name" ] && awk -v n="$name" -v s="$start" -v hz="$(getconf CLK_TCK)" \
  '{ printf "%s %.2f\n", n, ($14 + $15 + $16 + $17 - s) / hz }' /proc/$$/stat >> "$CRATE_CPU_LOG"
exit $status
SH
chmod +x "$work/time-rustc.sh"
crate_cpu() { # service -> its crates' CPU seconds, "name seconds" per line (build scripts added up per name)
  rm -rf "$work/$1/target" "$work/crate-cpu-$1.log"
  (cd "$work/$1" && CRATE_CPU_LOG="$work/crate-cpu-$1.log" RUSTC_WRAPPER="$work/time-rustc.sh" cargo build --offline --quiet)
  awk '{ cpu[$1] += $2 } END { for (c in cpu) printf "%s %.2f\n", c, cpu[c] }' "$work/crate-cpu-$1.log"
}
if [ -n "${REFERENCE:-}" ]; then
  # Both services, one after the other, in one table; crates only one of them builds show "-" for the other.
  crate_cpu with-api | sort > "$work/cpu-api.txt"
  crate_cpu reference | sort > "$work/cpu-ref.txt"
  printf '  %-24s %8s %10s\n' crate with-api "$REFERENCE"
  join -a1 -a2 -e - -o 0,1.2,2.2 "$work/cpu-api.txt" "$work/cpu-ref.txt" | sort -k2 -rn |
    awk '{ printf "  %-24s %6s s %8s s\n", $1, $2, $3 }'
else
  crate_cpu with-api | sort -k2 -rn | awk '{ printf "  %-24s %6.2f s\n", $1, $2 }'
fi

echo
echo "rebuild after touching policies.toml (warm build of the service with marketplace-iam by path):"
(cd "$work/with-api-path" && cargo fetch --quiet && cargo build --offline --quiet)
touch "$root/policies.toml"
start=$(now)
(cd "$work/with-api-path" && cargo build --offline 2>&1 | grep -E '^\s+Compiling' | sed 's/^ */  /')
end=$(now)
printf '  took %.2f s\n' "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
