#!/usr/bin/env python3
"""Retail (NRF 4-5-4) and working-day calendars against SQL on PostgreSQL.

The expected values are computed by PostgreSQL from the package's CSV files
and a calendar written here from the NRF's published fiscal years (not from
kpic): NRF fiscal 2021 starts 31 January 2021, 2022 on 30 January 2022, 2023
(53 weeks) on 29 January 2023, 2024 on 4 February 2024, 2025 on 2 February
2025. kpic names each by the year it ends in: NRF 2023 is FY2024. Months
have 4, 5 and 4 weeks in each 13-week quarter; the 53rd week is the last
month's. Working days: Monday to Friday unless data/holidays.csv lists the
day (working true or false).

Each engine (interp, jit, and postgres: `--engine postgres` over the same
tables) must give every period's value exactly (decimals), within 1e-9 for
doubles, and the same nulls.

usage: calendar_test.py KPIC ROOT [ENGINE...]   (default: all three; needs the server of `scripts/pg start`)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal

kpic, root = sys.argv[1], sys.argv[2]
engines = sys.argv[3:] or ["interp", "jit", "postgres"]
pkg = os.path.join(root, "tests/calendar")
uri = os.environ.get("KPIC_PG_URI", "postgresql://postgres@127.0.0.1:55432/postgres")
schema = f"kpic_calendar_{os.getpid()}"  # unique: two suites may share the server
errors = []


def psql(sql):
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", "\t", uri],
                       input=sql, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"psql failed:\n{p.stderr}")
    return [line.split("\t") for line in p.stdout.splitlines() if line]


psql(f"""
DROP SCHEMA IF EXISTS {schema} CASCADE;
CREATE SCHEMA {schema};
SET search_path = {schema};
CREATE TABLE sales (day date, store text, amount numeric(12,2));
CREATE TABLE holidays (day date, working boolean);
\\copy sales FROM '{pkg}/data/sales.csv' WITH (FORMAT csv, HEADER true)
\\copy holidays FROM '{pkg}/data/holidays.csv' WITH (FORMAT csv, HEADER true)
-- The NRF's fiscal years (published), named by kpic's label.
CREATE TABLE fy (fy int, label text, start date, stop date);
INSERT INTO fy VALUES
  (2020, 'FY2021', '2020-02-02', '2021-01-31'), (2021, 'FY2022', '2021-01-31', '2022-01-30'),
  (2022, 'FY2023', '2022-01-30', '2023-01-29'), (2023, 'FY2024', '2023-01-29', '2024-02-04'),
  (2024, 'FY2025', '2024-02-04', '2025-02-02');
-- 4-5-4: the first week of each month; the 53rd week is in month 12.
CREATE TABLE pat (m int, w int);
INSERT INTO pat VALUES (1,0),(2,4),(3,9),(4,13),(5,17),(6,22),(7,26),(8,30),(9,35),(10,39),(11,43),(12,48);
CREATE VIEW months AS
  SELECT fy.fy, pat.m, fy.label || '-P' || lpad(pat.m::text, 2, '0') AS label, fy.start + 7 * pat.w AS lo,
         COALESCE(fy.start + 7 * (SELECT p2.w FROM pat p2 WHERE p2.m = pat.m + 1), fy.stop) AS hi
  FROM fy, pat;
CREATE VIEW quarters AS
  SELECT fy.fy, q, fy.label || '-Q' || q AS label, fy.start + 91 * (q - 1) AS lo,
         CASE WHEN q = 4 THEN fy.stop ELSE fy.start + 91 * q END AS hi
  FROM fy, generate_series(1, 4) AS q;
CREATE VIEW years AS SELECT fy, 1 AS k, label, start AS lo, stop AS hi FROM fy;
CREATE VIEW weeks AS
  SELECT fy.fy, n, fy.label || '-W' || lpad(n::text, 2, '0') AS label, fy.start + 7 * (n - 1) AS lo,
         fy.start + 7 * n AS hi
  FROM fy, generate_series(1, 53) AS n WHERE fy.start + 7 * (n - 1) < fy.stop;
CREATE VIEW days AS SELECT d::date AS day FROM generate_series(DATE '2020-01-01', DATE '2025-12-31', INTERVAL '1 day') AS d;
CREATE VIEW working AS
  SELECT days.day, COALESCE(h.working, extract(isodow FROM days.day) <= 5) AS worked
  FROM days LEFT JOIN holidays h ON h.day = days.day;
