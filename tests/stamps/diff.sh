#!/usr/bin/env bash
# `kpic diff OLD NEW` (docs/cli.md): two folders and two git revisions,
# of tests/stamps/fp.kpi and of the flagship example. Every number expected
# is worked out by hand (fp) or summed here from examples/retail's
# orders.csv with awk, never by kpic.
set -u
KPIC="$1"
ROOT="$2"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$ROOT/tests/cli/expect.sh"

# Two folders: `leaf` now keeps orders above 6 CNY. leaf = 35.50 -> 30.00
# (5.50 is dropped, in 2026-02), and base = 2 leaf, mid = 3 leaf, top =
# 2 leaf above it; `other` is untouched.
mkdir -p "$TMP/a" "$TMP/b"
cp "$ROOT/tests/stamps/fp.kpi" "$ROOT/tests/stamps/orders.csv" "$TMP/a/"
cp "$ROOT/tests/stamps/fp.kpi" "$ROOT/tests/stamps/orders.csv" "$TMP/b/"
sed -i 's/where orders.store != "x"/where orders.store != "x" and orders.amount > 6 CNY/' "$TMP/b/fp.kpi"
expect "folders" 0 "$KPIC" diff "$TMP/a" "$TMP/b" --format json
json 'd["meaning_changed"], [(m["metric"], m["why"]) for m in d["metrics"]]' \
  "True [('leaf', 'its definition changed'), ('base', 'a definition it reads changed'), ('mid', 'a definition it reads changed'), ('top', 'a definition it reads changed')]"
json '[(r["period"], r["before"], r["after"]) for m in d["metrics"] if m["metric"] == "leaf" for r in m["numbers"]]' \
  "[('2026-02', '5.50', '0.00')]"
json '[(r["period"], r["before"], r["after"]) for m in d["metrics"] if m["metric"] == "mid" for r in m["numbers"]]' \
  "[('2026-02', '16.50', '0.00')]"
json '[m["through"] for m in d["metrics"] if m["metric"] == "top"]' "[['base', 'leaf', 'mid']]"
json '[l for m in d["metrics"] if m["metric"] == "leaf" for l in m["diff"] if l[0] in "+-"]' \
  "['- metric leaf: CNY = sum(orders.amount) where orders.store != \"x\"', '+ metric leaf: CNY = sum(orders.amount) where orders.store != \"x\" and orders.amount > 6 CNY']"
expect "folders, human" 0 "$KPIC" diff "$TMP/a" "$TMP/b"
contains out '4 metric(s) changed meaning, 0 added, 0 removed'
contains out '2026-02*             5.50 -> 0.00'
expect "folders, html" 0 "$KPIC" diff "$TMP/a" "$TMP/b" --format html
contains out '<h2>metric leaf</h2>'
contains out 'Content-Security-Policy'

# A reformat and a comment: no change in meaning.
cp "$TMP/a/fp.kpi" "$TMP/b/fp.kpi"
"$KPIC" fmt "$TMP/b/fp.kpi" >/dev/null 2>&1
sed -i 's|^metric other|// the largest order\nmetric other "最大订单"|' "$TMP/b/fp.kpi"
expect "reformat" 0 "$KPIC" diff "$TMP/a" "$TMP/b"
contains out 'no change in meaning'

# The human output shows the numbers as they are. Worked out by hand from
# the orders below: `sales` drops orders of 35 CNY or less (a comment with
# an ESC in its text); `big_share` counts orders above 40 CNY instead of
# 100; the goal's target goes from 1000 to 2000 CNY.
#   sales     2026-01  838206.93 -> 838176.93 (-30.00, exact); 2026-02  80.00 -> 50.00 (-30.00)
#   per       2026-01  279402.31 -> 279392.31 (sales / 3, a float: -10); 2026-02  26.6666666666667 -> 16.6666666666667
#   big_share 2026-02  0/3 -> 1/3: 0.00% -> 33.33%, +33.33 points
#   goal g    2026-01  838206.93 of 1000 (83820.69%) -> 838176.93 of 2000 (41908.85%), met both
mkdir -p "$TMP/c" "$TMP/d"
printf 'id,day,amount\n1,2026-01-05,838176.93\n2,2026-01-06,30.00\n3,2026-02-01,50.00\n4,2026-02-02,20.00\n5,2026-02-03,10.00\n' > "$TMP/c/orders.csv"
cp "$TMP/c/orders.csv" "$TMP/d/orders.csv"
cat > "$TMP/c/q.kpi" <<'KPI'
package dq
source orders from csv("orders.csv") {
  id:     string key entity order
  day:    date time
  amount: decimal(2) unit CNY
}
metric sales: CNY = sum(orders.amount)
metric per: CNY = sales / 3
metric big_share: percent = count(orders where orders.amount > 100 CNY) / count(orders)
goal g {
  metric sales
  period 2026 by month
  target sales >= 1000 CNY
}
KPI
sed -e "s|^metric sales: CNY = sum(orders.amount)\$|metric sales: CNY = sum(orders.amount) // $(printf '\033')[31m big orders only\n  where orders.amount > 35 CNY|" \
  -e 's|> 100 CNY|> 40 CNY|' -e 's|>= 1000 CNY|>= 2000 CNY|' "$TMP/c/q.kpi" > "$TMP/d/q.kpi"
