#!/usr/bin/env bash
# Goal numbers a controller can sign off (docs/language.md, "Goals"): each
# figure worked out by hand from tests/goals/orders.csv:
#   2025-01: A 10, B 30 (40)   2025-02: A 20, B 20 (40)
#   2026-01: A 60, B 30 (90)   2026-02: A 10, B 50 (60)   2026-03: none
set -u
KPIC="$1"
ROOT="$2"
PKG="$ROOT/tests/goals/goals.kpi"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$ROOT/tests/cli/expect.sh"
goal='next(g for g in d["goals"] if g["name"] == "'
drill='"]["drill"][0]["top"]'

for engine in interp jit; do
  # Whole periods: the data is complete to the end of the goals' period
  # (tests/partial/goals.sh covers a period cut by the as-of date).
  run=("$KPIC" run "$PKG" --engine "$engine" --format json --as-of 2026-03-31)
  # A fixed monthly target of 100: to date (Jan, Feb) is 150 against the
  # two months' 200, not against one month's 100; the whole period's is 300.
  expect "$engine: fixed" 0 "${run[@]}" --goal fixed
  json "${goal}fixed\")['to_date']['value'], ${goal}fixed\")['to_date']['target']" "150.00 200"
  json "${goal}fixed\")['projection']['value'], ${goal}fixed\")['projection']['target']" "225.0 300"
  # An absolute target is the company's: a store has none, so no
  # attainment, and the per-member alert on `.target` does not fire.
  json "[(m['member'], m['target'], m['attainment']) for m in ${goal}fixed\")['drill'][0]['top']]" \
    "[('B', None, None), ('A', None, None)]"
  json "[(a['period'], a['dims'], a['value']) for a in ${goal}fixed\")['alerts']]" "[('2026-02', {}, '60.00')]"
  # A relative target gives each store its own: 1.5 x its February 2025.
  expect "$engine: relative" 0 "${run[@]}" --goal rel
  json "[(m['member'], m['target']) for m in ${goal}rel\")['drill'][0]['top']]" "[('B', '30.000'), ('A', '30.000')]"
  json "${goal}rel\")['to_date']['target']" "120.000"
  # A ratio's to-date target is the target over the span: 40, and the
  # to-date average is (60 + 30 + 10 + 50) / 4 = 37.5.
  expect "$engine: average" 0 "${run[@]}" --goal avg_goal
  json "${goal}avg_goal\")['to_date']['value'], ${goal}avg_goal\")['to_date']['target']" "37.5 40"
  # `allocate last_year`: February's 100 shared as February 2025's sales
  # were (A 20, B 20: 50 each); per member the alert reads the member's
  # target: January B 30 < 0.9 x 75 (B had 30 of 40), February A 10 < 0.9 x
  # 50; the total fires in February only (60 < 90; January's 90 is not < 90).
  expect "$engine: allocated" 0 "${run[@]}" --goal alloc
  json "[(m['member'], m['target'], m['attainment']) for m in ${goal}alloc\")['drill'][0]['top']]" \
    "[('B', 50.0, 1.0), ('A', 50.0, 0.2)]"
  json "[(a['period'], a['dims'], a['value']) for a in ${goal}alloc\")['alerts']]" \
    "[('2026-01', {'store': 'B'}, '30.00'), ('2026-02', {}, '60.00'), ('2026-02', {'store': 'A'}, '10.00')]"
  # NPS in its own unit: 100 x (3 promoters - 1 detractor) / 5 answers.
  expect "$engine: nps" 0 "${run[@]}" --metric nps
  json "d['results'][0]['unit'], d['results'][0]['rows'][0]['value']" "nps 40.0"
done

echo "goal_numbers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
