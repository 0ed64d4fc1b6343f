#!/usr/bin/env bash
# `kpic test --engine postgres`: the data tests' shop (tests/datatests/shop)
# loaded into the test server, its expectations judged inside PostgreSQL,
# with the outcomes worked out by hand in datatests.sh (7 of 15 fail; the
# duplicate O5, the unknown P9, the channel `phone`, store B's 670.00 in
# February), and under role store_a none of store B's failures.
# usage: pg_test.sh KPIC ROOT   (needs the server of `scripts/pg start`)
set -u
KPIC="$1"
ROOT="$2"
URI="${KPIC_PG_URI:-postgresql://postgres@127.0.0.1:55432/postgres}"
TMP=$(mktemp -d)
# The schema is unique to this run: two suites may share the server.
S="kpic_dt_$$"
trap 'rm -rf "$TMP"; psql -q "$URI" -c "DROP SCHEMA IF EXISTS $S CASCADE" >/dev/null 2>&1' EXIT
source "$ROOT/tests/cli/expect.sh"
D="$ROOT/tests/datatests/shop/data"
psql -q -v ON_ERROR_STOP=1 "$URI" >/dev/null <<SQL || { echo "cannot load the shop into PostgreSQL"; exit 1; }
DROP SCHEMA IF EXISTS $S CASCADE;
CREATE SCHEMA $S;
CREATE TABLE $S.orders (order_id text, day date, store text, channel text, product_id text, amount numeric(12,2));
CREATE TABLE $S.products (product_id text, name text, category_id text);
CREATE TABLE $S.categories (category_id text, name text);
CREATE TABLE $S.ledger (day date, store text, revenue numeric(12,2));
\copy $S.orders FROM '$D/orders.csv' WITH (FORMAT csv, HEADER true)
\copy $S.products FROM '$D/products.csv' WITH (FORMAT csv, HEADER true)
\copy $S.categories FROM '$D/categories.csv' WITH (FORMAT csv, HEADER true)
\copy $S.ledger FROM '$D/ledger.csv' WITH (FORMAT csv, HEADER true)
SQL
binds=()
for s in orders products categories ledger; do binds+=(--bind "$s=$URI#$S.$s"); done
t=("$KPIC" test "$ROOT/tests/datatests/shop" --as-of 2026-03-12 --state "$TMP/state.tsv" --engine postgres "${binds[@]}")
status='{x["name"]: x["status"] for x in d["expectations"]}'
one='next(x for x in d["expectations"] if x["name"] == "'

expect "postgres: json" 6 "${t[@]}" --format json
json "sorted(d['summary'].items())" "[('errors', 0), ('failed', 7), ('passed', 8), ('skipped', 0), ('total', 15)]"
json "sorted(k for k, v in ${status}.items() if v == 'fail')" \
  "['ledger fresh within 2 days', 'orders.channel in (\"store\", \"online\")', 'orders.order_id unique', 'orders.product_id found in products', 'orders.product_id not null', 'sales between 0 CNY and 500 CNY by month, store', 'sales reconciles with revenue by month, store within 1%']"
json "[(x['failing_rows'], x['example']) for x in [${one}orders.order_id unique\")]]" "[(2, 'O5')]"
json "[(x['failing_rows'], x['example']) for x in [${one}orders.product_id found in products\")]]" "[(1, 'P9')]"
json "${one}sales between 0 CNY and 500 CNY by month, store\")['failures']" \
  "[{'actual': '670.00', 'expected': 'between 0 CNY and 500 CNY', 'members': {'store': 'B'}, 'period': '2026-02'}]"
# The same outcomes as the embedded engine's, expectation by expectation.
cp "$TMP/out" "$TMP/pg.json"
rm -f "$TMP/state.tsv"
"$KPIC" test "$ROOT/tests/datatests/shop" --as-of 2026-03-12 --state "$TMP/state.tsv" --format json >"$TMP/embedded.json" 2>/dev/null
python3 - "$TMP/pg.json" "$TMP/embedded.json" <<'PY' && passed=$((passed + 1)) || failed=$((failed + 1))
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda d: [(x["name"], x["status"], x.get("failures")) for x in d["expectations"]]
if key(a) != key(b):
    print("FAIL: --engine postgres and the embedded engine disagree")
    sys.exit(1)
PY
# Under store A's role: none of store B's failures (O5, P9, phone, 670.00).
expect "postgres: role" 6 "${t[@]}" --role store_a --param s=A --format json
lacks out 'O5'
lacks out 'P9'
lacks out 'phone'
lacks out '670.00'

# A duplicated key in the products table: inside PostgreSQL too, `unique`
# fails and `found in products` is an error naming the key, not a crash.
expect "postgres: stamped" 6 "${t[@]}" --format json -o "$TMP/pg_stamp.json"
expect "postgres: verify, unchanged" 0 "$KPIC" verify "$TMP/pg_stamp.json"
psql -q "$URI" -c "INSERT INTO $S.products VALUES ('P2', 'bag again', 'C1')" >/dev/null
# A database has no content hash: verify replays the test inside it.
expect "postgres: verify after an insert" 7 "$KPIC" verify "$TMP/pg_stamp.json"
expect "postgres: dup key" 6 "${t[@]}" --format json
json "sorted(k for k, v in ${status}.items() if v == 'error')" "['orders.product_id found in products']"
json "${one}products.product_id unique\")['status'], d['summary']['errors']" "fail 1"

echo "datatests on postgres: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
