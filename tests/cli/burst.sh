#!/usr/bin/env bash
# `kpic run --each PARAM -o DIR`: report bursting. The expected members are
# computed here from the CSV files (Python's csv module), never by kpic;
# each burst file must be byte-identical to the single run for its member,
# and hold no other member's name.
# Usage: burst.sh KPIC_BINARY REPO_ROOT
set -u
KPIC="$1"
ROOT="$(cd "$2" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# run NAME EXPECTED_EXIT COMMAND...   (stdout in $TMP/out, stderr in $TMP/err)
run() {
  local name="$1" want="$2"
  shift 2
  "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; return 0; fi
  bad "$name: exit $got, expected $want"
  sed 's/^/  stderr: /' "$TMP/err" | head -20
  return 1
}
# err_has TEXT: the last command's stderr holds TEXT.
err_has() { if grep -qF -- "$1" "$TMP/err"; then ok; else bad "stderr lacks: $1"; sed 's/^/  | /' "$TMP/err" | head; fi; }

RETAIL="$ROOT/examples/retail"
# The pages say when they were made: fixed here, so that a burst and the
# single runs compared with it agree byte for byte across a minute's turn.
export SOURCE_DATE_EPOCH=1767225600
single=("$KPIC" run "$RETAIL" --report weekly --role store_manager)

# ---- the retail example: every store, HTML and JSON --------------------------------------
python3 - "$RETAIL/data" > "$TMP/stores" <<'PY'
import csv, sys
# store_manager compares store_id with orders.store and traffic.store: the union of both.
stores = set()
for f in ("orders.csv", "traffic.csv"):
    with open(f"{sys.argv[1]}/{f}", newline="", encoding="utf-8") as fh:
        stores |= {r["store"] for r in csv.DictReader(fh) if r["store"] != ""}
print("\n".join(sorted(stores, key=lambda s: s.encode())))
PY
[ "$(wc -l < "$TMP/stores")" -ge 2 ] && ok || bad "the example has fewer than 2 stores"

B="$TMP/burst"
if run "burst the weekly report" 0 "${single[@]}" --each store_id --format html,json -o "$B"; then
  err_has "to $B"
  python3 - "$B" "$TMP/stores" > "$TMP/files" <<'PY' && ok || bad "manifest of the retail burst"
import json, os, sys
d, stores = sys.argv[1], open(sys.argv[2], encoding="utf-8").read().splitlines()
m = json.load(open(os.path.join(d, "manifest.json"), encoding="utf-8"))
assert m["version"] == 1 and m["report"] == "weekly" and m["role"] == "store_manager", m
assert m["each"] == "store_id" and m["params"] == {} and m["formats"] == ["html", "json"], m
assert m["discovered_from"] == ["orders.store", "traffic.store"], m["discovered_from"]
members = [x["member"] for x in m["members"]]
assert members == stores, (members, stores)  # exactly the stores, in code-point order
listed = {"manifest.json"}
for x in m["members"]:
    assert set(x["files"]) == {"html", "json"}, x
    for fmt, f in x["files"].items():
        assert f == x["member"] + "." + fmt, f  # Chinese names are safe: kept
        listed.add(f)
        print(f"{x['member']}\t{fmt}\t{f}")
assert set(os.listdir(d)) == listed, set(os.listdir(d)) ^ listed  # nothing else: no staging left
PY
  # Each file is the single run's output for its member, byte for byte.
  same=0
  while IFS=$'\t' read -r member fmt file; do
    "${single[@]}" --param "store_id=$member" --format "$fmt" -o "$TMP/single.$fmt" 2>/dev/null
    if cmp -s "$TMP/single.$fmt" "$B/$file"; then same=$((same + 1)); else bad "$file differs from the single run"; fi
  done < "$TMP/files"
  [ "$same" -eq $(( $(wc -l < "$TMP/stores") * 2 )) ] && ok || bad "only $same files equal their single run"
  # No file holds another member's name; each JSON's rows and members are its own.
  python3 - "$B" "$TMP/stores" <<'PY' && ok || bad "isolation of the members' files"
