#!/usr/bin/env bash
# A/B: two kpic binaries side by side, in alternating runs, on the
# benchmark's workloads: Q1 and Q2 end to end from the CSV, the 50-metric
# compile at O2, and `check` of a generated 2,000-metric package. Prints the
# medians and NEW/OLD for each. Used to show that a change slowed nothing;
# not a test. Usage: bench/ab.sh OLD_KPIC NEW_KPIC [ROWS (10000000)] [RUNS (5)]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OLD=$(realpath "$1") NEW=$(realpath "$2")
ROWS="${3:-10000000}"
RUNS="${4:-5}"
OUT="$ROOT/bench/out/ingest"
source "$ROOT/bench/common.sh"
ensure_orders "$OUT" "$ROWS"
cat "$OUT/orders.csv" "$OUT/sessions.csv" > /dev/null  # warm the page cache
BINDS=(--bind "orders=csv:$OUT/orders.csv" --bind "sessions=csv:$OUT/sessions.csv")
Q1=(--metric revenue,orders_n,customers,aov,discount_rate,return_rate,vip_revenue_share --by channel --grain month)
Q2=(--metric revenue,orders_n,customers,aov,discount_rate,return_rate,vip_revenue_share,conversion --by store --grain month)
ms() { local s e; s=$(date +%s%N); "$@" > /dev/null 2> "$OUT/ab.err"; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { printf '%s\n' $1 | sort -n | sed -n "$(( ($(echo $1 | wc -w) + 1) / 2 ))p"; }
ratio() { echo "scale=3; $1 / $2" | bc; }
report() {  # name, old runs, new runs
  printf '  %-28s old %7s  new %7s  new/old %s   (old: %s; new: %s)\n' "$1" "$(median "$2")" "$(median "$3")" \
    "$(ratio "$(median "$3")" "$(median "$2")")" "$2" "$3"
}
# Cold runs: a binary with the state cache (issue 26) runs with --no-cache,
# or its reruns of the unchanged file would be served from the cache.
nocache() { "$1" run --help 2>/dev/null | grep -q -- '--no-cache' && echo --no-cache || true; }
OLD_NC=$(nocache "$OLD") NEW_NC=$(nocache "$NEW")
for bin in "$OLD" "$NEW"; do  # warm each binary's kernel cache
  KPIC_CACHE_DIR="$OUT/ab-cache-$(basename "$(dirname "$bin")")" "$bin" run "$ROOT/bench/q.kpi" "${BINDS[@]}" "${Q1[@]}" --format csv > /dev/null
  KPIC_CACHE_DIR="$OUT/ab-cache-$(basename "$(dirname "$bin")")" "$bin" run "$ROOT/bench/q.kpi" "${BINDS[@]}" "${Q2[@]}" --format csv > /dev/null
done
echo "== A/B over $ROWS rows, $RUNS alternating runs each, medians in ms"
for q in Q1 Q2; do
  declare -n args=$q
  o="" n=""
  for _ in $(seq "$RUNS"); do
    o+="$(KPIC_CACHE_DIR="$OUT/ab-cache-$(basename "$(dirname "$OLD")")" ms "$OLD" run "$ROOT/bench/q.kpi" "${BINDS[@]}" "${args[@]}" --format csv $OLD_NC) "
    n+="$(KPIC_CACHE_DIR="$OUT/ab-cache-$(basename "$(dirname "$NEW")")" ms "$NEW" run "$ROOT/bench/q.kpi" "${BINDS[@]}" "${args[@]}" --format csv $NEW_NC) "
  done
  report "$q from CSV, end to end" "$o" "$n"
  unset -n args
done
mkdir -p "$ROOT/bench/out/compile"
python3 "$ROOT/bench/gen_compile_suite.py" "$ROOT/bench/out/compile/suite.kpi"
[ -f "$ROOT/bench/out/compile/orders.csv" ] || "$ROOT/build/bench/gen_orders" "$ROOT/bench/out/compile" 2000
metrics=$(grep -o '^metric [a-z0-9]*' "$ROOT/bench/out/compile/suite.kpi" | cut -d' ' -f2 | paste -sd,)
o="" n=""
for _ in $(seq "$RUNS"); do
  for bin in "$OLD" "$NEW"; do
    rm -rf "$OUT/ab-compile-cache"
    KPIC_CACHE_DIR="$OUT/ab-compile-cache" "$bin" run "$ROOT/bench/out/compile/suite.kpi" --metric "$metrics" --engine jit \
      --timings --format csv > /dev/null 2> "$OUT/ab.err"
    t=$(grep -o 'compiled in [0-9.]*' "$OUT/ab.err" | sed 's/compiled in //')
    if [ "$bin" = "$OLD" ]; then o+="$t "; else n+="$t "; fi
  done
done
report "compile, 50 metrics, O2" "$o" "$n"
python3 "$ROOT/bench/gen_check_suite.py" "$ROOT/bench/out/ab-check" 2000 > /dev/null
o="" n=""
for _ in $(seq "$RUNS"); do
  o+="$(ms "$OLD" check "$ROOT/bench/out/ab-check") "
  n+="$(ms "$NEW" check "$ROOT/bench/out/ab-check") "
done
report "check, 2000 metrics" "$o" "$n"
