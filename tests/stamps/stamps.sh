#!/usr/bin/env bash
# Stamped numbers and `kpic verify` (docs/cli.md, "Stamps"): the stamp of
# every format, fingerprints stable under reformatting and sensitive to a
# change three levels down, data fingerprints checked against xxhsum (an
# independent XXH3-128), passwords masked, nothing of the data under a
# role, and verify naming what changed. Values by hand from orders.csv.
set -u
KPIC="$1"
ROOT="$2"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$ROOT/tests/cli/expect.sh"
cp "$ROOT/tests/stamps/fp.kpi" "$ROOT/tests/stamps/orders.csv" "$TMP/"
PKG="$TMP/fp.kpi"
fps='d["stamp"]["definitions"]["metrics"]'
if ! command -v xxhsum >/dev/null; then echo "xxhsum (Debian's xxhash) is missing"; exit 1; fi
HASH=$(xxhsum -H2 "$TMP/orders.csv" | cut -d' ' -f1)
SIZE=$(stat -c %s "$TMP/orders.csv")

# The JSON's stamp: version, request, definitions, data (path, size, hash).
expect "json stamp" 0 "$KPIC" run "$PKG" --metric top,other --grain all --format json
# The request as it was given.
json 'd["stamp"]["kpic"] != "" and d["stamp"]["request"]["metrics"]' "['top,other']"
json 'sorted(d["stamp"]["definitions"]["metrics"])' "['fp.base', 'fp.leaf', 'fp.mid', 'fp.other', 'fp.top']"
json '[(f["size"], f["xxh3_128"], f["path"].endswith("/orders.csv")) for f in d["stamp"]["data"]["orders"]["files"]]' \
  "[($SIZE, '$HASH', True)]"
# top = (2 leaf + leaf) - leaf = 2 x 35.50; the largest order is 20.00.
json 'd["stamp"]["as_of"], [r["rows"][0]["value"] for r in d["results"]]' "2026-02-03 ['71.00', '20.00']"
cp "$TMP/out" "$TMP/before.json"
before=$(python3 -c "import json; d=json.load(open('$TMP/before.json')); print(json.dumps($fps, sort_keys=True))")

# Reformatting, comments, labels and a new unrelated metric change no
# fingerprint; `base` is now written with its operands swapped.
"$KPIC" fmt "$PKG" >/dev/null 2>&1
python3 - "$PKG" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = s.replace("metric leaf: CNY", "// the leaf, commented\nmetric leaf \"叶子\": CNY")
s = s.replace("leaf * 2", "2 * leaf")
s = s.replace("sum(orders.amount) where orders.store != \"x\"", "sum(orders.amount where \"x\" != orders.store)")
s += "\nmetric unrelated: CNY = min(orders.amount)\n"
open(p, "w", encoding="utf-8").write(s)
PY
expect "reformatted" 0 "$KPIC" run "$PKG" --metric top,other --grain all --format json
json "json.dumps($fps, sort_keys=True) == '''$before'''" "True"
expect "verify after a reformat" 0 "$KPIC" verify "$TMP/before.json"
contains out 'the numbers still stand'
# A stamp from a kpic that ran --engine postgres with --on-bad-row skip
# (now refused together): verify says so in its own terms, not with run's
# advice (`use --engine auto`), which names options verify does not take.
python3 - "$TMP/before.json" "$TMP/pgskip.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["stamp"]["request"]["engine"] = "postgres"
d["stamp"]["request"]["on_bad_row"] = "skip"
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"))
PY
expect "verify a postgres stamp with skip" 2 "$KPIC" verify "$TMP/pgskip.json"
contains err 'made with --engine postgres and --on-bad-row skip'
contains err 'make it again with `kpic run'
lacks err 'use --engine auto'
# A key twice in one object is not kpic's output: a parser that keeps the
# first value reads 999.99, and verify (which kept the last) passed it.
python3 - "$TMP/before.json" "$TMP/dupkey.json" <<'PY'
import sys
t = open(sys.argv[1], encoding="utf-8").read()
i = t.index('"value": "')
open(sys.argv[2], "w", encoding="utf-8").write(t[:i] + '"value": "999.99", ' + t[i:])
PY
expect "verify a repeated key" 3 "$KPIC" verify "$TMP/dupkey.json"
contains err 'the key "value" appears twice in one object'

