#!/usr/bin/env bash
# What the rw service costs: pgbench through rw against pgbench straight to the primary's own
# port, 8 clients, scale 10, TLS on (verify-full), rounds interleaved in one run, printing the
# median TPS of each and their ratio (1.0 = the service costs nothing). This build is measured
# twice, each with its own one-instance cluster: as it runs by default (the kernel routes rw where
# pgset may change the firewall) and with PGSET_KERNEL_SERVICES=off (HAProxy alone). With another
# checkout (say, one whose rw is the old Java proxy) its cluster is measured in the same rounds too.
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

# A variant is a build and the environment its cluster is started with.
variants=(default haproxy)
declare -A tree_of=([default]=$here [haproxy]=$here) env_of=([default]= [haproxy]=PGSET_KERNEL_SERVICES=off)
[ -n "$other" ] && { variants+=(other); tree_of[other]=$other; env_of[other]=; }

declare -A home rw straight
for v in "${variants[@]}"; do
  tree=${tree_of[$v]}
  h=$(mktemp -d); chmod 755 "$h"; homes+=("$h"); home[$v]=$h
  printf 'apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: bench}\nspec:\n  instances: 1\n' > "$h/bench.yaml"
  env ${env_of[$v]} "$tree/bin/pgset" --home "$h" up -f "$h/bench.yaml" >/dev/null
  status=$("$tree/bin/pgset" --home "$h" status bench -o json)
  rw[$v]=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["services"]["rw"]["port"])' <<<"$status")
  straight[$v]=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["pods"][0]["port"])' <<<"$status")
done

conninfo() { # variant port
  echo "host=127.0.0.1 port=$2 dbname=app user=app sslmode=verify-full sslrootcert=${home[$1]}/clusters/bench/secrets/ca.crt"
}
tps() { # variant port pgbench-args...
  local v=$1 port=$2; shift 2
  PGPASSFILE=${home[$v]}/clusters/bench/secrets/pgpass "$pgbench" -n -c 8 -j 2 -T "$seconds" "$@" \
    "$(conninfo "$v" "$port")" 2>/dev/null | awk '/^tps/ {printf "%.0f", $3}'
}
for v in "${variants[@]}"; do
  PGPASSFILE=${home[$v]}/clusters/bench/secrets/pgpass "$pgbench" -q -i -s 10 "$(conninfo "$v" "${straight[$v]}")" >/dev/null 2>&1
done

declare -A results
for i in $(seq 1 "$rounds"); do
  for test in select tpcb; do
    args=(); [ "$test" = select ] && args=(-S)
    for v in "${variants[@]}"; do
      # Alternate which goes first, so that neither always runs on a warmer cache.
      if [ $((i % 2)) -eq 1 ]; then order=(rw straight); else order=(straight rw); fi
      for via in "${order[@]}"; do
        port=${straight[$v]}; [ "$via" = rw ] && port=${rw[$v]}
        results[$v,$test,$via]+="$(tps "$v" "$port" "${args[@]}") "
      done
    done
  done
done

median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "rw service vs straight to the primary: pgbench, 8 clients, scale 10, TLS verify-full, 1 instance,"
echo "$rounds rounds of $seconds s interleaved, on $(nproc) cores (load now: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-34s %-8s %10s %10s %8s\n' "" "rw by" "rw tps" "direct tps" "ratio"
for test in select tpcb; do
  label=$([ "$test" = select ] && echo "pgbench -S (select only)" || echo "pgbench TPC-B (default script)")
  for v in "${variants[@]}"; do
    a=$(median "${results[$v,$test,rw]}"); b=$(median "${results[$v,$test,straight]}")
    printf '%-34s %-8s %10s %10s %8s\n' "$label" "$v" "$a" "$b" "$(python3 -c "print(f'{$a/$b:.2f}')")"
  done
done
echo "default: $here ($(git -C "$here" rev-parse --short HEAD)), the kernel where pgset may change the firewall"
echo "haproxy: the same build with PGSET_KERNEL_SERVICES=off"
[ -n "$other" ] && echo "other:   $other ($(git -C "$other" rev-parse --short HEAD))"
exit 0
