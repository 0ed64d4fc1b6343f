#!/usr/bin/env bash
# `kpic test` (docs/language.md, "Data tests"; docs/cli.md, `kpic test`) on a
# hand-made shop, every figure worked out by hand from tests/datatests/shop/data:
#   orders  O1 01-05 A store  P1 100   O2 01-20 A online P2 50   O3 01-25 B store P1 200
#           O4 02-03 A store  P2 80    O5 02-10 B phone  P9 600  O5 02-11 B store P1 40
#           O6 02-15 B online -  30    O7 03-01 A online P1 120  O8 03-10 A store P2 60
#   ledger  01-31 A 150  01-31 B 200  02-28 A 80.50  02-28 B 670  03-08 A 150
# Sales by month and store: Jan A 150 B 200, Feb A 80 B 670, Mar A 180.
# With --as-of 2026-03-12: orders end 03-10 (2 days late), the ledger 03-08 (4).
# Failing: O5 twice (2 rows); O6 without a product; `phone` (1 row); P9 not
# in products (1 row); the ledger 4 days late; Feb B sales 670 > 500; Mar A
# sales 180 against 150 in the ledger (20% > 1%). Everything of store B is
# outside role store_a.
set -u
KPIC="$1"
ROOT="$2"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$ROOT/tests/cli/expect.sh"
cp -r "$ROOT/tests/datatests/shop" "$TMP/shop"
PKG="$TMP/shop"
ST="$TMP/state.tsv"
t=("$KPIC" test "$PKG" --as-of 2026-03-12 --state "$ST")
status='{x["name"]: x["status"] for x in d["expectations"]}'
one='next(x for x in d["expectations"] if x["name"] == "'

for engine in interp jit; do
  rm -f "$ST"
  expect "$engine: json" 6 "${t[@]}" --engine "$engine" --format json
  json "sorted(d['summary'].items())" "[('errors', 0), ('failed', 7), ('passed', 8), ('skipped', 0), ('total', 15)]"
  json "sorted(k for k, v in ${status}.items() if v == 'fail')" \
    "['ledger fresh within 2 days', 'orders.channel in (\"store\", \"online\")', 'orders.order_id unique', 'orders.product_id found in products', 'orders.product_id not null', 'sales between 0 CNY and 500 CNY by month, store', 'sales reconciles with revenue by month, store within 1%']"
  json "[(x['failing_rows'], x['example'], x['failure_count'], x['failures']) for x in [${one}orders.order_id unique\")]]" \
    "[(2, 'O5', 1, [{'actual': '2 rows', 'expected': 'once', 'members': {'order_id': 'O5'}}])]"
  json "[(x['failing_rows'], x['example']) for x in [${one}orders.product_id found in products\")]]" "[(1, 'P9')]"
  json "[(x['failing_rows'], x['example']) for x in [${one}orders.channel in (\\\"store\\\", \\\"online\\\")\")]]" "[(1, 'phone')]"
  json "${one}orders.product_id not null\")['failing_rows']" "1"
  json "${one}sales between 0 CNY and 500 CNY by month, store\")['failures']" \
    "[{'actual': '670.00', 'expected': 'between 0 CNY and 500 CNY', 'members': {'store': 'B'}, 'period': '2026-02'}]"
  json "[(f['period'], f['members'], f['actual'][:6]) for f in ${one}sales reconciles with revenue by month, store within 1%\")['failures']]" \
    "[('2026-03', {'store': 'A'}, '180.00')]"
  json "${one}ledger fresh within 2 days\")['failures'][0]['actual']" "2026-03-08"
  json "${one}\")['label'] if False else [x['label'] for x in d['expectations'] if x['label']]" "['产品编号唯一']"
done

# Human output: each failure names its subject, member, period, expected and actual.
expect "human" 6 "${t[@]}"
contains out "FAIL orders.order_id unique"
contains out "1 value of \`orders.order_id\` appears more than once, in 2 rows of \`orders\`; for example \`O5\` (2 rows)"
contains out "\`orders.product_id\` is null in 1 of 9 rows"
contains out "for example \`phone\` (1 row)"
contains out "for example \`P9\` (1 row)"
contains out "the last day of \`ledger\` is 2026-03-08, 4 days before the as-of date 2026-03-12; expected at most 2 days"
contains out "ok   orders fresh within 3 days"
contains out "\`sales\` is not between 0 CNY and 500 CNY in 1 of 4 values; first: 670.00 in 2026-02, store B; not judged, as partial: 2026-03 (2026-03-01 to 2026-03-12)"
contains out "first: 180.00, off by 20.00% in 2026-03, store A, expected 150.00 (revenue) within 1%"
contains out "ok   sales reconciles with revenue by month within 25%"
contains out "kpic test: 15 expectations: 8 passed, 7 failed (as of 2026-03-12)"

