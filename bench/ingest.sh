#!/usr/bin/env bash
# Benchmark "Ingest" (../shared/design/benchmark.md): reading Q1's columns of
# orders.csv into each engine's form, side by side in one run with
# `wc -l`, `cat > /dev/null` and DuckDB's read_csv. Not a test.
# Usage: bench/ingest.sh [ROWS (default 10000000)] [RUNS (default 5)]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-10000000}"
RUNS="${2:-5}"
OUT="$ROOT/bench/out/ingest"
KPIC="$ROOT/build/kpic"
GEN="$ROOT/build/bench/gen_orders"
[ -x "$KPIC" ] && [ -x "$GEN" ] || { echo "build first (scripts/demo)" >&2; exit 2; }
source "$ROOT/bench/common.sh"
ensure_orders "$OUT" "$ROWS"
ensure_duckdb
FILE="$OUT/orders.csv"
cat "$FILE" > /dev/null  # warm the page cache

ms() { local s e; s=$(date +%s%N); "$@" > "$OUT/last.out" 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
declare -A T
for name in wc cat kpic duckdb; do T[$name]=""; done
for run in $(seq "$RUNS"); do
  T[wc]+="$(ms wc -l "$FILE") "
  T[cat]+="$(bash -c "cat '$FILE' > /dev/null" > /dev/null; ms bash -c "cat '$FILE' > /dev/null") "
  T[kpic]+="$(ms "$KPIC" check --data --bind "orders=csv:$FILE" "$ROOT/bench/ingest.kpi") "
  grep -q "rows" "$OUT/last.out" || { cat "$OUT/last.out" >&2; exit 1; }
  kpic_line=$(grep "bench_ingest:orders" "$OUT/last.out")
  T[duckdb]+="$(ms node "$ROOT/bench/duckdb_ingest.mjs" "$FILE") "
  duck_line=$(cat "$OUT/last.out")
done
median() { printf '%s\n' $1 | sort -n | sed -n "$(( ($(echo $1 | wc -w) + 1) / 2 ))p"; }
size=$(stat -c %s "$FILE")
echo "file: $FILE, $ROWS rows, $size bytes; $RUNS runs each, alternating; medians of whole-process wall time"
echo "kpic:   $kpic_line"
echo "duckdb: $duck_line"
for name in wc cat kpic duckdb; do printf '  %-7s %6s ms   (runs: %s)\n' "$name" "$(median "${T[$name]}")" "${T[$name]}"; done
/usr/bin/time -o "$OUT/rss" -f "%M" "$KPIC" check --data --bind "orders=csv:$FILE" "$ROOT/bench/ingest.kpi" > /dev/null 2>&1
echo "kpic peak RSS (one more run, /usr/bin/time): $(cat "$OUT/rss") kB"
k=$(median "${T[kpic]}"); d=$(median "${T[duckdb]}"); w=$(median "${T[wc]}")
echo "ratios: DuckDB/kpic = $(echo "scale=2; $d / $k" | bc), kpic/wc -l = $(echo "scale=2; $k / $w" | bc)"
