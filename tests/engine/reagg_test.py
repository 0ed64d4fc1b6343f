#!/usr/bin/env python3
"""Re-aggregation over a grain and dimensions (`avg(m by day, store)`), on
eight rows whose results are worked out by hand below
(tests/engine/reagg/data/sales.csv):

    2025-01-01 A web  10.00    2025-01-01 A shop  5.00    2025-01-01 B web 20.00
    2025-01-02 A web  30.00    2025-01-02 B shop  8.00
    2025-01-03 A shop 12.00    2025-01-03 A web   6.00    (no row of B on the 3rd)
    2025-02-01 B web   4.00    (no row of A in February)

Per (day, store), January: A 15, 30, 18 on the 1st to 3rd; B 20, 8, and
nothing on the 3rd. As for `m.avg(day)`, every day of the period counts (a
day without rows is zero for an additive metric), for every store seen in
the row's period (and channel). So January has 31 x 2 cells, February
28 x 1 (only B). A ratio (`ticket`) is null without orders and is skipped.

usage: reagg_test.py KPIC ROOT [ENGINE]
"""
import json
import os
import subprocess
import sys
import tempfile
from fractions import Fraction as F

KPIC, ROOT = sys.argv[1], sys.argv[2]
ENGINE = sys.argv[3] if len(sys.argv) > 3 else "interp"
PKG = os.path.join(ROOT, "tests", "engine", "reagg")
failures = []
os.environ["KPIC_CACHE_DIR"] = tempfile.mkdtemp(prefix="kpic-cache-")

METRICS = "revenue,avg_store_day,max_store_day,min_store_day,sum_store_day,avg_store,avg_ticket,share_avg,ytd_store,daily"


