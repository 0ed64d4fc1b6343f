#!/usr/bin/env python3
"""stddev and variance of values far from 0 with a small spread
(tests/sql/stddev/stddev.kpi), where n * sum(x^2) and sum(x)^2 are nearly
equal and their difference in doubles is noise: 1e15 three times gave a
stddev of 13 million (kpic run), 123456789.01, .02, .03 gave 1.63 (kpic sql
on SQLite), before 2026-12 (docs/language.md, stddev).

Every expected value is computed here, exactly, from the rows: Python's
Fraction of each float (the double kpic reads from its text) or of each
decimal's text, then sum((x - mean)^2) / (n - 1); within 1e-9 relative (0
exactly where the values are equal; null for fewer than two values).

  stddev_test.py KPIC ROOT engine   kpic run: interpreter and JIT; metrics by
      month and over all, goals whose months combine days; with --no-cache,
      then with the cache warm, then after rows were appended (equal to a
      cold run). A scan with float sums runs on one thread and is never
      streamed nor cached (codegen/kernel.cc, FloatSums), so only the
      decimals' scan (jit) goes through the cache: the test checks that it
      did, and merged the cached states with the appended rows'. Then
      300,000 values near 1e9 in one group. (tests/unit/test_moments.cc
      merges float moments whose shifts differ.)
  stddev_test.py KPIC ROOT sql [--dialects sqlite,postgres,duckdb] [--pg URI]
      kpic sql on each database, and kpic run --engine postgres.
"""
import argparse
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.join(HERE, "stddev")
METRICS = ["sd_f", "var_f", "sd_n", "sd_d", "var_d"]
GOALS = {"goal_f": "sd_f", "goal_n": "sd_n", "goal_d": "var_d"}
COLUMN = {"sd_f": "f", "var_f": "f", "sd_n": "n", "sd_d": "d", "var_d": "d"}

# day, f, n, d (None: an empty field, null)
ROWS = [
    ("2026-01-01", "1e15", "1000000000.001", "123456789.01"),
    ("2026-01-02", "1e15", "1000000000.002", "123456789.02"),
    ("2026-01-03", "1e15", "1000000000.004", "123456789.03"),
    ("2026-02-01", "1000000000.5", "1000000000.0001", "9876543210.12"),
    ("2026-02-02", "1000000001.5", "999999999.9998", "9876543210.15"),
    ("2026-02-03", "1000000002.5", "1000000000.0003", "9876543210.11"),
    ("2026-02-04", "1000000003.5", "1000000000", "9876543210.19"),
    ("2026-03-01", "7", None, "5.00"),
    ("2026-03-02", None, "3.5", None),
]
# Appended once the cache holds the states of ROWS: February's group gets
# values whose first (its shift) differs from the cached group's.
MORE = [
    ("2026-02-05", "1000000004.5", "1000000000.0002", "9876543210.10"),
    ("2026-01-04", "1e15", "1000000000.003", "123456789.04"),
    ("2026-02-06", "999999990.25", "999999999.9999", "9876543209.99"),
]

failures = []


def exact(column, text):
    return Fraction(text) if column == "d" else Fraction(float(text))


def variance(xs):
    if len(xs) < 2:
        return None
    mean = sum(xs) / len(xs)
    return sum((x - mean) ** 2 for x in xs) / (len(xs) - 1)


def expected(metric, rows, month=None):
    """The metric over the rows of a month (YYYY-MM), or over all."""
    i = {"f": 1, "n": 2, "d": 3}[COLUMN[metric]]
    xs = [exact(COLUMN[metric], r[i]) for r in rows if r[i] is not None and (month is None or r[0][:7] == month)]
    v = variance(xs)
    if v is None:
        return None
    return math.sqrt(v) if metric.startswith("sd_") else float(v)


def months(rows):
    return sorted({r[0][:7] for r in rows})


def check(where, got, want):
    if want is None or got is None:
        ok = got is None and want is None
    elif want == 0:
        ok = got == 0
    else:
        ok = abs(got - want) <= 1e-9 * abs(want)
    if not ok:
        failures.append(f"{where}: got {got!r}, expected {want!r}")


def num(v):
    return None if v is None or v == "" else float(v)


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise SystemExit(f"FAIL {' '.join(cmd)}: exit {p.returncode}\n{p.stderr}")
    return p.stdout


def write_csv(path, rows):
    with open(path, "w") as f:
        f.write("day,f,n,d\n" + "".join(",".join(v or "" for v in r) + "\n" for r in rows))


def run_json(kpic, pkg, *args, env=None, cache=None):
    """`kpic run --format json`; with `cache`, --timings must say that much about the state cache."""
    cmd = [kpic, "run", pkg, "--format", "json", "--as-of", "2026-12-31", *args]
    if cache is None:
        return json.loads(run(cmd, env=env))
    p = subprocess.run(cmd + ["--timings"], capture_output=True, text=True, env=env)
    if p.returncode != 0 or cache not in p.stderr:
        failures.append(f"{' '.join(args)}: exit {p.returncode}, no `{cache}` in\n{p.stderr}")
        return json.loads(p.stdout) if p.returncode == 0 else {"results": [], "goals": []}
    return json.loads(p.stdout)


