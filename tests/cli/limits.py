#!/usr/bin/env python3
"""Input whose cost grew with a literal's value or a message's shape, not
with its size (hang probe, 2026-12-07). Each case ran for minutes, ran out
of memory, crashed or gave wrong numbers; each must now end quickly with
the right answer or a coded refusal. No case asserts a time: the process
limits (a timeout, an address-space cap) make a regression fail.

- `sales.rolling(999999999 weeks)` reached period ordinals whose first
  days overflowed: every week read 0.00. It is every row up to the week.
- A goal by day from year 1 to 9999 (3.65 million periods) took 7.5 GB.
- A CSV of 12,000 columns and two rows reserved 65,537 rows per column.
- The language server crashed on JSON nested a million deep, and grew
  without bound on input without the blank line that ends headers.

usage: limits.py KPIC"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

KPIC = sys.argv[1]
checks = Checks("limits")
expect = checks.expect
LIMIT = ["prlimit", "--as=3000000000"]
# A sanitizer build maps terabytes of shadow memory and cannot start under
# an address-space cap: there the timeouts alone bound the cases.
_probe = subprocess.run(LIMIT + [KPIC, "--version"], capture_output=True)
if _probe.returncode != 0 and b"Sanitizer" in _probe.stderr:
    LIMIT = []


def kpic(*args, stdin=None, timeout=60):
    try:
        return subprocess.run(LIMIT + [KPIC, *args], input=stdin, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        checks.fail(f"kpic {' '.join(args[:3])} ran past {timeout} s")
        return None


tmp = tempfile.mkdtemp()
# 400 days from 2025-01-01, 2.50 CNY on day k (k = 0..399) plus k cents.
rows, total = ["day,amount"], 0
for k in range(400):
    cents = 250 + k
    total += cents
    day = subprocess.run(["date", "-u", "-d", f"2025-01-01 +{k} days", "+%F"], capture_output=True, text=True).stdout.strip()
    rows.append(f"{day},{cents // 100}.{cents % 100:02d}")
with open(os.path.join(tmp, "s.csv"), "w") as f:
    f.write("\n".join(rows) + "\n")
with open(os.path.join(tmp, "m.kpi"), "w") as f:
    f.write("""package lim
calendar { time_zone "UTC" }
source s from csv("s.csv") {
  day:    date time
  amount: decimal(2) unit CNY
}
metric sales: CNY = sum(s.amount)
metric ever: CNY = sales.rolling(999999999 weeks)
metric ever_days: CNY = sales.rolling(9223372036854775807 days)
goal daily {
  metric sales
  period 2025-01-01 .. 2026-02-05 by day
  target sales >= 3 CNY
}
""")

# The last week's rolling sum is every row: the sum of (250 + k) cents.
p = kpic("run", tmp, "--metric", "ever", "--grain", "week", "--format", "json", "--no-cache")
if p:
    expect("rolling of 999999999 weeks: exit", p.returncode, 0)
    if p.returncode == 0:
        last = json.loads(p.stdout)["results"][0]["rows"][-1]["value"]
        expect("rolling of 999999999 weeks: the whole sum", last, f"{total // 100}.{total % 100:02d}")

# A count near 2^63 wrapped below the floor (review, 2026-12-07): the
# first day's rolling sum is its own 2.50, the last day's every row.
p = kpic("run", tmp, "--metric", "ever_days", "--grain", "day", "--format", "json", "--no-cache")
if p:
    expect("rolling of 2^63-1 days: exit", p.returncode, 0)
    if p.returncode == 0:
        rows = json.loads(p.stdout)["results"][0]["rows"]
        expect("rolling of 2^63-1 days: first and last", (rows[0]["value"], rows[-1]["value"]),
               ("2.50", f"{total // 100}.{total % 100:02d}"))

# A goal by day over 9,999 years: refused (exit 5), naming the goal.
p = kpic("run", tmp, "--goal", "daily", "--from", "0001-01-01", "--to", "9999-12-31", "--no-cache")
if p:
    expect("goal of 3.65 million days: exit 5", p.returncode, 5)
    expect("goal of 3.65 million days: says so", b"goal `daily` has 3652058 periods" in p.stderr, True)
# Its own 400 days (2025-01-01 to 2026-02-04) run.
p = kpic("run", tmp, "--goal", "daily", "--format", "json", "--no-cache")
if p:
    expect("goal of 400 days: exit", p.returncode, 0)
    if p.returncode == 0:
        expect("goal of 400 days: periods", len(json.loads(p.stdout)["goals"][0]["periods"]), 400)

# 12,000 int columns, two rows: read within 3 GB of address space.
wide = os.path.join(tmp, "wide")
os.makedirs(wide)
cols = 12000
with open(os.path.join(wide, "w.csv"), "w") as f:
    f.write("day," + ",".join(f"c{i}" for i in range(cols)) + "\n")
    for d in ("2026-01-01", "2026-01-02"):
        f.write(d + "," + ",".join(str(i % 7) for i in range(cols)) + "\n")
with open(os.path.join(wide, "w.kpi"), "w") as f:
    f.write('source w from csv("w.csv") {\n  day: date time\n' + "".join(f"  c{i}: int\n" for i in range(cols)) +
            "}\nmetric total = sum(w.c11999)\n")
p = kpic("check", wide, "--data")
if p:
    expect("12,000 columns: check --data exit", (p.returncode, p.stderr[-300:]), (0, p.stderr[-300:]))
p = kpic("run", wide, "--metric", "total", "--grain", "all", "--format", "json", "--no-cache")
if p:
    # c11999 is 11999 % 7 = 1 on each of the two rows.
    expect("12,000 columns: the sum", json.loads(p.stdout)["results"][0]["rows"][0]["value"] if p.returncode == 0 else None, 2)


def frame(body):
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def lsp(data):
    p = kpic("lsp", stdin=data, timeout=60)
    if not p:
        return None, []
    out, msgs = p.stdout, []
    while out:
        head, _, rest = out.partition(b"\r\n\r\n")
        n = int(head.split(b":")[1])
        msgs.append(json.loads(rest[:n]))
        out = rest[n:]
    return p, msgs


init = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"rootUri": None, "capabilities": {}}}).encode()
shutdown = json.dumps({"jsonrpc": "2.0", "id": 9, "method": "shutdown"}).encode()
end = json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode()
n = 1000000
deep = b'{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":' + b"[" * n + b"]" * n + b"}"
p, msgs = lsp(frame(init) + frame(deep) + frame(shutdown) + frame(end))
if p:
    expect("lsp, JSON nested a million deep: exit", p.returncode, 0)
    errors = [m["error"]["message"] for m in msgs if "error" in m]
    expect("lsp, JSON nested a million deep: refused", errors, ["the message nests more than 256 levels"])
    expect("lsp, JSON nested a million deep: answers after it", any(m.get("id") == 9 for m in msgs), True)

# 8 MB without the blank line that ends headers: one error, then the
# stream ends (exit 1: the client went away before `exit`).
p, msgs = lsp(frame(init) + b"X" * (8 << 20))
if p:
    errors = [m["error"]["message"] for m in msgs if "error" in m]
    expect("lsp, no end of headers: one error", errors, ["no end of the message's headers (a blank line) in its first 64 KB"])

checks.finish()
