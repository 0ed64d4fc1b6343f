#!/usr/bin/env bash
# `kpic run` over PostgreSQL: the flagship example's orders and traffic are
# loaded into the test server (COPY of the same CSV files), and the goals and
# a breakdown evaluated from PostgreSQL (streamed through the cursor into the
# compiled scans, or read whole by the interpreter) must print exactly what
# the CSV files give.
# usage: pg_run.sh KPIC ROOT   (needs the server of `scripts/pg start`)
set -euo pipefail
KPIC=$1 ROOT=$2
URI="${KPIC_PG_URI:-postgresql://postgres@127.0.0.1:55432/postgres}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export KPIC_CACHE_DIR="$tmp/cache"
psql -q -v ON_ERROR_STOP=1 "$URI" <<SQL
DROP SCHEMA IF EXISTS kpic_run CASCADE;
CREATE SCHEMA kpic_run;
CREATE TABLE kpic_run.orders (order_id text, "下单时间" timestamp, store text, channel text, customer_type text,
  customer_id text, product_id text, quantity int, amount numeric(12,2), discount numeric(12,2), returned boolean,
  is_repeat boolean, shipped_at timestamp);
CREATE TABLE kpic_run.traffic (day date, store text, channel text, visitors int);
\copy kpic_run.orders FROM '$ROOT/examples/retail/data/orders.csv' WITH (FORMAT csv, HEADER true)
\copy kpic_run.traffic FROM '$ROOT/examples/retail/data/traffic.csv' WITH (FORMAT csv, HEADER true)
SQL
binds=(--bind "orders=$URI#kpic_run.orders" --bind "traffic=$URI#kpic_run.traffic")
for engine in jit interp; do
  for args in "--goal grow_sales" "--metric sales,conversion,aov,repurchase_rate --by channel --grain quarter"; do
    # shellcheck disable=SC2086
    "$KPIC" run "$ROOT/examples/retail" $args --engine $engine --format json > "$tmp/csv.json"
    # shellcheck disable=SC2086
    "$KPIC" run "$ROOT/examples/retail" $args --engine $engine --format json "${binds[@]}" > "$tmp/pg.json"
    diff "$tmp/csv.json" "$tmp/pg.json" > /dev/null || { diff "$tmp/csv.json" "$tmp/pg.json" | head; exit 1; }
    echo "$engine, $args: PostgreSQL and CSV agree ($(wc -c < "$tmp/pg.json") bytes)"
  done
done
psql -q "$URI" -c "DROP SCHEMA kpic_run CASCADE"
