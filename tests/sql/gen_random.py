#!/usr/bin/env python3
"""A random package for the SQL differential test: a calendar (week start,
fiscal year start), three sources (facts with nulls, empty groups and zero
divisors, a lookup, a second fact table), a suite of metrics drawn from
aggregates, filters, ratios, period operators and re-aggregations over a
grain and dimensions (`avg(m by day, kdim)`), and selections over them.

usage: gen_random.py DIR SEED   -> DIR/r.kpi, DIR/*.csv, DIR/cases.json
Deterministic for a seed. Every formula is unit-clean by construction;
selections the planner refuses (a dimension a source lacks, a change over
a month at grain year) stay in: `kpic sql` must refuse them too.
"""
import datetime as dt
import json
import os
import random
import sys

out, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
os.makedirs(out, exist_ok=True)

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
week = rng.choice(WEEKDAYS)
fiscal = rng.choice([1, 1, 4, 7, 10])
zone = rng.choice(["UTC", "Asia/Shanghai"])
STRINGS = ["a", "b", "c", "北京", "x", "O'Neil"]
null_rate = rng.choice([0.0, 0.1, 0.25])
start = dt.date(2025, 1, 1)
days = rng.choice([120, 400, 730])


def maybe(v):
    return "" if rng.random() < null_rate else v


def dec(lo, hi):
    cents = rng.randint(lo * 100, hi * 100)
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


pids = [f"P{i:02d}" for i in range(12)]
with open(os.path.join(out, "p.csv"), "w", encoding="utf-8") as f:
    f.write("pid,cat,cost\n")
    for p in pids[:10]:  # two pids of the facts are missing here: null members
        f.write(f"{p},{rng.choice(['家居', '服饰', 'food'])},{dec(1, 50)}\n")

rows = rng.choice([200, 800, 2000])
with open(os.path.join(out, "t.csv"), "w", encoding="utf-8") as f:
    f.write("ts,k,s2,amt,q,f,b,dd,pid\n")
    for _ in range(rows):
        ts = dt.datetime.combine(start, dt.time()) + dt.timedelta(seconds=rng.randrange(days * 86400))
        k = maybe(rng.choice(STRINGS))
        if "'" in k:
            k = '"' + k + '"'
        f.write(",".join([
            ts.isoformat() if rng.random() > 0.02 else "",
            k, maybe(rng.choice(["x", "y", "z"])), maybe(dec(-50, 500)), maybe(str(rng.randint(-3, 7))),
            maybe(repr(round(rng.uniform(-2, 2), 6))), maybe(rng.choice(["true", "false"])),
            maybe((start + dt.timedelta(days=rng.randrange(days))).isoformat()), maybe(rng.choice(pids)),
        ]) + "\n")

with open(os.path.join(out, "u.csv"), "w", encoding="utf-8") as f:
    f.write("day,k,visits\n")
    for d in range(0, days, rng.choice([1, 2, 3])):
        for k in rng.sample(STRINGS, 3):
            k = '"' + k + '"' if "'" in k else k
            f.write(f"{(start + dt.timedelta(days=d)).isoformat()},{k},{maybe(str(rng.randint(0, 40)))}\n")

VALUES = ["t.amt", "t.q", "t.f", "t.amt * t.q", "abs(t.amt)", "if(t.b, t.amt, 0)", "coalesce(t.q, 0)", "t.q * 2",
          "-t.amt", "t.amt * 1.5", "t.f * t.q", "t.pid.cost", "t.q * t.pid.cost", "month(t.ts)",
          "day(t.dd)", "weekday(t.ts)", "week(t.ts)", "quarter(t.dd)"]
FILTERS = ["t.b", "not t.b", 't.k == "a"', 't.k in ("a", "北京")', "t.q > 2", "t.amt >= 10.5", "t.f < 0.5",
           "t.k is null", "t.q is not null and t.b", 't.s2 != "x" or t.q < 0', "hour(t.ts) < 12", 't.k < "b"',
           't.k not in ("c")', "t.q in (1, 2, 3)", "t.dd >= 2025-03-01", 't.pid.cat == "家居"', "t.pid.cat is null",
           'year(t.ts) == 2025']
FNS = ["sum", "sum", "sum", "avg", "min", "max", "count", "stddev", "variance"]


def aggregate(facts_only=False, plain=False):
    filt = f" where {rng.choice(FILTERS)}" if rng.random() < 0.5 else ""
    kind = rng.randrange(3, 8) if plain else rng.randrange(8)
    if kind == 0:
        return f"count(t{filt})"
    if kind == 1:
        return f"count_distinct({rng.choice(['t.k', 't.q', 't.pid'])}{filt})"
    if kind == 2 and not facts_only:
        return f"sum(u.visits{' where u.k == ' + chr(34) + 'a' + chr(34) if rng.random() < 0.3 else ''})"
    return f"{rng.choice(FNS)}({rng.choice(VALUES)}{filt})"