import json, os, sys
d, stores = sys.argv[1], open(sys.argv[2], encoding="utf-8").read().splitlines()
m = json.load(open(os.path.join(d, "manifest.json"), encoding="utf-8"))
for x in m["members"]:
    own = x["member"]
    for f in x["files"].values():
        text = open(os.path.join(d, f), encoding="utf-8").read()
        for other in stores:
            assert other == own or other not in text, (f, other)
    doc = json.load(open(os.path.join(d, x["files"]["json"]), encoding="utf-8"))
    seen = []
    def walk(v):
        if isinstance(v, dict):
            if "store" in v and isinstance(v["store"], str): seen.append(v["store"])
            if v.get("dimension") == "store":
                for k in ("top", "bottom", "best_attainment", "worst_attainment"):
                    seen.extend(e["member"] for e in v.get(k, []))
            for w in v.values(): walk(w)
        elif isinstance(v, list):
            for w in v: walk(w)
    walk(doc)
    assert seen and set(seen) == {own}, (own, set(seen))  # its own store shows, and only it
PY
fi

# The compiled engine gives the same bytes, burst or single.
first=$(head -1 "$TMP/stores")
run "burst on the JIT" 0 "${single[@]}" --each "store_id=$first" --engine jit --format json -o "$TMP/jit" &&
  "${single[@]}" --param "store_id=$first" --engine jit --format json -o "$TMP/single.json" 2>/dev/null &&
  { cmp -s "$TMP/single.json" "$TMP/jit/$first.json" && ok || bad "the JIT burst differs from its single run"; }

# Again into the same folder: the same files and manifest.
cp "$B/manifest.json" "$TMP/manifest.before"
run "burst again into the same folder" 0 "${single[@]}" --each store_id --format html,json -o "$B" &&
  { cmp -s "$B/manifest.json" "$TMP/manifest.before" && ok || bad "second burst's manifest differs"; }

# ---- hostile members in a list: safe names inside DIR -------------------------------------
long=$(printf 'y%.0s' $(seq 300))
list="../x,a/b,$(printf '\001'),.hidden,$long,北京朝阳店"
H="$TMP/h/out"
if run "burst a hostile list" 0 "${single[@]}" --each "store_id=$list" --format json -o "$H"; then
  python3 - "$H" "$long" <<'PY' && ok || bad "hostile member names"
import json, os, sys
d, long = sys.argv[1], sys.argv[2]
want = ["../x", "a/b", "\x01", ".hidden", long, "北京朝阳店"]
m = json.load(open(os.path.join(d, "manifest.json"), encoding="utf-8"))
assert [x["member"] for x in m["members"]] == want, m["members"]
names = os.listdir(d)
assert len(names) == len(want) + 1, names
for x in m["members"]:
    f = x["files"]["json"]
    assert f in names and os.path.isfile(os.path.join(d, f)), f
    assert "/" not in f and "\\" not in f and not f.startswith(".") and ".." != f, f
    assert all(ord(c) >= 0x20 for c in f) and len(f.encode()) < 255, f
    if x["member"] == "北京朝阳店":
        assert f == "北京朝阳店.json", f
    else:
        assert f != x["member"] + ".json", f  # changed, so it carries the hash
# Nothing was written beside DIR (../x would have been).
assert os.listdir(os.path.dirname(d)) == ["out"], os.listdir(os.path.dirname(d))
PY
  # The file of `../x` is the single run with store_id=../x.
  f=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["members"][0]["files"]["json"])' "$H/manifest.json")
  "${single[@]}" --param "store_id=../x" --format json -o "$TMP/single.json" 2>/dev/null
  cmp -s "$TMP/single.json" "$H/$f" && ok || bad "the file of ../x differs from its single run"
fi

