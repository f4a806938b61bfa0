#!/usr/bin/env bash
# What the rw service costs: pgbench through rw against pgbench straight to the primary's own
# port, 8 clients, scale 10, TLS on (verify-full), rounds interleaved in one run, printing the
# median TPS of each and their ratio (1.0 = the service costs nothing). With another checkout
# (say, one whose rw is the old Java proxy) its cluster is measured in the same rounds too.
# Usage: bench/services.sh [OTHER_CHECKOUT] [ROUNDS] [SECONDS]   (build first: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
other=${1:+$(cd "$1" && pwd)}
rounds=${2:-3}
seconds=${3:-15}
pgbench=/usr/lib/postgresql/15/bin/pgbench
trees=("$here")
[ -n "$other" ] && trees+=("$other")
. bench/common.sh
require_builds "${trees[@]}"

declare -A home rw straight
for tree in "${trees[@]}"; do
  h=$(mktemp -d); chmod 755 "$h"; homes+=("$h"); home[$tree]=$h
  printf 'apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: bench}\nspec:\n  instances: 1\n' > "$h/bench.yaml"
  "$tree/bin/pgset" --home "$h" up -f "$h/bench.yaml" >/dev/null
  status=$("$tree/bin/pgset" --home "$h" status bench -o json)
  rw[$tree]=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["services"]["rw"]["port"])' <<<"$status")
  straight[$tree]=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["pods"][0]["port"])' <<<"$status")
done

conninfo() { # tree port
  echo "host=127.0.0.1 port=$2 dbname=app user=app sslmode=verify-full sslrootcert=${home[$1]}/clusters/bench/secrets/ca.crt"
}
tps() { # tree port pgbench-args...
  local tree=$1 port=$2; shift 2
  PGPASSFILE=${home[$tree]}/clusters/bench/secrets/pgpass "$pgbench" -n -c 8 -j 2 -T "$seconds" "$@" \
    "$(conninfo "$tree" "$port")" 2>/dev/null | awk '/^tps/ {printf "%.0f", $3}'
}
for tree in "${trees[@]}"; do
  PGPASSFILE=${home[$tree]}/clusters/bench/secrets/pgpass "$pgbench" -q -i -s 10 "$(conninfo "$tree" "${straight[$tree]}")" >/dev/null 2>&1
done

declare -A results
for i in $(seq 1 "$rounds"); do
  for test in select tpcb; do
    args=(); [ "$test" = select ] && args=(-S)
    for tree in "${trees[@]}"; do
      # Alternate which goes first, so that neither always runs on a warmer cache.
      if [ $((i % 2)) -eq 1 ]; then order=(rw straight); else order=(straight rw); fi
      for via in "${order[@]}"; do
        port=${straight[$tree]}; [ "$via" = rw ] && port=${rw[$tree]}
        results[$tree,$test,$via]+="$(tps "$tree" "$port" "${args[@]}") "
      done
    done
  done
done

median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "rw service vs straight to the primary: pgbench, 8 clients, scale 10, TLS verify-full, 1 instance,"
echo "$rounds rounds of $seconds s interleaved, on $(nproc) cores (load now: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-34s %-8s %10s %10s %8s\n' "" "build" "rw tps" "direct tps" "ratio"
for test in select tpcb; do
  label=$([ "$test" = select ] && echo "pgbench -S (select only)" || echo "pgbench TPC-B (default script)")
  for tree in "${trees[@]}"; do
    a=$(median "${results[$tree,$test,rw]}"); b=$(median "${results[$tree,$test,straight]}")
    name=$([ "$tree" = "$here" ] && echo this || echo other)
    printf '%-34s %-8s %10s %10s %8s\n' "$label" "$name" "$a" "$b" "$(python3 -c "print(f'{$a/$b:.2f}')")"
  done
done
echo "this:  $here ($(git -C "$here" rev-parse --short HEAD))"
[ -n "$other" ] && echo "other: $other ($(git -C "$other" rev-parse --short HEAD))"
exit 0
