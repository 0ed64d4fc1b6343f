#!/usr/bin/env python3
"""The property behind `kpic check` (docs/testing.md, "Check accepts, engines
compute"): whenever `check` exits 0, then for every metric and goal

  - `compile --emit plan` succeeds;
  - `run` succeeds on the interpreter and on the JIT (at grain `all`, which
    every metric answers, and at grain month, where only a coded request
    error, E0602, may refuse);
  - `sql` succeeds in every dialect the package declares; in the others it
    succeeds or refuses with E0502 (a construct that dialect cannot compute).

Nothing may end in exit 70 (a bug), a crash, a timeout, or an exit 2 without
a code. Packages: the examples, the test packages, and random packages from
tests/property/gen_package.py.

usage: check_run.py KPIC ROOT [--seeds FIRST:LAST] [--no-fixed]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("kpic")
ap.add_argument("root")
ap.add_argument("--seeds", default=os.environ.get("KPIC_PROPERTY_SEEDS", "1:150"),
                help="random packages FIRST:LAST (inclusive); default $KPIC_PROPERTY_SEEDS or 1:150")
ap.add_argument("--no-fixed", action="store_true", help="skip the examples and test packages")
args = ap.parse_args()
KPIC, ROOT = os.path.abspath(args.kpic), os.path.abspath(args.root)
DIALECTS = ["postgres", "duckdb", "sqlite", "trino", "spark", "clickhouse", "bigquery"]
failures = []
stats = {"packages": 0, "checked_clean": 0, "refused_by_check": 0, "commands": 0}


def call(cmd):
    stats["commands"] += 1
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return None, "", "timeout"
    return p.returncode, p.stdout, p.stderr


DATA_ERRORS_ALLOWED = False  # the fixed packages' data may be hostile on purpose (exit 3)


def expect(cmd, allowed_codes=()):
    """Exit 0, or exit 2 with one of `allowed_codes` (error[CODE])."""
    rc, out, err = call(cmd)
    if rc == 0 or (rc == 3 and DATA_ERRORS_ALLOWED and err.startswith("error[data]")):
        return out
    if rc == 2 and any(f"error[{c}]" in err for c in allowed_codes):
        return None
    failures.append(f"exit {rc}: {' '.join(cmd)}\n    {err.strip()[:400]}")
    return None


def declared_dialects(pkg):
    found = set()
    for dirpath, _, files in os.walk(pkg):
        for f in files:
            if f.endswith(".kpi"):
                text = open(os.path.join(dirpath, f), encoding="utf-8").read()
                for m in re.finditer(r"\bdialects\s+\[?([a-z, \n]+)", text):
                    found.update(d.strip() for d in m.group(1).replace("\n", ",").split(",") if d.strip() in DIALECTS)
    return found


def run_package(pkg):
    stats["packages"] += 1
    rc, _, err = call([KPIC, "check", pkg])
    if rc == 1:
        stats["refused_by_check"] += 1
        return
    if rc != 0:
        failures.append(f"check exit {rc}: {pkg}\n    {err.strip()[:400]}")
        return
    stats["checked_clean"] += 1
    rc, out, err = call([KPIC, "catalog", pkg, "--format", "json"])
    if rc != 0:
        failures.append(f"catalog exit {rc}: {pkg}\n    {err.strip()[:400]}")
        return
    cat = json.loads(out)
    metrics = [m["name"] for m in cat["metrics"] if not m["package"].startswith("std")]
    goals = [g["name"] for g in cat["goals"] if not g["package"].startswith("std")]
    declared = declared_dialects(pkg)
    sel = ["--metric", ",".join(metrics)] if metrics else []
    if metrics:
        expect([KPIC, "compile", pkg, *sel, "--grain", "all", "--emit", "plan"])
        for engine in ("interp", "jit"):
            expect([KPIC, "run", pkg, *sel, "--grain", "all", "--engine", engine, "--format", "json"])
            expect([KPIC, "run", pkg, *sel, "--grain", "month", "--engine", engine, "--format", "json"], ["E0602"])
    for g in goals:
        for engine in ("interp", "jit"):
            expect([KPIC, "run", pkg, "--goal", g, "--engine", engine, "--format", "json"], ["E0602"])
    for d in DIALECTS:
        allowed = ["E0602"] if d in declared else ["E0602", "E0502"]
        if metrics:
            expect([KPIC, "sql", pkg, *sel, "--grain", "month", "--dialect", d], allowed)
        for g in goals:
            expect([KPIC, "sql", pkg, "--goal", g, "--dialect", d], allowed)


fixed = []
if not args.no_fixed:
    for base in ("examples", "tests/engine", "tests"):
        for name in sorted(os.listdir(os.path.join(ROOT, base))):
            d = os.path.join(ROOT, base, name)
            if os.path.isdir(d) and any(f.endswith(".kpi") for f in os.listdir(d)) and d not in fixed:
                fixed.append(d)
DATA_ERRORS_ALLOWED = True
for pkg in fixed:
    run_package(pkg)
DATA_ERRORS_ALLOWED = False
first, last = (int(x) for x in args.seeds.split(":"))
with tempfile.TemporaryDirectory() as tmp:
    for seed in range(first, last + 1):
        d = os.path.join(tmp, str(seed))
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/property/gen_package.py"), d, str(seed)], check=True)
        before = len(failures)
        run_package(d)
        if len(failures) > before:
            failures.append(f"  (package of seed {seed}: python3 tests/property/gen_package.py DIR {seed})")

for f in failures:
    print("FAIL", f)
print(f"property: {stats['packages']} packages ({len(fixed)} fixed, seeds {args.seeds}), "
      f"{stats['checked_clean']} clean, {stats['refused_by_check']} refused by check, "
      f"{stats['commands']} commands, {len(failures)} failures")
sys.exit(1 if failures else 0)
