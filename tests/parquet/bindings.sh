#!/usr/bin/env bash
# Parquet as a binding kind (docs/parquet.md, "Bindings"): the retail
# example's data written as Parquet by DuckDB (examples/retail/gen_parquet.mjs,
# row groups of 2048 rows) must give byte for byte the JSON that the CSV
# data gives (whose values tests/engine/retail_oracle.py checks against
# hand-written SQL), with each engine, streamed or not, for metrics, goals,
# a report and a role; also Hive-partitioned. --from/--to and a role skip
# row groups and partition files (--timings says how many) without changing
# a byte. Bad files are data errors (exit 3) naming the file, and inside
# it the row group, column and offset or value; `kpic sql --dialect duckdb`
# reads the files with read_parquet and DuckDB's answer matches kpic's.
# Exit 77 (skipped) without Node.js or bench/node_modules (node_deps).
# usage: bindings.sh KPIC ROOT
set -euo pipefail
KPIC=$1 ROOT=$2
source "$ROOT/tests/parquet/node_test.sh"
node "$ROOT/examples/retail/gen_parquet.mjs" "$tmp/pq" > /dev/null
# The example, plus metrics under period operators (which read rows outside
# --from/--to, so that those windows must not skip them).
EX="$tmp/retail"
cp -r "$ROOT/examples/retail" "$EX"
rm -rf "$EX/out"
cat > "$EX/windows.kpi" << 'EOF'
package retail
metric sales_previous = sales.previous
metric sales_rolling = sales.rolling(3 months)
metric sales_ytd = sales.to_date(year)
metric sales_yoy = std.kpi.yoy(sales)
EOF
PQ=(--bind "orders=parquet:$tmp/pq/orders.parquet" --bind "traffic=parquet:$tmp/pq/traffic.parquet"
    --bind "products=parquet:$tmp/pq/products.parquet")
HIVE=(--bind "orders=parquet:$tmp/pq/orders_by_store" --bind "traffic=parquet:$tmp/pq/traffic.parquet"
      --bind "products=parquet:$tmp/pq/products.parquet")
# Two JSON outputs equal but for their stamps (which name the bindings).
same_json() {
  python3 "$ROOT/tests/cli/unstamp.py" "$1" "$2"
  cmp -s "$1" "$2"
}
n=0

# same NAME ARGS...: CSV and Parquet (flat and Hive) give the same JSON.
same() {
  local name=$1
  shift
  "$KPIC" run "$EX" --format json "$@" > "$tmp/csv.json" 2> "$tmp/csv.err" || { cat "$tmp/csv.err"; fail "$name: csv"; }
  for variant in PQ HIVE; do
    declare -n binds=$variant
    for engine in interp jit; do
      "$KPIC" run "$EX" --format json --engine $engine "${binds[@]}" "$@" > "$tmp/pq.json" 2> "$tmp/pq.err" ||
        { cat "$tmp/pq.err"; fail "$name: $variant $engine"; }
      same_json "$tmp/csv.json" "$tmp/pq.json" || { diff "$tmp/csv.json" "$tmp/pq.json" | head; fail "$name: $variant $engine differs from CSV"; }
    done
  done
  # Streamed (the JIT reads row groups while scanning) and read whole.
  "$KPIC" run "$EX" --format json --engine jit "${PQ[@]}" "$@" --timings > "$tmp/pq.json" 2> "$tmp/pq.err"
  # (Under a role --timings gives times only: whether a scan was streamed
  # follows the whole source's size, so it is not said there.)
  [[ " $* " == *" --role "* ]] || grep -q "streamed while reading" "$tmp/pq.err" ||
    { cat "$tmp/pq.err"; fail "$name: not streamed"; }
  same_json "$tmp/csv.json" "$tmp/pq.json" || fail "$name: streamed differs from CSV"
  "$KPIC" run "$EX" --format json --no-stream "${PQ[@]}" "$@" > "$tmp/pq.json"
  same_json "$tmp/csv.json" "$tmp/pq.json" || fail "$name: --no-stream differs from CSV"
  n=$((n + 1))
}
same metrics --metric sales,gross_sales,order_count,aov,conversion,repurchase_rate,return_rate,vip_share,discount_rate,ship_hours,gross_profit --by channel
same by_store --metric sales,aov,conversion,gross_profit,avg_daily_sales --by store --grain quarter
same goals --goal grow_sales,keep_customers
same report --report weekly
same role --report weekly --role store_manager --param store_id=北京朝阳店
same window --metric sales,order_count,aov --by store --from 2026-03-01 --to 2026-05-01
same window_days --metric sales,conversion --grain all --from 2026-03-10 --to 2026-04-02
same periods --metric sales_previous,sales_rolling,sales_ytd,sales_yoy --by channel --from 2026-03-01 --to 2026-05-01
same goal_window --goal grow_sales --from 2026-03-01 --to 2026-05-01
echo "same JSON as CSV: $n selections x (flat, Hive) x (interp, jit), streamed and not"

