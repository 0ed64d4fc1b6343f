#!/usr/bin/env python3
"""What SQLite and PostgreSQL really store, read alike by `kpic run` (the
SQLite or PostgreSQL binding, `--engine postgres`) and by `kpic sql`
executed in that database (probe, 2026-12-05). Expected values by hand.

SQLite:
- a `date` column holding unpadded text dates (`2025-1-5`): kpic run read
  them as dates (as its CSV reader does), the SQL compared the text, so
  `2025-1-5` sorted after `2025-12-31` and fell out of every month. Both
  now read `YYYY-M-D`; text that is not such a date (30 February, a time,
  a word), an INTEGER or a REAL (a Julian day to SQLite) is an error in
  both, where the SQL counted the row;
- `timestamp` text that kpic run refuses (a date alone, `1:00`, `24:00`,
  an INTEGER) was read or dropped by `datetime()`; an offset `-0500` or
  `-05` made it null (the row dropped); an offset was moved to UTC whatever
  the calendar's zone. Now as kpic run, or an error when the zone is not a
  fixed offset (SQLite has no time zone database);
- the empty text (`sqlite3 .import`) in a date, float, decimal or bool
  column: null for the SQL, an error for kpic run; now null in both. An
  `int` column declared TEXT (`.import` again) was refused by kpic run and
  read by the SQL; now read by both;
- `int` text `3.0` and a REAL 3.0 (SQL: 3; run: error), `float` text `+5`,
  ` 5` (SQL: 5; run: error), a REAL infinity and `1e400` (SQL: inf; run:
  error): errors in both.

PostgreSQL: NaN and Infinity in a `double precision` or `numeric` column
declared `float`: kpic run refuses the row; `kpic sql` summed them to NaN
or Infinity. Now an error naming the column and value (`--engine postgres`
too, which named only the sum).

usage: storage_parity.py KPIC [PG_URI]   (default $KPIC_PG_URI or the server of
`scripts/pg start`; `-`: SQLite only)
"""
import os
import sqlite3
import subprocess
import sys
import tempfile

kpic = sys.argv[1]
pg = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("KPIC_PG_URI", "postgresql://postgres@127.0.0.1:55432/postgres")
pg = None if pg == "-" else pg
root = tempfile.mkdtemp()
failed = []
checks = 0


def expect(what, got, want):
    global checks
    checks += 1
    if got != want:
        failed.append(f"{what}: got {got!r}, by hand {want!r}")


def package(cols, metrics, header=""):
    d = tempfile.mkdtemp(dir=root)
    with open(os.path.join(d, "p.kpi"), "w") as f:
        f.write(header + 'source t from sqlite("t.db", table: "t") {\n' + cols + "\n}\n" + metrics + "\n")
    return d


def sqlite_both(d, create, rows, metrics, grain):
    """(kpic run's rows or its error, the SQL's rows or its error)."""
    db = os.path.join(d, "t.db")
    if os.path.exists(db):
        os.remove(db)
    c = sqlite3.connect(db)
    c.execute(create)
    c.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(rows[0]))})", rows)
    c.commit()
    c.close()
    r = subprocess.run([kpic, "run", d, "--metric", metrics, "--grain", grain, "--format", "csv", "--no-cache"],
                       capture_output=True, text=True)
    run = ([line.split(",")[:-1] for line in r.stdout.splitlines()[1:]] if r.returncode == 0
           else f"exit {r.returncode}: {r.stderr}")
    s = subprocess.run([kpic, "sql", d, "--metric", metrics, "--grain", grain, "--dialect", "sqlite"],
                       capture_output=True, text=True, check=True).stdout
    try:
        out = [[("" if v is None else str(v)) for v in row[:-1]] for row in sqlite3.connect(db).execute(s).fetchall()]
        if grain == "all":
            out = [["all"] + row for row in out]
        else:  # the period's first day, as kpic run's month
            out = [[row[0][:7]] + row[1:] for row in out]
    except sqlite3.Error as e:
        out = f"error: {e}"
    return run, out


def both_equal(what, got, want):
    expect(what + " (kpic run)", got[0], want)
    expect(what + " (kpic sql on SQLite)", got[1], want)


def both_refuse(what, got, value, reason):
    """Both stop with an error naming the value (kpic run: exit 3, and its row)."""
    run, sql = got
    expect(what + " (kpic run refuses)",
           isinstance(run, str) and run.startswith("exit 3") and f":1: " in run and f"`{value}` {reason}" in run, True)
    # (SQLite writes a REAL infinity as `Inf`)
    expect(what + " (kpic sql refuses)", isinstance(sql, str) and f"value {value} {reason}".lower() in sql.lower(), True)