# A change three levels below `top` (in `leaf`) changes every metric above
# it, and only those; verify names them and the values that moved.
sed -i 's/!= orders.store)/!= orders.store and orders.amount > 6 CNY)/' "$PKG"
expect "leaf changed" 0 "$KPIC" run "$PKG" --metric top,other --grain all --format json
json "[k for k in sorted($fps) if $fps[k] != json.loads('''$before''')[k]]" "['fp.base', 'fp.leaf', 'fp.mid', 'fp.top']"
expect "verify after a definition change" 7 "$KPIC" verify "$TMP/before.json"
contains out 'the numbers no longer stand'
contains out 'metric `fp.leaf` changed meaning'
contains out 'metric `fp.top` changed meaning'
lacks out 'metric `fp.other`'
# top = 2 leaf: 2 x 35.50 before, 2 x 30.00 now (5.50 is not > 6).
contains out 'results[0].rows[0].value: "71.00" -> "60.00"'
cp "$ROOT/tests/stamps/fp.kpi" "$PKG"

# A data change: verify names the file; the JSON form says the same.
expect "verify, unchanged" 0 "$KPIC" verify "$TMP/before.json" --format json
json 'd["stands"], d["definitions_changed"], d["data_changed"]' "True [] []"
sed -i 's/^3,2026-02-03,s1,5.50$/3,2026-02-03,s1,5.60/' "$TMP/orders.csv"
expect "verify after a data change" 7 "$KPIC" verify "$TMP/before.json" --format json
json 'd["stands"], d["definitions_changed"], [x.split(":")[0] for x in d["data_changed"]], d["differences"]' \
  "False [] ['source \`orders\`'] 1"
# Rows appended after the stamped as-of date leave the numbers standing.
cp "$ROOT/tests/stamps/orders.csv" "$TMP/orders.csv"
echo "4,2026-03-01,s2,99.00" >>"$TMP/orders.csv"
expect "verify after an append" 0 "$KPIC" verify "$TMP/before.json"
contains out 'recomputed as of 2026-02-03'
contains out 'data changed, but not what these numbers read'
cp "$ROOT/tests/stamps/orders.csv" "$TMP/orders.csv"

# HTML: the footer, escaped; verify reads it back.
expect "html" 0 "$KPIC" run "$PKG" --metric top --grain month --format html -o "$TMP/r.html"
grep -q '<pre id=kpic-stamp>{' "$TMP/r.html" && grep -q '&quot;kpic&quot;' "$TMP/r.html" &&
  passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: html footer"; }
expect "verify html" 0 "$KPIC" verify "$TMP/r.html"
# CSV: the documented shape, the stamp beside it.
expect "csv" 0 "$KPIC" run "$PKG" --metric top --grain month --format csv -o "$TMP/r.csv"
[ "$(head -1 "$TMP/r.csv")" = "period,top,partial" ] && [ -f "$TMP/r.csv.stamp.json" ] &&
  passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: csv side file"; head -2 "$TMP/r.csv"; }
expect "verify csv" 0 "$KPIC" verify "$TMP/r.csv"
# SQL: one comment line, with the password masked.
expect "sql" 0 "$KPIC" sql "$PKG" --metric top --dialect postgres \
  --bind 'orders=postgresql://kpic:s3cret@127.0.0.1/db?password=other#public.orders' -o "$TMP/r.sql"