# Pruning: what was skipped, and that the answer did not change (above).
"$KPIC" run "$EX" "${PQ[@]}" --metric sales --by store --from 2026-03-01 --to 2026-05-01 --timings --format csv \
  > /dev/null 2> "$tmp/t.err"
grep -q "orders.parquet: [0-9]* row groups\? of 1 file read, [1-9][0-9]* row groups and 0 files skipped" "$tmp/t.err" ||
  { cat "$tmp/t.err"; fail "--from/--to skipped no row group"; }
# A role's partitions: under the role --timings counts nothing (it would
# describe other stores' files), so the proof is that another store's
# partition, made unreadable, is never opened.
cp -r "$tmp/pq/orders_by_store" "$tmp/pq/hive_broken"
for f in "$tmp"/pq/hive_broken/store=*/*.parquet; do
  case "$f" in *北京朝阳店* | *%E5%8C%97%E4%BA%AC%E6%9C%9D%E9%98%B3%E5%BA%97*) ;; *) printf 'not parquet' > "$f" ;; esac
done
BROKEN=(--bind "orders=parquet:$tmp/pq/hive_broken" --bind "traffic=parquet:$tmp/pq/traffic.parquet"
  --bind "products=parquet:$tmp/pq/products.parquet")
"$KPIC" run "$EX" "${BROKEN[@]}" --metric sales --by store --grain all --role store_manager --param store_id=北京朝阳店 \
  --format csv > "$tmp/role.csv" 2> "$tmp/t.err" || { cat "$tmp/t.err"; ls -R "$tmp/pq/hive_broken" | head; fail "the role read another store's partition"; }
"$KPIC" run "$EX" "${HIVE[@]}" --metric sales --by store --grain all --role store_manager --param store_id=北京朝阳店 \
  --format csv > "$tmp/role_ok.csv" 2> /dev/null
cmp -s "$tmp/role.csv" "$tmp/role_ok.csv" || fail "the role's pruned run differs"
"$KPIC" run "$EX" "${BROKEN[@]}" --metric sales --by store --grain all --format csv > /dev/null 2>&1 &&
  fail "without the role the broken partitions should be read (exit 3)"
"$KPIC" run "$EX" "${HIVE[@]}" --metric sales --by store --grain all --role store_manager --param store_id=北京朝阳店 \
  --timings --format csv > /dev/null 2> "$tmp/t.err"
grep -q "orders_by_store" "$tmp/t.err" && { cat "$tmp/t.err"; fail "--timings under a role describes the files"; }
"$KPIC" run "$EX" "${PQ[@]}" --metric sales --by store --grain all --role store_manager --param store_id=北京朝阳店 \
  --timings --format csv > /dev/null 2> "$tmp/t.err"
grep -q "row group" "$tmp/t.err" && { cat "$tmp/t.err"; fail "--timings under a role describes the row groups"; }
# A role that reads every store's partition (its filter is on another
# column) stops at a broken one, and the error names the file without the
# partition's value: the folder `store=上海静安店` names a store outside the
# role (probe, 2026-12-05: it was printed whole).
cat > "$EX/by_channel.kpi" << 'EOF'
package retail
role by_channel(ch: string) {
  orders where orders.channel == ch
  traffic: all
  products: all
}
EOF
"$KPIC" run "$EX" "${BROKEN[@]}" --metric sales --grain all --role by_channel --param ch=online --format csv \
  > /dev/null 2> "$tmp/t.err" && fail "the broken partitions should stop the run (exit 3)"
grep -q "hive_broken/store=…/" "$tmp/t.err" || { cat "$tmp/t.err"; fail "the error should name the file, its partition value left out"; }
grep -q "store=[^…]" "$tmp/t.err" && { cat "$tmp/t.err"; fail "the error names a partition outside the role"; }
rm "$EX/by_channel.kpi"
echo "pruning: --from/--to skips row groups, a role skips partition files"

# Hive's null partition (`store=__HIVE_DEFAULT_PARTITION__`): its rows are
# the null member. A store's file moved there: the null member has that
# store's sales, read from the CSV run above (the constant column's code
# was read past its end, and the run ran out of memory: role probe,
# 2026-12-07).
cp -r "$tmp/pq/orders_by_store" "$tmp/pq/hive_null"
moved=$(ls -d "$tmp"/pq/hive_null/store=* | head -1)
mv "$moved" "$tmp/pq/hive_null/store=__HIVE_DEFAULT_PARTITION__"
store=$(basename "$moved" | sed 's/^store=//' | python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote(sys.stdin.read().strip()))')
want=$("$KPIC" run "$EX" --metric sales --by store --grain all --format csv | awk -F, -v s="$store" '$2 == s {print $3}')
NULLS=(--bind "orders=parquet:$tmp/pq/hive_null" --bind "traffic=parquet:$tmp/pq/traffic.parquet"
  --bind "products=parquet:$tmp/pq/products.parquet")
for engine in interp jit; do
  "$KPIC" run "$EX" "${NULLS[@]}" --metric sales --by store --grain all --format csv --engine $engine \
    > "$tmp/null.csv" 2> "$tmp/t.err" || { cat "$tmp/t.err"; fail "$engine: a null partition stopped the run"; }
  got=$(awk -F, '$2 == "" {print $3}' "$tmp/null.csv")
  [ -n "$want" ] && [ "$got" = "$want" ] || { cat "$tmp/null.csv"; fail "$engine: the null partition's sales $got, not $store's $want"; }
done
echo "a null partition is the null member"

# Rows without a time value are counted and reported whatever is skipped:
# data whose time column may hold nulls is always read.
node --input-type=module -e "
import { createRequire } from 'node:module';
const require = createRequire('$KPIC_NODE_MODULES/');
const { DuckDBInstance } = require('@duckdb/node-api');
const con = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
await con.run(\"CREATE TABLE o AS SELECT * REPLACE (CASE WHEN hash(order_id) % 40 = 0 THEN NULL ELSE 下单时间 END AS 下单时间) FROM '$tmp/pq/orders.parquet'\");
await con.run(\"COPY o TO '$tmp/nulls.parquet' (FORMAT parquet, ROW_GROUP_SIZE 2048)\");
await con.run(\"COPY o TO '$tmp/nulls.csv' (HEADER, DELIMITER ',', NULLSTR '')\");
"
for args in "--from 2026-03-01 --to 2026-05-01" "--role store_manager --param store_id=北京朝阳店"; do
  # shellcheck disable=SC2086
  "$KPIC" run "$EX" --bind orders=csv:"$tmp/nulls.csv" --metric sales --by store $args --format json \
    > "$tmp/csv.json" 2> "$tmp/csv.err"
  # shellcheck disable=SC2086
  "$KPIC" run "$EX" --bind orders=parquet:"$tmp/nulls.parquet" --metric sales --by store $args --format json \
    > "$tmp/pq.json" 2> "$tmp/pq.err"
  grep -q "row(s) of .orders. have no .ordered_at." "$tmp/csv.err" || { cat "$tmp/csv.err"; head -3 "$tmp/nulls.csv"; fail "no null times in the CSV?"; }
  same_json "$tmp/csv.json" "$tmp/pq.json" || fail "null times, $args: JSON differs"
  diff <(grep "have no" "$tmp/csv.err") <(grep "have no" "$tmp/pq.err") || fail "null times, $args: the warning differs"
done
echo "rows without a time value: the same warning as CSV under --from/--to and a role"

# The as-of date when the rows past --to are in row groups that --to skips:
# row group 0 holds 1-20 March, row group 1 1-20 April (one order a row).
# The data goes on past --to, so the as-of date is the day before --to, as
# from CSV; from Parquet it was 20 March (the skipped group unseen), and 24
# March with a period operator in the run (review, 2026-12-05). The April
# group stays skipped: its statistics say it all.
mkdir -p "$tmp/past"
node --input-type=module -e "
import { createRequire } from 'node:module';
const require = createRequire('$KPIC_NODE_MODULES/');
const { DuckDBInstance } = require('@duckdb/node-api');
const con = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
await con.run(\"CREATE TABLE o AS SELECT CASE WHEN i < 2048 THEN DATE '2026-03-01' + CAST(i % 20 AS INTEGER) ELSE DATE '2026-04-01' + CAST(i % 20 AS INTEGER) END AS day, CAST(1 AS DECIMAL(12,2)) AS amt FROM range(4096) t(i) ORDER BY i\");
await con.run(\"COPY o TO '$tmp/past/o.parquet' (FORMAT parquet, ROW_GROUP_SIZE 2048)\");
"
printf 'package w\nsource o from csv("o.csv") {\n  day: date time\n  amt: decimal(2) unit USD\n}\nmetric amt: USD = sum(o.amt)\nmetric prev: USD = amt.previous\n' > "$tmp/past/p.kpi"
for args in "--metric amt --grain day --from 2026-03-15 --to 2026-03-25|2026-03-24" \
            "--metric amt,prev --grain day --from 2026-03-15 --to 2026-03-25|2026-03-24" \
            "--metric amt --grain month --from 2026-03-01 --to 2026-04-01|2026-03-31" \
            "--metric amt --grain month --from 2026-03-01 --to 2026-03-25|2026-03-24"; do
  IFS='|' read -r run want <<< "$args"
  for engine in interp jit; do
    # shellcheck disable=SC2086
    "$KPIC" run "$tmp/past" --bind o=parquet:"$tmp/past/o.parquet" $run --engine $engine --format json --no-cache \
      --timings > "$tmp/past/out.json" 2> "$tmp/past/err" || { cat "$tmp/past/err"; fail "past --to: $run"; }
    got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["as_of"])' "$tmp/past/out.json")
    [ "$got" = "$want" ] || fail "past --to, $run, $engine: as of $got, expected $want"
    case "$run" in *prev*) ;; *) grep -q "1 row group of 1 file read, 1 row group and 0 files skipped" "$tmp/past/err" ||
      { cat "$tmp/past/err"; fail "past --to, $run: the April row group should be skipped"; } ;; esac
  done
done
echo "rows past --to in skipped row groups: the as-of date is the day before --to"

# Under a role that filters the source, statistics cannot tell whether the
# role's member has rows past --to (they describe every member's); the
# role's audit scan, which has no time range, keeps those row groups read,
# and the past-to scan filters them as CSV's rows. Store A has
# rows on 1-10 March and in April, store B on 11-20 March and in April:
# as A, from 15 to 25 March, the data still goes on past --to (A's April
# rows), so the as-of date is 24 March, as from CSV. A regression check:
# the binary before it gave the same.
node --input-type=module -e "
import { createRequire } from 'node:module';
const require = createRequire('$KPIC_NODE_MODULES/');
const { DuckDBInstance } = require('@duckdb/node-api');
const con = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
await con.run(\"CREATE TABLE o AS SELECT CASE WHEN i < 2048 THEN DATE '2026-03-01' + CAST(i % 20 AS INTEGER) ELSE DATE '2026-04-01' + CAST(i % 20 AS INTEGER) END AS day, CASE WHEN i < 2048 THEN (CASE WHEN i % 20 < 10 THEN 'A' ELSE 'B' END) ELSE (CASE WHEN i % 2 = 0 THEN 'A' ELSE 'B' END) END AS store, CAST(1 AS DECIMAL(12,2)) AS amt FROM range(4096) t(i) ORDER BY i\");
await con.run(\"COPY o TO '$tmp/past/r.parquet' (FORMAT parquet, ROW_GROUP_SIZE 2048)\");
await con.run(\"COPY o TO '$tmp/past/r.csv' (HEADER)\");
"
mkdir -p "$tmp/pastr"
printf 'package w\nsource o from csv("o.csv") {\n  day: date time\n  store: string\n  amt: decimal(2) unit USD\n}\nmetric amt: USD = sum(o.amt)\nrole mgr(s: string) {\n  o where o.store == s\n}\n' > "$tmp/pastr/p.kpi"
for args in "--grain day --from 2026-03-15 --to 2026-03-25 --param s=A|2026-03-24" \
            "--grain month --from 2026-03-01 --to 2026-03-25 --param s=A|2026-03-24" \
            "--grain day --from 2026-03-15 --to 2026-03-25 --param s=B|2026-03-24" \
            "--grain month --from 2026-03-01 --to 2026-03-25 --param s=B|2026-03-24"; do
  IFS='|' read -r run want <<< "$args"
  for bind in "csv:$tmp/past/r.csv" "parquet:$tmp/past/r.parquet"; do
    # shellcheck disable=SC2086
    "$KPIC" run "$tmp/pastr" --bind o="$bind" --metric amt $run --role mgr --format json --no-cache \
      > "$tmp/pastr/out.json" 2> "$tmp/pastr/err" || { cat "$tmp/pastr/err"; fail "past --to under a role: $run"; }
    got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["as_of"])' "$tmp/pastr/out.json")
    [ "$got" = "$want" ] || fail "past --to under a role, $run, $bind: as of $got, expected $want"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("stamp"); print(json.dumps(d, sort_keys=True))' \
      "$tmp/pastr/out.json" > "$tmp/pastr/${bind%%:*}.json"
  done
  cmp -s "$tmp/pastr/csv.json" "$tmp/pastr/parquet.json" || fail "past --to under a role, $run: Parquet's output is not CSV's"
done
echo "rows past --to under a role: the as-of date is the day before --to, from Parquet as from CSV"

# `kpic check --data` reads Parquet too.
"$KPIC" check "$EX" --data "${PQ[@]}" 2> "$tmp/c.err" || { cat "$tmp/c.err"; fail "check --data"; }
grep -q "retail:orders: 12431 rows, 13 columns read from parquet:$tmp/pq/orders.parquet" "$tmp/c.err" ||
  { cat "$tmp/c.err"; fail "check --data: no row count"; }

# Bad files and mismatched declarations: exit 3, naming what is wrong.
mkdir -p "$tmp/bad"
cat > "$tmp/bad/m.kpi" << 'EOF'
source s from parquet("s.parquet") {
  ordered_at: timestamp time "下单时间"
  amount:     int
}
metric total = sum(s.amount)
EOF
expect3() {
  local what=$1 pattern=$2
  shift 2
  set +e
  "$KPIC" run "$@" > /dev/null 2> "$tmp/e.err"
  local rc=$?
  set -e
  [ $rc -eq 3 ] || { cat "$tmp/e.err"; fail "$what: exit $rc, not 3"; }
  grep -q -- "$pattern" "$tmp/e.err" || { cat "$tmp/e.err"; fail "$what: message lacks $pattern"; }
}
cp "$tmp/pq/orders.parquet" "$tmp/bad/s.parquet"
expect3 "a decimal declared int" 's.parquet: column .amount.: is declared .int. but the Parquet file has .INT64 DECIMAL(18,2).' \
  "$tmp/bad" --metric total
sed -i 's/amount:     int/amount:     decimal(2)\n  missing: string/' "$tmp/bad/m.kpi"
sed -i 's/^metric total = sum(s.amount)$/metric total = sum(s.amount) where s.missing == "x"/' "$tmp/bad/m.kpi"
expect3 "a missing column" 's.parquet.*missing' "$tmp/bad" --metric total
sed -i 's/^  missing: string$/  missing: int/' "$tmp/bad/m.kpi"
sed -i 's/where s.missing == "x"/where s.missing == 1/' "$tmp/bad/m.kpi"
node --input-type=module -e "
import { createRequire } from 'node:module';
const require = createRequire('$KPIC_NODE_MODULES/');
const { DuckDBInstance } = require('@duckdb/node-api');
const con = await (await DuckDBInstance.create(':memory:')).connect();
await con.run(\"COPY (SELECT TIMESTAMP '2026-01-01 10:00:00' AS 下单时间, 1.25::DECIMAL(18,2) AS amount, {'a': 1} AS missing) TO '$tmp/bad/nested.parquet' (FORMAT parquet)\");
await con.run(\"COPY (SELECT TIMESTAMP '2026-01-01 10:00:00' + INTERVAL (i) MINUTE AS 下单时间, CASE WHEN i = 3000 THEN 1.255 ELSE 1.25 END::DECIMAL(18,3) AS amount, 1 AS missing FROM range(5000) t(i)) TO '$tmp/bad/digits.parquet' (FORMAT parquet, ROW_GROUP_SIZE 2048)\");
"
expect3 "a nested column" 'nested.parquet.*missing' "$tmp/bad" --bind s=parquet:"$tmp/bad/nested.parquet" --metric total
expect3 "extra digits" 'digits.parquet:3001.*amount.*1.255.*row group 1' "$tmp/bad" \
  --bind s=parquet:"$tmp/bad/digits.parquet" --metric total
# Pruned row groups are not validated (docs/parquet.md, "Decision: row
# groups skipped by statistics are not validated"): three row groups of
# 2048 rows, one month each (days 1-21), amounts 1.25, one of 1.255 in
# February (row 2048 + 1000 + 1). A March window skips January and February
# and sums 2048 x 1.25 = 2560.00; reading February, and check --data, stop
# on the value.
mkdir -p "$tmp/pruned"
node --input-type=module -e "
import { createRequire } from 'node:module';
const require = createRequire('$KPIC_NODE_MODULES/');
const { DuckDBInstance } = require('@duckdb/node-api');
const con = await (await DuckDBInstance.create(':memory:')).connect();
await con.run(\"COPY (SELECT CAST(DATE '2026-01-01' + to_months(CAST(i // 2048 AS INTEGER)) + to_days(CAST(i % 2048 // 100 AS INTEGER)) AS DATE) AS day, CASE WHEN i = 3048 THEN 1.255 ELSE 1.25 END::DECIMAL(18,3) AS amount FROM range(6144) t(i)) TO '$tmp/pruned/s.parquet' (FORMAT parquet, ROW_GROUP_SIZE 2048)\");
"
printf 'source s from parquet("s.parquet") {\n  day: date time\n  amount: decimal(2)\n}\nmetric total = sum(s.amount)\n' > "$tmp/pruned/m.kpi"
"$KPIC" run "$tmp/pruned" --metric total --grain month --from 2026-03-01 --to 2026-04-01 --format csv --timings \
  > "$tmp/pruned/out.csv" 2> "$tmp/pruned/err" || { cat "$tmp/pruned/err"; fail "pruned: a March window stopped"; }
grep -q '^2026-03,2560.00' "$tmp/pruned/out.csv" || { cat "$tmp/pruned/out.csv"; fail "pruned: March is not 2560.00"; }
grep -q '1 row group of 1 file read, 2 row groups and 0 files skipped' "$tmp/pruned/err" ||
  { cat "$tmp/pruned/err"; fail "pruned: January and February were not skipped"; }
expect3 "a bad value in a row group read" 's.parquet:3049.*amount.*1.255.*row group 1' "$tmp/pruned" \
  --metric total --grain month --from 2026-02-01 --to 2026-04-01
set +e
"$KPIC" check "$tmp/pruned" --data > /dev/null 2> "$tmp/pruned/err"
rc=$?
set -e
[ $rc -eq 3 ] && grep -q 's.parquet:3049.*1.255' "$tmp/pruned/err" || { cat "$tmp/pruned/err"; fail "check --data: exit $rc"; }
echo "row groups skipped by statistics are not validated; reading them, and check --data, report the value"
size=$(stat -c %s "$tmp/pq/orders.parquet")
head -c $((size / 2)) "$tmp/pq/orders.parquet" > "$tmp/bad/s.parquet"
expect3 "a truncated file" 's.parquet' "$tmp/bad" --bind s=parquet:"$tmp/bad/s.parquet" --metric total
# A page's bytes overwritten in the middle of the amount column's chunk.
python3 - "$tmp/pq/orders.parquet" "$tmp/bad/s.parquet" << 'EOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
for i in range(4, len(data) // 3):
    data[i] = 0xFF
open(sys.argv[2], "wb").write(bytes(data))
EOF
mkdir -p "$tmp/bad2"
mv "$tmp/bad/s.parquet" "$tmp/bad2/s.parquet"
printf 'source s from parquet("s.parquet") {\n  ordered_at: timestamp time "下单时间"\n  amount: decimal(2)\n}\nmetric total = sum(s.amount)\n' \
  > "$tmp/bad2/m.kpi"
expect3 "a corrupt page" 's.parquet: column `ordered_at`: corrupt or unreadable Parquet data in row group 0 (column chunk at byte offset [0-9]*): page at byte offset' \
  "$tmp/bad2" --metric total
expect3 "no file" 'nothing.parquet' "$tmp/bad" --bind s=parquet:"$tmp/bad/nothing.parquet" --metric total
echo "bad files and declarations: exit 3 with the file, column, row group and offset or value"

# SQL: DuckDB reads the same files through read_parquet, and agrees.
"$KPIC" sql "$EX" "${HIVE[@]}" --metric sales,order_count --by store --grain year --dialect duckdb > "$tmp/q.sql"
grep -q "read_parquet('$tmp/pq/orders_by_store/\*\*/\*.parquet', hive_partitioning = true" "$tmp/q.sql" ||
  { head -30 "$tmp/q.sql"; fail "no read_parquet of the folder"; }
