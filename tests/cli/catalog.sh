#!/usr/bin/env bash
# `kpic catalog`, the indicator center: every section in every format, the
# lineage of metrics, links, escaping and the search script's CSP. Expected
# values are written by hand from examples/retail/*.kpi and the package
# below, never taken from kpic's output.
# Usage: catalog.sh KPIC_BINARY REPO_ROOT
set -u
KPIC="$1"
ROOT="$2"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
source "$ROOT/tests/cli/expect.sh"
RETAIL="$ROOT/examples/retail"

# py NAME SCRIPT ARGS...: a Python check over files; counts a pass or a failure.
py() {
  local name="$1" script="$2"
  shift 2
  if python3 -c "$script" "$@" > "$TMP/py" 2>&1; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $name"; sed 's/^/  | /' "$TMP/py" | head -20; fi
}

# ---- JSON: every section, by name, and the lineage ------------------------------------
expect "catalog json" 0 "$KPIC" catalog "$RETAIL"
cp "$TMP/out" "$TMP/cat.json"
py "json sections" '
import json, sys
d = json.load(open(sys.argv[1]))
names = lambda k: sorted(x["name"] for x in d[k])
assert names("sources") == ["orders", "products", "traffic"], names("sources")
assert names("dimensions") == ["category", "channel", "customer_type", "store"], names("dimensions")
assert names("goals") == ["grow_sales", "keep_customers"], names("goals")
assert names("roles") == ["head_office", "store_manager"], names("roles")
assert names("reports") == ["weekly"], names("reports")
assert len(d["metrics"]) == 16 and len(d["expectations"]) == 9, (len(d["metrics"]), len(d["expectations"]))
assert d["calendar"] == {"week_start": "monday", "fiscal_year_start": 1, "time_zone": "Asia/Shanghai"}, d["calendar"]
' "$TMP/cat.json"
py "json lineage" '
import json, sys
d = json.load(open(sys.argv[1]))
m = {x["name"]: x for x in d["metrics"]}
# gross_margin_rate = gross_profit / sales; gross_profit = sales - sum(orders.quantity * orders.product_id.unit_cost ...)
g = m["gross_margin_rate"]
assert g["depends_on"] == ["gross_profit", "sales"], g["depends_on"]
L = g["lineage"]
assert L["metrics"] == ["gross_profit", "sales"], L["metrics"]
assert L["sources"] == ["retail:orders", "retail:products"], L["sources"]
assert L["columns"] == ["orders.amount", "orders.product_id.unit_cost", "orders.quantity", "orders.returned"], L["columns"]
assert L["used_by"] == {"metrics": [], "goals": [], "reports": [], "expectations": []}, L["used_by"]
gp = m["gross_profit"]["lineage"]["used_by"]
assert gp["metrics"] == ["gross_margin_rate"] and gp["goals"] == [], gp
s = m["sales"]["lineage"]["used_by"]
assert s["metrics"] == ["aov", "avg_daily_sales", "gross_margin_rate", "gross_profit", "vip_share"], s["metrics"]
assert s["goals"] == ["grow_sales"] and s["reports"] == ["weekly"], s
assert len(s["expectations"]) == 2, s["expectations"]
c = m["conversion"]["lineage"]
assert c["metrics"] == ["order_count", "visitors"] and c["used_by"]["goals"] == ["grow_sales"], c
assert m["sales"]["labels"] == {"en": "Net sales"} and m["sales"]["format"] is None, m["sales"]
assert len(m["sales"]["fingerprint"]) == 32, m["sales"]["fingerprint"]
' "$TMP/cat.json"
py "json goals, roles, reports, dimensions, sources" '
import json, sys
d = json.load(open(sys.argv[1]))
g = {x["name"]: x for x in d["goals"]}
assert g["grow_sales"]["metrics"] == ["aov", "conversion", "return_rate", "sales", "visitors"], g["grow_sales"]["metrics"]
assert g["grow_sales"]["owner"] == "retail-ops" and g["grow_sales"]["drill_top"] == 5, g["grow_sales"]
assert [a["severity"] for a in g["grow_sales"]["alerts"]] == ["critical", "warning", "warning", "critical"]
assert g["grow_sales"]["reports"] == ["weekly"] and g["keep_customers"]["metrics"] == ["repurchase_rate"]
r = {x["name"]: x for x in d["roles"]}
sm = r["store_manager"]
assert sm["params"] == [{"name": "store_id", "type": "string"}], sm["params"]
assert sm["rows"] == [{"source": "orders", "all": False, "filter": "orders.store == store_id"},
                      {"source": "traffic", "all": False, "filter": "traffic.store == store_id"},
                      {"source": "products", "all": True, "filter": None}], sm["rows"]
