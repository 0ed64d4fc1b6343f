#!/usr/bin/env python3
"""End-to-end check of `kpic run` on the flagship example against an
independent oracle: the example's CSV files loaded into SQLite, and each
metric written by hand as SQL. Exact decimals are compared as exact cents
(SQLite integers), quotients within 1e-12 relative.

usage: retail_oracle.py KPIC ROOT [ENGINE]
"""
import csv
import json
import os
import sqlite3
import subprocess
import sys

KPIC, ROOT = sys.argv[1], sys.argv[2]
ENGINE = sys.argv[3] if len(sys.argv) > 3 else "auto"
EX = os.path.join(ROOT, "examples", "retail")
failures = []


def cents(text):
    """Exact cents of a decimal(2) text such as "98.00" or "-1.5"."""
    neg = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    assert len(frac) <= 2, text
    v = int(whole or "0") * 100 + int((frac + "00")[:2])
    return -v if neg else v


def load():
    db = sqlite3.connect(":memory:")
    db.execute("""create table orders(order_id text, ts text, store text, channel text, customer_type text,
                  customer_id text, product_id text, quantity int, amount int, discount int, returned int,
                  is_repeat int, shipped_at text)""")
    with open(os.path.join(EX, "data", "orders.csv"), encoding="utf-8") as f:
        r = csv.reader(f)
        next(r)
        for row in r:
            db.execute("insert into orders values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (row[0], row[1], row[2], row[3], row[4], row[5], row[6], int(row[7]), cents(row[8]),
                        cents(row[9]), row[10] == "true", row[11] == "true", row[12] or None))
    db.execute("create table traffic(day text, store text, channel text, visitors int)")
    with open(os.path.join(EX, "data", "traffic.csv"), encoding="utf-8") as f:
        r = csv.reader(f)
        next(r)
        db.executemany("insert into traffic values (?,?,?,?)", [(a, b, c, int(d)) for a, b, c, d in r])
    db.execute("create table products(product_id text, name text, category text, unit_cost int)")
    with open(os.path.join(EX, "data", "products.csv"), encoding="utf-8") as f:
        r = csv.reader(f)
        next(r)
        db.executemany("insert into products values (?,?,?,?)", [(a, b, c, cents(d)) for a, b, c, d in r])
    return db


