#!/usr/bin/env python3
"""Differential test of `kpic sql` against the embedded engine.

For every package and selection below, the SQL that `kpic sql --dialect D`
emits runs on a real database holding the package's CSV data (SQLite through
Python's sqlite3, PostgreSQL through psql, DuckDB through @duckdb/node-api),
and its rows must equal `kpic run --format json`: exactly for decimals and
counts, within 1e-9 relative for doubles, the same periods and members, the
same nulls. This is a differential check between engines; the expected
values of the examples come from hand-written SQL elsewhere
(tests/engine/retail_oracle.py, tests/engine/periods_test.py).

usage: sql_diff.py KPIC ROOT [--dialects sqlite,postgres,duckdb] [--pg URI]
       [--extra DIR:QUERIES.json] (more packages, e.g. a generated one)
"""
import argparse
import csv
import datetime as dt
import json
import os
import shlex
import sqlite3
import subprocess
import sys
import tempfile
from decimal import Decimal
from zoneinfo import ZoneInfo

tmpdir = tempfile.mkdtemp()

# package -> (fiscal_year_start, week_start is Monday, time zone, [(args, dialects that cannot run it)])
NO_PERCENTILE = {"sqlite"}
CASES = {
    "examples/retail": (1, True, "Asia/Shanghai", [
        ("--metric sales,aov,conversion,order_count --by channel --grain month", set()),
        ("--metric sales,gross_sales,discount_rate,return_rate,vip_share,repurchase_rate --grain quarter", set()),
        ("--metric sales,visitors,conversion --by store --grain week", set()),
        ("--metric sales,ship_hours,gross_profit --by category --grain month", set()),
        ("--metric avg_daily_sales,sales --grain month", set()),
        ("--metric avg_daily_sales --grain all", set()),
        ("--metric sales,aov --by channel,customer_type --grain all", set()),
        ("--metric sales,conversion --grain day --from 2025-03-01 --to 2025-03-15", set()),
        ("--metric sales --by store --grain month --role store_manager --param store_id=北京朝阳店", set()),
        ("--metric sales --by store --grain month --role store_manager --param \"store_id=x'; DROP TABLE orders; --\"", set()),
        ("--goal grow_sales", set()),
        ("--goal keep_customers", set()),
        # Partial periods: a window cutting weeks, a goal as of mid-May.
        ("--metric sales,aov,conversion --by channel --grain week --from 2026-02-04 --to 2026-03-11", set()),
        ("--goal grow_sales --as-of 2026-05-17", set()),
    ]),
    "examples/saas": (1, True, "UTC", [
        ("--metric mrr,arr,paying_accounts,churned_accounts,churn_rate,arpu --grain month", set()),
        ("--metric new_mrr,expansion_mrr,contraction_mrr,churned_mrr,nrr --grain quarter", set()),
        ("--metric csat,resolution_hours,p90_resolution_hours --grain month", NO_PERCENTILE),
        ("--metric mrr,paying_accounts --by region --grain quarter", set()),
        ("--metric csat,csat_spread,resolution_variance --by region --grain quarter", set()),
        ("--metric csat_spread,resolution_variance --grain all", set()),
    ]),
    "tests/engine/periods": (1, True, "UTC", [
        ("--metric total,cnt,prev,ly,mom,ytd,r3,daily,yoy,per_row --grain month", set()),
        ("--metric total,shr --by store --grain month", set()),
        ("--metric total,prev,r3,ytd --grain quarter", set()),
        ("--metric total,prev,ly --grain day --from 2025-02-01 --to 2025-03-10", set()),
        ("--metric total,prev --grain week", set()),
        ("--metric stock_last,stock_avg --grain month", set()),
        ("--metric stock_last,stock_avg --by store --grain quarter", set()),
        ("--metric z3,total --grain month", set()),
        ("--metric total,daily,undated --grain all", set()),
        ("--metric total_a,total_b,total --grain year", set()),
        # Partial periods (the data ends on 2026-03-03; windows and --as-of cut periods).
        ("--metric total,prev,ly,ytd,r3,z3,daily,stock_last,stock_avg --grain quarter --from 2025-02-10", set()),
        ("--metric total,shr,prev,daily,stock_last --by store --grain month --from 2025-01-20 --to 2026-02-15",
         set()),
        ("--metric total,prev,ly,mom,z3 --grain week --as-of 2026-02-18", set()),
        ("--metric total,ly,ytd,yoy --grain year --as-of 2025-12-30", set()),
    ]),
    "tests/convert": (1, True, "UTC", [
        ("--metric sales,sales_cny,sales_usd,eur_cny,total_cny,big_cny,cny_per_order --grain month", set()),
        ("--metric sales_cny,eur_cny,total_cny --by store --grain month", set()),
        ("--metric sales_cny,total_cny --grain all", set()),
        ("--metric sales_cny,eur_cny --grain day --from 2026-01-10 --to 2026-02-12", set()),
        ("--metric sales_cny --grain all --from 2026-01-05 --to 2026-01-21", set()),
        ("--metric sales_cny,total_cny --by store --grain week", set()),
    ]),
    "tests/engine/reagg": (1, True, "UTC", [
        ("--metric revenue,avg_store_day,max_store_day,min_store_day,sum_store_day,avg_store,avg_ticket,share_avg,"
         "ytd_store,daily --grain month", set()),
        ("--metric avg_store_day,sum_store_day,avg_store,avg_ticket,share_avg,ytd_store --by channel --grain month",
         set()),
        ("--metric avg_store_day,avg_store,max_store_day --by store --grain month", set()),
        ("--metric avg_store_day,sum_store_day,avg_store,avg_ticket,share_avg --grain all", set()),
        ("--metric avg_store_day,avg_store,avg_ticket --by channel --grain all", set()),
        ("--metric avg_store_day,max_store_day,avg_store --grain week", set()),
        ("--metric avg_store_day,avg_store,share_avg --by channel --grain day --from 2025-01-01 --to 2025-01-04",
         set()),
        ("--metric revenue,avg_store_day,max_store_day,avg_store,avg_ticket,share_avg,ytd_store,daily --by channel "
         "--grain week --from 2025-01-02 --as-of 2025-01-03", set()),
        ("--metric revenue,avg_store_day,sum_store_day,avg_store,avg_ticket,share_avg,ytd_store,daily --grain month "
         "--from 2025-01-02", set()),
        ("--goal steady", set()),
    ]),
    "tests/engine/fiscal": (4, False, "America/New_York", [
        ("--metric total,at_3am,at_11pm --grain day", set()),
        ("--metric total --grain quarter", set()),
        ("--metric total --grain year", set()),
        ("--metric total --grain week", set()),
    ]),
    # A retail (NRF 4-5-4) calendar with working days: (pattern weeks, fiscal start, week start with
    # Monday = 0) in place of the fiscal start.
    "tests/calendar": (((4, 5, 4), 2, 6), False, "UTC", [
        ("--metric revenue,revenue_ly,revenue_prev,revenue_wly,workdays,per_workday --grain month", set()),
        ("--metric revenue,revenue_ly,revenue_ytd,workdays_ly,revenue_weekly_avg --grain quarter", set()),
        ("--goal grow", set()),
        ("--metric revenue,revenue_ly,revenue_wly,workdays,revenue_r4_ly,revenue_ly_r4 --grain week", set()),
        ("--metric revenue,revenue_ly,revenue_wly,workdays --grain day --from 2024-01-25 --to 2024-02-20", set()),
        ("--metric revenue,workdays,per_workday --by store --grain month --from 2024-02-07 --to 2024-04-10", set()),
        # Partial retail periods: spans moved by the days between the periods' first days.
        ("--metric revenue,revenue_ly,revenue_prev,workdays,revenue_weekly_avg --grain quarter --from 2023-03-15 "
         "--as-of 2024-05-20", set()),
        ("--metric revenue,revenue_ly,revenue_ytd,revenue_wly --grain month --as-of 2024-02-14", set()),
        ("--metric revenue,revenue_ly,revenue_wly,revenue_r4_ly,revenue_ly_r4,workdays --grain week --from 2024-01-03 "
         "--as-of 2024-05-22", set()),
        ("--metric revenue,revenue_ly,revenue_ytd --grain year --as-of 2024-05-22", set()),
    ]),
}

