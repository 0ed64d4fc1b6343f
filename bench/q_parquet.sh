#!/usr/bin/env bash
# Benchmarks Q1 and Q2 (../shared/design/benchmark.md) from Parquet: the
# CSV workload's rows written by DuckDB (bench/to_parquet.mjs: Snappy,
# row groups of 1M rows), read by kpic and by DuckDB's read_parquet with 2
# threads, side by side in one run, alternating; and kpic on the same rows
# from CSV. Not a test. Prints medians, ratios and kpic's peak RSS.
# Usage: bench/q_parquet.sh [ROWS (default 10000000)] [RUNS (default 5)]
set -euo pipefail
# Every kpic run is a cold run: --no-cache keeps the state cache (issue 26)
# out of it, as DuckDB keeps nothing between processes either; the
# cache's reruns are bench/cache.sh's.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-10000000}"
RUNS="${2:-5}"
OUT="$ROOT/bench/out/ingest"
KPIC="$ROOT/build/kpic"
[ -x "$KPIC" ] && [ -x "$ROOT/build/bench/gen_orders" ] || { echo "build first (scripts/demo)" >&2; exit 2; }
source "$ROOT/bench/common.sh"
ensure_orders "$OUT" "$ROWS"
ensure_duckdb
if [ ! -f "$OUT/orders.parquet" ] || [ "$OUT/orders.parquet" -ot "$OUT/orders.csv" ]; then
  echo "writing Parquet..." >&2
  (cd "$ROOT/bench" && node to_parquet.mjs "$OUT" >&2)
fi
cat "$OUT/orders.csv" "$OUT/sessions.csv" "$OUT/orders.parquet" "$OUT/sessions.parquet" > /dev/null  # warm the page cache
export KPIC_CACHE_DIR="$OUT/kernel-cache"
PQ=(--bind "orders=parquet:$OUT/orders.parquet" --bind "sessions=parquet:$OUT/sessions.parquet")
CSV=(--bind "orders=csv:$OUT/orders.csv" --bind "sessions=csv:$OUT/sessions.csv")
Q1=(--metric revenue,orders_n,customers,aov,discount_rate,return_rate,vip_revenue_share --by channel --grain month)
Q2=(--metric revenue,orders_n,customers,aov,discount_rate,return_rate,vip_revenue_share,conversion --by store --grain month)

# Warm the kernel cache, and check that both sources give the same answer.
"$KPIC" run "$ROOT/bench/q.kpi" "${PQ[@]}" "${Q2[@]}" --format csv --no-cache > "$OUT/pq.csv"
"$KPIC" run "$ROOT/bench/q.kpi" "${CSV[@]}" "${Q2[@]}" --format csv --no-cache > "$OUT/csv.csv"
cmp -s "$OUT/pq.csv" "$OUT/csv.csv" || { echo "Parquet and CSV disagree on Q2" >&2; exit 1; }
"$KPIC" run "$ROOT/bench/q.kpi" "${PQ[@]}" "${Q1[@]}" --format csv --no-cache > /dev/null

for q in q1 q2; do
  unset -n args 2>/dev/null || true
  declare -n args=${q^^}
  kp="" kc="" dp="" dq="" rss="" rssc=""
  for run in $(seq "$RUNS"); do
    kp+="$(ms /usr/bin/time -f 'maxrss_kb=%M' "$KPIC" run "$ROOT/bench/q.kpi" "${PQ[@]}" "${args[@]}" --format csv --no-cache) "
    rss+="$(field 'maxrss_kb=' err) "
    dp+="$(ms node "$ROOT/bench/duckdb_q.mjs" "$OUT" "$q" parquet) "
    dq+="$(field 'query_ms=' out) "
    duck_line=$(cat "$OUT/last.out")
    kc+="$(ms /usr/bin/time -f 'maxrss_kb=%M' "$KPIC" run "$ROOT/bench/q.kpi" "${CSV[@]}" "${args[@]}" --format csv --no-cache) "
    rssc+="$(field 'maxrss_kb=' err) "
  done
  "$KPIC" run "$ROOT/bench/q.kpi" "${PQ[@]}" "${args[@]}" --format csv --no-cache --timings > /dev/null 2> "$OUT/last.err"
  echo "== ${q^^} from Parquet ($ROWS rows, $(stat -c %s "$OUT/orders.parquet") bytes of orders.parquet; $RUNS runs each, alternating; medians)"
  echo "  duckdb: $duck_line"
  sed 's/^/  kpic --timings: /' "$OUT/last.err"
  printf '  %-44s %7s ms  (runs: %s)\n' "kpic from Parquet, whole process" "$(median "$kp")" "$kp"
  printf '  %-44s %7s ms  (runs: %s)\n' "DuckDB read_parquet, whole process" "$(median "$dp")" "$dp"
  printf '  %-44s %7s ms  (runs: %s)\n' "DuckDB read_parquet, query alone" "$(median "$dq")" "$dq"
  printf '  %-44s %7s ms  (runs: %s)\n' "kpic from CSV, whole process" "$(median "$kc")" "$kc"
  echo "  kpic peak RSS: from Parquet $(median "$rss") kB, from CSV $(median "$rssc") kB"
  echo "  ratios: DuckDB whole / kpic = $(ratio "$(median "$dp")" "$(median "$kp")"); DuckDB query alone / kpic = $(ratio "$(median "$dq")" "$(median "$kp")"); kpic CSV / kpic Parquet = $(ratio "$(median "$kc")" "$(median "$kp")")"
done
