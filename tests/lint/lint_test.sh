#!/usr/bin/env bash
# `kpic lint`: exit codes, the four formats, per-package levels, and SARIF
# that the SARIF SDK's validator accepts, including GitHub code scanning's
# ingestion rules (`--rule-kind "Sarif;Gh"`; skipped, with a message, only
# without npm). The rules' findings themselves are diagnostics goldens
# (tests/diagnostics/cases/lint_*.kpi).
# usage: lint_test.sh KPIC ROOT
set -euo pipefail
KPIC=$1 ROOT=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
cases="$ROOT/tests/diagnostics/cases"
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

# The examples lint clean but for the retail goal's conversion alert, which
# reads the traffic source: it cannot fire per customer type or category,
# and says so (W0007), twice.
"$KPIC" lint "$ROOT/examples" --format gcc > "$tmp/out" 2> "$tmp/err"
if [ "$(grep -c ': warning: ' "$tmp/out")" = 2 ] && [ "$(grep -c 'goals.kpi:11:3: warning: .*\[W0007\]$' "$tmp/out")" = 2 ]; then
  ok "examples lint clean but for W0007"
else
  bad "examples: $(cat "$tmp/out" "$tmp/err")"
fi
set +e
"$KPIC" lint "$cases/lint_goal_owner.kpi" 2> /dev/null; rc_warn=$?
"$KPIC" lint "$cases/lint_unused.kpi" 2> /dev/null; rc_err=$?
"$KPIC" lint --format gcc "$cases/lint_unused.kpi" > "$tmp/gcc" 2>/dev/null
"$KPIC" lint --format json "$cases/lint_unused.kpi" > "$tmp/json" 2>/dev/null
"$KPIC" lint --format sarif "$cases/lint_goal_owner.kpi" "$cases/lint_unused.kpi" "$cases/lint_languages.kpi" \
  "$cases/names_unknown_column.kpi" > "$tmp/out.sarif" 2>/dev/null
set -e
[ $rc_warn -eq 0 ] && ok "warnings only: exit 0" || bad "warnings only should exit 0, got $rc_warn"
[ $rc_err -eq 1 ] && ok "a rule set to error: exit 1" || bad "a rule set to error should exit 1, got $rc_err"
grep -q "lint_unused.kpi:12:8: error: source \`returns\` is read by no metric" "$tmp/gcc" && ok "gcc format" ||
  bad "gcc: $(cat "$tmp/gcc")"
python3 - "$tmp/json" "$tmp/out.sarif" <<'PY' && ok "json and sarif shapes" || bad "json or sarif shape"
import json, sys
j = json.load(open(sys.argv[1]))
codes = sorted(d["code"] for d in j["diagnostics"])
assert codes == ["L0002", "L0003"], codes
s = json.load(open(sys.argv[2]))
assert s["version"] == "2.1.0"
run = s["runs"][0]
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
assert "L0001" in rules and "E0201" in rules
results = run["results"]
got = sorted((r["ruleId"], r["level"]) for r in results)
assert ("L0002", "error") in got and ("L0001", "warning") in got and ("L0005", "warning") in got, got
for r in results:
    assert rules[r["ruleIndex"]] == r["ruleId"]
    loc = r["locations"][0]["physicalLocation"]
    assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
assert run["columnKind"] == "unicodeCodePoints"
# A rule off by default (L0003, `lint --rules`) is not enabled in SARIF; one
# on is (it said "warning" for both: LSP probe, 2026-12-07).
conf = {r["id"]: r["defaultConfiguration"] for r in run["tool"]["driver"]["rules"]}
assert conf["L0003"].get("enabled") is False and conf["L0001"].get("enabled", True) is True, conf
PY
if command -v npm > /dev/null; then
  # shellcheck source=../../bench/common.sh
  source "$ROOT/bench/common.sh"
  ensure_duckdb
  tool="$ROOT/bench/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
  chmod +x "$tool"
  (cd "$tmp" && "$tool" validate out.sarif --rule-kind "Sarif;Gh" -o validation.sarif > validation.txt 2>&1) || true
  python3 - "$tmp/validation.sarif" <<'PY' && ok "SARIF validates (schema and GitHub ingestion rules)" || { bad "SARIF validation"; cat "$tmp/validation.txt"; }
import json, sys
log = json.load(open(sys.argv[1]))
errors = [r for run in log["runs"] for r in run.get("results", []) if r.get("level", "warning") == "error"]
for e in errors:
    print(e["ruleId"], e["message"].get("text") or e["message"].get("arguments"))
sys.exit(1 if errors else 0)
PY
else
  echo "SKIP SARIF validation: npm is missing (it installs the SARIF SDK's validator)"
  [ $fail -eq 0 ] && fail=77
fi
exit $fail