assert sm["hidden"] == [] and sm["not_named"] == [], sm
assert [x["all"] for x in r["head_office"]["rows"]] == [True, True, True]
w = d["reports"][0]
assert w["title"] == "运营周报" and w["goals"] == ["grow_sales", "keep_customers"] and w["role"] is None, w
assert [c["metrics"] for c in w["charts"]] == [["sales"], ["conversion"], ["aov"], ["return_rate"]], w["charts"]
dim = {x["name"]: x for x in d["dimensions"]}
assert dim["category"]["sources"] == [{"source": "retail:orders", "path": "orders.product_id -> products.category"},
                                      {"source": "retail:products", "path": "products.category"}], dim["category"]
assert [p["source"] for p in dim["store"]["sources"]] == ["retail:orders", "retail:traffic"], dim["store"]
assert dim["category"]["goals"] == ["grow_sales"] and dim["store"]["goals"] == ["grow_sales", "keep_customers"]
src = {x["name"]: x for x in d["sources"]}
assert src["products"]["referenced_by"] == ["retail:orders.product_id"], src["products"]["referenced_by"]
assert src["orders"]["data"] == {"kind": "csv", "location": "data/orders.csv", "table": None}, src["orders"]["data"]
assert src["traffic"]["used_by"]["metrics"] == ["conversion", "visitors"], src["traffic"]["used_by"]
# gross_profit reads products.unit_cost through orders.product_id; gross_margin_rate reads gross_profit.
assert src["products"]["used_by"]["metrics"] == ["gross_margin_rate", "gross_profit"], src["products"]["used_by"]
assert src["orders"]["used_by"]["roles"] == ["head_office", "store_manager"], src["orders"]["used_by"]
assert len(src["orders"]["used_by"]["expectations"]) == 5, src["orders"]["used_by"]["expectations"]
' "$TMP/cat.json"

# ---- HTML: the sections, links that resolve, the CSP of the one script ----------------
expect "catalog html" 0 "$KPIC" catalog "$RETAIL" --format html --lang en -o "$TMP/cat.html"
for id in s-retail-orders s-retail-traffic s-retail-products g-grow_sales g-keep_customers r-store_manager \
          r-head_office rp-weekly d-store d-category m-gross_margin_rate; do
  if grep -q "id=\"$id\"" "$TMP/cat.html"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: html lacks #$id"; fi
done
py "html links resolve; the goal links to its metric" '
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
ids = set(re.findall(r"id=\"([^\"]+)\"", h))
hrefs = set(re.findall(r"href=\"#([^\"]+)\"", h))
assert not (hrefs - ids), sorted(hrefs - ids)
goal = h[h.index("id=\"g-keep_customers\""):]
goal = goal[:goal.index("</div>\n")]
assert "<dt>metric</dt><dd><a href=\"#m-repurchase_rate\">" in goal, goal
' "$TMP/cat.html"
py "html lineage of gross_margin_rate" '
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
e = h[h.index("id=\"m-gross_margin_rate\""):]
e = e[:e.index("</div>\n")]
built = e[e.index("built from"):e.index("used by")]
assert re.findall(r"href=\"#m-(\w+)\"", built) == ["gross_profit", "sales", "sales"], built
assert "href=\"#s-retail-products\"><code>orders.product_id.unit_cost</code>" in built, built
# The graph: the sources and metrics under it, itself; nothing names it.
svg = e[e.index("<svg"):e.index("</svg>")]
assert sorted(re.findall(r"href=\"#([^\"]+)\"", svg)) == ["m-gross_margin_rate", "m-gross_profit", "m-sales",
                                                          "s-retail-orders", "s-retail-products"], svg
