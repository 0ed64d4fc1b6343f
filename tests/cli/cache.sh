#!/usr/bin/env bash
# The state cache's safety (exec/state_cache.h): files private to the user,
# a corrupt or truncated entry dropped and recomputed, a foreign file in the
# folder never trusted, runs sharing the folder at the same time, eviction
# of the least recently used entries under --cache-size, --no-cache,
# `kpic cache stats|clear`, timings under a role without row counts, a CSV
# without a final line break, and error line numbers in the appended rows.
# Every result is compared with a run without the cache, and the revenue
# with sums made here by awk over the file.
# usage: cache.sh KPIC ROOT
set -uo pipefail
KPIC=$1 ROOT=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=expect.sh
source "$ROOT/tests/cli/expect.sh"
export KPIC_CACHE_DIR="$TMP/kc"
unset KPIC_NO_CACHE KPIC_CACHE_SIZE
STATES="$KPIC_CACHE_DIR/states"
mkdir -p "$TMP/pkg"
cat > "$TMP/pkg/m.kpi" <<'EOF'
package cachecli

dimension channel: string
dimension store: string

source orders from csv("orders.csv") {
  ts:          timestamp  time
  store_id:    string     -> store
  channel:     string     -> channel
  customer_id: int        entity customer
  amount:      decimal(2) unit CNY
}

role manager "店长"(store_id: string) {
  orders where orders.store_id == store_id
}

metric revenue: CNY = sum(orders.amount)
metric customers = count_distinct(orders.customer_id)
metric orders_n = count(orders)
EOF
python3 - "$TMP/pkg/orders.csv" <<'EOF'
import random, sys
r = random.Random(7)
with open(sys.argv[1], "w") as f:
    f.write("ts,store_id,channel,customer_id,amount\n")
    for i in range(20000):
        f.write(f"2026-{1 + i % 6:02d}-{1 + i % 28:02d}T10:00:00,S{r.randrange(1, 6)},{r.choice(['app', 'web'])},{r.randrange(1, 5000)},{r.randrange(1, 100000) / 100:.2f}\n")