""")


def revenue(lo, hi):
    return f"(SELECT sum(amount) FROM {schema}.sales s WHERE s.day >= {lo} AND s.day < {hi})"


def workdays(lo, hi):
    return f"(SELECT count(*) FROM {schema}.working w WHERE w.worked AND w.day >= {lo} AND w.day < {hi})"


def expected(sql):
    """{label: {column: text or None}} from a query whose first column is the label."""
    out = {}
    cols = None
    for r in psql(f"SET search_path = {schema};\n" + sql):
        out[r[0]] = [None if v == "" else v for v in r[1:]]
    return out


def run(engine, *args):
    binds = []
    if engine == "postgres":
        binds = ["--bind", f"sales={uri}#{schema}.sales", "--bind", f"holidays={uri}#{schema}.holidays"]
    p = subprocess.run([kpic, "run", pkg, *args, "--engine", engine, "--format", "json", *binds],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"kpic run {' '.join(args)} --engine {engine} exited {p.returncode}:\n{p.stderr}")
    out = {}
    for res in json.loads(p.stdout)["results"]:
        for row in res["rows"]:
            out.setdefault(row["period"], {})[res["metric"]] = row["value"]
    return out


cases = []  # (what, kpic run arguments, expected rows, metrics)


def same(got, want):
    if want is None or got is None:
        return got is None and want is None
    if isinstance(got, float) or "." in want and len(want.split(".")[1]) > 2:
        return abs(float(got) - float(want)) <= 1e-9 * max(1.0, abs(float(want)))
    return Decimal(str(got)) == Decimal(want)


def check(what, got, want, metrics):
    what = f"{engine}: {what}"
    if set(got) != set(want):
        errors.append(f"{what}: periods differ: kpic only {sorted(set(got) - set(want))[:5]}, "
                      f"SQL only {sorted(set(want) - set(got))[:5]}")
    for label in sorted(set(got) & set(want)):
        for k, m in enumerate(metrics):
            g, w = got[label].get(m, "<missing>"), want[label][k]
            if not same(g, w):
                errors.append(f"{what} {label} {m}: kpic {g!r}, SQL {w!r}")


def periods(view, where="TRUE"):
    """Rows of a calendar view with data: the whole fiscal years 2021..2024 (FY2022..FY2025)."""
    return f"FROM {view} p WHERE p.fy BETWEEN 2021 AND 2024 AND {where}"


empty = "COALESCE({}, 0)"
# Months, quarters, years: the value, last year's (the same fiscal period a
# year earlier: no data before FY2022 gives 0), the period before, the same
# weekdays 52 weeks earlier (the period's days moved back 364 days).
for grain, view in (("month", "months"), ("quarter", "quarters"), ("year", "years")):
    key = {"months": "m", "quarters": "q", "years": "k"}[view]
    want = expected(f"""
      SELECT p.label, {empty.format(revenue('p.lo', 'p.hi'))},
        (SELECT {empty.format(revenue('o.lo', 'o.hi'))} FROM {view} o WHERE o.fy = p.fy - 1 AND o.{key} = p.{key}),
        {empty.format(revenue("p.lo - 364", "p.hi - 364"))},
        {workdays('p.lo', 'p.hi')},
        {revenue('p.lo', 'p.hi')}::double precision / NULLIF({workdays('p.lo', 'p.hi')}, 0),
        (SELECT {workdays('o.lo', 'o.hi')} FROM {view} o WHERE o.fy = p.fy - 1 AND o.{key} = p.{key})
      {periods(view)} ORDER BY p.lo""")
    cases.append((grain, ["--metric", "revenue,revenue_ly,revenue_wly,workdays,per_workday,workdays_ly", "--grain", grain],
                  want, ["revenue", "revenue_ly", "revenue_wly", "workdays", "per_workday", "workdays_ly"]))

# Months: previous is the month before (across years), year to date.
# `.avg(week)`: the average of the month's weekly totals (weeks nest in months).
want = expected(f"""
  SELECT p.label,
    (SELECT {empty.format(revenue('o.lo', 'o.hi'))} FROM months o WHERE o.hi = p.lo),
    {empty.format(revenue("(SELECT start FROM fy WHERE fy.fy = p.fy)", 'p.hi'))},
    (SELECT avg({empty.format(revenue('w.lo', 'w.hi'))}) FROM weeks w WHERE w.lo >= p.lo AND w.lo < p.hi)
  {periods('months')} ORDER BY p.lo""")
cases.append(("month previous/ytd/weekly average", ["--metric", "revenue_prev,revenue_ytd,revenue_weekly_avg",
                                                     "--grain", "month"], want,
              ["revenue_prev", "revenue_ytd", "revenue_weekly_avg"]))

# Weeks: last year is the same fiscal week number; the 53rd week (FY2024-W53)
# compares with nothing (null); a week of FY2025 compares with FY2024's week
# of the same number, 53 weeks earlier. last_year_weekday: 52 weeks earlier.
want = expected(f"""
  SELECT p.label, {empty.format(revenue('p.lo', 'p.hi'))},
    CASE WHEN p.n = 53 THEN NULL ELSE
      (SELECT {empty.format(revenue('o.lo', 'o.hi'))} FROM weeks o WHERE o.fy = p.fy - 1 AND o.n = p.n) END,
    {empty.format(revenue("p.lo - 364", "p.hi - 364"))}, {workdays('p.lo', 'p.hi')}
  {periods('weeks')} ORDER BY p.lo""")
if want["FY2024-W53"][1] is not None:
    errors.append(f"SQL: FY2024-W53 revenue_ly is {want['FY2024-W53'][1]!r}, not null")
cases.append(("week", ["--metric", "revenue,revenue_ly,revenue_wly,workdays", "--grain", "week"], want,
              ["revenue", "revenue_ly", "revenue_wly", "workdays"]))

# Windows and last year at week grain. `revenue.rolling(4 weeks).last_year`
# is the four weeks to the same fiscal week a year earlier (null for the 53rd).
# `revenue.last_year.rolling(4 weeks)` adds up each week's last year: each end
# of the window moves to the same fiscal week a year earlier, a first week that
# is a 53rd to the start of its own year, a last week that is a 53rd to the end
# of the year before (so the 53rd week adds nothing).
def moved(d, first):
    return f"""(SELECT CASE WHEN {d} - f.start >= 364 THEN {'f.start' if first else 'f.start - 7'}
                            ELSE g.start + ({d} - f.start) END
               FROM fy f JOIN fy g ON g.fy = f.fy - 1 WHERE {d} >= f.start AND {d} < f.stop)"""


want = expected(f"""
  SELECT p.label,
    CASE WHEN p.n = 53 THEN NULL ELSE {empty.format(revenue(moved('p.lo', True) + ' - 21', moved('p.lo', True) + ' + 7'))} END,
    {empty.format(revenue(moved('p.lo - 21', True), moved('p.lo', False) + ' + 7'))}
  {periods('weeks', "p.fy >= 2022")} ORDER BY p.lo""")
cases.append(("week windows and last year", ["--metric", "revenue_r4_ly,revenue_ly_r4", "--grain", "week", "--from",
                                             "2022-01-30"], want, ["revenue_r4_ly", "revenue_ly_r4"]))

# Days around the 53rd week: last year is the same day of the same fiscal
# week (null in the 53rd), last_year_weekday the day 364 days before.
want = expected(f"""
  SELECT to_char(d.day, 'YYYY-MM-DD'), {empty.format(revenue('d.day', 'd.day + 1'))},
    CASE WHEN d.day - f.start >= 364 THEN NULL
         ELSE {empty.format(revenue('g.start + (d.day - f.start)', 'g.start + (d.day - f.start) + 1'))} END,
    {empty.format(revenue('d.day - 364', 'd.day - 363'))}, CASE WHEN w.worked THEN 1 ELSE 0 END
  FROM days d JOIN fy f ON d.day >= f.start AND d.day < f.stop JOIN fy g ON g.fy = f.fy - 1
  JOIN working w ON w.day = d.day
  WHERE d.day >= DATE '2024-01-25' AND d.day < DATE '2024-02-20' ORDER BY d.day""")
cases.append(("day", ["--metric", "revenue,revenue_ly,revenue_wly,workdays", "--grain", "day", "--from", "2024-01-25",
                       "--to", "2024-02-20"], want, ["revenue", "revenue_ly", "revenue_wly", "workdays"]))

# A window that cuts months: working days count the days inside it only.
want = expected(f"""
  SELECT p.label, {revenue("GREATEST(p.lo, DATE '2024-02-07')", "LEAST(p.hi, DATE '2024-04-10')")},
    {workdays("GREATEST(p.lo, DATE '2024-02-07')", "LEAST(p.hi, DATE '2024-04-10')")}
  FROM months p WHERE p.hi > DATE '2024-02-07' AND p.lo < DATE '2024-04-10' ORDER BY p.lo""")
cases.append(("cut months", ["--metric", "revenue,workdays", "--grain", "month", "--from", "2024-02-07", "--to",
                              "2024-04-10"], want, ["revenue", "workdays"]))

# The whole window at --grain all: its working days.
want = expected(f"""SELECT 'all', {revenue("DATE '2024-02-07'", "DATE '2024-04-10'")},
  {workdays("DATE '2024-02-07'", "DATE '2024-04-10'")}""")
cases.append(("all", ["--metric", "revenue,workdays", "--grain", "all", "--from", "2024-02-07", "--to", "2024-04-10"],
              want, ["revenue", "workdays"]))

# The goal `grow` over `period 2025`: the retail year FY2025 (4 February 2024 to
# 1 February 2025) by month, each month against 1.05 times the same month of FY2024.
goal_want = expected(f"""
  SELECT p.label, {empty.format(revenue('p.lo', 'p.hi'))},
    1.05 * (SELECT {empty.format(revenue('o.lo', 'o.hi'))} FROM months o WHERE o.fy = p.fy - 1 AND o.m = p.m)
  FROM months p WHERE p.fy = 2024 ORDER BY p.lo""")


def goal(engine):
    binds = []
    if engine == "postgres":
        binds = ["--bind", f"sales={uri}#{schema}.sales", "--bind", f"holidays={uri}#{schema}.holidays"]
    p = subprocess.run([kpic, "run", pkg, "--goal", "grow", "--engine", engine, "--format", "json", *binds],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"kpic run --goal grow --engine {engine} exited {p.returncode}:\n{p.stderr}")
    return {r["period"]: {"value": r["value"], "target": r["target"]} for r in json.loads(p.stdout)["goals"][0]["periods"]}


for engine in engines:
    for what, args, want, metrics in cases:
        check(what, run(engine, *args), want, metrics)
    check("goal over period 2025", goal(engine), goal_want, ["value", "target"])
# A day listed both as worked and as a holiday stops every engine (exit 3)
# and the SQL of `kpic sql` on PostgreSQL.
bad = tempfile.mkdtemp()
shutil.copytree(pkg, os.path.join(bad, "pkg"))
with open(os.path.join(bad, "pkg/data/holidays.csv"), "a") as f:
    f.write("2024-02-04,false\n")  # also listed true (a make-up working day)
psql(f"""SET search_path = {schema};
  CREATE TABLE holidays_bad AS SELECT * FROM holidays;
  INSERT INTO holidays_bad VALUES ('2024-02-04', false);""")
for engine in engines:
    binds = ["--bind", f"sales={uri}#{schema}.sales", "--bind", f"holidays={uri}#{schema}.holidays_bad"] \
        if engine == "postgres" else []
    p = subprocess.run([kpic, "run", os.path.join(bad, "pkg"), "--metric", "workdays", "--grain", "month",
                        "--engine", engine, *binds], capture_output=True, text=True)
    if p.returncode != 3 or "2024-02-04 is listed as" not in p.stderr:
        errors.append(f"{engine}: a day listed twice: want exit 3 naming 2024-02-04, got {p.returncode}: {p.stderr}")
sql = subprocess.run([kpic, "sql", pkg, "--metric", "revenue,workdays", "--grain", "month", "--dialect", "postgres"],
                     capture_output=True, text=True).stdout
p = subprocess.run(["psql", "-X", "-q", uri], input=f"SET search_path = {schema};\n"
                   "ALTER TABLE holidays RENAME TO holidays_good; ALTER TABLE holidays_bad RENAME TO holidays;\n" + sql,
                   capture_output=True, text=True)
if "lists a day both as worked and as a holiday: 2024-02-04" not in p.stderr:
    errors.append(f"kpic sql: a day listed twice must stop the query, got: {p.stdout[:200]} {p.stderr[:300]}")
shutil.rmtree(bad)

psql(f"DROP SCHEMA {schema} CASCADE;")
if errors:
    print("\n".join(errors[:40]))
    print(f"{len(errors)} mismatch(es)")
    sys.exit(1)
print(f"calendar ({', '.join(engines)}): {len(cases)} queries; retail periods, last year, same weekdays and working "
      "days agree with PostgreSQL")
