#!/usr/bin/env python3
"""Periods that are over, and goals whose periods are all over (reader's
probe, 2026-12-07).

- A month long closed at 97.9% of its target read "at risk", and a year
  whose data ended on December 31 read "at risk (to date)" with a
  projection equal to its total. What is over met its target or missed it.
- A week the goal's first day cuts (2026 starts on a Thursday) is over
  and judged on its days: its attainment is against its `pace_target`
  (its `target` stays the whole week's, as `kpic sql` gives it).
- With six stores and five listed on each side, "highest attainment" in
  the HTML listed the second-lowest: a list that holds every member is one
  list, highest first.

Every expected figure is worked out by hand in the comments.
usage: closed_periods.py KPIC"""
import csv
import datetime
import io
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

KPIC = sys.argv[1]
checks = Checks("closed periods")
expect = checks.expect

tmp = tempfile.mkdtemp()
# Every day of 2026, one row per store: store Sk sells 10*k CNY a day
# (S1 10, ..., S6 60: 210 CNY a day in all), except in February, when it
# sells 10*k + k*k (11, 24, 39, 56, 75, 96: 301 a day).
stores = [f"S{k}" for k in range(1, 7)]
lines = ["day,store,amount"]
day = datetime.date(2026, 1, 1)
while day.year == 2026:
    for k, s in enumerate(stores, 1):
        amount = 10 * k + (k * k if day.month == 2 else 0)
        lines.append(f"{day.isoformat()},{s},{amount}.00")
    day += datetime.timedelta(days=1)
with open(os.path.join(tmp, "orders.csv"), "w") as f:
    f.write("\n".join(lines) + "\n")
with open(os.path.join(tmp, "g.kpi"), "w") as f:
    f.write("""package closed
calendar { time_zone "UTC" }
dimension store: string
source orders from csv("orders.csv") {
  day:    date time
  store:  string -> store
  amount: decimal(2) unit CNY
}
metric sales: CNY = sum(orders.amount)
// January: 31 x 210 = 6510 against 6650 (97.9%: within the 95% band).
goal monthly {
  metric sales
  period 2026-01-01 .. 2026-03-01 by month
  target sales >= 6650 CNY
}
// November, December and January 2027, which has no rows.
goal winter {
  metric sales
  period 2026-11-01 .. 2027-02-01 by month
  target sales >= 6650 CNY
}
// February against January, each store against its own January.
goal stores {
  metric sales
  period 2026-02-01 .. 2026-03-01 by month
  target sales >= 1.0 * sales.previous
  drill store top 5
}
// Weeks of 1470 (7 x 210) against 1500 a week: 98%.
goal weekly {
  metric sales
  period 2026 by week
  target sales >= 1500 CNY
}
""")


def run(*args):
    p = subprocess.run([KPIC, "run", tmp, "--no-cache", *args], capture_output=True, text=True)
    if p.returncode != 0:
        checks.fail(f"kpic run {' '.join(args)} exited {p.returncode}: {p.stderr[-400:]}")
    return p.stdout


# The months are over at the data's last day (December 31): January
# (6510 / 6650 = 97.9%) missed, however close; February (28 x 301 = 8428
# / 6650 = 126.7%) met; the goal, 14938 against 13300 (112.3%), met.
doc = json.loads(run("--goal", "monthly", "--format", "json"))
g = doc["goals"][0]
expect("monthly: status", g["status"], "met")
expect("monthly: period statuses", [p["status"] for p in g["periods"]], ["missed", "met"])
expect("monthly: January attainment", round(g["periods"][0]["attainment"], 4), round(6510 / 6650, 4))
table = run("--goal", "monthly", "--lang", "en")
expect("monthly: headline", table.splitlines()[0], "monthly: met (whole period)")
expect("monthly: no 'at risk' in the table", "at risk" in table, False)
expect("monthly: whole-period line", "whole period (2026-01 – 2026-02): ¥14,938.00 of ¥13,300.00 (112.3%)" in table, True)
expect("monthly: no projection", "projected" in table, False)
zh = run("--goal", "monthly", "--lang", "zh")
expect("monthly: zh headline", zh.splitlines()[0], "monthly: 达成（全期）")
expect("monthly: zh January", "97.9%  未达成" in zh, True)

# A goal that is over is judged on its whole period, the month without
# rows at its end included (review, 2026-12-07: it read "met (to date)"
# against the months with rows only). November 30 x 210 = 6300, December
# 31 x 210 = 6510: 12810 against 3 x 6650 = 19950, 64.2%.
table = run("--goal", "winter", "--lang", "en", "--as-of", "2027-02-15")
expect("winter: headline", table.splitlines()[0], "winter: missed (whole period)")
expect("winter: whole line", "whole period (2026-11 – 2027-01): ¥12,810.00 of ¥19,950.00 (64.2%)" in table, True)
doc = json.loads(run("--goal", "winter", "--format", "json", "--as-of", "2027-02-15"))
expect("winter: json status", doc["goals"][0]["status"], "missed")

# As of January 20 the goal is running: January is in progress and the
# goal's status is judged to date (20 x 210 = 4200 against 20/31 of 6650
# = 4290.32: 97.9%, at risk).
doc = json.loads(run("--goal", "monthly", "--format", "json", "--as-of", "2026-01-20"))
g = doc["goals"][0]
expect("as of Jan 20: status", g["status"], "at_risk")
expect("as of Jan 20: January", g["periods"][0]["status"], "in_progress")
table = run("--goal", "monthly", "--lang", "en", "--as-of", "2026-01-20")
expect("as of Jan 20: headline", table.splitlines()[0], "monthly: at risk (to date)")

