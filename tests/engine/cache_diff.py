#!/usr/bin/env python3
"""Differential test of the state cache (exec/state_cache.h).

A CSV file and a Parquet dataset (a folder of files) go through a seeded
random series of changes: rows appended, a row edited in the middle, rows
deleted, a Parquet file added, rewritten or removed, the definitions
changed, the role and its parameter changed. After each change the same
query runs with the state cache (shared across the whole series) and with
--no-cache; the two outputs must be byte for byte the same. The cached run
must also have used the cache as the change allows (an append reads only
the appended rows; an unchanged Parquet file is served from the cache),
and the revenue per channel is checked against Python's own sums (exact
decimals) of the current data.

usage: cache_diff.py KPIC NODE_MODULES_DIR [STEPS [SEED]]
Longer runs: scripts/cache_diff STEPS SEED (recorded seeds in the script).
"""
import csv
import decimal
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

KPIC = sys.argv[1]
NODE_MODULES = sys.argv[2]
STEPS = int(sys.argv[3]) if len(sys.argv) > 3 else 24
# Under the sanitizers (scripts/test) the first KPIC_CACHE_DIFF_STEPS steps
# of the same seeded series: the same cases, fewer of them.
STEPS = min(STEPS, int(os.environ.get("KPIC_CACHE_DIFF_STEPS", STEPS)))
SEED = int(sys.argv[4]) if len(sys.argv) > 4 else 20261203
rng = random.Random(SEED)
tmp = tempfile.mkdtemp(prefix="kpic-cache-diff-")
os.environ["KPIC_CACHE_DIR"] = os.path.join(tmp, "cache")
os.environ.pop("KPIC_NO_CACHE", None)
failures = 0
python_checks = 0

STORES = ["S01", "S02", "S03", "上海静安店", "S05"]
CHANNELS = ["online", "offline", "app"]
TYPES = ["new", "vip", "returning"]

COLUMNS = """  ts:            timestamp  time
  store_id:      string     -> store
  channel:       string     -> channel
  customer_id:   int        entity customer
  customer_type: string
  amount:        decimal(2) unit CNY
  qty:           int
"""
KPI = """package cachediff

dimension channel: string
dimension store: string

source orders from csv("orders.csv") {{
{columns}}}

source porders from parquet("porders") {{
{columns}}}

role manager "店长"(store_id: string) {{
  orders  where orders.store_id == store_id
  porders where porders.store_id == store_id
}}

metric revenue: CNY = sum(orders.amount{filter})
metric orders_n = count(orders)
metric customers = count_distinct(orders.customer_id)
metric types = count_distinct(orders.customer_type)
metric aov: CNY = avg(orders.amount)
metric biggest: CNY = max(orders.amount)
metric smallest: CNY = min(orders.amount)
metric qty_sd = stddev(orders.qty)
metric qty_median = median(orders.qty)
metric vip_share = sum(orders.amount where orders.customer_type == "vip") / revenue
metric p_revenue: CNY = sum(porders.amount{pfilter})
metric p_customers = count_distinct(porders.customer_id)
metric p_types = count_distinct(porders.customer_type)
metric p_p90 = percentile(porders.qty, 0.9)
"""
METRICS = "revenue,orders_n,customers,types,aov,biggest,smallest,qty_sd,qty_median,vip_share"
PMETRICS = "p_revenue,p_customers,p_types,p_p90"
FIELDS = ["ts", "store_id", "channel", "customer_id", "customer_type", "amount", "qty"]


def row(day=None):
    day = day if day is not None else rng.randrange(0, 120)
    month, d = divmod(day, 28)
    return [f"2026-{month + 1:02d}-{d + 1:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00",
            rng.choice(STORES), rng.choice(CHANNELS), str(rng.randrange(1, 400)), rng.choice(TYPES),
            f"{rng.randrange(1, 100000) / 100:.2f}", str(rng.randrange(1, 9))]


def write_csv(path, rows, mode="w"):
    with open(path, mode, newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        if mode == "w":
            w.writerow(FIELDS)
        w.writerows(rows)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))[1:]


