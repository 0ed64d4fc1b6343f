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
# The schema is unique to this run: two suites may share the server.
S="kpic_run_$$"
psql -q -v ON_ERROR_STOP=1 "$URI" <<SQL
DROP SCHEMA IF EXISTS $S CASCADE;
CREATE SCHEMA $S;
CREATE TABLE $S.orders (order_id text, "下单时间" timestamp, store text, channel text, customer_type text,
  customer_id text, product_id text, quantity int, amount numeric(12,2), discount numeric(12,2), returned boolean,
  is_repeat boolean, shipped_at timestamp);
CREATE TABLE $S.traffic (day date, store text, channel text, visitors int);
CREATE TABLE $S.products (product_id text, "商品名称" text, category text, unit_cost numeric(12,2));
\copy $S.orders FROM '$ROOT/examples/retail/data/orders.csv' WITH (FORMAT csv, HEADER true)
\copy $S.traffic FROM '$ROOT/examples/retail/data/traffic.csv' WITH (FORMAT csv, HEADER true)
\copy $S.products FROM '$ROOT/examples/retail/data/products.csv' WITH (FORMAT csv, HEADER true)
-- The same orders with absolute instants (timestamptz), loaded as Shanghai time.
SET timezone = 'Asia/Shanghai';
CREATE TABLE $S.orders_tz AS SELECT * FROM $S.orders WHERE false;
ALTER TABLE $S.orders_tz ALTER COLUMN "下单时间" TYPE timestamptz;
\copy $S.orders_tz FROM '$ROOT/examples/retail/data/orders.csv' WITH (FORMAT csv, HEADER true)
SQL
binds=(--bind "orders=$URI#$S.orders" --bind "traffic=$URI#$S.traffic")
for engine in jit interp; do
  for args in "--goal grow_sales" "--metric sales,conversion,aov,repurchase_rate --by channel --grain quarter"; do
    # shellcheck disable=SC2086
    "$KPIC" run "$ROOT/examples/retail" $args --engine $engine --format json > "$tmp/csv.json"
    # shellcheck disable=SC2086
    "$KPIC" run "$ROOT/examples/retail" $args --engine $engine --format json "${binds[@]}" > "$tmp/pg.json"
    # The stamps name different bindings: left out (tests/cli/unstamp.py).
    python3 "$ROOT/tests/cli/unstamp.py" "$tmp/csv.json" "$tmp/pg.json"
    diff "$tmp/csv.json" "$tmp/pg.json" > /dev/null || { diff "$tmp/csv.json" "$tmp/pg.json" | head; exit 1; }
    echo "$engine, $args: PostgreSQL and CSV agree ($(wc -c < "$tmp/pg.json") bytes)"
  done
done

# --engine postgres: the scans run inside PostgreSQL; every output format must
# equal the embedded engine's over the CSV files, byte for byte.
push=(--engine postgres --bind "orders=$URI#$S.orders" --bind "traffic=$URI#$S.traffic"
  --bind "products=$URI#$S.products")
for args in "--goal grow_sales" "--goal keep_customers" "--report weekly" \
    "--metric sales,conversion,aov,repurchase_rate,gross_profit,ship_hours,vip_share --by channel --grain quarter" \
    "--metric sales,gross_profit --by category --grain month" \
    "--metric sales --by store --role store_manager --param store_id=北京朝阳店"; do
  for format in json table csv html; do
    # shellcheck disable=SC2086
    "$KPIC" run "$ROOT/examples/retail" $args --format $format > "$tmp/csv.out" 2> "$tmp/csv.err"
    # shellcheck disable=SC2086
    "$KPIC" run "$ROOT/examples/retail" $args --format $format "${push[@]}" > "$tmp/pg.out" 2> "$tmp/pg.err"
    python3 "$ROOT/tests/cli/unstamp.py" "$tmp/csv.out" "$tmp/pg.out"
    diff "$tmp/csv.out" "$tmp/pg.out" > /dev/null || { echo "--engine postgres differs: $args --format $format"; diff "$tmp/csv.out" "$tmp/pg.out" | head; exit 1; }
    diff "$tmp/csv.err" "$tmp/pg.err" > /dev/null || { echo "--engine postgres warns differently: $args"; diff "$tmp/csv.err" "$tmp/pg.err" | head; exit 1; }
  done
  echo "--engine postgres, $args: all formats equal the embedded engine's"
