#!/usr/bin/env python3
"""Attainment where value / target does not rank, and a distinct count's
monthly target over several months (closing-the-loop probe, 2026-12-06).

- Net sales of -135 in March (returns) gave April's relative target
  1.1 x -135 = -148.5, and April's 300 read "-202.0%" met; the members'
  attainments were negative and ranked in reverse. A target at or below
  zero, or (lower being better) a value at or below zero, has no
  attainment.
- `customers >= 3` by month: the year's distinct customers (7) were
  compared with one month's 3 and the goal read "met (to date)" while
  two of its four months were missed. Each month is judged alone: no
  target to date, the headline is the latest month's status, and the
  progress line counts the months met.

Every expected figure is worked out by hand in the comments.
usage: attainment_counts.py KPIC"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

KPIC = sys.argv[1]
checks = Checks("attainment and counts")
expect = checks.expect


tmp = tempfile.mkdtemp()
# Month totals: January 200, February 110, March -135, April 300.
# Store A: 100, 50, -100, 200; store B: 100, 60, -35, 100.
# Customers: January c1 c2 (2), February c1 c3 c4 (3), March c1 c2 (2),
# April c5 c6 c7 (3); over the four months c1..c7 (7).
rows = """day,store,customer,amount
2026-01-05,A,c1,100.00
2026-01-06,B,c2,100.00
2026-02-03,A,c1,50.00
2026-02-04,B,c3,60.00
2026-02-05,B,c4,0.00
2026-03-02,A,c1,-100.00
2026-03-03,B,c2,-35.00
2026-04-01,A,c5,200.00
2026-04-02,B,c6,100.00
2026-04-03,B,c7,0.00
"""
with open(os.path.join(tmp, "orders.csv"), "w") as f:
    f.write(rows)
with open(os.path.join(tmp, "g.kpi"), "w") as f:
    f.write("""package att
calendar { time_zone "UTC" }
dimension store: string
source orders from csv("orders.csv") {
  day:      date time
  store:    string -> store
  customer: string entity customer
  amount:   decimal(2) unit CNY
}
metric sales: CNY = sum(orders.amount)
metric customers = count_distinct(orders.customer)
goal g_rel {
  metric sales
  period 2026 by month
  target sales >= 1.1 * sales.previous
  drill  store
}
goal g_cap {
  metric sales
  period 2026 by month
  target sales <= 1000 CNY
}
goal cust {
  metric customers
  period 2026 by month
  target customers >= 3
}
""")


def run(*args):
    p = subprocess.run([KPIC, "run", os.path.join(tmp, "g.kpi"), "--as-of", "2026-04-30", *args],
                       capture_output=True, text=True)
    if p.returncode != 0:
        checks.fail(f"kpic run {args}: exit {p.returncode}: {p.stderr[-800:]}")
        return None
    return p.stdout


for engine in ("interp", "jit"):
    out = run("--format", "json", "--engine", engine)
    if out is None:
        continue
    d = json.loads(out)
    goals = {g["name"]: g for g in d["goals"]}
    rel = goals["g_rel"]["periods"]
    # February 110 / 220; March -135 / 121 (a negative value against a
    # positive target still ranks); April's target -148.5: none.
    expect(f"{engine}: g_rel attainments", [(p["period"], p["status"], p["attainment"]) for p in rel[1:4]],
           [("2026-02", "missed", 0.5), ("2026-03", "missed", -135 / 121), ("2026-04", "met", None)])
    drill = goals["g_rel"]["drill"][0]
    # A: 200 against 1.1 x -100 = -110; B: 100 against -38.5: no attainment,
    # so no ranking by it.
    expect(f"{engine}: drill targets", [(m["member"], m["target"], m["attainment"]) for m in drill["top"]],
           [("A", "-110.000", None), ("B", "-38.500", None)])
    expect(f"{engine}: drill best", drill["best_attainment"], [])
    cap = goals["g_cap"]["periods"]
    # Lower is better: 1000 / 200 = 5, 1000 / 110, March's -135 none, 1000 / 300.
    expect(f"{engine}: g_cap attainments", [(p["status"], p["attainment"]) for p in cap[:4]],
           [("met", 5.0), ("met", 1000 / 110), ("met", None), ("met", 1000 / 300)])
    cust = goals["cust"]
    expect(f"{engine}: cust months", [(p["period"], p["value"], p["status"]) for p in cust["periods"][:4]],
           [("2026-01", 2, "missed"), ("2026-02", 3, "met"), ("2026-03", 2, "missed"), ("2026-04", 3, "met")])
    expect(f"{engine}: cust to date", (cust["to_date"]["value"], cust["to_date"]["target"],
                                      cust["to_date"]["attainment"]), (7, None, None))
    expect(f"{engine}: cust projection", (cust["projection"]["value"], cust["projection"]["target"]), (None, None))
    expect(f"{engine}: cust status", cust["status"], "met")  # April's

out = run("--lang", "en", "--goal", "cust,g_rel")
if out is not None:
    expect("table: cust headline", "cust: met\n" in out, True)
    expect("table: cust progress", "through 2026-04: 2 of 4 whole months met; each month has its own target" in out,
           True)
    expect("table: no negative attainment", "-202" in out or "−202" in out, False)
out = run("--goal", "cust", "--lang", "zh")
if out is not None:
    expect("table zh: cust progress", "截至 2026-04：4 个月中 2 个月达成目标；每个月有自己的目标" in out, True)
out = run("--goal", "cust", "--format", "html", "--lang", "en")
if out is not None:
    expect("html: card not to date", "to date, through" in out, False)

checks.finish()
