#!/usr/bin/env bash
# `herald import statuspage` on a generated Statuspage export of N incidents (default 10,000):
# a dry run, the import, a second import of the same file (adds nothing), then a cold build of the
# result. Prints wall time and peak RSS of each. Usage: bench/import.sh [N]
# Measures a release build; never run as part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
swift build -c release --static-swift-stdlib --product herald >/dev/null 2>&1 || swift build -c release --static-swift-stdlib --product herald
herald="$PWD/.build/release/herald"
work=$(mktemp -d)
trap 'rm -rf "$work"; sync' EXIT
python3 bench/generate_statuspage.py --incidents "$n" --out "$work/incidents.json"
"$herald" init "$work/site" >/dev/null
rm -rf "$work/site/content/incidents"
measure() { sync; /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out"; exit 1; }; read -r s k < "$work/time"; printf '%-34s %8s s %8s MB\n' "$label" "$s" $((k / 1024)); }
printf 'export: %s incidents, %s MB\n' "$n" $(( $(stat -c %s "$work/incidents.json") / 1048576 ))
label="import --dry-run";           measure "$herald" --site "$work/site" import statuspage --dry-run "$work/incidents.json"
label="import";                     measure "$herald" --site "$work/site" import statuspage "$work/incidents.json"
tail -n +1 "$work/out" | grep -E "incidents|maintenances|events" | sed 's/^/    /'
label="import again (nothing new)";  measure "$herald" --site "$work/site" import statuspage "$work/incidents.json"
label="cold build of the result";   measure "$herald" --site "$work/site" build --now 2026-01-01T00:00:00Z