base = []
for i in range(6):
    shape = rng.randrange(5)
    if shape == 0:
        f = f"{aggregate()} / {aggregate()}"
    elif shape == 1:
        # Counts of different things do not subtract (their units differ).
        f = f"{aggregate(plain=True)} - {aggregate(plain=True)}"
    elif shape == 2:
        f = f"({aggregate(facts_only=True)}) where {rng.choice(FILTERS)}"
    elif rng.random() < 0.15:
        # days or hours: units of their own, so alone
        f = rng.choice(["max(t.dd - 2025-01-01)", "max(t.dd) - min(t.dd)", "max(t.ts) - min(t.ts)"])
    else:
        f = aggregate()
    base.append((f"m{i}", f))
# Period operators over the base metrics.
derived = []
OPS = [".previous", ".last_year", ".change(month)", ".to_date(year)", ".rolling(3 months)", ".avg(day)",
       ".zscore(3)", ".to_date(quarter)", ".rolling(2 weeks)"]
for i in range(5):
    m = rng.choice(base)[0]
    op = rng.choice(OPS + ["share"])
    derived.append((f"d{i}", f"share({m})" if op == "share" else m + op))
# Re-aggregations over a grain and dimensions: `avg(m by day, kdim)`. Every
# base metric has kdim (t and u map to it); sdim and cat only without u.
# `sum` only of a single sum or count (additive), as the checker demands.
reaggs = []
for i in range(3):
    m, formula = rng.choice(base)
    dims = ["kdim"] + ([d for d in ["sdim", "cat"] if rng.random() < 0.4] if "u." not in formula else [])
    grain = rng.choice(["day", "day", "week", "month", None])
    additive = formula.startswith(("sum(", "count(t")) and formula.count("(") <= 2 and " " not in formula
    fn = rng.choice(["avg", "min", "max"] + (["sum"] if additive else []))
    reaggs.append((f"g{i}", f"{fn}({m} by {', '.join(([grain] if grain else []) + dims)})"))
metrics = base + derived + reaggs

with open(os.path.join(out, "r.kpi"), "w", encoding="utf-8") as f:
    f.write(f"""// Generated by tests/sql/gen_random.py {seed}.
package r{seed}

calendar {{
  week_start        {week}
  fiscal_year_start {fiscal}
  time_zone         "{zone}"
}}

dimension kdim: string
dimension sdim: string
dimension cat: string

source t from csv("t.csv") {{
  ts:  timestamp time
  k:   string -> kdim
  s2:  string -> sdim
  amt: decimal(2)
  q:   int
  f:   float
  b:   bool
  dd:  date
  pid: string references p
}}

source p from csv("p.csv") {{
  pid:  string key
  cat:  string -> cat
  cost: decimal(2)
}}

source u from csv("u.csv") {{
  day:    date time
  k:      string -> kdim
  visits: int
}}

""")
    for name, formula in metrics:
        f.write(f"metric {name} = {formula}\n")

queries = []
# The as-of dates come from their own generator, so that the rest of a seed's
# suite stays what it was.
as_of_rng = random.Random(seed * 7919 + 1)
for _ in range(6):
    names = [m for m, _ in rng.sample(metrics, rng.randint(1, 4))]
    grain = rng.choice(["day", "week", "month", "month", "quarter", "year", "all"])
    by = rng.choice([[], [], ["kdim"], ["sdim"], ["cat"], ["kdim", "sdim"]])
    q = f"--metric {','.join(names)} --grain {grain}"
    if by:
        q += f" --by {','.join(by)}"
    a = start
    if rng.random() < 0.3 and grain not in ("all",):
        a = start + dt.timedelta(days=rng.randrange(days // 2))
        q += f" --from {a.isoformat()} --to {(a + dt.timedelta(days=rng.randrange(20, days))).isoformat()}"
    # Partial periods: the data as of a day (on or after --from).
    if as_of_rng.random() < 0.4:
        q += f" --as-of {(a + dt.timedelta(days=as_of_rng.randrange(days))).isoformat()}"
    queries.append(q)
# One selection that surely reads the re-aggregations (weeks nest only in
# weeks and all).
weekly = any(" by week" in f for _, f in reaggs)
grain = rng.choice(["week", "all"] if weekly else ["month", "quarter", "year", "all"])
queries.append(f"--metric {','.join(m for m, _ in reaggs)} --grain {grain}" +
               (" --by kdim" if rng.random() < 0.5 else ""))
json.dump({"fiscal": fiscal, "monday": week == "monday", "zone": zone, "queries": queries},
          open(os.path.join(out, "cases.json"), "w"), indent=1)
