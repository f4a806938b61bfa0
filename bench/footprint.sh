#!/usr/bin/env bash
# Measures what pgset's own JVMs cost on this machine: the start of one (`pgset --version`, 3 x
# ROUNDS times); `pgset up` of a new 3-instance cluster to Healthy (wall time, and the CPU time of
# the CLI and of each daemon); then, after the cluster has idled for a while, each daemon's
# resident memory (RSS; PSS, which shares out the pages several processes map, such as the class
# archives), heap and metaspace committed, threads and classes loaded.
# With OTHER_CHECKOUT (say, an earlier commit in a git worktree, built the same way) both builds run
# interleaved round by round and the table shows each and the ratio this/other.
# Usage: bench/footprint.sh [ROUNDS] [OTHER_CHECKOUT]   (build first: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
rounds=${1:-3}
trees=("$here")
if [ -n "${2:-}" ]; then trees+=("$(cd "$2" && pwd)"); fi
idle=${IDLE_SECONDS:-15}
for tree in "${trees[@]}"; do
  [ -f "$tree/pgset-cli/target/pgset.jar" ] || { echo "no build in $tree: run mvn -q -DskipTests package there" >&2; exit 2; }
done
homes=()
cleanup() {
  for h in "${homes[@]}"; do
    for tree in "${trees[@]}"; do "$tree/bin/pgset" --home "$h" delete bench --volumes >/dev/null 2>&1 || true; done
    pkill -9 -f "$h" 2>/dev/null || true
    rm -rf "$h"
  done
}
trap cleanup EXIT
results=$(mktemp)
homes+=("$results")

kb() { awk -v k="$2" '$1 == k":" {print $2}' "$1"; }
# One line per daemon: PHASE TREE ROUND KIND rss_kb pss_kb heap_kb metaspace_kb threads classes cpu_s
measure() { # PHASE TREE ROUND HOME
  local pid kind heap meta classes
  for pid in $(pgrep -f -- "-Dpgset.marker=--[a-z]*-dir=$4/"); do
    kind=$(tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "--cluster-dir=" && echo controller || echo instance)
    heap=$(jcmd "$pid" GC.heap_info 2>/dev/null | awk 'match($0, /total [0-9]+K/) {sum += substr($0, RSTART + 6, RLENGTH - 7)} END {print sum + 0}')
    meta=$(jcmd "$pid" GC.heap_info 2>/dev/null | awk '/Metaspace/ && match($0, /committed [0-9]+K/) {print substr($0, RSTART + 10, RLENGTH - 11)}')
    classes=$(jcmd "$pid" VM.classloader_stats 2>/dev/null | awk '/^Total =/ {print $4}')
    echo "$1 $2 $3 $kind $(kb "/proc/$pid/status" VmRSS) $(kb "/proc/$pid/smaps_rollup" Pss) ${heap:-0} ${meta:-0}" \
      "$(ls "/proc/$pid/task" | wc -l) ${classes:-0} $(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$pid/stat")" >>"$results"
  done
}

# The CLI and each daemon: `pgset --version` is little more than a JVM start and pgset's command line.
timed() { # prints "WALL CPU" of one run of a command whose output is dropped
  python3 -c '
import resource, subprocess, sys, time
start = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{time.monotonic() - start:.2f} {used.ru_utime + used.ru_stime:.2f}")' "$@"
}
for round in $(seq 1 $((rounds * 3))); do
  for tree in "${trees[@]}"; do
    echo "version $tree $round cli $(timed "$tree/bin/pgset" --version)" >>"$results"
  done
done

for round in $(seq 1 "$rounds"); do
  for tree in "${trees[@]}"; do
    home=$(mktemp -d); chmod 755 "$home"; homes+=("$home")
    # The CLI's own CPU: the daemons it starts are detached, so only the CLI's JVM counts as its child.
    echo "up $tree $round cli $(timed "$tree/bin/pgset" --home "$home" up bench)" >>"$results"
    measure healthy "$tree" "$round" "$home" # the CPU it took to start, before idling
    sleep "$idle"
    measure idle "$tree" "$round" "$home"
    "$tree/bin/pgset" --home "$home" delete bench --volumes >/dev/null
  done
done

python3 - "$results" "${trees[@]}" <<'PY'
import os, statistics, sys
path, trees = sys.argv[1], sys.argv[2:]
lines = [l.split() for l in open(path)]
med = statistics.median
nan = float("nan")
def each(phase, tree, kind, column):
    return [float(f[4 + column]) for f in lines if f[0] == phase and f[1] == tree and f[3] == kind]
def daemon(tree, kind, column, phase="idle"):
    values = each(phase, tree, kind, column)
    return med(values) if values else nan
def summed(tree, column):
    # the sum over the daemons of one round; the median over rounds
    rounds = {}
    for f in lines:
        if f[0] == "idle" and f[1] == tree:
            rounds[f[2]] = rounds.get(f[2], 0.0) + float(f[4 + column])
    return med(rounds.values()) if rounds else nan
rows = [
    ("one JVM start (`pgset --version`), wall (s)", lambda t: daemon(t, "cli", 0, "version")),
    ("one JVM start (`pgset --version`), CPU (s)", lambda t: daemon(t, "cli", 1, "version")),
    ("up, new 3-instance cluster to Healthy (s)", lambda t: daemon(t, "cli", 0, "up")),
    ("  CPU of the pgset CLI during up (s)", lambda t: daemon(t, "cli", 1, "up")),
    ("  CPU of the controller by Healthy (s)", lambda t: daemon(t, "controller", 6, "healthy")),
    ("  CPU of one instance manager by Healthy (s)", lambda t: daemon(t, "instance", 6, "healthy")),
    ("RSS of the controller (MiB)", lambda t: daemon(t, "controller", 0) / 1024),
    ("RSS of one instance manager (MiB)", lambda t: daemon(t, "instance", 0) / 1024),
    ("RSS of all 4 pgset JVMs (MiB)", lambda t: summed(t, 0) / 1024),
    ("PSS of the controller (MiB)", lambda t: daemon(t, "controller", 1) / 1024),
    ("PSS of one instance manager (MiB)", lambda t: daemon(t, "instance", 1) / 1024),
    ("PSS of all 4 pgset JVMs (MiB)", lambda t: summed(t, 1) / 1024),
    ("heap committed, instance manager (MiB)", lambda t: daemon(t, "instance", 2) / 1024),
    ("metaspace committed, instance manager (MiB)", lambda t: daemon(t, "instance", 3) / 1024),
    ("threads, instance manager", lambda t: daemon(t, "instance", 4)),
    ("classes loaded, instance manager", lambda t: daemon(t, "instance", 5)),
]
print(f"pgset footprint on {os.cpu_count()} cores, medians of {len(each('up', trees[0], 'cli', 0))} rounds"
      + (" interleaved" if len(trees) > 1 else "") + f" (load now: {open('/proc/loadavg').read().split()[0]})")
print(f"{'':46}" + "".join(f"{'this' if i == 0 else 'other':>10}" for i in range(len(trees)))
      + (f"{'ratio':>8}" if len(trees) > 1 else ""))
for label, value in rows:
    values = [value(t) for t in trees]
    line = f"{label:46}" + "".join(f"{v:10.2f}" if v < 100 else f"{v:10.0f}" for v in values)
    if len(trees) > 1:
        line += f"{values[0] / values[1]:8.2f}" if values[1] else ""
    print(line)
for i, tree in enumerate(trees):
    print(f"{'this' if i == 0 else 'other'}: {tree}")
PY
