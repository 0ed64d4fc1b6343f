#!/usr/bin/env python3
"""Sources read besides the scans, and SQL that must print what kpic run
prints (probe of 2026-12-06), each against values worked out here:

- `working_days()` on SQLite with the calendar's flag column stored as text
  (`true`, as `sqlite3 .import` stores it): the make-up working days were
  lost (18 and 20 days, not 19 and 21).
- The stamp names the rates source of a `convert` and the calendar's
  working-days source, so `kpic verify` says the data changed when a rate
  does (it said "a label, a title, the request ... did").
- `kpic lint` does not call the working-days source unused (L0002).
- PostgreSQL prints an empty group's sum of money as 0.00, not 0.
- PostgreSQL takes a difference of timestamps between instants: 23:30 CET
  to 04:30 CEST (Europe/Berlin, 30 March 2025) is 4 hours, not 5, in
  `kpic sql` over wall-clock `timestamp` columns and in `kpic run --engine
  postgres` over `timestamptz` ones.
usage: reads_besides.py KPIC [PG_URI]"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

KPIC = os.path.abspath(sys.argv[1])
PG = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("KPIC_PG_URI", "postgresql://postgres@127.0.0.1:55432/postgres")
checks = Checks("reads besides")
tmp = tempfile.mkdtemp()


def write(name, text):
    with open(os.path.join(tmp, name), "w") as f:
        f.write(text)


def kpic(*args, code=0):
    p = subprocess.run([KPIC, *args], capture_output=True, text=True, cwd=tmp)
    if p.returncode != code:
        checks.fail(f"kpic {' '.join(args)}: exit {p.returncode}, want {code}: {p.stderr[-600:]}")
    return p


# January 2025 has 23 weekdays; 5 of them are holidays and Sunday 26
# January is worked: 19. February has 20 weekdays and Saturday 8 February
# is worked: 21.
holidays = [("2025-01-01", "false"), ("2025-01-28", "false"), ("2025-01-29", "false"), ("2025-01-30", "false"),
            ("2025-01-31", "false"), ("2025-01-26", "true"), ("2025-02-08", "true")]
write("holidays.csv", "day,working\n" + "".join(f"{d},{w}\n" for d, w in holidays))
write("orders.csv", "day,store,amount\n2025-01-03,A,10.00\n2025-01-04,B,5.50\n2025-02-05,A,7.25\n")
write("rates.csv", "day,from,to,rate\n2025-01-01,CNY,USD,0.14\n")
write("p.kpi", """package p
calendar { time_zone "UTC"  working_days holidays }
dimension store: string
source holidays from csv("holidays.csv") { day: date time, working: bool }
source orders from csv("orders.csv") { day: date time, store: string -> store, amount: decimal(2) unit CNY }
source rates from csv("rates.csv") { day: date time, from: string, to: string, rate: decimal(4) }
metric wd = working_days()
metric sales: CNY = sum(orders.amount)
metric sales_usd: USD = convert(sales, USD, rates)
""")
kpic("check", "p.kpi")

db = os.path.join(tmp, "p.db")
con = sqlite3.connect(db)
con.execute("CREATE TABLE holidays (day TEXT, working TEXT)")
con.executemany("INSERT INTO holidays VALUES (?, ?)", holidays)
con.commit()
sql = kpic("sql", "p.kpi", "--metric", "wd", "--from", "2025-01-01", "--to", "2025-03-01", "--dialect", "sqlite").stdout
rows = con.execute(sql).fetchall() if sql else []
checks.expect("sqlite: working days with text flags", [(r[0], r[1]) for r in rows],
              [("2025-01-01", 19), ("2025-02-01", 21)])
run = kpic("run", "p.kpi", "--metric", "wd", "--from", "2025-01-01", "--to", "2025-03-01", "--format", "json").stdout
if run:
    checks.expect("run: working days", [r["value"] for r in json.loads(run)["results"][0]["rows"]], [19, 21])

out = kpic("run", "p.kpi", "--metric", "sales_usd,wd", "--grain", "all", "--from", "2025-01-01", "--to", "2025-03-01",
           "--format", "json", "-o", os.path.join(tmp, "u.json"))
with open(os.path.join(tmp, "u.json")) as f:
    checks.expect("stamp: sources read", sorted(json.load(f)["stamp"]["data"]), ["holidays", "orders", "rates"])
kpic("verify", os.path.join(tmp, "u.json"))
write("rates.csv", "day,from,to,rate\n2025-01-01,CNY,USD,0.15\n")
v = kpic("verify", os.path.join(tmp, "u.json"), code=7)
checks.expect("verify: the rates changed", "rates" in v.stdout + v.stderr, True)

lint = kpic("lint", "p.kpi")
checks.expect("lint: working-days source used", "holidays` is read by no metric" in lint.stdout + lint.stderr, False)

# PostgreSQL: store B has no order in February; its sales are 0.00.
p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", PG], capture_output=True, text=True,
                   input=f"""DROP SCHEMA IF EXISTS kpic_besides_{os.getpid()} CASCADE;
