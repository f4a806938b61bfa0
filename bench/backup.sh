#!/usr/bin/env bash
# Measures backups and restores with pgBackRest through pgset on a pgbench database, each side by
# side in one run with the same operation done by hand on the same data:
#   1. `pgset backup --type full` against `pgbackrest backup --type=full` (pgset should add nothing);
#   2. a point-in-time recovery cluster (`pgset up` with bootstrap.recovery, no target) to Healthy
#      against a plain `pgbackrest restore` into an empty directory;
#   3. a new replica's files from the repository (`pgbackrest restore --type=standby`) against
#      `pg_basebackup -X stream` from the primary.
# One instance with two posix repositories: pgset backs up to the first, the hand-run backups go to
# the second, where no backup of pgset's is (a full backup copies every file anyway). archive_command
# pushes WAL to both, so pgBackRest's archive check waits alike; a repository given only on the
# hand-run command line (--repo1-path) never gets the WAL and the check times out there.
# Each pair runs A B B A and the table gives means, so drift in the machine's load weighs on both.
# Usage: bench/backup.sh [SCALE]   (pgbench scale, default 70: about 1 GiB; build first: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-70}
pgbin=/usr/lib/postgresql/15/bin
home=$(mktemp -d)
chmod 755 "$home"
cleanup() {
  for cluster in restored bench; do bin/pgset --home "$home" delete "$cluster" --volumes >/dev/null 2>&1 || true; done
  pkill -9 -f "$home" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT

log=$home/bench.log
run() { # runs a command with its output in the log; on failure shows the log's end and stops
  "$@" >>"$log" 2>&1 || { echo "failed ($?): $*" >&2; tail -n 30 "$log" >&2; exit 1; }
}
seconds() { python3 -c "import sys,time; print(f'{(time.time_ns()-int(sys.argv[1]))/1e9:.2f}')" "$1"; }
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups --reset-env "$@"; }
sql() { bin/pgset --home "$home" psql bench --superuser -- -XAtqc "$1"; }
empty_dir() { mkdir -m 700 "$1"; chown postgres:postgres "$1"; }

cat >"$home/bench.yaml" <<YAML
apiVersion: pgset.io/v1alpha1
kind: PostgresCluster
metadata: {name: bench}
spec:
  instances: 1
  backup:
    repositories:
      - name: local
      - name: byhand
        path: $home/byhand-repo
    schedule: {}
YAML
cat >"$home/restored.yaml" <<YAML
apiVersion: pgset.io/v1alpha1
kind: PostgresCluster
metadata: {name: restored}
spec:
  instances: 1
  bootstrap:
    recovery:
      source: {cluster: bench}
YAML

run bin/pgset --home "$home" up -f "$home/bench.yaml"
volume=$home/clusters/bench/volumes/data-bench-0
conf=$volume/pgbackrest.conf
port=$(sed -n 's/^pg1-port=//p' "$conf")
secrets=$home/clusters/bench/secrets
rw=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['rw'])" "$home/clusters/bench/services.json")
pgbackrest() { as_postgres env PGHOST=127.0.0.1 "PGPASSFILE=$volume/superuser.pgpass" \
  /usr/bin/pgbackrest "--config=$conf" --stanza=bench --log-level-console=info "$@"; }

echo "loading pgbench scale $scale ..." >&2
run env "PGPASSFILE=$secrets/pgpass" "$pgbin/pgbench" -i -q -s "$scale" \
  "postgresql://app@127.0.0.1:$rw/app?sslmode=verify-full&sslrootcert=$secrets/ca.crt"
# Untimed before each measurement: a checkpoint (so neither pays for the load's dirty buffers) and
# an archive that has caught up (so neither competes with archive-push for the cores).
settle() {
  sql "CHECKPOINT" >/dev/null
  local waited=0
  while [ "$(sql "SELECT count(*) FROM pg_ls_dir('pg_wal/archive_status') f WHERE f LIKE '%.ready'")" != 0 ]; do
    [ $((waited += 1)) -lt 1800 ] || { echo "WAL archiving has not caught up in 30 minutes" >&2; exit 1; }
    sleep 1
  done
}
settle
total=$(sql "SELECT sum(pg_database_size(oid)) FROM pg_database")
app=$(sql "SELECT pg_database_size('app')")
mb() { python3 -c "import sys; print(f'{int(sys.argv[1])/1048576:.0f}')" "$1"; }

