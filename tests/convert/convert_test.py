#!/usr/bin/env python3
"""`convert(m, CUR, rates)` against values computed by hand.

The rates (data/rates.csv), USD -> CNY in effect from each date on:
  2026-01-01 7.1   2026-01-05 7.2   2026-01-20 7.15
  2026-02-01 1 / 0.14 (only CNY -> USD is newer) = 7.142857142857... -> 7.1428571429 at 10 decimals (half-even)
  2026-02-10 7.3   (both directions on that date: the direct quote wins over 1 / 0.13)
EUR -> CNY exists only as CNY -> EUR: 2025-12-31 1 / 0.125 = 8; 2026-01-15 1 / 0.13 = 7.6923076923.

Each order at the rate of its date (amount scale 2 + rate scale 10, exact):
  o1  01-01 A 100.00 x 7.1  = 710.00        o6  01-21 B 0.50 x 7.15 = 3.575
  o2  01-03 B  50.50 x 7.1  = 358.55        o7  01-22 A 0.30 x 7.15 = 2.145
  o3  01-05 A  20.01 x 7.2  = 144.072       o8  02-03 A 1.00 x 7.1428571429 = 7.1428571429
  o4  01-19 A  10.00 x 7.2  = 72.00         o9  02-10 B 2.00 x 7.3 = 14.60
  o5  01-20 B   3.33 x 7.15 = 23.8095       o10 02-28 A -5.00 x 7.3 = -36.50     o11 02-28 B 0.00
January 1314.1515 (A 928.217, B 385.9345); February -14.7571428571 (A -29.3571428571, B 14.60);
shown rounded half-even to 2 decimals. EUR: e1 01-02 A 10.00 x 8 = 80; e2 01-15 B 10.00 x 7.6923076923
= 76.923076923; e3 02-01 A 0.13 x 7.6923076923 = 0.999999999999.

usage: convert_test.py KPIC ROOT ENGINE
"""
import json
import os
import subprocess
import sys
import tempfile

kpic, root, engine = sys.argv[1], sys.argv[2], sys.argv[3]
pkg = os.path.join(root, "tests/convert")
errors = []


def run(*args):
    p = subprocess.run([kpic, "run", pkg, *args, "--engine", engine, "--format", "json"], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"kpic run {' '.join(args)} exited {p.returncode}:\n{p.stderr}")
    out = {}
    for res in json.loads(p.stdout)["results"]:
        for row in res["rows"]:
            key = (row["period"],) + tuple(row.get(d) for d in res["by"])
            out.setdefault(res["metric"], {})[key] = row["value"]
    return out


def expect(got, metric, key, want):
    v = got.get(metric, {}).get(key, "<missing>")
    ok = abs(v - want) <= 1e-9 * abs(want) if isinstance(want, float) and isinstance(v, float) else v == want
    if not ok:
        errors.append(f"{metric} {key}: got {v!r}, want {want!r}")


m = run("--metric", "sales,sales_cny,sales_usd,eur_cny,total_cny,big_cny,cny_per_order", "--grain", "month")
expect(m, "sales_cny", ("2026-01",), "1314.15")
expect(m, "sales_cny", ("2026-02",), "-14.76")
expect(m, "sales_usd", ("2026-01",), "184.64")  # same currency: unchanged
expect(m, "sales_usd", ("2026-02",), "-2.00")
expect(m, "eur_cny", ("2026-01",), "156.92")
expect(m, "eur_cny", ("2026-02",), "1.00")
expect(m, "total_cny", ("2026-01",), "1471.07")   # 1314.1515 + 156.923076923 = 1471.074576923
expect(m, "total_cny", ("2026-02",), "-13.76")    # -14.7571428571 + 0.999999999999 = -13.757142857101
expect(m, "big_cny", ("2026-01",), "1284.62")     # 710 + 358.55 + 144.072 + 72
expect(m, "big_cny", ("2026-02",), "0.00")
expect(m, "cny_per_order", ("2026-01",), 1314.1515 / 7)  # a ratio of the exact sum: not rounded
expect(m, "cny_per_order", ("2026-02",), -14.7571428571 / 4)

