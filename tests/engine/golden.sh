#!/usr/bin/env bash
# Golden tests of `kpic compile --emit plan`: the plan's text form is stable.
# usage: golden.sh KPIC ROOT [--update]
set -euo pipefail
KPIC=$1 ROOT=$2 UPDATE=${3:-}
dir="$ROOT/tests/engine/golden"
status=0
check() {  # name, then kpic arguments
  local name=$1; shift
  local got
  got=$("$KPIC" compile "$@" --emit plan 2>&1) || true
  if [ "$UPDATE" = "--update" ]; then
    printf '%s\n' "$got" > "$dir/$name.plan"
  elif ! diff -u "$dir/$name.plan" <(printf '%s\n' "$got"); then
    echo "golden mismatch: $name (rerun with --update after checking the diff)"
    status=1
  fi
}
cd "$ROOT"
check retail_goals examples/retail
check retail_channel examples/retail --metric sales,conversion,gross_profit,vip_share,repurchase_rate --by channel --grain quarter
check retail_role examples/retail --metric sales,conversion --role store_manager --param store_id=北京朝阳店
check periods tests/engine/periods --metric ytd,r3,daily,yoy,shr --by store --grain month --from 2025-02-11 --to 2026-01-01
check saas examples/saas --grain month
check retail_report examples/retail --report weekly
check convert tests/convert --metric total_cny,sales_usd,cny_per_order --by store --grain month
exit $status
