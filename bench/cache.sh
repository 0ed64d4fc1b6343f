#!/usr/bin/env bash
# The state cache (exec/state_cache.h): a rerun after a 1% append against a
# cold run, on the 10M-row CSV and on Parquet, for Q1 and Q2, whole
# processes, in one run. Not a test. Prints medians and the ratios.
#   CSV:     orders.csv; the append is 1% more rows at its end.
#   Parquet: a folder holding the 10M rows as one file (DuckDB, row groups
#            of 1M rows); the append is a second file of 1% of the rows, as
#            a lake appends.
# Each run: a cold run with the cache empty (it fills it), the append, the
# rerun (timed: what the cache saves), and a run with --no-cache over the
# grown data (timed: the cold run it is compared with).
# Usage: bench/cache.sh [ROWS (default 10000000)] [RUNS (default 5)]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-10000000}"
RUNS="${2:-5}"
OUT="$ROOT/bench/out/ingest"
KPIC="$ROOT/build/kpic"
[ -x "$KPIC" ] && [ -x "$ROOT/build/bench/gen_orders" ] || { echo "build first (scripts/demo)" >&2; exit 2; }
source "$ROOT/bench/common.sh"
ensure_orders "$OUT" "$ROWS"
ensure_duckdb
W="$ROOT/bench/out/cache"
mkdir -p "$W/pq"
APPEND=$((ROWS / 100))
# The 1% to append: rows from the file's middle (the same months, stores
# and customers: groups that exist, as a day's new orders do).
if [ ! -f "$W/append.csv" ] || [ "$(cat "$W/rows" 2>/dev/null)" != "$ROWS" ]; then
  echo "preparing the appended rows and the Parquet files..." >&2
  head -1 "$OUT/orders.csv" > "$W/append_h.csv"
  sed -n "$((ROWS / 2)),$((ROWS / 2 + APPEND - 1))p" "$OUT/orders.csv" > "$W/append.csv"
  cat "$W/append_h.csv" "$W/append.csv" > "$W/append_with_header.csv"
  (cd "$ROOT/bench" && node --input-type=module -e "
import { DuckDBInstance } from '@duckdb/node-api';
import { orderCols } from './workload.mjs';
const con = await (await DuckDBInstance.create(':memory:', { threads: '2' })).connect();
const opts = '(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1000000)';
await con.run(\`COPY (SELECT * REPLACE (returned = 1 AS returned) FROM read_csv('$OUT/orders.csv', header = true, columns = \${orderCols})) TO '$W/base.parquet' \${opts}\`);
await con.run(\`COPY (SELECT * REPLACE (returned = 1 AS returned) FROM read_csv('$W/append_with_header.csv', header = true, columns = \${orderCols})) TO '$W/append.parquet' \${opts}\`);
")
  echo "$ROWS" > "$W/rows"
fi
export KPIC_CACHE_DIR="$W/kc"
Q1=(--metric revenue,orders_n,customers,aov,discount_rate,return_rate,vip_revenue_share --by channel --grain month)
Q2=(--metric revenue,orders_n,customers,aov,discount_rate,return_rate,vip_revenue_share,conversion --by store --grain month)
SESS=(--bind "sessions=csv:$OUT/sessions.csv")

# setup KIND: the data before the append. grow KIND: the append.
setup() {
  if [ "$1" = csv ]; then cp "$OUT/orders.csv" "$W/orders.csv"; else rm -f "$W/pq/"*; ln "$W/base.parquet" "$W/pq/part-0.parquet"; fi
}
grow() {
  if [ "$1" = csv ]; then cat "$W/append.csv" >> "$W/orders.csv"; else ln "$W/append.parquet" "$W/pq/part-1.parquet"; fi
}
bind() { if [ "$1" = csv ]; then echo "orders=csv:$W/orders.csv"; else echo "orders=parquet:$W/pq"; fi; }

# Warm the kernels and the page cache.
for kind in csv parquet; do
  setup $kind
  cat "$W/orders.csv" "$W/base.parquet" "$W/append.parquet" "$OUT/sessions.csv" > /dev/null
  "$KPIC" run "$ROOT/bench/q.kpi" --bind "$(bind $kind)" "${SESS[@]}" "${Q2[@]}" --format csv --no-cache > /dev/null
  "$KPIC" run "$ROOT/bench/q.kpi" --bind "$(bind $kind)" "${SESS[@]}" "${Q1[@]}" --format csv --no-cache > /dev/null
done

for kind in csv parquet; do
  for q in q1 q2; do
    unset -n args 2>/dev/null || true
    declare -n args=${q^^}
    fill="" rerun="" cold="" same=yes
    for run in $(seq "$RUNS"); do
      setup $kind
      "$KPIC" cache clear > /dev/null
      fill+="$(ms "$KPIC" run "$ROOT/bench/q.kpi" --bind "$(bind $kind)" "${SESS[@]}" "${args[@]}" --format csv) "
      grow $kind
      rerun+="$(ms "$KPIC" run "$ROOT/bench/q.kpi" --bind "$(bind $kind)" "${SESS[@]}" "${args[@]}" --format csv --timings) "
      cp "$OUT/last.out" "$W/rerun.out"
      grep "cache:" "$OUT/last.err" | sed 's/^/    /' > "$W/rerun.cache"
      cold+="$(ms "$KPIC" run "$ROOT/bench/q.kpi" --bind "$(bind $kind)" "${SESS[@]}" "${args[@]}" --format csv --no-cache) "
      cmp -s "$OUT/last.out" "$W/rerun.out" || same=no
    done
    echo "== ${q^^} from $kind ($ROWS rows + $APPEND appended; $RUNS runs; medians)"
    cat "$W/rerun.cache"
    printf '  %-52s %7s ms  (runs: %s)\n' "cold run, cache empty (fills it)" "$(median "$fill")" "$fill"
    printf '  %-52s %7s ms  (runs: %s)\n' "rerun after the 1% append" "$(median "$rerun")" "$rerun"
    printf '  %-52s %7s ms  (runs: %s)\n' "cold run over the grown data, --no-cache" "$(median "$cold")" "$cold"
    echo "  rerun / cold = $(ratio "$(median "$rerun")" "$(median "$cold")") (aim <= 0.05); fill / cold = $(ratio "$(median "$fill")" "$(median "$cold")"); outputs identical: $same"
  done
done
