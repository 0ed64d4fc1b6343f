#!/usr/bin/env bash
# Partial periods and the as-of date (docs/language.md, "Evaluation
# semantics"), every figure worked out by hand from tests/partial_goals/orders.csv:
#   2025-02-05 A 10   2025-02-20 A 40   2025-02-10 B 20
#   2026-01-15 A 50   2026-01-15 B 50   2026-02-03 A 30   2026-02-12 B 15
# The data ends on 2026-02-12, so February 2026 is partial (1st to 12th,
# 12 of 28 days) and compares with 1 to 12 February 2025 (A 10 + B 20 = 30,
# not the month's 70) and with 1 to 12 January 2026 (nothing).
set -u
KPIC="$1"
ROOT="$2"
PKG="$ROOT/tests/partial_goals/partial.kpi"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$ROOT/tests/cli/expect.sh"
goal='next(g for g in d["goals"] if g["name"] == "'
rows='[(r["period"], r["value"], r.get("span")) for r in d["results"]'

for engine in interp jit; do
  run=("$KPIC" run "$PKG" --engine "$engine" --format json)
  # Metrics: the as-of date is the last day; March is not a row.
  m=(--metric sales,sales_ly,sales_prev,sales_ytd,sales_r2,sales_yoy --from 2026-01-01 --to 2026-04-01)
  expect "$engine: metrics" 0 "${run[@]}" "${m[@]}"
  json "d['as_of']" "2026-02-12"
  json "${rows}[0]['rows']]" "[('2026-01', '100.00', None), ('2026-02', '45.00', ['2026-02-01', '2026-02-12'])]"
  json "[r['value'] for r in d['results'][1]['rows']]" "['0.00', '30.00']"   # last year: the same days
  json "[r['value'] for r in d['results'][2]['rows']]" "['0.00', '0.00']"    # 1-12 Jan: nothing
  json "[r['value'] for r in d['results'][3]['rows']]" "['100.00', '145.00']" # to date: to 12 Feb
  json "[r['value'] for r in d['results'][4]['rows']]" "['100.00', '145.00']" # 1 Jan to 12 Feb
  json "[r['value'] for r in d['results'][5]['rows']]" "[None, 0.5]"          # 45 / 30 - 1
  # A year cut by the as-of date: 1 Jan to 12 Feb, against the same days of
  # 2025. (145 - 30) / 30 = 23/6, whose nearest double is 3.8333333333333335
  # (145 / 30 - 1 gave the one below it).
  expect "$engine: year" 0 "${run[@]}" --metric sales,sales_ly,sales_yoy --grain year --from 2026-01-01 --to 2027-01-01
  json "[(r['results'][0]['rows'], r['results'][1]['rows'][0]['value'], r['results'][2]['rows'][0]['value']) for r in [d]]" \
    "[([{'period': '2026', 'value': '145.00', 'partial': True, 'span': ['2026-01-01', '2026-02-12']}], '30.00', 3.8333333333333335)]"
  # A quarter: Q4 2025's same span (1 Oct to 12 Nov) is empty.
  expect "$engine: quarter" 0 "${run[@]}" --metric sales,sales_ly,sales_prev --grain quarter --from 2026-01-01
  json "[(r['period'], r['value']) for x in d['results'] for r in x['rows']]" \
    "[('2026-Q1', '145.00'), ('2026-Q1', '30.00'), ('2026-Q1', '0.00')]"
  # --to cuts February: rows past --to exist, so the as-of date is 9 February.
  expect "$engine: window" 0 "${run[@]}" --metric sales,sales_ly --from 2026-01-01 --to 2026-02-10
  json "d['as_of'], ${rows}[0]['rows']], [r['value'] for r in d['results'][1]['rows']]" \
    "2026-02-09 [('2026-01', '100.00', None), ('2026-02', '30.00', ['2026-02-01', '2026-02-09'])] ['0.00', '10.00']"
  # --as-of 2026-02-05: later rows do not exist; 1-5 February against 1-5 February 2025.
  expect "$engine: as-of" 0 "${run[@]}" --metric sales,sales_ly --from 2026-01-01 --as-of 2026-02-05
  json "[[r['value'] for r in x['rows']] for x in d['results']]" "[['100.00', '30.00'], ['0.00', '10.00']]"
  # --as-of at the month's end: February is whole.
  expect "$engine: whole" 0 "${run[@]}" --metric sales,sales_ly --from 2026-01-01 --as-of 2026-02-28
  json "[[(r['value'], 'partial' in r) for r in x['rows']] for x in d['results']]" \
    "[[('100.00', False), ('45.00', False)], [('0.00', False), ('70.00', False)]]"
  # Under a role, its own rows: store A's last day is 3 February.
  expect "$engine: role" 0 "${run[@]}" --metric sales --from 2026-01-01 --role manager --param store_id=A
  json "d['as_of'], ${rows}[0]['rows']]" "2026-02-03 [('2026-01', '50.00', None), ('2026-02', '30.00', ['2026-02-01', '2026-02-03'])]"

  # Goals. A relative target over the span: 1.5 x 30 = 45 for 1-12 Feb
  # (the whole month's is 1.5 x 70 = 105); pace 45 / 45. January 2025 had
  # no sales: 1.5 x 0 is no target, not one that January met (it said
  # `met` against 0.000; probe, 2026-12-05); people read "no target".
  expect "$engine: relative goal" 0 "${run[@]}" --goal rel
  json "${goal}rel\")['status']" "no_data"  # to date: January has no target, so neither has the total
  json "[(p['period'], p['status'], p['value'], p['target'], p['attainment'], p.get('pace'), p.get('pace_target')) for p in ${goal}rel\")['periods']]" \
    "[('2026-01', 'no_data', '100.00', None, None, None, None), ('2026-02', 'in_progress', '45.00', '105.000', None, 1.0, '45.000'), ('2026-03', 'no_data', None, None, None, None, None)]"
  json "${goal}rel\")['periods'][1]['elapsed'], ${goal}rel\")['periods'][1]['span']" "0.42857142857142855 ['2026-02-01', '2026-02-12']"
  # The alert compares like with like: 45 < 2 x 30 for the total, and for B
  # 15 < 2 x 20; A's 30 is not < 2 x 10.
  json "[(a['period'], a['dims'], a['value'], a.get('partial')) for a in ${goal}rel\")['alerts']]" \
    "[('2026-02', {}, '45.00', True), ('2026-02', {'store': 'B'}, '15.00', True)]"
  # Drill-down: 1-12 Feb against 1-12 Jan (nothing); each store's target is
  # 1.5 x its own 1-12 Feb 2025 (A 10, B 20).
  json "[(m['member'], m['value'], m['previous'], m['target'], m['attainment']) for m in ${goal}rel\")['drill'][0]['top']]" \
    "[('A', '30.00', '0.00', '15.000', 2.0), ('B', '15.00', '0.00', '30.000', 0.5)]"
  expect "$engine: relative goal, table" 0 "$KPIC" run "$PKG" --engine "$engine" --goal rel --lang en
  contains out "no target"
  # A fixed target pro rata: 280 x 12/28 = 120, pace 45 / 120; to date 100 +
  # 45 against 280 + 120; projected 145 x 3 / (1 + 12/28) against 3 x 280.
  expect "$engine: fixed goal" 0 "${run[@]}" --goal fixed
  json "[(p['status'], p['attainment'], p.get('pace'), p.get('pace_target')) for p in ${goal}fixed\")['periods'][:2]]" \
    "[('missed', 0.35714285714285715, None, None), ('in_progress', None, 0.375, 120.0)]"
  json "${goal}fixed\")['to_date']['value'], ${goal}fixed\")['to_date']['target'], ${goal}fixed\")['to_date']['span']" \
    "145.00 400.0 ['2026-02-01', '2026-02-12']"
  json "${goal}fixed\")['projection']['value'], ${goal}fixed\")['projection']['target']" "304.5 840"
  # `sales < 100 CNY` waits for February's end (W0707); January's 100 is not < 100.
  json "${goal}fixed\")['alerts'], [w['code'] for w in d['warning_codes']]" "[] ['W0707']"
  # A ratio's target is not pro rata: 45 / 2 = 22.5 against 40.
  expect "$engine: ratio goal" 0 "${run[@]}" --goal ratio
  json "[(p['status'], p['value'], p.get('pace')) for p in ${goal}ratio\")['periods'][:2]]" \
    "[('met', 50.0, None), ('in_progress', 22.5, 0.5625)]"
  # With the whole of February (--as-of its last day) the goal is judged.
  expect "$engine: goal as of the month's end" 0 "${run[@]}" --goal rel --as-of 2026-02-28
  json "[(p['status'], p['target'], p['attainment']) for p in ${goal}rel\")['periods'][1:2]]" \
    "[('missed', '105.000', 0.42857142857142855)]"
