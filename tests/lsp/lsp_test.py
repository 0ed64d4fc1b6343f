#!/usr/bin/env python3
"""JSON-RPC transcripts against `kpic lsp`: every feature once, positions in
UTF-16 (and UTF-8 when negotiated) on lines holding Chinese text, and bad
requests answered with errors. Expected values are written by hand from the
example files.

usage: lsp_test.py KPIC ROOT
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

KPIC, ROOT = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


class Client:
    def __init__(self, root, encodings=None):
        self.p = subprocess.Popen([KPIC, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0
        self.notes = []
        caps = {"general": {"positionEncodings": encodings}} if encodings else {}
        self.init = self.request("initialize", {"processId": None, "rootUri": "file://" + root, "capabilities": caps})

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise EOFError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.reply(self.next_id)

    def reply(self, rid):
        while True:
            m = self.read()
            if m.get("id") == rid and "method" not in m:
                return m
            self.notes.append(m)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri, timeout=10):
        """The next publishDiagnostics for uri (waits for it)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for i, m in enumerate(self.notes):
                if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                    del self.notes[i]
                    return m["params"]["diagnostics"]
            self.notes.append(self.read())
        raise TimeoutError("no diagnostics for " + uri)


def pos_of(text, needle, offset=0, encoding="utf-16"):
    """LSP position of the first `needle` (plus offset chars) in text."""
    i = text.index(needle) + offset
    line = text.count("\n", 0, i)
    col_text = text[text.rfind("\n", 0, i) + 1:i]
    units = len(col_text.encode("utf-16-le")) // 2 if encoding == "utf-16" else len(col_text.encode("utf-8"))
    return {"line": line, "character": units}


ws = tempfile.mkdtemp()
shutil.copytree(os.path.join(ROOT, "examples/retail"), os.path.join(ws, "retail"), ignore=shutil.ignore_patterns("data", "out"))
metrics_path = os.path.join(ws, "retail", "metrics.kpi")
goals_path = os.path.join(ws, "retail", "goals.kpi")
model_path = os.path.join(ws, "retail", "model.kpi")
metrics_uri, goals_uri, model_uri = ("file://" + p for p in (metrics_path, goals_path, model_path))
metrics = open(metrics_path, encoding="utf-8").read()
goals = open(goals_path, encoding="utf-8").read()

c = Client(ws)
caps = c.init["result"]["capabilities"]
check(caps["positionEncoding"] == "utf-16", "UTF-16 positions unless the client negotiates")
check(caps["textDocumentSync"]["change"] == 2, "incremental sync offered")
c.notify("initialized", {})
c.notify("textDocument/didOpen", {"textDocument": {"uri": metrics_uri, "languageId": "kpi", "version": 1, "text": metrics}})
check(c.diagnostics(metrics_uri) == [], "the example opens without diagnostics")

# Hover on a metric use after Chinese text on the same line (UTF-16 columns).
line = next(l for l in metrics.splitlines() if l.startswith("metric aov"))
h = c.request("textDocument/hover", {"textDocument": {"uri": metrics_uri},
                                     "position": pos_of(metrics, "aov(sales", 4)})["result"]
v = h["contents"]["value"] if h else ""
check("**sales** 销售额 — metric" in v and "unit `CNY`" in v and "additive" in v and "sum(orders.amount)" in v
      and "owner: sales-ops" in v, "hover: a metric's label, unit, additivity, formula and owner after 客单价 on the line")
h = c.request("textDocument/hover", {"textDocument": {"uri": metrics_uri},
                                     "position": pos_of(metrics, "orders.amount", 8)})["result"]
check(h and "**orders.amount**: `decimal(2)`" in h["contents"]["value"] and "unit `CNY`" in h["contents"]["value"],
      "hover: a column's type and unit")

# Hover on an operator: the expression's type as the checker typed it (the IR).
h = c.request("textDocument/hover", {"textDocument": {"uri": metrics_uri},
                                     "position": pos_of(metrics, "/ gross_sales", 0)})["result"]
v = h["contents"]["value"] if h else ""
check("`(sum(orders.discount) / gross_sales)`" in v and "unit `1`" in v and "per period and member" in v
      and "non_additive" in v, "hover: an operator shows its expression's unit, level and additivity")
h = c.request("textDocument/hover", {"textDocument": {"uri": metrics_uri},
                                     "position": pos_of(metrics, "orders.shipped_at - orders.ordered_at", 19)})["result"]
v = h["contents"]["value"] if h else ""
check("float" in v and "unit `hour`" in v and "per row of `orders`" in v,
      "hover: a row expression's value type, unit and source")

# Definition across files: `sales` in metrics.kpi -> its declaration; `orders` -> model.kpi.
d = c.request("textDocument/definition", {"textDocument": {"uri": metrics_uri},
                                          "position": pos_of(metrics, "sum(orders.amount)", 4)})["result"]
model = open(model_path, encoding="utf-8").read()
check(d and d["uri"] == model_uri and d["range"]["start"] == pos_of(model, "source orders", 7),
      "definition of a source in another file")
refs = c.request("textDocument/references", {"textDocument": {"uri": metrics_uri}, "context": {"includeDeclaration": True},
                                             "position": pos_of(metrics, "metric sales", 7)})["result"]
ref_files = sorted({r["uri"] for r in refs})
check(goals_uri in ref_files and metrics_uri in ref_files and len(refs) >= 8,
      f"references of `sales` across files ({len(refs)} in {len(ref_files)} files)")

# Completion of columns after `orders.` and of metrics and keywords.
comp = c.request("textDocument/completion", {"textDocument": {"uri": metrics_uri},
                                             "position": pos_of(metrics, "orders.amount", 7)})["result"]["items"]
labels = {i["label"] for i in comp}
check({"amount", "channel", "下单时间"} & labels == {"amount", "channel"} and "ordered_at" in labels, "completion: a source's columns")
comp = c.request("textDocument/completion", {"textDocument": {"uri": metrics_uri},
                                             "position": {"line": 0, "character": 0}})["result"]["items"]
labels = {i["label"] for i in comp}
check({"sales", "conversion", "sum", "count_distinct", "metric", "where", "orders", "store"} <= labels,
      "completion: metrics, functions, keywords, sources and dimensions")
# A goal's alert reads its forecast: its fields complete after `forecast.`,
# and hover gives the probability's type.
comp = c.request("textDocument/completion", {"textDocument": {"uri": goals_uri},
                                             "position": pos_of(goals, "forecast.probability", 9)})["result"]["items"]
labels = {i["label"] for i in comp}
check({"probability", "value", "lo80", "hi95"} <= labels and "sales" not in labels, f"completion: forecast fields {labels}")
h = c.request("textDocument/hover", {"textDocument": {"uri": goals_uri},
                                     "position": pos_of(goals, "forecast.probability", 12)})["result"]
