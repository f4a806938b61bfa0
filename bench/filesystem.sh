# Sourced by the bench scripts that create clusters: what creating a file costs just now.
# On ext4 without a journal (the development machine's), the inode allocator passes over inodes
# freed in the last minute, or the last six while their inode-table block is still dirty, reading
# each one's block: right after thousands of files were deleted nearby, a file costs 10 to 40 times
# its usual kernel time, and initdb and pg_basebackup create about a thousand each. A figure far
# above about 20 us means the run measured an earlier delete as much as pgset.
file_cost() { # DIR: microseconds to create one file in a new directory under DIR (left for the clean-up)
  python3 - "$1" <<'PY'
import os, sys, tempfile, time
d = tempfile.mkdtemp(dir=sys.argv[1])
start = time.perf_counter()
for i in range(300):
    os.close(os.open(f"{d}/f{i}", os.O_CREAT | os.O_WRONLY))
print(f"{(time.perf_counter() - start) / 300 * 1e6:.0f}")
PY
}

# Waits until creating a file under DIR costs at most 40 us, for 4 minutes at the most, so that a
# run does not measure the delete of the one before it (its clean-up removes thousands of files);
# prints the seconds it waited.
await_quiet_file_system() { # DIR
  local waited=0
  while [ "$(file_cost "$1")" -gt 40 ] && [ "$waited" -lt 240 ]; do
    sleep 10
    waited=$((waited + 10))
  done
  echo "$waited"
}
