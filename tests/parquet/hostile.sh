#!/usr/bin/env bash
# Parquet files no ordinary writer makes, written at test time by
# hostile_writer.py (docs/parquet.md, "Bad data"), and what kpic run does
# with them; every expected value is worked out by hand in the comments:
# - an error about the file or a column names no row (`f.parquet: ...`,
#   not `f.parquet:0: ...`); a bad value names its row;
# - NaN and infinities in a float column are bad values, as in CSV;
# - two columns of one name are an error when that name is read;
# - a few hundred bytes claiming many rows (one dictionary entry and one RLE
#   run per column) stream under the default engine, by the rows the footer
#   claims rather than the file's bytes; read whole (--engine interp, a sum
#   of floats) past the process's memory they are a limit error (exit 5),
#   never std::bad_alloc (probe, 2026-12-05: 2^31-1 rows took 11 GB, then
#   "internal error: std::bad_alloc");
# - dates outside the years 1 to 9999 are bad values, and 9999-12-31 is in
#   its year.
# usage: hostile.sh KPIC ROOT
set -euo pipefail
KPIC=$1 ROOT=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export KPIC_CACHE_DIR="$tmp/cache"
fail() { echo "FAIL: $*"; exit 1; }

# write: runs the Python on stdin with the writer imported, `out` the
# folder to write to, and `example(...)`: five columns of three rows,
# d (date) 2025-01-01.., store a b c, amt (decimal(2)) 1.50 2.25 100.00,
# x (double) 1.5 2.5 3.0 and n (int64) 1 2 3.
write() {
  {
    cat << 'EOF'
import math, sys
sys.path.insert(0, sys.argv[1])
from hostile_writer import *
out = sys.argv[2]
JAN1 = 20089  # 2025-01-01 in days since 1970-01-01
def example(x=(1.5, 2.5, 3.0), xtype=DOUBLE, extra=()):
    return [Col("d", INT32, [JAN1, JAN1 + 1, JAN1 + 2], converted=DATE),
            Col("store", BYTE_ARRAY, [b"a", b"b", b"c"], converted=UTF8),
            Col("amt", INT64, [150, 225, 10000], converted=DECIMAL, scale=2, precision=18),
            Col("x", xtype, list(x)), Col("n", INT64, [1, 2, 3])] + list(extra)
EOF
    cat
  } | python3 - "$ROOT/tests/parquet" "$tmp"
}

