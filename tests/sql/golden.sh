#!/usr/bin/env bash
# Golden tests of `kpic sql` in every dialect: the emitted SQL is stable and
# reviewed. Trino, Spark, ClickHouse and BigQuery are not run by the test
# suite (no server here), so these files are what proves them; where
# node-sql-parser knows the dialect (trino, bigquery; hive for spark), each
# file must also parse. postgres, duckdb and sqlite are proven by execution
# in sql_diff.py.
# usage: golden.sh KPIC ROOT [--update]
set -euo pipefail
KPIC=$1 ROOT=$2 UPDATE=${3:-}
dir="$ROOT/tests/sql/golden"
status=0
parse=()
check() {  # name, then kpic arguments
  local name=$1; shift
  for d in postgres duckdb sqlite trino spark clickhouse bigquery; do
    local got file="$dir/$name.$d.sql"
    # The stamp line (version, absolute paths, fingerprints) is left out.
    got=$("$KPIC" sql "$@" --dialect "$d" 2>&1 | sed '1{/^-- kpic stamp: /d}') || true
    if [ "$UPDATE" = "--update" ]; then
      printf '%s\n' "$got" > "$file"
    elif ! diff -u "$file" <(printf '%s\n' "$got"); then
      echo "golden mismatch: $name.$d (rerun with --update after checking the diff)"
      status=1
    fi
    case $d in
      trino) parse+=("$file:trino") ;;
      bigquery) parse+=("$file:bigquery") ;;
      spark) parse+=("$file:hive") ;;
    esac
  done
}
cd "$ROOT"
check retail_channel examples/retail --metric sales,aov,conversion,gross_profit --by channel --grain month
check retail_windows examples/retail --metric avg_daily_sales,repurchase_rate,ship_hours --grain quarter --from 2025-01-01 --to 2026-01-01
check retail_role examples/retail --metric sales --by store --role store_manager --param "store_id=x'; DROP TABLE orders; --"
check retail_goal examples/retail --goal grow_sales
check periods tests/engine/periods --metric total,prev,ly,ytd,r3,daily,shr,yoy,z3,stock_last,stock_avg --by store --grain month
check reagg tests/engine/reagg --metric avg_store_day,avg_ticket,avg_store,share_avg --by channel --grain month
check fiscal tests/engine/fiscal --metric total,at_3am --grain quarter
check saas examples/saas --metric mrr,paying_accounts,churn_rate,nrr,csat --grain month
check saas_median examples/saas --metric resolution_hours,p90_resolution_hours --by region --grain quarter
check exact tests/sql/exact --metric total,tripled,big,rate_sum --grain month
check saas_spread examples/saas --metric csat,csat_spread,resolution_variance --by region --grain quarter
check convert tests/convert --metric sales_cny,total_cny,sales_usd --by store --grain month
check partial tests/partial --metric sales,prev,ly,ytd,r3,aov --by channel --grain quarter --from 2025-02-10 --as-of 2025-11-19
check partial_goal tests/partial --goal grow
if [ "$UPDATE" != "--update" ]; then
  modules="$(cd "$ROOT" && pwd)/bench/node_modules"
  modules="${KPIC_NODE_MODULES:-$modules}"
  if ! command -v node >/dev/null; then
    echo "SKIP syntax check: Node.js is missing"
    [ $status -eq 0 ] && status=77
  else
    if [ -z "${KPIC_NODE_MODULES:-}" ]; then
      # shellcheck source=../../bench/common.sh
      source "$ROOT/bench/common.sh"
      ensure_duckdb
    fi
    KPIC_NODE_MODULES="$modules" node "$ROOT/tests/sql/parse_check.cjs" "${parse[@]}" || status=1
  fi
fi
exit $status