v = h["contents"]["value"] if h else ""
check("forecast.probability" in v and "unit `1`" in v and "the goal's forecast at the end of its period" in v and "per period" not in v,
      f"hover: forecast.probability {v!r}")
syms = c.request("textDocument/documentSymbol", {"textDocument": {"uri": metrics_uri}})["result"]
check([s["name"] for s in syms][:2] == ["retail", "sales"] and any(s["name"] == "sales" and s["kind"] == 12 for s in syms),
      "document symbols")

# An error typed in an incremental change: code and position arrive.
p = pos_of(metrics, "orders.amount", 7)
c.notify("textDocument/didChange", {"textDocument": {"uri": metrics_uri, "version": 2},
                                    "contentChanges": [{"range": {"start": p, "end": {"line": p["line"], "character": p["character"] + 6}},
                                                        "text": "amout"}]})
diags = c.diagnostics(metrics_uri)
check(len(diags) >= 1 and diags[0]["code"] == "E0206" and diags[0]["range"]["start"] == p and "amount" in diags[0]["message"],
      f"diagnostic after an incremental change: {diags[:1]}")
acts = c.request("textDocument/codeAction", {"textDocument": {"uri": metrics_uri}, "range": {"start": p, "end": p},
                                             "context": {"diagnostics": diags}})["result"]
check(any(a["kind"] == "quickfix" and a["edit"]["changes"][metrics_uri][0]["newText"] == "amount" for a in acts),
      "quick fix from the diagnostic's did-you-mean")
c.notify("textDocument/didChange", {"textDocument": {"uri": metrics_uri, "version": 3},
                                    "contentChanges": [{"text": metrics}]})
check(c.diagnostics(metrics_uri) == [], "a full-text change clears it")

# Formatting and rename.
c.notify("textDocument/didOpen", {"textDocument": {"uri": goals_uri, "languageId": "kpi", "version": 1,
                                                   "text": goals.replace("owner  \"crm\"", "owner     \"crm\"")}})
f = c.request("textDocument/formatting", {"textDocument": {"uri": goals_uri}, "options": {"tabSize": 2, "insertSpaces": True}})["result"]
check(len(f) == 1 and f[0]["newText"] == goals, "formatting gives the canonical text")
r = c.request("textDocument/rename", {"textDocument": {"uri": metrics_uri}, "position": pos_of(metrics, "metric sales", 7),
                                      "newName": "net_sales"})["result"]
check(metrics_uri in r["changes"] and goals_uri in r["changes"] and all(e["newText"] == "net_sales" for e in r["changes"][goals_uri]),
      "rename a metric across the workspace")
bad = c.request("textDocument/rename", {"textDocument": {"uri": metrics_uri}, "position": pos_of(metrics, "metric sales", 7),
                                        "newName": "2x"})
check("error" in bad, "rename to a non-name is refused with an error")
# (attacker probe, 2026-12-05) Names the parser does not read, and a
# package's name, were accepted and broke the package.
for name in ["metric", "\U0001F600", "a\u200bb", "std"]:
    bad = c.request("textDocument/rename", {"textDocument": {"uri": metrics_uri}, "position": pos_of(metrics, "metric sales", 7),
                                            "newName": name})
    check("error" in bad and bad["error"]["code"] == -32803, f"rename to {name!r} is refused")
check("result" in c.request("textDocument/rename", {"textDocument": {"uri": metrics_uri},
                                                    "position": pos_of(metrics, "metric sales", 7), "newName": "销售净额"}),
      "rename to a Chinese name")

# Declared SQL dialects: a median that Trino refuses is E0502 on the call;
# hover over the setting and a dialect; completion of settings and dialects.
declared = metrics.replace("package retail\n", "package retail { dialects postgres, trino }\n", 1) + \
    "/// The median order.\nmetric typical_order = median(orders.amount)\n  owner \"sales-ops\"\n  status approved\n"
c.notify("textDocument/didChange", {"textDocument": {"uri": metrics_uri, "version": 4},
                                    "contentChanges": [{"text": declared}]})
diags = c.diagnostics(metrics_uri)
p = pos_of(declared, "median(orders.amount)")
check(len(diags) == 1 and diags[0]["code"] == "E0502" and diags[0]["range"]["start"] == p
      and "`median` cannot be computed in dialect `trino`" in diags[0]["message"],
      f"E0502 on a median that a declared dialect refuses: {diags}")
h = c.request("textDocument/hover", {"textDocument": {"uri": metrics_uri},
                                     "position": pos_of(declared, "trino }", 1)})["result"]
v = h["contents"]["value"] if h else ""
check("**trino** — SQL dialect" in v and "`median`: Trino has only approximate percentiles" in v,
      f"hover on a declared dialect says what it refuses: {v!r}")
h = c.request("textDocument/hover", {"textDocument": {"uri": metrics_uri},
                                     "position": pos_of(declared, "dialects postgres", 2)})["result"]
v = h["contents"]["value"] if h else ""
check("**dialects** — package setting" in v and "bigquery" in v, f"hover on `dialects`: {v!r}")
comp = c.request("textDocument/completion", {"textDocument": {"uri": metrics_uri},
                                             "position": pos_of(declared, "trino }")})["result"]["items"]
labels = {i["label"] for i in comp}
check(labels == {"postgres", "duckdb", "sqlite", "trino", "spark", "clickhouse", "bigquery"},
      f"completion after `dialects`: the dialects only ({sorted(labels)})")
comp = c.request("textDocument/completion", {"textDocument": {"uri": metrics_uri},
                                             "position": pos_of(declared, "dialects postgres")})["result"]["items"]
labels = {i["label"] for i in comp}
check({"dialects", "governed", "languages", "lint"} <= labels and "sales" not in labels,
      f"completion in a package block: its settings ({sorted(labels)})")
typo = declared.replace("trino }", "trinno }", 1)
c.notify("textDocument/didChange", {"textDocument": {"uri": metrics_uri, "version": 5},
                                    "contentChanges": [{"text": typo}]})
diags = c.diagnostics(metrics_uri)
check(any(d["code"] == "E0217" and "did you mean `trino`?" in json.dumps(d) for d in diags),
      f"an unknown dialect is E0217 with a did-you-mean: {diags}")
c.notify("textDocument/didChange", {"textDocument": {"uri": metrics_uri, "version": 6},
                                    "contentChanges": [{"text": metrics}]})
check(c.diagnostics(metrics_uri) == [], "removing them clears the diagnostics")

