#!/usr/bin/env bash
# Measures `pgset up` of a new 3-instance cluster to Healthy, and `up` of a stopped one, with this
# checkout's build and another's (say, an earlier commit in a git worktree), interleaved round by
# round on this machine, and prints both and their ratio; with the CPU time of everything the new
# cluster's `up` ran to Healthy (see bench/cpu.sh).
# Usage: bench/versus.sh OTHER_CHECKOUT [ROUNDS]   (build both first: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
other=$(cd "${1:?usage: bench/versus.sh OTHER_CHECKOUT [ROUNDS]}" && pwd)
rounds=${2:-3}
. bench/common.sh
. bench/filesystem.sh
. bench/cpu.sh
. bench/machine.sh
trap 'cleanup; cpu_cleanup' EXIT
require_builds "$here" "$other"

seconds() { python3 -c "import sys,time; print(f'{(time.time_ns()-int(sys.argv[1]))/1e9:.2f}')" "$1"; }

probe=$(mktemp -d); homes+=("$probe")
waited=$(await_quiet_file_system "$probe")
cost_before=$(file_cost "$probe")
loop_before=$(cpu_loop_seconds)
declare -A up restart cpu
for i in $(seq 1 "$rounds"); do
  for tree in "$here" "$other"; do
    home=$(mktemp -d); chmod 755 "$home"; homes+=("$home")
    group=$(cpu_group "$i-$(basename "$tree")")
    start=$(date +%s%N); in_group "$group" "$tree/bin/pgset" --home "$home" up bench >/dev/null
    up[$tree]+="$(seconds "$start") "; cpu[$tree]+="$(cpu_seconds "$group") "
    "$tree/bin/pgset" --home "$home" down bench >/dev/null
    start=$(date +%s%N); "$tree/bin/pgset" --home "$home" up bench >/dev/null; restart[$tree]+="$(seconds "$start") "
    # Stopped, not deleted, until the end: the next round's initdb would pay for this one's
    # delete (see bench/filesystem.sh).
    "$tree/bin/pgset" --home "$home" down bench >/dev/null
  done
done

median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "pgset up, $rounds rounds interleaved, on $(nproc) cores (load now: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "creating a file where the homes are: $cost_before us before (after waiting $waited s for it), $(file_cost "$probe") us after"
echo "a fixed loop on the processor (bench/machine.sh): $loop_before s before, $(cpu_loop_seconds) s after"
printf '%-40s %10s %10s %8s\n' "" "this" "other" "ratio"
for what in up cpu restart; do
  declare -n times=$what
  a=$(median "${times[$here]}"); b=$(median "${times[$other]}")
  case $what in
    up) label="new 3-instance cluster to Healthy (s)" ;;
    cpu) label="  CPU of all it ran, to Healthy (s)" ;;
    *) label="stopped cluster up again (s)" ;;
  esac
  ratio=$([ "$a" = - ] && echo - || python3 -c "print(f'{$a/$b:.2f}')")
  printf '%-40s %10s %10s %8s\n' "$label" "$a" "$b" "$ratio"
done
echo "this:  $here ($(git -C "$here" rev-parse --short HEAD))"
echo "other: $other ($(git -C "$other" rev-parse --short HEAD))"