# orders->sales, orders->gross_profit, products->gross_profit, sales->gross_profit, sales->gross_margin_rate,
# gross_profit->gross_margin_rate
assert svg.count("<path") == 6, svg
g = h[h.index("id=\"m-gross_profit\""):]
g = g[g.index("<svg"):g.index("</svg>")]
assert "href=\"#m-gross_margin_rate\"" in g and g.count("<path") == 5, g
' "$TMP/cat.html"
py "the CSP allows exactly the page script, by its sha256" '
import base64, hashlib, re, sys
h = open(sys.argv[1], encoding="utf-8").read()
scripts = re.findall(r"<script>(.*?)</script>", h, re.S)
assert len(scripts) == 1 and h.count("<script") == 1, len(scripts)
digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode()
csp = re.search(r"Content-Security-Policy\" content=\"([^\"]*)\"", h).group(1)
assert "script-src " + chr(39) + "sha256-" + digest + chr(39) in csp, (digest, csp)
assert "default-src " + chr(39) + "none" + chr(39) in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0], csp
# Without JavaScript the search box stays hidden.
assert re.search(r"<input id=\"q\" type=\"search\" hidden", h), "search box"
' "$TMP/cat.html"

# ---- The search box in a real browser (when Chromium is installed) --------------------
BROWSER="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -n "$BROWSER" ]; then
  # The page's script runs under the page's own CSP: it shows the search box.
  timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --dump-dom "file://$TMP/cat.html" > "$TMP/dom.html" 2>/dev/null
  py "the search script runs under the CSP" '
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
box = re.search(r"<input[^>]*id=\"q\"[^>]*>", dom).group(0)
assert "hidden" not in box, box
' "$TMP/dom.html"
  # Typing: a copy of the page with a test script (allowed by its hash too)
  # that types three searches and records the entries left visible.
  python3 - "$TMP/cat.html" "$TMP/typed.html" <<'PY'
import base64, hashlib, sys
h = open(sys.argv[1], encoding="utf-8").read()
test = ("function typed(t){var q=document.getElementById('q');q.value=t;q.dispatchEvent(new Event('input'));"
        "var v=[];document.querySelectorAll('.entry').forEach(function(e){if(e.style.display!=='none')v.push(e.id);});"
        "var u=[];document.querySelectorAll('section').forEach(function(e){if(e.style.display!=='none')u.push(e.id);});"
        "return v.join(' ')+' / '+document.getElementById('n').textContent+' / '+u.join(' ');}"
        "document.body.setAttribute('data-r1',typed('毛利'));document.body.setAttribute('data-r2',typed('crm'));"
        "document.body.setAttribute('data-r3',typed('SALES-OPS  退货'));document.body.setAttribute('data-r4',typed(''));")
digest = base64.b64encode(hashlib.sha256(test.encode()).digest()).decode()
h = h.replace("script-src ", "script-src 'sha256-" + digest + "' ", 1).replace("</body>", "<script>" + test + "</script></body>")
open(sys.argv[2], "w", encoding="utf-8").write(h)
PY
  timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --dump-dom "file://$TMP/typed.html" > "$TMP/dom.html" 2>/dev/null
  py "searching filters the entries" '
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
r = dict(re.findall(r"data-(r\d)=\"([^\"]*)\"", dom))
assert r["r1"] == "m-gross_margin_rate m-gross_profit / 2 found / metrics", r["r1"]
assert r["r2"] == "m-repurchase_rate m-vip_share g-keep_customers / 3 found / metrics goals", r["r2"]
assert r["r3"] == "m-return_rate m-returned_orders / 2 found / metrics", r["r3"]
entries, found, sections = r["r4"].split(" / ")
assert len(entries.split()) == 16 + 2 + 3 + 4 + 2 + 1 and found == "", r["r4"]
assert sections == "metrics goals sources dimensions roles reports tests", sections
' "$TMP/dom.html"
else
  echo "catalog: no Chromium, the search box is not tried in a browser"
fi

# ---- Markdown: as complete as the HTML ------------------------------------------------
expect "catalog markdown" 0 "$KPIC" catalog "$RETAIL" --format markdown --lang en
for h in "### source orders" "### source traffic" "### source products" "### goal grow_sales" "### goal keep_customers" \
         "### role store_manager" "### role head_office" "### report weekly" "### dimension category" "## Data tests"; do
  contains out "$h"