months = [["2025-%02d" % m, "0.00"] for m in range(1, 13)]
# 1. Unpadded dates: January 1.00 + 2.00, February 4.00, December 8.00.
d = package("  day: date time\n  amt: decimal(2)", "metric total = sum(t.amt)")
want = [row[:] for row in months]
want[0][1], want[1][1], want[11][1] = "3.00", "4.00", "8.00"
got = sqlite_both(d, "CREATE TABLE t (day TEXT, amt TEXT)",
                  [("2025-1-5", "1.00"), ("2025-01-06", "2.00"), ("2025-2-15", "4.00"), ("2025-12-1", "8.00")],
                  "total", "month")
both_equal("unpadded text dates by month", got, want)

# 2. Values that are not dates: an error naming the value, whatever the grain.
for value, create in [("2025-02-30", "TEXT"), ("2025-02-03 10:00:00", "TEXT"), ("soon", "TEXT"),
                      (20250105, "INTEGER"), (2460676.5, "REAL"), ("2025-001-05", "TEXT")]:
    got = sqlite_both(d, f"CREATE TABLE t (day {create}, amt TEXT)", [(value, "1.00"), ("2025-01-01", "1.00")],
                      "total", "all")
    both_refuse(f"date {value!r}", got, value, "is not a date")

# 3. The empty text is null in every column but a string: count(x) = 1.
d = package("  day: date time\n  f: float\n  x: decimal(2)\n  b: bool\n  q: int\n  s: string",
            "metric n = count(t)\nmetric nf = count(t.f)\nmetric nx = count(t.x)\nmetric nb = count(t.b)\n"
            "metric nq = count(t.q)\nmetric top = max(t.q)\nmetric ns = count(t where t.s == \"\")")
got = sqlite_both(d, "CREATE TABLE t (day TEXT, f TEXT, x TEXT, b TEXT, q TEXT, s TEXT)",
                  [("", "", "", "", "", ""), ("2025-01-01", "1.5", "2.25", "t", "10", "a"),
                   ("2025-01-02", "2", "1", "no", "9", "")],
                  "n,nf,nx,nb,nq,top,ns", "all")
# Three rows (one without a day); an int column declared TEXT: max of 10 and 9.
both_equal("empty text is null", got, [["all", "3", "2", "2", "2", "2", "10", "2"]])

# 4. Numbers kpic run refuses are refused by the SQL too.
d = package("  day: date time\n  q: int\n  f: float", "metric sq = sum(t.q)\nmetric sf = sum(t.f)")
for q, f, value, reason in [("3.0", 1.0, "3.0", "is not a whole number"), (3.0, 1.0, "3.0", "is not a whole number"),
                            (1, "+5", "+5", "is not a number"), (1, " 5", " 5", "is not a number"),
                            (1, float("inf"), "inf", "is not a finite number"), (1, "1e400", "1e400", "is not a"),
                            (1, "-inf", "-inf", "is not a")]:
    got = sqlite_both(d, "CREATE TABLE t (day TEXT, q, f)", [("2025-01-01", q, f)], "sq,sf", "all")
    both_refuse(f"int {q!r}, float {f!r}", got, value, reason)
got = sqlite_both(d, "CREATE TABLE t (day TEXT, q, f)", [("2025-01-01", "+5", "1e+2"), ("2025-01-01", 2, ".5")],
                  "sq,sf", "all")
both_equal("int +5, float 1e+2 and .5", got, [["all", "7", "100.5"]])

# 5. Timestamps. UTC calendar: 01:00+08:00 on 1 February is 17:00 on 31
# January; 20:00-05:00 on 31 January (written -0500 and -05) is 01:00 on
# 1 February.
d = package("  ts: timestamp time\n  q: int", "metric n = count(t)")
got = sqlite_both(d, "CREATE TABLE t (ts TEXT, q INTEGER)",
                  [("2025-02-01T01:00:00+08:00", 1), ("2025-01-31T20:00:00-0500", 1), ("2025-01-31 20:00-05", 1),
                   ("2025-01-31T23:59:59.5", 1), ("2025-02-01 00:00Z", 1)], "n", "month")