done
# timestamptz columns are read in the calendar's zone.
"$KPIC" run "$ROOT/examples/retail" --metric sales,order_count --grain day --format csv > "$tmp/csv.out"
"$KPIC" run "$ROOT/examples/retail" --metric sales,order_count --grain day --format csv "${push[@]}" \
  --bind "orders=$URI#$S.orders_tz" > "$tmp/pg.out"
diff "$tmp/csv.out" "$tmp/pg.out" > /dev/null || { echo "timestamptz days differ"; diff "$tmp/csv.out" "$tmp/pg.out" | head; exit 1; }
echo "--engine postgres over timestamptz: the same days"
# A source that is not in PostgreSQL is refused (exit 2), naming it.
set +e
"$KPIC" run "$ROOT/examples/retail" --goal grow_sales --engine postgres --bind "orders=$URI#$S.orders" \
  > /dev/null 2> "$tmp/err"
rc=$?
set -e
[ $rc -eq 2 ] && grep -q "is bound to csv" "$tmp/err" || { echo "expected exit 2 naming a CSV source, got $rc"; cat "$tmp/err"; exit 1; }
# A duplicated lookup key is a data error (exit 3) naming the key and value.
psql -q "$URI" -c "INSERT INTO $S.products SELECT * FROM $S.products WHERE product_id = 'P003'"
set +e
"$KPIC" run "$ROOT/examples/retail" --metric gross_profit "${push[@]}" > /dev/null 2> "$tmp/err"
rc=$?
set -e
[ $rc -eq 3 ] && grep -q "P003" "$tmp/err" && grep -q "duplicated" "$tmp/err" ||
  { echo "expected exit 3 for the duplicated key, got $rc"; cat "$tmp/err"; exit 1; }
