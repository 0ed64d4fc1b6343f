#!/usr/bin/env python3
"""The architecture's invariants, held against the include graph
(docs/ARCHITECTURE.md, "Invariants"): which folders a folder may include,
and which third-party headers only one place may see. Every `#include` of
compiler/ and runtime/ is read; a violation names the file, the line and
the rule it breaks.

usage: include_graph.py ROOT
"""
import os
import re
import sys

ROOT = sys.argv[1]

# Layers: a folder may include itself and the folders listed (runtime
# headers, included by bare name, are open to every compiler folder).
ALLOWED = {
    "base": set(),
    "diag": {"base"},
    "syntax": {"base", "diag"},
    "builtins": set(),
    "ir": {"base", "builtins"},
    "sema": {"base", "diag", "syntax", "builtins", "ir"},
    "plan": {"base", "builtins", "ir"},
    "engine": {"base", "builtins", "ir", "plan", "forecast"},
    "sql": {"base", "builtins", "ir", "plan", "engine"},
    "codegen": {"base", "builtins", "ir", "plan", "engine"},
    "forecast": set(),
    "report": set(),
    "exec": {"base", "builtins", "ir", "plan", "engine", "sql", "codegen"},
    "output": {"base", "builtins", "ir", "plan", "engine", "report", "forecast"},
    "lsp": {"base", "diag", "syntax", "builtins", "ir", "sema", "driver"},
    "driver": None,  # the top: anything but the language server's protocol layer
}
COMPILER_FOLDERS = set(ALLOWED)

# Third-party headers that only some files may see.
ONLY = [
    (re.compile(r"^(llvm|llvm-c)/"), lambda f: f.startswith("compiler/codegen/"), "only codegen/ includes LLVM"),
    (re.compile(r"^antlr4|^antlr4-runtime|Lexer\.h$|Parser\.h$"), lambda f: f.startswith("compiler/syntax/"),
     "only syntax/ includes ANTLR"),
    (re.compile(r"^nlohmann/"), lambda f: f.startswith(("compiler/diag/render_", "compiler/output/", "compiler/driver/",
                                                        "compiler/lsp/")) or f == "compiler/actions/log.cc",
     "JSON is read and written only at the edges: diagnostics' renderers, output writers, the driver, the language "
     "server and the action log's file format (actions/log.cc)"),
    (re.compile(r"^CLI/"), lambda f: f == "compiler/driver/main.cc", "only driver/main.cc parses the command line"),
    (re.compile(r"^xxhash\.h$"),
     lambda f: f in ("compiler/ir/fingerprint.cc", "compiler/driver/stamp.cc", "compiler/exec/state_cache.cc",
                     "compiler/codegen/kernel.cc"),
     "only the fingerprints (ir/fingerprint.cc, driver/stamp.cc) and the caches' integrity checks "
     "(exec/state_cache.cc, codegen/kernel.cc's kernel files) hash with XXH3"),
    (re.compile(r"^(hb|hb-subset|fontconfig/|woff2/)"), lambda f: f.startswith("compiler/report/"),
     "only report/ sees HarfBuzz, fontconfig and woff2"),
]

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
violations = []
checked = 0
for top in ("compiler", "runtime"):
    for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
        for name in sorted(files):
            if not name.endswith((".cc", ".h")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, ROOT)
            parts = rel.split(os.sep)
            folder = parts[1] if top == "compiler" and len(parts) > 2 else None
            with open(path, encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    checked += 1
                    header = m.group(2)
                    head = header.split("/")[0] if "/" in header else None
                    where = f"{rel}:{lineno}: #include {m.group(1)}{header}{'>' if m.group(1) == '<' else chr(34)}"
                    if top == "runtime" and m.group(1) == '"' and head in COMPILER_FOLDERS:
                        violations.append(f"{where}: runtime/ includes nothing from compiler/")
                    if folder and m.group(1) == '"' and head in COMPILER_FOLDERS and head != folder:
                        allowed = ALLOWED.get(folder)
                        if allowed is not None and head not in allowed:
                            violations.append(f"{where}: {folder}/ may include {', '.join(sorted(allowed)) or 'no other folder'}")
                    for pattern, ok, rule in ONLY:
                        if pattern.search(header) and not ok(rel):
                            violations.append(f"{where}: {rule}")
            # Only the language server's stdio layer speaks JSON-RPC.
            if top == "compiler" and rel not in ("compiler/lsp/server.cc", "compiler/lsp/server.h"):
                text = open(path, encoding="utf-8").read()
                if re.search(r'"jsonrpc"|Content-Length', text):
                    violations.append(f"{rel}: only lsp/server.{{h,cc}} knows JSON-RPC")

for v in violations:
    print("FAIL", v)
print(f"architecture: {checked} includes checked, {len(violations)} violation(s)")
sys.exit(1 if violations else 0)
