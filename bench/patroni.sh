#!/usr/bin/env bash
# Measures, side by side on this machine, a new 3-instance cluster from nothing to "a primary and
# two replicas streaming from it": `pgset up` (OrderedReady, the default, and Parallel) and
# Patroni's bootstrap (three Patroni members started at once against one etcd), interleaved round
# by round (the order rotates), with the CPU time of everything each one ran and the ratios.
#
# Patroni here is Debian's (apt-get install patroni etcd-server: Patroni 3.0, etcd 3.4), on the
# same PostgreSQL. Its members run with its defaults (ttl 30, loop_wait 10: a waiting member wakes
# on the leader key's change, not on the loop), initdb with data checksums and SCRAM, pg_hba by
# SCRAM, replication slots, pg_rewind enabled. What Patroni does not do here and pgset does: issue
# a CA and certificates and use TLS (Patroni takes certificates made beforehand), start the rw and
# ro services, and wait for nothing but its own members. etcd is started once, before the rounds,
# as a Patroni deployment has it running already: its start is printed apart, not counted.
# The end of a Patroni round is when the primary's pg_stat_replication shows both replicas in
# state streaming (pgset's Healthy counts a replica only once it streams too), seen by a poller
# that holds one session to the primary and asks every 20 ms; pgset's end is `up` returning.
# Usage: bench/patroni.sh [ROUNDS]   (build first: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
for tool in patroni etcd; do
  command -v "$tool" >/dev/null || { echo "no $tool here: apt-get install patroni etcd-server" >&2; exit 2; }
done
# Patroni's own interpreter has psycopg2 (a dependency of Debian's package); the poller uses it.
python=$(sed -n '1s/^#! *//p' "$(command -v patroni)")
"$python" -c 'import psycopg2' 2>/dev/null || { echo "$python has no psycopg2: apt-get install python3-psycopg2" >&2; exit 2; }
. bench/common.sh
. bench/filesystem.sh
. bench/cpu.sh
. bench/machine.sh
require_builds .

home=$(mktemp -d); chmod 755 "$home"; homes+=("$home")
round_dir=""
stop_patroni() { # stops the round's members, then any postgres one of them left, then whatever is left
  [ -n "$round_dir" ] || return 0
  pkill -f -- "$round_dir/m[0-9].yml" 2>/dev/null || true
  for _ in $(seq 1 300); do pgrep -f -- "$round_dir/m[0-9].yml" >/dev/null || break; sleep 0.1; done
  # A member stopped while its replica was still starting exits and leaves that postgres running.
  for data in "$round_dir"/m[0-9]; do
    if [ -f "$data/postmaster.pid" ]; then
      "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
  done
  pkill -9 -f -- "$round_dir/" 2>/dev/null || true
  round_dir=""
}
trap 'stop_patroni; cleanup; cpu_cleanup' EXIT

# postgres refuses to run as root: as root, etcd and Patroni run as the postgres user.
as_owner=()
if [ "$(id -u)" = 0 ]; then
  as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups --reset-env)
  chown postgres: "$home"
fi
free_ports() { # N: N ports free just now on the loopback
  python3 -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}
seconds() { python3 -c "import sys,time; print(f'{(time.time_ns()-int(sys.argv[1]))/1e9:.2f}')" "$1"; }

read -r etcd_client etcd_peer < <(free_ports 2)
start=$(date +%s%N)
"${as_owner[@]}" "$(command -v etcd)" --name bench --data-dir "$home/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_client" --advertise-client-urls "http://127.0.0.1:$etcd_client" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "bench=http://127.0.0.1:$etcd_peer" >"$home/etcd.log" 2>&1 &
etcd_pid=$!
# wait returns non-zero for an etcd ended by SIGTERM: without || true, errexit would end the trap
# before the clean-up.
trap 'stop_patroni; kill "$etcd_pid" 2>/dev/null; wait "$etcd_pid" 2>/dev/null || true; cleanup; cpu_cleanup' EXIT
until curl -sf "http://127.0.0.1:$etcd_client/health" >/dev/null; do
  kill -0 "$etcd_pid" 2>/dev/null || { echo "etcd did not start; its log:" >&2; cat "$home/etcd.log" >&2; exit 1; }
  sleep 0.05
done
etcd_start=$(seconds "$start")
# etcd works for Patroni during a round (the initialize and leader keys, the watches): its CPU
# time over the round is counted with Patroni's.
etcd_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f\n", ($14 + $15) / hz}' "/proc/$etcd_pid/stat"; }

member_config() { # SCOPE NAME REST_PORT PG_PORT
  local dir=$home/$1
  cat <<YAML
scope: $1
name: $2
log: {dir: $dir/$2.log}
restapi: {listen: 127.0.0.1:$3, connect_address: 127.0.0.1:$3}
etcd3: {hosts: 127.0.0.1:$etcd_client}
bootstrap:
  dcs: {ttl: 30, loop_wait: 10, retry_timeout: 10, postgresql: {use_pg_rewind: true, use_slots: true}}
  initdb: [{encoding: UTF8}, {locale: C.UTF-8}, data-checksums, {auth: scram-sha-256}]
  pg_hba:
    - local all all scram-sha-256
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
postgresql:
  listen: 127.0.0.1:$4
  connect_address: 127.0.0.1:$4
  data_dir: $dir/$2
  bin_dir: $bin
  pgpass: $dir/$2.pgpass
  authentication:
    superuser: {username: postgres, password: bench-superuser}
    replication: {username: replicator, password: bench-replication}
    rewind: {username: rewinder, password: bench-rewind}
  parameters: {unix_socket_directories: '$dir'}
YAML
}