# JUnit XML parses, with one testcase per expectation and the failures counted.
expect "junit" 6 "${t[@]}" --format junit -o "$TMP/junit.xml"
python3 - "$TMP/junit.xml" <<'PY' && passed=$((passed + 1)) || { echo "FAIL: junit"; failed=$((failed + 1)); }
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = suite.findall("testcase")
assert root.get("tests") == "15" and root.get("failures") == "7", root.attrib
assert len(cases) == 15 and sum(1 for c in cases if c.find("failure") is not None) == 7
assert any(c.get("name") == 'products.product_id unique "产品编号唯一"' for c in cases)
f = next(c for c in cases if c.get("name") == 'orders.channel in ("store", "online")').find("failure")
assert "phone" in f.get("message") and "orders.channel" in f.get("message")
PY

# Row counts: the first run records 9 and passes; a count of 5 recorded
# before makes 9 an 80% change; a malformed state file is E0607.
json_state() { python3 -c "print(open('$ST').read().split(chr(10))[1])"; }
[ "$(json_state)" = "$(printf 'orders as_of=2026-03-12\t9')" ] && passed=$((passed + 1)) || { echo "FAIL: state $(cat "$ST")"; failed=$((failed + 1)); }
printf '# by hand\norders as_of=2026-03-12\t5\n' > "$ST"
expect "rows change" 6 "${t[@]}" --format json
json "${one}orders rows change within 10%\")['message']" \
  "\`orders\` has 9 rows, more than the 5 of the previous run (80.00%); expected within 10%"
json "${one}orders rows change within 10%\")['status']" "fail"
expect "rows again" 6 "${t[@]}" --format json
json "${one}orders rows change within 10%\")['status']" "pass"
printf 'orders\tmany\n' > "$ST"
expect "bad state" 2 "${t[@]}"
contains err "error[E0607]: $ST:1: not a row count"
# Without --state, the counts go to PACKAGE/.kpic/test-state.tsv.
expect "default state" 6 "$KPIC" test "$PKG" --as-of 2026-03-12
[ -f "$PKG/.kpic/test-state.tsv" ] && passed=$((passed + 1)) || { echo "FAIL: no .kpic/test-state.tsv"; failed=$((failed + 1)); }

rm -f "$ST"
# Under a role, only its rows: store B's duplicate, null, bad value and
# unknown key are neither counted nor shown.
expect "role" 6 "${t[@]}" --role store_a --param s=A --format json
json "sorted(d['summary'].items()), d['role']" "[('errors', 0), ('failed', 2), ('passed', 13), ('skipped', 0), ('total', 15)] store_a"
json "sorted(k for k, v in ${status}.items() if v == 'fail')" \
  "['ledger fresh within 2 days', 'sales reconciles with revenue by month, store within 1%']"
json "${one}orders.product_id not null\")['message']" "\`orders.product_id\` is never null (5 rows)"
for leak in O5 P9 phone 670 O6; do lacks out "$leak"; done
expect "role human" 6 "${t[@]}" --role store_a --param s=A
for leak in O5 P9 phone 670 O6; do lacks out "$leak"; lacks err "$leak"; done
grep -q "orders as_of=2026-03-12 role=store_a s=\"A\"	5" "$ST" && passed=$((passed + 1)) || { echo "FAIL: role state $(cat "$ST")"; failed=$((failed + 1)); }
# Values that differ only in a space or a tab have their own counts: the
# key joined them unescaped, so one member read and overwrote another's
# (attacker's probe, 2026-12-06).
expect "role state, a space" 6 "${t[@]}" --role store_a --param "s=Shop 1"
expect "role state, a tab" 6 "${t[@]}" --role store_a --param "$(printf 's=Shop\t1')"
grep -q 'orders as_of=2026-03-12 role=store_a s="Shop\\x201"'$'\t''0' "$ST" &&
  grep -q 'orders as_of=2026-03-12 role=store_a s="Shop\\x091"'$'\t''0' "$ST" &&
  passed=$((passed + 1)) || { echo "FAIL: role state keys $(cat "$ST")"; failed=$((failed + 1)); }

