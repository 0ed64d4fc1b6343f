#!/usr/bin/env bash
# Benchmark: `kpic check` of a generated package of N metrics (default
# 2000). Warms the page cache, runs RUNS times (default 9) and prints the
# median and minimum wall time and the peak RSS, with and without huge pages
# for the heap. Not a test: nothing here asserts a time.
# The 10 MB package of the incremental-runs issue: bench/check.sh 80000 5
# Usage: bench/check.sh [N] [RUNS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-2000}"
RUNS="${2:-9}"
KPIC="$ROOT/build/kpic"
[ -x "$KPIC" ] || { echo "build kpic first (scripts/demo or scripts/test)" >&2; exit 2; }
OUT="$ROOT/bench/out/check-$N"
rm -rf "$OUT"
python3 "$ROOT/bench/gen_check_suite.py" "$OUT" "$N"
bytes=$(cat "$OUT"/*.kpi | wc -c)
"$KPIC" check "$OUT" 2>&1 | tail -1   # warm-up, and proof that it checks clean
# One line per setting, one after the other in the same run: the default, and the heap
# without huge pages (KPIC_HUGE_PAGES=0), so that the comparison is in one run.
measure() {  # label, env assignments...
  local label="$1"; shift
  local times=() s e
  for _ in $(seq "$RUNS"); do
    s=$(date +%s%N)
    env "$@" "$KPIC" check "$OUT" 2>/dev/null
    e=$(date +%s%N)
    times+=($(( (e - s) / 1000 )))
  done
  local sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  local median=${sorted[$(( RUNS / 2 ))]}
  local rss="n/a"
  if [ -x /usr/bin/time ]; then
    rss=$(env "$@" /usr/bin/time -f "%M" "$KPIC" check "$OUT" 2>&1 >/dev/null | tail -1)" KB"
  fi
  printf 'kpic check%s, %s metrics (%s bytes of .kpi), %s runs: median %.1f ms, min %.1f ms, peak RSS %s\n' \
    "$label" "$N" "$bytes" "$RUNS" "$(echo "$median / 1000" | bc -l)" "$(echo "${sorted[0]} / 1000" | bc -l)" "$rss"
}
measure "" KPIC_HUGE_PAGES=1
measure " (KPIC_HUGE_PAGES=0)" KPIC_HUGE_PAGES=0
