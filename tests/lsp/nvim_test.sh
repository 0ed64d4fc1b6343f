#!/usr/bin/env bash
# neovim (Debian 12: 0.7.2) as a real LSP client of `kpic lsp`; see
# nvim_test.lua. Installed by scripts/test.
# usage: nvim_test.sh KPIC ROOT
set -euo pipefail
KPIC=$1 ROOT=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$ROOT/examples/retail" "$tmp/retail"
rm -rf "$tmp/retail/out"
export KPIC OUT="$tmp/result.json" HOME="$tmp"
timeout 60 nvim --headless --clean -c "luafile $ROOT/tests/lsp/nvim_test.lua" "$tmp/retail/metrics.kpi" > /dev/null 2>&1 || true
[ -s "$OUT" ] || { echo "FAIL: neovim wrote no result"; exit 1; }
python3 - "$OUT" "$tmp/retail" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps(r, ensure_ascii=False))
ok = (r.get("initialized") is True and r.get("clean") == 0 and r.get("code") == "E0206"
      and r.get("lnum") == r.get("edit_line") and r.get("col") == r.get("edit_col")
      and "**sales** 销售额" in r.get("hover", "")
      and r.get("def_uri", "").endswith("/retail/metrics.kpi") and r.get("def_line") == 3)
print("neovim: diagnostic E0206 at the typed error, hover and definition" if ok else "FAIL: neovim")
sys.exit(0 if ok else 1)
PY