# Everything holds: exit 0.
cat > "$TMP/ok.kpi" <<'KPI'
package shop
expect products.product_id unique
expect orders.store in ("A", "B")
KPI
mkdir "$TMP/ok" && cp "$PKG/model.kpi" "$TMP/ok.kpi" "$TMP/ok/" && cp -r "$PKG/data" "$TMP/ok/"
expect "all hold" 0 "$KPIC" test "$TMP/ok" --format json
json "sorted(d['summary'].items())" "[('errors', 0), ('failed', 0), ('passed', 2), ('skipped', 0), ('total', 2)]"
# Nothing to test is E0608; a package with errors is exit 1.
rm "$TMP/ok/ok.kpi"
expect "nothing to test" 2 "$KPIC" test "$TMP/ok"
contains err "error[E0608]"
echo 'expect orders.ordr_id unique' >> "$TMP/ok/model.kpi"
expect "check errors" 1 "$KPIC" test "$TMP/ok"
contains err "help: a column with a similar name exists: \`order_id\`"

# A duplicated key in a lookup stops only the checks that join it: the
# `unique` check on that key fails (exit 6) and `found in products` is an
# error naming the file, row and value; the other checks still run. Without
# a `unique` to explain it, the bad data is exit 3, as for `kpic run`.
cp -r "$ROOT/tests/datatests/shop" "$TMP/dup"
printf 'P2,bag again,C1\n' >> "$TMP/dup/data/products.csv"
d=("$KPIC" test "$TMP/dup" --as-of 2026-03-12 --state "$TMP/dup.tsv")
expect "dup key" 6 "${d[@]}" --format json
json "sorted(k for k, v in ${status}.items() if v == 'error')" "['orders.product_id found in products']"
json "${one}products.product_id unique\")['status'], ${one}products.product_id unique\")['example']" "fail P2"
json "[w in ${one}orders.product_id found in products\")['message'] for w in ('products.csv#products:4', 'P2', 'is duplicated (first at data row 2)')]" "[True, True, True]"
json "${one}sales between 0 CNY and 500 CNY by month, store\")['status']" "fail"
json "d['summary']['errors'], d['summary']['failed']" "1 7"
expect "dup key junit" 6 "${d[@]}" --format junit
contains out 'errors="1"'
contains out '<error message="not checked: the data it reads is invalid: '
expect "dup key human" 6 "${d[@]}"
contains out "ERR  orders.product_id found in products"
contains out "1 stopped by invalid data"
mkdir "$TMP/dup3" && cp -r "$TMP/dup/model.kpi" "$TMP/dup/data" "$TMP/dup3/"
printf 'package shop\nexpect orders.store in ("A", "B")\nexpect orders.product_id found in products\n' > "$TMP/dup3/x.kpi"
expect "dup key, no unique" 3 "$KPIC" test "$TMP/dup3" --format json
contains err "error[data]: "
contains err "the key of \`products\` is duplicated"
json "[x['status'] for x in d['expectations']]" "['pass', 'error']"

# The JSON and JUnit carry the stamp; `kpic verify` says whether the
# outcomes still stand: the data and the expectations they read unchanged.
cp -r "$ROOT/tests/datatests/shop" "$TMP/v"
v=("$KPIC" test "$TMP/v" --as-of 2026-03-12 --state "$TMP/v.tsv")
expect "stamped json" 6 "${v[@]}" --format json -o "$TMP/v.json"
cp "$TMP/v.json" "$TMP/out"
json "sorted(d['stamp']['data']), d['stamp']['request']['command']" "['categories', 'ledger', 'orders', 'products'] test"
expect "stamped junit" 6 "${v[@]}" --format junit -o "$TMP/v.xml"
expect "verify test json" 0 "$KPIC" verify "$TMP/v.json"
contains out "the test outcomes still stand"
expect "verify test junit" 0 "$KPIC" verify "$TMP/v.xml"
sed -i 's/within 1%/within 2%/' "$TMP/v/expectations.kpi"
expect "verify changed expectation" 7 "$KPIC" verify "$TMP/v.json"
contains out "expectation \`sales reconciles with revenue by month, store within 1%\` is gone or changed"
sed -i 's/within 2%/within 1%/' "$TMP/v/expectations.kpi"
printf '2026-03-09,A,1.00\n' >> "$TMP/v/data/ledger.csv"
expect "verify changed data" 7 "$KPIC" verify "$TMP/v.xml"
contains out "source \`ledger\`: $TMP/v/data/ledger.csv changed"
expect "role stamp" 6 "${v[@]}" --role store_a --param s=A --format json -o "$TMP/vr.json"
expect "verify role test" 0 "$KPIC" verify "$TMP/vr.json"
# Its stamp holds the role's own row count only, never the whole source's
# or another role's (both are in the state file).
printf 'orders as_of=2026-03-12\t9\norders as_of=2026-03-12 role=store_a s="B"\t4\norders as_of=2026-03-12 role=store_a s="A"\t5\n' > "$TMP/v.tsv"
expect "role stamp, counts" 6 "${v[@]}" --role store_a --param s=A --format json
json "d['stamp']['rows_compared']" "[['orders as_of=2026-03-12 role=store_a s=\"A\"', 5]]"
# Verify replays the test: an edited outcome, or a change that makes a
# check fail (a null token that hides an order id), no longer stands; the
# row counts compared with are the stamp's, and nothing is recorded.
cp "$TMP/v.json" "$TMP/edited.json"
python3 - "$TMP/edited.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for x in d["expectations"]:
    x["status"] = "pass"
