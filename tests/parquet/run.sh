#!/usr/bin/env bash
# The Parquet writers test: installs tests/parquet/package.json (DuckDB,
# apache-arrow, parquet-wasm) into tests/parquet/node_modules once,
# generates the test files into OUT_DIR, and compares kpic's reading of
# each with DuckDB's. Exit 77 (skipped) without npm.
# usage: run.sh PARQUET_DUMP OUT_DIR
set -euo pipefail
dump=$1
out=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! command -v npm > /dev/null || ! command -v node > /dev/null; then
  echo "npm is missing: the Parquet writers test is skipped"
  exit 77
fi
if [ ! -d "$here/node_modules/parquet-wasm" ] || [ ! -d "$here/node_modules/@duckdb/node-api" ] ||
   [ ! -d "$here/node_modules/apache-arrow" ]; then
  (cd "$here" && npm install --no-audit --no-fund --no-package-lock --silent > /dev/null)
fi
rm -rf "$out"
node "$here/gen.mjs" "$out"
node "$here/compare.mjs" "$dump" "$out"
