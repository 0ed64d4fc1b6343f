#!/usr/bin/env python3
"""`round(x, n)` of a double rounds the number as written (its shortest
round-trip decimal) half away from zero, on every engine and in the SQL of
every dialect kpic runs here (docs/language.md, the builtins' table).
Before 2026-12-07 `kpic run` scaled by 10^n in doubles: round(1.005, 2)
was 1.00 (the SQL gave 1.01) while round(2.675, 2) was 2.68 (engine probe).

Each member holds one float; the expected values are written by hand.

usage: round_floats.py KPIC ROOT [--dialects sqlite,postgres,duckdb] [--pg URI]
"""
import argparse
import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# member: (value as written, round(x, 2), round(x), round(x, 1))
CASES = {
    "a": ("1.005", "1.01", "1", "1"),
    "b": ("0.285", "0.29", "0", "0.3"),
    "c": ("4.015", "4.02", "4", "4"),
    "d": ("5.015", "5.02", "5", "5"),
    "e": ("-1.005", "-1.01", "-1", "-1"),
    "f": ("2.675", "2.68", "3", "2.7"),
    "g": ("1.115", "1.12", "1", "1.1"),
    "h": ("0.125", "0.13", "0", "0.1"),
    "i": ("2.5", "2.5", "3", "2.5"),
    "j": ("-2.5", "-2.5", "-3", "-2.5"),
    "k": ("123456789.125", "123456789.13", "123456789", "123456789.1"),
    "l": ("-0.004", "0", "0", "0"),
    "m": ("0.0000001", "0", "0", "0"),
    "n": ("0.95", "0.95", "1", "1"),
}
PKG = """package rf
dimension member: string
source v from csv("v.csv") {
  id:     string key
  day:    date time
  member: string -> member
  f:      float
}
metric fs = sum(v.f)
metric r2 = round(fs, 2)
metric r0 = round(fs)
metric r1 = round(fs, 1)
"""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def same(got, want):
    return got is not None and float(got) == float(want) and not str(got).startswith("-0")


def compare(where, rows, errors):
    """rows: {member: (r2, r0, r1)} as text."""
    for m, (_, *want) in CASES.items():
        got = rows.get(m)
        if not got or not all(same(g, w) for g, w in zip(got, want)):
            errors.append(f"{where}: member {m} ({CASES[m][0]}): got {got}, expected {tuple(want)}")


