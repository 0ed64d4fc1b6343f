# Shared by the benchmark scripts: the generated data and the DuckDB peer.
# Source it after setting ROOT.

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

# ensure_duckdb: installs @duckdb/node-api into bench/node_modules once.
ensure_duckdb() {
  if [ ! -d "$ROOT/bench/node_modules/@duckdb/node-api" ]; then
    echo "installing @duckdb/node-api..." >&2
    (cd "$ROOT/bench" && npm install --no-save --silent @duckdb/node-api >/dev/null)
  fi
}
