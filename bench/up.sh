#!/usr/bin/env bash
# Measures, on this machine: `pgset up` (3 instances) to Healthy, and adding one replica.
# Usage: bench/up.sh [ROUNDS]   (build first: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
home=$(mktemp -d)
chmod 755 "$home"
cleanup() {
  bin/pgset --home "$home" down bench >/dev/null 2>&1 || true
  pkill -9 -f "$home" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT

seconds() { python3 -c "import sys,time; print(f'{(time.time_ns()-int(sys.argv[1]))/1e9:.2f}')" "$1"; }

up=() add=() restart=()
for i in $(seq 1 "$rounds"); do
  start=$(date +%s%N); bin/pgset --home "$home" up bench >/dev/null; up+=("$(seconds "$start")")
  start=$(date +%s%N); bin/pgset --home "$home" scale bench --instances 4 >/dev/null; add+=("$(seconds "$start")")
  bin/pgset --home "$home" down bench >/dev/null
  start=$(date +%s%N); bin/pgset --home "$home" up bench >/dev/null; restart+=("$(seconds "$start")")
  bin/pgset --home "$home" delete bench --volumes >/dev/null
done

summary() { printf '%s\n' "${@:2}" | sort -n | awk -v what="$1" '{a[NR]=$1} END {printf "%-42s min %6.2f s  median %6.2f s  max %6.2f s  (n=%d)\n", what, a[1], (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[NR], NR}'; }
echo "pgset bench on $(nproc) cores, PostgreSQL $(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}')"
summary "up (new cluster, 3 instances) to Healthy" "${up[@]}"
summary "add one replica (scale 3 -> 4) to Healthy" "${add[@]}"
summary "up of a stopped 4-instance cluster" "${restart[@]}"
