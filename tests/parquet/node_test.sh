# Sourced by the Parquet tests that run DuckDB through Node (ROOT set):
# exits 77 (skipped) without Node.js or bench/node_modules (the node_deps
# test), makes $tmp (removed at exit) with the kernel cache in it, and
# defines fail.
export KPIC_NODE_MODULES="$ROOT/bench/node_modules"
if ! command -v node > /dev/null || [ ! -d "$KPIC_NODE_MODULES/@duckdb/node-api" ]; then
  echo "SKIP: Node.js or bench/node_modules (the node_deps test) is missing"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export KPIC_CACHE_DIR="$tmp/cache"
fail() { echo "FAIL: $*"; exit 1; }