echo "--engine postgres refuses CSV sources (2) and duplicated lookup keys (3)"
# A dropped connection: the server terminates kpic's backend in the middle
# of a slow query; kpic stops with a data error naming the (masked) URI and
# writes nothing, both pushed down and through the cursor. (The pushed-down
# query is longer than pg_stat_activity keeps, 1024 bytes, so the view's name
# may be cut off: the time column's name finds it too.)
psql -q "$URI" -c "DELETE FROM $S.products a USING $S.products b WHERE a.ctid > b.ctid AND a.product_id = b.product_id"
psql -q "$URI" -c "CREATE VIEW $S.orders_slow AS SELECT o.* FROM $S.orders o WHERE pg_sleep(0.001)::text IS NOT NULL"
for mode in postgres interp; do
  ( sleep 1
    psql -q -X "$URI" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()
      AND (query ILIKE '%$S%orders_slow%' OR query ILIKE '%下单时间%' OR query ILIKE 'FETCH FORWARD%')" > /dev/null ) &
  killer=$!
  set +e
  "$KPIC" run "$ROOT/examples/retail" --metric sales --engine $mode "${push[@]:2}" --bind "orders=$URI#$S.orders_slow" \
    --format json -o "$tmp/dropped.json" > /dev/null 2> "$tmp/err"
  rc=$?
  set -e
  wait $killer
  [ $rc -eq 3 ] && grep -q "postgresql://postgres@127.0.0.1" "$tmp/err" && grep -Eiq "terminat|connection" "$tmp/err" &&
    [ ! -e "$tmp/dropped.json" ] ||
    { echo "a dropped connection (--engine $mode) should exit 3 naming the URI, got $rc:"; cat "$tmp/err"; exit 1; }
  echo "dropped PostgreSQL connection (--engine $mode): exit 3, no output"
done
# W0701 for a lookup reached through another lookup: --engine postgres
# warns of it as the embedded engine does (a regression: it said nothing).
N="$ROOT/tests/engine/nested_lookup"
psql -q -v ON_ERROR_STOP=1 "$URI" <<SQL
CREATE TABLE $S.n_orders (id text, ts timestamp, product_id text, amount numeric(12,2));
CREATE TABLE $S.n_products (product_id text, maker_id text);
CREATE TABLE $S.n_makers (maker_id text, region text);
\copy $S.n_orders FROM '$N/orders.csv' WITH (FORMAT csv, HEADER true)
\copy $S.n_products FROM '$N/products.csv' WITH (FORMAT csv, HEADER true)
\copy $S.n_makers FROM '$N/makers.csv' WITH (FORMAT csv, HEADER true)
SQL
want='warning[W0701]: 1 row(s) have a `maker_id` not found in `makers` (for example `ZZ`); their `region` is null'
"$KPIC" run "$N/p.kpi" --metric total --by region --grain all > /dev/null 2> "$tmp/n_csv"
"$KPIC" run "$N/p.kpi" --metric total --by region --grain all --engine postgres --bind "orders=$URI#$S.n_orders" \
  --bind "products=$URI#$S.n_products" --bind "makers=$URI#$S.n_makers" > /dev/null 2> "$tmp/n_pg"
for f in n_csv n_pg; do
  grep -qF -- "$want" "$tmp/$f" || { echo "$f lacks the nested lookup's W0701:"; cat "$tmp/$f"; exit 1; }
done
echo "a lookup through a lookup: W0701 from the embedded engine and --engine postgres"
# Over all time within a window, a re-aggregation over stores counts the
# stores with rows in the window only (C's rows are in February, B's from
# 10 March), as the embedded engines do (tests/cli/run.sh works the values
# out by hand): 1-15 March 7/6, 1-9 March 1/3.
W="$tmp/winmem"
mkdir -p "$W"
printf 'package w\ndimension store: string\nsource o from csv("o.csv") {\n  day: date time\n  store: string -> store\n  amt: decimal(2) unit USD\n}\nmetric amt: USD = sum(o.amt)\nmetric aw: USD = avg(amt by week, store)\n' > "$W/p.kpi"
psql -q -v ON_ERROR_STOP=1 "$URI" -c "CREATE TABLE $S.w_o (day date, store text, amt numeric(12,2)); INSERT INTO $S.w_o VALUES ('2026-03-03','A',1),('2026-03-10','A',2),('2026-03-10','B',4),('2026-02-10','C',8)"
for win in "2026-03-16 1.1667" "2026-03-10 0.3333"; do
  read -r to want <<< "$win"
  got=$("$KPIC" run "$W" --metric aw --grain all --from 2026-03-01 --to "$to" --engine postgres --bind "o=$URI#$S.w_o" \
    --format json --no-cache | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["results"][0]["rows"][0]["value"])')
  [ "$got" = "$want" ] || { echo "members in the window to $to: $got, expected $want"; exit 1; }
done
got=$("$KPIC" run "$W" --metric amt,aw --by store --grain all --from 2026-03-01 --to 2026-03-16 --engine postgres \
  --bind "o=$URI#$S.w_o" --format json --no-cache | python3 -c 'import json,sys; print(sorted({x["store"] for r in json.load(sys.stdin)["results"] for x in r["rows"]}))')
[ "$got" = "['A', 'B']" ] || { echo "stores listed in the window: $got, expected A and B"; exit 1; }
echo "a re-aggregation over members within a window: the members with rows in it"
# Rows past --to (B's 10 March) make the as-of date the day before --to,
# also when the only metric's scan by month leaves them out (7 March, not
# A's last sale on 3 March).
got=$("$KPIC" run "$W" --metric amt --grain month --from 2026-02-01 --to 2026-03-08 --engine postgres \
  --bind "o=$URI#$S.w_o" --format json --no-cache | python3 -c 'import json,sys; print(json.load(sys.stdin)["as_of"])')
[ "$got" = "2026-03-07" ] || { echo "as of with rows past --to: $got, expected 2026-03-07"; exit 1; }
echo "rows past --to: the as-of date is the day before --to"
# A bad value met inside PostgreSQL (a float with more places than its
# decimal(2) column, on the 3rd row) is named by its row and value, as the
# embedded engine names it. Under a role only what failed is shown, with
# neither row nor value (kpic's read would meet rows outside the role, which
# PostgreSQL filtered out). A role whose filter leaves that row out runs.
# With the URI's extra_float_digits=0 the embedded reader must not see the
# value rounded to 0.3.
psql -q -v ON_ERROR_STOP=1 "$URI" -c "CREATE TABLE $S.w_bad (day date, store text, amt double precision); INSERT INTO $S.w_bad VALUES ('2026-03-01','A',1.5),('2026-03-02','A',2.25),('2026-03-03','B',0.1::float8 + 0.2::float8),('2026-03-04','A',4)"
printf 'role mgr(s: string) {\n  o where o.store == s\n}\n' >> "$W/p.kpi"
sep='?'; case "$URI" in *\?*) sep='&';; esac
bad_run() {  # ENGINE URI [ROLE ARGS...]: exit code, stderr in $tmp/err
  local engine=$1 uri=$2; shift 2
  set +e
  "$KPIC" run "$W" --metric amt --engine "$engine" --bind "o=${uri}#$S.w_bad" --no-cache "$@" > /dev/null 2> "$tmp/err"
  rc=$?
  set -e
}
want_row="$URI#$S.w_bad:3: column \`amt\`: value \`0.30000000000000004\` has more than 2 digits"
for engine in interp postgres; do
  for uri in "$URI" "${URI}${sep}options=-c%20extra_float_digits%3D0"; do
    bad_run $engine "$uri"
    [ $rc -eq 3 ] && grep -qF -- "${want_row/$URI/$uri}" "$tmp/err" ||
      { echo "bad value ($engine, $uri): expected exit 3 naming row 3 and its value, got $rc:"; cat "$tmp/err"; exit 1; }
  done