done

# Lower is better: the projection's attainment is target / value in the
# table as in the JSON: 840 / 304.5 = 275.9% (it printed 304.5 / 840).
expect "lower is better, projected" 0 "$KPIC" run "$PKG" --goal cap --lang en
contains out 'projected ¥304.50 of ¥840.00 (275.9%)'

# The other formats flag the partial period too.
expect "csv" 0 "$KPIC" run "$PKG" --metric sales,sales_ly --from 2026-01-01 --format csv
contains out "period,sales,sales_ly,partial"
contains out "2026-02,45.00,30.00,2026-02-01/2026-02-12"
contains out "2026-01,100.00,0.00,"
expect "csv goals" 0 "$KPIC" run "$PKG" --goal fixed --format csv
contains out "goal,period,value,target,attainment,status,partial,pace,pace_target"
# The target for February's first 12 of 28 days: 280 * 12 / 28 = 120.
contains out "fixed,2026-02,45.00,280,,in_progress,2026-02-01/2026-02-12,0.375,120"
expect "table" 0 "$KPIC" run "$PKG" --metric sales --from 2026-01-01 --lang en
contains out "2026-02*"
contains out "* 2026-02 is partial: 2026-02-01 to 2026-02-12; data as of 2026-02-12."
expect "table goal" 0 "$KPIC" run "$PKG" --goal fixed --lang en
contains out "pace 37.5%"
contains out "in progress"
contains err "warning[W0707]"
expect "html" 0 "$KPIC" run "$PKG" --goal rel --format html
contains out "数据截至 2026-02-12"
contains out "不完整 <span class=nw>2026-02-01</span> – <span class=nw>2026-02-12</span>"
expect "html in English" 0 "$KPIC" run "$PKG" --goal rel --format html --lang en
contains out "data as of 2026-02-12"
contains out "partial <span class=nw>2026-02-01</span> – <span class=nw>2026-02-12</span>"
# The terminal as a store manager reads it: a growth alert in percent (45 /
# 30 - 1; A: 30 / 10 - 1), the drill compares 1-12 Feb with 1-12 Jan, and a
# member has no share of the company's fixed target ("—").
expect "table: alert and drill" 0 "$KPIC" run "$PKG" --goal yoy --lang en
contains out "[warning] up on last year · 2 alerts"
contains out "    2026-02 · store A · 200.0%"
contains out "    2026-02 · total · 50.0%"
contains out "drill by store: 2026-02-01 to 2026-02-12 vs the same days of 2026-01"
contains out "    A      ¥30.00  +¥30.00           —"
expect "table: alert and drill, in Chinese" 0 "$KPIC" run "$PKG" --goal yoy
contains out "[警告] up on last year · 2 条"
contains out "2026-02-01 至 2026-02-12 对比 2026-01 同期"
contains out "进度 105.0%"
expect "html: alert in percent" 0 "$KPIC" run "$PKG" --goal yoy --format html --lang en
contains out "2026-02 · store A · <b>200.0%</b>"
contains out "change 2026-02-01 to 2026-02-12 vs the same days of 2026-01"

