#!/usr/bin/env bash
# Herald benchmark: cold build, no-op rebuild, rebuild after one new update, and
# `herald incident update` latency, on generated stores of 1,000 and 10,000 incidents.
# Prints median wall time and peak RSS of several runs. Usage: bench/run.sh [RUNS] [SIZES…]
# Measures a release build; never run as part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
sizes=("${@:-1000 10000}")
read -r -a sizes <<< "${sizes[*]}"
now="2026-11-22T15:00:00Z"

swift build -c release --static-swift-stdlib --product herald >/dev/null 2>&1 || swift build -c release --static-swift-stdlib --product herald
herald="$PWD/.build/release/herald"
work=$(mktemp -d)
trap 'rm -rf "$work"; sync' EXIT

# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# runs a command, prints "seconds kilobytes"
# (after `sync`: the kernel writing back the generated store or the last run's output in the
# background would be measured too; a cold 10,000-incident build took 7 s instead of 5 without it)
measure() { sync; /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1; cat "$work/time"; }

printf '%-8s %-24s %10s %12s\n' "store" "operation" "median s" "peak RSS MB"
for n in "${sizes[@]}"; do
  site="$work/store-$n"
  python3 bench/generate_store.py --incidents "$n" --postmortems $((n / 10)) --out "$site"
  cold=(); rss=()
  for i in $(seq "$runs"); do
    # Cold: no parse cache and a new, empty output folder. (Earlier outputs are only deleted at the
    # end: ext4 allocates inodes slowly for a minute or so after tens of thousands were deleted,
    # which would measure the file system, not Herald.)
    rm -rf "$site/.herald-cache"
    read -r s k < <(measure "$herald" --site "$site" build --now "$now" --out "$work/cold-$n-$i")
    cold+=("$s"); rss+=("$k")
  done
  "$herald" --site "$site" build --now "$now" >/dev/null
  cold_median=$(printf '%s\n' "${cold[@]}" | median)
  printf '%-8s %-24s %10s %12s\n' "$n" "cold build" "$cold_median" "$(( $(printf '%s\n' "${rss[@]}" | sort -n | tail -1) / 1024 ))"
  # The same with every page rendered by swift-mustache, as a site renders the pages that use a
  # template of its own other than header and footer (the built-in ones are otherwise compiled to
  # Swift; docs/theme.md).
  interpreted=(); rss=()
  for i in $(seq "$runs"); do
    rm -rf "$site/.herald-cache"
    read -r s k < <(measure "$herald" --site "$site" build --interpreted-theme --now "$now" --out "$work/interpreted-$n-$i")
    interpreted+=("$s"); rss+=("$k")
  done
  printf '%-8s %-24s %10s %12s\n' "$n" "cold, swift-mustache" "$(printf '%s\n' "${interpreted[@]}" | median)" "$(( $(printf '%s\n' "${rss[@]}" | sort -n | tail -1) / 1024 ))"
  noop=()
  for _ in $(seq "$runs"); do read -r s k < <(measure "$herald" --site "$site" build --now "$now"); noop+=("$s"); done
  printf '%-8s %-24s %10s %12s\n' "$n" "no-op rebuild" "$(printf '%s\n' "${noop[@]}" | median)" "$((k / 1024))"
  id=$(ls "$site/content/incidents" | tail -1)
  one=(); cli=(); ratios=()
  for i in $(seq "$runs"); do
    # Each rebuild is paired with a cold build run just before it: this machine's speed drifts by
    # a third within an hour, which skews a ratio of medians taken minutes apart.
    rm -rf "$site/.herald-cache"
    read -r c k < <(measure "$herald" --site "$site" build --now "$now" --out "$work/pair-$n-$i")
    read -r s k < <(measure "$herald" --site "$site" incident update "$id" --status monitoring --message "Update $i." --at "15:0$i" --now "2026-11-22T15:1$i:00Z")
    cli+=("$s")
    # Ten minutes later, as during an incident: pages that show the time are rendered again.
    read -r s k < <(measure "$herald" --site "$site" build --now "2026-11-22T15:1$i:00Z")
    one+=("$s")
    ratios+=("$(awk -v a="$s" -v b="$c" 'BEGIN {print 100 * a / b}')")
  done
  one_median=$(printf '%s\n' "${one[@]}" | median)
  printf '%-8s %-24s %10s %12s   (%s of the cold median; paired with a cold build just before: %s)\n' "$n" "rebuild after 1 update" "$one_median" "$((k / 1024))" \
    "$(awk -v a="$one_median" -v b="$cold_median" 'BEGIN {printf "%.0f%%", 100 * a / b}')" "$(printf '%s\n' "${ratios[@]}" | median | awk '{printf "%.0f%%", $1}')"
  for i in $(seq 7); do read -r s k < <(measure "$herald" --site "$site" incident update "$id" --status monitoring --message "More $i." --now "$now"); cli+=("$s"); done
  printf '%-8s %-24s %10s %12s\n' "$n" "incident update (CLI)" "$(printf '%s\n' "${cli[@]}" | median)" "$((k / 1024))"
  "$herald" --site "$site" incident update "$id" --status monitoring --message "Last one." --now "$now" >/dev/null
  sync; "$herald" --site "$site" build --now "2026-11-22T15:20:00Z" --timings 2>&1 >/dev/null | grep timings | sed "s/^/$n  stages (after 1 update): /"
  rm -rf "$site/.herald-cache"; sync
  "$herald" --site "$site" build --now "$now" --out "$work/cold-$n-stages" --timings 2>&1 >/dev/null | grep timings | sed "s/^/$n  stages (cold): /"
  # Side by side: the same incidents with Hugo and the cState theme (CSTATE=/path/to/a/copy/of/cstate).
  if [ -n "${CSTATE:-}" ] && command -v hugo >/dev/null && [ "$n" -le "${HUGO_MAX:-1000}" ]; then
    python3 bench/hugo_cstate.py --site "$site" --theme "$CSTATE" --out "$work/hugo-$n"
    # Stopped after HUGO_TIMEOUT seconds (default 1200): then the figure is a lower bound.
    limit=${HUGO_TIMEOUT:-1200}
    /usr/bin/time -f "%e %M" -o "$work/time" timeout "$limit" hugo --quiet -s "$work/hugo-$n" -d "$work/hugo-$n/public" >/dev/null 2>&1 &&
      status=0 || status=$?
    if [ "$status" -eq 124 ]; then
      printf '%-8s %-24s %10s %12s\n' "$n" "hugo + cState (cold)" "> $limit" "(stopped)"
    else
      read -r s k < <(tail -1 "$work/time")
      printf '%-8s %-24s %10s %12s\n' "$n" "hugo + cState (cold)" "$s" "$((k / 1024))"
    fi
  fi
done