# (Through a file: `grep -q` quits at its match, and under pipefail the
# SIGPIPE kpic then gets on a longer output failed the pipeline.)
"$KPIC" sql "$EX" "${PQ[@]}" --metric sales --dialect postgres > "$tmp/pg.sql"
grep -q 'FROM "orders" AS t0' "$tmp/pg.sql" || fail "postgres: a Parquet source is not the table of its name"
node --input-type=module -e "
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
const require = createRequire('$KPIC_NODE_MODULES/');
const { DuckDBInstance } = require('@duckdb/node-api');
const con = await (await DuckDBInstance.create(':memory:')).connect();
const rows = (await con.runAndReadAll(readFileSync('$tmp/q.sql', 'utf8'))).getRows();
for (const r of rows) console.log(r.map((v) => v === null ? '' : String(v)).join(','));
" | sed 's/-01-01,/,/' | sort > "$tmp/duck.csv"
"$KPIC" run "$EX" "${HIVE[@]}" --metric sales,order_count --by store --grain year --format csv |
  tail -n +2 | sort > "$tmp/kpic.csv"
[ "$(wc -l < "$tmp/kpic.csv")" -ge 12 ] || fail "kpic sql: too few rows"
diff "$tmp/kpic.csv" "$tmp/duck.csv" > /dev/null || { diff "$tmp/kpic.csv" "$tmp/duck.csv" | head; fail "DuckDB's read_parquet disagrees"; }
echo "kpic sql --dialect duckdb over Parquet: the same $(wc -l < "$tmp/kpic.csv") rows as kpic run"

