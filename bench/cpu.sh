# Sourced by the bench scripts: the CPU time of everything a command starts, its detached daemons
# included, read while they still run. The command runs in a cgroup of its own (cgroup v1's cpuacct
# or cgroup v2); where none can be made (not root, no cgroup file system) the figure is "-". On two
# cores `up` keeps both busy, so its CPU time moves less with the machine's mood than its wall time.
cpu_groups=()
cpu_group() { # NAME: makes a cgroup and prints its directory; prints nothing where none can be made
  local dir
  if [ -w /sys/fs/cgroup/cpuacct ] && [ -f /sys/fs/cgroup/cpuacct/cpuacct.usage ]; then
    dir=/sys/fs/cgroup/cpuacct/pgset-bench-$$-$1
  elif [ -f /sys/fs/cgroup/cgroup.controllers ] && [ -w /sys/fs/cgroup ]; then
    dir=/sys/fs/cgroup/pgset-bench-$$-$1
  else
    return 0
  fi
  mkdir "$dir" 2>/dev/null && echo "$dir"
}
in_group() { # DIR CMD...: runs CMD in the cgroup DIR, or as it is when DIR is empty
  local dir=$1; shift
  if [ -z "$dir" ]; then "$@"; else cpu_groups+=("$dir"); bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$dir" "$@"; fi
}
cpu_seconds() { # DIR: the CPU seconds used in the cgroup so far; "-" without one
  if [ -z "$1" ]; then echo -
  elif [ -f "$1/cpuacct.usage" ]; then awk '{printf "%.2f\n", $1 / 1e9}' "$1/cpuacct.usage"
  else awk '$1 == "usage_usec" {printf "%.2f\n", $2 / 1e6}' "$1/cpu.stat"
  fi
}
cpu_cleanup() { # removes the cgroups made, once the processes in them have ended
  for dir in "${cpu_groups[@]}"; do rmdir "$dir" 2>/dev/null || true; done
}