CREATE SCHEMA kpic_besides_{os.getpid()};
CREATE TABLE kpic_besides_{os.getpid()}.orders (day date, store text, amount numeric(12,2));
INSERT INTO kpic_besides_{os.getpid()}.orders VALUES ('2025-01-03','A',10.00),('2025-01-04','B',5.50),('2025-02-05','A',7.25);
""")
if p.returncode != 0:
    checks.fail(f"psql: {p.stderr[-400:]}")
else:
    sql = kpic("sql", "p.kpi", "--metric", "sales", "--by", "store", "--dialect", "postgres").stdout
    q = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", ",", PG], capture_output=True, text=True,
                       input=f"SET search_path = kpic_besides_{os.getpid()};\n" + sql)
    got = [tuple(line.split(",")[:3]) for line in q.stdout.splitlines() if line]
    checks.expect("postgres: an empty group's money", got,
                  [("2025-01-01", "A", "10.00"), ("2025-01-01", "B", "5.50"), ("2025-02-01", "A", "7.25"),
                   ("2025-02-01", "B", "0.00")])
    # e1: 23:30 CET to 04:30 CEST, 4 hours; e2: 10:00 to 12:00 in June, 2.
    S = f"kpic_besides_{os.getpid()}"
    os.makedirs(os.path.join(tmp, "dst"))
    with open(os.path.join(tmp, "dst", "t.csv"), "w") as f:
        f.write("id,a,b\ne1,2025-03-29T23:30:00,2025-03-30T04:30:00\ne2,2025-06-01T10:00:00,2025-06-01T12:00:00\n")
    with open(os.path.join(tmp, "dst", "p.kpi"), "w") as f:
        f.write('package dst\ncalendar { time_zone "Europe/Berlin" }\n'
                'source t from csv("t.csv") { id: string key, a: timestamp time, b: timestamp }\n'
                'metric hours = sum(t.b - t.a)\n')
    subprocess.run(["psql", "-X", "-q", PG], capture_output=True, text=True, input=f'''
CREATE TABLE {S}.t (id text, a timestamp, b timestamp);
INSERT INTO {S}.t VALUES ('e1', '2025-03-29 23:30', '2025-03-30 04:30'), ('e2', '2025-06-01 10:00', '2025-06-01 12:00');
CREATE TABLE {S}.tz (id text, a timestamptz, b timestamptz);
INSERT INTO {S}.tz VALUES ('e1', '2025-03-29 23:30+01', '2025-03-30 04:30+02'), ('e2', '2025-06-01 10:00+02', '2025-06-01 12:00+02');
''')
    dst = os.path.join(tmp, "dst")
    run = kpic("run", dst, "--metric", "hours", "--grain", "all", "--format", "csv").stdout
    checks.expect("run: hours across the change of clocks", run.splitlines()[1:], ["all,6,"])
    sql = kpic("sql", dst, "--metric", "hours", "--grain", "all", "--dialect", "postgres").stdout
    q = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", ",", PG], capture_output=True, text=True,
                       input=f"SET search_path = {S};\n" + sql)
    checks.expect("postgres sql: hours", [line.split(",")[0] for line in q.stdout.splitlines() if line], ["6"])
    for table in ("t", "tz"):
        out = kpic("run", dst, "--metric", "hours", "--grain", "all", "--format", "csv", "--engine", "postgres",
                   "--bind", f"t={PG}#{S}.{table}").stdout
        checks.expect(f"--engine postgres over {table}: hours", out.splitlines()[1:], ["all,6,"])
    # A member with a control character, read by --engine postgres: the
    # message names the column as declared (it said `member`, the query's
    # alias: role probe, 2026-12-07).
    subprocess.run(["psql", "-X", "-q", PG], capture_output=True, text=True, input=f'''
CREATE TABLE {S}.ch (day date, channel text, amount numeric(12,2));
INSERT INTO {S}.ch VALUES ('2025-01-03', 'web', 1.00), ('2025-01-04', E'bad\\x1bone', 2.00);
''')
    os.makedirs(os.path.join(tmp, "ch"))
    with open(os.path.join(tmp, "ch", "p.kpi"), "w") as f:
        f.write('package ch\ndimension channel: string\n'
                'source ch from csv("ch.csv") { day: date time, channel: string -> channel, amount: decimal(2) }\n'
                'metric amt = sum(ch.amount)\n')
    bad = kpic("run", os.path.join(tmp, "ch"), "--metric", "amt", "--by", "channel", "--engine", "postgres",
               "--bind", f"ch={PG}#{S}.ch", code=3)
    checks.expect("--engine postgres: a bad member names its column", "column `channel`" in bad.stderr, True)
    checks.expect("--engine postgres: not the alias", "`member`" in bad.stderr, False)
    # A timestamp parameter keeps its fraction of a second in the SQL: the
    # rule `o.at >= t` with t at 10:00:00.5 let 10:00:00 and 10:00:00.3
    # through (role probe, 2026-12-07). Amounts 1, 10, 100, 1000 at
    # :00, :00.3, :00.7, :01: by hand 1100 from .5 on, 10 at exactly .3.
    subprocess.run(["psql", "-X", "-q", PG], capture_output=True, text=True, input=f'''
CREATE TABLE {S}.tf (id text, at timestamp, amount numeric(12,2));
INSERT INTO {S}.tf VALUES ('o1', '2026-01-07 10:00:00', 1), ('o2', '2026-01-07 10:00:00.3', 10),
  ('o3', '2026-01-07 10:00:00.7', 100), ('o4', '2026-01-07 10:00:01', 1000);
''')
    os.makedirs(os.path.join(tmp, "tf"))
    with open(os.path.join(tmp, "tf", "p.kpi"), "w") as f:
        f.write('package tf\nsource tf from csv("tf.csv") { id: string key, at: timestamp time, amount: decimal(2) }\n'
                'metric amt = sum(tf.amount)\n'
                'role after(t: timestamp) { tf where tf.at >= t }\nrole exact(t: timestamp) { tf where tf.at == t }\n')
    for role, t, want in (("after", "2026-01-07T10:00:00.5", "1100.00"), ("exact", "2026-01-07T10:00:00.3", "10.00")):
        out = kpic("run", os.path.join(tmp, "tf"), "--metric", "amt", "--grain", "all", "--format", "csv", "--engine",
                   "postgres", "--bind", f"tf={PG}#{S}.tf", "--role", role, "--param", f"t={t}").stdout
        checks.expect(f"--engine postgres: a timestamp parameter's fraction ({role})", out.splitlines()[1:],
                      [f"all,{want},"])
    subprocess.run(["psql", "-X", "-q", PG], input=f"DROP SCHEMA kpic_besides_{os.getpid()} CASCADE;",
                   capture_output=True, text=True)
checks.finish()
