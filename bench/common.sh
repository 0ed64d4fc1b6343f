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

# ensure_browser_deps: installs tests/browser/package.json (puppeteer-core,
# axe-core, pngjs, pixelmatch: the browser test suite) into
# tests/browser/node_modules once.
ensure_browser_deps() {
  local dir=$ROOT/tests/browser
  if [ ! -d "$dir/node_modules/puppeteer-core" ] || [ ! -d "$dir/node_modules/axe-core" ] ||
     [ ! -d "$dir/node_modules/pixelmatch" ] || [ ! -d "$dir/node_modules/pngjs" ]; then
    echo "installing tests/browser/package.json..." >&2
    (cd "$dir" && npm install --no-audit --no-fund --no-package-lock --silent >/dev/null)
  fi
}

# Timing helpers (OUT set): `ms CMD...` runs CMD with its stdout in
# $OUT/last.out and stderr in $OUT/last.err and prints the wall time in ms;
# `median "LIST"`; `field PREFIX out|err` finds PREFIX<number> in last.out
# or last.err; `ratio A B` is A / B to two places.
ms() { local s e; s=$(date +%s%N); "$@" > "$OUT/last.out" 2> "$OUT/last.err"; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { printf '%s\n' $1 | sort -n | sed -n "$(( ($(echo $1 | wc -w) + 1) / 2 ))p"; }
field() { grep -o "$1[0-9.]*" "$OUT/last.$2" | head -1 | sed "s/$1//"; }
ratio() { echo "scale=2; $1 / $2" | bc; }
