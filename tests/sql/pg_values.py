#!/usr/bin/env python3
"""`kpic run --engine postgres` takes every number PostgreSQL returns that
the embedded engine computes (probe, 2026-12-04), and refuses what the
embedded engine refuses, naming the column. Values by hand:

- stddev of a decimal(18) column holding 5 and 6: sqrt(0.5) =
  0.7071067811865476 (its sum of squares, 61 at scale 36, took 37 digits
  and was refused);
- the sum of a float column holding 0.0, -0.0 and 5e-324 (a subnormal,
  refused as "not a number"): 5e-324; its minimum: 0 (not -0);
- the sum of a PostgreSQL `real` column holding 0.1 and 0.2 declared
  decimal(2): 0.30 (the SQL compared the numeric with the real widened to
  a double, 0.10000000149, and refused it; so did `kpic sql`);
- a `double precision` 1e20 declared decimal(2): out of range (exit 3) in
  both engines, as the scaled value passes 64 bits (--engine postgres
  printed it).

usage: pg_values.py KPIC PG_URI
"""
import os
import subprocess
import sys
import tempfile

kpic, pg = sys.argv[1], sys.argv[2]
d = tempfile.mkdtemp()
with open(os.path.join(d, "p.kpi"), "w") as f:
    f.write('source t from csv("none.csv") {\n  id: string key\n  day: date time\n  x: decimal(18)\n  f: float\n}\n'
            'metric sd = stddev(t.x)\nmetric sf = sum(t.f)\nmetric mf = min(t.f)\nmetric sx = sum(t.x)\n'
            'source r from csv("none.csv") {\n  id: string key\n  day: date time\n  v: decimal(2)\n}\n'
            'metric rs = sum(r.v)\n')
schema = f"kpic_pgv_{os.getpid()}"
setup = f"""DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};
CREATE TABLE {schema}.t (id text, day date, x numeric, f double precision);
INSERT INTO {schema}.t VALUES ('1', '2025-01-01', 5, 0.0), ('2', '2025-01-01', 6, '-0.0'), ('3', '2025-01-02', NULL, 5e-324);
CREATE TABLE {schema}.n (id text, day date, x numeric, f double precision);
INSERT INTO {schema}.n VALUES ('1', '2025-01-01', 'NaN', 1);
CREATE TABLE {schema}.r (id text, day date, v real);
INSERT INTO {schema}.r VALUES ('1', '2025-01-01', 0.1), ('2', '2025-01-01', 0.2);"""
subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", pg, "-c", setup], check=True, capture_output=True)
failed = []
try:
    for engine in ("postgres", "jit"):
        p = subprocess.run([kpic, "run", d, "--bind", f"t={pg}#{schema}.t", "--engine", engine, "--metric", "sd,sf,mf",
                            "--grain", "all", "--format", "csv"], capture_output=True, text=True)
        want = "all,0.7071067811865476,5e-324,0,"
        if p.returncode != 0 or p.stdout.splitlines()[1:] != [want]:
            failed.append(f"--engine {engine}: exit {p.returncode}, {p.stdout!r} {p.stderr!r}; by hand {want}")
    for engine in ("postgres", "jit"):
        p = subprocess.run([kpic, "run", d, "--bind", f"r={pg}#{schema}.r", "--engine", engine, "--metric", "rs",
                            "--grain", "all", "--format", "csv"], capture_output=True, text=True)
        if p.returncode != 0 or p.stdout.splitlines()[1:] != ["all,0.30,"]:
            failed.append(f"real as decimal(2), --engine {engine}: exit {p.returncode}, {p.stdout!r} {p.stderr!r}")
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", pg, "-c",
                    f"CREATE TABLE {schema}.big (id text, day date, v double precision); "
                    f"INSERT INTO {schema}.big VALUES ('1', '2025-01-01', 1e20)"], check=True, capture_output=True)
    for engine in ("postgres", "jit"):
        p = subprocess.run([kpic, "run", d, "--bind", f"r={pg}#{schema}.big", "--engine", engine, "--metric", "rs",
                            "--grain", "all", "--format", "csv"], capture_output=True, text=True)
        if p.returncode != 3 or "is out of range for decimal(2)" not in p.stderr:
            failed.append(f"1e20 as decimal(2), --engine {engine}: exit {p.returncode}, {p.stdout!r} {p.stderr!r}")
    q = subprocess.run([kpic, "sql", d, "--metric", "rs", "--grain", "all", "--dialect", "postgres"],
                       capture_output=True, text=True, check=True).stdout
    p = subprocess.run(["psql", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", pg], input=f"SET search_path = {schema};\n" + q,
                       capture_output=True, text=True)
    if p.returncode != 0 or not p.stdout.startswith("0.30|"):
        failed.append(f"real as decimal(2), kpic sql on PostgreSQL: {p.stdout!r} {p.stderr!r}")
    p = subprocess.run([kpic, "run", d, "--bind", f"t={pg}#{schema}.n", "--engine", "postgres", "--metric", "sx",
                        "--grain", "all"], capture_output=True, text=True)
    # Met inside PostgreSQL, the NaN is named as the embedded engine names
    # it: its table, row (the table's only row), column and value.
    if p.returncode != 3 or f"#{schema}.n:1: column `x`: value `NaN` is not a decimal number" not in p.stderr:
        failed.append(f"NaN: exit {p.returncode}, {p.stderr!r}")
    # A calendar in a fixed offset: timestamptz values at 01:00 and 23:00
    # +08:00 are both on 1 January there (by hand: 1 + 10 = 11). As text,
    # PostgreSQL's `AT TIME ZONE '+08:00'` is eight hours west, and
    # --engine postgres put the first on 31 December (engine probe,
    # 2026-12-07).
    z = tempfile.mkdtemp()
    with open(os.path.join(z, "p.kpi"), "w") as f:
        f.write('calendar { time_zone "+08:00" }\nsource ev from csv("none.csv") {\n  id: string key\n'
                '  at: timestamp time\n  x: int\n}\nmetric total = sum(ev.x)\n')
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", pg, "-c",
                    f"CREATE TABLE {schema}.ev (id text, at timestamptz, x bigint); "
                    f"INSERT INTO {schema}.ev VALUES ('a', '2026-01-01T01:00:00+08:00', 1), "
                    f"('b', '2026-01-01T23:00:00+08:00', 10)"], check=True, capture_output=True)
    for engine in ("postgres", "interp"):
        p = subprocess.run([kpic, "run", z, "--bind", f"ev={pg}#{schema}.ev", "--engine", engine, "--metric", "total",
                            "--grain", "day", "--format", "csv", "--no-cache"], capture_output=True, text=True)
        if p.returncode != 0 or p.stdout.splitlines()[1:] != ["2026-01-01,11,"]:
            failed.append(f"fixed offset +08:00, --engine {engine}: exit {p.returncode}, {p.stdout!r} {p.stderr!r}")
finally:
    subprocess.run(["psql", "-q", pg, "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"], capture_output=True)
if failed:
    sys.exit("\n".join(failed))
print("pg values: stddev of decimal(18), subnormal and signed-zero floats, a NaN's message and a fixed-offset zone, "
      "as by hand")