expect "numbers, human" 0 "$KPIC" diff "$TMP/c" "$TMP/d" --as-of 2026-12-31
lacks out "$(printf '\033')"
contains out '+ metric sales: CNY = sum(orders.amount) // \x1b[31m big orders only'
contains out '2026-01         838206.93 -> 838176.93      -30.00 (-0.00%)'
contains out '2026-02             80.00 -> 50.00          -30.00 (-37.50%)'
contains out '2026-01         279402.31 -> 279392.31      -10 (-0.00%)'
contains out '2026-02    26.6666666666667 -> 16.6666666666667 -10 (-37.50%)'
contains out 'numbers by month on the same data, largest changes first (changes in percentage points):'
contains out '2026-02             0.00% -> 33.33%         +33.33 pp'
contains out '2026-01    838206.93 of 1000 (83820.69%) met -> 838176.93 of 2000 (41908.85%) met'
# The HTML says what the text says: the goal's periods, the reach as
# names, not JSON arrays (new-user probe, 2026-12-07: it had no goals).
expect "numbers, html" 0 "$KPIC" diff "$TMP/c" "$TMP/d" --as-of 2026-12-31 --format html
contains out '<h2>goal g</h2>'
contains out '<td class=l>838206.93 of 1000 (83820.69%) met</td><td class=l>838176.93 of 2000 (41908.85%) met</td>'
contains out '3 metric(s) changed meaning, 0 added, 0 removed, 1 goal(s) changed'
contains out '<p>reaches: goals g; reports -; roles -</p>'
lacks out '[&quot;'
contains out '<td>-30.00</td><td>-37.50%</td>'
expect "numbers, json" 0 "$KPIC" diff "$TMP/c" "$TMP/d" --as-of 2026-12-31 --format json
json '[(r["period"], r["before"], r["after"], r["change"]) for m in d["metrics"] if m["metric"] == "sales" for r in m["numbers"]]' \
  "[('2026-01', '838206.93', '838176.93', '-30.00'), ('2026-02', '80.00', '50.00', '-30.00')]"
json '[(m["metric"], m["unit"]) for m in d["metrics"]]' "[('big_share', 'percent'), ('sales', 'CNY'), ('per', 'CNY')]"
json '[round(r["change"], 9) for m in d["metrics"] if m["metric"] == "per" for r in m["numbers"]]' "[-10.0, -10.0]"
json '[(p["period"], p["before"]["target"], p["after"]["target"]) for g in d["goals"] for p in g["periods"]][:1]' \
  "[('2026-01', 1000, 2000)]"
# As of 2026-02-02 February holds two days (orders 3 and 4: 70.00, and
# 50.00 above 35): the diff says so, and compares the goal's February
# with the target for its two days (1000 and 2000 times 2/28: 71.43 and
# 142.86), not the whole month's (reader's probe, 2026-12-06: it printed
# "of 142314.53" beside 18 days of November without a word).
expect "partial period, json" 0 "$KPIC" diff "$TMP/c" "$TMP/d" --as-of 2026-02-02 --format json
json '[(r["period"], r["before"], r["after"], r.get("partial"), r.get("span")) for m in d["metrics"] if m["metric"] == "sales" for r in m["numbers"]]' \
  "[('2026-01', '838206.93', '838176.93', None, None), ('2026-02', '70.00', '50.00', True, ['2026-02-01', '2026-02-02'])]"
json '[(p["period"], p.get("partial"), round(float(p["before"]["pace_target"]), 2), round(float(p["after"]["pace_target"]), 2)) for g in d["goals"] for p in g["periods"] if p["period"] == "2026-02"]' \
  "[('2026-02', True, 71.43, 142.86)]"