done
contains out "  - [\`orders\`](#source-orders): rows where \`orders.store == store_id\`"
contains out "- alert (critical): 转化率过低 when \`conversion < 1.5%\`"
contains out "  - [\`retail:orders\`](#source-orders) via \`orders.product_id -> products.category\`"
py "markdown lineage of gross_margin_rate, links resolve" '
import re, sys
md = open(sys.argv[1], encoding="utf-8").read()
e = md[md.index("\n### gross_margin_rate\n"):]
e = e[:e.index("```mermaid")]
tree = e[e.index("  - built from:\n"):e.index("  - sources:")]
metrics = re.findall(r"^ *- metric \[`(\w+)`\]", tree, re.M)
assert metrics == ["gross_profit", "sales", "sales"], tree
depth = {m.group(2): len(m.group(1)) for m in re.finditer(r"^( *)- metric \[`(\w+)`\]", tree, re.M)}
assert depth["gross_profit"] == 4, tree
assert "- column `orders.product_id.unit_cost` of [products](#source-products)" in tree, tree
slug = lambda t: re.sub(r"[^\w\- ]", "", t.strip().lower()).replace(" ", "-")
anchors = {slug(h) for h in re.findall(r"^#+ (.*)$", md, re.M)}
links = set(re.findall(r"\]\(#([^)]+)\)", md))
assert not (links - anchors), sorted(links - anchors)
' "$TMP/out"

# ---- Hostile text: escaped in HTML, shown as text in Markdown ----------------------------
mkdir -p "$TMP/bad"
printf 'day,amt\n2026-01-05,1.00\n' > "$TMP/bad/s.csv"
cat > "$TMP/bad/p.kpi" <<'KPI'
/// desc | with </script> and <b>bold</b>
source s "源<script>alert(1)</script>" from csv("s.csv") {
  day: date time
  amt: decimal(2) unit CNY
}
metric sales "销售<script>alert(2)</script>|x\ny": CNY = sum(s.amt)
  owner "a|b"
goal g "<img src=x onerror=alert(3)>" {
  metric sales
  period 2026 by month
  target sales >= 100 CNY
  alert "<script>alert(4)</script>" when sales < 50 CNY severity critical
}
KPI
expect "catalog html of hostile labels" 0 "$KPIC" catalog "$TMP/bad" --format html --lang en
lacks out "<script>alert("
lacks out "<img src=x"
lacks out "<b>bold"
contains out "销售&lt;script&gt;alert(2)&lt;/script&gt;|x"
contains out "&lt;img src=x onerror=alert(3)&gt;"
contains out "desc | with &lt;/script&gt; and &lt;b&gt;bold&lt;/b&gt;"
expect "catalog markdown of hostile labels" 0 "$KPIC" catalog "$TMP/bad" --format markdown --lang en
lacks out "<script>"
lacks out "<img"
lacks out "<b>"
contains out "| [\`sales\`](#sales) | 销售&lt;script&gt;alert(2)&lt;/script&gt;\\|x y | \`CNY\` | additive |  | a\\|b | main |"
contains out "**&lt;img src=x onerror=alert(3)&gt;**"
contains out "- alert (critical): &lt;script&gt;alert(4)&lt;/script&gt; when \`sales < 50 CNY\`"
expect "catalog json of hostile labels" 0 "$KPIC" catalog "$TMP/bad"
json 'd["metrics"][0]["label"]' $'销售<script>alert(2)</script>|x\ny'

# ---- Labels in the languages a package declares ---------------------------------------
# package DIR: a folder $TMP/DIR with one row of s.csv and p.kpi from stdin.
package() {
  mkdir -p "$TMP/$1"
  printf 'day,amt\n2026-01-05,1.00\n' > "$TMP/$1/s.csv"
  cat > "$TMP/$1/p.kpi"
}
package lang <<'KPI'
package shop { languages "zh", "en" }
source s "源" from csv("s.csv") {
  day: date time
  amt: decimal(2) unit CNY
}
metric sales "销售额": CNY = sum(s.amt)
  label.en "Sales"