json.dump(d, open(sys.argv[1], "w"))
PY
expect "verify edited test output" 7 "$KPIC" verify "$TMP/edited.json"
contains out "the test outcomes no longer stand"
cp -r "$ROOT/tests/datatests/shop" "$TMP/w"
w=("$KPIC" test "$TMP/w" --as-of 2026-03-12 --state "$TMP/w.tsv")
printf 'orders as_of=2026-03-12\t8\n' > "$TMP/w.tsv"
expect "rows stamp" 6 "${w[@]}" --format json -o "$TMP/w.json"
cp "$TMP/w.tsv" "$TMP/w.before"
expect "verify replays rows" 0 "$KPIC" verify "$TMP/w.json"
cmp -s "$TMP/w.tsv" "$TMP/w.before" && passed=$((passed + 1)) || { echo "FAIL: verify wrote the state"; failed=$((failed + 1)); }
sed -i 's|csv("data/ledger.csv")|csv("data/ledger.csv", null: ["", "150.00"])|' "$TMP/w/model.kpi"
grep -q '"150.00"' "$TMP/w/model.kpi" || echo "(the ledger binding was not found to edit)"
expect "verify after a null token" 7 "$KPIC" verify "$TMP/w.json"

# A check that reads only a shifted metric takes its periods from its own
# reads, not from the other checks' (a grain-`all` check once made it run
# from 0000-01): the shop's orders are in Jan-Mar 2026, so last year's
# sales are 3 months of an empty sum, 0 (an empty sum is 0, and checked).
mkdir "$TMP/ly" && cp -r "$PKG/model.kpi" "$PKG/data" "$TMP/ly/"
printf 'package shop\nexpect sales.last_year between 0 CNY and 0 CNY by month\nexpect sales between 0 CNY and 100000 CNY\n' > "$TMP/ly/x.kpi"
expect "shifted metric's periods" 0 "$KPIC" test "$TMP/ly" --as-of 2026-03-12 --format json
# (March, partial as of 2026-03-12, is an amount over part of its days:
# not judged by a range for whole months, and named.)
json "[x['message'] for x in d['expectations']]" "['2 values between 0 CNY and 0 CNY; not judged, as partial: 2026-03 (2026-03-01 to 2026-03-12)', '1 value between 0 CNY and 100000 CNY']"

# A test made from inside its folder (`kpic test .`) verifies from anywhere.
(cd "$TMP/v" && "$KPIC" test . --as-of 2026-03-12 --state "$TMP/v2.tsv" --format junit -o "$TMP/rel.xml" >/dev/null 2>&1)
expect "verify a relative test" 0 "$KPIC" verify "$TMP/rel.xml"

# A run as of another day keeps its own row count.
expect "state per as-of" 6 "$KPIC" test "$PKG" --as-of 2026-02-01 --state "$ST"
grep -q "orders as_of=2026-02-01	" "$ST" && grep -q "orders as_of=2026-03-12 role=store_a s=\"A\"	5" "$ST" && passed=$((passed + 1)) ||
  { echo "FAIL: state per as-of $(cat "$ST")"; failed=$((failed + 1)); }
expect "state in a missing folder" 2 "$KPIC" test "$PKG" --as-of 2026-03-12 --state "$TMP/no/such/dir/s.tsv"
contains err "E0607"
[ ! -e "$TMP/no" ] && passed=$((passed + 1)) || { echo "FAIL: --state created folders"; failed=$((failed + 1)); }

# Labels print on one line: a line break in a label is escaped.
printf 'expect "two\\nlines" orders.order_id not null\n' >> "$TMP/v/expectations.kpi"
expect "label escaped" 6 "${v[@]}"
contains out 'not null "two\x0alines"'

