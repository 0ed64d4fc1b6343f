#!/usr/bin/env python3
"""Exact decimals whatever the table's column type (docs/sql.md, "Exact
decimals"): the `decimal(2)` column of tests/sql/exact/amounts.kpi is
stored as a binary float (DOUBLE PRECISION, DOUBLE, REAL) in PostgreSQL,
DuckDB and SQLite, holding 0.1, 0.2 and 0.3 repeated. The SQL of
`kpic sql` must return the sums computed by hand below, exactly (summing
the floats would not: the test checks that it would not); and a table
holding a value that is not a decimal(2) (0.125, or 0.1 + 0.2 computed in
floating point) must make the query fail, never round. `kpic run` over
the same SQLite table (the SQLite binding) must agree, value and error.

usage: exact_decimals.py KPIC ROOT [--dialects sqlite,postgres,duckdb] [--pg URI]
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.join(HERE, "exact")

# January: 0.1, 0.2, 0.3 seven times (21 rows); February: 0.1 three times.
ROWS = [(f"2026-01-{i + 1:02d}", [0.1, 0.2, 0.3][i % 3]) for i in range(21)] + \
       [(f"2026-02-{i + 1:02d}", 0.1) for i in range(3)]
# By hand: January 7 * (0.1 + 0.2 + 0.3) = 4.20, tripled 12.60, the rows
# of 0.2 and more 7 * 0.5 = 3.50; February 0.30, 0.90 and 0 (no row >= 0.2).
# Summed as doubles, February's three 0.1 are 0.30000000000000004 in any
# order: the tests below check that the engines' own float sums are not
# exact, so that an uncast column would fail them.
EXPECTED = [
    ["2026-01-01", "4.20", "12.60", "3.50"],
    ["2026-02-01", "0.30", "0.90", "0.00"],
]
BAD = {
    "third": [("2026-01-01", 0.1), ("2026-01-02", 0.125)],
    "noise": [("2026-01-01", 0.1), ("2026-01-02", 0.1 + 0.2)],
}


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def kpic_sql(kpic, dialect, table="amounts"):
    return run([kpic, "sql", PKG, "--metric", "total,tripled,big", "--grain", "month", "--dialect", dialect,
                "--bind", f"amounts=sqlite:unused.db#{table}"])


def norm(row):
    """period as YYYY-MM-DD, decimals as text with two digits (the trailing `partial` column left out)."""
    out = [str(row[0])[:10]]
    for v in row[1:4]:
        s = str(v)
        if "." not in s:
            s += "."
        whole, frac = s.split(".")
        out.append(whole + "." + (frac + "00")[:2] if len(frac) <= 2 else s)
    return out


def check_rows(where, rows, errors):
    got = [norm(r) for r in rows]
    if got != EXPECTED:
        errors.append(f"{where}: got {got}, expected {EXPECTED}")


def check_run(where, out, errors):
    """`kpic run --format json`: per metric, its values by period, as text."""
    by_metric = {res["metric"]: [str(r["value"]) for r in res["rows"]] for res in out["results"]}
    want = {m: [row[i + 1] for row in EXPECTED] for i, m in enumerate(("total", "tripled", "big"))}
    if by_metric != want:
        errors.append(f"{where}: got {by_metric}, expected {want}")


def sqlite_case(kpic, tmp, errors):
    db_path = os.path.join(tmp, "exact.db")
    db = sqlite3.connect(db_path)
    for name, rows in [("amounts", ROWS)] + list(BAD.items()):
        db.execute(f'CREATE TABLE "{name}" (day TEXT, amount REAL)')
        db.executemany(f'INSERT INTO "{name}" VALUES (?, ?)', rows)
        assert all(isinstance(a, float) for _, a in db.execute(f'SELECT day, amount FROM "{name}"'))
    db.commit()
    # The floats' own sum is not exact: the test can tell.
    noisy = db.execute("SELECT SUM(amount) FROM amounts WHERE day >= '2026-02-01'").fetchone()[0]
    assert noisy != 0.3, noisy
    check_rows("sqlite", db.execute(kpic_sql(kpic, "sqlite")).fetchall(), errors)
    for name in BAD:
        try:
            rows = db.execute(kpic_sql(kpic, "sqlite", name)).fetchall()
            errors.append(f"sqlite {name}: no error, got {rows}")
        except sqlite3.Error as e:
            if "kpic: source amounts, column amount: value" not in str(e):
                errors.append(f"sqlite {name}: unexpected error {e}")
    # kpic run over the same table, through the SQLite binding.
    out = json.loads(run([kpic, "run", PKG, "--metric", "total,tripled,big", "--grain", "month", "--format", "json",
                          "--bind", f"amounts=sqlite:{db_path}#amounts"]))
    check_run("kpic run sqlite", out, errors)
    for name in BAD:
        p = subprocess.run([kpic, "run", PKG, "--metric", "total", "--format", "json", "--bind",
                            f"amounts=sqlite:{db_path}#{name}"], capture_output=True, text=True)
        if p.returncode != 3 or "has more than 2 digits after the point for decimal(2)" not in p.stderr:
            errors.append(f"kpic run sqlite {name}: exit {p.returncode}: {p.stderr.strip()}")


def pg_case(kpic, uri, errors):
    schema = f"kpic_exact_dialects_{os.getpid()}"  # unique: two suites may share the server
    script = [f"DROP SCHEMA IF EXISTS {schema} CASCADE;", f"CREATE SCHEMA {schema};"]
    for name, rows in [("amounts", ROWS)] + list(BAD.items()):
        script.append(f'CREATE TABLE {schema}."{name}" (day date, amount double precision);')
        values = ", ".join(f"('{d}', CAST({a!r} AS double precision))" for d, a in rows)
        script.append(f'INSERT INTO {schema}."{name}" VALUES {values};')
    run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", uri], input="\n".join(script) + "\n")
    env = dict(os.environ, PGOPTIONS=f"-c search_path={schema}")
    try:
        noisy = run(["psql", "-q", "-X", "-At", uri, "-c",
                     f"SELECT SUM(amount) FROM {schema}.amounts WHERE day >= DATE '2026-02-01'"]).strip()
        assert noisy != "0.3", noisy
        out = run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "--csv", uri], input=kpic_sql(kpic, "postgres"),
                  env=env)
        rows = [line.split(",") for line in out.splitlines()[1:]]
        check_rows("postgres", rows, errors)
        for name in BAD:
            p = subprocess.run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "--csv", uri],
                               input=kpic_sql(kpic, "postgres", name), env=env, capture_output=True, text=True)
            if p.returncode == 0 or "kpic: source amounts, column amount: value" not in p.stderr:
                errors.append(f"postgres {name}: exit {p.returncode}: {p.stdout.strip()} {p.stderr.strip()}")
        # kpic run over the same tables: read by the PostgreSQL binding, and
        # scanned inside PostgreSQL (--engine postgres).
        for engine in ("auto", "postgres"):
            bind = f"amounts={uri}#{schema}.amounts"
            out = json.loads(run([kpic, "run", PKG, "--metric", "total,tripled,big", "--grain", "month", "--format",
                                  "json", "--engine", engine, "--bind", bind]))
            check_run(f"kpic run postgres --engine {engine}", out, errors)
            for name in BAD:
                p = subprocess.run([kpic, "run", PKG, "--metric", "total", "--engine", engine, "--bind",
                                    f"amounts={uri}#{schema}.{name}"], capture_output=True, text=True)
                if p.returncode != 3 or ("has more than 2 digits after the point for decimal(2)" not in p.stderr
                                         and "kpic: source amounts, column amount: value" not in p.stderr):
                    errors.append(f"kpic run postgres --engine {engine} {name}: exit {p.returncode}: {p.stderr.strip()}")
                # Inside PostgreSQL, kpic's own message alone, not PostgreSQL's
                # cast error wrapped around it ("failed: ERROR:  invalid input
                # syntax for type numeric: "kpic: ..."): the row's, as the
                # embedded engine names it (docs/sql.md), or else kpic's check's.
                named = f"#{schema}.{name}:" in p.stderr and "column `amount`: value `" in p.stderr
                if engine == "postgres" and ("ERROR:" in p.stderr or not (
                        named or "source amounts, column amount: value" in p.stderr)):
                    errors.append(f"kpic run --engine postgres {name}: the message is not kpic's alone: {p.stderr.strip()}")
    finally:
        run(["psql", "-q", "-X", uri, "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"])


def duckdb_case(kpic, root, tmp, errors):
    # DuckDB builds the tables with DOUBLE columns from the literals below
    # (duckdb_exec.mjs loads CSV files; the floats are written with repr,
    # which reads back as the same double).
    tables = []
    for name, rows in [("amounts", ROWS)] + list(BAD.items()):
        path = os.path.join(tmp, f"{name}.csv")
        with open(path, "w") as f:
            f.write("day,amount\n" + "".join(f"{d},{a!r}\n" for d, a in rows))
        tables.append({"name": name, "csv": path, "columns": {"day": "DATE", "amount": "DOUBLE"}, "strings": []})
    queries = []
    noisy = os.path.join(tmp, "noisy.sql")
    with open(noisy, "w") as f:
        f.write("SELECT CAST(SUM(amount) AS VARCHAR) FROM amounts WHERE day >= DATE '2026-02-01'")
    queries.append(noisy)
    for name in ["amounts"] + list(BAD):
        q = os.path.join(tmp, f"duck_{name}.sql")
        with open(q, "w") as f:
            f.write(kpic_sql(kpic, "duckdb", name))
        queries.append(q)
    mf = os.path.join(tmp, "manifest.json")
    with open(mf, "w") as f:
        json.dump({"tables": tables, "queries": queries}, f)
    modules = os.environ.get("KPIC_NODE_MODULES") or os.path.join(root, "bench", "node_modules")
    res = json.loads(run(["node", os.path.join(HERE, "duckdb_exec.mjs"), mf],
                         env=dict(os.environ, KPIC_NODE_MODULES=modules)))
    assert res[0]["rows"][0][0] != "0.3", res[0]
    if "error" in res[1]:
        errors.append(f"duckdb: {res[1]['error']}")
    else:
        check_rows("duckdb", res[1]["rows"], errors)
    for name, r in zip(BAD, res[2:]):
        if "error" not in r or "kpic: source amounts, column amount: value" not in r["error"]:
            errors.append(f"duckdb {name}: {r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kpic")
    ap.add_argument("root")
    ap.add_argument("--dialects", default="sqlite,postgres,duckdb")
    ap.add_argument("--pg", default=os.environ.get("KPIC_PG_URI", "postgresql://postgres@127.0.0.1:55432/postgres"))
    a = ap.parse_args()
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        for d in a.dialects.split(","):
            if d == "sqlite":
                sqlite_case(a.kpic, tmp, errors)
            elif d == "postgres":
                pg_case(a.kpic, a.pg, errors)
            elif d == "duckdb":
                duckdb_case(a.kpic, a.root, tmp, errors)
    for e in errors:
        print("FAIL", e)
    if errors:
        sys.exit(1)
    print(f"exact decimals: {a.dialects} exact, and refusing values that are not decimal(2)")


if __name__ == "__main__":
    main()
