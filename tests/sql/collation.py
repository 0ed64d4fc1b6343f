#!/usr/bin/env python3
"""A role's filter and a lookup's key compare text byte for byte in every
engine, also over columns whose collation ignores case (SQLite's NOCASE,
a PostgreSQL ICU collation that is not deterministic). Until 2026-12-04
`kpic sql --role` and `--engine postgres` compared with `=` under the
column's collation, so the manager of store `a` saw store `A`'s rows, and
an order of product `p1` found product `P1` (security probe).

The values are worked out by hand: store `A` sold 100.00 of product `P1`,
store `a` sold 1.00 of product `p1`; `P1` is brand X, `p1` brand Y.

usage: collation.py KPIC PG_URI
"""
from decimal import Decimal
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

kpic, pg = sys.argv[1], sys.argv[2]
d = tempfile.mkdtemp()
with open(os.path.join(d, "p.kpi"), "w") as f:
    f.write('''package coll
source orders from csv("orders.csv") {
  id:      string key
  day:     date time
  store:   string
  product: string references products
  amount:  decimal(2)
}
source products from csv("products.csv") {
  pid:   string key
  brand: string
}
metric sales = sum(orders.amount)
role store_manager(s: string) {
  orders where orders.store == s
  products: all
}
role brand_manager(b: string) {
  orders: all
  products where products.brand == b
}
role stores(s: string) {
  orders where orders.store in ("a", "z") and orders.store == s
  products: all
}
''')
ORDERS = [("1", "2026-01-05", "A", "P1", "100.00"), ("2", "2026-01-06", "a", "p1", "1.00")]
PRODUCTS = [("P1", "X"), ("p1", "Y")]
with open(os.path.join(d, "orders.csv"), "w") as f:
    f.write("id,day,store,product,amount\n" + "".join(",".join(r) + "\n" for r in ORDERS))
with open(os.path.join(d, "products.csv"), "w") as f:
    f.write("pid,brand\n" + "".join(",".join(r) + "\n" for r in PRODUCTS))

# (role, parameter, sales by hand)
CASES = [("store_manager", "s=a", "1.00"), ("store_manager", "s=A", "100.00"),
         ("brand_manager", "b=X", "100.00"), ("brand_manager", "b=Y", "1.00"), ("stores", "s=a", "1.00")]
failed = []


def sql(dialect, role, param):
    p = subprocess.run([kpic, "sql", d, "--metric", "sales", "--grain", "all", "--role", role, "--param", param,
                        "--dialect", dialect], capture_output=True, text=True, check=True)
    return p.stdout


def check(where, got, want):
    if got != want:
        failed.append(f"{where}: got {got!r}, by hand {want!r}")


# SQLite, the text columns declared COLLATE NOCASE.
db = sqlite3.connect(":memory:")
db.execute("CREATE TABLE orders (id TEXT, day TEXT, store TEXT COLLATE NOCASE, product TEXT COLLATE NOCASE, amount TEXT)")
db.execute("CREATE TABLE products (pid TEXT COLLATE NOCASE, brand TEXT COLLATE NOCASE)")
db.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)", ORDERS)
db.executemany("INSERT INTO products VALUES (?, ?)", PRODUCTS)
for role, param, want in CASES:
    cur = db.execute(sql("sqlite", role, param))
    rows, names = cur.fetchall(), [c[0] for c in cur.description]
    check(f"sqlite {role} {param}", rows[0][names.index("sales")] if rows else None, want)

# PostgreSQL, the text columns under a case-insensitive ICU collation:
# kpic sql, and kpic run --engine postgres over the same tables.
schema = f"kpic_coll_{os.getpid()}"
setup = f'''DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};
CREATE COLLATION {schema}.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE {schema}.orders (id text, day date, store text COLLATE {schema}.ci, product text COLLATE {schema}.ci, amount numeric);
CREATE TABLE {schema}.products (pid text COLLATE {schema}.ci, brand text COLLATE {schema}.ci);
''' + "".join(f"INSERT INTO {schema}.orders VALUES ('{a}', '{b}', '{c}', '{e}', {g});\n" for a, b, c, e, g in ORDERS) + \
    "".join(f"INSERT INTO {schema}.products VALUES ('{a}', '{b}');\n" for a, b in PRODUCTS)
subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", pg, "-c", setup], check=True, capture_output=True)
try:
    for role, param, want in CASES:
        q = f"SET search_path = {schema};\n" + sql("postgres", role, param)
        p = subprocess.run(["psql", "-q", "-A", "-v", "ON_ERROR_STOP=1", pg], input=q, capture_output=True, text=True)
        lines = p.stdout.strip().splitlines()
        got = dict(zip(lines[0].split("|"), lines[1].split("|")))["sales"] if p.returncode == 0 else p.stderr.strip()
        check(f"postgres kpic sql {role} {param}", got, want)
        binds = [a for t in ("orders", "products") for a in ("--bind", f"{t}={pg}#{schema}.{t}")]
        for engine in ("postgres", "jit"):
            p = subprocess.run([kpic, "run", d, "--metric", "sales", "--grain", "all", "--role", role, "--param", param,
                                "--engine", engine, "--format", "csv", *binds], capture_output=True, text=True)
            got = p.stdout.splitlines()[1].split(",")[1] if p.returncode == 0 else p.stderr.strip()
            check(f"postgres --engine {engine} {role} {param}", got, want)
