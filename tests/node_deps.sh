#!/usr/bin/env bash
# Installs bench/package.json (DuckDB, node-sql-parser, the SARIF SDK's
# validator) and tests/browser/package.json (puppeteer-core, axe-core, pngjs,
# pixelmatch) once, before the tests that use them run in parallel; without
# Node.js and npm it exits 77 (skipped in CTest), and those tests skip their
# Node parts and report themselves skipped too.
# usage: node_deps.sh ROOT
set -euo pipefail
ROOT=$(cd "$1" && pwd)
if ! command -v npm > /dev/null; then
  echo "SKIP: npm is missing: the DuckDB, SQL syntax and SARIF checks will be skipped"
  exit 77
fi
# shellcheck source=../bench/common.sh
source "$ROOT/bench/common.sh"
ensure_duckdb
echo "bench/node_modules ready"
ensure_browser_deps
echo "tests/browser/node_modules ready"
