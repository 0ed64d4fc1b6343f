#!/usr/bin/env python3
"""The report-font library (compiler/report/font_*) checked from outside.

fontTools, an independent OpenType and WOFF2 reader, decodes what
kpic_font_subset_tool writes: the subset must be a valid font whose cmap
covers every visible non-ASCII character of the text, with the source font's
own outlines and advances, under the size limit, and the same bytes on every
run. Then fontconfig is pointed (FONTCONFIG_FILE) at folders holding only a
copy of the installed font with a given OS/2 fsType, which the library must
refuse or accept; at an empty configuration; and the library is fed odd
input.

usage: font_test.py TOOL SAMPLE_TEXT
Exits 77 (skipped) without python3-fonttools or python3-brotli.
"""
import base64
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata

try:
    import brotli  # noqa: F401  (fontTools needs it for WOFF2)
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont
    from fontTools import subset
except ImportError as e:
    print(f"SKIP: {e} (install python3-fonttools and python3-brotli)")
    sys.exit(77)

TOOL, SAMPLE = sys.argv[1], sys.argv[2]
MAX_BYTES = 150 * 1024  # the target for the example's few hundred characters
INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}
failures = []
passed = 0


def check(ok, what):
    global passed
    print(("ok   " if ok else "FAIL ") + what)
    if ok:
        passed += 1
    else:
        failures.append(what)


def run(text_path, out_path, env=None, extra=()):
    """The tool's JSON answer for a text file."""
    p = subprocess.run([TOOL, text_path, out_path, *extra], capture_output=True, text=True,
                       env=env, timeout=120)
    if p.returncode != 0:
        raise SystemExit(f"{TOOL} exited {p.returncode}: {p.stderr}")
    if p.stderr:
        failures.append(f"the library printed on stderr: {p.stderr!r}")
    return json.loads(p.stdout)


def needed(text):
    """Visible non-ASCII code points, computed here rather than by the library."""
    return {ord(c) for c in text if ord(c) >= 0x80 and unicodedata.category(c) not in INVISIBLE}


def source_font(answer):
    return TTFont(answer["source"], fontNumber=answer["face"], lazy=True)


def fontconfig_env(tmp, name, fonts):
    """An environment whose fontconfig sees only `fonts` (file name to TTFont), in a folder of its own."""
    folder = os.path.join(tmp, name)
    os.makedirs(folder)
    for file_name, font in fonts.items():
        font.save(os.path.join(folder, file_name))
    conf = os.path.join(folder, "fonts.conf")
    with open(conf, "w") as f:
        f.write(f"<?xml version=\"1.0\"?>\n<fontconfig><dir>{folder}</dir>"
                f"<cachedir>{folder}/cache</cachedir></fontconfig>\n")
    return dict(os.environ, FONTCONFIG_FILE=conf), folder