# Prints the seconds from START_NS to the primary's first answer and to both replicas streaming.
await_streaming() { # START_NS PG_PORT...
  "$python" - "$@" <<'PY'
import sys, time, psycopg2
start, ports = int(sys.argv[1]), sys.argv[2:]
deadline = time.monotonic() + 120
def since():
    return (time.time_ns() - start) / 1e9
primary = None
while primary is None:
    if time.monotonic() > deadline:
        sys.exit("no primary within 120 s")
    for port in ports:
        try:
            c = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", password="bench-superuser",
                                 dbname="postgres", connect_timeout=2)
        except psycopg2.Error:
            continue
        c.autocommit = True
        with c.cursor() as cur:
            cur.execute("SELECT pg_is_in_recovery()")
            if not cur.fetchone()[0]:
                primary, ready = c, since()
                break
        c.close()
    else:
        time.sleep(0.05)
with primary.cursor() as cur:
    while True:
        cur.execute("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
        if cur.fetchone()[0] >= len(ports) - 1:
            print(f"{ready:.2f} {since():.2f}")
            break
        if time.monotonic() > deadline:
            sys.exit("the replicas were not streaming within 120 s")
        time.sleep(0.02)
PY
}

declare -A wall cpu
patroni_round() { # ROUND
  local scope=patroni$1 group start i times primary streaming etcd_before etcd_used used ports=() pg_ports=()
  round_dir=$home/$scope
  "${as_owner[@]}" mkdir "$round_dir"
  read -r -a ports < <(free_ports 6)
  for i in 0 1 2; do
    member_config "$scope" "m$i" "${ports[i]}" "${ports[i + 3]}" >"$home/$scope/m$i.yml"
    "${as_owner[@]}" mkdir "$home/$scope/m$i.log"
    pg_ports+=("${ports[i + 3]}")
  done
  group=$(cpu_group "$scope")
  cpu_groups+=(${group:+"$group"}) # in_group runs in the background here: its own note of it is lost
  etcd_before=$(etcd_cpu)
  start=$(date +%s%N)
  for i in 0 1 2; do
    in_group "$group" "${as_owner[@]}" "$(command -v patroni)" "$home/$scope/m$i.yml" >"$home/$scope/m$i.out" 2>&1 &
  done
  times=$(await_streaming "$start" "${pg_ports[@]}")
  read -r primary streaming <<<"$times"
  etcd_used=$(python3 -c "print(f'{$(etcd_cpu) - $etcd_before:.2f}')")
  used=$(cpu_seconds "$group")
  [ "$used" = - ] || used=$(python3 -c "print(f'{$used + $etcd_used:.2f}')")
  cpu[patroni]+="$used "; cpu[etcd]+="$etcd_used "
  wall[patroni]+="$streaming "; wall[patroni_primary]+="$primary "
  stop_patroni
}
pgset_round() { # ROUND POLICY
  local c=pgset-${2,,}$1 group start
  printf 'apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: %s}\nspec: {instances: 3, podManagementPolicy: %s}\n' \
    "$c" "$2" >"$home/$c.yaml"
  group=$(cpu_group "$c")
  start=$(date +%s%N); in_group "$group" bin/pgset --home "$home" up -f "$home/$c.yaml" >/dev/null
  wall[$2]+="$(seconds "$start") "; cpu[$2]+="$(cpu_seconds "$group") "
  # Stopped, not deleted, until the end: the next round would pay for this one's delete.
  bin/pgset --home "$home" down "$c" >/dev/null
}

waited=$(await_quiet_file_system "$home")
cost_before=$(file_cost "$home")
loop_before=$(cpu_loop_seconds)
runs=("pgset_round OrderedReady" "pgset_round Parallel" "patroni_round")
for i in $(seq 1 "$rounds"); do
  for k in 0 1 2; do # the first of the three moves on by one each round
    read -r fn policy <<<"${runs[(i + k) % 3]}"
    $fn "$i" ${policy:+"$policy"}
  done
done

median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
range() { printf '%s\n' $1 | sort -n | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%s-%s", lo, hi}'; }
echo "a new 3-instance cluster to a primary and two streaming replicas, $rounds rounds interleaved, on $(nproc) cores"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}'), $(patroni --version), etcd $(etcd --version | awk 'NR==1 {print $3}') (started in $etcd_start s, not counted)"
echo "creating a file in the bench's home: $cost_before us before (after waiting $waited s for it), $(file_cost "$home") us after"
echo "a fixed loop on the processor (bench/machine.sh): $loop_before s before, $(cpu_loop_seconds) s after"
printf '%-44s %8s %12s %8s\n' "" "median" "range" "CPU (s)"
row() { printf '%-44s %8s %12s %8s\n' "$1" "$(median "${wall[$2]}")" "$(range "${wall[$2]}")" "$(median "${cpu[$2]:-}")"; }
row "pgset up, OrderedReady (the default) (s)" OrderedReady
row "pgset up, Parallel (s)" Parallel
row "Patroni, 3 members at once (s)" patroni
printf '%-44s %8s %12s %8s\n' "  of which: its primary answering (s)" "$(median "${wall[patroni_primary]}")" \
  "$(range "${wall[patroni_primary]}")" "etcd $(median "${cpu[etcd]}")"
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
p=$(median "${wall[patroni]}"); pc=$(median "${cpu[patroni]}")
for policy in OrderedReady Parallel; do
  w=$(median "${wall[$policy]}"); c=$(median "${cpu[$policy]}")
  echo "pgset $policy / Patroni: wall $(ratio "$w" "$p"), CPU $([ "$c" = - ] && echo - || ratio "$c" "$pc")"
done