both_equal("offsets in a UTC calendar", got, [["2025-01", "2"], ["2025-02", "3"]])
# A fixed +08:00 calendar: 20:00Z is 04:00 on 1 February; 12:00-05:00 is
# 17:00Z, 01:00 on 1 February; 20:00 without an offset stays in January.
d = package("  ts: timestamp time\n  q: int", "metric n = count(t)", 'calendar {\n  time_zone "+08:00"\n}\n')
got = sqlite_both(d, "CREATE TABLE t (ts TEXT, q INTEGER)",
                  [("2025-01-31T20:00:00Z", 1), ("2025-01-31T20:00:00", 1), ("2025-01-31T12:00:00-05:00", 1)],
                  "n", "month")
both_equal("offsets in a +08:00 calendar", got, [["2025-01", "1"], ["2025-02", "2"]])
d = package("  ts: timestamp time\n  q: int", "metric n = count(t)")
for value, create in [("2025-02-01", "TEXT"), ("2025-02-01 1:00", "TEXT"), ("2025-01-01 24:00", "TEXT"),
                      ("2025-02-30 10:00", "TEXT"), ("2025-01-01 10:00+0860", "TEXT"), (1735689600, "INTEGER")]:
    got = sqlite_both(d, f"CREATE TABLE t (ts {create}, q INTEGER)", [(value, 1)], "n", "all")
    both_refuse(f"timestamp {value!r}", got, value, "is not an ISO 8601 timestamp")
# Asia/Shanghai has had other offsets: SQLite cannot move a value with an
# offset there, and says so rather than give a time in the wrong zone.
d = package("  ts: timestamp time\n  q: int", "metric n = count(t)", 'calendar {\n  time_zone "Asia/Shanghai"\n}\n')
got = sqlite_both(d, "CREATE TABLE t (ts TEXT, q INTEGER)", [("2025-02-01T01:00:00+08:00", 1)], "n", "month")
expect("offset in Asia/Shanghai (kpic run)", got[0], [["2025-02", "1"]])
expect("offset in Asia/Shanghai (kpic sql refuses)", isinstance(got[1], str) and "store local times" in got[1], True)

# PostgreSQL: NaN and infinities declared float.
if pg:
    schema = f"kpic_parity_{os.getpid()}"
    d = tempfile.mkdtemp(dir=root)
    with open(os.path.join(d, "p.kpi"), "w") as f:
        f.write('source f from csv("none.csv") {\n  day: date time\n  x: float\n}\nmetric sx = sum(f.x)\n')
    psql = ["psql", "-q", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", pg]
    subprocess.run(psql + ["-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};"
                                 f"CREATE TABLE {schema}.d (day date, x double precision);"
                                 f"INSERT INTO {schema}.d VALUES ('2025-01-01', 1), ('2025-01-02', 'NaN');"
                                 f"CREATE TABLE {schema}.i (day date, x double precision);"
                                 f"INSERT INTO {schema}.i VALUES ('2025-01-01', 1), ('2025-01-02', '-Infinity');"
                                 f"CREATE TABLE {schema}.n (day date, x numeric);"
                                 f"INSERT INTO {schema}.n VALUES ('2025-01-01', 1), ('2025-01-02', 'Infinity');"
                                 f"CREATE TABLE {schema}.ok (day date, x numeric);"
                                 f"INSERT INTO {schema}.ok VALUES ('2025-01-01', 1.25), ('2025-01-02', 2);"],
                   check=True, capture_output=True)
    try:
        for table, value in [("d", "NaN"), ("i", "-Infinity"), ("n", "Infinity"), ("ok", None)]:
            bind = ["--bind", f"f={pg}#{schema}.{table}"]
            for engine in ("jit", "postgres"):
                r = subprocess.run([kpic, "run", d, *bind, "--engine", engine, "--metric", "sx", "--grain", "all",
                                    "--format", "csv"], capture_output=True, text=True)
                if value:
                    expect(f"pg {table} --engine {engine}", (r.returncode, value in r.stderr), (3, True))
                else:
                    expect(f"pg {table} --engine {engine}", r.stdout.splitlines()[1:], ["all,3.25,"])
            s = subprocess.run([kpic, "sql", d, *bind, "--metric", "sx", "--grain", "all", "--dialect", "postgres"],
                               capture_output=True, text=True, check=True).stdout
            r = subprocess.run(psql + ["-c", s], capture_output=True, text=True)
            if value:
                expect(f"pg {table} kpic sql", (r.returncode != 0, f"value {value} is not a finite number" in r.stderr),
                       (True, True))
            else:
                expect(f"pg {table} kpic sql", r.stdout.strip(), "3.25|")
    finally:
        subprocess.run(psql + ["-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"], capture_output=True)

if failed:
    print("\n".join(failed))
    sys.exit(1)
print(f"storage_parity: {checks} checks passed")
