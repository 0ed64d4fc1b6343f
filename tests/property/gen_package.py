#!/usr/bin/env python3
"""A random package for the property test (tests/property/check_run.py):
what `kpic check` accepts, every engine computes.

usage: gen_package.py DIR SEED   -> DIR/p.kpi and its CSV files

Unlike tests/sql/gen_random.py, whose formulas are clean by construction,
this generator also writes what the checker must refuse: constants out of
range, rounding and date arithmetic row by row, `in` lists of non-literals,
`m.target` outside its goal, re-aggregations of ratios, mixed units. Each
package either fails `check` (then nothing is asserted) or must run
everywhere. Deterministic for a seed.
"""
import datetime as dt
import os
import random
import sys

out, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
os.makedirs(out, exist_ok=True)
start = dt.date(2025, 1, 1)
days = rng.choice([90, 400])

with open(os.path.join(out, "o.csv"), "w", encoding="utf-8") as f:
    f.write("ts,day,store,ch,amt,q,f,ok\n")
    for _ in range(rng.choice([0, 30, 300])):
        d = start + dt.timedelta(days=rng.randrange(days))
        ts = dt.datetime.combine(d, dt.time(rng.randrange(24), rng.randrange(60)))
        f.write(",".join([ts.isoformat(), d.isoformat(), rng.choice(["S1", "S2", "北京店", ""]),
                          rng.choice(["web", "app"]), f"{rng.randint(-500, 90000) / 100:.2f}",
                          str(rng.randint(0, 9)), repr(round(rng.uniform(-1, 1), 4)),
                          rng.choice(["true", "false", ""])]) + "\n")
with open(os.path.join(out, "v.csv"), "w", encoding="utf-8") as f:
    f.write("day,store,visits\n")
    for i in range(0, days, 3):
        for s in ("S1", "S2"):
            f.write(f"{(start + dt.timedelta(days=i)).isoformat()},{s},{rng.randint(0, 50)}\n")
with open(os.path.join(out, "st.csv"), "w", encoding="utf-8") as f:
    f.write("store,region\nS1,North\nS2,South\n北京店,North\n")

RARE = 0.04  # how often a construct that check refuses is drawn


def pick(good, refused):
    return rng.choice(refused) if rng.random() < RARE else rng.choice(good)


ROW_OK = ["o.amt", "o.q", "o.f", "o.amt * o.q", "abs(o.amt)", "if(o.ok, o.amt, 0)", "coalesce(o.q, 0)",
          "-o.amt", "o.amt * 1.5", "o.q * o.f", "o.day - 2025-01-01", "o.ts - o.ts"]
ROW_BAD = ["round(o.amt, 0)", "o.amt * o.amt * o.amt * o.amt * o.amt * o.amt * o.amt * o.amt * o.amt * o.amt"]
COND_OK = ["o.ok", "not o.ok", 'o.ch == "web"', 'o.store in ("S1", "北京店")', "o.q in (-1, 2, 3)",
           "o.q > 2", "o.amt >= 10.5 CNY", "o.store is null", "o.day >= 2025-03-01", "hour(o.ts) < 12",
           'o.store.region == "North"', "o.ts > o.day", "o.q in (1, 2.5)"]
COND_BAD = ["o.q in (o.q, 1)", "o.day + 3 days > o.day", "o.f < 1e999"]
AGG = ["sum", "sum", "avg", "min", "max", "count", "stddev", "variance", "median"]


def agg():
    filt = f" where {pick(COND_OK, COND_BAD)}" if rng.random() < 0.4 else ""
    k = rng.randrange(10)
    if k == 0:
        return f"count(o{filt})"
    if k == 1:
        return f"count_distinct({rng.choice(['o.store', 'o.q', 'o.day'])}{filt})"
    if k == 2:
        return f"sum(v.visits{filt.replace('o.', 'v.') if 'store' in filt else ''})"
    if k == 3:
        return f"percentile({rng.choice(ROW_OK[:3])}{filt}, {pick(['0.9', '90%', '0', '1'], ['2', '-0.5'])})"
    if k == 4:
        return pick(["(max(o.ts) - min(o.ts))", "(max(o.day) - min(o.day))"], ["sum(1)", "max(o.day)"])
    return f"{rng.choice(AGG)}({pick(ROW_OK, ROW_BAD)}{filt})"