def write_parquet(path, rows):
    """One Parquet file, written by DuckDB from a CSV of the rows."""
    src = path + ".csv"
    write_csv(src, rows)
    script = f"""
import {{ DuckDBInstance }} from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:', {{ threads: '1' }});
const con = await db.connect();
await con.run(`COPY (SELECT * FROM read_csv('{src}', header = true, columns = {{
  'ts': 'TIMESTAMP', 'store_id': 'VARCHAR', 'channel': 'VARCHAR', 'customer_id': 'BIGINT',
  'customer_type': 'VARCHAR', 'amount': 'DECIMAL(18,2)', 'qty': 'BIGINT'}}))
  TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 700)`);
"""
    js = os.path.join(NODE_MODULES, "..", f"cache-diff-{os.getpid()}.mjs")
    with open(js, "w") as f:
        f.write(script)
    try:
        subprocess.run(["node", js], check=True)
    finally:
        os.remove(js)
    os.remove(src)


def run(args, cache):
    cmd = [KPIC, "run", os.path.join(tmp, "pkg"), "--format", "csv", "--engine", "jit"] + args
    cmd += ["--timings"] if cache else ["--no-cache"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg)


pkg = os.path.join(tmp, "pkg")
os.makedirs(os.path.join(pkg, "porders"))
filt = ""
with open(os.path.join(pkg, "m.kpi"), "w") as f:
    f.write(KPI.format(columns=COLUMNS, filter=filt, pfilter=filt))
rows = [row() for _ in range(3000)]
write_csv(os.path.join(pkg, "orders.csv"), rows)
pfiles = {}
for k in range(3):
    pfiles[f"part{k}.parquet"] = [row() for _ in range(1500)]
    write_parquet(os.path.join(pkg, "porders", f"part{k}.parquet"), pfiles[f"part{k}.parquet"])
next_file = 3
role = []

