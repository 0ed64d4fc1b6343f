#!/usr/bin/env python3
"""`kpic sql --dialect sqlite` reads a decimal(n) column stored as text
exactly, as written, as `kpic run` does (docs/sql.md, "Exact decimals").
Until 2026-12-04 it went through a double: a decimal(8) of
987654321.12345678 summed to 987654321.12345680, and text that is not a
number (`abc`) read as 0 (probe). Expected values by hand.

usage: sqlite_text_decimals.py KPIC
"""
import os
import sqlite3
import subprocess
import sys
import tempfile

kpic = sys.argv[1]


def sum_sql(scale):
    """`kpic sql --dialect sqlite` of the sum of a decimal(scale) column."""
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "d.kpi"), "w") as f:
        f.write(f'source t from csv("t.csv") {{\n  id: string key\n  day: date time\n  q: decimal({scale})\n}}\n'
                'metric qs = sum(t.q)\n')
    with open(os.path.join(d, "t.csv"), "w") as f:
        f.write("id,day,q\n1,2025-01-05,1\n")
    return subprocess.run([kpic, "sql", d, "--metric", "qs", "--grain", "all", "--dialect", "sqlite"],
                          capture_output=True, text=True, check=True).stdout


sql = sum_sql(8)
# (stored values, the sum by hand or the error's words)
CASES = [
    (["987654321.12345678"], "987654321.12345678"),
    (["987654321.12345678", "0.00000001"], "987654321.12345679"),
    (["-0.50", ".5", "+7", "1.123456780"], "8.12345678"),
    (["92233720368.54775807"], "92233720368.54775807"),
    (["92233720368.54775808"], "is out of range for decimal(8)"),
    (["-92233720368.54775808"], "-92233720368.54775808"),  # the smallest: its ABS() overflowed in the output
    (["1.123456789"], "has more than 8 digits after the point"),
    (["abc"], "value abc is not a decimal number"),
    (["1.2.3"], "is not a decimal number"),
    ([3, 0.5], "3.50000000"),  # stored as INTEGER and REAL: through the double, exact here
]
failed = []
for values, want in CASES:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (id, day, q)")
    db.executemany("INSERT INTO t VALUES (?, '2025-01-05', ?)", [(str(i), v) for i, v in enumerate(values)])
    try:
        cur = db.execute(sql)
        names = [c[0] for c in cur.description]
        got = str(cur.fetchall()[0][names.index("qs")])
    except sqlite3.Error as e:
        got = str(e)
    if want not in got or (want.lstrip("-")[0].isdigit() and got != want):
        failed.append(f"{values}: got {got!r}, by hand {want!r}")
# A decimal(0) prints as its integer, as kpic run prints it (it was `3.0`).
q0 = sum_sql(0)
db = sqlite3.connect(":memory:")
db.execute("CREATE TABLE t (id, day, q)")
db.executemany("INSERT INTO t VALUES (?, '2025-01-05', ?)", [("1", "1"), ("2", "2")])
cur = db.execute(q0)
got = str(cur.fetchall()[0][[c[0] for c in cur.description].index("qs")])
if got != "3":
    failed.append(f"decimal(0): got {got!r}, by hand '3'")
if failed:
    sys.exit("\n".join(failed))
print(f"sqlite text decimals: {len(CASES)} cases equal the values by hand")
