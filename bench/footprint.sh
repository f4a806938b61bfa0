#!/usr/bin/env bash
# Measures what pgset's own JVMs cost on this machine: the start of one (`pgset --version`, 3 x
# ROUNDS times); `pgset up` of a new 3-instance cluster to Healthy (wall time, and the CPU time of
# the CLI and of each daemon); then, after the cluster has idled for a while, for the controller and
# for an instance manager: resident memory (RSS, split into anonymous and file pages; PSS, which
# shares out the pages several processes map), where the RSS lies (the class-data archives, the Java
# heap, libjvm, the rest, from /proc/PID/smaps), heap and metaspace committed, threads and classes.
# The CPU each daemon used while the cluster idled (the controller polls the instances all along).
# Beside them, the same figures of an idle JVM with the daemons' flags that runs nothing (a class that
# sleeps): what any JVM costs before pgset loads a class.
# With OTHER_CHECKOUT (say, an earlier commit in a git worktree, built the same way) both builds run
# interleaved round by round and the table shows each and the ratio this/other.
# PGSET_DAEMON_JAVA_OPTIONS reaches the daemons of both builds; OTHER_DAEMON_JAVA_OPTIONS, when set, replaces it
# for the other one, so that OTHER_CHECKOUT may be this checkout itself to compare a flag side by side.
# Usage: bench/footprint.sh [ROUNDS] [OTHER_CHECKOUT]   (build first: mvn -q -DskipTests package; needs a JDK: jcmd, javac)
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

# One line per daemon: PHASE TREE ROUND KIND then the columns COLUMNS names, in that order.
COLUMNS="rss anon file pss archives heap_rss libjvm other heap meta threads classes cpu"
measure() { # PHASE TREE ROUND HOME
  local pid kind
  for pid in $(pgrep -f -- "-Dpgset.marker=--[a-z]*-dir=$4/"); do
    kind=$(tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "--cluster-dir=" && echo controller || echo instance)
    echo "$1 $2 $3 $kind $(figures "$pid")" >>"$results"
  done
}
figures() { # PID: the COLUMNS of one JVM, memory in kB, CPU in seconds
  local heap_info
  heap_info=$(jcmd "$1" GC.heap_info 2>/dev/null || true)
  python3 - "$1" "$(jcmd "$1" VM.classloader_stats 2>/dev/null | awk '/^Total =/ {print $4}')" "$heap_info" <<'PY'
import os, re, sys
pid, classes, heap_info = sys.argv[1], sys.argv[2] or "0", sys.argv[3]
status = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status"))
kb = lambda key: int(status[key].split()[0])
# The heap is the range from the young generation's start to the old generation's end.
bounds = [int(a, 16) for a in re.findall(r"\[(0x[0-9a-f]+), 0x[0-9a-f]+, (?:0x[0-9a-f]+\))", heap_info)]
ends = [int(b, 16) for b in re.findall(r"\[0x[0-9a-f]+, (?:0x[0-9a-f]+, )*(0x[0-9a-f]+)\)", heap_info)]
low, high = (min(bounds), max(ends)) if bounds and ends else (0, 0)
parts = {"archives": 0, "heap_rss": 0, "libjvm": 0, "pss": 0}
start = name = None
for line in open(f"/proc/{pid}/smaps"):
    head = line.split()
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        start = int(head[0].split("-")[0], 16)
        name = head[5] if len(head) > 5 else ""
    elif head[0] == "Rss:":
        rss = int(head[1])
        if name.endswith(".jsa"):
            parts["archives"] += rss
        elif low <= start < high:
            parts["heap_rss"] += rss
        elif name.endswith("/libjvm.so"):
            parts["libjvm"] += rss
    elif head[0] == "Pss:":
        parts["pss"] += int(head[1])
other = kb("VmRSS") - parts["archives"] - parts["heap_rss"] - parts["libjvm"]
committed = lambda pattern: sum(int(n) for n in re.findall(pattern, heap_info))
heap = committed(r"(?:generation|space)\s+total (\d+)K")
meta = committed(r"Metaspace\s+used \d+K, committed (\d+)K")
stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
print(kb("VmRSS"), kb("RssAnon"), kb("RssFile"), parts["pss"], parts["archives"], parts["heap_rss"],
      parts["libjvm"], other, heap, meta, kb("Threads"), classes, f"{cpu:.2f}")
PY
}

