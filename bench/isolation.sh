#!/usr/bin/env bash
# Kubernetes fencing, measured: how soon a primary stops itself once it is cut off from the API server
# and its replica is promoted on the other side (or its last replica goes), and how soon a primary that
# missed a failover steps down. Runs PodInstanceIT (real postgres, the fabric8 mock API server behind a
# relay the test cuts) N times and prints the figures it reports.
# Usage: bench/isolation.sh [RUNS]   (build first: mvn -q -DskipTests install)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
out=pgset-kubernetes/target/failsafe-reports/io.pgset.kubernetes.pod.PodInstanceIT-output.txt
promoted=() lost=()
for run in $(seq "$runs"); do
  mvn -B -q -o -Dstyle.color=never verify -pl pgset-kubernetes -Dit.test=PodInstanceIT -Dtest=none \
      -Dsurefire.failIfNoSpecifiedTests=false >/dev/null
  promoted+=("$(grep -o 'stopped itself [0-9]* ms after its replica was promoted' "$out" | grep -o '[0-9]*')")
  lost+=("$(grep -o 'stopped itself [0-9]* ms after its last peer went' "$out" | grep -o '[0-9]*')")
  echo "run $run: stopped ${promoted[-1]} ms after its replica was promoted; ${lost[-1]} ms after its last peer went"
done
summary() { # label values...
  local label=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v l="$label" '{v[NR]=$1} END {
    printf "%s: min %d ms, median %d ms, max %d ms (n=%d)\n", l, v[1], (NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2), v[NR], NR }'
}
summary "partitioned primary, replica promoted -> primary stopped" "${promoted[@]}"
summary "isolated primary, last replica gone    -> primary stopped" "${lost[@]}"