finally:
    subprocess.run(["psql", "-q", pg, "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"], capture_output=True)

# A `string` column that the database stores as a number (DuckDB's
# read_csv_auto, a bigint id in PostgreSQL, an INTEGER in SQLite), and a
# comparison with null: the byte-for-byte comparison casts to text first
# (COLLATE on a number, or on NULL in DuckDB, was an error; review of
# 2026-12-04). By hand: store 101 sold 100.00; no store is null. (`== null`
# is E0307 since 2026-12-06, never true; a null store is `is null`, and a
# string compared with a possibly null one is `if(...)` below.)
n = tempfile.mkdtemp()
with open(os.path.join(n, "p.kpi"), "w") as f:
    f.write("""source orders from csv("orders.csv") {
  id:     string key
  day:    date time
  store:  string
  amount: decimal(2)
}
metric sales = sum(orders.amount)
metric no_store = sum(orders.amount) where orders.store == if(orders.amount > 1000, "x", null)
role mgr(s: string) {
  orders where orders.store == s
}
""")
with open(os.path.join(n, "orders.csv"), "w") as f:
    f.write("id,day,store,amount\n1,2026-01-05,101,100.00\n2,2026-01-06,7,1.00\n")


def nsql(dialect):
    return subprocess.run([kpic, "sql", n, "--metric", "sales,no_store", "--grain", "all", "--role", "mgr", "--param",
                           "s=101", "--dialect", dialect], capture_output=True, text=True, check=True).stdout


WANT = {"sales": "100.00", "no_store": "0.00"}
db = sqlite3.connect(":memory:")
db.execute("CREATE TABLE orders (id TEXT, day TEXT, store INTEGER, amount TEXT)")
db.executemany("INSERT INTO orders VALUES (?, ?, ?, ?)", [("1", "2026-01-05", 101, "100.00"), ("2", "2026-01-06", 7, "1.00")])
cur = db.execute(nsql("sqlite"))
row, names = cur.fetchall()[0], [c[0] for c in cur.description]
check("sqlite INTEGER store", {k: str(row[names.index(k)]) for k in WANT}, WANT)
subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", pg, "-c",
                f"CREATE SCHEMA {schema}; CREATE TABLE {schema}.orders (id text, day date, store bigint, amount numeric); "
                f"INSERT INTO {schema}.orders VALUES ('1', '2026-01-05', 101, 100.00), ('2', '2026-01-06', 7, 1.00)"],
               check=True, capture_output=True)
try:
    p = subprocess.run(["psql", "-q", "-A", "-v", "ON_ERROR_STOP=1", pg],
                       input=f"SET search_path = {schema};\n" + nsql("postgres"), capture_output=True, text=True)
    lines = p.stdout.strip().splitlines()
    # (PostgreSQL prints an empty sum's 0 without its scale: compared as numbers.)
    got = ({k: str(Decimal(v).quantize(Decimal("0.01"))) for k, v in zip(lines[0].split("|"), lines[1].split("|"))
            if k in WANT} if p.returncode == 0 else p.stderr)
    check("postgres bigint store", got, WANT)
finally:
    subprocess.run(["psql", "-q", pg, "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"], capture_output=True)
node_modules = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../bench/node_modules")
if os.path.isdir(os.path.join(node_modules, "@duckdb")):
    with open(os.path.join(n, "q.sql"), "w") as f:
        f.write(nsql("duckdb"))
    manifest = {"tables": [{"name": "orders", "csv": os.path.join(n, "orders.csv"),
                            "columns": {"id": "VARCHAR", "day": "DATE", "store": "BIGINT", "amount": "DECIMAL(12,2)"},
                            "strings": []}], "queries": [os.path.join(n, "q.sql")]}
    with open(os.path.join(n, "m.json"), "w") as f:
        json.dump(manifest, f)
    p = subprocess.run(["node", os.path.join(os.path.dirname(os.path.abspath(__file__)), "duckdb_exec.mjs"),
                        os.path.join(n, "m.json")], capture_output=True, text=True,
                       env=dict(os.environ, KPIC_NODE_MODULES=node_modules))
    out = json.loads(p.stdout)[0] if p.returncode == 0 else {"error": p.stderr}
    got = {k: v for k, v in zip(out["columns"], out["rows"][0]) if k in WANT} if "rows" in out else out
    check("duckdb BIGINT store", got, WANT)

if failed:
    sys.exit("\n".join(failed))
print(f"collation: {len(CASES) * 5 + 3} results equal the values by hand (SQLite NOCASE, PostgreSQL ICU, numbers stored for text)")
