#!/usr/bin/env bash
# Measures what forwarding postgres's JSON records costs, side by side in one run: two one-instance
# clusters logging every statement (log_statement: all), `text` (postgres's text files, nothing
# forwarded) and `json` (jsonlog files, each record forwarded to the instance manager's JSON log),
# each loaded in turn by pgbench -S in the order A B B A ..., so drift in the machine's load weighs
# on both. Per mode: pgbench's transactions per second (every transaction is one logged statement,
# so one record), the instance manager JVM's CPU seconds (utime + stime from /proc) per window, and
# that CPU per thousand records; then the ratios json / text.
# Usage: bench/jsonlog.sh [WINDOW_SECONDS] [ROUNDS]   (default 20 2; build first: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
window=${1:-20}
rounds=${2:-2}
pgbin=/usr/lib/postgresql/15/bin
home=$(mktemp -d)
chmod 755 "$home"
cleanup() {
  for cluster in text json; do bin/pgset --home "$home" delete "$cluster" --volumes >/dev/null 2>&1 || true; done
  rm -rf "$home"
}
trap cleanup EXIT

for mode in text json; do
  cat >"$home/$mode.yaml" <<YAML
apiVersion: pgset.io/v1alpha1
kind: PostgresCluster
metadata: {name: $mode}
spec:
  instances: 1
  logging: {format: $mode}
  postgres: {parameters: {log_statement: all}}
YAML
  echo "starting cluster $mode ..." >&2
  bin/pgset --home "$home" --log-format "$mode" up -f "$home/$mode.yaml" >/dev/null
done

url() { # cluster
  local c=$home/clusters/$1
  local rw
  rw=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['rw'])" "$c/services.json")
  echo "postgresql://app@127.0.0.1:$rw/app?sslmode=verify-full&sslrootcert=$c/secrets/ca.crt"
}
for mode in text json; do
  env "PGPASSFILE=$home/clusters/$mode/secrets/pgpass" "$pgbin/pgbench" -i -q -s 1 "$(url "$mode")" >/dev/null 2>&1
done

cpu() { awk '{print $14 + $15}' "/proc/$(cat "$home/clusters/$1/pods/$1-0/pid")/stat"; }
ticks=$(getconf CLK_TCK)
declare -A tps_sum cpu_sum
tps_sum=([text]=0 [json]=0); cpu_sum=([text]=0 [json]=0)
measure() { # mode
  local before after tps
  before=$(cpu "$1")
  tps=$(env "PGPASSFILE=$home/clusters/$1/secrets/pgpass" "$pgbin/pgbench" -S -n -c 2 -j 2 -T "$window" "$(url "$1")" 2>/dev/null \
    | awk '/^tps = / {print $3; exit}')
  sleep 2 # the forwarder's last round of the window
  after=$(cpu "$1")
  tps_sum[$1]=$(python3 -c "print(${tps_sum[$1]} + $tps)")
  cpu_sum[$1]=$(( ${cpu_sum[$1]} + after - before ))
  printf '  %-4s window: %8.0f tps, instance manager %5.2f s CPU\n' "$1" "$tps" \
    "$(python3 -c "print(($after - $before) / $ticks)")" >&2
}
for ((r = 0; r < rounds; r++)); do
  if (( r % 2 == 0 )); then order="text json"; else order="json text"; fi
  for mode in $order; do measure "$mode"; done
done

forwarded=$(cat "$home"/clusters/json/pods/json-0/log* | grep -c '"source":"postgres"' || true)
echo "pgset JSON log forwarding bench on $(nproc) cores (load average $(cut -d' ' -f1-3 /proc/loadavg)),"
echo "pgbench -S -c 2 -j 2, log_statement: all, $rounds windows of $window s per mode"
python3 - "$window" "$rounds" "$ticks" "${tps_sum[text]}" "${tps_sum[json]}" "${cpu_sum[text]}" "${cpu_sum[json]}" "$forwarded" <<'PY'
import sys
window, rounds, ticks = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
tps = {"text": float(sys.argv[4]) / rounds, "json": float(sys.argv[5]) / rounds}
cpu = {"text": int(sys.argv[6]) / ticks / rounds, "json": int(sys.argv[7]) / ticks / rounds}
print(f"{'mode':<6}{'tps':>10}{'manager CPU s/window':>24}{'CPU ms per 1000 records':>26}")
for mode in ("text", "json"):
    records = tps[mode] * window
    print(f"{mode:<6}{tps[mode]:>10.0f}{cpu[mode]:>24.2f}{1000 * cpu[mode] / records * 1000:>26.2f}")
print(f"json / text: tps {tps['json'] / tps['text']:.2f}, instance manager CPU "
      f"{cpu['json'] / cpu['text'] if cpu['text'] else float('inf'):.2f}")
print(f"records in the json instance's log stream at the end: {sys.argv[8]} (10 MB x 5 kept)")
PY
