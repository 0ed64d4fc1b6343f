#!/usr/bin/env bash
# Streaming on both reading threads: a generated 250,000-row orders table
# (about 20 MB, so the CSV reader splits it in two and hands over chunks)
# evaluated by the JIT streaming through the file and by the interpreter
# reading it whole must print the same bytes, for workloads Q1 and Q2 of the
# benchmark, including exact distinct counts across the two halves.
# usage: stream_test.sh KPIC GEN_ORDERS ROOT
set -euo pipefail
KPIC=$1 GEN=$2 ROOT=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export KPIC_CACHE_DIR="$tmp/cache"
"$GEN" "$tmp" 250000
binds=(--bind "orders=csv:$tmp/orders.csv" --bind "sessions=csv:$tmp/sessions.csv")
q1=(--metric revenue,orders_n,customers,aov,discount_rate,return_rate,vip_revenue_share --by channel --grain month)
q2=(--metric revenue,orders_n,customers,conversion --by store --grain quarter)
for q in q1 q2; do
  declare -n args=$q
  "$KPIC" run "$ROOT/bench/q.kpi" "${binds[@]}" "${args[@]}" --format csv --engine jit --timings \
    > "$tmp/jit.csv" 2> "$tmp/jit.err"
  grep -q "streamed while reading" "$tmp/jit.err" || { cat "$tmp/jit.err"; echo "$q: not streamed"; exit 1; }
  "$KPIC" run "$ROOT/bench/q.kpi" "${binds[@]}" "${args[@]}" --format csv --engine interp > "$tmp/interp.csv"
  lines=$(wc -l < "$tmp/jit.csv")
  [ "$lines" -gt 20 ] || { echo "$q: only $lines lines"; exit 1; }
  diff "$tmp/interp.csv" "$tmp/jit.csv" > /dev/null || { diff "$tmp/interp.csv" "$tmp/jit.csv" | head; exit 1; }
  echo "$q: streamed JIT and interpreter agree on $lines lines"
done
# An overflow in a row that the second reading thread met: its rows are
# discarded and the first thread meets the row too, so the error names the
# row counted from the top of the file (row 200,000 is on line 200,001).
awk -F, -v OFS=, 'NR == 200001 { $9 = "90000000000000000.00"; $11 = "50.00" } { print }' "$tmp/orders.csv" > "$tmp/bad.csv"
if "$KPIC" run "$ROOT/bench/q.kpi" --bind "orders=csv:$tmp/bad.csv" --metric revenue,discount_rate --by channel \
  --grain month --engine jit > /dev/null 2> "$tmp/bad.err"; then
  echo "overflow: no error"; exit 1
fi
grep -qF 'overflowed 64 bits in `orders.amount * orders.discount` at data row 200000 of `orders` (orders.amount = 90000000000000000.00, orders.discount = 50.00)' "$tmp/bad.err" ||
  { cat "$tmp/bad.err"; echo "overflow: wrong message"; exit 1; }
echo "overflow in the second half: reported at row 200000"