# The stamp hashes each Parquet file, its footer and each row group on its
# own (docs/cli.md, "Stamps"): the ranges tile the file between the magic
# numbers, and each hash is xxhsum's over those bytes (an independent
# XXH3-128). A folder lists every file of the dataset.
if command -v xxhsum > /dev/null; then
  "$KPIC" run "$EX" "${PQ[@]}" --metric sales --grain all --format json > "$tmp/st.json" 2> /dev/null || fail "stamp run"
  python3 - "$tmp/st.json" "$tmp/pq/orders.parquet" > "$tmp/ranges" <<'PY' || fail "stamp: the footer and row groups do not tile the file"
import json, os, sys
d = json.load(open(sys.argv[1]))
f = d["stamp"]["data"]["orders"]["files"][0]
size = os.path.getsize(sys.argv[2])
parts = sorted([(g["offset"], g["size"], g["xxh3_128"]) for g in f["row_groups"]] +
               [(f["footer"]["offset"], f["footer"]["size"], f["footer"]["xxh3_128"])])
assert f["size"] == size and len(f["row_groups"]) >= 1
assert parts[0][0] == 4 and parts[-1][0] + parts[-1][1] == size - 8, parts
assert all(a[0] + a[1] <= b[0] for a, b in zip(parts, parts[1:])), parts
for off, n, h in parts:
    print(off, n, h)
PY
  while read -r off n h; do
    python3 -c "f = open('$tmp/pq/orders.parquet', 'rb'); f.seek($off); open('$tmp/part', 'wb').write(f.read($n))"
    got=$(xxhsum -H2 "$tmp/part" | cut -d' ' -f1)
    [ "$got" = "$h" ] || fail "stamp: the range at $off ($n bytes) hashes to $got, not $h"
  done < "$tmp/ranges"
  "$KPIC" run "$EX" "${HIVE[@]}" --metric sales --grain all --format json > "$tmp/st.json" 2> /dev/null
  python3 -c "
import json, sys
d = json.load(open('$tmp/st.json'))
files = d['stamp']['data']['orders']['files']
assert len(files) == $(find "$tmp/pq/orders_by_store" -type f | wc -l) and all('row_groups' in f for f in files), files
" || fail "stamp: the dataset's files"
  echo "stamps of Parquet files: the footer and $(wc -l < "$tmp/ranges") part(s) hashed as xxhsum does"
fi