metric half "一半": CNY = sales / 2
goal g "目标" {
  label.en "Goal"
  metric sales
  period 2026 by month
  target sales >= 100 CNY
}
goal h {
  metric half
  period 2026 by month
  target half >= 1 CNY
}
role viewer "查看者"(d: date) {
  s where s.day >= d
  hide s.amt
}
KPI
expect "catalog json of declared languages" 0 "$KPIC" catalog "$TMP/lang"
json '[(m["name"], m["missing_labels"]) for m in d["metrics"]]' "[('half', ['en']), ('sales', [])]"
json '[(g["name"], g["labels"], g["missing_labels"]) for g in d["goals"]]' "[('g', {'en': 'Goal'}, []), ('h', {}, ['zh', 'en'])]"
json 'd["packages"]' "[{'governed': False, 'languages': ['zh', 'en'], 'name': 'shop'}]"
json '[(c["name"], c.get("hidden_from")) for c in d["sources"][0]["columns"]]' "[('day', None), ('amt', ['viewer'])]"
json '[(r["params"], r["rows"], r["hidden"]) for r in d["roles"]]' "[([{'name': 'd', 'type': 'date'}], [{'all': False, 'filter': 's.day >= d', 'source': 's'}], ['s.amt'])]"
expect "catalog markdown of declared languages" 0 "$KPIC" catalog "$TMP/lang" --format markdown --lang en
contains out "Package shop: labels in zh, en."
contains out "- **missing labels**: zh, en"
contains out "| \`amt\` | decimal(2) | \`CNY\` | hidden from [\`viewer\`](#role-viewer) |"
contains out "- hidden columns: \`s.amt\`"
expect "catalog html of declared languages" 0 "$KPIC" catalog "$TMP/lang" --format html --lang en
contains out '<dt>missing labels</dt><dd><span class="tag warning">zh</span><span class="tag warning">en</span></dd>'

# ---- Governance fields: JSON, and the same in every language --------------------------
# examples/retail/metrics.kpi: every metric `status approved`, `approver "data-council"`;
# sales, conversion, gross_margin_rate and return_rate have a `definition`.
expect "catalog json with --lang en" 0 "$KPIC" catalog "$RETAIL" --lang en
cmp -s "$TMP/out" "$TMP/cat.json" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: --lang changes the JSON"; }
py "json governance fields" '
import json, sys
d = json.load(open(sys.argv[1]))
m = {x["name"]: x for x in d["metrics"]}
assert (m["sales"]["status"], m["sales"]["approver"], m["sales"]["definition"]) == \
    ("approved", "data-council", "下单金额之和，不含被退回的订单；按下单日期计入"), m["sales"]
assert m["aov"]["definition"] is None and m["aov"]["status"] == "approved", m["aov"]
assert sorted(n for n, x in m.items() if x["definition"]) == ["conversion", "gross_margin_rate", "return_rate", "sales"]
assert {x["approver"] for x in m.values()} == {"data-council"} and {x["status"] for x in m.values()} == {"approved"}
' "$TMP/cat.json"
package gov <<'KPI'
package shop { languages "en", "zh" }
source s "Sales rows" from csv("s.csv") {
  day: date time
  amt: decimal(2) unit CNY
}
metric sales "Sales": CNY = sum(s.amt)
  label.zh "销售额"
  status draft
metric old "Old sales": CNY = sum(s.amt) * 1
  label.zh "旧销售额"
  deprecated "use sales"
metric share "Share": percent = sales / sales
  label.zh "占比"
KPI
expect "catalog json of statuses" 0 "$KPIC" catalog "$TMP/gov"
json '[(m["name"], m["status"], m["approver"], m["definition"]) for m in d["metrics"]]' \
  "[('old', 'deprecated', None, None), ('sales', 'draft', None, None), ('share', None, None, None)]"
# Default language: the package's first of zh/en (`languages "en", "zh"`): English words, main labels.
expect "catalog markdown, default language from the package" 0 "$KPIC" catalog "$TMP/gov" --format markdown
contains out "# Indicator center"
contains out "| [\`sales\`](#sales) | Sales | \`CNY\` | additive | draft |  | shop |"
contains out "| [\`share\`](#share) | Share | % (percent) | non_additive |  |  | shop |"
contains out "| [\`old\`](#old) | Old sales | \`CNY\` | additive | deprecated |  | shop |"
lacks out "指标中心"
# --lang zh: Chinese words and the `label.zh` labels.
expect "catalog markdown --lang zh" 0 "$KPIC" catalog "$TMP/gov" --format markdown --lang zh
contains out "# 指标中心"
contains out "| [\`sales\`](#sales) | 销售额 | \`CNY\` | 可加 | 草稿 |  | shop |"
contains out "| [\`share\`](#share) | 占比 | %（百分比） | 不可加 |  |  | shop |"
contains out "| [\`old\`](#old) | 旧销售额 | \`CNY\` | 可加 | 已弃用 |  | shop |"
contains out "- **已弃用**: use sales"
contains out "### source s"
lacks out "Indicator center"
lacks out "| metric |"

