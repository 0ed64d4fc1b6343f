#!/usr/bin/env bash
# Benchmarks Q1, Q2 and Compile (../shared/design/benchmark.md), side by side
# in one run: kpic, DuckDB (@duckdb/node-api, installed here) and the
# hand-written loops (bench/hand_q.cc). Not a test. Prints medians and ratios.
# Usage: bench/q.sh [ROWS (default 10000000)] [RUNS (default 5)]
set -euo pipefail
# Every kpic run is a cold run: --no-cache keeps the state cache (issue 26)
# out of it, as DuckDB keeps nothing between processes either; the
# cache's reruns are bench/cache.sh's.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-10000000}"
RUNS="${2:-5}"
OUT="$ROOT/bench/out/ingest"
KPIC="$ROOT/build/kpic"
GEN="$ROOT/build/bench/gen_orders"
HAND="$ROOT/build/bench/hand_q"
[ -x "$KPIC" ] && [ -x "$GEN" ] && [ -x "$HAND" ] || { echo "build first (scripts/demo)" >&2; exit 2; }
source "$ROOT/bench/common.sh"
ensure_orders "$OUT" "$ROWS"
ensure_duckdb
cat "$OUT/orders.csv" "$OUT/sessions.csv" > /dev/null  # warm the page cache
export KPIC_CACHE_DIR="$OUT/kernel-cache"
BINDS=(--bind "orders=csv:$OUT/orders.csv" --bind "sessions=csv:$OUT/sessions.csv")
Q1=(--metric revenue,orders_n,customers,aov,discount_rate,return_rate,vip_revenue_share --by channel --grain month)
Q2=(--metric revenue,orders_n,customers,aov,discount_rate,return_rate,vip_revenue_share,conversion --by store --grain month)

# Warm the kernel cache once, so that runs measure execution (compile is reported separately).
"$KPIC" run "$ROOT/bench/q.kpi" "${BINDS[@]}" "${Q1[@]}" --format csv --no-cache > /dev/null
"$KPIC" run "$ROOT/bench/q.kpi" "${BINDS[@]}" "${Q2[@]}" --format csv --no-cache > /dev/null

for q in q1 q2; do
  unset -n args 2>/dev/null || true
  declare -n args=${q^^}
  kc="" dc="" km="" dm="" hm="" rss=""
  for run in $(seq "$RUNS"); do
    kc+="$(ms /usr/bin/time -f 'maxrss_kb=%M' "$KPIC" run "$ROOT/bench/q.kpi" "${BINDS[@]}" "${args[@]}" --format csv --no-cache --timings) "
    rss+="$(field 'maxrss_kb=' err) "
    anon=$(grep -o 'RssAnon:[^,]*' "$OUT/last.err" | tr -s ' \t' ' ')
    dc+="$(ms node "$ROOT/bench/duckdb_q.mjs" "$OUT" "$q" csv) "
    duck_line=$(cat "$OUT/last.out")
    "$KPIC" run "$ROOT/bench/q.kpi" "${BINDS[@]}" "${args[@]}" --format csv --no-cache --timings --no-stream > /dev/null 2> "$OUT/last.err"
    km+="$(grep -o 'scanned in [0-9.]*' "$OUT/last.err" | sed 's/scanned in //') "
    node "$ROOT/bench/duckdb_q.mjs" "$OUT" "$q" memory > "$OUT/last.out"
    dm+="$(field 'query_ms=' out) "
    "$HAND" "$OUT" > "$OUT/last.out"
    hand_line=$(cat "$OUT/last.out")
    hm+="$(field "${q}_ms=" out) "
  done
  echo "== ${q^^} ($ROWS rows, $RUNS runs each, alternating; medians)"
  echo "  duckdb: $duck_line"
  echo "  hand:   $hand_line"
  printf '  %-34s %7s ms  (runs: %s)\n' "kpic, from CSV, end to end" "$(median "$kc")" "$kc"
  printf '  %-34s %7s ms  (runs: %s)\n' "DuckDB read_csv, end to end" "$(median "$dc")" "$dc"
  printf '  %-34s %7s ms  (runs: %s)\n' "kpic scan over in-memory columns" "$(median "$km")" "$km"
  printf '  %-34s %7s ms  (runs: %s)\n' "DuckDB query over a loaded table" "$(median "$dm")" "$dm"
  printf '  %-34s %7s ms  (runs: %s)\n' "hand-written loops" "$(median "$hm")" "$hm"
  echo "  kpic peak RSS (the CSV file is read with pread, mostly not mapped in): $(median "$rss") kB; at the end: $anon"
  echo "  ratios: DuckDB/kpic end to end = $(ratio "$(median "$dc")" "$(median "$kc")"); kpic in memory / hand = $(ratio "$(median "$km")" "$(median "$hm")"); DuckDB in memory / kpic in memory = $(ratio "$(median "$dm")" "$(median "$km")")"
done

# Compile: the 50-metric suite at O2, then a cached rerun.
mkdir -p "$ROOT/bench/out/compile"
python3 "$ROOT/bench/gen_compile_suite.py" "$ROOT/bench/out/compile/suite.kpi"
[ -f "$ROOT/bench/out/compile/orders.csv" ] || "$GEN" "$ROOT/bench/out/compile" 2000
metrics=$(grep -o '^metric [a-z0-9]*' "$ROOT/bench/out/compile/suite.kpi" | cut -d' ' -f2 | paste -sd,)
cold="" for_cached=""
for run in $(seq "$RUNS"); do
  rm -rf "$OUT/compile-cache"
  KPIC_CACHE_DIR="$OUT/compile-cache" "$KPIC" run "$ROOT/bench/out/compile/suite.kpi" --metric "$metrics" --engine jit --timings --format csv --no-cache > /dev/null 2> "$OUT/last.err"
  cold+="$(grep -o 'compiled in [0-9.]*' "$OUT/last.err" | sed 's/compiled in //') "
  KPIC_CACHE_DIR="$OUT/compile-cache" "$KPIC" run "$ROOT/bench/out/compile/suite.kpi" --metric "$metrics" --engine jit --timings --format csv --no-cache > /dev/null 2> "$OUT/last.err"
  for_cached+="$(grep -o '[0-9]* kernel(s) compiled' "$OUT/last.err" | cut -d' ' -f1) "
done
echo "== Compile (50 metrics, one fused kernel, O2)"
printf '  %-34s %7s ms  (runs: %s)\n' "optimise + code generation" "$(median "$cold")" "$cold"
echo "  kernels compiled on the cached rerun: $for_cached"