s = run("--metric", "sales_cny,eur_cny", "--by", "store", "--grain", "month")
expect(s, "sales_cny", ("2026-01", "A"), "928.22")   # 928.217
expect(s, "sales_cny", ("2026-01", "B"), "385.93")   # 385.9345
expect(s, "sales_cny", ("2026-02", "A"), "-29.36")   # -29.3571428571
expect(s, "sales_cny", ("2026-02", "B"), "14.60")
expect(s, "eur_cny", ("2026-01", "A"), "80.00")
expect(s, "eur_cny", ("2026-01", "B"), "76.92")
expect(s, "eur_cny", ("2026-02", "B"), "0.00")

a = run("--metric", "sales_cny,total_cny", "--grain", "all")
expect(a, "sales_cny", ("all",), "1299.39")  # 1314.1515 - 14.7571428571 = 1299.3943571429
expect(a, "total_cny", ("all",), "1457.32")  # 1299.3943571429 + 157.923076922999 = 1457.317434065899
d = run("--metric", "sales_cny", "--grain", "day", "--from", "2026-01-19", "--to", "2026-01-23")
expect(d, "sales_cny", ("2026-01-19",), "72.00")
expect(d, "sales_cny", ("2026-01-20",), "23.81")  # 23.8095
expect(d, "sales_cny", ("2026-01-21",), "3.58")   # 3.575: a tie, to the even 8
expect(d, "sales_cny", ("2026-01-22",), "2.14")   # 2.145: a tie, to the even 4
w = run("--metric", "sales_cny", "--grain", "all", "--from", "2026-01-05", "--to", "2026-01-21")
expect(w, "sales_cny", ("all",), "239.88")  # 144.072 + 72 + 23.8095 = 239.8815 -> 239.88

# A date with an amount and no rate in either direction: a data error naming both.
p = subprocess.run([kpic, "run", pkg, "--metric", "early_cny", "--engine", engine], capture_output=True, text=True)
want = "no rate from USD to CNY (nor from CNY to USD) on or before 2025-12-15"
if p.returncode != 3 or want not in p.stderr or "rates" not in p.stderr:
    errors.append(f"missing rate: exit {p.returncode}, stderr {p.stderr!r}; want exit 3 and {want!r}")

# Bad rates of the pair are data errors naming the row (other pairs are not read;
# the same quote twice is not a conflict).
bad = {
    "zero": ("2026-01-01,USD,CNY,7.1000\n2026-01-05,USD,CNY,0.0000\n",
             "data row 2: column `rate`: the USD->CNY rate on 2026-01-05 is 0.0000; a rate must be positive"),
    "null": ("2026-01-01,USD,CNY,7.1000\n2026-01-05,EUR,CNY,\n2026-01-06,USD,CNY,\n",
             "data row 3: column `rate`: the USD->CNY rate on 2026-01-06 is null; a rate must be positive"),
    "negative": ("2026-01-01,CNY,USD,-0.1400\n", "the CNY->USD rate on 2026-01-01 is -0.1400; a rate must be positive"),
    "twice": ("2026-01-01,USD,CNY,7.1000\n2026-01-01,USD,CNY,7.1000\n2026-01-05,CNY,USD,0.1400\n"
              "2026-01-05,CNY,USD,0.1500\n",
              "data row 4: column `rate`: two CNY->USD rates on 2026-01-05: 0.1400 (data row 3) and 0.1500"),
}
with tempfile.TemporaryDirectory() as tmp:
    for name, (rows, want) in bad.items():
        path = os.path.join(tmp, name + ".csv")
        with open(path, "w") as f:
            f.write("day,from,to,rate\n" + rows)
        p = subprocess.run([kpic, "run", pkg, "--metric", "sales_cny", "--engine", engine, "--bind", f"rates=csv:{path}"],
                           capture_output=True, text=True)
        if p.returncode != 3 or want not in p.stderr or path not in p.stderr:
            errors.append(f"bad rates {name}: exit {p.returncode}, stderr {p.stderr!r}; want exit 3 and {want!r}")

for e in errors:
    print("FAIL:", e)
print(f"convert ({engine}): {'FAILED' if errors else 'ok'}")
sys.exit(1 if errors else 0)
