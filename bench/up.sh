#!/usr/bin/env bash
# Measures, on this machine: `pgset up` (3 instances) to Healthy with podManagementPolicy
# OrderedReady (the default) and Parallel, interleaved round by round (the order alternates), with
# their medians and ratio; adding one replica; `up` of a stopped cluster; and prints where the
# first `up` of each policy spent its time.
# Usage: bench/up.sh [ROUNDS]   (build first: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
home=$(mktemp -d)
chmod 755 "$home"
cleanup() {
  for c in "$home"/clusters/*/; do [ -d "$c" ] && bin/pgset --home "$home" down "$(basename "$c")" >/dev/null 2>&1; done
  pkill -9 -f "$home" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT

seconds() { python3 -c "import sys,time; print(f'{(time.time_ns()-int(sys.argv[1]))/1e9:.2f}')" "$1"; }

# Where the first round's `up` spent its time, from the logs (all with millisecond timestamps):
# seconds since the command started, what happened, and where it was logged.
timeline() { # start_ns cluster_dir
  python3 - "$1" "$2" <<'PY'
import sys, re, glob, datetime
start, d = int(sys.argv[1]) / 1e9, sys.argv[2]
def at(text):
    return datetime.datetime.fromisoformat(text[:23].replace('Z', '') + '+00:00').timestamp()
rows = []
wanted = re.compile(r'controller running|handed to its warm JVM|create |PrimaryChanged|certificates issued'
                    r'|initdb|new database|cloned from|postgres started|bootstrap complete|ready: ')
for f in [d + '/controller.log', d + '/events.log'] + sorted(glob.glob(d + '/pods/*/log')):
    for line in open(f, errors='replace'):
        if re.match(r'\d{4}-\d\d-\d\dT', line) and wanted.search(line):
            what = re.sub(r'^\S+ (INFO |Normal \w+ )?(cluster=\S+ )?', '', line.strip())
            rows.append((at(line) - start, what[:100], f[len(d) + 1:]))
for t, what, f in sorted(rows):
    print(f'  {t:6.2f} s  {what}  ({f})')
PY
}

# Each round's clusters are new ones of their own, stopped once measured and deleted only at the
# end, so that no round measures the last one's delete (see bench/filesystem.sh).
. bench/filesystem.sh
. bench/machine.sh

ordered() { # round: a new default cluster: up, one more replica, down, up again, down
  local c=bench$1
  start=$(date +%s%N); bin/pgset --home "$home" up "$c" >/dev/null; up+=("$(seconds "$start")")
  [ "$1" = 1 ] && first=$(timeline "$start" "$home/clusters/$c")
  start=$(date +%s%N); bin/pgset --home "$home" scale "$c" --instances 4 >/dev/null; add+=("$(seconds "$start")")
  bin/pgset --home "$home" down "$c" >/dev/null
  start=$(date +%s%N); bin/pgset --home "$home" up "$c" >/dev/null; restart+=("$(seconds "$start")")
  bin/pgset --home "$home" down "$c" >/dev/null
}
parallel() { # round: a new cluster of 3 instances with podManagementPolicy: Parallel, up, then down
  local c=benchp$1
  printf 'apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: %s}\nspec: {instances: 3, podManagementPolicy: Parallel}\n' \
    "$c" > "$home/$c.yaml"
  start=$(date +%s%N); bin/pgset --home "$home" up -f "$home/$c.yaml" >/dev/null; upp+=("$(seconds "$start")")
  [ "$1" = 1 ] && firstp=$(timeline "$start" "$home/clusters/$c")
  bin/pgset --home "$home" down "$c" >/dev/null
}

waited=$(await_quiet_file_system "$home")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cost_before=$(file_cost "$home")
loop_before=$(cpu_loop_seconds)
up=() upp=() add=() restart=()
for i in $(seq 1 "$rounds"); do
  # Alternating which goes first, so that a drift in the machine's load favours neither.
  if (( i % 2 )); then ordered "$i"; parallel "$i"; else parallel "$i"; ordered "$i"; fi
done

summary() { printf '%s\n' "${@:2}" | sort -n | awk -v what="$1" '{a[NR]=$1} END {printf "%-42s min %6.2f s  median %6.2f s  max %6.2f s  (n=%d)\n", what, a[1], (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[NR], NR}'; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "pgset bench on $(nproc) cores, PostgreSQL $(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}'),"\
  "load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo "creating a file in the bench's home: $cost_before us before (after waiting $waited s for it), $(file_cost "$home") us after"
echo "a fixed loop on the processor (bench/machine.sh): $loop_before s before, $(cpu_loop_seconds) s after"
summary "up (new cluster, 3 instances) to Healthy" "${up[@]}"
summary "  the same with podManagementPolicy: Parallel" "${upp[@]}"
awk -v o="$(median "${up[@]}")" -v p="$(median "${upp[@]}")" \
  'BEGIN {printf "  median Parallel / OrderedReady: %.2f s / %.2f s = %.2f\n", p, o, p / o}'
summary "add one replica (scale 3 -> 4) to Healthy" "${add[@]}"
summary "up of a stopped 4-instance cluster" "${restart[@]}"
echo "the first round's up, from the logs (seconds since the command started):"
echo "$first"
echo "the first round's up with podManagementPolicy: Parallel:"
echo "$firstp"
