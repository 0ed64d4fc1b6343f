#!/usr/bin/env bash
# The VS Code extension (editors/vscode): the TextMate grammar against its
# scope assertions (vscode-tmgrammar-test), the client bundled with esbuild
# (vscode-languageclient inside, `vscode` left external, valid JavaScript), and an offline
# package (@vscode/vsce 3.9.2 --no-dependencies) that holds the bundle, the
# grammar and the language configuration. Skipped, with a message, only when
# Node.js or npm is missing.
# usage: vscode_test.sh ROOT [BUILD]   (BUILD: the build folder, default ROOT/build)
set -euo pipefail
ROOT=$(cd "$1" && pwd)
BUILD=$(mkdir -p "${2:-$ROOT/build}" && cd "${2:-$ROOT/build}" && pwd)
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  echo "SKIP the VS Code extension: Node.js or npm is missing"
  exit 77
fi
ext="$ROOT/editors/vscode"
# Work in a copy, so that node_modules and the package stay out of the tree;
# one per build folder, so that two suites at once do not install into the
# same node_modules (a half-written tree lost `tslib`).
work="$BUILD/vscode-extension"
mkdir -p "$work"
rsync -a --delete --exclude node_modules --exclude dist --exclude '*.vsix' "$ext/" "$work/src-copy/" 2>/dev/null ||
  { rm -rf "$work/src-copy"; mkdir -p "$work/src-copy"; (cd "$ext" && tar cf - --exclude node_modules --exclude dist --exclude '*.vsix' .) | (cd "$work/src-copy" && tar xf -); }
cd "$work/src-copy"
# (Re)install when a package is missing or the tree is incomplete (`npm ls` fails).
if [ ! -d "$work/node_modules/vscode-languageclient" ] || [ ! -d "$work/node_modules/@vscode/vsce" ] ||
   ! (cd "$work" && npm ls --all > /dev/null 2>&1); then
  cp package.json "$work/package.json"
  (cd "$work" && npm install --no-audit --no-fund --no-package-lock --silent > /dev/null)
fi
ln -sfn "$work/node_modules" node_modules
npx --no-install vscode-tmgrammar-test -g syntaxes/kpi.tmLanguage.json 'test/*.test.kpi'
npm run --silent bundle
grep -q "LanguageClient" dist/extension.js || { echo "FAIL: the bundle lacks vscode-languageclient"; exit 1; }
node --check dist/extension.js || { echo "FAIL: the bundle is not valid JavaScript"; exit 1; }
grep -q "activate" dist/extension.js && grep -q "deactivate" dist/extension.js ||
  { echo "FAIL: the bundle lacks activate/deactivate"; exit 1; }
rm -f kpic.vsix
npm run --silent package > /dev/null
python3 -c "import sys, zipfile; print(\"\\n\".join(zipfile.ZipFile(\"kpic.vsix\").namelist()))" > listing.txt
for f in extension/dist/extension.js extension/syntaxes/kpi.tmLanguage.json extension/language-configuration.json extension/package.json; do
  grep -q "$f" listing.txt || { echo "FAIL: kpic.vsix lacks $f"; cat listing.txt; exit 1; }
done
if grep -q "node_modules" listing.txt; then echo "FAIL: kpic.vsix holds node_modules"; exit 1; fi
echo "vscode: grammar tests pass; the bundle parses, with activate/deactivate and vscode-languageclient inside; kpic.vsix packaged ($(stat -c %s kpic.vsix) bytes) in $work/src-copy"
