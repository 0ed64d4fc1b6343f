#!/usr/bin/env python3
"""`kpic sql --dialect sqlite` over what SQLite really stores (probe,
2026-12-05). Expected values by hand.

- An exact metric that leaves 64 bits (a product of sums, a sum of sums)
  became a REAL without a word, and was printed as a scaled integer:
  `1068518400000.0.775807.0`. It is now an error, as kpic run's overflow
  is; within 64 bits the value is exact.
- `int` and `float` columns stored as text (`sqlite3 .import` makes TEXT
  columns) compared as text: `'10' < '3'`, so max(q) of 2, 10, 9 was 9.
  Their text is now read as the number it writes; other text is an error.
- `bool` columns stored as text: 'false' and 'true' both read as 0.

usage: sqlite_storage.py KPIC
"""
import os
import sqlite3
import subprocess
import sys
import tempfile

kpic = sys.argv[1]
d = tempfile.mkdtemp()
with open(os.path.join(d, "p.kpi"), "w") as f:
    f.write('source t from csv("t.csv") {\n  day: date time\n  amt: decimal(2)\n  q: int\n  f: float\n}\n'
            'metric fx = sum(t.amt) * 7.123456\n'
            'metric sq = sum(t.q) * sum(t.q)\n'
            'metric plus = sum(t.q) + sum(t.q)\n'
            'metric small = count(t where t.q < 3)\n'
            'metric top = max(t.q)\n'
            'metric fbig = count(t where t.f > 5)\n'
            'metric fsum = sum(t.f)\n')
with open(os.path.join(d, "t.csv"), "w") as f:
    f.write("day,amt,q,f\n2026-01-01,1.00,1,1\n")


def sql(metrics):
    return subprocess.run([kpic, "sql", d, "--metric", metrics, "--grain", "all", "--dialect", "sqlite"],
                          capture_output=True, text=True, check=True).stdout


def run(metrics, create, rows):
    db = sqlite3.connect(":memory:")
    db.execute(create)
    db.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
    try:
        cur = db.execute(sql(metrics))
        names = [c[0] for c in cur.description]
        row = cur.fetchall()[0]
        return {n: str(v) for n, v in zip(names, row)}
    except sqlite3.Error as e:
        return str(e)


failed = []


def expect(what, got, want):
    if got != want:
        failed.append(f"{what}: got {got!r}, by hand {want!r}")


typed = "CREATE TABLE t (day TEXT, amt INTEGER, q INTEGER, f REAL)"
# 15,000,000,000,000 (an INTEGER amount, 1.5e15 cents) x 7.123456 (7123456e-6): 1.07e22 needs 74 bits.
got = run("fx", typed, [("2026-01-01", 15000000000000, 1, 1.0)])
expect("product past 64 bits", "overflowed 64 bits" in str(got), True)
# Within 64 bits it is exact: 1,500 (stored as an INTEGER) x 7.123456 = 10685.18400000.
expect("product within 64 bits", run("fx", typed, [("2026-01-01", 1500, 1, 1.0)])["fx"], "10685.18400000")
# 3037000500^2 > 2^63 - 1; 2^62 + 2^62 = 2^63.
expect("int product past 64 bits", "overflowed 64 bits" in str(run("sq", typed, [("2026-01-01", 0, 3037000500, 1.0)])), True)
expect("int product within", run("sq", typed, [("2026-01-01", 0, 3037000499, 1.0)])["sq"], str(3037000499 ** 2))
expect("sum of sums past 64 bits", "overflowed 64 bits" in str(run("plus", typed, [("2026-01-01", 0, 2 ** 62, 1.0)])), True)

text = "CREATE TABLE t (day TEXT, amt TEXT, q TEXT, f TEXT)"
rows = [("2026-01-01", "1.00", "2", "1.5"), ("2026-01-01", "1.00", "10", "10.25"), ("2026-01-02", "1.00", "9", "9")]
got = run("small,top,fbig,fsum", text, rows)
expect("int as text: q < 3", got["small"], "1")
expect("int as text: max", got["top"], "10")
expect("float as text: f > 5", got["fbig"], "2")
expect("float as text: sum", got["fsum"], "20.75")
got = run("top", text, rows + [("2026-01-03", "1.00", "12abc", "1")])
expect("int text not a number", "value 12abc is not" in str(got), True)
got = run("fsum", text, rows + [("2026-01-03", "1.00", "1", "1e")])
expect("float text not a number", "value 1e is not a number" in str(got), True)
got = run("top", text, rows + [("2026-01-03", "1.00", "2.5", "1")])
expect("int text with a fraction", "value 2.5 is not a whole number" in str(got), True)

