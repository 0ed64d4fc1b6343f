#!/usr/bin/env python3
"""Timestamps written in a definition or passed to a role, on every engine
(engine probe, 2026-12-06), and comparisons `check` now refuses.

- A role `since(t0: timestamp)` filtering `o.at >= t0` saw every row on
  the interpreter and the JIT (the parameter was read as text), and its
  SQL cast the text to a number.
- A literal without an offset is local time in the calendar's zone
  (docs/language.md); it was read as UTC, so 08:00 in Shanghai was 16:00.
- `o.at >= 2025-01-01` compared an instant with a day number on the
  embedded engines (always true); `x == null` counted rows on the JIT;
  `x not in ("a", null)` was true on the embedded engines and never in
  SQL. All three are E0307 now, with the way to write them.

Expected values by hand from the four rows below (Asia/Shanghai, UTC+8):
rows at or after 2025-01-01 08:00 local are 4.00 and 8.00.
usage: time_literals.py KPIC"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

KPIC = sys.argv[1]
failures, passed = [], 0


def expect(name, got, want):
    global passed
    if got == want:
        passed += 1
    else:
        failures.append(f"{name}: got {got!r}, expected {want!r}")


tmp = tempfile.mkdtemp()
rows = [("2024-06-01T10:00:00", "1.00", "a"), ("2025-01-01T07:59:59", "2.00", ""),
        ("2025-01-01T08:00:00", "4.00", "NA"), ("2025-02-01T00:00:00", "8.00", "b")]
with open(os.path.join(tmp, "o.csv"), "w") as f:
    f.write("at,amount,st\n" + "".join(",".join(r) + "\n" for r in rows))
db = os.path.join(tmp, "o.db")
con = sqlite3.connect(db)
con.execute("CREATE TABLE o (at TEXT, amount TEXT, st TEXT)")
con.executemany("INSERT INTO o VALUES (?, ?, ?)", [(a, m, None if s == "NA" else s) for a, m, s in rows])
con.commit()
PKG = """calendar { time_zone "Asia/Shanghai" }
source o from csv("o.csv", null: "NA") {
  at:     timestamp time
  amount: decimal(2)
  st:     string
}
metric s = sum(o.amount)
metric n = count(o)
metric late_local = sum(o.amount where o.at >= 2025-01-01T08:00:00)
metric late_offset = sum(o.amount where o.at >= 2025-01-01T08:00:00+08:00)
metric late_utc = sum(o.amount where o.at >= 2025-01-01T00:00:00Z)
metric before_eight = sum(o.amount where o.at < 2025-01-01T08:00:00)
role since(t0: timestamp) {
  o where o.at >= t0
}
"""
with open(os.path.join(tmp, "p.kpi"), "w") as f:
    f.write(PKG)


def run(*args):
    p = subprocess.run([KPIC, "run", tmp, "--format", "json", "--no-cache", "--grain", "all", *args], capture_output=True,
                       text=True)
    if p.returncode != 0:
        return f"exit {p.returncode}: {p.stderr.strip()[-300:]}"
    d = json.loads(p.stdout)
    return {r["metric"]: r["rows"][0]["value"] for r in d["results"]}


def sql(*args):
    p = subprocess.run([KPIC, "sql", tmp, "--dialect", "sqlite", "--grain", "all", *args], capture_output=True, text=True)
    if p.returncode != 0:
        return f"exit {p.returncode}: {p.stderr.strip()[-300:]}"
    c = sqlite3.connect(db).execute(p.stdout)
    names = [x[0] for x in c.description]
    row = c.fetchall()[0]
    return {k: (f"{v:.2f}" if isinstance(v, float) else str(v)) for k, v in zip(names, row) if k not in ("period", "partial")}


want_literals = {"late_local": "12.00", "late_offset": "12.00", "late_utc": "12.00", "before_eight": "3.00"}
for engine in ("interp", "jit"):
    expect(f"{engine}: literals in the calendar's zone",
           run("--metric", "late_local,late_offset,late_utc,before_eight", "--engine", engine), want_literals)
    for t0 in ("2025-01-01T08:00:00", "2025-01-01T00:00:00Z", "2025-01-01 08:00:00+08:00"):
        got = run("--metric", "s,n", "--engine", engine, "--role", "since", "--param", f"t0={t0}")
        expect(f"{engine}: role since {t0}", got, {"s": "12.00", "n": 2})
    expect(f"{engine}: role since a later day", run("--metric", "s,n", "--engine", engine, "--role", "since", "--param",
                                                    "t0=2030-01-01T00:00:00"), {"s": "0.00", "n": 0})
got = run("--metric", "s", "--role", "since", "--param", "t0=yesterday")
expect("a parameter that is not a timestamp", isinstance(got, str) and got.startswith("exit 2") and "E0603" in got
       and "not a timestamp" in got, True)
lit_sql = sql("--metric", "late_local,late_offset,late_utc,before_eight")
expect("literals in SQL (SQLite)", lit_sql if isinstance(lit_sql, str) else {k: f"{float(v):.2f}" for k, v in lit_sql.items()},
       want_literals)
role_sql = sql("--metric", "s,n", "--role", "since", "--param", "t0=2025-01-01T08:00:00")
expect("role in SQL (SQLite)", role_sql if isinstance(role_sql, str) else (f"{float(role_sql['s']):.2f}", int(role_sql["n"])),
       ("12.00", 2))

# What check refuses now, each with its way to write it.
bad = {
    "metric d = sum(o.amount where o.at >= 2025-01-01)": ("cannot compare a timestamp with a date", "date(o.at)"),
    "metric e = count(o where o.st == null)": ("a comparison with `null` is never true", "o.st is null"),
    "metric f = count(o where o.st != null)": ("a comparison with `null` is never true", "o.st is not null"),
    'metric g = count(o where o.st not in ("a", null))': ("`null` in an `in` list", "o.st is null or o.st in"),
}
for line, (message, hint) in bad.items():
    with open(os.path.join(tmp, "p.kpi"), "w") as f:
        f.write(PKG + line + "\n")
    p = subprocess.run([KPIC, "check", tmp], capture_output=True, text=True)
    expect(f"check refuses: {line}", (p.returncode, "error[E0307]" in p.stderr, message in p.stderr, hint in p.stderr),
           (1, True, True, True))

print(f"time literals: {passed} passed, {len(failures)} failed")
for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