# package -> [(args, text the error must contain)]: queries whose data must stop every engine.
ERRORS = {
    "tests/convert": [
        ("--metric early_cny --grain month", "no rate from USD to CNY (nor from CNY to USD) on or before 2025-12-15"),
    ],
}

PG_TYPES = {"string": "text", "int": "bigint", "float": "double precision", "decimal": "numeric",
            "bool": "boolean", "date": "date", "timestamp": "timestamp"}
DUCK_TYPES = {"string": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "decimal": "DECIMAL(38, 6)",
              "bool": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP"}


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr}")
    return p.stdout


def retail_start(label, grain, pattern, fiscal, week_start):
    """The first day of a retail period from its label (docs/language.md, "Retail calendars"): the
    year starts on the week's first day nearest the first of its fiscal month."""
    def year_start(o):
        nominal = dt.date(o, fiscal, 1)
        delta = (week_start - nominal.weekday()) % 7
        return nominal + dt.timedelta(days=delta - 7 if delta > 3 else delta)
    name, _, rest = label[2:].partition("-")
    o = int(name) - (1 if fiscal > 1 else 0)
    start = year_start(o)
    if grain == "year":
        return start.isoformat()
    n = int(rest[1:]) - 1
    weeks = {"week": n, "quarter": 13 * n, "month": 13 * (n // 3) + sum(pattern[:n % 3])}[grain]
    return (start + dt.timedelta(weeks=weeks)).isoformat()


def period_start(label, grain, fiscal, monday):
    """The first day of a period from kpic's label (docs/language.md)."""
    if grain == "all":
        return "all"
    if isinstance(fiscal, tuple) and grain != "day":
        return retail_start(label, grain, *fiscal)
    if grain == "day" or (grain == "week" and not monday):
        return label
    if grain == "week":
        y, w = label.split("-W")
        return dt.date.fromisocalendar(int(y), int(w), 1).isoformat()
    if grain == "month":
        return label + "-01"
    fy = label.startswith("FY")
    if grain == "year":
        return f"{int(label[2:]) - 1}-{fiscal:02d}-01" if fy else f"{label}-01-01"
    y, q = label.split("-Q")
    y = int(y[2:]) - 1 if fy else int(y)
    months = y * 12 + (fiscal - 1 if fy else 0) + 3 * (int(q) - 1)
    return f"{months // 12}-{months % 12 + 1:02d}-01"


def norm_dim(v):
    return None if v is None else str(v)


def same(e, s):
    """Engine value (JSON: decimal text, int, float, null) vs SQL text."""
    if e is None:
        return s is None
    if s is None:
        return False
    if isinstance(e, str) or isinstance(e, int) and not isinstance(e, bool):
        return Decimal(str(e)) == Decimal(s)
    ef, sf = float(e), float(s)
    return abs(ef - sf) <= 1e-9 * max(abs(ef), abs(sf)) or abs(ef - sf) < 1e-12


def engine_table(j, fiscal, monday):
    """{(period start, members): {column: value}} from `kpic run --format json`."""
    out = {}
    for res in j.get("results", []):
        for row in res["rows"]:
            key = (period_start(row["period"], res["grain"], fiscal, monday), tuple(norm_dim(row.get(d)) for d in res["by"]))
            out.setdefault(key, {})[res["metric"]] = row["value"]
            out[key]["partial"] = span_text(row)
    for g in j.get("goals", []):
        for row in g["periods"]:
            key = (period_start(row["period"], g["grain"], fiscal, monday), ())
            out.setdefault(key, {}).update({"value": row["value"], "target": row["target"], "partial": span_text(row)})
    return out


def span_text(row):
    """A partial period's span as the SQL's `partial` column (and the CSV's) spell it: FIRST/LAST."""
    return "/".join(row["span"]) if row.get("partial") else None


def sql_table(columns, rows, ncols_dims):
    out = {}
    has_p = columns[0] == "period"
    for r in rows:
        p = r[0] if has_p else "all"
        dims = tuple(norm_dim(v) for v in r[1 if has_p else 0:(1 if has_p else 0) + ncols_dims])
        vals = r[(1 if has_p else 0) + ncols_dims:]
        names = columns[(1 if has_p else 0) + ncols_dims:]
        out[(str(p)[:10], dims)] = dict(zip(names, vals))
    return out


def compare(where, eng, got):
    errors = []
    if set(eng) != set(got):
        missing, extra = sorted(set(eng) - set(got), key=str)[:5], sorted(set(got) - set(eng), key=str)[:5]
        errors.append(f"{where}: rows differ: missing {missing}, extra {extra}")
    for key in sorted(set(eng) & set(got), key=str):
        for col, sv in got[key].items():
            ev = eng[key].get(col)
            if col == "partial" and ev != sv or col != "partial" and not same(ev, sv):
                errors.append(f"{where}: {key} {col}: engine {ev!r}, SQL {sv!r}")
    return errors


def local_wall_time(v, zone):
    """Timestamps with an offset as wall-clock time in the calendar's zone:
    the emitted SQL reads `timestamp` columns as local time (docs/sql.md)."""
    if not v or not (v.endswith("Z") or v[-6:-5] in "+-" and v[-3:-2] == ":" and "T" in v):
        return v
    t = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    return t.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat()


class Package:
    def __init__(self, kpic, root, rel, zone):
        self.dir = os.path.join(root, rel)
        self.name = os.path.basename(rel)
        cat = json.loads(run([kpic, "catalog", self.dir]))
        self.tables = []  # (name, csv path, [(header, type)])
        for s in cat["sources"]:
            b = s.get("binding") or {}
            if b.get("kind") != "csv":
                continue
            path = os.path.join(self.dir, b["args"][0]["value"])
            types = {c.get("header") or c["name"]: c["type"] for c in s["columns"]}
            with open(path, encoding="utf-8-sig", newline="") as f:
                rows = list(csv.reader(f))
            cols = [(h, types.get(h, "string")) for h in rows[0]]
            # A copy with local wall-clock timestamps, loaded into every database.
            local = os.path.join(tmpdir, f"{self.name}_{s['name']}.csv")
            with open(local, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow(rows[0])
                for r in rows[1:]:
                    w.writerow([local_wall_time(v, zone) if t == "timestamp" else v for v, (_, t) in zip(r, cols)])
            self.tables.append((s["name"], local, cols))


def load_sqlite(pkg):
    db = sqlite3.connect(":memory:")
    for name, path, cols in pkg.tables:
        db.execute(f'CREATE TABLE "{name}" ({", ".join(chr(34) + h + chr(34) for h, _ in cols)})')

        def conv(v, t):
            if v == "":
                return "" if t == "string" else None  # docs/cli.md: an empty string field is the empty string
            if t == "bool":
                return 1 if v.lower() in ("true", "1", "t", "yes") else 0
            if t == "int":
                return int(v)
            if t == "float":
                return float(v)
            return v  # decimals stay text (read exactly as scaled integers), dates and timestamps ISO text
        with open(path, encoding="utf-8-sig", newline="") as f:
            r = csv.reader(f)
            next(r)
            rows = [[conv(v, t) for v, (_, t) in zip(row, cols)] for row in r]
        db.executemany(f'INSERT INTO "{name}" VALUES ({", ".join("?" for _ in cols)})', rows)
    return db


def load_pg(pkg, uri, schema):
    script = [f"DROP SCHEMA IF EXISTS {schema} CASCADE;", f"CREATE SCHEMA {schema};"]
    for name, path, cols in pkg.tables:
        script.append(f'CREATE TABLE {schema}."{name}" ({", ".join(chr(34) + h + chr(34) + " " + PG_TYPES[t] for h, t in cols)});')
        strings = ", ".join(chr(34) + h + chr(34) for h, t in cols if t == "string")
        force = f", FORCE_NOT_NULL ({strings})" if strings else ""
        script.append(f"\\copy {schema}.\"{name}\" FROM '{path}' WITH (FORMAT csv, HEADER true{force})")
    run(["psql", "-q", "-v", "ON_ERROR_STOP=1", uri], input="\n".join(script) + "\n")


def run_pg(uri, schema, sql):
    env = dict(os.environ, PGOPTIONS=f"-c search_path={schema}")
    out = run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "--csv", "-P", "null=\\N", uri], input=sql, env=env)
    rows = list(csv.reader(out.splitlines()))
    return rows[0], [[None if v == "\\N" else v for v in r] for r in rows[1:]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kpic")
    ap.add_argument("root")
    ap.add_argument("--dialects", default="sqlite,postgres,duckdb")
    ap.add_argument("--pg", default=os.environ.get("KPIC_PG_URI", "postgresql://postgres@127.0.0.1:55432/postgres"))
    ap.add_argument("--node-modules", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../bench/node_modules"))
    ap.add_argument("--extra", action="append", default=[], help="DIR:CASES.json, a package with its own cases")
    ap.add_argument("--only", default="", help="only the packages whose path contains this text")
    args = ap.parse_args()
    dialects = args.dialects.split(",")
    cases = dict(CASES)
    for e in args.extra:
        d, f = e.rsplit(":", 1)
        spec = json.load(open(f))
        cases[d] = (spec["fiscal"], spec["monday"], spec.get("zone", "UTC"), [(q, set(spec.get("skip", {}).get(q, []))) for q in spec["queries"]])
    cases = {d: c for d, c in cases.items() if args.only in d}
    errors, checked, refused, pushed_checked = [], 0, 0, 0
    tmp = tmpdir
    for rel, (fiscal, monday, zone, queries) in cases.items():
        pkg = Package(args.kpic, args.root, rel, zone)
        engine = []
        for q, _ in queries:
            argv = shlex.split(q)
            p = subprocess.run([args.kpic, "run", pkg.dir, *argv, "--format", "json"], capture_output=True, text=True)
            if p.returncode == 2:
                engine.append((argv, None))  # refused (a dimension a source lacks, ...): SQL must refuse too
                continue
            if p.returncode != 0:
                raise RuntimeError(f"kpic run {rel} {q} exited {p.returncode}:\n{p.stderr}")
            engine.append((argv, engine_table(json.loads(p.stdout), fiscal, monday)))
        bad = []  # (query, argv, text the error must contain)
        for q, want in ERRORS.get(rel, []):
            argv = shlex.split(q)
            p = subprocess.run([args.kpic, "run", pkg.dir, *argv], capture_output=True, text=True)
            if p.returncode != 3 or want not in p.stderr:
                errors.append(f"{rel} kpic run {q}: want exit 3 and {want!r}, got {p.returncode}: {p.stderr.strip()}")
            bad.append((q, argv, want))
        for d in dialects:
            bad_sql = [(q, argv, want, run([args.kpic, "sql", pkg.dir, *argv, "--dialect", d])) for q, argv, want in bad]
            todo = []
            for (argv, eng), (q, skip) in zip(engine, queries):
                if eng is None:
                    p = subprocess.run([args.kpic, "sql", pkg.dir, *argv, "--dialect", d], capture_output=True, text=True)
                    if p.returncode != 2:
                        errors.append(f"{rel} {d} {q}: `kpic run` refused it, but `kpic sql` exited {p.returncode}")
                    refused += 1
                    continue
                if d in skip:
                    p = subprocess.run([args.kpic, "sql", pkg.dir, *argv, "--dialect", d], capture_output=True, text=True)
                    if p.returncode != 2 or "percentile" not in p.stderr:
                        errors.append(f"{rel} {d} {q}: expected a clear refusal (exit 2), got {p.returncode}: {p.stderr}")
                    continue
                sql = run([args.kpic, "sql", pkg.dir, *argv, "--dialect", d])
                todo.append((q, argv, eng, sql))
            if d == "sqlite":
                db = load_sqlite(pkg)
                for q, argv, eng, sql in todo:
                    cur = db.execute(sql)
                    cols = [c[0] for c in cur.description]
                    results = [[None if v is None else str(v) for v in r] for r in cur.fetchall()]
                    ndims = len(next(iter(eng))[1]) if eng else 0
                    errors += compare(f"{rel} sqlite {q}", eng, sql_table(cols, results, ndims))
                    checked += 1
                for q, argv, want, sql in bad_sql:
                    try:
                        db.execute(sql).fetchall()
                        errors.append(f"{rel} sqlite {q}: ran, but should stop with {want!r}")
                    except sqlite3.Error as e:
                        if want not in str(e):
                            errors.append(f"{rel} sqlite {q}: error {e}, want {want!r}")
                    checked += 1
            elif d == "postgres":
                schema = f"kpic_sql_{os.getpid()}_{pkg.name}"  # unique: two suites may share the server
                load_pg(pkg, args.pg, schema)
                binds = [a for n, _, _ in pkg.tables for a in ("--bind", f"{n}={args.pg}#{schema}.{n}")]
                for q, argv, eng, sql in todo:
                    cols, results = run_pg(args.pg, schema, sql)
                    ndims = len(next(iter(eng))[1]) if eng else 0
                    errors += compare(f"{rel} postgres {q}", eng, sql_table(cols, results, ndims))
                    checked += 1
                    # `kpic run --engine postgres`: the scans pushed down to the same tables.
                    p = subprocess.run([args.kpic, "run", pkg.dir, *argv, "--format", "json", "--engine", "postgres", *binds],
                                       capture_output=True, text=True)
                    if p.returncode != 0:
                        errors.append(f"{rel} --engine postgres {q}: exit {p.returncode}: {p.stderr.strip()}")
                        continue
                    pushed = engine_table(json.loads(p.stdout), fiscal, monday)
                    errors += compare(f"{rel} --engine postgres {q}", eng,
                                      {k: {c: None if v is None else str(v) for c, v in row.items()} for k, row in pushed.items()})
                    pushed_checked += 1
                for q, argv, want, sql in bad_sql:
                    try:
                        run_pg(args.pg, schema, sql)
                        errors.append(f"{rel} postgres {q}: ran, but should stop with {want!r}")
                    except RuntimeError as e:
                        if want not in str(e):
                            errors.append(f"{rel} postgres {q}: error {e}, want {want!r}")
                    p = subprocess.run([args.kpic, "run", pkg.dir, *argv, "--engine", "postgres", *binds],
                                       capture_output=True, text=True)
                    if p.returncode != 3 or want not in p.stderr:
                        errors.append(f"{rel} --engine postgres {q}: want exit 3 and {want!r}, got {p.returncode}: "
                                      f"{p.stderr.strip()}")
                    checked += 1
                # The injected parameter stayed a value: the table is still there.
                run(["psql", "-q", "-X", args.pg, "-c", f'SELECT count(*) FROM {schema}."{pkg.tables[0][0]}"'])
                run(["psql", "-q", "-X", args.pg, "-c", f"DROP SCHEMA {schema} CASCADE"])
            elif d == "duckdb":
                files = []
                for i, (q, argv, eng, sql) in enumerate(todo + [(q, argv, None, sql) for q, argv, _, sql in bad_sql]):
                    files.append(os.path.join(tmp, f"{pkg.name}_{i}.sql"))
                    open(files[-1], "w").write(sql)
                manifest = {"tables": [{"name": n, "csv": p, "columns": {h: DUCK_TYPES[t] for h, t in c},
                                "strings": [h for h, t in c if t == "string"]} for n, p, c in pkg.tables],
                            "queries": files}
                mf = os.path.join(tmp, f"{pkg.name}.json")
                json.dump(manifest, open(mf, "w"))
                out = json.loads(run(["node", os.path.join(os.path.dirname(__file__), "duckdb_exec.mjs"), mf],
                                     env=dict(os.environ, KPIC_NODE_MODULES=args.node_modules)))
                for (q, argv, eng, sql), res in zip(todo, out):
                    if "error" in res:
                        errors.append(f"{rel} duckdb {q}: {res['error']}")
                        continue
                    ndims = len(next(iter(eng))[1]) if eng else 0
                    errors += compare(f"{rel} duckdb {q}", eng, sql_table(res["columns"], res["rows"], ndims))
                    checked += 1
                for (q, argv, want, sql), res in zip(bad_sql, out[len(todo):]):
                    if want not in res.get("error", ""):
                        errors.append(f"{rel} duckdb {q}: {res}, want an error with {want!r}")
                    checked += 1
    for e in errors[:40]:
        print("FAIL", e)
    print(f"{checked} queries compared across {', '.join(dialects)} ({refused} refused by both engines), "
          f"{pushed_checked} runs with --engine postgres; {len(errors)} mismatches")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