# ---- a small package: union of sources, nulls, fixed parameters, failures ------------------
P="$TMP/pkg"
mkdir -p "$P"
printf 'day,store,channel,amt\n2026-01-05,B,online,1.00\n2026-01-06,A,offline,2.00\n2026-01-07,NA,online,4.00\n2026-02-07,B,offline,8.00\n' > "$P/s.csv"
printf 'store,budget\nC,10.00\nA,20.00\n' > "$P/p.csv"
printf 'day,n,amt\n2026-01-05,1,1.00\n2026-01-06,3,2.00\n' > "$P/i.csv"
cat > "$P/p.kpi" <<'KPI'
dimension store: string
source s from csv("s.csv", null: "NA") {
  day: date time
  store: string -> store
  channel: string
  amt: decimal(2) unit CNY
}
source plan from csv("p.csv") {
  store: string -> store
  budget: decimal(2) unit CNY
}
source i from csv("i.csv") {
  day: date time
  n: int
  amt: decimal(2) unit CNY
}
metric sales: CNY = sum(s.amt)
metric budget: CNY = sum(plan.budget)
metric isales: CNY = sum(i.amt)
role shop(store_id: string, ch: string) {
  s    where s.store == store_id and s.channel == ch
  plan where store_id == plan.store
  i: all
}
role other(ch: string) {
  s where s.channel != ch
  plan: all
  i: all
}
role num(k: int) {
  s: all
  plan: all
  i where i.n == k
}
KPI
if run "burst with a fixed parameter" 0 "$KPIC" run "$P" --metric sales --grain all --role shop --each store_id --param ch=online --format csv,table -o "$TMP/pb"; then
  python3 - "$TMP/pb" <<'PY' && ok || bad "union of sources, nulls left out, fixed parameters"
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
# s.store: B, A (NA is null); plan.store: C, A.
assert [x["member"] for x in m["members"]] == ["A", "B", "C"], m["members"]
assert m["discovered_from"] == ["s.store", "plan.store"] and m["params"] == {"ch": "online"}, m
assert m["report"] is None and m["formats"] == ["csv", "table"], m
assert m["members"][1]["files"] == {"csv": "B.csv", "table": "B.txt"}, m["members"][1]
PY
  "$KPIC" run "$P" --metric sales --grain all --role shop --param ch=online --param store_id=B --format csv -o "$TMP/one.csv" 2>/dev/null
  cmp -s "$TMP/one.csv" "$TMP/pb/B.csv" && ok || bad "B.csv differs from its single run"
  grep -q '1.00' "$TMP/pb/B.csv" && ! grep -q '8.00' "$TMP/pb/B.csv" && ok || bad "B.csv: online sales of B are 1.00"
  # Each CSV has its stamp beside it (docs/cli.md, Stamps), and no staging
  # folder is left: exactly the manifest and, per member, X.csv,
  # X.csv.stamp.json and X.txt.
  python3 - "$TMP/pb" <<'PY' && ok || bad "the CSVs' stamps beside them"
import json, os, sys
d = sys.argv[1]
want = {"manifest.json"} | {f"{x}{e}" for x in "ABC" for e in (".csv", ".csv.stamp.json", ".txt")}
assert set(os.listdir(d)) == want, set(os.listdir(d)) ^ want
for x in "ABC":
    st = json.load(open(os.path.join(d, x + ".csv.stamp.json"), encoding="utf-8"))
    assert st["request"]["command"] == "run", st["request"]
    assert f"store_id={x}" in st["request"]["params"] and "ch=online" in st["request"]["params"], st["request"]
    assert "s" in st["data"] and "withheld" in st["data"]["s"], st["data"]  # under a role
PY
  run "verify a burst CSV" 0 "$KPIC" verify "$TMP/pb/B.csv"
  # A burst into the same folder replaces the stamps too, and leaves no staging.
  run "burst the CSVs again" 0 "$KPIC" run "$P" --metric sales --grain all --role shop --each store_id --param ch=online --format csv -o "$TMP/pb"
  [ -z "$(find "$TMP/pb" -name '.kpic-each-*')" ] && ok || bad "a staging folder is left: $(ls -A "$TMP/pb")"
