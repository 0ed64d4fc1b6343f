#!/bin/bash
# Alternates commands and compares their time and memory, for figures taken
# on a machine whose speed drifts (docs/performance.md): each round runs every
# command once, in the order given.
#
#   bash bench/alternate.sh N label1 "cmd1" label2 "cmd2" ...
#
# prints, per label, the minimum and median wall time, the median CPU time
# (user + system) and the largest peak RSS (MiB) of its N runs.
N=$1; shift
TMPDIR_AB=$(mktemp -d)
trap 'rm -rf "$TMPDIR_AB"' EXIT
declare -A T R C
labels=()
while [ $# -gt 0 ]; do labels+=("$1"); eval "C_$1=\"\$2\""; shift 2; done
for i in $(seq $N); do
  for l in "${labels[@]}"; do
    c="C_$l"; /usr/bin/time -o "$TMPDIR_AB/t" -f "%e %M %U %S" bash -c "${!c}" >/dev/null 2>&1; out=$(tail -1 "$TMPDIR_AB/t")
    T[$l]="${T[$l]} $(echo $out | awk '{print int($1*1000)}')"; R[$l]="${R[$l]} $(echo $out | awk '{print int($2/1024)}')"
    C[$l]="${C[$l]} $(echo $out | awk '{print int(($3+$4)*1000)}')"
  done
done
for l in "${labels[@]}"; do
  s=($(printf '%s\n' ${T[$l]} | sort -n)); r=($(printf '%s\n' ${R[$l]} | sort -n)); c=($(printf '%s\n' ${C[$l]} | sort -n))
  echo "$l: wall min ${s[0]} median ${s[$((N/2))]} ms; cpu min ${c[0]} median ${c[$((N/2))]} ms; RSS max ${r[-1]} MiB (wall: ${T[$l]})"
done