# In English, one report is "1 report" (it said "1 reports": probe, 2026-12-06);
# counted by hand from examples/retail.
expect "catalog markdown, en counts" 0 "$KPIC" catalog "$RETAIL" --format markdown --lang en
contains out "3 sources · 4 dimensions · 16 metrics · 2 goals · 2 roles · 1 report · 9 data tests."

# ---- The retail catalog in Chinese (its default: its labels are Chinese) ------------------
expect "catalog markdown, default zh" 0 "$KPIC" catalog "$RETAIL" --format markdown
cp "$TMP/out" "$TMP/zh.md"
contains out "# 指标中心"
contains out "3 个数据源 · 4 个维度 · 16 个指标 · 2 个目标 · 2 个角色 · 1 份报告 · 9 项数据校验。"
contains out "日历：每周从星期一开始，财年始于 1 月，时区 Asia/Shanghai。包 retail：受治理"
contains out "目录：[指标](#指标) · [目标](#目标) · [数据源](#数据源) · [维度](#维度) · [角色权限](#角色权限) · [报告](#报告) · [数据校验](#数据校验)"
contains out "| 指标 | 标签 | 单位 | 可加性 | 状态 | 负责人 | 包 |"
contains out "| [\`sales\`](#sales) | 销售额 | \`CNY\` | 可加 | 已批准 | sales-ops | retail |"
contains out "| [\`conversion\`](#conversion) | 转化率 | %（百分比） | 不可加 | 已批准 | growth | retail |"
contains out "- 口径: 下单金额之和，不含被退回的订单；按下单日期计入"
contains out "- 批准人: data-council"
contains out "- 预警（严重）：转化率过低，条件 \`conversion < 1.5%\`"
contains out "## 数据校验"
for w in "## Metrics" "## Data tests" "| metric |" "- unit:" "- owner:" "- alert (" "Calendar:" "(none)"; do lacks out "$w"; done
py "zh markdown: links resolve" '
import re, sys
md = open(sys.argv[1], encoding="utf-8").read()
slug = lambda t: re.sub(r"[^\w\- ]", "", t.strip().lower()).replace(" ", "-")
anchors = {slug(h) for h in re.findall(r"^#+ (.*)$", md, re.M)}
links = set(re.findall(r"\]\(#([^)]+)\)", md))
assert not (links - anchors), sorted(links - anchors)
' "$TMP/zh.md"
expect "catalog html, default zh" 0 "$KPIC" catalog "$RETAIL" --format html
contains out '<html lang="zh-CN">'
contains out "<title>指标中心</title>"
contains out 'placeholder="搜索：名称、标签、负责人…"'
contains out 'data-w=" 项符合"'
contains out '<th>指标</th><th>标签</th><th>单位</th><th>可加性</th><th>状态</th><th>负责人</th><th>说明</th>'
contains out '<dt>口径</dt><dd>下单金额之和，不含被退回的订单；按下单日期计入</dd><dt>状态</dt><dd><span class="tag status approved">已批准</span></dd><dt>批准人</dt><dd>data-council</dd>'
contains out '<dt>单位</dt><dd>%（百分比）</dd>'
contains out "<h2>数据校验</h2>"
for w in "Indicator center" "Search" ">Metrics" "<dt>unit</dt>" "<dt>owner</dt>" ">built from<" "data-w=\" found\""; do lacks out "$w"; done
expect "catalog html --lang en" 0 "$KPIC" catalog "$RETAIL" --format html --lang en
contains out '<html lang="en">'
contains out 'placeholder="Search: name, label, owner…"'
contains out '<code>sales</code><span class="l">Net sales</span>'
contains out '<dt>definition</dt><dd>下单金额之和，不含被退回的订单；按下单日期计入</dd><dt>status</dt><dd><span class="tag status approved">approved</span></dd><dt>approver</dt><dd>data-council</dd>'
contains out '<dt>unit</dt><dd>% (percent)</dd>'
for w in "指标中心" "搜索" "<dt>单位</dt>" "百分比"; do lacks out "$w"; done
expect "catalog --lang fr is a usage error" 2 "$KPIC" catalog "$RETAIL" --format html --lang fr

echo "catalog: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