mkdir -p "$tmp/q"
cat > "$tmp/q/m.kpi" << 'EOF'
package hq
dimension store "Store"
source t from parquet("t.parquet") {
  d: date time
  store: string -> store
  amt: decimal(2)
  x: float
  n: int
}
metric s = sum(t.amt)
metric sx = sum(t.x)
metric sn = sum(t.n)
metric mx = max(t.x)
metric c = count(t)
role mgr(sid: string) {
  t where t.store == sid
}
EOF
# run FILE ARGS...: kpic run over FILE as t; stdout in $tmp/out, stderr in $tmp/err, exit code in $rc.
run() {
  local f=$1
  shift
  set +e
  "$KPIC" run "$tmp/q" --bind "t=parquet:$tmp/$f.parquet" --grain all --format csv "$@" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  set -e
}
expect() {  # expect WHAT CODE [PATTERN]: the exit code, and PATTERN (grep -E) in stderr
  [ "$rc" -eq "$2" ] || { cat "$tmp/err"; fail "$1: exit $rc, not $2"; }
  [ $# -lt 3 ] || grep -qE -- "$3" "$tmp/err" || { cat "$tmp/err"; fail "$1: stderr lacks $3"; }
}

# The writer's own file reads as written: s = 1.50 + 2.25 + 100.00,
# sx = 1.5 + 2.5 + 3.0, sn = 1 + 2 + 3.
write << 'EOF'
write(f"{out}/good.parquet", example())
EOF
run good --metric s,sx,sn,c
expect "a good file" 0
[ "$(tail -1 "$tmp/out")" = "all,103.75,7,6,3," ] || { cat "$tmp/out"; fail "good.parquet reads $(tail -1 "$tmp/out")"; }

# 1. Errors about the file or a column name no row (no `:0:`).
write << 'EOF'
write(f"{out}/no_store.parquet", [c for c in example() if c.name != "store"])
c = example()
c[2] = Col("amt", INT64, converted=DECIMAL, scale=2, precision=18, dictionary=[150, 225], indices=[0, 1, 3])
write(f"{out}/bad_index.parquet", c)
EOF
run no_store --metric c --by store
expect "a missing column" 3 "no_store\.parquet: column \`store\`: missing: the Parquet file has no column \`store\`"
run bad_index --metric s
expect "a dictionary index past the dictionary" 3 \
  "bad_index\.parquet: column \`amt\`: corrupt or unreadable Parquet data in row group 0 .*past the dictionary"
echo "file and column errors: no line 0"

# 2. NaN and infinities are bad values (as in CSV), named by row, column and value.
write << 'EOF'
write(f"{out}/nan.parquet", example(x=(1.0, math.nan, math.inf)))
write(f"{out}/neg_inf.parquet", example(x=(1.0, 2.0, -math.inf), xtype=FLOAT))
c = example()
c[3] = Col("x", DOUBLE, dictionary=[2.5, math.nan], indices=[0, 0, 1])
write(f"{out}/nan_dict.parquet", c)
EOF
reason='is not a finite number \(NaN and infinities cannot be summed\)'
run nan --metric sx
expect "NaN" 3 "nan\.parquet:2: column \`x\`: value \`NaN\` $reason \(row group 0\)$"
run nan --metric mx
expect "NaN under max" 3 "nan\.parquet:2: column \`x\`: value \`NaN\`"
run neg_inf --metric sx
expect "-Infinity in a FLOAT column" 3 "neg_inf\.parquet:3: column \`x\`: value \`-Infinity\` $reason"
run nan_dict --metric sx
expect "NaN in a dictionary" 3 "nan_dict\.parquet:3: column \`x\`: value \`NaN\` $reason"
# Skipped: rows 2 and 3 go, row 1 stays (sx = 1.0, c = 1).
run nan --metric sx,c --on-bad-row skip
expect "NaN skipped" 0 "skipped 2 bad row\(s\)"
[ "$(tail -1 "$tmp/out")" = "all,1,1," ] || { cat "$tmp/out"; fail "NaN skipped: $(tail -1 "$tmp/out")"; }
# Columns that are not read are not checked: s = 103.75 over the NaN file.
run nan --metric s
expect "NaN not read" 0
[ "$(tail -1 "$tmp/out")" = "all,103.75," ] || { cat "$tmp/out"; fail "an unread NaN column stopped the run"; }
echo "NaN and infinities: data errors naming the row, column and value"

# 3. Two columns named n: reading n is an error; reading others is not.
write << 'EOF'
write(f"{out}/dup.parquet", example(extra=[Col("n", INT64, [100, 200, 300])]))
EOF
run dup --metric sn
expect "two columns named n" 3 "dup\.parquet: column \`n\`: the Parquet file has two columns named \`n\`$"
run dup --metric s,c
expect "a duplicate not read" 0
[ "$(tail -1 "$tmp/out")" = "all,103.75,3," ] || { cat "$tmp/out"; fail "dup.parquet, s and c"; }
echo "two columns of one name: an error when the name is read"

# Address-space limits (ulimit -v) cannot apply under AddressSanitizer,
# whose shadow memory needs terabytes of it: the sanitizer run (ASAN_OPTIONS
# set by scripts/test) skips this section; the plain build runs it.
if [ -z "${ASAN_OPTIONS:-}" ]; then
# 4. Claimed rows: one dictionary entry and one run of N rows per column
# (d 2025-01-01, store a, amt 1.50, x 1.5, n 1 in every row). The
# 100,000,000-row file is under 1 KB. Read whole, the columns s, sn and c
# read (amt, n, and d for the time) would take 100,000,000 x 27 bytes (an
# 8-byte value and a validity byte each), 2.7 GB, past a 2 GB address
# space; streamed they take a chunk. The sums: 1.50 x 10^8 and 1 x 10^8.
write << 'EOF'
for name, n in [("rle_100m", 100_000_000), ("rle_2g", 2**31 - 1)]:
    write(f"{out}/{name}.parquet", [Col(c.name, c.ptype, converted=c.converted, scale=c.scale, precision=c.precision,
                                        dictionary=c.values[:1], run=n) for c in example()])
EOF
[ "$(stat -c %s "$tmp/rle_100m.parquet")" -lt 1024 ] || fail "rle_100m.parquet is not small"
set +e
(ulimit -v 2000000; "$KPIC" run "$tmp/q" --bind "t=parquet:$tmp/rle_100m.parquet" --metric s,sn,c --grain all \
  --format csv --timings > "$tmp/out" 2> "$tmp/err")
rc=$?
set -e
expect "100M claimed rows, auto" 0 "1 scan\(s\) streamed while reading"
[ "$(tail -1 "$tmp/out")" = "all,150000000.00,100000000,100000000," ] || { cat "$tmp/out"; fail "rle_100m sums"; }
# Read whole, 2,147,483,647 rows are more than the 2 GB the ulimit leaves
# (and than most machines have): refused before reading, for the
# interpreter, --no-stream, and a sum of floats (which the JIT reads whole
# too). `c` reads the time column d: 9 bytes a row, 19,327,352,823 bytes,
# 18.0 GiB; `sx` reads d and x: 38,654,705,646 bytes, 36.0 GiB.
for args in "c --engine interp:18.0 GiB of memory \\(2147483647 rows of 1 column," \
            "c --no-stream:18.0 GiB of memory \\(2147483647 rows of 1 column," \
            "sx:36.0 GiB of memory \\(2147483647 rows of 2 columns,"; do
  set +e
  # shellcheck disable=SC2086
  (ulimit -v 2000000; timeout 120 "$KPIC" run "$tmp/q" --bind "t=parquet:$tmp/rle_2g.parquet" --grain all --format csv \
    --metric ${args%%:*} > "$tmp/out" 2> "$tmp/err")
  rc=$?
  set -e
  expect "2^31-1 claimed rows, --metric ${args%%:*}" 5 \
    "^error\[limit\]: parquet:.*rle_2g.parquet: reading it whole would take about ${args#*:} as its metadata claims\), more than the [0-9.]+ [GM]iB this process may use"
done
# Under a role the size is not told (it counts rows outside the role).
set +e
(ulimit -v 2000000; timeout 120 "$KPIC" run "$tmp/q" --bind "t=parquet:$tmp/rle_2g.parquet" --grain all --format csv \
  --metric c --engine interp --role mgr --param sid=a > "$tmp/out" 2> "$tmp/err")
rc=$?
set -e
expect "2^31-1 claimed rows under a role" 5 "reading it whole would take more memory than the"
grep -q "2147483647\|GiB of memory" "$tmp/err" && { cat "$tmp/err"; fail "under a role the limit error counts rows"; }
echo "claimed rows: streamed by the rows the footer claims; past memory, read whole is exit 5 before reading"
else
  echo "SKIPPED: claimed rows (ulimit -v under AddressSanitizer)"
fi

# 5. Dates outside the years 1 to 9999 are bad values (as in CSV), and
# 9999-12-31 (days 2932896) falls in its year (its end, 10000-01-01, was
# read as 1970-01-01: every year emptied). 2932897 is 10000-01-01, -719163
# is 0000-12-31, 2^31-1 is past both.
write << 'EOF2'
for name, last in (("d_9999", 2932896), ("d_10000", 2932897), ("d_0000", -719163), ("d_max", 2**31 - 1)):
    c = example()
    c[0] = Col("d", INT32, [JAN1, JAN1 + 1, last], converted=DATE)
    write(f"{out}/{name}.parquet", c)
EOF2
set +e
"$KPIC" run "$tmp/q" --bind "t=parquet:$tmp/d_9999.parquet" --grain year --format csv --metric s,c > "$tmp/out" 2> "$tmp/err"
rc=$?
set -e
expect "9999-12-31" 0
grep -qx "2025,3.75,2," "$tmp/out" && grep -qx "9999,100.00,1," "$tmp/out" || { cat "$tmp/out"; fail "9999-12-31 by year"; }
for f in d_10000:2932897 d_0000:-719163 d_max:2147483647; do
  run "${f%%:*}" --metric s
  expect "${f%%:*}" 3 "${f%%:*}\.parquet:3: column \`d\`: value \`${f#*:} \(days since 1970-01-01\)\` is outside the years 1 to 9999"
done
echo "dates: outside the years 1 to 9999, bad values"