# (review, 2026-12-05) An INTEGER int is read as it is (2^53 + 1 went
# through a double), and the empty text `sqlite3 .import` stores for an
# empty field is null, as kpic run reads an empty field.
with open(os.path.join(d, "p.kpi"), "w") as f:
    f.write('source t from csv("t.csv") {\n  day: date time\n  amt: decimal(2)\n  q: int\n  f: float\n}\n'
            'metric top = max(t.q)\nmetric q_n = count(t.q)\nmetric f_n = count(t.f)\nmetric a_n = count(t.amt)\n')
got = run("top", typed, [("2026-01-01", 1, 2 ** 53 + 1, 1.0)])
expect("INTEGER above 2^53", got["top"], str(2 ** 53 + 1))
got = run("q_n,f_n,a_n", text, [("2026-01-01", "", "", ""), ("2026-01-01", "1.50", "3", "2.5")])
expect("empty text is null", (got["q_n"], got["f_n"], got["a_n"]) if isinstance(got, dict) else got, ("1", "1", "1"))
os.remove(os.path.join(d, "p.kpi"))

# Under a role an error shows no value (the row may be outside the role),
# as kpic run's do; without a role it does.
with open(os.path.join(d, "r.kpi"), "w") as f:
    f.write('source u from csv("u.csv") {\n  day: date time\n  store: string\n  amt: decimal(2)\n}\n'
            'metric total = sum(u.amt)\nrole r(st: string) { u where u.store == st }\n')
with open(os.path.join(d, "u.csv"), "w") as f:
    f.write("day,store,amt\n2026-01-01,A,1.00\n")
for role, shown in [([], True), (["--role", "r", "--param", "st=A"], False)]:
    text = subprocess.run([kpic, "sql", d, "--metric", "total", "--grain", "all", "--dialect", "sqlite", *role],
                          capture_output=True, text=True, check=True).stdout
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE u (day TEXT, store TEXT, amt TEXT)")
    db.execute("INSERT INTO u VALUES ('2026-01-01', 'A', 'secret9')")
    try:
        db.execute(text).fetchall()
        got = "no error"
    except sqlite3.Error as e:
        got = str(e)
    expect(f"role {role}: the value in the error", "secret9" in got, shown)
    expect(f"role {role}: an error", "is not a decimal number" in got, True)

# (probe, 2026-12-05) A `bool` column stored as text: SQLite reads 'false'
# and 'true' alike as 0, so `not returned` took every row (kept 60.00 where
# it is 40.00). Read as kpic run reads it; other text is an error.
with open(os.path.join(d, "b.kpi"), "w") as f:
    f.write('source v from csv("v.csv") {\n  day: date time\n  amt: decimal(2)\n  returned: bool\n}\n'
            'metric kept = sum(v.amt where not v.returned)\nmetric back = sum(v.amt where v.returned)\n'
            'metric known = count(v.returned)\n')
with open(os.path.join(d, "v.csv"), "w") as f:
    f.write("day,amt,returned\n2026-01-01,1.00,false\n")
bsql = subprocess.run([kpic, "sql", d, "--metric", "kept,back,known", "--grain", "all", "--dialect", "sqlite"],
                      capture_output=True, text=True, check=True).stdout


def bools(values):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE v (day TEXT, amt TEXT, returned TEXT)")
    db.executemany("INSERT INTO v VALUES ('2026-01-01', ?, ?)", values)
    try:
        cur = db.execute(bsql)
        names = [c[0] for c in cur.description]
        return {n: str(x) for n, x in zip(names, cur.fetchall()[0])}
    except sqlite3.Error as e:
        return str(e)


got = bools([("10.00", "false"), ("20.00", "true"), ("30.00", "false")])
expect("bool as text: not returned", (got["kept"], got["back"]), ("40.00", "20.00"))
# T, Yes, 1, the INTEGER 1 are true; F, no, 0, the INTEGER 0 false; '' and NULL null.
got = bools([("1.00", "T"), ("2.00", "Yes"), ("4.00", "1"), ("8.00", 1), ("16.00", "F"), ("32.00", "no"),
             ("64.00", "0"), ("128.00", 0), ("256.00", ""), ("512.00", None)])
expect("bool spellings", (got["back"], got["kept"], got["known"]), ("15.00", "240.00", "8"))
got = bools([("1.00", "maybe")])
expect("bool text not a boolean", "value maybe is not a boolean" in str(got), True)
got = bools([("1.00", 2)])
expect("bool INTEGER 2", "value 2 is not a boolean" in str(got), True)
os.remove(os.path.join(d, "b.kpi"))

if failed:
    print("\n".join(failed))
    sys.exit(1)
print("sqlite_storage: 22 checks passed")
