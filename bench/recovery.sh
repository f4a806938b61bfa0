#!/usr/bin/env bash
# Measures, on this machine, what postgres's sync of the data directory before crash recovery costs
# a primary restarted in place, with recovery_init_sync_method = fsync (postgres's default: each file
# opened and synced) against syncfs (pgset's default: one syncfs() of the file system). One
# 3-instance cluster; each round sets one method (a reload), kills the primary's postmaster under
# the drill's write load (`pgset drill --rounds 1 --kill postgres`), and reads from the primary's
# postgres log how long the sync took (from "database system was interrupted" to "automatic
# recovery in progress") and from the drill the write gap. Rounds alternate the two methods.
# Usage: bench/recovery.sh [ROUNDS]   (build first: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
require_builds .
rounds=${1:-5}
home=$(mktemp -d)
chmod 755 "$home"
homes+=("$home")

spec() { # method
  cat > "$home/$1.yaml" <<YAML
apiVersion: pgset.io/v1alpha1
kind: PostgresCluster
metadata: {name: bench}
spec:
  instances: 3
  postgres:
    parameters: {recovery_init_sync_method: $1}
YAML
  echo "$home/$1.yaml"
}

# The sync before crash recovery in the newest log of the primary's postgres, in seconds.
sync_seconds() {
  python3 - "$home/clusters/bench/volumes/data-bench-0/pglog" <<'PY'
import datetime, glob, os, re, sys
newest = max(glob.glob(sys.argv[1] + '/postgresql-*'), key=os.path.getmtime)
at = {}
for line in open(newest, errors='replace'):
    m = re.match(r'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) UTC', line)
    for key, text in (('from', 'database system was interrupted'), ('to', 'automatic recovery in progress')):
        if m and text in line and key not in at:
            at[key] = datetime.datetime.fromisoformat(m.group(1)).timestamp()
print(f"{at['to'] - at['from']:.3f}" if len(at) == 2 else "nan")
PY
}

echo "pgset crash recovery on $(nproc) cores, PostgreSQL $(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}'), $rounds rounds of each method, load average $(cut -d' ' -f1-3 /proc/loadavg)"
bin/pgset --home "$home" up -f "$(spec syncfs)" >/dev/null
declare -A sync gap
for round in $(seq 1 "$rounds"); do
  for method in fsync syncfs; do
    bin/pgset --home "$home" apply -f "$(spec "$method")" >/dev/null
    g=$(bin/pgset --home "$home" drill bench --rounds 1 --kill postgres | awk '$1 == "1" && $2 == "bench-0" {print $5}')
    s=$(sync_seconds)
    sync[$method]+="$s "
    gap[$method]+="$g "
    echo "  round $round, $method: sync before recovery $s s, write gap $g s"
  done
done

median() { python3 -c "import statistics,sys; v=[float(x) for x in sys.argv[1:] if x!='nan']; print(f'{statistics.median(v):.3f}' if v else 'nan')" "$@"; }
echo
printf '%-36s %10s %10s %8s\n' "" fsync syncfs ratio
for what in sync gap; do
  declare -n values=$what
  f=$(median ${values[fsync]}); s=$(median ${values[syncfs]})
  label=$([ $what = sync ] && echo "sync before crash recovery (s)" || echo "drill write gap (s)")
  printf '%-36s %10s %10s %8s\n' "median $label" "$f" "$s" \
    "$(python3 -c "import sys; f,s=float(sys.argv[1]),float(sys.argv[2]); print(f'{s/f:.2f}' if f else 'nan')" "$f" "$s")"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