# Calendar settings: hover over `pattern`; completion of the settings, the
# retail patterns and the sources for `working_days`.
cal = metrics + '\ncalendar {\n  pattern "4-5-4"\n  working_days orders\n}\n'
c.notify("textDocument/didChange", {"textDocument": {"uri": metrics_uri, "version": 7},
                                    "contentChanges": [{"text": cal}]})
c.diagnostics(metrics_uri)


def ask(method, text, needle, offset=0):
    """The result of a request at `needle` (+ offset) in `text`, the open metrics file."""
    return c.request(method, {"textDocument": {"uri": metrics_uri}, "position": pos_of(text, needle, offset)})["result"]


def at(method, needle, offset=0):
    return ask(method, cal, needle, offset)


h = at("textDocument/hover", 'pattern "4-5-4"', 2)
v = h["contents"]["value"] if h else ""
check("**pattern** — calendar setting" in v and "53rd week" in v, f"hover on `pattern`: {v!r}")
labels = {i["label"] for i in at("textDocument/completion", 'pattern "4-5-4"')["items"]}
check({"week_start", "fiscal_year_start", "pattern", "working_days"} <= labels and "sales" not in labels,
      f"completion in a calendar block: its settings ({sorted(labels)})")
labels = {i["label"] for i in at("textDocument/completion", '"4-5-4"\n')["items"]}
check(labels == {'"4-4-5"', '"4-5-4"', '"5-4-4"'}, f"completion after `pattern`: the patterns ({sorted(labels)})")
labels = {i["label"] for i in at("textDocument/completion", "orders\n}")["items"]}
check("orders" in labels and "sales" not in labels, f"completion after `working_days`: sources ({sorted(labels)})")
c.notify("textDocument/didChange", {"textDocument": {"uri": metrics_uri, "version": 8},
                                    "contentChanges": [{"text": metrics}]})
check(c.diagnostics(metrics_uri) == [], "removing the calendar clears the diagnostics")

# A dimension's block: hover over a setting, completion of the settings (it
# offered every keyword of the language); a dimension without a block
# leaves the next declaration's block alone.
dim = metrics + '\ndimension zone "区": string {\n  label.en "Zone"\n  \n}\ndimension plain_dim: string\n'
c.notify("textDocument/didChange", {"textDocument": {"uri": metrics_uri, "version": 71},
                                    "contentChanges": [{"text": dim}]})
c.diagnostics(metrics_uri)
h = ask("textDocument/hover", dim, 'label.en "Zone"', 1)
v = h["contents"]["value"] if h else ""
check("**label** — dimension setting" in v and "--lang en" in v, f"hover on a dimension's `label`: {v!r}")
labels = {i["label"] for i in ask("textDocument/completion", dim, '"Zone"\n  ', 9)["items"]}
check(labels == {"description", "label", "owner", "values"}, f"completion in a dimension block: its settings ({sorted(labels)})")
c.notify("textDocument/didChange", {"textDocument": {"uri": metrics_uri, "version": 72},
                                    "contentChanges": [{"text": metrics}]})
check(c.diagnostics(metrics_uri) == [], "removing the dimensions clears the diagnostics")

# Governance fields of metrics: L0009 on a draft in the governed package,
# hover on the metric and on `status`, completion of the statuses.
gov = metrics + ('\n/// Discounts given.\nmetric discounts: CNY = sum(orders.discount)\n  owner "pricing"\n'
                 '  status draft\n  approver "data-council"\n  definition "折扣金额之和，按下单日期计入"\n')
c.notify("textDocument/didChange", {"textDocument": {"uri": metrics_uri, "version": 9},
                                    "contentChanges": [{"text": gov}]})
diags = c.diagnostics(metrics_uri)
check([d["code"] for d in diags] == ["L0009"] and diags[0]["range"]["start"] == pos_of(gov, "discounts: CNY"),
      f"L0009 on a draft metric of the governed package: {diags}")
h = ask("textDocument/hover", gov, "discounts: CNY", 2)
v = h["contents"]["value"] if h else ""
check("status: draft · approved by: data-council" in v and "definition (口径): 折扣金额之和，按下单日期计入" in v,
      f"hover on a metric shows its status, approver and definition: {v!r}")
h = ask("textDocument/hover", gov, "status draft", 2)
v = h["contents"]["value"] if h else ""
check("**status** — metric attribute" in v and "`draft`, `approved` or `deprecated`" in v, f"hover on `status`: {v!r}")
labels = {i["label"] for i in ask("textDocument/completion", gov, "draft\n")["items"]}
check(labels == {"draft", "approved", "deprecated"}, f"completion after `status`: the statuses ({sorted(labels)})")
labels = {i["label"] for i in ask("textDocument/completion", gov, "approver \"data")["items"]}
check({"approver", "status", "definition"} <= labels, f"completion offers the governance attributes ({sorted(labels)})")
c.notify("textDocument/didChange", {"textDocument": {"uri": metrics_uri, "version": 10},
                                    "contentChanges": [{"text": metrics}]})
check(c.diagnostics(metrics_uri) == [], "removing the draft clears the diagnostics")

# Bad or unexpected requests get error replies.
check(c.request("workspace/frobnicate", {})["error"]["code"] == -32601, "unknown method: -32601")
check(c.request("textDocument/hover", {"textDocument": {}})["error"]["code"] == -32602, "bad params: -32602")
check(c.request("textDocument/hover", {"textDocument": {"uri": "file:///nope.kpi"}, "position": {"line": 0, "character": 0}})["error"]["code"] == -32602,
      "unknown document: -32602")
c.raw(b"Content-Length: 9\r\n\r\n{not json")
check(c.read()["error"]["code"] == -32700, "garbage: -32700")
# (attacker probe, 2026-12-05) Messages that are no request got no reply;
# a range with a negative line or its end before its start rewrote the
# document (line -1 read as 4294967295): dropped, and logged.
for body in [b"[]", b"1", b"{}"]:
    c.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    m = c.read()
    check(m.get("id", 0) is None and m["error"]["code"] == -32600, f"{body!r}: -32600 with a null id")
before = c.request("textDocument/formatting", {"textDocument": {"uri": metrics_uri}, "options": {"tabSize": 2, "insertSpaces": True}})
for rng in [{"start": {"line": -1, "character": 0}, "end": {"line": 0, "character": 0}},
            {"start": {"line": 1, "character": 0}, "end": {"line": 0, "character": 0}}]:
    c.notify("textDocument/didChange", {"textDocument": {"uri": metrics_uri, "version": 9},
                                        "contentChanges": [{"range": rng, "text": "//X"}]})
after = c.request("textDocument/formatting", {"textDocument": {"uri": metrics_uri}, "options": {"tabSize": 2, "insertSpaces": True}})
check(before.get("result") == after.get("result"), "a bad range does not change the document")
check(any(n.get("method") == "window/logMessage" and "range" in n["params"]["message"] for n in c.notes),
      "a bad range is logged")