def kpic(*args):
    out = subprocess.run([KPIC, "run", EX, "--format", "json", "--engine", ENGINE, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"kpic {' '.join(args)} failed ({out.returncode}):\n{out.stderr}")
    return json.loads(out.stdout)


def rows_of(result, metric, keys):
    for r in result["results"]:
        if r["metric"] == metric:
            return {tuple(row[k] for k in keys): row["value"] for row in r["rows"]}
    raise KeyError(metric)


def same(name, got, want):
    """got: kpic's JSON value; want: exact cents (int), an int count, a float, or None."""
    if want is None or got is None:
        ok = want is None and got is None
    elif isinstance(want, tuple):  # ("cents", n)
        ok = isinstance(got, str) and cents(got) == want[1]
    elif isinstance(want, int):
        ok = got == want and isinstance(got, int)
    else:
        ok = isinstance(got, (int, float)) and abs(got - want) <= 1e-12 * max(1.0, abs(want))
    if not ok:
        failures.append(f"{name}: kpic {got!r}, SQL {want!r}")


db = load()
M = "substr(ts, 1, 7)"  # the calendar is Asia/Shanghai and the timestamps carry no offset: local time

# ---- month x channel ------------------------------------------------------------------------------
res = kpic("--metric", "sales,order_count,aov,return_rate,vip_share,discount_rate,conversion",
           "--by", "channel", "--grain", "month")
checked = 0
for month, channel, sales, orders, all_orders, returned, vip, amount, discount in db.execute(f"""
    select {M}, channel,
           sum(case when not returned then amount else 0 end),
           sum(case when not returned then 1 else 0 end),
           count(*), sum(returned),
           sum(case when customer_type = 'vip' and not returned then amount else 0 end),
           sum(amount), sum(discount)
    from orders group by 1, 2"""):
    key = (month, channel)
    same(f"sales {key}", rows_of(res, "sales", ["period", "channel"])[key], ("cents", sales))
    same(f"order_count {key}", rows_of(res, "order_count", ["period", "channel"])[key], orders)
    same(f"aov {key}", rows_of(res, "aov", ["period", "channel"])[key], sales / 100 / orders if orders else None)
    same(f"return_rate {key}", rows_of(res, "return_rate", ["period", "channel"])[key], returned / all_orders)
    same(f"vip_share {key}", rows_of(res, "vip_share", ["period", "channel"])[key], vip / sales if sales else None)
    same(f"discount_rate {key}", rows_of(res, "discount_rate", ["period", "channel"])[key],
         discount / amount if amount else None)
    checked += 1
assert checked > 40, checked

# Conversion joins two sources on month and channel.
conv = rows_of(res, "conversion", ["period", "channel"])
for month, channel, orders, visitors in db.execute(f"""
    with o as (select {M} m, channel, sum(case when not returned then 1 else 0 end) n from orders group by 1, 2),
         t as (select substr(day, 1, 7) m, channel, sum(visitors) v from traffic group by 1, 2)
    select t.m, t.channel, coalesce(o.n, 0), t.v from t left join o on o.m = t.m and o.channel = t.channel"""):
    same(f"conversion {(month, channel)}", conv[(month, channel)], orders / visitors if visitors else None)

# ---- quarter x category, through the products lookup ------------------------------------------------
res = kpic("--metric", "gross_profit,repurchase_rate", "--by", "category", "--grain", "quarter")
gm = rows_of(res, "gross_profit", ["period", "category"])
for quarter, category, margin in db.execute("""
    select substr(ts, 1, 4) || '-Q' || ((cast(substr(ts, 6, 2) as int) + 2) / 3), p.category,
           sum(case when not returned then amount - quantity * p.unit_cost else 0 end)
    from orders o join products p using (product_id) group by 1, 2"""):
    same(f"gross_profit {(quarter, category)}", gm[(quarter, category)], ("cents", margin))
rr = rows_of(res, "repurchase_rate", ["period", "category"])
for quarter, category, repeat, customers in db.execute("""
    select substr(ts, 1, 4) || '-Q' || ((cast(substr(ts, 6, 2) as int) + 2) / 3), p.category,
           count(distinct case when is_repeat then customer_id end), count(distinct customer_id)
    from orders o join products p using (product_id) group by 1, 2"""):
    same(f"repurchase_rate {(quarter, category)}", rr[(quarter, category)], repeat / customers)

# ---- re-aggregation and timestamps --------------------------------------------------------------------
res = kpic("--metric", "avg_daily_sales,ship_hours", "--grain", "month")
ads = rows_of(res, "avg_daily_sales", ["period"])
for month, sales, days in db.execute(f"""
    select {M}, sum(case when not returned then amount else 0 end),
           cast(julianday(date({M} || '-01', '+1 month')) - julianday({M} || '-01') as int)
    from orders group by 1"""):
    # The average of daily totals counts days without orders as zero.
    same(f"avg_daily_sales {month}", ads[(month,)], sales / 100 / days)
sh = rows_of(res, "ship_hours", ["period"])
for month, hours in db.execute(f"""
    select {M}, avg((julianday(shipped_at) - julianday(ts)) * 24) from orders
    where shipped_at is not null group by 1"""):
    got = sh[(month,)]
    if abs(got - hours) > 1e-6 * hours:  # julianday is itself a double
        failures.append(f"ship_hours {month}: kpic {got}, SQL {hours}")

# ---- goals: value, target (1.28 x the same month last year), status -------------------------------------
res = kpic("--goal", "grow_sales")
goal = res["goals"][0]
monthly = dict(db.execute(f"select {M}, sum(case when not returned then amount else 0 end) from orders group by 1"))
for p in goal["periods"]:
    y, m = p["period"].split("-")
    value, last = monthly.get(p["period"], 0), monthly.get(f"{int(y) - 1}-{m}", 0)
    same(f"grow_sales value {p['period']}", p["value"], ("cents", value))
    # 1.28 x cents is exact in units of 1/10000.
    want_target = 128 * last  # in 1/10000 CNY
    t = p["target"]
    whole, _, frac = t.partition(".")
    got_target = int(whole) * 10 ** len(frac) + int(frac or "0")
    if got_target * 10 ** (4 - len(frac)) != want_target:
        failures.append(f"grow_sales target {p['period']}: kpic {t}, SQL {want_target / 10000}")
    att = value / (want_target / 100) if want_target else None
    same(f"grow_sales attainment {p['period']}", p["attainment"], att)
    # Every month is over (the data end on 2026-12-31): it met its target or
    # missed it; "at risk" is for what can still change (since 2026-12-07).
    status = "met" if value * 100 >= want_target else "missed"
    if p["status"] != status:
        failures.append(f"grow_sales status {p['period']}: kpic {p['status']}, expected {status}")

# ---- decomposition (LMDI) and drill-down of the goal, December against November 2026 ---------------------
import math
d = goal["decomposition"][0]
assert (d["period"], d["previous_period"], d["holds"]) == ("2026-12", "2026-11", True), d
def month_facts(m):
    sales, orders = db.execute(f"""select sum(case when not returned then amount else 0 end),
        sum(case when not returned then 1 else 0 end) from orders where {M} = ?""", (m,)).fetchone()
    visitors = db.execute("select sum(visitors) from traffic where substr(day, 1, 7) = ?", (m,)).fetchone()[0]
    return sales / 100, orders, visitors
s1, o1, v1 = month_facts("2026-12")
s0, o0, v0 = month_facts("2026-11")
L = (s1 - s0) / (math.log(s1) - math.log(s0))
want = {"visitors": L * math.log(v1 / v0), "conversion": L * math.log((o1 / v1) / (o0 / v0)),
        "aov": L * math.log((s1 / o1) / (s0 / o0))}
total = 0
for t in d["terms"]:
    if abs(t["contribution"] - want[t["term"]]) > 1e-9 * abs(s1 - s0):
        failures.append(f"lmdi {t['term']}: kpic {t['contribution']}, SQL {want[t['term']]}")
    total += t["contribution"]
if abs(total - (s1 - s0)) > 1e-6:
    failures.append(f"lmdi contributions add up to {total}, the change is {s1 - s0}")
drill = {dd["dimension"]: dd for dd in goal["drill"]}["channel"]
changes = dict(db.execute(f"""select channel, sum(case when {M} = '2026-12' and not returned then amount else 0 end)
    - sum(case when {M} = '2026-11' and not returned then amount else 0 end) from orders group by 1"""))
got = [(m["member"], cents(m["change"])) for m in drill["top"]]
want_top = sorted(changes.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
if got != want_top:
    failures.append(f"drill by channel: kpic {got}, SQL {want_top}")
# Attainment per store: December 2026 sales over 1.28 x December 2025, highest first.
att = []
for store, now, last in db.execute(f"""select store,
        sum(case when {M} = '2026-12' and not returned then amount else 0 end),
        sum(case when {M} = '2025-12' and not returned then amount else 0 end) from orders group by 1"""):
    att.append((store, now / (1.28 * last)))
att.sort(key=lambda kv: (-kv[1], kv[0]))
store_drill = {dd["dimension"]: dd for dd in goal["drill"]}["store"]
got = [(m["member"], m["attainment"]) for m in store_drill["best_attainment"]]
if [g[0] for g in got] != [a[0] for a in att[:5]] or any(abs(g[1] - a[1]) > 1e-12 for g, a in zip(got, att)):
    failures.append(f"best attainment by store: kpic {got}, SQL {att[:5]}")
# The lowest, leaving out stores already among the 5 highest (6 stores: one).
got = [m["member"] for m in store_drill["worst_attainment"]]
want_worst = [a[0] for a in reversed(att)][:max(0, len(att) - 5)]
if got != want_worst:
    failures.append(f"worst attainment by store: kpic {got}, SQL {want_worst}")

# ---- a role reads only its store's rows ------------------------------------------------------------------
res = kpic("--metric", "sales,conversion", "--grain", "quarter", "--role", "store_manager",
           "--param", "store_id=北京朝阳店")
sales_q = rows_of(res, "sales", ["period"])
conv_q = rows_of(res, "conversion", ["period"])
Q = "substr(ts, 1, 4) || '-Q' || ((cast(substr(ts, 6, 2) as int) + 2) / 3)"
for quarter, sales, orders in db.execute(f"""
    select {Q}, sum(case when not returned then amount else 0 end), sum(case when not returned then 1 else 0 end)
    from orders where store = '北京朝阳店' group by 1"""):
    same(f"role sales {quarter}", sales_q[(quarter,)], ("cents", sales))
    visitors = db.execute("""select sum(visitors) from traffic where store = '北京朝阳店'
        and substr(day, 1, 4) || '-Q' || ((cast(substr(day, 6, 2) as int) + 2) / 3) = ?""", (quarter,)).fetchone()[0]
    same(f"role conversion {quarter}", conv_q[(quarter,)], orders / visitors)

if failures:
    print("\n".join(failures[:40]))
    sys.exit(f"{len(failures)} mismatches")
print(f"retail oracle ({ENGINE}): all values agree with SQLite ({checked} month x channel groups and more)")