# Weekly: 2026-W01 is Thursday 1 January to Sunday 4 January (4 days,
# 840 CNY) and 2026-W53 is Monday 28 December to Thursday 31 December
# (4 days, 840 CNY). Their targets are 4/7 x 1500 = 857.142857...; the
# 51 whole weeks have 1500 each. Together: 51 x 1500 + 2 x 6000/7 =
# 78214.2857..., which is 1500 x 365 / 7.
out = run("--goal", "weekly", "--format", "csv")
rows = [r for r in csv.DictReader(io.StringIO(out)) if r.get("goal") == "weekly"]
expect("weekly: 53 weeks", len(rows), 53)
w1 = next(r for r in rows if r["period"] == "2026-W01")
expect("weekly: W01 value", w1["value"], "840.00")
expect("weekly: W01 pace target is its four days'", round(float(w1["pace_target"]), 4), round(6000 / 7, 4))
expect("weekly: W01 attainment is value / pace target", round(float(w1["attainment"]), 6), round(840 / (6000 / 7), 6))
expect("weekly: W01 missed (98%)", w1["status"], "missed")
total = sum(float(r["pace_target"] or r["target"]) for r in rows)
expect("weekly: the weeks' judged targets add up to the year's", round(total, 2), round(1500 * 365 / 7, 2))
doc = json.loads(run("--goal", "weekly", "--format", "json"))
w53 = doc["goals"][0]["periods"][-1]
expect("weekly json: W53 pace target", round(float(w53.get("pace_target") or 0), 4), round(6000 / 7, 4))
expect("weekly json: W53 status", w53["status"], "missed")
zh = run("--goal", "weekly", "--lang", "zh")
expect("weekly zh: a cut week is 不完整, not 未完", ("不完整" in zh, "未完" in zh), (True, False))

# An upcoming week the goal's last day cuts is shown against its days'
# target too (review, 2026-12-07: W53, 4 days inside 2026, read 1500 beside
# the year's total). As of June 30: W53 (28 to 31 December) upcoming, its
# target 4/7 x 1500, its days marked; the table's targets of the weeks not
# begun (W28 to W52 whole, W53 cut) add up to what the year has left.
doc = json.loads(run("--goal", "weekly", "--format", "json", "--as-of", "2026-06-30"))
w53 = doc["goals"][0]["periods"][-1]
expect("upcoming W53: status", w53["status"], "no_data")
expect("upcoming W53: its days", (w53.get("partial"), w53.get("span")), (True, ["2026-12-28", "2026-12-31"]))
expect("upcoming W53: pace target", round(float(w53.get("pace_target") or 0), 4), round(6000 / 7, 4))
expect("upcoming W53: target stays the whole week's (kpic sql's)", round(float(w53["target"]), 4), 1500.0)
table = run("--goal", "weekly", "--lang", "en", "--as-of", "2026-06-30")
line = next(l for l in table.splitlines() if l.startswith("2026-W53"))
expect("upcoming W53: table row", line.split(), ["2026-W53*", "—", "¥857.14", "—", "upcoming"])
expect("upcoming W53: footnote", "2026-W53 (2026-12-28 to 2026-12-31)" in table, True)
out = run("--goal", "weekly", "--format", "csv", "--as-of", "2026-06-30")
rows = [r for r in csv.DictReader(io.StringIO(out)) if r.get("goal") == "weekly"]
w = next(r for r in rows if r["period"] == "2026-W53")
expect("upcoming W53: csv pace_target", round(float(w["pace_target"] or 0), 4), round(6000 / 7, 4))

# HTML: six stores, five on each side. Store Sk's February against its
# January: 28 (10k + k^2) / (31 x 10k) = 0.9032 (1 + k/10), from S1's
# 99.4% to S6's 144.5%: every store once, highest first.
html = run("--goal", "stores", "--format", "html", "--lang", "en")
m = re.search(r"by attainment, highest first: ([^<]*)</p>", html)
expect("html: one list of every store, highest first", m is not None, True)
if m:
    names = [x.split(" ")[0] for x in m.group(1).split(", ")]
    expect("html: the stores in order", names, ["S6", "S5", "S4", "S3", "S2", "S1"])
expect("html: no 'highest attainment' list", "highest attainment:" in html, False)

# A decomposition's contributions as shown add up to the total's change as
# shown: rounded one by one they read +100.66, -1,353.50 and +766.04
# beside -486.81 (reader's probe, 2026-12-07). Over each store of the
# example, as of the 14th of a month and at its end.
retail = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "retail")


def cents(text):
    t = text.replace("¥", "").replace(",", "").replace("−", "-").replace("+", "")
    return round(float(t) * 100)


tables = 0
for store in ["北京朝阳店", "上海静安店", "广州天河店", "深圳南山店", "杭州西湖店", "成都锦江店"]:
    for as_of in ["2026-12-14", "2026-11-30", "2026-06-14"]:
        p = subprocess.run([KPIC, "run", retail, "--goal", "grow_sales", "--role", "store_manager", "--param",
                            f"store_id={store}", "--as-of", as_of, "--no-cache", "--lang", "en"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            checks.fail(f"retail as {store} at {as_of}: exit {p.returncode}")
            continue
        lines = p.stdout.splitlines()
        for i, line in enumerate(lines):
            if not line.strip().startswith("decomposition"):
                continue
            terms, k = [], i + 3
            while k < len(lines) and not lines[k].strip().startswith("="):
                terms.append(cents(lines[k].split()[-1]))
                k += 1
            if k < len(lines):
                tables += 1
                expect(f"{store} at {as_of}: contributions add up", sum(terms), cents(lines[k].split()[-1]))
expect("decompositions found", tables >= 18, True)

checks.finish()