check(c.request("shutdown", None).get("result", 1) is None, "shutdown")
c.notify("exit", None)
check(c.p.wait(timeout=10) == 0, "exit after shutdown: 0")

# UTF-8 positions when the client asks for them.
c = Client(ws, ["utf-8", "utf-16"])
check(c.init["result"]["capabilities"]["positionEncoding"] == "utf-8", "negotiates UTF-8")
c.notify("textDocument/didOpen", {"textDocument": {"uri": metrics_uri, "languageId": "kpi", "version": 1, "text": metrics}})
h = c.request("textDocument/hover", {"textDocument": {"uri": metrics_uri},
                                     "position": pos_of(metrics, "aov(sales", 4, "utf-8")})["result"]
check(h and "**sales**" in h["contents"]["value"], "hover with UTF-8 columns")
c.p.kill()

# A document over --max-file-bytes is not analysed; one E0004 says so.
c = Client(ws)
c.p.kill()
c.p = subprocess.Popen([KPIC, "lsp", "--max-file-bytes", "200"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
c.request("initialize", {"processId": None, "capabilities": {}})
c.notify("textDocument/didOpen", {"textDocument": {"uri": metrics_uri, "languageId": "kpi", "version": 1, "text": metrics}})
d = c.diagnostics(metrics_uri)
check(len(d) == 1 and d[0]["code"] == "E0004" and "more than the language server analyses (200)" in d[0]["message"],
      "--max-file-bytes: a large document gets one E0004 and is not analysed")
c.p.kill()

# A role's `hide` line: hover names the source and the hidden column.
roles_dir = os.path.join(ws, "roles")
shutil.copytree(os.path.join(ROOT, "tests/roles"), roles_dir, ignore=shutil.ignore_patterns("*.sh", "*.csv"))
shop = open(os.path.join(roles_dir, "shop.kpi"), encoding="utf-8").read()
shop_uri = "file://" + os.path.join(roles_dir, "shop.kpi")
c = Client(roles_dir)
c.notify("initialized", {})
c.notify("textDocument/didOpen", {"textDocument": {"uri": shop_uri, "languageId": "kpi", "version": 1, "text": shop}})
c.diagnostics(shop_uri)
h = c.request("textDocument/hover", {"textDocument": {"uri": shop_uri},
                                     "position": pos_of(shop, "hide products.cost", 15)})["result"]
check(h and "**products.cost**: `decimal(2)`" in h["contents"]["value"], "hover on a hidden column")
items = c.request("textDocument/completion", {"textDocument": {"uri": shop_uri},
                                              "position": pos_of(shop, "hide products.cost", 0)})["result"]
labels = [i["label"] for i in (items["items"] if isinstance(items, dict) else items)]
check("hide" in labels, "completion offers `hide`")
c.p.kill()

# The action log beside the documents: an action on an unknown goal is
# published for its .action file, at its line and column, with the closest name.
acts_dir = os.path.join(ws, "acts")
os.makedirs(os.path.join(acts_dir, "actions"))
shutil.copy(os.path.join(ROOT, "examples/retail/goals.kpi"), acts_dir)
for f in ("model.kpi", "metrics.kpi"):
    shutil.copy(os.path.join(ROOT, "examples/retail", f), acts_dir)
bad = '{"event":"open","id":"B1","by":"x","start":"2026-01-01","goal":"grow_sale","what":"w"}\n'
open(os.path.join(acts_dir, "actions", "B1.action"), "w", encoding="utf-8").write(bad)
goals = open(os.path.join(acts_dir, "goals.kpi"), encoding="utf-8").read()
goals_uri = "file://" + os.path.join(acts_dir, "goals.kpi")
c = Client(acts_dir)
c.notify("initialized", {})
c.notify("textDocument/didOpen", {"textDocument": {"uri": goals_uri, "languageId": "kpi", "version": 1, "text": goals}})
d = c.diagnostics("file://" + os.path.join(acts_dir, "actions", "B1.action"))
check(len(d) == 1 and d[0]["code"] == "W0903" and d[0]["range"]["start"] == {"line": 0, "character": bad.index('"grow_sale"')}
      and "did you mean `grow_sales`?" in json.dumps(d[0], ensure_ascii=False),
      "an action's unknown goal is published for its file, at the goal's name")
c.p.kill()

# What the plans of a clean package refuse reaches the editor as it does
# `kpic check`: a goal by week whose alert reads `.to_date(year)` (E0320 on the goal)
# and a report's chart by week of it (W0010 on the chart). Neither showed
# in the editor: the server checked without planning.
plan_dir = os.path.join(ws, "plans")
os.makedirs(plan_dir)
plan_text = ('package p\nsource o from csv("o.csv") {\n  day: date time\n  amount: decimal(2) unit USD\n}\n'
             'metric sales: USD = sum(o.amount)\nmetric ytd: USD = sales.to_date(year)\n'
             'goal g {\n  metric sales\n  period 2026 by week\n  target sales >= 10 USD\n'
             '  alert "slow" when ytd < 5 USD severity warning\n}\n'
             'report r {\n  metrics sales\n  chart ytd by week as line\n}\n')
plan_path = os.path.join(plan_dir, "p.kpi")
open(plan_path, "w", encoding="utf-8").write(plan_text)
c = Client(plan_dir)
c.notify("initialized", {})
c.notify("textDocument/didOpen", {"textDocument": {"uri": "file://" + plan_path, "languageId": "kpi", "version": 1,
                                                    "text": plan_text}})
d = c.diagnostics("file://" + plan_path)
codes = sorted((x["code"], x["range"]["start"]["line"]) for x in d if not x["code"].startswith("L"))
check(codes == [("E0320", 7), ("W0010", 15)], f"plans' findings in the editor: {codes}")
c.p.kill()

# A workspace file with an invalid byte in a string, and one whose string
# is cut inside a Chinese character in the message: the server stopped
# (exit 70: its JSON refused the raw byte, or half a character). The
# message shows U+FFFD for the byte, as `kpic check` does.
bad_dir = os.path.join(ws, "badbytes")
os.makedirs(bad_dir)
open(os.path.join(bad_dir, "bad.kpi"), "wb").write(b'package p\nmetric m "ab\xffcd" .\n')
open(os.path.join(bad_dir, "cut.kpi"), "wb").write(
    ('package p\nmetric n "a' + "中文" * 9 + '" .\n').encode())
good_path = os.path.join(bad_dir, "good.kpi")
good_text = "package p\nmetric k = 1\n"
open(good_path, "w", encoding="utf-8").write(good_text)
c = Client(bad_dir)
c.notify("initialized", {})
c.notify("textDocument/didOpen", {"textDocument": {"uri": "file://" + good_path, "languageId": "kpi", "version": 1,
                                                    "text": good_text}})
d = c.diagnostics("file://" + os.path.join(bad_dir, "bad.kpi"))
check(any('"ab\ufffdcd"' in x["message"] for x in d), f"an invalid byte in a string reads U+FFFD: {[x['message'] for x in d]}")
d = c.diagnostics("file://" + os.path.join(bad_dir, "cut.kpi"))
# The string's first 37 bytes, cut back to a whole character: `"a` and 11 of them.
check(any('string "a中文中文中文中文中文中..., found' in x["message"] for x in d),
      f"a string cut in a message keeps whole characters: {[x['message'] for x in d]}")
check(c.request("shutdown", None).get("error") is None and c.p.poll() is None, "the server is still running")
c.p.kill()

# An unsaved buffer (no file on disk) closed: its diagnostics are cleared
# (they stayed in the editor: new-user probe, 2026-12-07).
un_dir = os.path.join(ws, "unsaved")
os.makedirs(un_dir)
un_path = os.path.join(un_dir, "draft.kpi")
c = Client(un_dir)
c.notify("initialized", {})
c.notify("textDocument/didOpen", {"textDocument": {"uri": "file://" + un_path, "languageId": "kpi", "version": 1,
                                                    "text": "package p\nmetric m = nope\n"}})
d = c.diagnostics("file://" + un_path)
check(any(x.get("code") == "E0201" for x in d), f"an unsaved buffer's error is published: {d}")
c.notify("textDocument/didClose", {"textDocument": {"uri": "file://" + un_path}})
d = c.diagnostics("file://" + un_path)
check(d == [], f"closing it clears its diagnostics: {d}")
c.p.kill()


def folder(name, files):
    """A fresh folder of the workspace holding `files` (name -> text)."""
    d = os.path.join(ws, name)
    os.makedirs(d)
    for f, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(d, f)), exist_ok=True)
        open(os.path.join(d, f), "w", encoding="utf-8").write(text)
    return d


