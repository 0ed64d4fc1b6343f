#!/usr/bin/env bash
# The example data in the repository is exactly what the generators write.
set -eu
ROOT="$1"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
for ex in retail saas; do
  python3 "$ROOT/examples/$ex/gen_data.py" "$TMP/$ex" >/dev/null
  if diff -r "$TMP/$ex" "$ROOT/examples/$ex/data" >/dev/null; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: examples/$ex/data differs from what gen_data.py writes"
  fi
done
echo "data: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
