#!/usr/bin/env bash
# Instructions rustc executes to compile each crate of the compile-time API, for the working tree and a reference
# revision: a measure of build cost that, unlike time, does not depend on the machine's load (valgrind counts them).
#
#   REFERENCE=<git rev> bash bench/crate-instructions.sh
#
# Builds `marketplace-iam` (its default features, as a seller's service does) cold in a fresh target dir, once per
# tree, with `CARGO_INCREMENTAL=0` and no debug info (as Cargo builds a proc macro's dependencies), and runs rustc
# under `valgrind --tool=callgrind` for the project's crates only: the engine, the code generation library, the
# proc-macro crate and the runtime crate (whose count includes running the proc macro on its policies.toml, in a tree
# where the runtime crate still expands its own file at build time). A crate a tree does not build shows `-`: since
# f4a77d1 the runtime crate's default features build neither the engine, nor the code generation library, nor the
# proc macro. Other crates build normally. Needs valgrind; takes about a minute per crate.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
reference="${REFERENCE:?set REFERENCE to a git revision to compare with}"
command -v valgrind >/dev/null || { echo "error: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/reference" 2>/dev/null || true; rm -rf "$work"' EXIT
crates=(marketplace_iam_model marketplace_iam_codegen marketplace_iam_macros marketplace_iam)

cat > "$work/wrap" <<'EOF'
#!/usr/bin/env bash
rustc="$1"; shift
name=""
prev=""
for arg in "$@"; do
  [ "$prev" = "--crate-name" ] && name="$arg"
  prev="$arg"
done
case " $COUNT_CRATES " in
  *" $name "*)
    exec valgrind --tool=callgrind --callgrind-out-file=/dev/null --log-file="$COUNT_DIR/$name.log" "$rustc" "$@" ;;
esac
exec "$rustc" "$@"
EOF
chmod +x "$work/wrap"

count() { # tree, label
  mkdir -p "$work/$2"
  (cd "$1" && CARGO_TARGET_DIR="$work/target-$2" CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=0 \
    COUNT_CRATES="${crates[*]}" COUNT_DIR="$work/$2" RUSTC_WRAPPER="$work/wrap" \
    cargo build --quiet --offline --locked -p marketplace-iam)
}

git -C "$root" worktree add --quiet --detach "$work/reference" "$reference"
count "$root" tree
count "$work/reference" reference

instructions() { # label, crate → instructions in millions, or -
  local log="$work/$1/$2.log"
  if [ -f "$log" ]; then
    awk '/Collected :/ { printf "%.0f", $NF / 1e6 }' "$log"
  else
    printf -- "-"
  fi
}

printf '%-26s %14s %14s\n' "crate (rustc, M instr.)" "working tree" "$reference"
total_tree=0
total_reference=0
for c in "${crates[@]}"; do
  t="$(instructions tree "$c")"
  r="$(instructions reference "$c")"
  printf '%-26s %14s %14s\n' "$c" "$t" "$r"
  [ "$t" != "-" ] && total_tree=$((total_tree + t))
  [ "$r" != "-" ] && total_reference=$((total_reference + r))
done
printf '%-26s %14s %14s\n' "total" "$total_tree" "$total_reference"
awk -v t="$total_tree" -v r="$total_reference" 'BEGIN { printf "ratio working tree / %s: %.3f\n", "reference", t / r }'