# Every kind of change once, in a seeded order, then seeded choices with
# appends the likeliest: a short series (the sanitizers') still has each.
KINDS = ["append", "edit", "delete", "truncate", "padd", "prewrite", "premove", "define", "role", "none"]
FIRST = rng.sample(KINDS, len(KINDS))
for step in range(STEPS + 1):
    op = "start" if step == 0 else FIRST[step - 1] if step <= len(FIRST) else rng.choice(
        ["append", "append", "append", "edit", "delete", "truncate", "padd", "prewrite", "premove", "define",
         "role", "none"])
    expect_csv = None  # what the cached run must say of orders.csv
    expect_pq_read = None  # how many Parquet files it must read
    path = os.path.join(pkg, "orders.csv")
    if op == "append":
        new = [row(rng.randrange(100, 140)) for _ in range(rng.randrange(1, 60))]
        write_csv(path, new, mode="a")
        rows += new
        expect_csv = "appended read"
    elif op == "edit":
        # Anywhere: in the whole file's entry, or in an append's delta entry.
        i = rng.randrange(len(rows))
        rows[i][5] = f"{rng.randrange(1, 100000) / 100:.2f}"
        write_csv(path, rows)
    elif op == "delete":
        i = rng.randrange(len(rows) - 10)
        del rows[i:i + rng.randrange(1, 10)]
        write_csv(path, rows)
        expect_csv = "rows read"
    elif op == "truncate":
        # What was cached before the cut (the whole file's entry and the
        # appends' delta entries that are still there) is served.
        del rows[-rng.randrange(1, 20):]
        write_csv(path, rows)
    elif op == "padd":
        name = f"part{next_file}.parquet"
        next_file += 1
        pfiles[name] = [row(rng.randrange(100, 140)) for _ in range(rng.randrange(1, 800))]
        write_parquet(os.path.join(pkg, "porders", name), pfiles[name])
        expect_pq_read = 1
    elif op == "prewrite":
        name = rng.choice(sorted(pfiles))
        pfiles[name][rng.randrange(len(pfiles[name]))][5] = "1.23"
        write_parquet(os.path.join(pkg, "porders", name), pfiles[name])
        expect_pq_read = 1
    elif op == "premove" and len(pfiles) > 1:
        name = rng.choice(sorted(pfiles))
        del pfiles[name]
        os.remove(os.path.join(pkg, "porders", name))
        expect_pq_read = 0
    elif op == "define":
        filt = rng.choice(["", " where orders.qty > 2", " where orders.channel != \"app\""])
        with open(os.path.join(pkg, "m.kpi"), "w") as f:
            f.write(KPI.format(columns=COLUMNS, filter=filt, pfilter=filt.replace("orders.", "porders.")))
    elif op == "role":
        role = rng.choice([[], ["--role", "manager", "--param", "store_id=" + rng.choice(STORES)]])
    before = failures
    # The main query (by channel per month) runs at every step, so its
    # entries are those of the step before; a random one runs as well.
    queries = [("channel", "month", True),
               (rng.choice(["channel", "store", "channel,store"]), rng.choice(["month", "week", "day"]), False)]
    for (by, grain, main), (metrics, source) in [(q, m) for q in queries for m in ((METRICS, "orders"),
                                                                                    (PMETRICS, "porders"))]:
        if not main and (by, grain) == ("channel", "month"):
            continue
        args = ["--metric", metrics, "--by", by, "--grain", grain] + role
        code_c, out_c, err_c = run(args, True)
        code_n, out_n, err_n = run(args, False)
        label = f"step {step} ({op}, {source}, by {by} {grain}{' ' + ' '.join(role) if role else ''})"
        if code_c != 0 or code_n != 0:
            fail(f"{label}: exit {code_c}/{code_n}\n{err_c}\n{err_n}")
            continue
        if out_c != out_n:
            fail(f"{label}: the cached run differs from the cold one")
            for a, b in zip(out_c.splitlines(), out_n.splitlines()):
                if a != b:
                    print("  cached:", a, "\n  cold:  ", b)
                    break
            continue
        cache_lines = [l for l in err_c.splitlines() if "timings: cache:" in l]
        if not cache_lines:
            fail(f"{label}: the cached run did not use the cache:\n{err_c}")
        if role:
            # Under a role, --timings says nothing that changes with rows
            # outside it: not what was appended, nor how many files it read.
            if any(not l.endswith(": read through the state cache") for l in cache_lines):
                fail(f"{label}: under a role, a cache line tells more than that it was used: {cache_lines}")
        elif source == "orders" and main and expect_csv and not any(expect_csv in l for l in cache_lines):
            fail(f"{label}: expected `{expect_csv}` in {cache_lines}")
        elif source == "porders" and main and expect_pq_read is not None:
            want = f"{expect_pq_read} read"
            if not any(f"from the cache" in l and f", {want} (" in l for l in cache_lines):
                fail(f"{label}: expected {want} Parquet file(s) in {cache_lines}")
        # Revenue per channel, by Python, when the query is by channel per month without a role.
        if source == "orders" and by == "channel" and grain == "month" and not role:
            want = {}
            for r in rows:
                if filt == " where orders.qty > 2" and int(r[6]) <= 2:
                    continue
                if filt == " where orders.channel != \"app\"" and r[2] == "app":
                    continue
                key = (r[0][:7], r[2])
                want[key] = want.get(key, decimal.Decimal(0)) + decimal.Decimal(r[5])
            got = {}
            for rec in csv.DictReader(io.StringIO(out_c)):
                if rec.get("revenue") not in (None, ""):
                    got[(rec["period"][:7], rec["channel"])] = decimal.Decimal(rec["revenue"])
            python_checks += 1
            if {k: v for k, v in got.items() if v != 0 or k in want} != want:
                fail(f"{label}: revenue per channel differs from Python's sums")
    if failures == before:
        print(f"step {step}: {op}: cached and cold runs agree")

# The cache's own commands: stats lists entries, files are private.
st = json.loads(subprocess.run([KPIC, "cache", "stats", "--format", "json"], capture_output=True, text=True,
                               check=True).stdout)
if st["entries"] < 2 or st["bytes"] <= 0:
    fail(f"cache stats: {st}")
for name in os.listdir(st["dir"]):
    mode = os.stat(os.path.join(st["dir"], name)).st_mode & 0o777
    if mode != 0o600:
        fail(f"entry {name} has mode {oct(mode)}")
if os.stat(st["dir"]).st_mode & 0o777 != 0o700:
    fail("the cache folder is not 0700")
shutil.rmtree(tmp)
if failures:
    print(f"{failures} failure(s) (seed {SEED}, {STEPS} steps)")
    sys.exit(1)
if python_checks < STEPS // 3:
    fail(f"only {python_checks} checks against Python's sums")
print(f"state cache: {STEPS} random changes (seed {SEED}): cached runs equal cold runs; "
      f"{python_checks} revenue tables equal Python's sums")