def main():
    with open(SAMPLE, encoding="utf-8") as f:
        sample = f.read()
    want = needed(sample)
    with tempfile.TemporaryDirectory() as tmp:
        out, css = os.path.join(tmp, "a.woff2"), os.path.join(tmp, "a.css")
        answer = run(SAMPLE, out, extra=("--css", css, "--repeat", "3"))
        if answer["font"] is None:
            raise SystemExit(f"no font embedded for the sample: {answer['why']} "
                             "(scripts/test installs fonts-noto-cjk and fonts-wqy-zenhei)")
        data = open(out, "rb").read()
        print(f"sample: {len(want)} distinct non-ASCII characters -> {answer['font']} from "
              f"{answer['source']} face {answer['face']}: {len(data)} bytes of WOFF2, "
              f"{answer['ms']:.1f} ms, {answer['cpu_ms']:.1f} ms of CPU (best of 3 in one process)")

        # A valid WOFF2 font: every table decodes, and it saves and reloads as OpenType.
        font = TTFont(io.BytesIO(data))
        check(font.flavor == "woff2" and data[:4] == b"wOF2", "the output is WOFF2")
        try:
            font.ensureDecompiled()
            plain = io.BytesIO()
            font.flavor = None
            font.save(plain)
            TTFont(io.BytesIO(plain.getvalue())).ensureDecompiled()
            check(True, f"every table decodes and the font saves as OpenType ({' '.join(sorted(font.keys()))})")
        except Exception as e:  # noqa: BLE001  (any failure to read it is the finding)
            check(False, f"the font does not decode: {e!r}")
        # The checks below read the WOFF2 as decoded: a fontTools save recomputes bounding boxes, which
        # moves TrueType outlines whose left side bearing differs from their xMin.
        font = TTFont(io.BytesIO(data))
        check(len(data) < MAX_BYTES, f"{len(data)} bytes < {MAX_BYTES}")
        check(answer["ms"] < 1000, f"subset in {answer['ms']:.1f} ms, {answer['cpu_ms']:.1f} ms of CPU "
                                   "(< 1000 even on a loaded CI machine)")

        # Coverage: what the source font has of the text is all in the subset, and what it lacks is reported.
        src = source_font(answer)
        src_cmap, cmap = src.getBestCmap(), font.getBestCmap()
        missing = sorted(cp for cp in want & set(src_cmap) if cp not in cmap)
        check(not missing, f"the subset's cmap covers the text's {len(want & set(src_cmap))} characters the "
                           f"source has (missing: {''.join(map(chr, missing[:20]))})")
        check(sorted(want - set(src_cmap)) == answer["uncovered"],
              f"uncovered = the text's characters the source lacks ({answer['uncovered']})")
        extras = [ord(c) for c in "0123456789%.,+-¥·×÷−…—“”、。，（）"]
        check(all(cp in cmap for cp in extras if cp in src_cmap), "digits and report punctuation are in the subset")
        check(0xFFFD not in cmap, "no replacement character in the subset")

        # The glyphs are the source's: same advance and outline bounds (hinting is gone, outlines are not).
        glyphs, src_glyphs = font.getGlyphSet(), src.getGlyphSet()
        differ = []
        for cp in sorted(want & set(cmap)):
            a, b = BoundsPen(glyphs), BoundsPen(src_glyphs)
            glyphs[cmap[cp]].draw(a)
            src_glyphs[src_cmap[cp]].draw(b)
            if a.bounds != b.bounds or glyphs[cmap[cp]].width != src_glyphs[src_cmap[cp]].width:
                differ.append(chr(cp))
        check(not differ, f"outlines and advances equal the source's ({''.join(differ[:20])})")
        check("GSUB" not in font, "GSUB dropped for Chinese")
        names = {(r.nameID, r.string) for r in font["name"].names if r.platformID == 3}
        kept = [i for i in (0, 13, 14) if any(r.nameID == i for r in src["name"].names if r.platformID == 3)]
        check(all(any(n == i for n, _ in names) for i in kept), f"copyright and licence names kept ({kept})")

        # Deterministic, and the CSS carries the same bytes.
        again = os.path.join(tmp, "b.woff2")
        run(SAMPLE, again)
        check(open(again, "rb").read() == data, "two runs give identical bytes")
        shuffled = os.path.join(tmp, "shuffled.txt")
        with open(shuffled, "w", encoding="utf-8") as f:
            f.write("".join(reversed(sample)) + sample[: len(sample) // 2])
        run(shuffled, again)
        check(open(again, "rb").read() == data, "the same characters in another order give identical bytes")
        rule = open(css, encoding="utf-8").read()
        m = re.fullmatch(r'@font-face\{font-family:"([^"]+)";src:url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\) '
                         r'format\("woff2"\);font-weight:400;font-style:normal\}', rule)
        check(m is not None and m.group(1) == answer["font"] and base64.b64decode(m.group(2)) == data,
              "the @font-face rule names the family and holds the bytes as a data: URL")

        check_fs_type(tmp, answer)
        check_no_fonts(tmp)
        check_odd_input(tmp, sample)

    print(f"{passed} passed, {len(failures)} failed")
    for f in failures:
        print("  " + f)
    return 1 if failures else 0


def check_fs_type(tmp, answer):
    """A copy of the installed font with each fsType, alone in fontconfig's view. The copy is cut down by
    fontTools to the few characters used here, so that each case writes kilobytes, not a 16 MB face."""
    short = "销售额 转化率 客单价 门店 渠道 目标 达成 预警 ¥1,234.50 −3.2% …"
    text = os.path.join(tmp, "short.txt")
    with open(text, "w", encoding="utf-8") as f:
        f.write(short)
    start = time.monotonic()
    font = source_font(answer)
    cutter = subset.Subsetter(subset.Options(notdef_outline=True, layout_features=[]))
    cutter.populate(text=short)
    cutter.subset(font)
    ext = ".otf" if font.sfntVersion == "OTTO" else ".ttf"

    def with_fs_type(fs_type):
        font["OS/2"].fsType = fs_type
        return font

    for fs_type, allowed, words in [(0x0002, False, "restricted licence"), (0x0100, False, "no subsetting"),
                                    (0x0200, False, "bitmap only"), (0x0302, False, "restricted licence"),
                                    (0x0000, True, ""), (0x0004, True, ""), (0x0008, True, ""),
                                    (0x000A, True, "")]:
        env, folder = fontconfig_env(tmp, f"fs{fs_type:04x}", {"copy" + ext: with_fs_type(fs_type)})
        got = run(text, os.path.join(tmp, "fs.woff2"), env)
        if allowed:
            check(got["font"] is not None and got["source"] == os.path.join(folder, "copy" + ext),
                  f"fsType 0x{fs_type:04X} accepted")
        else:
            check(got["font"] is None and f"fsType 0x{fs_type:04X}: {words}" in got["why"],
                  f"fsType 0x{fs_type:04X} refused: {got['why']}")

    # A refused font is passed over for an allowed one that covers the text as well.
    env, folder = fontconfig_env(tmp, "both", {"a-restricted" + ext: with_fs_type(0x0002)})
    with_fs_type(0x0008).save(os.path.join(folder, "b-editable" + ext))
    got = run(text, os.path.join(tmp, "fs.woff2"), env)
    check(got["font"] is not None and got["source"].endswith("b-editable" + ext),
          "a restricted font is passed over for an editable one")

    # No OS/2 table: the terms cannot be read, so the font is not used.
    del font["OS/2"]
    env, folder = fontconfig_env(tmp, "no-os2", {"copy" + ext: font})
    got = run(text, os.path.join(tmp, "fs.woff2"), env)
    check(got["font"] is None and "no OS/2 table" in got["why"], f"no OS/2 table refused: {got['why']}")
    print(f"     (fsType cases: {time.monotonic() - start:.1f} s)")


def check_no_fonts(tmp):
    env, _ = fontconfig_env(tmp, "empty", {})
    got = run(SAMPLE, os.path.join(tmp, "none.woff2"), env)
    check(got["font"] is None and "no outline fonts" in got["why"], f"no fonts at all: {got['why']}")


def check_odd_input(tmp, sample):
    def answer_for(name, data):
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return run(path, os.path.join(tmp, name + ".woff2")), os.path.join(tmp, name + ".woff2")

    got, _ = answer_for("empty.txt", b"")
    check(got["font"] is None and got["why"] == "the text is empty", f"empty text: {got['why']}")
    got, _ = answer_for("ascii.txt", b"Net sales 1,234.50 (+3.2%)\n")
    check(got["font"] is None and "no visible non-ASCII" in got["why"], f"plain ASCII: {got['why']}")
    got, _ = answer_for("spaces.txt", "\u3000\u00a0\u200b\ufeff\n".encode())
    check(got["font"] is None and "no visible non-ASCII" in got["why"], f"only spaces and format characters")

    # Invalid UTF-8 (a stray byte, a truncated sequence, a surrogate, an overlong slash, past U+10FFFF)
    # around valid characters: the valid ones are embedded, the rest skipped.
    bad = ("销售额".encode() + b"\xff" + "达成".encode() + b"\xe9\x94" + b"\xed\xa0\x80" + b"\xc0\xaf" +
           b"\xf4\x90\x80\x80" + "预警".encode())
    got, path = answer_for("invalid.txt", bad)
    cmap = TTFont(path).getBestCmap() if got["font"] else {}
    check(all(ord(c) in cmap for c in "销售额达成预警") and 0xFFFD not in cmap, "invalid UTF-8 is skipped")

    # Huge text: 8 MB of the sample, decoded in 64 KB slices.
    start = time.monotonic()
    got, path = answer_for("huge.txt", sample.encode() * (8 * 1024 * 1024 // len(sample.encode())))
    check(got["font"] is not None and len(TTFont(path).getBestCmap()) > len(needed(sample)),
          f"8 MB of text: {time.monotonic() - start:.2f} s")

    # A script that needs shaping keeps GSUB, when the chosen font has one.
    got, path = answer_for("arabic.txt", "مرحبا بالعالم".encode())
    if got["font"] is not None and "GSUB" in source_font(got):
        check("GSUB" in TTFont(path), f"Arabic keeps GSUB ({got['font']})")

    # Every code point, valid or not, in one text: too many characters, said plainly.
    every = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000).encode()
    got, _ = answer_for("every.txt", every)
    check(got["font"] is None and "distinct non-ASCII characters" in got["why"], f"every code point: {got['why']}")

    # Random bytes: no crash, whatever the answer.
    rnd = bytes((i * 2654435761 >> 13) & 0xFF for i in range(1 << 20))
    got, _ = answer_for("random.bin", rnd)
    check(True, f"random bytes: {'a font' if got['font'] else got['why']}")


if __name__ == "__main__":
    sys.exit(main())