fi
run "numbers in numeric order" 0 "$KPIC" run "$P" --metric isales --grain all --role num --each k -o "$TMP/pn" &&
  { python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert [x["member"] for x in m["members"]]==["1","3"]; assert m["formats"]==["html"]' "$TMP/pn/manifest.json" && ok || bad "int members"; }

# Usage errors (exit 2), each before anything is written.
run "--param of the --each parameter" 2 "$KPIC" run "$P" --metric sales --role shop --each store_id --param store_id=A --param ch=x -o "$TMP/u1" && err_has "error[E0603]: --param store_id is given with --each store_id"
run "--each of an unknown parameter" 2 "$KPIC" run "$P" --metric sales --role shop --each stor_id --param ch=x -o "$TMP/u2" && err_has "error[E0603]: role \`shop\` has no parameter \`stor_id\`; did you mean \`store_id\`?"
run "--each without a role" 2 "${single[@]:0:5}" --each store_id -o "$TMP/u3" && err_has "error[E0603]: --each store_id is given without a role"
run "--each of an unknown role" 2 "$KPIC" run "$P" --metric sales --role shopp --each store_id -o "$TMP/u4" && err_has "error[E0601]: unknown role \`shopp\`"
run "another parameter not given" 2 "$KPIC" run "$P" --metric sales --role shop --each store_id -o "$TMP/u8" && err_has "error[E0603]: role \`shop\` needs --param ch=VALUE"
run "an unknown fixed parameter" 2 "$KPIC" run "$P" --metric sales --role shop --each store_id --param ch=x --param c=1 -o "$TMP/u9" && err_has "error[E0603]: role \`shop\` has no parameter \`c\`"
run "--each without -o" 2 "$KPIC" run "$P" --metric sales --role shop --each store_id --param ch=x && err_has "name their folder with -o DIR"
run "a parameter compared with no column by ==" 2 "$KPIC" run "$P" --metric sales --role other --each ch -o "$TMP/u5" && err_has "error[E0606]: --each ch: role \`other\` compares \`ch\` with no column by \`==\`"
run "an empty list" 2 "$KPIC" run "$P" --metric sales --role other --each ch= -o "$TMP/u6" && err_has "error[E0606]: --each ch= lists no member"
run "several formats without --each" 2 "$KPIC" run "$P" --metric sales --format html,json && err_has "need --each"
run "an unknown format in the list" 2 "$KPIC" run "$P" --metric sales --role shop --each store_id --param ch=x --format html,pdf -o "$TMP/u7" && err_has "unknown --format \`pdf\`"
touch "$TMP/afile"
run "-o a file" 2 "$KPIC" run "$P" --metric sales --role shop --each store_id --param ch=x -o "$TMP/afile" && err_has "-o names a folder"
for d in u1 u2 u3 u4 u5 u6 u7 u8 u9; do [ -e "$TMP/$d" ] && bad "$d was created by a refused burst"; done

# A member that fails stops the burst: DIR keeps what it had, gets nothing.
mkdir -p "$TMP/keep"
echo old > "$TMP/keep/sentinel"
run "a bad member stops the burst" 2 "$KPIC" run "$P" --metric isales --role num --each k=1,x,3 --format json -o "$TMP/keep" && {
  err_has "error[E0603]: --param k=x: not a whole number"
  err_has "stopped at member \`x\` (2 of 3)"
}
[ "$(ls -A "$TMP/keep")" = "sentinel" ] && ok || bad "a failed burst left files: $(ls -A "$TMP/keep")"
run "a failed burst removes the folder it created" 2 "$KPIC" run "$P" --metric isales --role num --each k=1,x -o "$TMP/new/dir"
[ -e "$TMP/new/dir" ] && bad "the failed burst left $TMP/new/dir" || ok

# Members found in the data under a role with another parameter fixed:
# only the stores with a row on channel `on` (A, B). SECRETSTORE sells only
# on `special` and must not be named in a file, the manifest or a warning
# (regression, 2026-12-04: it was all three). Its file name would also
# have changed the others' (secretstore vs SecretStore, case-folded).
mkdir -p "$TMP/two"
cat > "$TMP/two/p.kpi" <<'KPI'
package two
source orders from csv("orders.csv") {
  order_id: string key
  day:      date time
  store:    string
  channel:  string
  amount:   decimal(2)
}
metric sales = sum(orders.amount)
role two(store_id: string, ch: string) {
  orders where orders.store == store_id and orders.channel == ch
}
KPI
printf 'order_id,day,store,channel,amount\n1,2026-01-05,A,on,10.00\n2,2026-01-06,B,on,20.00\n3,2026-01-07,SECRETSTORE,special,5.00\n4,2026-01-08,b,special,1.00\n' > "$TMP/two/orders.csv"
run "--each with another parameter fixed" 0 "$KPIC" run "$TMP/two" --metric sales --grain all --role two --each store_id --param ch=on --format json -o "$TMP/two/out" && {
  [ "$(ls "$TMP/two/out" | tr '\n' ' ')" = "A.json B.json manifest.json " ] && ok || bad "--each with ch=on wrote: $(ls "$TMP/two/out")"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if [m["member"] for m in d["members"]] == ["A", "B"] else 1)' "$TMP/two/out/manifest.json" && ok || bad "manifest members: $(cat "$TMP/two/out/manifest.json")"
  grep -rq -i "secret\|special" "$TMP/two/out" "$TMP/err" && bad "a member outside ch=on is named" || ok
}
run "--each: no member with the other parameters" 0 "$KPIC" run "$TMP/two" --metric sales --grain all --role two --each store_id --param ch=none --format json -o "$TMP/two/none" && {
  err_has "no value in orders.store lets role \`two\` see a row with the other parameters given"
  grep -q -i "secret" "$TMP/err" "$TMP/two/none/manifest.json" && bad "a member is named" || ok
}
# With no order at all, the same sentence: which it is said whether rows
# outside the role exist (attacker's probe, 2026-12-06).
mkdir -p "$TMP/two_empty" && cp "$TMP/two/"*.kpi "$TMP/two_empty/" && head -1 "$TMP/two/orders.csv" > "$TMP/two_empty/orders.csv"
run "--each: no member, no data" 0 "$KPIC" run "$TMP/two_empty" --metric sales --grain all --role two --each store_id --param ch=none --format json -o "$TMP/two_empty/none" && {
  err_has "no value in orders.store lets role \`two\` see a row with the other parameters given"
}

# SIGINT during a burst (exit 130): nothing is handed over.
many=$(seq -s, 1 400)
for attempt in 1 2 3; do
  rm -rf "$TMP/int"; mkdir -p "$TMP/int"; echo old > "$TMP/int/sentinel"
  timeout -s INT --preserve-status 1 "${single[@]}" --each "store_id=$many" --format json -o "$TMP/int" >/dev/null 2>"$TMP/err"
  rc=$?
  [ $rc -ne 0 ] && break  # finished within the second: try again
done
[ $rc -eq 130 ] && [ "$(ls -A "$TMP/int")" = "sentinel" ] && ok || bad "SIGINT: exit $rc, left: $(ls -A "$TMP/int")"

# --timeout counts the whole burst (exit 5): nothing is handed over either.
run "--timeout during a burst" 5 "${single[@]}" --each "store_id=$many" --timeout 0.5 -o "$TMP/to" &&
  { [ -z "$(ls -A "$TMP/to")" ] && ok || bad "--timeout left: $(ls -A "$TMP/to")"; }

echo "cli_burst: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
