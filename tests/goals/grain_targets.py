#!/usr/bin/env python3
"""A goal's target at another grain than its own, and phased targets over
periods the goal's year cuts (reader's probe, 2026-12-06).

- `sales >= 3000 CNY` by month, run with `--grain quarter`, compared each
  quarter with 3,000 (met at three months' sales), and by week each week
  with 3,000. A quarter's target is its months' (9,000); a week's adds up
  its days' parts of the months it falls in (7/31 of January's).
- A year's 40,000 phased evenly over 53 weeks lost the parts of its first
  and last weeks outside the year (4 days each): the weeks' targets added up
  to 39,353, and the year read "met" below 40,000. They add up to 40,000.
- The same for `phasing last_year`.
- A distinct count's monthly target has no quarterly sum: W0714, no target.

Every expected number is worked out here from the calendar and the data
(Python's datetime), and `kpic sql`'s targets are run on SQLite.
usage: grain_targets.py KPIC"""
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

KPIC = sys.argv[1]
failures = []
passed = 0


def expect(name, ok, detail=""):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


tmp = tempfile.mkdtemp()
days = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(730)]
rows = []
for i, d in enumerate(days):
    # Amounts that differ by day, store and year, in cents.
    for store, base in (("A", 6000), ("B", 4100)):
        cents = base + (i * 37 % 23) * 100 + (1300 if d.year == 2026 else 0)
        rows.append((d.isoformat(), store, f"c{i % 40}", f"{cents // 100}.{cents % 100:02d}"))
with open(os.path.join(tmp, "orders.csv"), "w") as f:
    f.write("day,store,customer,amount\n")
    for r in rows:
        f.write(",".join(r) + "\n")
with open(os.path.join(tmp, "g.kpi"), "w") as f:
    f.write("""package grains
dimension store: string
source orders from csv("orders.csv") {
  day:      date time
  store:    string -> store
  customer: string
  amount:   decimal(2) unit CNY
}
metric sales: CNY = sum(orders.amount)
metric buyers = count_distinct(orders.customer)
goal monthly {
  metric sales
  period 2026 by month
  target sales >= 3000 CNY
  drill  store
  alert  "low" when sales < 0.97 * sales.target
}
goal even_weeks {
  metric  sales
  period  2026 by week
  target  sales >= 40000 CNY
  phasing even
}
goal ly_weeks {
  metric  sales
  period  2026 by week
  target  sales >= 40000 CNY
  phasing last_year
}
goal buyers_monthly {
  metric buyers
  period 2026 by month
  target buyers >= 30
}
""")


def run(*args):
    p = subprocess.run([KPIC, "run", tmp, "--format", "json", "--no-cache", *args], capture_output=True, text=True)
    if p.returncode != 0:
        failures.append(f"run {' '.join(args)}: exit {p.returncode}: {p.stderr[-400:]}")
        return None
    return json.loads(p.stdout)


def sql_targets(*args):
    p = subprocess.run([KPIC, "sql", tmp, "--dialect", "sqlite", *args], capture_output=True, text=True)
    if p.returncode != 0:
        failures.append(f"sql {' '.join(args)}: exit {p.returncode}: {p.stderr[-400:]}")
        return None
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE orders (day TEXT, store TEXT, customer TEXT, amount TEXT)")
    db.executemany("INSERT INTO orders VALUES (?, ?, ?, ?)", rows)
    cur = db.execute(p.stdout)
    names = [c[0] for c in cur.description]
    return [float(r[names.index("target")]) if r[names.index("target")] is not None else None for r in cur.fetchall()]


def month_days(y, m):
    return ((dt.date(y + (m == 12), m % 12 + 1, 1)) - dt.date(y, m, 1)).days


def week_factor(monday):
    """How many months a week of 7 days makes, each day its month's 1/days."""
    return sum(1 / month_days(d.year, d.month) for d in (monday + dt.timedelta(days=k) for k in range(7)))