# What any JVM with the daemons' flags costs: one that loads a class that sleeps, and nothing else. Its
# flags and malloc setting are the running controller's, less pgset's class-data archive and class path.
idle_jvm() { # TREE ROUND HOME
  local daemon pid flags arenas
  daemon=$(pgrep -f -- "-Dpgset.marker=--cluster-dir=$3/" | head -1)
  mapfile -t flags < <(tr '\0' '\n' <"/proc/$daemon/cmdline" | sed -n '2,/^-cp$/p' \
    | grep -v -e '^-cp$' -e '^-D' -e '^-XX:SharedArchiveFile=' -e '^-Xshare:')
  arenas=$(tr '\0' '\n' <"/proc/$daemon/environ" | sed -n 's/^MALLOC_ARENA_MAX=//p')
  MALLOC_ARENA_MAX=${arenas:-} java "${flags[@]}" -cp "$sleeper" Sleep &
  pid=$!
  sleep 5
  echo "idle $1 $2 jvm $(figures "$pid")" >>"$results"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
sleeper=$(mktemp -d); homes+=("$sleeper")
printf 'public class Sleep { public static void main(String[] a) throws Exception { Thread.sleep(600_000); } }\n' >"$sleeper/Sleep.java"
javac -d "$sleeper" "$sleeper/Sleep.java"

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
  for i in "${!trees[@]}"; do
    echo "version $i $round cli $(timed "${trees[$i]}/bin/pgset" --version)" >>"$results"
  done
done

options=("${PGSET_DAEMON_JAVA_OPTIONS:-}" "${OTHER_DAEMON_JAVA_OPTIONS-${PGSET_DAEMON_JAVA_OPTIONS:-}}")
for round in $(seq 1 "$rounds"); do
  for i in "${!trees[@]}"; do
    tree=${trees[$i]}
    home=$(mktemp -d); chmod 755 "$home"; homes+=("$home")
    # The CLI's own CPU: the daemons it starts are detached, so only the CLI's JVM counts as its child.
    echo "up $i $round cli $(PGSET_DAEMON_JAVA_OPTIONS=${options[$i]} timed "$tree/bin/pgset" --home "$home" up bench)" >>"$results"
    measure healthy "$i" "$round" "$home" # the CPU it took to start, before idling
    sleep "$idle"
    measure idle "$i" "$round" "$home"
    idle_jvm "$i" "$round" "$home"
    # Deleted only at the end, as in bench/up.sh: the next round's initdb would pay for the delete.
    "$tree/bin/pgset" --home "$home" down bench >/dev/null
  done
done

IDLE=$idle python3 - "$results" "${trees[@]}" <<'PY'
import os, statistics, sys
path, paths = sys.argv[1], sys.argv[2:]
trees = [str(i) for i in range(len(paths))]
lines = [l.split() for l in open(path)]
med = statistics.median
nan = float("nan")
COLUMNS = "rss anon file pss archives heap_rss libjvm other heap meta threads classes cpu".split()
def each(phase, tree, kind, column):
    return [float(f[4 + column]) for f in lines if f[0] == phase and f[1] == tree and f[3] == kind]
def daemon(tree, kind, name, phase="idle"):
    values = each(phase, tree, kind, COLUMNS.index(name) if isinstance(name, str) else name)
    return med(values) if values else nan
def idling(tree, kind):
    # the CPU a daemon used between Healthy and the idle measurement, per round; the median over rounds
    cpu = COLUMNS.index("cpu")
    at = lambda phase: {(f[2], i): float(f[4 + cpu]) for i, f in enumerate(
        [f for f in lines if f[0] == phase and f[1] == tree and f[3] == kind])}
    healthy, idle = at("healthy"), at("idle")
    used = [idle[k] - healthy[k] for k in idle if k in healthy]
    return med(used) if used else nan
def summed(tree, name):
    # the sum over the daemons of one round; the median over rounds
    rounds = {}
    for f in lines:
        if f[0] == "idle" and f[1] == tree and f[3] != "jvm":
            rounds[f[2]] = rounds.get(f[2], 0.0) + float(f[4 + COLUMNS.index(name)])
    return med(rounds.values()) if rounds else nan
MiB = 1024
memory = [("RSS (MiB)", "rss"), ("  anonymous (RssAnon)", "anon"), ("  file pages (RssFile)", "file"),
          ("  of it: class-data archives (.jsa)", "archives"), ("  of it: Java heap", "heap_rss"),
          ("  of it: libjvm", "libjvm"), ("  of it: the rest (metaspace, code, stacks, malloc)", "other"),
          ("PSS (MiB)", "pss"), ("heap committed (MiB)", "heap"), ("metaspace committed (MiB)", "meta")]
rows = [
    ("one JVM start (`pgset --version`), wall (s)", lambda t: daemon(t, "cli", 0, "version")),
    ("one JVM start (`pgset --version`), CPU (s)", lambda t: daemon(t, "cli", 1, "version")),
    ("up, new 3-instance cluster to Healthy (s)", lambda t: daemon(t, "cli", 0, "up")),
    ("  CPU of the pgset CLI during up (s)", lambda t: daemon(t, "cli", 1, "up")),
    ("  CPU of the controller by Healthy (s)", lambda t: daemon(t, "controller", "cpu", "healthy")),
    ("  CPU of one instance manager by Healthy (s)", lambda t: daemon(t, "instance", "cpu", "healthy")),
    (f"CPU of the controller over the {os.environ.get('IDLE', '?')} s idle (s)", lambda t: idling(t, "controller")),
    (f"CPU of one instance manager over the {os.environ.get('IDLE', '?')} s idle (s)", lambda t: idling(t, "instance")),
]
for kind, title in (("controller", "the controller, idle"), ("instance", "one instance manager, idle"),
                    ("jvm", "an idle JVM with the daemons' flags, running nothing")):
    rows.append((title + ":", None))
    rows += [("  " + label, lambda t, k=kind, c=column: daemon(t, k, c) / MiB) for label, column in memory]
    rows += [("  threads", lambda t, k=kind: daemon(t, k, "threads")),
             ("  classes loaded", lambda t, k=kind: daemon(t, k, "classes"))]
rows += [("RSS of all 4 pgset JVMs (MiB)", lambda t: summed(t, "rss") / MiB),
         ("PSS of all 4 pgset JVMs (MiB)", lambda t: summed(t, "pss") / MiB)]
print(f"pgset footprint on {os.cpu_count()} cores, medians of {len(each('up', trees[0], 'cli', 0))} rounds"
      + (" interleaved" if len(trees) > 1 else "") + f" (load now: {open('/proc/loadavg').read().split()[0]})")
print(f"{'':58}" + "".join(f"{'this' if i == 0 else 'other':>10}" for i in range(len(trees)))
      + (f"{'ratio':>8}" if len(trees) > 1 else ""))
for label, value in rows:
    if value is None:
        print(label)
        continue
    values = [value(t) for t in trees]
    line = f"{label:58}" + "".join(f"{v:10.2f}" if v < 100 else f"{v:10.0f}" for v in values)
    if len(trees) > 1:
        line += f"{values[0] / values[1]:8.2f}" if values[1] else ""
    print(line)
for i, tree in enumerate(paths):
    print(f"{'this' if i == 0 else 'other'}: {tree}")
PY