expect "partial period, human" 0 "$KPIC" diff "$TMP/c" "$TMP/d" --as-of 2026-02-02
contains out '2026-02*            70.00 -> 50.00          -20.00 (-28.57%)'
contains out '* 2026-02 is partial: 2026-02-01 to 2026-02-02, compared over those days'
contains out 'for its days in_progress'

# Two git revisions of the flagship example: `sales` counts returned
# orders too. Its goal and report are reached, and the 2026-06 numbers
# before and after are sums of orders.csv (local times in the file).
git -C "$TMP" init -q repo && cp -r "$ROOT/examples/retail" "$TMP/repo/retail" && rm -rf "$TMP/repo/retail/out"
git -C "$TMP/repo" add retail >/dev/null && git -C "$TMP/repo" -c user.email=t@t -c user.name=t commit -qm v1
sed -i 's/^metric sales "销售额": CNY = sum(orders.amount) where not orders.returned$/metric sales "销售额": CNY = sum(orders.amount)/' \
  "$TMP/repo/retail/metrics.kpi"
git -C "$TMP/repo" -c user.email=t@t -c user.name=t commit -qam v2
read -r before after < <(awk -F, 'NR > 1 && substr($2, 1, 7) == "2026-06" { all += $9 * 100; if ($11 == "false") kept += $9 * 100 }
  END { printf "%.2f %.2f\n", kept / 100, all / 100 }' "$ROOT/examples/retail/data/orders.csv")
cd "$TMP/repo"
expect "git revisions" 0 "$KPIC" diff HEAD~1:retail HEAD:retail --format json
json '[m["metric"] for m in d["metrics"]][0], [m["goals"] for m in d["metrics"]][0], [m["reports"] for m in d["metrics"]][0]' \
  "sales ['grow_sales'] ['weekly']"
json '[(r["before"], r["after"]) for r in d["metrics"][0]["numbers"] if r["period"] == "2026-06"]' "[('$before', '$after')]"
json '[g["goal"] for g in d["goals"]]' "['grow_sales']"
expect "git revision against the work tree" 0 "$KPIC" diff HEAD~1:retail retail
contains out 'metric sales: its definition changed'
# git runs with the stack limit kpic was started with, not the one kpic
# raised for itself (base/big_stack.h): a wrapper records what it sees.
mkdir -p "$TMP/wrap"
printf '#!/bin/sh\ngrep "Max stack size" /proc/self/limits > "%s"\nexec %s "$@"\n' "$TMP/wrap/limit" "$(command -v git)" > "$TMP/wrap/git"
chmod +x "$TMP/wrap/git"
want=$(ulimit -S -s)
expect "git under a wrapper" 0 env PATH="$TMP/wrap:$PATH" "$KPIC" diff HEAD~1:retail HEAD:retail
got=$(awk '{ print $4 }' "$TMP/wrap/limit" 2>/dev/null)
if [ "$want" = unlimited ] && [ "$got" = unlimited ] || [ "$got" = "$((want * 1024))" ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL: git saw a stack limit of '$got' bytes, kpic was started with '$want' KiB"
fi
expect "a revision that does not exist" 2 "$KPIC" diff nosuchrev:retail retail
contains err 'git cannot list it'
expect "a revision like an option" 2 "$KPIC" diff -- --abbrev=5:retail retail
# A crafted tree whose entries climb out with `..`: refused, nothing written.
echo ORIGINAL > "$TMP/victim.kpi"
blob=$(printf 'package zz\nmetric pwn = 3\n' | git hash-object -w --stdin)
t=$(printf '100644 blob %s\tvictim.kpi\n' "$blob" | git mktree)
for name in $(echo "$TMP" | tr '/' ' ' | awk '{for (i = NF; i > 0; i--) print $i}'); do
  t=$(printf '040000 tree %s\t%s\n' "$t" "$name" | git mktree)
done
for _ in 1 2 3 4 5 6 7 8 9 10; do t=$(printf '040000 tree %s\t..\n' "$t" | git mktree); done
t=$(printf '040000 tree %s\tpkg\n' "$t" | git mktree)
evil=$(git -c user.email=t@t -c user.name=t commit-tree "$t" -m evil)
expect "a tree climbing out" 2 "$KPIC" diff "$evil:pkg" retail
contains err 'unsafe path'
[ "$(cat "$TMP/victim.kpi")" = ORIGINAL ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: victim.kpi was overwritten"; }
cd "$ROOT"

# A bad --grain, --as-of or --bind is the request's: exit 2, not each
# metric's "not computed" and exit 0 (probe, 2026-12-06).
expect "bad --grain" 2 "$KPIC" diff "$TMP/c" "$TMP/d" --grain fortnight
contains err "unknown --grain \`fortnight\`"
expect "bad --as-of" 2 "$KPIC" diff "$TMP/c" "$TMP/d" --as-of 2025-13-01
expect "bad --bind" 2 "$KPIC" diff "$TMP/c" "$TMP/d" --bind zz=csv:x.csv
contains err "--bind names unknown source \`zz\`"

# The rates of `convert` are part of a metric's meaning: their `from` and
# `to` headers swapped turn a rate of 0.14 USD per CNY into one of 0.14
# CNY per USD, so 150.00 CNY is 21.00 USD before and 150 / 0.14 =
# 1071.43 after (it said "no change in meaning": governance probe,
# 2026-12-07).
mkdir -p "$TMP/r1" "$TMP/r2"
printf 'id,day,amount\n1,2026-01-05,150.00\n' > "$TMP/r1/orders.csv"
printf 'day,from,to,rate\n2026-01-01,CNY,USD,0.1400\n' > "$TMP/r1/rates.csv"
cat > "$TMP/r1/q.kpi" <<'KPI'
package rq
source orders from csv("orders.csv") {
  id:     string key
  day:    date time
  amount: decimal(2) unit CNY
}
source rates from csv("rates.csv") {
  day:  date time
  from: string
  to:   string
  rate: decimal(4)
}
metric sales: CNY = sum(orders.amount)
metric sales_usd: USD = convert(sales, USD, rates)
KPI
cp "$TMP/r1/"* "$TMP/r2/"
sed -i 's/^  from: string$/  from: string "to"/; s/^  to:   string$/  to:   string "from"/' "$TMP/r2/q.kpi"
expect "rates' columns swapped" 0 "$KPIC" diff "$TMP/r1" "$TMP/r2" --format json
json '[(m["metric"], [(r["before"], r["after"]) for r in m["numbers"]]) for m in d["metrics"]]' \
  "[('sales_usd', [('21.00', '1071.43')])]"
# ...and in its lineage: `explain` and the catalog name the rates source and
# the columns convert reads (they were in no lineage, and the rates source
# was read by no metric).
expect "rates in explain" 0 "$KPIC" explain sales_usd "$TMP/r1"
contains out 'sources: rq:orders, rq:rates'
expect "rates in the catalog" 0 "$KPIC" catalog "$TMP/r1" --format json
json '[(m["lineage"]["sources"], m["lineage"]["columns"]) for m in d["metrics"] if m["name"] == "sales_usd"]' \
  "[(['rq:orders', 'rq:rates'], ['orders.amount', 'rates.day', 'rates.from', 'rates.rate', 'rates.to'])]"
json '[x["used_by"]["metrics"] for x in d["sources"] if x["name"] == "rates"]' "[['sales_usd']]"

# Two packages' sources of one name keep their own data on the old side:
# both read the new side's last one, so pa's sales before read pb's file
# (governance probe, 2026-12-07). By hand: sa = 10.00 + 20.00 = 30.00
# before, doubled to 60.00 after.
mkdir -p "$TMP/t1" "$TMP/t2"
printf 'id,day,amount\n1,2026-01-05,10.00\n2,2026-01-20,20.00\n' > "$TMP/t1/a.csv"
printf 'id,day,amount\n1,2026-01-05,1.00\n' > "$TMP/t1/b.csv"
printf 'package pa\nsource orders from csv("a.csv") {\n  id: string key\n  day: date time\n  amount: decimal(2)\n}\nmetric sa = sum(orders.amount)\n' > "$TMP/t1/a.kpi"
printf 'package pb\nsource orders from csv("b.csv") {\n  id: string key\n  day: date time\n  amount: decimal(2)\n}\nmetric sb = sum(orders.amount)\n' > "$TMP/t1/b.kpi"
cp "$TMP/t1/"* "$TMP/t2/"
sed -i 's/metric sa = sum(orders.amount)/metric sa = sum(orders.amount) * 2/' "$TMP/t2/a.kpi"
expect "two sources of one name" 0 "$KPIC" diff "$TMP/t1" "$TMP/t2" --format json --grain all
json '[(m["metric"], [(r["before"], r["after"]) for r in m["numbers"]]) for m in d["metrics"]]' \
  "[('sa', [('30.00', '60.00')])]"

echo "diff: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