def check_run(where, out, rows):
    """Metrics by month and over all, and goals, of one `kpic run` JSON."""
    for res in out["results"]:
        for r in res["rows"]:
            month = None if res["grain"] == "all" else r["period"]
            check(f"{where} {res['metric']} {res['grain']} {r.get('period', '')}", r["value"],
                  expected(res["metric"], rows, month))
    for g in out["goals"]:
        for p in g["periods"]:
            want = expected(GOALS[g["name"]], rows, p["period"]) if p["period"] in months(rows) else None
            check(f"{where} goal {g['name']} {p['period']}", p["value"], want)


def requests():
    metrics = ",".join(METRICS)
    return [("month", ["--metric", metrics, "--grain", "month"]), ("all", ["--metric", metrics, "--grain", "all"]),
            ("goals", ["--goal", ",".join(GOALS)]),
            # A scan of decimals only: streamed, so cached (jit).
            ("month_d", ["--metric", "sd_d,var_d", "--grain", "month"])]


def engine_mode(kpic, tmp):
    pkg = os.path.join(tmp, "pkg")
    shutil.copytree(PKG, pkg)
    csv = os.path.join(pkg, "obs.csv")
    for engine in ("interp", "jit"):
        env = dict(os.environ, KPIC_CACHE_DIR=os.path.join(tmp, f"cache-{engine}"))
        write_csv(csv, ROWS)
        for name, args in requests():
            cold = run_json(kpic, pkg, "--engine", engine, "--no-cache", *args, env=env)
            check_run(f"run --engine {engine} --no-cache {name}", cold, ROWS)
            cached = engine == "jit" and name == "month_d"
            first = run_json(kpic, pkg, "--engine", engine, *args, env=env)  # fills the cache
            warm = run_json(kpic, pkg, "--engine", engine, *args, env=env,
                            cache="rows from the cache, nothing appended" if cached else None)
            for label, out in (("first cached", first), ("warm", warm)):
                if out["results"] != cold["results"] or out["goals"] != cold["goals"]:
                    failures.append(f"run --engine {engine} {name}: {label} run differs from --no-cache")
        # Rows appended: the cached states of ROWS merged with those of MORE.
        write_csv(csv, ROWS + MORE)
        for name, args in requests():
            cached = engine == "jit" and name == "month_d"
            merged = run_json(kpic, pkg, "--engine", engine, *args, env=env,
                              cache=f"{len(ROWS)} rows from the cache, {len(MORE)} rows appended" if cached else None)
            check_run(f"run --engine {engine} appended {name}", merged, ROWS + MORE)
            cold = run_json(kpic, pkg, "--engine", engine, "--no-cache", *args, env=env)
            check_run(f"run --engine {engine} appended --no-cache {name}", cold, ROWS + MORE)
    # Many values near 1e9 in one group: the shifted sums' own rounding.
    big = os.path.join(tmp, "big")
    shutil.copytree(PKG, big)
    n = 300_000
    texts = [f"{1e9 + ((i * 7919) % 1000) / 1000 + (i % 3) * 1e-6:.6f}" for i in range(n)]
    with open(os.path.join(big, "obs.csv"), "w") as f:
        f.write("day,f,n,d\n")
        f.writelines(f"2026-0{1 + i % 2}-{1 + i % 28:02d},,{t},\n" for i, t in enumerate(texts))
    # Exactly: each double times 2^23 is an integer (ulp(1e9) = 2^-23).
    scaled = [int(float(t) * 8388608) for t in texts]
    def ref(ints):
        k = len(ints)
        return math.sqrt(Fraction(k * sum(x * x for x in ints) - sum(ints) ** 2, k * (k - 1) * 2 ** 46))
    for engine in ("interp", "jit"):
        out = run_json(kpic, big, "--engine", engine, "--no-cache", "--metric", "sd_n", "--grain", "all")
        check(f"run --engine {engine} 300,000 rows sd_n", out["results"][0]["rows"][0]["value"], ref(scaled))
        out = run_json(kpic, big, "--engine", engine, "--no-cache", "--metric", "sd_n", "--grain", "month")
        for r in out["results"][0]["rows"]:
            m = int(r["period"][5:7])
            check(f"run --engine {engine} 300,000 rows sd_n {r['period']}", r["value"],
                  ref([x for i, x in enumerate(scaled) if 1 + i % 2 == m]))


# ---- kpic sql on the databases, and --engine postgres ------------------------------------

def sql_requests():
    """(name, kpic sql arguments, columns of the result: metric names)"""
    out = [(name, args, METRICS) for name, args in requests()[:2]]
    out += [(g, ["--goal", g], [m]) for g, m in GOALS.items()]
    return out


