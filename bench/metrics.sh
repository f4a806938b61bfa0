#!/usr/bin/env bash
# Measures what an instance's /metrics costs while pgbench keeps its postgres busy:
#   1. scrape latency (median, p99, max) over many scrapes, on one kept-alive HTTPS connection as a
#      Prometheus server scrapes, and with a new connection (TLS handshake) for each;
#   2. the instance manager JVM's CPU seconds (utime + stime from /proc) over a window with a
#      scrape every 5 s against the same window without scrapes, side by side, ROUNDS times each
#      in the order A B B A ..., so drift in the machine's load weighs on both.
# The sampler (a round every 5 s on its own thread) runs in both windows: the difference is the
# scrapes' own cost; the sampler's round time is printed from pgset_metrics_sample_duration_seconds.
# Usage: bench/metrics.sh [SCRAPES] [WINDOW_SECONDS] [ROUNDS]   (default 1000 60 1; build first: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
scrapes=${1:-1000}
window=${2:-60}
rounds=${3:-1}
pgbin=/usr/lib/postgresql/15/bin
home=$(mktemp -d)
chmod 755 "$home"
pgbench_pid=
cleanup() {
  [ -n "$pgbench_pid" ] && kill "$pgbench_pid" 2>/dev/null || true
  bin/pgset --home "$home" delete bench --volumes >/dev/null 2>&1 || true
  pkill -9 -f "$home" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT

cat >"$home/bench.yaml" <<YAML
apiVersion: pgset.io/v1alpha1
kind: PostgresCluster
metadata: {name: bench}
spec:
  instances: 1
YAML
echo "starting a one-instance cluster ..." >&2
bin/pgset --home "$home" up -f "$home/bench.yaml" >/dev/null
cluster=$home/clusters/bench
secrets=$cluster/secrets
rw=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['rw'])" "$cluster/services.json")
api=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['api'])" "$cluster/pods/bench-0/ports.json")
manager=$(cat "$cluster/pods/bench-0/pid")
url="postgresql://app@127.0.0.1:$rw/app?sslmode=verify-full&sslrootcert=$secrets/ca.crt"
echo "loading pgbench (scale 10) and running it for the whole measurement ..." >&2
env "PGPASSFILE=$secrets/pgpass" "$pgbin/pgbench" -i -q -s 10 "$url" >/dev/null 2>&1
total=$(( window * 2 * rounds + 600 ))
env "PGPASSFILE=$secrets/pgpass" "$pgbin/pgbench" -c 4 -j 2 -T "$total" "$url" >"$home/pgbench.log" 2>&1 &
pgbench_pid=$!
sleep 10 # pgbench's clients connected, a few sampling rounds with them

# scrape.py MODE COUNT|SECONDS: "latency N" scrapes N times and prints the latencies in ms;
# "every S" scrapes once every 5 s for S seconds.
cat >"$home/scrape.py" <<'PY'
import http.client, ssl, sys, time
port, token, ca, mode, amount = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
context = ssl.create_default_context(cafile=ca)
headers = {"Authorization": "Bearer " + token}
def get(conn):
    conn.request("GET", "/metrics", headers=headers)
    r = conn.getresponse()
    body = r.read()
    assert r.status == 200, r.status
    return body
if mode == "every":
    end = time.monotonic() + amount
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context)
    while time.monotonic() < end:
        get(conn)
        time.sleep(max(0, min(5, end - time.monotonic())))
    sys.exit(0)
kept = http.client.HTTPSConnection("127.0.0.1", port, context=context)
get(kept)
for fresh in (False, True):
    times = []
    for _ in range(amount):
        start = time.perf_counter_ns()
        if fresh:
            c = http.client.HTTPSConnection("127.0.0.1", port, context=context)
            body = get(c)
            c.close()
        else:
            body = get(kept)
        times.append((time.perf_counter_ns() - start) / 1e6)
    times.sort()
    print("scrape latency, %-26s median %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%d bytes, n=%d)" % (
        ("a new connection each:" if fresh else "one kept-alive connection:"), times[len(times) // 2],
        times[min(len(times) - 1, int(len(times) * 0.99))], times[-1], len(body), len(times)))
PY
cpu() { awk '{print $14 + $15}' "/proc/$manager/stat"; }
# CPU ticks of the instance manager's threads whose name starts with $1 (Linux keeps 15 characters)
thread_cpu() {
  local sum=0 task
  for task in /proc/"$manager"/task/*; do
    if [[ "$(cat "$task/comm" 2>/dev/null)" == "$1"* ]]; then
      sum=$(( sum + $(sed 's/.*) //' "$task/stat" | awk '{print $12 + $13}') ))
    fi
  done
  echo "$sum"
}
token=$(cat "$secrets/api-token")

echo "scraping $scrapes times each way ..." >&2
latency=$(python3 "$home/scrape.py" "$api" "$token" "$secrets/ca.crt" latency "$scrapes")

quiet=() scraped=()
sampler_before=$(thread_cpu metrics-bench-0); measured=0
for r in $(seq 1 "$rounds"); do
  order=(quiet scraped); [ $(( r % 2 )) -eq 0 ] && order=(scraped quiet)
  for what in "${order[@]}"; do
    echo "round $r: $window s $what ..." >&2
    before=$(cpu)
    if [ "$what" = scraped ]; then
      python3 "$home/scrape.py" "$api" "$token" "$secrets/ca.crt" every "$window"
      scraped+=("$(( $(cpu) - before ))")
    else
      sleep "$window"
      quiet+=("$(( $(cpu) - before ))")
    fi
    measured=$(( measured + window ))
  done
done
sampler=$(( $(thread_cpu metrics-bench-0) - sampler_before ))
sample=$(python3 - "$api" "$token" "$secrets/ca.crt" <<'PY'
import http.client, ssl, sys
c = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[1]), context=ssl.create_default_context(cafile=sys.argv[3]))
c.request("GET", "/metrics", headers={"Authorization": "Bearer " + sys.argv[2]})
for line in c.getresponse().read().decode().splitlines():
    if line.startswith("pgset_metrics_sample_duration_seconds{"):
        print(float(line.split()[-1]) * 1000)
PY
)
kill "$pgbench_pid" 2>/dev/null || true
wait "$pgbench_pid" 2>/dev/null || true
pgbench_pid=

ticks=$(getconf CLK_TCK)
mean() { printf '%s\n' "$@" | awk -v t="$ticks" '{s+=$1} END {printf "%.2f", s/NR/t}'; }
q=$(mean "${quiet[@]}"); s=$(mean "${scraped[@]}")
echo "pgset /metrics bench on $(nproc) cores (load average $(cut -d' ' -f1-3 /proc/loadavg)), pgbench -c 4 -j 2 running throughout"
echo "$latency"
printf 'instance manager CPU over %d s: without scrapes %s s, with a scrape every 5 s %s s, difference %s s (%d round(s), means)\n' \
  "$window" "$q" "$s" "$(python3 -c "print(f'{$s - $q:+.2f}')")" "$rounds"
printf 'sampling round (every 5 s, in both): last one took %.1f ms; the sampler thread used %s s of CPU in %d s\n' \
  "$sample" "$(awk -v t="$ticks" -v s="$sampler" 'BEGIN {printf "%.2f", s/t}')" "$measured"