# Freshness (W0708): visits end on 7 Feb (B), 5 days before the as-of date
# 12 Feb; sales alone read no visits. Store A's rows end on 3 Feb (orders)
# and 5 Feb (visits): its as-of date is 5 Feb, and its orders are 2 days behind.
expect "fresh: orders only" 0 "$KPIC" run "$PKG" --metric sales --from 2026-01-01
lacks err "W0708"
expect "stale visits" 0 "$KPIC" run "$PKG" --metric sales,visit_count --from 2026-01-01 --format json
json "[(w['code'], w['message']) for w in d['warning_codes']]" \
  "[('W0708', 'source \`visits\` has no rows after 2026-02-07, 5 days before the as-of date 2026-02-12: if its data is late, what it counts is short for those days')]"
expect "stale visits, table" 0 "$KPIC" run "$PKG" --metric sales,visit_count --from 2026-01-01
contains err "warning[W0708]: source \`visits\` has no rows after 2026-02-07"
expect "stale orders under a role" 0 "$KPIC" run "$PKG" --metric sales,visit_count --from 2026-01-01 --role manager \
  --param store_id=A --format json
json "d['as_of'], [w['message'][:52] for w in d['warning_codes']]" \
  "2026-02-05 ['source \`orders\` has no rows after 2026-02-03, 2 days']"
