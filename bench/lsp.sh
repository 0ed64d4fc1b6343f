#!/usr/bin/env bash
# The editor benchmark: 2,000 metrics in 50 files; `kpic lsp` time from
# didChange to publishDiagnostics (p95, debounce included), its peak memory,
# and `kpic lint` of the workspace. Figures go to docs/performance.md.
# usage: bench/lsp.sh [EDITS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
out="$ROOT/bench/out/lsp_workspace"
rm -rf "$out"
python3 "$ROOT/bench/gen_lsp_workspace.py" "$out" 2000 50
python3 "$ROOT/bench/lsp_bench.py" "$ROOT/build/kpic" "$out" "${1:-100}"
