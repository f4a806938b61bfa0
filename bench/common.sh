# Sourced by the bench scripts that compare builds: each tree must be built, and every temporary
# PGSET_HOME in `homes` is stopped (every process naming it) and removed on exit.
require_builds() { # tree...
  for tree in "$@"; do
    [ -f "$tree/pgset-cli/target/pgset.jar" ] || { echo "no build in $tree: run mvn -q -DskipTests package there" >&2; exit 2; }
  done
}
homes=()
cleanup() {
  for h in "${homes[@]}"; do
    # down removes what outlives the processes too (the kernel routes of rw and ro).
    for c in "$h"/clusters/*/; do [ -d "$c" ] && bin/pgset --home "$h" down "$(basename "$c")" >/dev/null 2>&1; done
    pkill -9 -f "$h" 2>/dev/null || true; rm -rf "$h"
  done
}
trap cleanup EXIT