done
bad_run interp "$URI" --role mgr --param s=B
[ $rc -eq 3 ] && grep -qF "$URI#$S.w_bad:3: column \`amt\`: a row that may be outside role" "$tmp/err" ||
  { echo "bad value (interp, role): expected exit 3 naming row 3, got $rc:"; cat "$tmp/err"; exit 1; }
bad_run postgres "$URI" --role mgr --param s=B
[ $rc -eq 3 ] && grep -qF "the scan of \`o\` failed; the database's message is not shown" "$tmp/err" ||
  { echo "bad value (postgres, role): expected exit 3 and only what failed, got $rc:"; cat "$tmp/err"; exit 1; }
! grep -q "0\.3000\|:3:" "$tmp/err" || { echo "the bad value or its row shows under a role:"; cat "$tmp/err"; exit 1; }
got=$("$KPIC" run "$W" --metric amt --grain all --engine postgres --bind "o=$URI#$S.w_bad" --no-cache --role mgr --param s=A \
  --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["rows"][0]["value"])')
[ "$got" = "7.75" ] || { echo "role mgr, store A: $got, expected 7.75 (1.5 + 2.25 + 4)"; exit 1; }
echo "a bad value inside PostgreSQL: named by its row (3) and value; under a role, only what failed"
# A view whose cast fails on another member's row: PostgreSQL's message
# quotes the value. Under a role it is never shown, by either engine (the
# embedded reader reads every row; a pushed-down scan may meet it before
# the role's filter), also when bursting.
psql -q -v ON_ERROR_STOP=1 "$URI" -c "CREATE TABLE $S.w_raw (day date, store text, amt text); INSERT INTO $S.w_raw VALUES ('2026-03-01','B','1.5'),('2026-03-02','A','SECRET-OF-A'),('2026-03-03','B','2'); CREATE VIEW $S.w_view AS SELECT day, store, amt::float8 AS amt FROM $S.w_raw"
for engine in interp postgres; do
  for args in "--role mgr --param s=B" "--role mgr --each s=B -o $tmp/burst" "--role mgr --each s -o $tmp/burst"; do
    set +e
    # shellcheck disable=SC2086
    "$KPIC" run "$W" --metric amt --engine $engine --bind "o=$URI#$S.w_view" --no-cache $args > "$tmp/out" 2> "$tmp/err"
    rc=$?
    set -e
    ! grep -rq "SECRET" "$tmp/err" "$tmp/out" $([ -d "$tmp/burst" ] && echo "$tmp/burst") ||
      { echo "a value outside the role leaks ($engine, $args):"; cat "$tmp/err"; exit 1; }
    rm -rf "$tmp/burst"
    # postgres filters first and may run; the embedded engine reads every row and stops
    # ... nor its SQLSTATE: 22P02 (invalid text representation) says what
    # kind of value another member's row holds.
    [ $engine = postgres ] || { [ $rc -eq 3 ] && grep -q "query failed; the database's message is not shown" "$tmp/err"; } ||
      { echo "the view's failure ($engine, $args): expected exit 3 without PostgreSQL's message, got $rc:"; cat "$tmp/err"; exit 1; }
  done
