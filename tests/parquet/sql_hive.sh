#!/usr/bin/env bash
# `kpic sql --dialect duckdb` over a Hive-partitioned Parquet dataset gives
# the partition columns their declared types (read_parquet's hive_types):
# an int partition `shop_no=10` compares with a number and a date partition
# `day=2026-01-05` is the time column, where as text both stopped DuckDB
# (it neither compares text with a number nor truncates text to a month)
# and a value such as `01` would print as text. DuckDB writes the dataset
# and runs the emitted SQL; both its answer and `kpic run`'s must be the
# sums worked out by hand below.
# Exit 77 (skipped) without Node.js or bench/node_modules (node_deps).
# usage: sql_hive.sh KPIC ROOT
set -euo pipefail
KPIC=$1 ROOT=$2
source "$ROOT/tests/parquet/node_test.sh"
# duck SQL_FILE: DuckDB's rows of the query, comma-separated, nulls empty.
duck() {
  printf '{"tables": [], "queries": ["%s"]}' "$1" > "$tmp/manifest.json"
  node "$ROOT/tests/sql/duckdb_exec.mjs" "$tmp/manifest.json" | python3 -c '
import json, sys
answer = json.load(sys.stdin)[0]
if "error" in answer: sys.exit("DuckDB: " + answer["error"])
for row in answer["rows"]: print(",".join("" if v is None else v for v in row))'
}

cat > "$tmp/gen.sql" << EOF
COPY (SELECT * FROM (VALUES
  (DATE '2026-01-05', 7, CAST(1.50 AS DECIMAL(10, 2))),
  (DATE '2026-01-20', 10, 2.25),
  (DATE '2026-02-03', 10, 4.00),
  (DATE '2026-02-10', 9, 8.00),
  (DATE '2026-03-01', 7, 16.00)) AS t(day, shop_no, amount))
TO '$tmp/visits' (FORMAT parquet, PARTITION_BY (shop_no, day))
EOF
duck "$tmp/gen.sql" > /dev/null
[ -d "$tmp/visits/shop_no=10/day=2026-01-20" ] || fail "DuckDB did not write Hive folders"
cat > "$tmp/m.kpi" << 'EOF'
source visits from parquet("visits") {
  day:     date time
  shop_no: int
  amount:  decimal(2)
}
metric total = sum(visits.amount)
metric far_shops = sum(visits.amount where visits.shop_no >= 9)
EOF
SEL=(--metric total,far_shops --grain month)
# By hand: January 1.50 (shop 7) + 2.25 (shop 10); February 4.00 (10) +
# 8.00 (9); March 16.00 (7). Shops 9 and 10 are >= 9.
printf '2026-01,3.75,2.25\n2026-02,12.00,12.00\n2026-03,16.00,0.00\n' > "$tmp/want.csv"

"$KPIC" run "$tmp/m.kpi" "${SEL[@]}" --format csv | tail -n +2 | cut -d, -f1-3 > "$tmp/kpic.csv"
diff "$tmp/want.csv" "$tmp/kpic.csv" || fail "kpic run: not the sums by hand"

"$KPIC" sql "$tmp/m.kpi" "${SEL[@]}" --dialect duckdb > "$tmp/q.sql"
grep -q "hive_types = {'shop_no': 'BIGINT', 'day': 'DATE'}" "$tmp/q.sql" ||
  { grep read_parquet "$tmp/q.sql"; fail "no hive_types with the declared types"; }
duck "$tmp/q.sql" | cut -d, -f1-3 | sed 's/^\([0-9]*-[0-9]*\)-01,/\1,/' > "$tmp/duck.csv"
diff "$tmp/want.csv" "$tmp/duck.csv" || fail "DuckDB running kpic's SQL: not the sums by hand"

# A single file is not partitioned: no hive_types.
f=$(find "$tmp/visits/shop_no=7" -name '*.parquet' | head -1)
"$KPIC" sql "$tmp/m.kpi" --bind "visits=parquet:$f" --metric total --dialect duckdb 2> /dev/null | grep read_parquet |
  grep -q "hive_partitioning = false, hive_types_autocast = false)" || fail "a single file got hive options"
echo "kpic sql over a Hive dataset: int and date partitions typed; DuckDB and kpic give the sums by hand"