OPS_OK = [".previous", ".last_year", ".change(month)", ".to_date(year)", ".rolling(3 months)", ".avg(day)",
          ".sum(day)", ".max(week)", ".zscore(3)", ".rolling(2 weeks)", ".last(day)"]
OPS_BAD = [".zscore(1)", ".rolling(0 months)", ".target"]
metrics = []
names = []
for i in range(rng.randint(3, 7)):
    shape = rng.randrange(6)
    if shape == 0:
        f = f"{agg()} / {agg()}"
    elif shape == 1:
        a = agg()  # the same units on both sides
        f = f"{a} - 0.5 * {a}" if rng.random() < 0.5 else f"{a} + {a.replace('o.ok', 'not o.ok')}"
    elif shape == 2 and metrics:
        f = f"{rng.choice(names)}{pick(OPS_OK, OPS_BAD)}"
    elif shape == 3 and metrics:
        f = rng.choice([f"round({rng.choice(names)}, 1)", f"share({rng.choice(names)})",
                        f"growth({rng.choice(names)}, last_year)", f"abs({rng.choice(names)})"])
    else:
        f = agg()
    fmt = pick(["", "", ' format "#,##0.00"', ' format "0.0%"'], [' format "0.#"'])
    metrics.append((f"m{i}", f + fmt))
    names.append(f"m{i}")

goals = []
for g in range(rng.randint(0, 2)):
    m = rng.choice(names)
    items = [f"metric {m}", rng.choice(["period 2025 by month", "period 2025 by quarter",
                                        "period 2025-01-01..2025-04-01 by month"])]
    if rng.random() < 0.8:
        items.append(pick([f"target {m} >= 1.1 * {m}.last_year", f"target {m} >= 100",
                           f"target {m} <= {m}.previous"], [f"target {m} >= {m}.target"]))
    if rng.random() < 0.7:
        other = rng.choice(names)
        items.append(pick([f'alert "low" when {m} < 0.9 * {m}.target severity critical' if "target" in items[-1]
                           else f'alert "low" when {m} < 0 severity critical',
                           f'alert "drop" when {m}.change(month) < -10%', f'alert "plain" when {other} < 0'],
                          [f'alert "other" when {other}.target > 0']))
    if rng.random() < 0.5:
        items.append(rng.choice(["drill store", "drill region, store", "drill ch"]))
    goals.append((f"g{g}", items))

dialects = rng.sample(["postgres", "duckdb", "sqlite", "trino", "spark", "clickhouse", "bigquery"],
                      rng.choice([0, 0, 1, 2]))
with open(os.path.join(out, "p.kpi"), "w", encoding="utf-8") as f:
    f.write(f"// Generated by tests/property/gen_package.py {seed}.\n")
    f.write(f"package p{seed}" + (f" {{ dialects {', '.join(dialects)} }}" if dialects else "") + "\n\n")
    f.write("""dimension store: string
dimension region: string
dimension ch: string

source st from csv("st.csv") {
  store:  string key
  region: string -> region
}
source o from csv("o.csv") {
  ts:    timestamp time
  day:   date
  store: string -> store references st
  ch:    string -> ch
  amt:   decimal(2) unit CNY
  q:     int
  f:     float
  ok:    bool
}
source v from csv("v.csv") {
  day:    date time
  store:  string -> store
  visits: int
}

""")
    for n, formula in metrics:
        f.write(f"metric {n} = {formula}\n")
    for n, items in goals:
        f.write(f"\ngoal {n} {{\n" + "".join(f"  {it}\n" for it in items) + "}\n")
    if rng.random() < 0.5:
        f.write('\nrole manager(s: string) {\n  o where o.store == s\n  v where v.store == s\n  st: all\n}\n')