def run(*args, metrics=None):
    p = subprocess.run([KPIC, "run", PKG, "--engine", ENGINE, "--format", "json", "--metric", metrics or METRICS,
                        "--as-of", "2099-12-31", *args],  # the data is complete: whole periods
                       capture_output=True, text=True)
    if p.returncode != 0:
        failures.append(f"run {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
        return None
    return json.loads(p.stdout)


def table(result, dims=()):
    out = {}
    for r in result["results"]:
        for row in r["rows"]:
            out[(r["metric"], row.get("period"), *[row[d] for d in dims])] = row["value"]
    return out


def expect(name, got, want):
    """Exact decimals are strings, counts ints; ratios are floats to 1e-12."""
    if isinstance(want, F):
        ok = isinstance(got, float) and abs(got - float(want)) <= 1e-12 * max(1, abs(float(want)))
    elif want is None:
        ok = got is None
    else:
        ok = got == want
    if not ok:
        failures.append(f"{name}: got {got!r}, expected {want!r}")


# --grain month, no breakdown.
res = run("--grain", "month")
if res:
    t = table(res)
    want = {
        ("revenue", "2025-01"): "91.00", ("revenue", "2025-02"): "4.00",
        # 91 over 31 days x 2 stores; 4 over 28 days x 1 store.
        ("avg_store_day", "2025-01"): F(91, 62), ("avg_store_day", "2025-02"): F(4, 28),
        ("max_store_day", "2025-01"): "30.00", ("max_store_day", "2025-02"): "4.00",
        ("sum_store_day", "2025-01"): "91.00", ("sum_store_day", "2025-02"): "4.00",
        # A 63, B 28 in January; B 4 alone in February.
        ("avg_store", "2025-01"): F(91, 2), ("avg_store", "2025-02"): F(4),
        # Tickets 7.5, 30, 9 (A) and 20, 8 (B); B's 3rd and the empty days are skipped.
        ("avg_ticket", "2025-01"): F(745, 50), ("avg_ticket", "2025-02"): F(4),
        ("share_avg", "2025-01"): F(1), ("share_avg", "2025-02"): F(1),
        # Year to date per store: A 63, B 28 + 4.
        ("ytd_store", "2025-01"): F(91, 2), ("ytd_store", "2025-02"): F(95, 2),
        ("daily", "2025-01"): F(91, 31), ("daily", "2025-02"): F(4, 28),
    }
    for k, v in want.items():
        expect(f"month {k}", t.get(k, "missing"), v)
    # The smallest (day, store) is an empty day: zero.
    for p in ("2025-01", "2025-02"):
        got = t.get(("min_store_day", p), "missing")
        if got not in (0, "0", "0.00"):
            failures.append(f"month min_store_day {p}: got {got!r}, expected zero")

# --grain month --by channel: each channel's own stores.
res = run("--grain", "month", "--by", "channel")
if res:
    t = table(res, ("channel",))
    want = {
        # web: A 10, 30, 6 and B 20 in January; B 4 in February.
        ("avg_store_day", "2025-01", "web"): F(66, 62), ("avg_store_day", "2025-01", "shop"): F(25, 62),
        ("avg_store_day", "2025-02", "web"): F(4, 28), ("avg_store_day", "2025-02", "shop"): None,
        ("sum_store_day", "2025-01", "web"): "66.00", ("sum_store_day", "2025-01", "shop"): "25.00",
        ("max_store_day", "2025-01", "web"): "30.00", ("max_store_day", "2025-01", "shop"): "12.00",
        ("max_store_day", "2025-02", "shop"): None,
        ("avg_store", "2025-01", "web"): F(33), ("avg_store", "2025-01", "shop"): F(25, 2),
        ("avg_store", "2025-02", "web"): F(4), ("avg_store", "2025-02", "shop"): None,
        ("avg_ticket", "2025-01", "web"): F(33, 2), ("avg_ticket", "2025-01", "shop"): F(25, 3),
        # Each channel's average over the average of every channel's (day, store) cells.
        ("share_avg", "2025-01", "web"): F(66, 91), ("share_avg", "2025-01", "shop"): F(25, 91),
        ("share_avg", "2025-02", "web"): F(1), ("share_avg", "2025-02", "shop"): None,
        # web: A 46, B 20 + 4 by February; shop: A 17, B 8.
        ("ytd_store", "2025-02", "web"): F(35), ("ytd_store", "2025-02", "shop"): F(25, 2),
    }
    for k, v in want.items():
        expect(f"channel {k}", t.get(k, "missing"), v)
    # No store sold in the shop in February: a sum over no cells is zero.
    got = t.get(("sum_store_day", "2025-02", "shop"), "missing")
    if got not in (0, "0", "0.00"):
        failures.append(f"channel sum_store_day 2025-02 shop: got {got!r}, expected zero")
    rows = sorted(k[1:] for k in t if k[0] == "avg_store_day")
    expect("channel rows", rows, [("2025-01", "shop"), ("2025-01", "web"), ("2025-02", "shop"), ("2025-02", "web")])

# --by store: the store is already in the breakdown, so only days remain.
res = run("--grain", "month", "--by", "store")
if res:
    t = table(res, ("store",))
    want = {
        ("avg_store_day", "2025-01", "A"): F(63, 31), ("avg_store_day", "2025-01", "B"): F(28, 31),
        ("avg_store_day", "2025-02", "A"): F(0), ("avg_store_day", "2025-02", "B"): F(4, 28),
        # Only the store remains, and it is fixed: the metric itself.
        ("avg_store", "2025-01", "A"): "63.00", ("avg_store", "2025-02", "A"): "0.00",
    }
    for k, v in want.items():
        expect(f"store {k}", t.get(k, "missing"), v)

# --grain all: every day from the first to the last with data (1 January to
# 1 February, 32 days) for both stores.
res = run("--grain", "all")
if res:
    t = table(res)
    want = {
        ("avg_store_day", "all"): F(95, 64), ("sum_store_day", "all"): "95.00", ("max_store_day", "all"): "30.00",
        ("avg_store", "all"): F(95, 2), ("avg_ticket", "all"): F(785, 60),
    }
    for k, v in want.items():
        expect(f"all {k}", t.get(k, "missing"), v)

# --grain day: the stores seen that day (B has no row on the 3rd, so the
# 3rd is A's alone); `avg(revenue by store)` is the same there.
res = run("--grain", "day", "--from", "2025-01-01", "--to", "2025-01-04")
if res:
    t = table(res)
    for m in ("avg_store_day", "avg_store"):
        expect(f"day {m} 1st", t.get((m, "2025-01-01"), "missing"), F(35, 2))
        expect(f"day {m} 2nd", t.get((m, "2025-01-02"), "missing"), F(19))
        expect(f"day {m} 3rd", t.get((m, "2025-01-03"), "missing"), F(18))

# --grain week: ISO weeks; 2025-W01 runs from 30 December to 5 January
# (7 days x 2 stores), W05 holds 1 February (7 days x B); the weeks
# between have no rows, so no store: null.
# (`ytd_store`, a `.to_date(year)`, is refused by week: a week can fall in
# two years, and 2025-W01 does.)
p = subprocess.run([KPIC, "run", PKG, "--engine", ENGINE, "--metric", "ytd_store", "--grain", "week"],
                   capture_output=True, text=True)
expect("to_date(year) by week", (p.returncode, "E0602" in p.stderr), (2, True))
res = run("--grain", "week", metrics=",".join(m for m in METRICS.split(",") if m != "ytd_store"))
if res:
    t = table(res)
    weeks = sorted(k[1] for k in t if k[0] == "avg_store_day")
    expect("week rows", weeks, ["2025-W01", "2025-W02", "2025-W03", "2025-W04", "2025-W05"])
    expect("week W01 avg", t.get(("avg_store_day", "2025-W01"), "missing"), F(91, 14))
    expect("week W01 max", t.get(("max_store_day", "2025-W01"), "missing"), "30.00")
    expect("week W03 avg", t.get(("avg_store_day", "2025-W03"), "missing"), None)
    expect("week W05 avg", t.get(("avg_store_day", "2025-W05"), "missing"), F(4, 7))

# A goal on avg_store_day, drilled by channel: January is met (91/62),
# February missed (4/28); the drill compares each channel's value.
p = subprocess.run([KPIC, "run", PKG, "--engine", ENGINE, "--format", "json", "--goal", "steady",
                    "--as-of", "2099-12-31"],
                   capture_output=True, text=True)
if p.returncode != 0:
    failures.append(f"goal: exit {p.returncode}: {p.stderr}")
else:
    g = json.loads(p.stdout)["goals"][0]
    for row, (period, value, status) in zip(g["periods"], [("2025-01", F(91, 62), "met"), ("2025-02", F(4, 28), "missed")]):
        expect(f"goal {period}", (row["period"], row["status"]), (period, status))
        expect(f"goal {period} value", row["value"], value)
    top = {m["member"]: m for m in g["drill"][0]["top"]}
    expect("drill members", g["drill"][0]["members"], 2)
    expect("drill web", top["web"]["value"], F(4, 28))
    expect("drill web before", top["web"]["previous"], F(66, 62))
    expect("drill shop before", top["shop"]["previous"], F(25, 62))
    expect("drill shop", top["shop"]["value"], None)
    # A store-day's average is a level, not an amount: the goal's fixed 1 CNY
    # applies to each channel alike (it was taken for the company's number,
    # and the members had no target), and the alert fires per channel.
    expect("drill web target", top["web"]["target"], 1)
    expect("drill web attainment", top["web"]["attainment"], F(4, 28))
    fired = sorted((a["period"], a["dims"].get("channel", "")) for a in g["alerts"])
    expect("alerts", fired, [("2025-01", "shop"), ("2025-02", ""), ("2025-02", "web")])

if failures:
    print("\n".join(failures))
    sys.exit(f"{len(failures)} failures")
print(f"reagg ({ENGINE}): all hand-computed values agree")
