#!/usr/bin/env bash
# Measures `pgset up` of a new 3-instance cluster to Healthy, and `up` of a stopped one, with this
# checkout's build and another's (say, an earlier commit in a git worktree), interleaved round by
# round on this machine, and prints both and their ratio.
# Usage: bench/versus.sh OTHER_CHECKOUT [ROUNDS]   (build both first: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
other=$(cd "${1:?usage: bench/versus.sh OTHER_CHECKOUT [ROUNDS]}" && pwd)
rounds=${2:-3}
. bench/common.sh
. bench/filesystem.sh
require_builds "$here" "$other"

seconds() { python3 -c "import sys,time; print(f'{(time.time_ns()-int(sys.argv[1]))/1e9:.2f}')" "$1"; }

probe=$(mktemp -d); homes+=("$probe")
cost_before=$(file_cost "$probe")
declare -A up restart
for i in $(seq 1 "$rounds"); do
  for tree in "$here" "$other"; do
    home=$(mktemp -d); chmod 755 "$home"; homes+=("$home")
    start=$(date +%s%N); "$tree/bin/pgset" --home "$home" up bench >/dev/null; up[$tree]+="$(seconds "$start") "
    "$tree/bin/pgset" --home "$home" down bench >/dev/null
    start=$(date +%s%N); "$tree/bin/pgset" --home "$home" up bench >/dev/null; restart[$tree]+="$(seconds "$start") "
    # Stopped, not deleted, until the end: the next round's initdb would pay for this one's
    # delete (see bench/filesystem.sh).
    "$tree/bin/pgset" --home "$home" down bench >/dev/null
  done
done

median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "pgset up, $rounds rounds interleaved, on $(nproc) cores (load now: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "creating a file where the homes are: $cost_before us before, $(file_cost "$probe") us after"
printf '%-40s %10s %10s %8s\n' "" "this" "other" "ratio"
for what in up restart; do
  declare -n times=$what
  a=$(median "${times[$here]}"); b=$(median "${times[$other]}")
  label=$([ "$what" = up ] && echo "new 3-instance cluster to Healthy (s)" || echo "stopped cluster up again (s)")
  printf '%-40s %10s %10s %8s\n' "$label" "$a" "$b" "$(python3 -c "print(f'{$a/$b:.2f}')")"
done
echo "this:  $here ($(git -C "$here" rev-parse --short HEAD))"
echo "other: $other ($(git -C "$other" rev-parse --short HEAD))"
