#!/usr/bin/env bash
# Instruction counts of a cold build, a no-op rebuild, a rebuild after one new update and
# `herald incident update`, under valgrind's callgrind: the same for the same binary and inputs
# however busy or slow the machine is, unlike wall time (which drifts by a third within an hour on
# the 2-core benchmark machine). Use it to compare two versions of the code; use bench/run.sh for
# the seconds. Usage: bench/callgrind.sh [SIZE] [KEEP_DIR]
#   SIZE      incidents in the generated store (default 1000; 10000 takes about 10 minutes)
#   KEEP_DIR  if given, the callgrind output files are kept there, for `callgrind_annotate`
# Counts are user-space instructions of every thread; time spent in the kernel (reading, stat-ing
# and writing files: about 40 % of a no-op rebuild) is not counted.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1000}
keep=${2:-}
now="2026-11-22T15:00:00Z"
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }

swift build -c release --static-swift-stdlib --product herald >/dev/null 2>&1 || swift build -c release --static-swift-stdlib --product herald
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read the DWARF 5 debug information Swift writes ("unhandled dwarf2 abbrev
# form code 0x25"); a copy without it keeps the symbol table, so functions still have names.
cp .build/release/herald "$work/herald"
strip --strip-debug "$work/herald"
herald="$work/herald"
# Swift seeds Set and Dictionary hashing per process; a fixed seed makes runs repeatable.
export SWIFT_DETERMINISTIC_HASHING=1

site="$work/store"
python3 bench/generate_store.py --incidents "$size" --postmortems $((size / 10)) --out "$site" >/dev/null

# count NAME ARGS…: runs herald under callgrind, prints the instruction count
count() {
  local name=$1; shift
  local out="$work/callgrind.$name.out"
  valgrind --tool=callgrind --callgrind-out-file="$out" "$herald" "$@" >/dev/null 2>"$work/valgrind.log" ||
    { cat "$work/valgrind.log" >&2; exit 1; }
  [ -z "$keep" ] || { mkdir -p "$keep"; cp "$out" "$keep/"; }
  grep -E '^summary:|^totals:' "$out" | head -1 | awk '{print $2}'
}
millions() { awk -v n="$1" 'BEGIN {printf "%.0f", n / 1e6}'; }

rm -rf "$site/.herald-cache"
cold=$(count cold --site "$site" build --now "$now" --out "$work/cold")
"$herald" --site "$site" build --now "$now" >/dev/null
noop=$(count noop --site "$site" build --now "$now")
id=$(ls "$site/content/incidents" | tail -1)
update=$(count incident-update --site "$site" incident update "$id" --status monitoring --message "Update." --at "15:05" --now "2026-11-22T15:05:00Z")
after=$(count after-update --site "$site" build --now "2026-11-22T15:10:00Z")

printf '%-8s %-26s %16s %10s\n' "store" "operation" "instructions (M)" "of cold"
for row in "cold build:$cold" "no-op rebuild:$noop" "rebuild after 1 update:$after" "incident update (CLI):$update"; do
  printf '%-8s %-26s %16s %9.1f%%\n' "$size" "${row%%:*}" "$(millions "${row##*:}")" "$(awk -v a="${row##*:}" -v b="$cold" 'BEGIN {print 100 * a / b}')"
done
[ -z "$keep" ] || echo "callgrind files in $keep (callgrind_annotate --inclusive=yes $keep/callgrind.cold.out | head -60)"