def started(root):
    """A client initialized on `root`."""
    c = Client(root)
    c.notify("initialized", {})
    return c


def codes(diags):
    return [d["code"] for d in diags]


def opened(name, text, others=None):
    """A client on a fresh folder whose a.kpi holds `text` (beside `others`), opened: the client, its URI and its
    diagnostics."""
    d = folder(name, {"a.kpi": text, **(others or {})})
    uri = "file://" + os.path.join(d, "a.kpi")
    c = started(d)
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "kpi", "version": 1, "text": text}})
    return c, uri, c.diagnostics(uri)


def at(c, method, uri, line, character, **params):
    """The reply to a request at (line, character) of `uri`."""
    return c.request(method, {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}, **params})


def spans(locations):
    """(line, start character, end character) of each location or edit, sorted."""
    return sorted((x["range"]["start"]["line"], x["range"]["start"]["character"], x["range"]["end"]["character"])
                  for x in locations)


# Files changed, added or removed on disk while not open
# (workspace/didChangeWatchedFiles): they kept their old text, so the open
# document read a metric that was gone (E0201 where `kpic check` is clean)
# and a renamed file declared everything twice (E0202).
watch_src = ('package shop\nsource orders from csv("orders.csv") {\n  order_id: string key\n'
             '  ordered_at: timestamp time\n  amount: decimal(2) unit CNY\n}\nmetric sales: CNY = sum(orders.amount)\n')
wd = folder("watched", {"a.kpi": watch_src, "main.kpi": "package shop\nmetric double_sales = sales * 2\n"})
main_uri, a_path = "file://" + os.path.join(wd, "main.kpi"), os.path.join(wd, "a.kpi")
c = started(wd)
c.notify("textDocument/didOpen", {"textDocument": {"uri": main_uri, "languageId": "kpi", "version": 1,
                                                   "text": "package shop\nmetric double_sales = sales * 2\n"}})
check(c.diagnostics(main_uri) == [], "watched files: clean at start")
open(a_path, "w").write(watch_src.replace("metric sales", "metric revenue"))
c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": "file://" + a_path, "type": 2}]})
c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 2},
                                    "contentChanges": [{"text": "package shop\nmetric double_sales = revenue * 2\n"}]})
d = c.diagnostics(main_uri)
check(d == [], f"a file changed on disk is read again: {d}")
os.rename(a_path, os.path.join(wd, "b.kpi"))
c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": "file://" + a_path, "type": 3},
                                                         {"uri": "file://" + os.path.join(wd, "b.kpi"), "type": 1}]})
c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 3},
                                    "contentChanges": [{"text": "package shop\nmetric double_sales = revenue * 3\n"}]})
d = c.diagnostics(main_uri)
check(d == [], f"a file renamed on disk is dropped under its old name and read under its new one: {d}")
os.remove(os.path.join(wd, "b.kpi"))
c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": "file://" + os.path.join(wd, "b.kpi"), "type": 3}]})
c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 4},
                                    "contentChanges": [{"text": "package shop\nmetric double_sales = revenue * 4\n"}]})
d = c.diagnostics(main_uri)
check(codes(d) == ["E0201"], f"a file deleted on disk is dropped: {codes(d)}")
c.p.kill()

# A metric named like a clause's keyword (`target`): its rename rewrote the
# goal's `target` keyword too, and the package no longer parsed.
SHOP_SOURCES = ('package shop\n\nsource orders from csv("orders.csv") {\n  order_id: string key\n'
                '  ordered_at: timestamp time\n  amount: decimal(2) unit CNY\n}\n')
kw_text = (SHOP_SOURCES + 'source budget from csv("budget.csv") {\n  day: date time\n  amount: decimal(2) unit CNY\n}\n\n'
           'metric sales: CNY = sum(orders.amount)\n  owner "ops"\nmetric target: CNY = sum(budget.amount)\n'
           '  owner "finance"\n\ngoal hit "达成" {\n  owner  "x"\n  metric sales\n  period 2026 by month\n'
           '  target sales >= target\n}\n')
c, kw_uri, d = opened("softkw", kw_text)
check(d == [], "a metric named `target` checks")
r = at(c, "textDocument/rename", kw_uri, 14, 8, newName="budget_sales")["result"]
check(spans(r["changes"][kw_uri]) == [(14, 7, 13), (21, 18, 24)],
      f"rename of the metric `target` leaves the goal's `target` keyword: {spans(r['changes'][kw_uri])}")
h = at(c, "textDocument/hover", kw_uri, 21, 3)["result"]
check(h is None or "— metric" not in h["contents"]["value"], f"the `target` keyword is no use of the metric: {h}")
c.p.kill()

