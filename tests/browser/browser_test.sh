#!/usr/bin/env bash
# The browser test suite (docs/ARCHITECTURE.md, "Tests"): writes kpic's HTML
# pages into a fresh temporary folder (SOURCE_DATE_EPOCH fixed, so they are
# the same every run) and has browser_test.mjs check them in Chromium at a
# desktop and a phone width: layout, SVG text, numbers, CSP and requests,
# axe-core, approved screenshots, and the embedded CJK font with no CJK font
# installed.
# usage: browser_test.sh KPIC ROOT [ARTIFACTS] [-- browser_test.mjs options: --only NAME, --update]
# Exits 77 (skipped in CTest) only when node, npm or Chromium is missing.
set -euo pipefail
KPIC=$(realpath "$1") ROOT=$(cd "$2" && pwd)
shift 2
ART=
if [ $# -gt 0 ] && [ "$1" != -- ]; then ART=$1; shift; fi
[ "${1:-}" = -- ] && shift
HERE="$ROOT/tests/browser"
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
for tool in node npm; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is missing"; exit 77; }
done
if [ -z "$CHROMIUM" ] || [ ! -x "$CHROMIUM" ]; then echo "SKIP: chromium is missing (scripts/test installs it)"; exit 77; fi
# Installed by tests/node_deps.sh (the node_deps fixture); installed here when
# the test runs alone.
# shellcheck source=../../bench/common.sh
source "$ROOT/bench/common.sh"
ensure_browser_deps

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=86400
page() {  # NAME, then kpic's arguments; writes $tmp/NAME.html
  local name=$1; shift
  "$KPIC" "$@" --format html -o "$tmp/$name.html" 2> "$tmp/$name.err" || {
    echo "kpic $* failed:"; cat "$tmp/$name.err"; exit 1; }
}
page retail run "$ROOT/examples/retail"
page saas run "$ROOT/examples/saas"
page retail_store_manager run "$ROOT/examples/retail" --report weekly --role store_manager --param store_id=北京朝阳店
page catalog catalog "$ROOT/examples/retail"
store=$(python3 "$HERE/gen_long_labels.py" "$tmp/longlabels")
page longlabels run "$tmp/longlabels" --report weekly
page longlabels_store_manager run "$tmp/longlabels" --report weekly --role store_manager --param "store_id=$store"
python3 - "$tmp" > "$tmp/pages.json" <<'EOF'
import json, sys
names = ["retail", "saas", "retail_store_manager", "catalog", "longlabels", "longlabels_store_manager"]
print(json.dumps([{"name": n, "file": f"{sys.argv[1]}/{n}.html"} for n in names]))
EOF

# Fontconfig with no CJK font: only DejaVu (fonts-dejavu-core, which Chromium
# depends on), for the check that the page carries its own Chinese glyphs.
fontdir=/usr/share/fonts/truetype/dejavu
if [ -d "$fontdir" ]; then
  mkdir -p "$tmp/fc-cache"
  cat > "$tmp/fonts.conf" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>$fontdir</dir>
  <cachedir>$tmp/fc-cache</cachedir>
</fontconfig>
EOF
  export KPIC_BROWSER_NOCJK_FONTS_CONF=$tmp/fonts.conf
fi
[ -n "$ART" ] && export KPIC_BROWSER_ARTIFACTS=$ART
export CHROMIUM
# (no `exec`: the trap removes the temporary folder)
node "$HERE/browser_test.mjs" --pages "$tmp/pages.json" "$@"
