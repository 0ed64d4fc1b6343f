#!/usr/bin/env python3
"""The editor benchmark (docs/performance.md): a workspace of 2,000 metrics
in 50 files (bench/gen_lsp_workspace.py); `kpic lsp` is driven over stdio
like an editor. Measures the time from sending `didChange` to receiving
that document's `publishDiagnostics` (debounce included) over N edits that
alternately break and repair a formula, the server's peak memory, and
`kpic lint` of the whole workspace.

usage: lsp_bench.py KPIC WORKSPACE [EDITS]
"""
import json
import statistics
import subprocess
import sys
import time

kpic, ws = sys.argv[1], sys.argv[2]
edits = int(sys.argv[3]) if len(sys.argv) > 3 else 60
p = subprocess.Popen([kpic, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def send(msg):
    body = json.dumps(msg).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    p.stdin.flush()


def read():
    length = None
    while True:
        line = p.stdout.readline()
        if line in (b"\r\n", b"\n"):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(p.stdout.read(length))


def wait_diags(uri):
    while True:
        m = read()
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
            return m["params"]["diagnostics"]


send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"rootUri": "file://" + ws, "capabilities": {}}})
while read().get("id") != 1:
    pass
path = ws + "/metrics_25.kpi"
uri = "file://" + path
text = open(path, encoding="utf-8").read()
t0 = time.perf_counter()
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "kpi", "version": 1, "text": text}}})
wait_diags(uri)
first = (time.perf_counter() - t0) * 1000
line = next(i for i, l in enumerate(text.splitlines()) if "orders.amount" in l)
col = text.splitlines()[line].index("orders.amount") + len("orders.")
times = []
for k in range(edits):
    new = "amout" if k % 2 == 0 else "amount"
    old_len = 6 if k % 2 == 0 else 5
    t0 = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didChange",
          "params": {"textDocument": {"uri": uri, "version": k + 2},
                     "contentChanges": [{"range": {"start": {"line": line, "character": col},
                                                   "end": {"line": line, "character": col + old_len}}, "text": new}]}})
    d = wait_diags(uri)
    times.append((time.perf_counter() - t0) * 1000)
    assert (len(d) > 0) == (k % 2 == 0), d
status = open(f"/proc/{p.pid}/status").read()
hwm = next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1]
send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
send({"jsonrpc": "2.0", "method": "exit"})
p.wait(timeout=10)
t0 = time.perf_counter()
subprocess.run([kpic, "lint", ws], capture_output=True)
lint_ms = (time.perf_counter() - t0) * 1000
times.sort()
p95 = times[int(0.95 * (len(times) - 1))]
print(f"lsp: open {first:.0f} ms; didChange -> publishDiagnostics over {edits} edits: "
      f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms (25 ms debounce included)")
print(f"lsp: server peak memory (VmHWM) {int(hwm) / 1024:.0f} MB")
print(f"lint: whole workspace {lint_ms:.0f} ms (wall, process start included)")