# U+3000 and NBSP after a name are white space (docs/language.md), but the
# server's name scanner took them as part of the word: hover, definition
# and references missed `销售额　`, and a rename left it behind (E0201).
u_text = ('package 商店\nsource 订单 from csv("o.csv") {\n  编号: string key\n  下单时间: timestamp time\n'
          '  金额: decimal(2) unit CNY\n}\nmetric 销售额: CNY = sum(订单.金额)\nmetric 双倍 = 销售额\u3000* 2\n'
          'metric 三倍 = 3 *\u00a0销售额\u00a0+ 销售额\n')
c, u_uri, d = opened("u3000", u_text)
check(d == [], "U+3000 and NBSP separate names")
h = at(c, "textDocument/hover", u_uri, 7, 14)["result"]
check(h is not None and "**销售额** — metric" in h["contents"]["value"], f"hover on a name before U+3000: {h}")
d = at(c, "textDocument/definition", u_uri, 8, 17)["result"]
check(d is not None and d["range"]["start"] == {"line": 6, "character": 7}, f"definition of a name between NBSPs: {d}")
refs = spans(at(c, "textDocument/references", u_uri, 6, 8, context={"includeDeclaration": True})["result"])
check(refs == [(6, 7, 10), (7, 12, 15), (8, 16, 19), (8, 22, 25)], f"references beside U+3000 and NBSP: {refs}")
c.p.kill()

# Rename to a name taken outside the metric's package was accepted and
# broke the workspace: another package's metric (E0501), a builtin (E0207),
# the import's alias (E0207).
g_text = (SHOP_SOURCES.replace("package shop\n", "package alpha\nimport std.retail\n") +
          '\nmetric sales: CNY = sum(orders.amount)\nmetric cnt = count(orders)\n'
          'metric avg_value = retail.aov(sales, cnt)\nmetric total_n = sum(orders.amount) / 2\n')
c, g_uri, d = opened("taken", g_text, {"b.kpi": "package beta\nmetric revenue = 42\n"})
check(d == [], f"the package with an import checks: {d}")
for name, why in [("revenue", "package `beta` already has a metric `revenue`"),
                  ("sum", "`sum` is a builtin function"), ("count", "`count` is a builtin function"),
                  ("retail", "package `alpha` imports `std.retail` as `retail`")]:
    r = at(c, "textDocument/rename", g_uri, 12, 8, newName=name)
    check("error" in r and r["error"]["code"] == -32803 and why in r["error"]["message"],
          f"rename to the taken name {name!r} is refused: {r.get('error')}")
r = at(c, "textDocument/rename", g_uri, 12, 8, newName="aov")
check(spans(r["result"]["changes"][g_uri]) == [(12, 7, 14)], "a stdlib metric's name may be taken (kpic check allows it)")
c.p.kill()

# Renaming a metric to the name of a parameter of a fn that uses it was
# accepted: `fn f(x: CNY) = x * 2 + a` became `x * 2 + x`, and `b` changed
# from 50.00 to 60.00 without a word (review, 2026-12-07).
cap_text = ("package p\nsource orders from csv(\"o.csv\") {\n  day: date time\n  amount: decimal(2) unit CNY\n}\n"
            "metric a: CNY = sum(orders.amount)\nfn f(x: CNY) = x * 2 + a\nmetric b: CNY = f(a)\n")
c, cap_uri, d = opened("capture", cap_text)
r = at(c, "textDocument/rename", cap_uri, 5, 7, newName="x")
check("error" in r and r["error"]["code"] == -32803 and "`x` is a parameter of fn `f`" in r["error"]["message"],
      f"rename to a parameter's name where it is used is refused: {r.get('error')}")
r = at(c, "textDocument/rename", cap_uri, 5, 7, newName="y")
check(spans(r["result"]["changes"][cap_uri]) == [(5, 7, 8), (6, 23, 24), (7, 18, 19)], f"rename to a free name: {r}")
c.p.kill()

# Words of clauses are not uses of a metric of their name: `within 2
# days`, `rows change within`, `period 2025 by month`, `severity warning`
# were listed among the references of metrics `days`, `rows`, `within`,
# `by`, `severity`, and renamed with them (E0410, E0212: review,
# 2026-12-07). A use in an expression still is.
kw_text = ("package p\nsource orders from csv(\"o.csv\") {\n  day: date time\n  amount: decimal(2) unit CNY\n}\n"
           "metric a: CNY = sum(orders.amount)\nmetric days = 3\nmetric rows = 4\nmetric within = 6\n"
           "metric by = 1\nmetric severity = days + 1\n"
           "expect orders fresh within 2 days\nexpect orders rows change within 20%\n"
           "goal g {\n  metric a\n  period 2025 by month\n  target a >= 1.1 * a.last_year\n"
           "  alert \"x\" when a < 1 CNY severity warning\n}\nreport r {\n  metrics days\n  chart a by month as line\n}\n")
c, kw_uri, d = opened("clausewords", kw_text)
check([x["code"] for x in d] == ["L0001"], f"the clause words' package checks: {d}")
for line, name, want in [(6, "days", [(6, 7, 11), (10, 18, 22), (20, 10, 14)]), (7, "rows", [(7, 7, 11)]),
                         (8, "within", [(8, 7, 13)]), (9, "by", [(9, 7, 9)]), (10, "severity", [(10, 7, 15)])]:
    refs = spans(at(c, "textDocument/references", kw_uri, line, 8, context={"includeDeclaration": True})["result"])
    check(refs == want, f"references of the metric `{name}` are its uses alone: {refs}")
r = at(c, "textDocument/rename", kw_uri, 9, 7, newName="per")
check(spans(r["result"]["changes"][kw_uri]) == [(9, 7, 9)], f"renaming the metric `by` leaves `by month`: {r}")
c.p.kill()

# Second review (2026-12-07): a period argument is no use (`sales.change(month)`
# was renamed with a metric `month`: E0212); a decomposition's left side is
# one (`decompose amount = ...` was missed: E0210 after the rename); a
# qualified use inside a fn is not captured by its parameter (`shop.base`
# beside `fn twice(x)` was refused).
dc_text = ("package shop\nsource orders from csv(\"o.csv\") {\n  day: date time\n  amount: decimal(2) unit CNY\n}\n"
           "metric amount: CNY = sum(orders.amount)\nmetric cnt = count(orders)\nmetric aov = amount / cnt\n"
           "metric month = 3\nmetric growth_m = amount.change(month)\n"
           "fn twice(x: CNY): CNY = x * 2 + shop.amount\n"
           "goal g {\n  owner \"ops\"\n  metric amount\n  period 2025 by month\n  target amount >= 1 CNY\n"
           "  decompose amount = cnt * aov\n}\n")