EOF
Q=(--metric revenue,customers,orders_n --by channel --grain month --format csv --engine jit)
run_cached() { "$KPIC" run "$TMP/pkg" "${Q[@]}" --timings "$@"; }
cold() { "$KPIC" run "$TMP/pkg" "${Q[@]}" --no-cache "$@"; }
# same NAME: the last cached output ($TMP/out) equals a cold run's.
same() {
  [ "$last_ok" -eq 1 ] || return 0
  cold "${@:2}" > "$TMP/cold" 2>/dev/null
  if cmp -s "$TMP/out" "$TMP/cold"; then passed=$((passed + 1)); else
    echo "FAIL $1: cached output differs from a cold run"; diff "$TMP/out" "$TMP/cold" | head -5; failed=$((failed + 1)); fi
}
# Revenue per channel over the whole file, by awk (cents, exact).
awk_total() { awk -F, 'NR > 1 { split($5, p, "."); c += p[1] * 100 + p[2] } END { printf "%d.%02d\n", c / 100, c % 100 }' "$TMP/pkg/orders.csv"; }
kpic_total() { python3 -c "
import csv, decimal, sys
print(sum(decimal.Decimal(r['revenue']) for r in csv.DictReader(open('$TMP/out'))))"; }

expect "cold fill" 0 run_cached
contains err "20000 rows read"
same "cold fill"
[ "$(kpic_total)" = "$(awk_total)" ] && passed=$((passed + 1)) || { echo "FAIL: revenue $(kpic_total) != awk $(awk_total)"; failed=$((failed + 1)); }
# Files private to the user.
mode_dir=$(stat -c %a "$STATES")
mode_files=$(stat -c %a "$STATES"/*.states | sort -u | tr '\n' ' ')
[ "$mode_dir" = 700 ] && [ "$mode_files" = "600 " ] && passed=$((passed + 1)) ||
  { echo "FAIL: modes: folder $mode_dir, entries $mode_files"; failed=$((failed + 1)); }
expect "served" 0 run_cached
contains err "20000 rows from the cache, nothing appended"
contains err "read 0 rows and served the states of 20000 rows from the state cache"
same "served"

# An append is read alone; its bad value is named on its own line.
echo "2026-01-01T10:00:00,S1,app,12,10.05" >> "$TMP/pkg/orders.csv"
expect "append" 0 run_cached
contains err "20000 rows from the cache, 1 row appended read"
same "append"
[ "$(kpic_total)" = "$(awk_total)" ] && passed=$((passed + 1)) || { echo "FAIL: revenue after append"; failed=$((failed + 1)); }
cp "$TMP/pkg/orders.csv" "$TMP/good.csv"
echo "2026-07-02T10:00:00,S1,app,12,ten" >> "$TMP/pkg/orders.csv"
expect "bad appended row" 3 run_cached
contains err "orders.csv:20003: column \`amount\`: value \`ten\`"
cp "$TMP/good.csv" "$TMP/pkg/orders.csv"

# Twenty appends, one run each: every run reads only its append (delta
# entries chained after the whole file's); after 16 deltas the file is one
# entry again. Each result equals a cold run's and awk's total.
for i in $(seq 1 20); do
  echo "2026-02-0$((i % 9 + 1))T10:00:00,S$((i % 5 + 1)),web,$((i * 7)),$i.25" >> "$TMP/pkg/orders.csv"
  expect "append $i" 0 run_cached
  contains err "1 row appended read"
  same "append $i"
done
[ "$(kpic_total)" = "$(awk_total)" ] && passed=$((passed + 1)) || { echo "FAIL: revenue after 20 appends"; failed=$((failed + 1)); }
n_entries=$(ls "$STATES" | wc -l)
[ "$n_entries" -le 6 ] && passed=$((passed + 1)) || { echo "FAIL: $n_entries entries after 20 appends"; failed=$((failed + 1)); }
expect "after the appends" 0 run_cached
contains err "nothing appended"
# An edit inside an earlier append: the entries before it are served, the
# rest is read again.
python3 - "$TMP/pkg/orders.csv" <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
lines[-5] = lines[-5].replace(".25", ".75")
open(p, "w").write("\n".join(lines))
PY
expect "edit in an append" 0 run_cached
contains err "rows from the cache, 4 rows appended read"
same "edit in an append"
[ "$(kpic_total)" = "$(awk_total)" ] && passed=$((passed + 1)) || { echo "FAIL: revenue after an edit in an append"; failed=$((failed + 1)); }
cp "$TMP/pkg/orders.csv" "$TMP/good.csv"

# A last line without a line break is read, not cached: the line that
# completes it is read with it from the last whole record cached.
printf '2026-01-03T10:00:00,S2,web,13,1' >> "$TMP/pkg/orders.csv"
expect "no final line break" 0 run_cached
same "no final line break"
printf '2.50\n' >> "$TMP/pkg/orders.csv"
expect "line completed" 0 run_cached
contains err "rows from the cache, 1 row appended read"
same "line completed"
[ "$(kpic_total)" = "$(awk_total)" ] && passed=$((passed + 1)) || { echo "FAIL: revenue after a completed line"; failed=$((failed + 1)); }

# A corrupt entry (a flipped byte), a truncated one and a foreign file are
# dropped and recomputed, never trusted.
expect "warm" 0 run_cached
for damage in flip truncate foreign; do
  for f in "$STATES"/*.states; do
    case $damage in
      flip) python3 -c "
import sys; p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[len(b) // 2] ^= 0x40; open(p, 'wb').write(b)" "$f" ;;
      truncate) truncate -s 100 "$f" ;;
      foreign) printf 'KPICST03%s' "$(head -c 200 /dev/urandom | base64)" > "$f" ;;
    esac
  done
  expect "$damage entry" 0 run_cached
  contains err "dropped and recomputed"
  contains err "rows read"
  same "$damage entry"
done
# A symbolic link in place of an entry is not followed.
for f in "$STATES"/*.states; do rm -f "$f"; ln -s "$TMP/good.csv" "$f"; done
expect "symlinked entry" 0 run_cached
contains err "rows read"
same "symlinked entry"
[ -f "$TMP/good.csv" ] && passed=$((passed + 1)) || { echo "FAIL: the link target was touched"; failed=$((failed + 1)); }

# Eight runs at once over one folder, while the file grows: each agrees
# with a cold run of the file it saw, and the folder is left consistent.
expect "warm" 0 run_cached
for i in 1 2 3 4 5 6 7 8; do
  ( "$KPIC" run "$TMP/pkg" "${Q[@]}" > "$TMP/par$i.out" 2> "$TMP/par$i.err"; echo $? > "$TMP/par$i.rc" ) &
done
wait
for i in 1 2 3 4 5 6 7 8; do
  [ "$(cat "$TMP/par$i.rc")" = 0 ] && cmp -s "$TMP/par$i.out" "$TMP/out" && passed=$((passed + 1)) ||
    { echo "FAIL: parallel run $i"; cat "$TMP/par$i.err"; failed=$((failed + 1)); }
done
[ -z "$(ls -A "$STATES" | grep -v '\.states$')" ] && passed=$((passed + 1)) ||
  { echo "FAIL: leftovers: $(ls -A "$STATES")"; failed=$((failed + 1)); }

# Roles: a role's states are its own; timings under a role give no counts.
# Under a role nothing in --timings changes with rows outside it: not
# whether other stores' rows were appended.
expect "role S1" 0 run_cached --role manager --param store_id=S1
lacks err "rows"
contains err "orders: read through the state cache"
same "role S1" --role manager --param store_id=S1
expect "role S1 served" 0 run_cached --role manager --param store_id=S1
cp "$TMP/err" "$TMP/role1.err"
expect "role S2" 0 run_cached --role manager --param store_id=S2
same "role S2" --role manager --param store_id=S2
echo "2026-01-09T10:00:00,S2,web,99,5.00" >> "$TMP/pkg/orders.csv"
expect "role S1 after S2's append" 0 run_cached --role manager --param store_id=S1
same "role S1 after S2's append" --role manager --param store_id=S1
strip() { sed -E 's/[0-9]+(\.[0-9]+)? (ms|kB)//g' "$1"; }
[ "$(strip "$TMP/err")" = "$(strip "$TMP/role1.err")" ] && passed=$((passed + 1)) ||
  { echo "FAIL: --timings under a role changed with another store's rows"; diff <(strip "$TMP/role1.err") <(strip "$TMP/err"); failed=$((failed + 1)); }

# Eviction: under a limit smaller than two entries, the least recently
# used goes first.
expect "by store" 0 "$KPIC" run "$TMP/pkg" --metric revenue --by store --grain day --format csv --engine jit
size_all=$(du -cb "$STATES"/*.states | tail -1 | cut -f1)
n_before=$(ls "$STATES"/*.states | wc -l)
big=$(ls -S "$STATES"/*.states | head -1)
limit=$(( $(stat -c %s "$big") + 10 ))
expect "evict" 0 run_cached --cache-size "$limit"
n_after=$(ls "$STATES"/*.states | wc -l)
after=$(du -cb "$STATES"/*.states | tail -1 | cut -f1)
[ "$n_after" -lt "$n_before" ] && [ "$after" -le "$limit" ] && passed=$((passed + 1)) ||
  { echo "FAIL: eviction: $n_before -> $n_after entries, $size_all -> $after bytes (limit $limit)"; failed=$((failed + 1)); }
expect "bad size" 2 run_cached --cache-size 12Q
contains err "--cache-size 12Q: expected a size"

# --no-cache neither reads nor writes; stats and clear.
expect "clear" 0 "$KPIC" cache clear --format json
json_removed=$(python3 -c "import json; print(json.load(open('$TMP/out'))['removed'])")
[ "$json_removed" -ge 1 ] && passed=$((passed + 1)) || { echo "FAIL: clear removed $json_removed"; failed=$((failed + 1)); }
expect "no cache" 0 cold
[ -z "$(ls -A "$STATES")" ] && passed=$((passed + 1)) || { echo "FAIL: --no-cache wrote entries: $(ls -la "$STATES")"; failed=$((failed + 1)); }
expect "fill" 0 run_cached
expect "stats" 0 "$KPIC" cache stats
contains out "state cache: $STATES"
contains out "1 entry"
expect "stats json" 0 "$KPIC" cache stats --format json
python3 -c "
import json; j = json.load(open('$TMP/out'))
assert j['entries'] == 1 and j['bytes'] > 0 and j['limit'] == 1 << 30 and j['dir'] == '$STATES', j" &&
  passed=$((passed + 1)) || { echo "FAIL: stats json"; failed=$((failed + 1)); }
KPIC_NO_CACHE=1 expect "KPIC_NO_CACHE" 0 run_cached
lacks err "timings: cache:"

# Review regressions. An empty part (a header-only file; a role that sees
# no row) is an entry like any other, never a "corrupt" one.
mkdir -p "$TMP/empty"
sed 's/orders.csv/h.csv/' "$TMP/pkg/m.kpi" > "$TMP/empty/m.kpi"
head -1 "$TMP/pkg/orders.csv" > "$TMP/empty/h.csv"
for i in 1 2; do
  expect "header only $i" 0 "$KPIC" run "$TMP/empty" --metric revenue --engine jit --format csv
  lacks err "corrupt"
done
# The zone's rules, not only its name, are in the key (another TZDIR).
mkdir -p "$TMP/tz/pkg" "$TMP/tz/zi/Asia"
sed 's/^package cachecli/package cachecli\n\ncalendar {\n  time_zone "Asia\/Shanghai"\n}/' "$TMP/pkg/m.kpi" > "$TMP/tz/pkg/m.kpi"
printf 'ts,store_id,channel,customer_id,amount\n2024-01-01T20:00:00Z,S1,app,1,1.00\n2024-01-02T01:00:00Z,S1,app,2,2.00\n' > "$TMP/tz/pkg/orders.csv"
cp /usr/share/zoneinfo/UTC "$TMP/tz/zi/Asia/Shanghai"
TZQ=(--metric revenue --grain day --engine jit --format csv)
expect "zone" 0 "$KPIC" run "$TMP/tz/pkg" "${TZQ[@]}"
contains out "2024-01-02,3.00"
TZDIR="$TMP/tz/zi" expect "zone rules changed" 0 "$KPIC" run "$TMP/tz/pkg" "${TZQ[@]}"
contains out "2024-01-01,1.00"
contains out "2024-01-02,2.00"
# A FIFO in place of an entry is not waited on, and `clear` removes it.
for f in "$STATES"/*.states; do rm -f "$f"; mkfifo "$f"; done
expect "fifo entry" 0 timeout 20 "$KPIC" run "$TMP/pkg" "${Q[@]}"
same "fifo entry"
expect "clear fifos" 0 "$KPIC" cache clear
[ -z "$(find "$STATES" -type p)" ] && passed=$((passed + 1)) || { echo "FAIL: a FIFO was left"; failed=$((failed + 1)); }
# A symbolic link as the folder: runs do not use it, stats says so, clear
# removes nothing behind it.
mkdir -p "$TMP/elsewhere" "$TMP/linked"
touch "$TMP/elsewhere/keep.states"
ln -s "$TMP/elsewhere" "$TMP/linked/states"
KPIC_CACHE_DIR="$TMP/linked" expect "linked folder" 0 run_cached
contains err "is a symbolic link: not used"
KPIC_CACHE_DIR="$TMP/linked" expect "linked clear" 1 "$KPIC" cache clear
contains err "is a symbolic link: not used; nothing was removed"
[ -f "$TMP/elsewhere/keep.states" ] && passed=$((passed + 1)) || { echo "FAIL: clear followed the link"; failed=$((failed + 1)); }
KPIC_CACHE_DIR="$TMP/linked" expect "linked stats" 0 "$KPIC" cache stats
contains out "is a symbolic link: not used"
# A cache folder under a file: stats says so (it said "empty"; probe, 2026-12-05).
touch "$TMP/afile"
KPIC_CACHE_DIR="$TMP/afile" expect "stats under a file" 0 "$KPIC" cache stats --format json
json "d['problem']" "the cache folder $TMP/afile/states cannot be made: a part of its path is not a folder"
expect "empty size" 2 run_cached --cache-size ""
# --max-groups names the source, as without the cache.
expect "max groups" 5 run_cached --max-groups 2
contains err "groups in the scan of \`orders\`"

# A folder that cannot be made is a note, not a failure.
KPIC_CACHE_DIR="$TMP/pkg/m.kpi/x" expect "unusable folder" 0 run_cached
contains err "cache: cannot make the cache folder"
same "unusable folder"

echo "cache.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
