# Shared checks of the shell tests (sourced): each counts a pass or a
# failure in $passed / $failed; the caller sets TMP and prints the totals.
passed=0
failed=0
last_ok=0

# expect NAME EXPECTED_EXIT COMMAND...   (stdout in $TMP/out, stderr in $TMP/err)
expect() {
  local name="$1" want="$2"
  shift 2
  "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  local got=$?
  if [ "$got" -eq "$want" ]; then
    last_ok=1
    passed=$((passed + 1))
  else
    last_ok=0
    failed=$((failed + 1))
    echo "FAIL $name: exit $got, expected $want"
    sed 's/^/  stderr: /' "$TMP/err" | head -20
  fi
}
# contains FILE TEXT: the last command's output holds TEXT. After a failed
# `expect` the check is not run (that failure is already counted).
contains() {
  [ "$last_ok" -eq 1 ] || return 0
  if grep -qF -- "$2" "$TMP/$1"; then
    passed=$((passed + 1))
  else
    echo "FAIL: $1 lacks: $2"
    sed 's/^/  | /' "$TMP/$1" | head -20
    failed=$((failed + 1))
  fi
}
# lacks FILE TEXT: the last command's output does not hold TEXT. The
# temporary folder's own path is left out first: mktemp's random name can
# hold a short TEXT such as `P9` (a CI run failed on /tmp/tmp.cvzLwuP9kF).
lacks() {
  [ "$last_ok" -eq 1 ] || return 0
  if sed -e "s#${TMP}#<tmp>#g" "$TMP/$1" | grep -qF -- "$2"; then
    echo "FAIL: $1 contains: $2"
    sed 's/^/  | /' "$TMP/$1" | head -20
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
}
# json PYTHON-EXPRESSION-OVER-d EXPECTED: the last command's JSON output
# (parsed as `d`) gives EXPECTED when the expression is printed.
json() {
  [ "$last_ok" -eq 1 ] || return 0
  local got
  got=$(python3 -c "import json,sys; d=json.load(open('$TMP/out')); print($1)")
  if [ "$got" = "$2" ]; then passed=$((passed + 1)); else
    echo "FAIL: $1 is $got, expected $2"; failed=$((failed + 1)); fi
}
