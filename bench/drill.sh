#!/usr/bin/env bash
# The failure drill as a benchmark: write gap and lost acknowledged writes when the primary dies.
# Runs, each on a new 3-instance cluster: the default mode (sync, ANY 1; kill the primary), async
# mode (kill the primary), the default killing only the postmaster (restart in place, no failover),
# and the default again with PGSET_KERNEL_SERVICES=off (rw served by HAProxy alone: what the
# kernel routing changes in a failover, in the same run).
# Usage: bench/drill.sh [ROUNDS]   (build first: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
home=$(mktemp -d)
chmod 755 "$home"
cleanup() {
  bin/pgset --home "$home" delete bench --volumes >/dev/null 2>&1 || true
  pkill -9 -f "$home" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT

drill() { # mode (default: left out) kill [environment of up]
  cat > "$home/bench.yaml" <<YAML
apiVersion: pgset.io/v1alpha1
kind: PostgresCluster
metadata: {name: bench}
spec:
  instances: 3
YAML
  if [ "$1" != default ]; then
    echo "  replication: {mode: $1, syncStandbys: 1}" >> "$home/bench.yaml"
  fi
  env ${3:-} bin/pgset --home "$home" up -f "$home/bench.yaml" >/dev/null
  echo
  [ -n "${3:-}" ] && echo "(the cluster started with $3)"
  bin/pgset --home "$home" drill bench --rounds "$rounds" --kill "$2" || echo "(the drill exited with $?)"
  bin/pgset --home "$home" delete bench --volumes >/dev/null
}

echo "pgset failure drill on $(nproc) cores, PostgreSQL $(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}'), $rounds rounds each"
drill default primary
drill async primary
drill default postgres
drill default primary PGSET_KERNEL_SERVICES=off