expect "as-of past every source" 0 "$KPIC" run "$PKG" --metric sales,visit_count --as-of 2026-02-20 --format json
json "sorted(w['message'][:44] for w in d['warning_codes'])" \
  "['source \`orders\` has no rows after 2026-02-12', 'source \`visits\` has no rows after 2026-02-07']"
# A bad --as-of is a usage error.
expect "bad as-of" 2 "$KPIC" run "$PKG" --metric sales --as-of 2026-13-01
expect "as-of before from" 2 "$KPIC" run "$PKG" --metric sales --from 2026-02-01 --as-of 2026-01-01

# A bridge (bal = bal.previous + ins - outs) over a partial December (data
# to 12 December, tests/partial_goals/ledger.csv): the opening is
# November's close, 150 (not the balance on 12 November, 130), the flows to
# date are +25 and -15, and 150 + 25 - 15 = 160, the balance on the 12th:
# the identity holds. The flows' earlier values are those of 1 to 12
# November (in 40, out 10), like for like.
BRIDGE="$ROOT/tests/partial_goals/bridge.kpi"
for engine in interp jit; do
  expect "$engine: bridge, partial period" 0 "$KPIC" run "$BRIDGE" --goal keep --engine "$engine" --format json
  dec='d["goals"][0]["decomposition"][0]'
  json "[$dec[k] for k in ('partial', 'value', 'previous', 'change', 'identity', 'holds', 'opening_day')]" \
    "[True, '160.00', '150.00', '10.00', '160.00', True, '2026-11-30']"
  json "[(t['term'], t['value'], t['previous'], t['contribution']) for t in $dec['terms']]" \
    "[('bal.previous', '150.00', None, None), ('ins', '25.00', '40.00', '25.00'), ('outs', '15.00', '10.00', '-15.00')]"
  # Only the opening moves to November's close: a flow's own `.previous`
  # still compares 1-12 December with 1-12 November (25 - 40 = -15, not
  # 25 - 75 with the whole of November), as `--metric d_ins` does.
  expect "$engine: bridge, a flow with .previous" 0 "$KPIC" run "$BRIDGE" --goal keep2 --engine "$engine" --format json
  json "([(t['term'], t['value']) for t in $dec['terms']][3:], $dec['holds'])" "([('d_ins', '-15.00'), ('d_ins', '-15.00')], True)"
  # A window that cuts December's start opens from the balance on the day
  # before it (5 December: 170), and 170 - 10 = 160 holds.
  expect "$engine: bridge, window cut" 0 "$KPIC" run "$BRIDGE" --goal keep --from 2026-12-06 --to 2027-01-01 --engine "$engine" --format json
  json "([$dec[k] for k in ('value', 'previous', 'change', 'identity', 'holds')], $dec['terms'][0]['value'])" \
    "(['160.00', '170.00', '-10.00', '160.00', True], '170.00')"
  json "$dec['opening_day']" "2026-12-05"
done

# The same bridge by quarter: Q4's opening is Q3's close, and the ledger
# has no row before November, so the opening has no value. 100 in and 40
# out do not explain the balance of 160 (the first row, 1 November, holds
# 100): the identity cannot be checked, and the outputs say so instead of
# holding (`holds` was true, with no word in the table).
mkdir -p "$TMP/bridge_q"
sed 's/period 2026 by month/period 2026 by quarter/' "$BRIDGE" > "$TMP/bridge_q/bridge.kpi"
cp "$ROOT/tests/partial_goals/ledger.csv" "$TMP/bridge_q/"
for engine in interp jit; do
  expect "$engine: bridge, no opening" 0 "$KPIC" run "$TMP/bridge_q" --goal keep --engine "$engine" --format json
  json "[$dec[k] for k in ('value', 'identity', 'gap', 'holds')] + [$dec['terms'][0]['value']]" "['160.00', None, None, None, None]"
done
expect "bridge, no opening, table" 0 "$KPIC" run "$TMP/bridge_q" --goal keep
contains out '（恒等式无法验证：`bal.previous` 无数据，各项不能解释总值）'
expect "bridge, no opening, table in English" 0 "$KPIC" run "$TMP/bridge_q" --goal keep --lang en
contains out '(the identity cannot be checked: `bal.previous` has no value, so the terms do not explain the total)'
expect "bridge, no opening, HTML" 0 "$KPIC" run "$TMP/bridge_q" --goal keep --format html
contains out '<span class=gap>恒等式无法验证：`bal.previous` 无数据，各项不能解释总值</span>'

