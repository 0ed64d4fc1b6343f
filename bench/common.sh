# Shared by the benchmark scripts: the generated data and the DuckDB peer.
# Source it after setting ROOT.

source "$ROOT/scripts/lib.sh"
# The scripts time with GNU time (peak RSS) and compute ratios with bc.
ensure_packages time bc

# ensure_orders DIR ROWS: generates orders.csv and sessions.csv once per row count.
ensure_orders() {
  local out=$1 rows=$2
  mkdir -p "$out"
  if [ ! -f "$out/orders.csv" ] || [ "$(cat "$out/rows" 2>/dev/null)" != "$rows" ]; then
    echo "generating $rows rows..." >&2
    "$ROOT/build/bench/gen_orders" "$out" "$rows"
    echo "$rows" > "$out/rows"
  fi
}

# ensure_duckdb: installs bench/package.json (@duckdb/node-api, node-sql-parser,
# @microsoft/sarif-multitool) into bench/node_modules once.
ensure_duckdb() {
  if [ ! -d "$ROOT/bench/node_modules/@duckdb/node-api" ] || [ ! -d "$ROOT/bench/node_modules/node-sql-parser" ] ||
     [ ! -d "$ROOT/bench/node_modules/@microsoft/sarif-multitool" ]; then
    echo "installing bench/package.json..." >&2
    (cd "$ROOT/bench" && npm install --no-audit --no-fund --no-package-lock --silent >/dev/null)
  fi
}
