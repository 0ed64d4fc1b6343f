#!/usr/bin/env python3
"""The HTML report's script, its drill-through data and its print style,
checked from outside (values computed here from the example's CSV files,
never by kpic):

- the CSP allows exactly one script, by the SHA-256 (hashlib) of the page's
  one inline script; nothing is loaded from outside the file;
- the embedded member data (#kpic-members) of every store of grow_sales:
  its monthly net sales equal the sums of examples/retail/data/orders.csv,
  and its target 1.28 x the store's own sales of the same month of 2025
  (the member's target, never the company's);
- under `--role store_manager --param store_id=S`, no other store's name
  appears anywhere in the page;
- in headless Chromium with JavaScript off, the DOM has every table of the
  page; with it on, the script ran under the CSP (sort buttons, member
  buttons, the period range) and the page prints to a PDF.

usage: html_interactive.py KPIC ROOT
"""
import base64
import csv
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from fractions import Fraction

KPIC, ROOT = sys.argv[1], sys.argv[2]
EX = os.path.join(ROOT, "examples", "retail")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def ok(msg):
    print("ok:", msg)


tmp = tempfile.mkdtemp()


def report(name, *args):
    path = os.path.join(tmp, name)
    out = subprocess.run([KPIC, "run", EX, "--format", "html", "-o", path, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"kpic run {' '.join(args)} failed ({out.returncode}):\n{out.stderr}")
    with open(path, encoding="utf-8") as f:
        return path, f.read()


path, page = report("report.html")

# ---- the CSP: exactly the hash of the one inline script ----
csp = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
inline = [body for attrs, body in scripts if attrs.strip() == ""]
data = [body for attrs, body in scripts if attrs.strip() != ""]
if len(csp) != 1:
    fail(f"expected one CSP meta, found {len(csp)}")
elif len(inline) != 1:
    fail(f"expected one inline script, found {len(inline)}")
else:
    want = base64.b64encode(hashlib.sha256(inline[0].encode("utf-8")).digest()).decode()
    hashes = re.findall(r"'sha256-([A-Za-z0-9+/=]+)'", csp[0])
    if hashes != [want]:
        fail(f"CSP hashes {hashes}, the script's sha256 is {want}")
    elif "unsafe-inline" in csp[0].split("script-src")[1].split(";")[0] or "default-src 'none'" not in csp[0]:
        fail(f"CSP too wide: {csp[0]}")
    else:
        ok(f"CSP holds exactly the script's hash sha256-{want}")
for attrs, _ in scripts:
    if "src=" in attrs:
        fail(f"a script with src: {attrs}")
if re.search(r"<(link|img|iframe|object|embed)\b", page) or re.search(r'(src|href)="(https?:)?//', page):
    fail("an outside resource")
if [a.strip() for a, _ in scripts if a.strip()] != ['type="application/json" id=kpic-members']:
    fail(f"data blocks: {[a for a, _ in scripts]}")

# ---- the member data against the CSV files ----
if len(data) != 1:
    fail("no #kpic-members data block")
    members = {}
else:
    if "<" in data[0]:
        fail("a raw '<' inside the JSON data block")
    members = json.loads(data[0])


def cents(text):
    neg = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    v = int(whole or "0") * 100 + int((frac + "00")[:2])
    return -v if neg else v


sales = defaultdict(int)  # (store, "YYYY-MM") -> cents of net sales
stores = set()
with open(os.path.join(EX, "data", "orders.csv"), encoding="utf-8") as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        stores.add(row[2])
        if row[10] != "true":  # not returned; the timestamps are local time
            sales[(row[2], row[1][:7])] += cents(row[8])

checked = 0
store_members = {k: m for k, m in members.items() if m["goal"] == "g0" and m["dim"] == "store" and m["title"].startswith("门店 ")}
if len(store_members) != len(stores):
    fail(f"grow_sales drill by store lists {len(store_members)} members, the data has {len(stores)} stores")
for key, m in store_members.items():
    store = m["title"][len("门店 "):].split(" · ")[0]
    if store not in stores:
        fail(f"{key}: unknown store {store!r}")
        continue
    for q in m["periods"]:
        month = q["p"][:7]
        if q["v"] is None:
            continue
        if " (" in q["p"]:  # a partial month: its days only
            continue
        got = Fraction(q["v"])
        want = Fraction(sales[(store, month)], 100)
        if got != want:
            fail(f"{store} {month}: value {q['v']}, the CSV sums to {float(want):.2f}")
        target = Fraction(q["t"]) if q["t"] is not None else None
        last = sales[(store, f"{int(month[:4]) - 1}{month[4:]}")]
        want_t = Fraction(128, 100) * Fraction(last, 100)
        if target != want_t:
            fail(f"{store} {month}: target {q['t']}, 1.28 x the store's own last year is {float(want_t):.4f}")
        checked += 1
if checked < 6:
    fail(f"only {checked} store-months checked")
else:
    ok(f"{checked} store-months of member data equal the CSV sums, targets the stores' own")
# Each store's own decomposition (sales = visitors * conversion * aov),
# 2026-12 against 2026-11, from the CSV files by hand: visitors summed from
# traffic.csv, orders and net sales from orders.csv, and the LMDI shares
# L(V1, V0) * ln(x1 / x0), which add up to the store's change.
import math
visits, orders_n = defaultdict(int), defaultdict(int)
with open(os.path.join(EX, "data", "traffic.csv"), encoding="utf-8") as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        visits[(row[1], row[0][:7])] += int(row[3])
with open(os.path.join(EX, "data", "orders.csv"), encoding="utf-8") as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        if row[10] != "true":
            orders_n[(row[2], row[1][:7])] += 1
decomposed = 0
for key, m in store_members.items():
    store = m["title"][len("门店 "):].split(" · ")[0]
    decs = [dc for dc in m.get("decompositions", []) if dc["title"].startswith("指标分解：sales = ")]
    if len(decs) != 1:
        fail(f"{store}: no decomposition of sales in its panel ({[dc['title'] for dc in m.get('decompositions', [])]})")
        continue
    rows = decs[0]["rows"]
    def num(t):
        return float(t.replace("¥", "").replace(",", "").replace("%", "").replace("−", "-").replace("+", ""))
    v1, v0 = sales[(store, "2026-12")] / 100, sales[(store, "2026-11")] / 100
    x = {"visitors": (visits[(store, "2026-12")], visits[(store, "2026-11")]),
         "conversion": (orders_n[(store, "2026-12")] / visits[(store, "2026-12")],
                        orders_n[(store, "2026-11")] / visits[(store, "2026-11")]),
         "aov": (v1 / orders_n[(store, "2026-12")], v0 / orders_n[(store, "2026-11")])}
    lm = (v1 - v0) / (math.log(v1) - math.log(v0))
    by_label = {row[0]: row for row in rows}
    want_rows = {"访客数": "visitors", "转化率": "conversion", "客单价": "aov"}
    total = 0.0
    for label, name in want_rows.items():
        row = by_label.get(label)
        if row is None:
            fail(f"{store}: no {label} row in {rows}")
            break
        if name == "visitors" and (int(num(row[1])), int(num(row[2]))) != x[name]:
            fail(f"{store}: visitors {row[1]} / {row[2]}, traffic.csv sums to {x[name]}")
        want = lm * math.log(x[name][0] / x[name][1])
        if abs(float(row[4]) - want) > 1e-6 * max(1.0, abs(want)):
            fail(f"{store}: {label} contributes {row[4]}, LMDI by hand gives {want:.6f}")
        total += float(row[4])
    else:
        if abs(total - (v1 - v0)) > 0.005:
            fail(f"{store}: the shares add up to {total:.4f}, the change is {v1 - v0:.2f}")
        decomposed += 1
if decomposed == len(stores):
    ok(f"{decomposed} stores' own decompositions equal LMDI worked out from the CSV files")
else:
    fail(f"{decomposed} of {len(stores)} stores' decompositions checked")
# The drill table's row of a listed member opens that member (data-m).
ids = set(re.findall(r"<td class=l data-m=(g\d+d\d+m\d+)>", page))
if ids != set(members):
    fail(f"drill cells {sorted(ids)[:5]}... and member data {sorted(members)[:5]}... differ")
else:
    ok(f"{len(ids)} drill members open their own data")

# ---- kpic verify reads the page back (the footer ends it), and an edited
# member number makes it not stand ----
v = subprocess.run([KPIC, "verify", path], capture_output=True, text=True)
if v.returncode != 0:
    fail(f"kpic verify the report: exit {v.returncode}: {v.stderr.strip()[:300]}")
else:
    ok("kpic verify: the report stands")
if data:
    forged = os.path.join(tmp, "forged.html")
    first = next(iter(store_members.values()), None)
    if first:
        v0 = next(q["v"] for q in first["periods"] if q["v"] is not None)
        with open(forged, "w", encoding="utf-8") as f:
            f.write(page.replace(f'"v":"{v0}"', f'"v":"{v0}1"', 1))
        v = subprocess.run([KPIC, "verify", forged], capture_output=True, text=True)
        if v.returncode != 7:
            fail(f"kpic verify an edited member value: exit {v.returncode}, expected 7")
        else:
            ok("kpic verify: an edited member value does not stand (exit 7)")

# ---- under a role: no other store anywhere ----
one = sorted(stores)[0]
_, rpage = report("role.html", "--role", "store_manager", "--param", f"store_id={one}")
text = html.unescape(rpage)
others = [s for s in stores if s != one and (s in rpage or s in text or json.dumps(s)[1:-1] in rpage)]
if others:
    fail(f"role page for {one} names other stores: {others}")
elif one not in rpage:
    fail(f"role page does not name {one}")
else:
    ok(f"the page for {one} names no other store")

# ---- in Chromium: JS off keeps every table; JS on runs under the CSP ----
chromium = shutil.which("chromium")
if not chromium:
    fail("chromium is not installed (scripts/test installs it)")
else:
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp}/profile"]

    def dom(*extra):
        out = subprocess.run(flags + list(extra) + ["--dump-dom", "file://" + path], capture_output=True, text=True,
                             timeout=120)
        return out.stdout

    tables = page.count("<table")
    # JS off: the same page with its script changed by one character, so
    # that the CSP (whose hash no longer matches) blocks it in the browser.
    blocked = os.path.join(tmp, "blocked.html")
    with open(blocked, "w", encoding="utf-8") as f:
        f.write(page.replace("<script>(function () {", "<script>(function  () {", 1))
    off = subprocess.run(flags + ["--dump-dom", "file://" + blocked], capture_output=True, text=True,
                         timeout=120).stdout
    if tables < 9 or off.count("<table") != tables or 'class="js"' in off or 'class="sortb"' in off:
        ran = 'class="js"' in off
        fail(f"JS off (script blocked by the CSP): {off.count('<table')} tables of {tables}, script ran: {ran}")
    else:
        ok(f"JS off (script blocked by the CSP): all {tables} tables, the script did not run")
    on = dom()
    need = {"script ran": 'class="js"', "sort buttons": 'class="sortb"', "aria-sort": 'aria-sort="none"',
            "member buttons": 'class="member"', "period range": 'class="ui range"'}
    for what, s in need.items():
        if s not in on:
            fail(f"JS on: no {what} ({s}): the script did not run under the CSP")
    if on.count("<table") != tables:
        fail(f"JS on: {on.count('<table')} tables of {tables}")
    ok("JS on: the script ran")
    pdf = os.path.join(tmp, "x.pdf")
    subprocess.run(flags + [f"--print-to-pdf={pdf}", "--no-pdf-header-footer", "file://" + path],
                   capture_output=True, timeout=120)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", open(pdf, "rb").read())) if os.path.exists(pdf) else 0
    if not 2 <= pages <= 40:
        fail(f"print to PDF: {pages} pages")
    else:
        ok(f"print to PDF: {pages} A4 pages")

shutil.rmtree(tmp, ignore_errors=True)
if failures:
    sys.exit(f"{len(failures)} failure(s)")
