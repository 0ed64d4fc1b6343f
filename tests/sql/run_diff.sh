#!/usr/bin/env bash
# The SQL differential test: `kpic sql` run on SQLite, PostgreSQL (the test
# server) and DuckDB (@duckdb/node-api; skipped, with a message, only when
# Node.js is missing; the test then reports itself skipped, exit 77) must equal `kpic run`, for the examples and for a
# randomised suite (tests/sql/gen_random.py); and the exact decimals of
# tests/sql/exact_decimals.py over tables that store them as floats.
# usage: run_diff.sh KPIC ROOT   (needs the server of `scripts/pg start`)
set -euo pipefail
KPIC=$1 ROOT=$(cd "$2" && pwd)
dialects=sqlite,postgres
skipped=0
if command -v node >/dev/null && command -v npm >/dev/null; then
  # shellcheck source=../../bench/common.sh
  source "$ROOT/bench/common.sh"
  ensure_duckdb
  dialects+=,duckdb
else
  echo "SKIP duckdb dialect: Node.js is missing (install nodejs and npm to run it)"
  skipped=1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
extra=()
for seed in ${KPIC_SQL_SEEDS:-1 2 3 4 5 6 7 8}; do
  python3 "$ROOT/tests/sql/gen_random.py" "$tmp/r$seed" "$seed"
  extra+=(--extra "$tmp/r$seed:$tmp/r$seed/cases.json")
done
# Long formulas (SQLite's parser stops at about 100 nested brackets): by hand, then on every engine.
python3 "$ROOT/tests/sql/gen_deep.py" "$tmp/deep" --verify "$KPIC"
extra+=(--extra "$tmp/deep:$tmp/deep/cases.json")
python3 "$ROOT/tests/sql/sql_diff.py" "$KPIC" "$ROOT" --dialects "$dialects" "${extra[@]}"
# Roles and lookups compare text byte for byte, whatever the columns' collation.
python3 "$ROOT/tests/sql/collation.py" "$KPIC" "${KPIC_PG_URI:-postgresql://postgres@127.0.0.1:55432/postgres}"
# --engine postgres takes every number PostgreSQL returns (by hand).
python3 "$ROOT/tests/sql/pg_values.py" "$KPIC" "${KPIC_PG_URI:-postgresql://postgres@127.0.0.1:55432/postgres}"
# SQLite decimals stored as text: taken as written, never through a double.
python3 "$ROOT/tests/sql/sqlite_text_decimals.py" "$KPIC"
python3 "$ROOT/tests/sql/sqlite_storage.py" "$KPIC"
python3 "$ROOT/tests/sql/quoting.py" "$KPIC"
# Exact decimals over float-typed tables, and values that are not decimals.
python3 "$ROOT/tests/sql/exact_decimals.py" "$KPIC" "$ROOT" --dialects "$dialects"
# round() of a double: as written, half away from zero, everywhere (by hand).
python3 "$ROOT/tests/sql/round_floats.py" "$KPIC" "$ROOT" --dialects "$dialects"
# Infinite and out-of-range dates and timestamps stop PostgreSQL and DuckDB too.
python3 "$ROOT/tests/sql/infinite_times.py" "$KPIC" "$ROOT" --dialects "$(echo "$dialects" | tr ',' '\n' | grep -E '^(postgres|duckdb)$' | paste -sd, -)"
# Everything else passed, but a part did not run: CTest shows it skipped.
[ $skipped -eq 0 ] || exit 77