def check_sql(where, rows, columns, grain_all):
    """Rows of `kpic sql`: period (unless over all), a column per metric (a goal: value, target, partial)."""
    for row in rows:
        month = None if grain_all else str(row[0])[:7]
        first = 0 if grain_all else 1  # no period column over all
        for i, metric in enumerate(columns):
            check(f"{where} {metric} {month or 'all'}", num(row[first + i]), expected(metric, ROWS, month))


def kpic_sql(kpic, dialect, args):
    return run([kpic, "sql", PKG, "--dialect", dialect, "--as-of", "2026-12-31", *args])


def sqlite_case(kpic, tmp):
    db = sqlite3.connect(os.path.join(tmp, "obs.db"))
    # Decimals as text (read exactly), floats as REAL.
    db.execute("CREATE TABLE obs (day TEXT, f REAL, n REAL, d TEXT)")
    db.executemany("INSERT INTO obs VALUES (?, ?, ?, ?)",
                   [(r[0], num(r[1]), num(r[2]), r[3]) for r in ROWS])
    for name, args, cols in sql_requests():
        check_sql(f"sqlite {name}", db.execute(kpic_sql(kpic, "sqlite", args)).fetchall(), cols, name == "all")


def pg_case(kpic, uri):
    schema = f"kpic_stddev_{os.getpid()}"
    values = ", ".join("('{}', {}, {}, {})".format(r[0], *(v if v is not None else "NULL" for v in r[1:]))
                       for r in ROWS)
    run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", uri],
        input=f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};\n"
              f"CREATE TABLE {schema}.obs (day date, f double precision, n double precision, d numeric(14, 2));\n"
              f"INSERT INTO {schema}.obs VALUES {values};\n")
    env = dict(os.environ, PGOPTIONS=f"-c search_path={schema}")
    try:
        for name, args, cols in sql_requests():
            out = run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "--csv", uri], input=kpic_sql(kpic, "postgres", args),
                      env=env)
            check_sql(f"postgres {name}", [line.split(",") for line in out.splitlines()[1:]], cols, name == "all")
        # The scans inside PostgreSQL: its states (VAR_POP over floats,
        # exact NUMERIC moments over decimals) merged by the engine.
        for name, args in requests():
            out = run_json(kpic, PKG, "--engine", "postgres", "--bind", f"obs={uri}#{schema}.obs", *args)
            check_run(f"run --engine postgres {name}", out, ROWS)
    finally:
        run(["psql", "-q", "-X", uri, "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"])


def duckdb_case(kpic, root, tmp):
    csv = os.path.join(tmp, "obs.csv")
    write_csv(csv, ROWS)
    table = {"name": "obs", "csv": csv, "strings": [],
             "columns": {"day": "DATE", "f": "DOUBLE", "n": "DOUBLE", "d": "DECIMAL(18, 2)"}}
    reqs = sql_requests()
    queries = []
    for name, args, _ in reqs:
        q = os.path.join(tmp, f"duck_{name}.sql")
        with open(q, "w") as f:
            f.write(kpic_sql(kpic, "duckdb", args))
        queries.append(q)
    mf = os.path.join(tmp, "manifest.json")
    with open(mf, "w") as f:
        json.dump({"tables": [table], "queries": queries}, f)
    modules = os.environ.get("KPIC_NODE_MODULES") or os.path.join(root, "bench", "node_modules")
    res = json.loads(run(["node", os.path.join(HERE, "duckdb_exec.mjs"), mf],
                         env=dict(os.environ, KPIC_NODE_MODULES=modules)))
    for (name, _, cols), r in zip(reqs, res):
        if "error" in r:
            failures.append(f"duckdb {name}: {r['error']}")
        else:
            check_sql(f"duckdb {name}", r["rows"], cols, name == "all")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kpic")
    ap.add_argument("root")
    ap.add_argument("mode", choices=["engine", "sql"])
    ap.add_argument("--dialects", default="sqlite,postgres,duckdb")
    ap.add_argument("--pg", default=os.environ.get("KPIC_PG_URI", "postgresql://postgres@127.0.0.1:55432/postgres"))
    a = ap.parse_args()
    kpic = os.path.abspath(a.kpic)
    skipped = False
    with tempfile.TemporaryDirectory() as tmp:
        if a.mode == "engine":
            engine_mode(kpic, tmp)
        else:
            for d in a.dialects.split(","):
                if d == "duckdb" and not shutil.which("node"):
                    print("SKIP duckdb dialect: Node.js is missing (install nodejs and npm to run it)")
                    skipped = True
                    continue
                {"sqlite": lambda: sqlite_case(kpic, tmp), "postgres": lambda: pg_case(kpic, a.pg),
                 "duckdb": lambda: duckdb_case(kpic, os.path.abspath(a.root), tmp)}[d]()
    for f in failures:
        print("FAIL", f)
    if failures:
        sys.exit(1)
    print(f"stddev {a.mode}: every value equals the exact one computed from the rows")
    if skipped:
        sys.exit(77)  # a part did not run: CTest shows it skipped


if __name__ == "__main__":
    main()
