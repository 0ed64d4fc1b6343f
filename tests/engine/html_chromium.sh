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
"$KPIC" run "$ROOT/examples/retail" --format html --lang en -o "$tmp/report.html"
"$KPIC" run "$ROOT/examples/retail" --format html -o "$tmp/zh.html"
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --no-first-run --user-data-dir="$tmp/profile")
timeout 120 chromium "${flags[@]}" --dump-dom "file://$tmp/report.html" > "$tmp/dom.html" 2> "$tmp/chromium.err" || {
  cat "$tmp/chromium.err"; exit 1; }
check_in() {  # file, where, description, then an extended regular expression that must match, and a minimum count
  local n
  n=$(grep -oE "$4" "$1" | wc -l)
  if [ "$n" -lt "$5" ]; then echo "$2: expected at least $5 of $3 ($4), found $n"; exit 1; fi
  echo "$2: $n x $3"
}
check() { check_in "$tmp/dom.html" DOM "$@"; }
check "scorecard cards" 'class="card (met|at_risk|missed|no_data)"' 2
check "charts (inline SVG)" '<svg' 8
check "trend lines" '<polyline' 2
check "goal statuses" 'class="status (met|at_risk|missed)"' 10
check "decomposition" 'Decomposition' 1
check "drill-downs" 'Drill-down by' 4
check "alerts" 'class="alert warning"' 1
check "Chinese labels" '门店业绩同比提升 28%' 1
# The presentation layer: money with its sign and thousands, changes of a
# percentage in points, an alert digest with the rest folded, data warnings
# folded, the drivers by their labels (identifier on hover), exact values
# on hover, and no number in exponent notation anywhere in the page.
check "money as ¥1,234.56" '¥[0-9]{1,3}(,[0-9]{3})+\.[0-9]{2}' 40
check "alert digest" 'and [0-9]+ more' 1
check "decomposition labels" 'title="conversion">转化率<' 1
check "hover values" '<title>2026-03 value: ¥[0-9,]+\.[0-9]{2}</title>' 1
# (the visible text: no style, not the stamp, whose hashes are hex, and not
# the script or the drill-through data, whose texts are checked below)
text=$(python3 -c 'import re,sys; t=open(sys.argv[1]).read(); t=re.sub(r"<(style|pre|script)[^>]*>.*?</\1>", " ", t, flags=re.S); print(re.sub(r"<[^>]*>", " ", t))' "$tmp/dom.html")
# The drill-through data's texts, shown when a member is opened.
shown=$(python3 -c 'import json,re,sys; t=open(sys.argv[1]).read(); m=re.search(r"id=\"?kpic-members\"?>(.*?)</script>", t, re.S); d=json.loads(m.group(1)) if m else {}; print(" ".join(x for v in d.values() for q in v["periods"] for x in (q["vs"], q["ts"], q["as"])))' "$tmp/dom.html")
[ -n "$shown" ] || { echo "no drill-through data"; exit 1; }
text+=" $shown"
if grep -qE '[0-9]\.?[0-9]*e[+-]?[0-9]' <<<"$text"; then echo "a number in exponent notation: $(grep -oE '[0-9.]+e[+-]?[0-9]+' <<<"$text" | head -3)"; exit 1; fi
echo "DOM: no exponent notation"
if grep -qE '\.[0-9]{4}\b' <<<"$(grep -oE '¥[0-9,.]+' <<<"$text")"; then echo "money with more than 2 decimals"; exit 1; fi
# The language: the package's labels are Chinese, so the page is in Chinese
# by default (--lang zh), English words with --lang en; labels follow
# `label.en` where one exists (sales: "Net sales").
zcheck() { check_in "$tmp/zh.html" "zh page" "$@"; }
zcheck "html lang" '<html lang="zh-CN">' 1
zcheck "Chinese headings" '<h2>目标记分卡</h2>' 1
zcheck "drill headings by dimension label" '按<span title="store">门店</span>下钻' 1
zcheck "folded alerts in Chinese" '其余 [0-9]+ 条' 1
zcheck "status words" 'class="status missed">未达成<' 1
zcheck "axis ticks in 万 (trend of ¥110,000 to ¥170,000)" '>¥1[1-7]万<' 5
zcheck "exact amounts in tables" '<td>¥131,772.40</td>' 1
zcheck "a waterfall" '<svg class=waterfall' 1
grep -q 'Scorecard' "$tmp/zh.html" && { echo "zh page: English heading left"; exit 1; }
check "English words with --lang en" '<h2>Scorecard</h2>' 1
check "label.en with --lang en" 'Net sales' 1
# The page carries its own font: a WOFF2 subset of the glyphs it shows
# (docs/fonts.md), and stays well under 1 MB.
check "embedded font" '@font-face\{font-family:"kpic ' 1
size=$(stat -c %s "$tmp/zh.html")
# (500,000: each trend chart is drawn twice since 2026-12-06, for a
# desktop and for a phone; the page was 320,000 bytes before.)
[ "$size" -lt 500000 ] || { echo "the page is $size bytes: the embedded font should keep it well under 1 MB"; exit 1; }
echo "page size: $size bytes"
# SOURCE_DATE_EPOCH makes the page reproducible byte for byte.
SOURCE_DATE_EPOCH=86400 "$KPIC" run "$ROOT/examples/retail" --format html -o "$tmp/a.html" 2>/dev/null
SOURCE_DATE_EPOCH=86400 "$KPIC" run "$ROOT/examples/retail" --format html -o "$tmp/b.html" 2>/dev/null
cmp -s "$tmp/a.html" "$tmp/b.html" && grep -q '1970-01-02 00:00 UTC' "$tmp/a.html" ||
  { echo "SOURCE_DATE_EPOCH: the page is not reproducible"; exit 1; }
echo "SOURCE_DATE_EPOCH: reproducible"
timeout 120 chromium "${flags[@]}" --screenshot="$ART/retail-report.png" --window-size=1200,2600 \
  "file://$tmp/report.html" > /dev/null 2>&1 || true
size=$(stat -c %s "$ART/retail-report.png" 2> /dev/null || echo 0)
[ "$size" -gt 20000 ] || { echo "screenshot missing or empty ($size bytes)"; exit 1; }
echo "screenshot: $ART/retail-report.png ($size bytes)"
