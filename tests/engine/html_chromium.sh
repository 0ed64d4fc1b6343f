#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium (Debian's `chromium`,
# installed by scripts/test) loads the flagship example's report from disk,
# with networking disabled; the test checks the rendered DOM for the
# scorecard, the charts, the decomposition, the drill-down and the alerts,
# and takes a screenshot artifact (ARTIFACTS/retail-report.png).
# usage: html_chromium.sh KPIC ROOT ARTIFACTS
set -euo pipefail
KPIC=$1 ROOT=$2 ART=$3
command -v chromium > /dev/null || { echo "chromium is not installed (scripts/test installs it)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$ART"
"$KPIC" run "$ROOT/examples/retail" --format html -o "$tmp/report.html"
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --no-first-run --user-data-dir="$tmp/profile")
timeout 120 chromium "${flags[@]}" --dump-dom "file://$tmp/report.html" > "$tmp/dom.html" 2> "$tmp/chromium.err" || {
  cat "$tmp/chromium.err"; exit 1; }
check() {  # description, then an extended regular expression that must match the DOM, and a minimum count
  local n
  n=$(grep -oE "$2" "$tmp/dom.html" | wc -l)
  if [ "$n" -lt "$3" ]; then echo "DOM: expected at least $3 of $1 ($2), found $n"; exit 1; fi
  echo "DOM: $n x $1"
}
check "scorecard cards" 'class="card (met|at_risk|missed|no_data)"' 2
check "charts (inline SVG)" '<svg' 8
check "trend lines" '<polyline' 2
check "goal statuses" 'class="status (met|at_risk|missed)"' 10
check "decomposition" 'Decomposition' 1
check "drill-downs" 'Drill-down by' 4
check "alerts" 'class="alert warning"' 1
check "Chinese labels" '门店业绩同比提升 28%' 1
timeout 120 chromium "${flags[@]}" --screenshot="$ART/retail-report.png" --window-size=1200,2600 \
  "file://$tmp/report.html" > /dev/null 2>&1 || true
size=$(stat -c %s "$ART/retail-report.png" 2> /dev/null || echo 0)
[ "$size" -gt 20000 ] || { echo "screenshot missing or empty ($size bytes)"; exit 1; }
echo "screenshot: $ART/retail-report.png ($size bytes)"
