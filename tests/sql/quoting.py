#!/usr/bin/env python3
"""Identifiers and literals in the emitted SQL are escaped by each
dialect's own rules (probe, 2026-12-05): BigQuery's and ClickHouse's
quoted identifiers take backslash escapes, so a header ending in `\\`
escaped the closing quote and broke the SQL (a crafted header could end
the identifier early); BigQuery refuses a raw line break inside '...'
(a --param with a newline). Expected text by hand, from each engine's
lexical rules; SQLite's quoting is executed (a backslash is an ordinary
character there).

usage: quoting.py KPIC
"""
import os
import sqlite3
import subprocess
import sys
import tempfile

kpic = sys.argv[1]
d = tempfile.mkdtemp()
with open(os.path.join(d, "q.kpi"), "w") as f:
    f.write('package q\ndimension store: string\nsource s from csv("s.csv") {\n  day: date time\n'
            '  store: string "st\'o\\"re\\\\" -> store\n  amt: decimal(2) "a`m"\n}\n'
            'metric m = sum(s.amt)\nrole r(st: string) { s where s.store == st }\n')


def sql(dialect):
    return subprocess.run([kpic, "sql", d, "--metric", "m", "--grain", "all", "--dialect", dialect, "--role", "r",
                           "--param", "st=a\nb\\"], capture_output=True, text=True, check=True).stdout


failed = []
# (dialect, the store column and the role's literal, by hand)
CASES = [
    ("bigquery", "t0.`st'o\"re\\\\`", "'a\\nb\\\\'"),
    ("clickhouse", 't0."st\'o\\"re\\\\"', "'a\\nb\\\\'"),
    ("spark", "t0.`st'o\"re\\`", "'a\\nb\\\\'"),  # Spark identifiers take a backslash as it is
    ("postgres", 't0."st\'o""re\\"', "'a\nb\\'"),
]
for dialect, ident, lit in CASES:
    text = sql(dialect)
    if ident not in text:
        failed.append(f"{dialect}: no {ident} in the SQL")
    if lit not in text:
        failed.append(f"{dialect}: no {lit!r} in the SQL")
for dialect, ident in [("bigquery", "t0.`a\\`m`"), ("clickhouse", 't0."a`m"'), ("spark", "t0.`a``m`")]:
    if ident not in sql(dialect):
        failed.append(f"{dialect}: no {ident} in the SQL")

# SQLite runs it: the store named `a<newline>b\` is the role's.
db = sqlite3.connect(":memory:")
db.execute('CREATE TABLE s (day, "st\'o""re\\", "a`m")')
db.executemany("INSERT INTO s VALUES (?, ?, ?)", [("2026-01-01", "a\nb\\", 5), ("2026-01-01", "other", 7)])
cur = db.execute(sql("sqlite"))
names = [c[0] for c in cur.description]
got = str(cur.fetchall()[0][names.index("m")])
if got != "5.00":
    failed.append(f"sqlite: got {got}, by hand 5.00")
if failed:
    print("\n".join(failed))
    sys.exit(1)
print("quoting: 12 checks passed")
