#!/usr/bin/env bash
# `kpic fmt`: the canonical form of a hand-written messy file (every rule
# once, expected output reviewed by hand), the examples and stdlib are
# committed formatted, and every .kpi file in the repository (examples,
# stdlib, every test case) formats idempotently, changing whitespace only
# and nothing that `kpic compile --emit checked` sees.
# usage: fmt_test.sh KPIC ROOT
set -euo pipefail
KPIC=$1 ROOT=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# 1. The messy file (BOM, CRLF, comments of every kind, units, type
#    parameters, signs, alignment by display width) against its expected form.
#    Then regressions found by fuzz_format: lone_cr.kpi (a line comment ended
#    by a lone CR swallowed the next line's code). governance.kpi: a metric's
#    governance attributes (`status`, `approver`, `definition`) on lines of
#    their own and after the formula. alert_lines.kpi (attacker probe,
#    2026-12-05): an alert over several lines kept as one continued item
#    (its `severity` line was aligned as one of the goal's items).
for case in messy lone_cr governance alert_lines; do
  "$KPIC" fmt - < "$ROOT/tests/fmt/$case.kpi" > "$tmp/$case.out"
  diff -u "$ROOT/tests/fmt/$case.expected.kpi" "$tmp/$case.out" || { echo "FAIL $case.kpi"; fail=1; }
  "$KPIC" fmt - < "$ROOT/tests/fmt/$case.expected.kpi" | cmp -s - "$ROOT/tests/fmt/$case.expected.kpi" ||
    { echo "FAIL: the expected form of $case is not a fixed point"; fail=1; }
done

# 2. The committed examples and stdlib are formatted.
"$KPIC" fmt --check "$ROOT/examples" "$ROOT/stdlib" "$ROOT/tests/engine/periods" "$ROOT/tests/engine/fiscal" \
  "$ROOT/tests/stdlib" > "$tmp/changed" 2>&1 || { echo "FAIL: not formatted:"; cat "$tmp/changed"; fail=1; }

# 3. Every .kpi file: idempotent, whitespace only, same meaning.
cp -r "$ROOT/examples" "$ROOT/stdlib" "$ROOT/tests" "$tmp/"
rm -rf "$tmp/tests/fmt"
"$KPIC" fmt "$tmp/examples" "$tmp/stdlib" "$tmp/tests" > /dev/null 2> "$tmp/first" || true
if "$KPIC" fmt --check "$tmp/examples" "$tmp/stdlib" "$tmp/tests" > "$tmp/second" 2>/dev/null ||
   [ ! -s "$tmp/second" ]; then :; else
  echo "FAIL: formatting twice changes:"; cat "$tmp/second"; fail=1
fi
files=0
while IFS= read -r f; do
  rel=${f#"$tmp"/}
  [ "$rel" != "${rel#tests/fmt/}" ] && continue
  files=$((files + 1))
  # Only whitespace differs (a BOM and CRLF are whitespace here).
  if ! cmp -s <(tr -d ' \t\r\n' < "$ROOT/$rel" | sed 's/^\xEF\xBB\xBF//') <(tr -d ' \t\r\n' < "$f"); then
    echo "FAIL: $rel: formatting changed more than whitespace"; fail=1
  fi
done < <(find "$tmp/examples" "$tmp/stdlib" "$tmp/tests" -name '*.kpi')
for pkg in examples/retail examples/saas tests/engine/periods tests/engine/fiscal; do
  cp -r "$ROOT/$pkg/data" "$tmp/$pkg/" 2>/dev/null || true
  # (warnings name their files: compared without the directory)
  "$KPIC" compile "$ROOT/$pkg" --emit checked 2>&1 | sed "s|$ROOT/||g" > "$tmp/before" || true
  "$KPIC" compile "$tmp/$pkg" --emit checked 2>&1 | sed "s|$tmp/||g" > "$tmp/after" || true
  diff -q "$tmp/before" "$tmp/after" > /dev/null || { echo "FAIL: $pkg means something else formatted"; fail=1; }
done
echo "fmt: $files files formatted idempotently, whitespace only; $(grep -o '[0-9]* files* not formatted' "$tmp/first" || echo 'none') (syntax errors, by design)"

# 4. --check and the exit codes.
printf 'metric  x = 1\n' > "$tmp/one.kpi"
set +e
"$KPIC" fmt --check "$tmp/one.kpi" > "$tmp/out" 2>/dev/null; rc=$?
set -e
[ $rc -eq 1 ] && grep -q one.kpi "$tmp/out" || { echo "FAIL: --check should list one.kpi and exit 1 (got $rc)"; fail=1; }
grep -q 'metric  x' "$tmp/one.kpi" || { echo "FAIL: --check wrote the file"; fail=1; }
"$KPIC" fmt "$tmp/one.kpi" 2>/dev/null && grep -q '^metric x = 1$' "$tmp/one.kpi" || { echo "FAIL: fmt did not rewrite"; fail=1; }
printf 'metric x = (1\n' > "$tmp/bad.kpi"
set +e
"$KPIC" fmt "$tmp/bad.kpi" > /dev/null 2> "$tmp/err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "E01" "$tmp/err" && grep -q '^metric x = (1$' "$tmp/bad.kpi" ||
  { echo "FAIL: a file with syntax errors must be left alone, with diagnostics, exit 1 (got $rc)"; fail=1; }
exit $fail