c, dc_uri, d = opened("decompose", dc_text)
check(d == [], f"the decomposition's package checks: {d}")
refs = spans(at(c, "textDocument/references", dc_uri, 8, 8, context={"includeDeclaration": True})["result"])
check(refs == [(8, 7, 12)], f"a period argument is no use of the metric `month`: {refs}")
refs = spans(at(c, "textDocument/references", dc_uri, 5, 8, context={"includeDeclaration": True})["result"])
check(refs == [(5, 7, 13), (7, 13, 19), (9, 18, 24), (10, 37, 43), (13, 9, 15), (15, 9, 15), (16, 12, 18)],
      f"the uses of `amount`, a decomposition's left side among them: {refs}")
r = at(c, "textDocument/rename", dc_uri, 5, 8, newName="x")
check("result" in r and len(r["result"]["changes"][dc_uri]) == 7, f"a qualified use is not captured by `x`: {r}")
c.p.kill()

# A fn's parameter that shadows a metric (`fn share(sales, total)`) was
# taken for the metric: hover and definition went to the metric, and
# renaming the metric renamed the parameter too (`fn share(total, total)`, E0213).
f_text = SHOP_SOURCES + ('\nmetric sales: CNY = sum(orders.amount)\nfn share(sales, total) = sales / total\n'
                         'metric big = share(sales, sales * 2)\n')
c, f_uri, d = opened("fnparam", f_text)
check(d == [], f"a fn whose parameter shadows a metric checks: {d}")
d = at(c, "textDocument/definition", f_uri, 9, 26)["result"]
check(d is not None and d["range"] == {"start": {"line": 9, "character": 9}, "end": {"line": 9, "character": 14}},
      f"definition of a parameter's use is the parameter: {d}")
h = at(c, "textDocument/hover", f_uri, 9, 26)["result"]
check(h is not None and h["contents"]["value"].startswith("**sales** — parameter of fn `share`"), f"hover on a parameter: {h}")
refs = spans(at(c, "textDocument/references", f_uri, 9, 10, context={"includeDeclaration": True})["result"])
check(refs == [(9, 9, 14), (9, 25, 30)], f"references of a parameter stay in its fn: {refs}")
r = at(c, "textDocument/rename", f_uri, 8, 8, newName="total")["result"]
check(spans(r["changes"][f_uri]) == [(8, 7, 12), (10, 19, 24), (10, 26, 31)],
      f"rename of the metric leaves the parameter of its name: {spans(r['changes'][f_uri])}")
c.p.kill()

# The folder is read as `kpic check` reads it: the scan skipped any folder
# named build* (a metric declared in buildings/ was E0201) and read the
# .kpi files of actions/, which `kpic check` never reads (E0202).
scan_main = SHOP_SOURCES + 'metric sales: CNY = sum(orders.amount)\nmetric per_building = sales / floor_area\n'
c, scan_uri, d = opened("scan", scan_main, {"buildings/area.kpi": "package shop\nmetric floor_area = 120\n",
                                            "actions/draft.kpi": "package shop\nmetric draft_only = 2\n"})
check(d == [], f"a folder named build* is read: {codes(d)}")
labels = {i["label"] for i in at(c, "textDocument/completion", scan_uri, 0, 0)["result"]["items"]}
check("floor_area" in labels and "draft_only" not in labels, "the .kpi files of actions/ are not read")
# A file created in actions/ stays out; one created elsewhere comes in.
open(os.path.join(ws, "scan", "actions", "more.kpi"), "w").write("package shop\nmetric more_draft = 7\n")
open(os.path.join(ws, "scan", "buildings", "more.kpi"), "w").write("package shop\nmetric per_floor = 1\n")
c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": "file://" + os.path.join(ws, "scan", x, "more.kpi"), "type": 1}
                                                         for x in ("actions", "buildings")]})
c.notify("textDocument/didChange", {"textDocument": {"uri": scan_uri, "version": 2},
                                    "contentChanges": [{"text": scan_main + "metric floors = per_floor\n"}]})
d = c.diagnostics(scan_uri)
check(d == [], f"a file created on disk is added as `kpic check` would read it: {codes(d)}")
labels = {i["label"] for i in at(c, "textDocument/completion", scan_uri, 0, 0)["result"]["items"]}
check("per_floor" in labels and "more_draft" not in labels, "a .kpi file created in actions/ stays out")
c.p.kill()

# A file outside the root folder, opened and closed, stayed in the
# workspace: its declarations clashed with the folder's (E0202) for the
# rest of the session.
close_text = SHOP_SOURCES + 'metric sales: CNY = sum(orders.amount)\n'
c, close_uri, d = opened("closeout", close_text)
check(d == [], f"clean before the outside file: {d}")
old_path = os.path.join(folder("backup", {"old.kpi": close_text.replace(")\n", ") * 1\n")}), "old.kpi")
c.notify("textDocument/didOpen", {"textDocument": {"uri": "file://" + old_path, "languageId": "kpi", "version": 1,
                                                   "text": open(old_path).read()}})
c.notify("textDocument/didChange", {"textDocument": {"uri": close_uri, "version": 2}, "contentChanges": [{"text": close_text}]})
d = c.diagnostics(close_uri)
check("E0202" in codes(d), f"an open file outside the folder is checked with it: {codes(d)}")
c.notify("textDocument/didClose", {"textDocument": {"uri": "file://" + old_path}})
c.notify("textDocument/didChange", {"textDocument": {"uri": close_uri, "version": 3}, "contentChanges": [{"text": close_text}]})
d = c.diagnostics(close_uri)
check(d == [], f"closed, it leaves the workspace: {codes(d)}")
c.p.kill()

# One message framed one byte short desynchronised the stream for good: its
# last byte came before the next message's headers, and the server never
# answered again (`exit` ignored too). Headers ended by LF alone were never
# read at all.
def no_reply(signum, frame):
    raise TimeoutError("no reply within 10 s")


signal.signal(signal.SIGALRM, no_reply)
c, sync_uri, d = opened("desync", "package p\nmetric m = 1\n")
symbols = {"textDocument": {"uri": sync_uri}}
body = json.dumps({"jsonrpc": "2.0", "id": 77, "method": "textDocument/hover",
                   "params": {"textDocument": {"uri": sync_uri}, "position": {"line": 1, "character": 8}}}).encode()