done
# A code a view's function makes from a row (`RAISE ... USING ERRCODE`):
# never shown under a role (review, 2026-12-06: `SQLSTATE PIN42`), also in
# a class whose fixed codes are shown (57: `57` and three letters of A's).
psql -q -v ON_ERROR_STOP=1 "$URI" <<SQL
CREATE FUNCTION $S.coded(t text) RETURNS float8 LANGUAGE plpgsql AS \$\$
BEGIN IF t !~ '^[0-9.]+\$' THEN RAISE EXCEPTION 'bad' USING ERRCODE = '57' || upper(substr(t, 1, 3)); END IF; RETURN t::float8; END \$\$;
CREATE VIEW $S.w_coded AS SELECT day, store, $S.coded(amt) AS amt FROM $S.w_raw;
SQL
set +e
"$KPIC" run "$W" --metric amt --engine interp --bind "o=$URI#$S.w_coded" --no-cache --role mgr --param s=B > "$tmp/out" 2> "$tmp/err"
rc=$?
set -e
[ $rc -eq 3 ] && grep -q "query failed; the database's message is not shown" "$tmp/err" && ! grep -q "SEC\|SQLSTATE" "$tmp/err" ||
  { echo "a code made from another member's row shows under a role:"; cat "$tmp/err"; exit 1; }
# A statement timeout quotes no row: under a role its SQLSTATE (57014,
# query_canceled) tells the analyst what happened.
psql -q -v ON_ERROR_STOP=1 "$URI" -c "CREATE VIEW $S.w_slow AS SELECT day, store, amt::float8 + 0 * (SELECT count(*) FROM pg_sleep(2)) AS amt FROM $S.w_raw WHERE store = 'B'"
for engine in interp postgres; do
  set +e
  "$KPIC" run "$W" --metric amt --engine $engine --bind "o=${URI}${sep}options=-c%20statement_timeout%3D200#$S.w_slow" --no-cache \
    --role mgr --param s=B > "$tmp/out" 2> "$tmp/err"
  rc=$?
  set -e
  [ $rc -eq 3 ] && grep -q "failed (SQLSTATE 57014); the database's message is not shown" "$tmp/err" ||
    { echo "a statement timeout under a role ($engine): expected exit 3 with SQLSTATE 57014, got $rc:"; cat "$tmp/err"; exit 1; }
done
set +e
"$KPIC" run "$W" --metric amt --engine interp --bind "o=$URI#$S.w_view" --no-cache > /dev/null 2> "$tmp/err"
set -e
grep -q "SECRET-OF-A" "$tmp/err" || { echo "without a role, PostgreSQL's message should be shown:"; cat "$tmp/err"; exit 1; }
# A value that reads like kpic's own check (`kpic: ...`) is no exception,
# nor a warning a view's function raises (libpq printed it on stderr).
psql -q -v ON_ERROR_STOP=1 "$URI" <<SQL
UPDATE $S.w_raw SET amt = 'kpic: SECRET-OF-A' WHERE store = 'A';
CREATE FUNCTION $S.loud(t text) RETURNS float8 LANGUAGE plpgsql AS \$\$
BEGIN IF t LIKE 'SECRET%' THEN RAISE WARNING 'odd amount %', t; RETURN 0; END IF; RETURN t::float8; END \$\$;
CREATE VIEW $S.w_loud AS SELECT day, store, $S.loud(amt) AS amt FROM $S.w_raw;
UPDATE $S.w_raw SET amt = 'SECRET-OF-A' WHERE store = 'A';
SQL
for engine in interp postgres; do
  for view in w_view w_loud; do
    [ $view = w_view ] && psql -q "$URI" -c "UPDATE $S.w_raw SET amt = 'kpic: SECRET-OF-A' WHERE store = 'A'"
    [ $view = w_loud ] && psql -q "$URI" -c "UPDATE $S.w_raw SET amt = 'SECRET-OF-A' WHERE store = 'A'"
    set +e
    "$KPIC" run "$W" --metric amt --engine $engine --bind "o=$URI#$S.$view" --no-cache --role mgr --param s=B > "$tmp/out" 2> "$tmp/err"
    set -e
    ! grep -q "SECRET" "$tmp/err" "$tmp/out" || { echo "a value outside the role leaks ($engine, $view):"; cat "$tmp/err"; exit 1; }
  done
done
echo "a view's failed cast or warning: the database's message never shown under a role (interp, postgres, --each)"
psql -q "$URI" -c "DROP SCHEMA $S CASCADE"
