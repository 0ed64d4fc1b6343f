#!/usr/bin/env python3
"""Dates and timestamps kpic run refuses (infinities, years outside 1 to
9999) stop `--engine postgres` and the SQL of `kpic sql` too, naming the
column: the engine counted 'infinity' as later than any day (data probe,
2026-12-07: `late` read 2 in PostgreSQL, exit 3 embedded). A table of
ordinary values gives the counts worked out by hand.

usage: infinite_times.py KPIC ROOT [--dialects postgres,duckdb] [--pg URI]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = """package t
source s from csv("s.csv") {
  id:  string key
  day: date time
  ts:  timestamp
}
metric cnt = count(s)
metric late = count(s where s.ts > 2026-06-01T00:00:00)
"""
# By hand: three rows, one of them after June 1 (the null one is not).
GOOD = [("b", "2026-01-02", "2026-01-01 00:00:00"), ("c", "2026-01-03", "2026-07-01 00:00:00"),
        ("d", "2026-01-04", None)]
BAD = {
    "ts_inf": [("a", "2026-01-01", "infinity")] + GOOD,
    "ts_neg_inf": [("a", "2026-01-01", "-infinity")] + GOOD,
    "ts_bc": [("a", "2026-01-01", "0001-01-01 00:00:00 BC")] + GOOD,
    "ts_far": [("a", "2026-01-01", "12000-01-01 00:00:00")] + GOOD,
    "day_inf": [("a", "infinity", "2026-01-01 00:00:00")] + GOOD,
}


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def lit(v):
    return "NULL" if v is None else "'" + v + "'"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kpic")
    ap.add_argument("root")
    ap.add_argument("--dialects", default="postgres,duckdb")
    ap.add_argument("--pg", default=os.environ.get("KPIC_PG_URI", "postgresql://postgres@127.0.0.1:55432/postgres"))
    a = ap.parse_args()
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        pkg = os.path.join(tmp, "t")
        os.makedirs(pkg)
        with open(os.path.join(pkg, "t.kpi"), "w") as f:
            f.write(PKG)
        with open(os.path.join(pkg, "s.csv"), "w") as f:
            f.write("id,day,ts\n")
        args = ["--metric", "late,cnt", "--grain", "all", "--no-cache", "--format", "json"]
        if "postgres" in a.dialects.split(","):
            schema = f"kpic_inf_{os.getpid()}"
            script = [f"DROP SCHEMA IF EXISTS {schema} CASCADE;", f"CREATE SCHEMA {schema};"]
            for name, rows in [("good", GOOD)] + list(BAD.items()):
                script.append(f"CREATE TABLE {schema}.{name} (id text, day date, ts timestamp);")
                script.append(f"INSERT INTO {schema}.{name} VALUES " +
                              ", ".join(f"({lit(i)}, {lit(d)}, {lit(t)})" for i, d, t in rows) + ";")
            p = run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", a.pg], input="\n".join(script))
            if p.returncode != 0:
                sys.exit(f"setup failed: {p.stderr}")
            try:
                for engine in ("postgres", "auto"):
                    p = run([a.kpic, "run", pkg, "--bind", f"s={a.pg}#{schema}.good", "--engine", engine, *args])
                    if p.returncode != 0:
                        errors.append(f"good, --engine {engine}: exit {p.returncode}: {p.stderr.strip()}")
                    else:
                        vals = {r["metric"]: r["rows"][0]["value"] for r in json.loads(p.stdout)["results"]}
                        if vals != {"late": 1, "cnt": 3}:
                            errors.append(f"good, --engine {engine}: {vals}, expected late 1, cnt 3")
                    for name in BAD:
                        p = run([a.kpic, "run", pkg, "--bind", f"s={a.pg}#{schema}.{name}", "--engine", engine, *args])
                        col = "day" if name.startswith("day") else "ts"
                        if p.returncode != 3 or f"column `{col}`" not in p.stderr:
                            errors.append(f"{name}, --engine {engine}: exit {p.returncode}, expected 3 naming "
                                          f"`{col}`: {p.stdout.strip()} {p.stderr.strip()}")
                # kpic sql's own SQL, run in psql.
                # (By month: at grain all the SQL reads no `day`.)
                sql = run([a.kpic, "sql", pkg, "--metric", "late,cnt", "--grain", "month", "--dialect", "postgres",
                           "--bind", f"s={a.pg}#{schema}.good"]).stdout
                env = dict(os.environ, PGOPTIONS=f"-c search_path={schema}")
                for name in BAD:
                    q = sql.replace(f"{schema}.good", f"{schema}.{name}").replace('"good"', f'"{name}"')
                    p = run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "--csv", a.pg], input=q, env=env)
                    if p.returncode == 0 or "kpic: source s, column" not in p.stderr:
                        errors.append(f"{name}, kpic sql in psql: exit {p.returncode}: {p.stdout.strip()} "
                                      f"{p.stderr.strip()[:300]}")
            finally:
                run(["psql", "-q", "-X", a.pg, "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"])
        if "duckdb" in a.dialects.split(","):
            sql = run([a.kpic, "sql", pkg, "--metric", "late,cnt", "--grain", "month", "--dialect", "duckdb"]).stdout
            tables, queries = [], []
            for name, rows in [("good", GOOD), ("ts_inf", BAD["ts_inf"]), ("day_inf", BAD["day_inf"])]:
                path = os.path.join(tmp, f"{name}.csv")
                with open(path, "w") as f:
                    f.write("id,day,ts\n" + "".join(f"{i},{d},{t or ''}\n" for i, d, t in rows))
                tables.append({"name": name, "csv": path, "strings": [],
                               "columns": {"id": "VARCHAR", "day": "DATE", "ts": "TIMESTAMP"}})
                qf = os.path.join(tmp, f"{name}.sql")
                with open(qf, "w") as f:
                    f.write(sql.replace('"s"', f'"{name}"'))
                queries.append(qf)
            mf = os.path.join(tmp, "manifest.json")
            with open(mf, "w") as f:
                json.dump({"tables": tables, "queries": queries}, f)
            modules = os.environ.get("KPIC_NODE_MODULES") or os.path.join(a.root, "bench", "node_modules")
            p = run(["node", os.path.join(HERE, "duckdb_exec.mjs"), mf], env=dict(os.environ, KPIC_NODE_MODULES=modules))
            res = json.loads(p.stdout)
            good = res[0]
            cols = good.get("columns", [])
            if "error" in good or [[str(r[cols.index(c)]) for c in ("late", "cnt")] for r in good["rows"]] != [["1", "3"]]:
                errors.append(f"duckdb good: {good}")
            for r, name in zip(res[1:], ("ts_inf", "day_inf")):
                if "error" not in r or "kpic: source s, column" not in r["error"]:
                    errors.append(f"duckdb {name}: {r}")
    for e in errors:
        print("FAIL", e)
    if errors:
        sys.exit(1)
    print(f"infinite times: refused on {a.dialects}, and ordinary ones counted by hand")


if __name__ == "__main__":
    main()