signal.alarm(10)
try:
    c.raw(b"Content-Length: %d\r\n\r\n" % (len(body) - 1) + body)
    m = c.read()
    check(m.get("id", 0) is None and m["error"]["code"] == -32700, f"a body one byte short: -32700 with a null id: {m}")
    r = c.request("textDocument/documentSymbol", symbols)
    check([x["name"] for x in r.get("result", [])] == ["p", "m"], f"the next request is answered: {r}")
    check(any(n.get("error", {}).get("code") == -32700 for n in c.notes), "the byte left over is reported (-32700)")
    body = json.dumps({"jsonrpc": "2.0", "id": 78, "method": "textDocument/documentSymbol", "params": symbols}).encode()
    c.raw(b"Content-Length: %d\n\n" % len(body) + body)
    r = c.reply(78)
    check([x["name"] for x in r.get("result", [])] == ["p", "m"], f"headers ended by LF alone are read: {r}")
    check(c.request("shutdown", None).get("result", 1) is None, "shutdown after a misframed message")
    c.notify("exit", None)
    check(c.p.wait(timeout=10) == 0, "exit after a misframed message: 0")
except TimeoutError as e:
    check(False, f"the server answers after a misframed message: {e}")
    c.p.kill()
finally:
    signal.alarm(0)

# Formatting was refused for any error (the code's first digit was tested,
# so E0201 blocked it too); only syntax errors block it, as for `kpic fmt`.
c, fmt_uri, d = opened("fmtsem", SHOP_SOURCES + "metric   sales:CNY=sum( orders.amount )\nmetric double = 2*salse\n")
check(codes(d) == ["E0201"], f"an unknown name: {codes(d)}")
fmt = {"textDocument": {"uri": fmt_uri}, "options": {"tabSize": 2, "insertSpaces": True}}
f = c.request("textDocument/formatting", fmt)["result"]
check(len(f) == 1 and f[0]["newText"] == ('package shop\n\nsource orders from csv("orders.csv") {\n'
                                         '  order_id:   string     key\n  ordered_at: timestamp  time\n'
                                         '  amount:     decimal(2) unit CNY\n}\n'
                                         'metric sales: CNY = sum(orders.amount)\nmetric double = 2 * salse\n'),
      f"a document with a checker's error is formatted: {f}")
c.notify("textDocument/didChange", {"textDocument": {"uri": fmt_uri, "version": 2},
                                    "contentChanges": [{"text": SHOP_SOURCES + "metric   sales = sum(orders.amount\n"}]})
check(c.request("textDocument/formatting", fmt)["result"] == [], "a document with a syntax error is not")
c.p.kill()

# An error after 50 warnings never reached the editor: it got a file's
# first 50 diagnostics by position, and no word of the rest.
cap_text = SHOP_SOURCES + "metric sales: CNY = sum(orders.amount)\n" + \
    "".join(f"metric copy{i} = sum(orders.amount)\n" for i in range(60)) + "metric broken = sales + salse\n"
c, cap_uri, d = opened("cap", cap_text)
errors = [(x["code"], x["range"]["start"]["line"]) for x in d if x["severity"] == 1]
check(errors == [("E0201", 68)], f"the error after 60 warnings is shown: {errors}")
check(sum(1 for x in d if x["severity"] == 2) == 50, "50 warnings are shown")
notes = [x["message"] for x in d if x["severity"] == 3]
check(notes == ["10 more warnings not shown in this file (the first 50 are, and every error); "
                "`kpic check --max-errors N` lists more"], f"one note says how many are not shown: {notes}")
c.p.kill()

# After `shutdown` requests were still served (LSP: InvalidRequest).
c, down_uri, d = opened("shutdown", "package p\nmetric m = 1\n")
check(c.request("shutdown", None).get("result", 1) is None, "shutdown")
r = at(c, "textDocument/hover", down_uri, 1, 8)
check(r.get("error", {}).get("code") == -32600 and "shut down" in r["error"]["message"],
      f"a request after shutdown: -32600 (InvalidRequest): {r}")
c.notify("exit", None)
check(c.p.wait(timeout=10) == 0, "exit after that: 0")

# A bare CR ends a line in LSP as "\n" and "\r\n" do: a file saved with
# bare CRs had its diagnostics on line 0, and an edit addressed to line 1
# landed at the end of the text.
c, cr_uri, d = opened("barecr", "package p\rmetric a = 1\rmetric b = nope\r")
check([(x["code"], x["range"]) for x in d] == [("E0201", {"start": {"line": 2, "character": 11}, "end": {"line": 2, "character": 15}})],
      f"a diagnostic on the line after two bare CRs: {d}")
c.notify("textDocument/didChange", {"textDocument": {"uri": cr_uri, "version": 2}, "contentChanges": [
    {"range": {"start": {"line": 1, "character": 11}, "end": {"line": 1, "character": 12}}, "text": "zz"}]})
d = c.diagnostics(cr_uri)
check([(x["code"], x["range"]["start"]) for x in d] == [("E0201", {"line": 1, "character": 11}), ("E0201", {"line": 2, "character": 11})],
      f"an edit addressed to a line after a bare CR lands there: {[(x['code'], x['range']['start']) for x in d]}")
c.p.kill()

# A lone surrogate escape ("\ud83d", half an emoji as JSON.stringify writes
# it) made the whole didChange unparsable: the edit was dropped and later
# edits landed on a text the editor no longer had. It reads as U+FFFD.
c, sur_uri, d = opened("surrogate", "package p\nmetric a = 1\nmetric b = salse\n")
check(codes(d) == ["E0201"], f"one unknown name: {codes(d)}")
change = ('{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"%s","version":2},'
          '"contentChanges":[{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},'
          '"text":"// \\ud83d \\\\ud83d \\ud83d\\ude00\\n"}]}}' % sur_uri).encode()
signal.alarm(10)
try:
    c.raw(b"Content-Length: %d\r\n\r\n" % len(change) + change)
    d = c.diagnostics(sur_uri)
    check([(x["code"], x["range"]["start"]) for x in d] == [("E0201", {"line": 3, "character": 11})],
          f"the edit with a lone surrogate is applied (a line comment above): {d}")
    c.notify("textDocument/didChange", {"textDocument": {"uri": sur_uri, "version": 3}, "contentChanges": [
        {"range": {"start": {"line": 3, "character": 11}, "end": {"line": 3, "character": 16}}, "text": "a"}]})
    check(c.diagnostics(sur_uri) == [], "the next edit lands where the editor put it")
    fmt = c.request("textDocument/formatting", {"textDocument": {"uri": sur_uri}, "options": {"tabSize": 2, "insertSpaces": True}})
    check(fmt["result"][0]["newText"].startswith("// \ufffd \\ud83d \U0001F600\n"),
          f"the lone surrogate reads U+FFFD; an escaped backslash and a pair are kept: {fmt}")
except TimeoutError as e:
    check(False, f"the edit with a lone surrogate is applied: {e}")
finally:
    signal.alarm(0)
c.p.kill()

shutil.rmtree(ws)
print(f"lsp: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
