#!/usr/bin/env python3
"""Removes the stamp (docs/cli.md, "Stamps") from kpic outputs, in place,
so that tests can compare outputs of different runs: the JSON's `stamp`
field (the rest is re-dumped in one fixed style), the HTML's footer, the
SQL's first line. Other files are left alone.

Usage: unstamp.py FILE...
"""
import json
import re
import sys

for path in sys.argv[1:]:
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        text = f.read()
    if text.startswith("-- kpic stamp: "):
        text = text[text.index("\n") + 1:]
    elif "<pre id=kpic-stamp>" in text:
        text = re.sub(r"<footer class=sub id=kpic-footer>.*?</footer>", "", text, flags=re.S)
        text = re.sub(r"<time id=kpic-made>[^<]*</time>", "<time id=kpic-made></time>", text, count=1)
    else:
        try:
            doc = json.loads(text)
        except ValueError:
            continue
        if isinstance(doc, dict) and "stamp" in doc:
            del doc["stamp"]
            text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)
