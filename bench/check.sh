#!/usr/bin/env bash
# Benchmark: `kpic check` of a generated package of N metrics (default
# 2000). Warms the page cache, runs RUNS times (default 9) and prints the
# median and minimum wall time and the peak RSS. Not a test: nothing here
# asserts a time.
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
times=()
for _ in $(seq "$RUNS"); do
  s=$(date +%s%N)
  "$KPIC" check "$OUT" 2>/dev/null
  e=$(date +%s%N)
  times+=($(( (e - s) / 1000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
median=${sorted[$(( RUNS / 2 ))]}
rss="n/a"
if [ -x /usr/bin/time ]; then
  rss=$(/usr/bin/time -f "%M" "$KPIC" check "$OUT" 2>&1 >/dev/null | tail -1)" KB"
fi
printf 'kpic check, %s metrics (%s bytes of .kpi), %s runs: median %.1f ms, min %.1f ms, peak RSS %s\n' \
  "$N" "$bytes" "$RUNS" "$(echo "$median / 1000" | bc -l)" "$(echo "${sorted[0]} / 1000" | bc -l)" "$rss"