head -1 "$TMP/r.sql" | grep -q '^-- kpic stamp: {' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: sql stamp"; }
if grep -q 's3cret\|other#' "$TMP/r.sql"; then failed=$((failed + 1)); echo "FAIL: a password in the stamp"; else passed=$((passed + 1)); fi
[ "$(sed -n 2p "$TMP/r.sql" | cut -c1-14)" = "-- kpic sql --" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: sql after the stamp"; }

# Every spelling of a password is masked (and the table kept).
for uri in 'postgresql://kpic:p@ss@w0rd@127.0.0.1/db#public.orders' \
    'postgresql://127.0.0.1/db?sslpassword=s3cret&user=kpic#public.orders' \
    'postgresql://127.0.0.1/db?password=s3cret#public.orders'; do
  expect "sql stamp masks $uri" 0 "$KPIC" sql "$PKG" --metric top --dialect postgres --bind "orders=$uri"
  lacks out 's3cret'
  lacks out 'w0rd'
  contains out '#public.orders'
done

# A hostile output: nested too deep to parse safely, exit 3 (was a crash).
python3 -c "print('{\"stamp\": ' + '[' * 100000 + ']' * 100000 + '}')" > "$TMP/deep.json"
expect "verify a deep file" 3 "$KPIC" verify "$TMP/deep.json"
contains err 'nested more than 256 levels deep'
# A label is not a number: the output still stands.
sed -i 's/^metric top: CNY/metric top "顶层": CNY/' "$PKG"
expect "verify after a label" 0 "$KPIC" verify "$TMP/before.json"
cp "$ROOT/tests/stamps/fp.kpi" "$PKG"

# Under a role: bindings only, nothing that changes with other rows.
expect "role" 0 "$KPIC" run "$PKG" --metric top --grain all --role store_manager --param s=s1 --format json
json 'sorted(d["stamp"]["data"]["orders"])' "['binding', 'withheld']"
lacks out "$HASH"
lacks out "\"size\""

# An HTML page edited inside or after its footer no longer stands: only
# the footer exactly as kpic writes it is left out of the comparison.
expect "html again" 0 "$KPIC" run "$PKG" --metric top --grain month --format html -o "$TMP/t.html"
python3 - "$TMP/t.html" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
i = s.index("</pre>", s.index("<pre id=kpic-stamp>"))
open(p, "w", encoding="utf-8").write(s[:i + 6] + '</details><h1>ALL TARGETS MET</h1><details>' + s[i + 6:])
PY
expect "verify tampered html" 7 "$KPIC" verify "$TMP/t.html"
"$KPIC" run "$PKG" --metric top --grain month --format html -o "$TMP/t.html" 2>/dev/null
sed -i 's|</body></html>|<p>forged</p></body></html>|' "$TMP/t.html"
expect "verify html with a tail" 7 "$KPIC" verify "$TMP/t.html"
# When the page was made (its header's <time id=kpic-made>) is not a
# number: a page made in 1970 still stands; a second such element, with
# a figure inside, does not hide it.
SOURCE_DATE_EPOCH=86400 "$KPIC" run "$PKG" --metric top --grain month --format html -o "$TMP/t.html" 2>/dev/null
contains_file() { grep -qF "$2" "$1" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: $1 lacks $2"; }; }
contains_file "$TMP/t.html" '<time id=kpic-made>1970-01-02 00:00 UTC</time>'
expect "verify a page made earlier" 0 "$KPIC" verify "$TMP/t.html"
sed -i 's|<footer class=sub id=kpic-footer>|<time id=kpic-made>top 999.00</time><footer class=sub id=kpic-footer>|' "$TMP/t.html"
expect "verify a page with a second made-time" 7 "$KPIC" verify "$TMP/t.html"
# Nor can a claim hide in the made-time itself: only a time as kpic writes
# it is left out.
SOURCE_DATE_EPOCH=86400 "$KPIC" run "$PKG" --metric top --grain month --format html -o "$TMP/t.html" 2>/dev/null
sed -i 's|<time id=kpic-made>1970-01-02 00:00 UTC</time>|<time id=kpic-made>1970-01-02 00:00 UTC · all targets met</time>|' "$TMP/t.html"
contains_file "$TMP/t.html" 'all targets met'
expect "verify a claim in the made-time" 7 "$KPIC" verify "$TMP/t.html"

# A metric the output was made of that is gone: exit 7, naming it.
expect "before a rename" 0 "$KPIC" run "$PKG" --metric other --grain all --format json -o "$TMP/o.json"
sed -i 's/^metric other: CNY/metric other2: CNY/' "$PKG"
expect "verify, metric gone" 7 "$KPIC" verify "$TMP/o.json"
contains out 'metric `other` is gone'
cp "$ROOT/tests/stamps/fp.kpi" "$PKG"

# The breakdown (`--by`) and the role's rules are fingerprinted: moving the
# dimension to another column, or changing the role's filter, is named.
printf '\ndimension shop\n' >> "$PKG"
sed -i 's/^  store:  string$/  store:  string -> shop/' "$PKG"
grep -q -- '-> shop' "$PKG" || echo "(fp.kpi: the store column was not found to map)"
expect "by shop" 0 "$KPIC" run "$PKG" --metric top --by shop --grain all --format json -o "$TMP/by.json"
sed -i 's/^  store:  string -> shop$/  store:  string/; s/^  id:     string key$/  id:     string key -> shop/' "$PKG"
expect "verify, breakdown moved" 7 "$KPIC" verify "$TMP/by.json"
contains out 'the breakdown by `shop` changed meaning'
cp "$ROOT/tests/stamps/fp.kpi" "$PKG"
expect "role run" 0 "$KPIC" run "$PKG" --metric top --grain all --role store_manager --param s=s1 --format json -o "$TMP/r.json"
sed -i 's/orders where orders.store == s/orders where orders.store == s and orders.amount > 6 CNY/' "$PKG"
expect "verify, role changed" 7 "$KPIC" verify "$TMP/r.json"
contains out 'role `store_manager` changed meaning'
cp "$ROOT/tests/stamps/fp.kpi" "$PKG"
# Stating a default is no change of meaning.
expect "defaults" 0 "$KPIC" run "$PKG" --metric top --grain all --format json -o "$TMP/d.json"
sed -i 's|csv("orders.csv")|csv("orders.csv", delimiter: ",", quote: "\\"")|' "$PKG"
grep -q 'delimiter' "$PKG" || echo "(fp.kpi: the binding was not found to edit)"
expect "verify, defaults stated" 0 "$KPIC" verify "$TMP/d.json"
cp "$ROOT/tests/stamps/fp.kpi" "$PKG"

# A goal's fingerprint covers the columns its drills reach: in the retail
# example, mapping `category` from the category column to the name column
# changes the goal that drills by category.
cp -r "$ROOT/examples/retail" "$TMP/retail"
gfp() { "$KPIC" run "$TMP/retail" --goal grow_sales --format json 2>/dev/null |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["stamp"]["definitions"]["goals"]["retail.grow_sales"])'; }
g1=$(gfp)
sed -i 's/^  category:   string     -> category$/  category:   string/; s/^  商品名称:/  商品名称:/' "$TMP/retail/model.kpi"
python3 - "$TMP/retail/model.kpi" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = re.sub(r'(\n  name:\s+string\s+"商品名称")', r'\1 -> category', s, count=1)
open(p, "w", encoding="utf-8").write(s)
PY
g2=$(gfp)
[ -n "$g1" ] && [ -n "$g2" ] && [ "$g1" != "$g2" ] && passed=$((passed + 1)) ||
  { echo "FAIL: the goal's fingerprint ignores its drill's column ($g1 / $g2)"; grep -n "category" "$TMP/retail/model.kpi"; failed=$((failed + 1)); }

# Without a header row a column is read by its place among the declared
# columns (not among the columns a metric uses), so swapping two
# declarations changes what is read and the fingerprint; the order of the
# null tokens changes neither. By hand: the amounts sum to 35.50, the ids to 6.
mkdir "$TMP/nh"
tail -n +2 "$ROOT/tests/stamps/orders.csv" > "$TMP/nh/o.csv"
nh() {
  cat > "$TMP/nh/p.kpi" <<KPI
package nh
source o from csv("o.csv", header: false, null: $1) {
$2
}
metric total = sum(o.amount)
KPI
}
cols='  id: int
  day: date time
  store: string
  amount: decimal(2)'
swapped='  amount: decimal(2)
  day: date time
  store: string
  id: int'
nh '["", "NA"]' "$cols"
expect "no header" 0 "$KPIC" run "$TMP/nh/p.kpi" --metric total --grain all --format json
json 'd["results"][0]["rows"][0]["value"]' "35.50"
fp1=$(python3 -c "import json; print(json.load(open('$TMP/out'))['stamp']['definitions']['metrics']['nh.total'])")
nh '["NA", ""]' "$cols"
expect "null tokens reordered" 0 "$KPIC" run "$TMP/nh/p.kpi" --metric total --grain all --format json
json "d['stamp']['definitions']['metrics']['nh.total'] == '$fp1'" "True"
nh '["", "NA"]' "$swapped"
expect "columns swapped" 0 "$KPIC" run "$TMP/nh/p.kpi" --metric total --grain all --format json
json 'd["results"][0]["rows"][0]["value"]' "6.00"
json "d['stamp']['definitions']['metrics']['nh.total'] != '$fp1'" "True"

# Two packages' sources of one name: a stamp keeps an entry for each, by
# `package:name` (one entry held both, and `verify` of an edited file of
# the other said "neither definitions nor data changed": governance probe,
# 2026-12-07); W0708 names its package too.
mkdir -p "$TMP/two"
printf 'id,day,amount\n1,2026-01-05,10.00\n2,2026-01-20,20.00\n' > "$TMP/two/a.csv"
printf 'id,day,amount\n1,2026-01-05,1.00\n' > "$TMP/two/b.csv"
printf 'package pa\nsource orders from csv("a.csv") {\n  id: string key\n  day: date time\n  amount: decimal(2)\n}\nmetric sa = sum(orders.amount)\n' > "$TMP/two/a.kpi"
printf 'package pb\nsource orders from csv("b.csv") {\n  id: string key\n  day: date time\n  amount: decimal(2)\n}\nmetric sb = sum(orders.amount)\n' > "$TMP/two/b.kpi"
expect "two sources of one name" 0 "$KPIC" run "$TMP/two" --metric sa,sb --grain all --format json -o "$TMP/two.json" --no-cache
contains err "source \`pb:orders\` has no rows after 2026-01-05"
python3 -c "import json; print(sorted(json.load(open('$TMP/two.json'))['stamp']['data']))" > "$TMP/out"
contains out "['pa:orders', 'pb:orders']"
printf 'id,day,amount\n1,2026-01-05,10.00\n2,2026-01-20,25.00\n' > "$TMP/two/a.csv"
expect "verify blames the edited one" 7 "$KPIC" verify "$TMP/two.json"
contains out "source \`pa:orders\`: $TMP/two/a.csv changed"

echo "stamps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