# The other side: a daily bridge on a day without a balance row (4 March),
# its flows known (15 + 4 - 1 = 18). The value has none, so nor can the
# identity be checked (`holds` was true, and nothing said).
mkdir -p "$TMP/bridge_d"
printf 'day,balance\n2026-03-01,10.00\n2026-03-02,12.00\n2026-03-03,15.00\n' > "$TMP/bridge_d/bals.csv"
printf 'day,inflow,outflow\n2026-03-02,2.00,0.00\n2026-03-03,3.00,0.00\n2026-03-04,4.00,1.00\n' > "$TMP/bridge_d/flows.csv"
printf 'package rg2\nsource bals from csv("bals.csv") {\n  day: date time\n  balance: decimal(2) unit USD rollup last\n}\nsource flows from csv("flows.csv") {\n  day: date time\n  inflow: decimal(2) unit USD\n  outflow: decimal(2) unit USD\n}\nmetric bal: USD = sum(bals.balance)\nmetric ins: USD = sum(flows.inflow)\nmetric outs: USD = sum(flows.outflow)\ngoal keepd {\n  metric bal\n  period 2026-03-01 .. 2026-03-08 by day\n  target bal >= 10 USD\n  decompose bal = bal.previous + ins - outs\n}\n' > "$TMP/bridge_d/g.kpi"
for engine in interp jit; do
  expect "$engine: daily bridge, no balance" 0 "$KPIC" run "$TMP/bridge_d" --goal keepd --engine "$engine" --format json --no-cache
  json "[$dec[k] for k in ('value', 'identity', 'gap', 'holds')]" "[None, '18.00', None, None]"
done
expect "daily bridge, no balance, table" 0 "$KPIC" run "$TMP/bridge_d" --goal keepd --lang en --no-cache
contains out '(the identity cannot be checked: `bal` has no value)'

# The bridge's HTML: the waterfall's first and last bars are labelled whole
# (they read "2026-11-30（期…" and "2026-12（截至…"), the parenthetical on a
# second line when a bar is narrow. The card's sparkline spans the 12
# months, 4 px inside its 180: November at x = 4 + 172 * 10 / 11 = 160.4,
# the partial December's hollow point at 176 (it was at 178, its ring cut
# by the box), at y = 4 (the higher, 160) and 28 (150).
expect "bridge, HTML" 0 "$KPIC" run "$BRIDGE" --goal keep --format html
contains out '>2026-11-30（期初）</tspan>'
contains out '>2026-12（截至目前）</tspan>'
lacks out '（期…'
contains out 'stroke-dasharray="2 2" points="160.4,28.0 176.0,4.0"/>'

# A sparkline breaks at a month without data (it joined February to April
# and May to July straight across, as if March and June had values). By
# hand: 12 months over 172 px from x = 4 (x = 4 + 172 i / 11), values 10
# to 80 over y = 28 to 4 (y = 4 + 24 (80 - v) / 70): January (4.0, 28.0)
# and February (19.6, 24.6); April (50.9, 17.7) and May (66.5, 14.3); July
# (97.8, 7.4), a dot, dotted to the partial August (113.5, 4.0), hollow. As of 31
# July, July stands alone: a dot.
mkdir -p "$TMP/spark"
printf 'day,amt\n2026-01-05,10.00\n2026-02-05,20.00\n2026-04-05,40.00\n2026-05-05,50.00\n2026-07-05,70.00\n2026-08-05,80.00\n' > "$TMP/spark/s.csv"
printf 'package sp\nsource s from csv("s.csv") {\n  day: date time\n  amt: decimal(2) unit USD\n}\nmetric sales: USD = sum(s.amt)\ngoal g {\n  metric sales\n  period 2026 by month\n  target sales >= 10 USD\n}\n' > "$TMP/spark/p.kpi"
expect "sparkline with gaps" 0 "$KPIC" run "$TMP/spark" --goal g --format html --no-cache
contains out 'points="4.0,28.0 19.6,24.6"/><polyline fill="none" stroke="#0072B2" stroke-width="1.5" points="50.9,17.7 66.5,14.3"/><circle cx="97.8" cy="7.4" r="1.5" fill="#0072B2"/><polyline fill="none" stroke="#0072B2" stroke-width="1.5" stroke-dasharray="2 2" points="97.8,7.4 113.5,4.0"/><circle cx="113.5" cy="4.0" r="2.5"'
expect "sparkline with a lone point" 0 "$KPIC" run "$TMP/spark" --goal g --format html --as-of 2026-07-31 --no-cache
contains out 'points="50.9,16.0 66.5,12.0"/><circle cx="97.8" cy="4.0" r="1.5" fill="#0072B2"/></svg>'