# Each pair runs A, B, B, A (each after settle, into an empty $target where it writes files), so that
# drift in the machine's load during the pair weighs on both alike; a figure is the mean of two.
target=$home/target
declare -A took
restored_in=()
measure() { # KEY COMMAND...
  settle
  empty_dir "$target"
  local start; start=$(date +%s%N)
  run "${@:2}"
  took[$1]+="$(seconds "$start") "
  rm -rf "$target"
  if [ "$1" = restore_pgset ]; then
    restored_in+=("$(grep -rho 'restored the backup in [0-9.]* s' "$home/clusters/restored/pods" | grep -o '[0-9.]*' | head -n 1 || true)")
    run bin/pgset --home "$home" delete restored --volumes
  fi
}
pair() { # KEY_A COMMAND_A KEY_B COMMAND_B (each command one string for eval)
  measure "$1" eval "$2"; measure "$3" eval "$4"; measure "$3" eval "$4"; measure "$1" eval "$2"
}
basebackup_conninfo="host=127.0.0.1 port=$port user=pgset_replication passfile=$volume/replication.pgpass sslmode=verify-full sslrootcert=$volume/tls/ca.crt sslcert=$volume/tls/replication.crt sslkey=$volume/tls/replication.key"

echo "full backups ..." >&2
pair backup_pgset 'bin/pgset --home "$home" backup bench --type full' \
  backup_hand 'pgbackrest --repo=2 --type=full backup'
stored=$(bin/pgset --home "$home" backups bench -o json | python3 -c "import json,sys; print(json.load(sys.stdin)['backups'][-1]['repositorySize'])")
# pgBackRest's own time for each backup, from its console lines in the log: A, B, B, A.
own=($(grep -o 'backup command end: completed successfully ([0-9]*ms)' "$log" | grep -o '[0-9]*ms' | tr -d ms))
took[own_pgset]="$(python3 -c "import sys; print(f'{int(sys.argv[1])/1000:.2f} {int(sys.argv[2])/1000:.2f}')" "${own[0]}" "${own[3]}")"
took[own_hand]="$(python3 -c "import sys; print(f'{int(sys.argv[1])/1000:.2f} {int(sys.argv[2])/1000:.2f}')" "${own[1]}" "${own[2]}")"

echo "restores ..." >&2
pair restore_pgset 'bin/pgset --home "$home" up -f "$home/restored.yaml"' \
  restore_hand 'pgbackrest --repo=1 "--pg1-path=$target" restore'

echo "new replicas ..." >&2
pair replica_repo 'pgbackrest --repo=1 "--pg1-path=$target" --type=standby restore' \
  replica_basebackup 'as_postgres "$pgbin/pg_basebackup" -D "$target" -X stream -c fast --no-password -d "$basebackup_conninfo"'

mean() { python3 -c "import sys; v=[float(x) for x in sys.argv[1:]]; print(f'{sum(v)/len(v):.2f}')" $1; }
each() { echo "${1% }"; }
rate() { python3 -c "import sys; print(f'{int(sys.argv[1])/1048576/float(sys.argv[2]):.1f}')" "$total" "$(mean "$1")"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.2f}')" "$(mean "$1")" "$(mean "$2")"; }
figure() { echo "$(mean "$1") s ($(each "$1"))"; }
row() { # LABEL A_TEXT A_KEY B_TEXT B_KEY
  printf '%-12s %-34s %-24s %-32s %-24s %5s\n' "$1" "$2" "$(figure "${took[$3]}")" "$4" "$(figure "${took[$5]}")" \
    "$(ratio "${took[$3]}" "${took[$5]}")"
}
echo "pgset backup bench on $(nproc) cores, PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}'), $(/usr/bin/pgbackrest version)"
echo "pgbench scale $scale: $(mb "$total") MB in all databases (pg_database_size; app $(mb "$app") MB), $(mb "$stored") MB in the repository (gz)"
echo "each figure is the mean of two runs (in parentheses), run A B B A"
echo
printf '%-12s %-34s %-24s %-32s %-24s %5s\n' "" "A" "seconds (each)" "B" "seconds (each)" "A/B"
row "full backup" "pgset backup --type full" backup_pgset "pgbackrest backup --type=full" backup_hand
printf '%-12s %-34s %-24s %-32s %-24s\n' "" "" "$(rate "${took[backup_pgset]}") MB/s" "" "$(rate "${took[backup_hand]}") MB/s"
row "" "  pgBackRest's own (its log)" own_pgset "  pgBackRest's own (its log)" own_hand
row "restore" "pgset up, recovery, to Healthy" restore_pgset "pgbackrest restore" restore_hand
if [ "${#restored_in[@]}" = 2 ] && [ -n "${restored_in[0]}" ] && [ -n "${restored_in[1]}" ]; then
  took[restored_in]="${restored_in[*]} "
  printf '%-12s %-34s %-24s %-32s %-24s %5s\n' "" "  of which pgbackrest restore" "$(figure "${took[restored_in]}")" \
    "" "" "$(ratio "${took[restored_in]}" "${took[restore_hand]}")"
fi
row "new replica" "pgbackrest restore --type=standby" replica_repo "pg_basebackup -X stream -c fast" replica_basebackup