# An empty text as the example (probe, 2026-12-05: the JSON left
# `example` out, where the human output shows ``).
mkdir -p "$TMP/e"
printf 'day,ch\n2026-01-01,store\n2026-01-02,""\n' > "$TMP/e/o.csv"
printf 'package e\nsource o from csv("o.csv") {\n  day: date time\n  ch: string\n}\nexpect o.ch in ("store")\n' > "$TMP/e/e.kpi"
expect "empty example" 6 "$KPIC" test "$TMP/e" --format json
json "[(x['failing_rows'], x['example']) for x in d['expectations']]" "[(1, '')]"

# An amount off by exact values is shown in their decimals (probe,
# 2026-12-05: "off by 2.0000 CNY" next to "770.00").
mkdir -p "$TMP/r"
printf 'day,a,b\n2026-01-05,350.00,352.00\n' > "$TMP/r/o.csv"
cat > "$TMP/r/r.kpi" <<'KPI'
package r
source o from csv("o.csv") {
  day: date time
  a: decimal(2) unit CNY
  b: decimal(2) unit CNY
}
metric sa: CNY = sum(o.a)
metric sb: CNY = sum(o.b)
expect sa reconciles with sb by month within 1 CNY
KPI
expect "reconcile off by an amount" 6 "$KPIC" test "$TMP/r"
contains out "first: 350.00, off by 2.00 CNY in 2026-01, expected 352.00 (sb) within 1 CNY"

# A bad value in one source stops only the checks that read it: every
# other check is reported (probe, 2026-12-05: nothing was printed, in any
# format, and -o wrote no file).
mkdir -p "$TMP/bad1"
cat > "$TMP/bad1/m.kpi" <<'KPI'
package b1
source t from csv("t.csv") {
  id: string key
  d: date time
  amt: decimal(2)
}
source u from csv("u.csv") {
  id: string key
}
expect t.amt not null
expect u.id unique
KPI
printf 'id,d,amt\n1,2025-01-01,1.00\n2,2025-01-02,2.0x0\n' > "$TMP/bad1/t.csv"
printf 'id\na\nb\n' > "$TMP/bad1/u.csv"
expect "bad value in one source, human" 3 "$KPIC" test "$TMP/bad1"
contains out "ERR  t.amt not null"
contains out "ok   u.id unique"
contains err "t.csv:3: column \`amt\`: value \`2.0x0\` is not a decimal number"
expect "bad value in one source, json to a file" 3 "$KPIC" test "$TMP/bad1" --format json -o "$TMP/bad1.json"
python3 -c 'import json,sys; s=[(o["name"], o["status"]) for o in json.load(open(sys.argv[1]))["expectations"]]; sys.exit(0 if s==[("t.amt not null","error"),("u.id unique","pass")] else print(s) or 1)' "$TMP/bad1.json" \
  && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: bad value: the JSON report"; }

# A range over whole periods does not judge an amount's partial period:
# as of 2026-02-10 February holds 10 days (10 orders of 10.00: 100.00),
# which failed `between 250 and 400 by month` beside January's 310.00
# (31 orders). A rate over the same days is judged (0.50 in both months).
# Without --as-of every row is read, and the summary does not say "as of
# today" (reader's probe, 2026-12-06).
mkdir -p "$TMP/part"
cat > "$TMP/part/p.kpi" <<'KPI'
package part
source o from csv("o.csv") {
  id:  string key
  d:   date time
  amt: decimal(2)
  ok:  bool
}
metric total = sum(o.amt)
metric ok_rate = count(o where o.ok) / count(o)
expect total between 250 and 400 by month
expect ok_rate between 0.4 and 0.6 by month
expect ok_rate between 0.6 and 0.9 by month
KPI
python3 -c '
import datetime as dt
print("id,d,amt,ok")
for i in range(41):
    day = dt.date(2026, 1, 1) + dt.timedelta(days=i)
    print(f"{i},{day},10.00,{str(i % 2 == 0).lower()}")' > "$TMP/part/o.csv"
expect "partial period of an amount, human" 6 "$KPIC" test "$TMP/part" --as-of 2026-02-10 --state "$TMP/part.tsv"
contains out "ok   total between 250 and 400 by month"
contains out "1 value between 250 and 400; not judged, as partial: 2026-02 (2026-02-01 to 2026-02-10)"
contains out "ok   ok_rate between 0.4 and 0.6 by month"
contains out "\`ok_rate\` is not between 0.6 and 0.9 in 2 of 2 values"
contains out "(as of 2026-02-10)"
expect "every row read" 6 "$KPIC" test "$TMP/part" --state "$TMP/part.tsv"
contains out "(every row read; freshness measured against today, "

echo "data tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