def iso_weeks(year):
    """(monday, share of its days in the year) for each ISO week of the year's days."""
    d, out = dt.date(year, 1, 1), []
    monday = d - dt.timedelta(days=d.weekday())
    while monday <= dt.date(year, 12, 31):
        inside = sum(1 for k in range(7) if (monday + dt.timedelta(days=k)).year == year)
        out.append((monday, inside / 7))
        monday += dt.timedelta(days=7)
    return out


def close(a, b, eps=1e-6):
    return a is not None and b is not None and abs(float(a) - float(b)) <= eps * max(1.0, abs(float(b)))


sales = {}
for day, _, _, amount in rows:
    sales[day] = sales.get(day, 0) + float(amount)

# 1. By quarter: 9,000 each; the whole period 36,000; the alert compares
# with 0.97 of the quarter's target (no quarter is under 8,730).
d = run("--goal", "monthly", "--grain", "quarter")
if d:
    g = d["goals"][0]
    expect("quarter targets", [p["target"] for p in g["periods"]] == [9000] * 4, [p["target"] for p in g["periods"]])
    quarters = [sum(v for k, v in sales.items() if k.startswith("2026") and (int(k[5:7]) - 1) // 3 == q) for q in range(4)]
    expect("quarter statuses", [p["status"] for p in g["periods"]] == ["met" if q >= 9000 else "missed" for q in quarters],
           ([p["status"] for p in g["periods"]], quarters))
    expect("quarter whole-period target", close(g["to_date"]["target"], 36000), g["to_date"])
    expect("quarter alerts", [a["period"] for a in g["alerts"]] == [], g["alerts"])
    expect("quarter members have none", all(m["target"] is None for dr in g["drill"] for m in dr["top"]), g["drill"])
    expect("quarter targets in SQL", sql_targets("--goal", "monthly", "--grain", "quarter") == [9000.0] * 4, "")
# A window that cuts a quarter to March: its target is March's 3,000, not
# a third of the quarter's 9,000 by days (review, 2026-12-06: 3,100).
d = run("--goal", "monthly", "--grain", "quarter", "--from", "2026-03-01", "--to", "2026-07-01")
if d:
    g = d["goals"][0]
    expect("window: March's part of Q1", close(g["periods"][0].get("pace_target"), 3000), g["periods"][0])
    expect("window: March and Q2", close(g["to_date"]["target"], 12000), g["to_date"])
    sql = sql_targets("--goal", "monthly", "--grain", "quarter", "--from", "2026-03-01", "--to", "2026-07-01")
    expect("window in SQL: Q1's whole-period target", sql is not None and close(sql[0], g["periods"][0]["target"])
           and close(sql[1], 9000), sql)
# By month: unchanged, 3,000 each.
d = run("--goal", "monthly")
if d:
    expect("month targets", [p["target"] for p in d["goals"][0]["periods"]] == [3000] * 12, "")
    expect("month: no W0714", "W0714" not in [w["code"] for w in d["warning_codes"]], d["warning_codes"])

# 2. By week: each week's days' parts of their months' 3,000; the first
# and last weeks are cut by the year and judged on their days.
d = run("--goal", "monthly", "--grain", "week")
if d:
    g = d["goals"][0]
    weeks = iso_weeks(2026)
    want = [3000 * week_factor(monday) for monday, _ in weeks]
    got = [p["target"] for p in g["periods"]]
    expect("week targets", len(got) == len(want) and all(close(a, b) for a, b in zip(got, want)), (got[:3], want[:3]))
    judged = sum(w * s for w, (_, s) in zip(want, weeks))
    expect("weeks add up to the year's months", close(judged, 36000), judged)
    expect("week whole-period target", close(g["to_date"]["target"], 36000), g["to_date"])
    sql = sql_targets("--goal", "monthly", "--grain", "week")
    expect("week targets in SQL", sql is not None and all(close(a, b) for a, b in zip(sql, want)), (sql or [])[:3])

# 3. Phased evenly by week: a full week's target is 40,000 over 51 full
# weeks and two of 4/7; the judged parts add up to 40,000.
d = run("--goal", "even_weeks")
if d:
    g = d["goals"][0]
    weeks = iso_weeks(2026)
    n = sum(s for _, s in weeks)
    got = [p["target"] for p in g["periods"]]
    expect("even: a full week's target", all(close(t, 40000 / n) for t in got), (got[:2], 40000 / n))
    expect("even: the weeks add up", close(sum(t * s for t, (_, s) in zip(got, weeks)), 40000), "")
    expect("even: whole-period target", close(g["to_date"]["target"], 40000), g["to_date"])
    year = sum(v for k, v in sales.items() if k.startswith("2026"))
    expect("even: status", g["status"] == ("met" if year >= 40000 else "missed"), (g["status"], year))
    sql = sql_targets("--goal", "even_weeks")
    expect("even in SQL", sql is not None and all(close(a, 40000 / n) for a in sql), (sql or [])[:2])

# 4. Phased like last year: week w's target is 40,000 times last year's
# same ISO week over last year's weeks, the cut ones by their shares.
d = run("--goal", "ly_weeks")
if d:
    g = d["goals"][0]
    weeks = iso_weeks(2026)

    def last_year(monday):
        # 52 ISO weeks earlier (docs/language.md, "Period operators").
        start = monday - dt.timedelta(days=364)
        return sum(sales.get((start + dt.timedelta(days=k)).isoformat(), 0) for k in range(7))

    ly = [last_year(monday) for monday, _ in weeks]
    denom = sum(v * s for v, (_, s) in zip(ly, weeks) if v is not None)
    want = [None if v is None else 40000 * v / denom for v in ly]
    got = [p["target"] for p in g["periods"]]
    same = lambda a, b: (a is None and b is None) or close(a, b)
    expect("last_year targets", len(got) == len(want) and all(same(a, b) for a, b in zip(got, want)), (got[:3], want[:3], got[-1]))
    expect("last_year: the weeks add up", close(sum(t * s for t, (_, s) in zip(got, weeks) if t is not None), 40000), "")
    sql = sql_targets("--goal", "ly_weeks")
    expect("last_year in SQL", sql is not None and all(same(a, b) for a, b in zip(sql, want)), (sql or [])[:3])

# 5. A distinct count's monthly target at another grain: none, W0714.
d = run("--goal", "buyers_monthly", "--grain", "quarter")
if d:
    g = d["goals"][0]
    expect("distinct: no target", [p["target"] for p in g["periods"]] == [None] * 4, [p["target"] for p in g["periods"]])
    expect("distinct: W0714", [w["code"] for w in d["warning_codes"]] == ["W0714"], d["warning_codes"])

# 6. Phased like last year, the quarter in progress (as of 2026-11-18) is
# paced like last year's same days (1 October to 18 November 2025), not by
# its share of days (49 of 92): reader's probe, 2026-12-06.
with open(os.path.join(tmp, "ly.kpi"), "w") as f:
    f.write("""package grains
goal ly_quarters {
  metric  sales
  period  2026 by quarter
  target  sales >= 40000 CNY
  phasing last_year
}
""")
d = run("--goal", "ly_quarters", "--as-of", "2026-11-18")
if d:
    g = d["goals"][0]
    y25 = {k: v for k, v in sales.items() if k.startswith("2025")}
    q4 = sum(v for k, v in y25.items() if k >= "2025-10-01")
    phased_q4 = 40000 * q4 / sum(y25.values())
    same_days = sum(v for k, v in y25.items() if "2025-10-01" <= k <= "2025-11-18")
    p4 = g["periods"][3]
    expect("last_year pace: Q4's phased target", close(p4["target"], phased_q4), (p4["target"], phased_q4))
    expect("last_year pace: last year's same days", close(p4["pace_target"], phased_q4 * same_days / q4),
           (p4["pace_target"], phased_q4 * same_days / q4, phased_q4 * 49 / 92))

print(f"grain targets: {passed} passed, {len(failures)} failed")
for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