def sql(kpic, pkg, dialect):
    return run([kpic, "sql", pkg, "--metric", "r2,r0,r1", "--by", "member", "--grain", "all", "--dialect", dialect])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kpic")
    ap.add_argument("root")
    ap.add_argument("--dialects", default="sqlite,postgres,duckdb")
    ap.add_argument("--pg", default=os.environ.get("KPIC_PG_URI", "postgresql://postgres@127.0.0.1:55432/postgres"))
    a = ap.parse_args()
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        pkg = os.path.join(tmp, "rf")
        os.makedirs(pkg)
        with open(os.path.join(pkg, "rf.kpi"), "w") as f:
            f.write(PKG)
        data = os.path.join(pkg, "v.csv")
        with open(data, "w") as f:
            f.write("id,day,member,f\n" + "".join(f"{m},2026-01-01,{m},{x}\n" for m, (x, *_) in CASES.items()))
        for engine in ("interp", "jit"):
            out = run([a.kpic, "run", pkg, "--metric", "r2,r0,r1", "--by", "member", "--grain", "all", "--format",
                       "csv", "--engine", engine, "--no-cache"])
            rows = {r["member"]: (r["r2"], r["r0"], r["r1"]) for r in csv.DictReader(io.StringIO(out))}
            compare(f"kpic run --engine {engine} (csv)", rows, errors)
            doc = json.loads(run([a.kpic, "run", pkg, "--metric", "r2", "--by", "member", "--grain", "all",
                                  "--format", "json", "--engine", engine, "--no-cache"]))
            for r in doc["results"][0]["rows"]:
                m = r["dims"]["member"] if "dims" in r else r.get("member")
                if m in CASES and (not same(r["value"], CASES[m][1]) or json.dumps(r["value"]).startswith("-0")):
                    errors.append(f"kpic run --engine {engine} (json): {m}: {r['value']}, expected {CASES[m][1]}")
        for d in a.dialects.split(","):
            text = sql(a.kpic, pkg, d)
            if d == "sqlite":
                db = sqlite3.connect(os.path.join(tmp, "v.db"))
                db.execute("CREATE TABLE v (id TEXT, day TEXT, member TEXT, f REAL)")
                db.executemany("INSERT INTO v VALUES (?, ?, ?, ?)",
                               [(m, "2026-01-01", m, float(x)) for m, (x, *_) in CASES.items()])
                cur = db.execute(text)
                names = [c[0] for c in cur.description]
                rows = {r[names.index("member")]: tuple(str(r[names.index(k)]) for k in ("r2", "r0", "r1"))
                        for r in cur.fetchall()}
                compare("sqlite", rows, errors)
            elif d == "postgres":
                schema = f"kpic_round_{os.getpid()}"
                values = ", ".join(f"('{m}', DATE '2026-01-01', '{m}', CAST('{x}' AS double precision))"
                                   for m, (x, *_) in CASES.items())
                run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", a.pg], input=(
                    f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};\n"
                    f"CREATE TABLE {schema}.v (id text, day date, member text, f double precision);\n"
                    f"INSERT INTO {schema}.v VALUES {values};\n"))
                try:
                    env = dict(os.environ, PGOPTIONS=f"-c search_path={schema}")
                    out = run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "--csv", a.pg], input=text, env=env)
                    rows = {r["member"]: (r["r2"], r["r0"], r["r1"]) for r in csv.DictReader(io.StringIO(out))}
                    compare("postgres", rows, errors)
                    # kpic run inside PostgreSQL (--engine postgres) too.
                    out = run([a.kpic, "run", pkg, "--metric", "r2,r0,r1", "--by", "member", "--grain", "all",
                               "--format", "csv", "--engine", "postgres", "--bind", f"v={a.pg}#{schema}.v"])
                    rows = {r["member"]: (r["r2"], r["r0"], r["r1"]) for r in csv.DictReader(io.StringIO(out))}
                    compare("kpic run --engine postgres", rows, errors)
                finally:
                    run(["psql", "-q", "-X", a.pg, "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"])
            elif d == "duckdb":
                q = os.path.join(tmp, "q.sql")
                with open(q, "w") as f:
                    f.write(text)
                mf = os.path.join(tmp, "manifest.json")
                with open(mf, "w") as f:
                    json.dump({"tables": [{"name": "v", "csv": data, "columns": {
                        "id": "VARCHAR", "day": "DATE", "member": "VARCHAR", "f": "DOUBLE"}, "strings": []}],
                        "queries": [q]}, f)
                modules = os.environ.get("KPIC_NODE_MODULES") or os.path.join(a.root, "bench", "node_modules")
                res = json.loads(run(["node", os.path.join(HERE, "duckdb_exec.mjs"), mf],
                                     env=dict(os.environ, KPIC_NODE_MODULES=modules)))[0]
                if "error" in res:
                    errors.append(f"duckdb: {res['error']}")
                else:
                    cols = res.get("columns")
                    if cols:
                        rows = {r[cols.index("member")]: tuple(r[cols.index(k)] for k in ("r2", "r0", "r1"))
                                for r in res["rows"]}
                    else:  # period, member, r2, r0, r1, ...
                        rows = {r[1]: (r[2], r[3], r[4]) for r in res["rows"]}
                    compare("duckdb", rows, errors)
    for e in errors:
        print("FAIL", e)
    if errors:
        sys.exit(1)
    print(f"round of doubles: {len(CASES)} values, interp and jit, {a.dialects}: as written, half away from zero")


if __name__ == "__main__":
    main()