# Freshness by cadence: snapshots dated the 1st of each month are current
# while the as-of date (18 December, the daily source's last day) is in
# December; in January, December's is the last and January's is missing.
SNAP="$ROOT/tests/partial_goals/snapshots.kpi"
expect "monthly snapshots, current" 0 "$KPIC" run "$SNAP" --metric bal,sales --format json
json "d['as_of'], [w['code'] for w in d['warning_codes']]" "2026-12-18 []"
json "[r['value'] for r in d['results'][0]['rows']]" "['100.00', '120.00', '90.00', '130.00']"
expect "monthly snapshots, late" 0 "$KPIC" run "$SNAP" --metric bal,sales --as-of 2027-01-05 --format json
json "[w for w in d['warnings'] if w.startswith('source \`snap\`')]" \
  "['source \`snap\` has no rows after 2026-12-01, 35 days before the as-of date 2027-01-05: if its data is late, what it counts is short for those days']"
# Under a retail calendar, whose months start on other days, the rows
# still start the plain calendar's months.
expect "monthly snapshots, retail calendar" 0 "$KPIC" run "$ROOT/tests/partial_goals/snapshots_retail.kpi" --metric bal,sales --format json
json "d['as_of'], [w['code'] for w in d['warning_codes']]" "2026-12-18 []"
expect "monthly snapshots, late" 0 "$KPIC" run "$SNAP" --metric bal,sales --as-of 2027-01-05 --format json
# The daily source, by the same rule, is late from the day after its last.
json "[w[:43] for w in d['warnings'] if w.startswith('source \`daily\`')]" "['source \`daily\` has no rows after 2026-12-18']"

# A growth is shown in percent (45 / 30 - 1 = 50%), not as 0.50; JSON keeps
# the fraction, with the unit `percent` (probe, 2026-12-06).
expect "growth in percent" 0 "$KPIC" run "$PKG" --metric sales_yoy --from 2026-01-01 --to 2026-03-01 --lang en
contains out "2026-02*      50.0%"
expect "growth in percent, json" 0 "$KPIC" run "$PKG" --metric sales_yoy --from 2026-01-01 --to 2026-03-01 --format json
json "d['results'][0]['unit'], d['results'][0]['rows'][1]['value']" "percent 0.5"
# The same through the standard library's `std.kpi.yoy` (it stayed 0.50:
# review, 2026-12-06).
{ echo 'import std.kpi'; cat "$PKG"; printf '\nmetric yoy_lib = std.kpi.yoy(sales)\n'; } > "$TMP/yoylib.kpi"
sed -i 's|csv("|csv("'"$ROOT"'/tests/partial_goals/|' "$TMP/yoylib.kpi"
expect "library growth in percent" 0 "$KPIC" run "$TMP/yoylib.kpi" --metric yoy_lib --from 2026-01-01 --to 2026-03-01 --format json
json "d['results'][0]['unit'], d['results'][0]['rows'][1]['value']" "percent 0.5"

# An unnamed alert is named by its condition as written: W0707 said
# "alert `` of goal ..." and the table's alert line had no name at all.
cat > "$TMP/unnamed.kpi" <<'KPI'
package unnamed
calendar { time_zone "UTC" }
source o from csv("o.csv") { day: date time, amt: decimal(2) unit CNY }
metric sales: CNY = sum(o.amt)
goal g {
  metric sales
  period 2025 by month
  target sales >= 100 CNY
  alert when sales   <  50 CNY
  alert when
    sales<10 CNY // in kpic fmt's spacing, without the comment
}
KPI
printf 'day,amt\n2025-01-01,10\n2025-02-01,20\n' > "$TMP/o.csv"
expect "unnamed alert, table" 0 "$KPIC" run "$TMP/unnamed.kpi" --as-of 2025-02-10 --lang en
contains err "warning[W0707]: alert \`sales < 50 CNY\` of goal \`g\`"
contains err "warning[W0707]: alert \`sales < 10 CNY\` of goal \`g\`"
contains out "[warning] sales < 50 CNY · 1 alert"
expect "unnamed alert, json" 0 "$KPIC" run "$TMP/unnamed.kpi" --as-of 2025-02-10 --format json
json "[(a['name'], a['period'], a['value']) for a in d['goals'][0]['alerts']]" "[('sales < 50 CNY', '2025-01', '10.00')]"

echo "partial goals: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
