#!/usr/bin/env bash
# Builds the root filesystem of the pgset image (deploy/Dockerfile) without Docker, for the *E2E
# tests: debootstrap makes the Debian release the Dockerfile's FROM names, then the Dockerfile's
# own RUN instructions run in it, in order, as `docker build` would run them. So the package list
# and the postgres user have one source, the Dockerfile. Its COPY of the jar is not baked in (the
# jar changes with every build): the tests mount the jar at that path when a pod starts.
#
# The result goes into a cache outside the repository, in a folder keyed by a hash of the
# Dockerfile, this script and the mirror, and appears there under its final name only when
# complete; a later run finds it and returns at once. Beside the root filesystem, image.env holds
# what the Dockerfile says about running it (the jar's path, ENV, USER, WORKDIR, ENTRYPOINT, CMD).
#
# Usage: e2e/rootfs/build.sh [--print-dir | --check]
#   --print-dir  print the folder that holds (or will hold) rootfs/ and image.env, and exit
#   --check      exit 1 when it is not built yet
# Environment: PGSET_ROOTFS_CACHE overrides the cache folder
#   (default ${XDG_CACHE_HOME:-$HOME/.cache}/pgset/rootfs); PGSET_ROOTFS_MIRROR the Debian mirror
#   (default http://deb.debian.org/debian).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
dockerfile="$(cd "$here/../.." && pwd)/deploy/Dockerfile"
mirror="${PGSET_ROOTFS_MIRROR:-http://deb.debian.org/debian}"
cache="${PGSET_ROOTFS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pgset/rootfs}"
key="$(cat "$dockerfile" "$0" <(echo "$mirror") | sha256sum | cut -c1-16)"
dir="$cache/$key"

built() {
  [ -f "$dir/image.env" ] && [ -x "$dir/rootfs/bin/sh" ]
}

case "${1:-}" in
  "") ;;
  --print-dir) echo "$dir"; exit 0 ;;
  --check) built; exit ;;
  *) echo "usage: $0 [--print-dir | --check]" >&2; exit 2 ;;
esac

if built; then
  echo "rootfs: the image's root filesystem is already built in $dir"
  exit 0
fi
[ "$EUID" -eq 0 ] || { echo "rootfs: building the image's root filesystem needs root (debootstrap, chroot): run it with sudo" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "rootfs: no debootstrap; install it (apt-get install debootstrap) or run bin/setup --e2e" >&2; exit 1; }

# The Dockerfile's instructions, one a line: continuation lines joined, comment lines dropped (as
# Docker's parser does, also inside a continued instruction).
instructions() {
  awk '
    /^[[:space:]]*#/ { next }
    { line = $0; sub(/[[:space:]]+$/, "", line) }
    line ~ /\\$/ { current = current substr(line, 1, length(line) - 1) " "; next }
    { current = current line; if (current ~ /[^[:space:]]/) print current; current = "" }
  ' "$dockerfile"
}

# debian:12 and debian:12-slim are bookworm: the only base this script knows how to make.
from="$(instructions | awk '$1 == "FROM" { print $2 }')"
case "$from" in
  debian:12|debian:12-slim|debian:bookworm|debian:bookworm-slim) suite=bookworm ;;
  *) echo "rootfs: $dockerfile starts FROM '$from'; build.sh can make only debian:12 (bookworm): extend it" >&2; exit 1 ;;
esac

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # a second build (another checkout, CI) waits for the first and then reuses it
if built; then
  echo "rootfs: built meanwhile by another run in $dir"
  exit 0
fi

partial="$dir.partial"
root="$partial/rootfs"
rm -rf "$partial"
mkdir -p "$partial"
start=$SECONDS
echo "rootfs: building $suite from $mirror and the RUN instructions of $dockerfile into $dir" \
  "(the first time takes minutes: see README)"
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$partial/debootstrap.log" 2>&1 || {
  tail -20 "$partial/debootstrap.log" >&2
  echo "rootfs: debootstrap failed; its log is $partial/debootstrap.log" >&2
  exit 1
}
echo "rootfs: debootstrap took $((SECONDS - start)) s"

# What Debian's container images (debian:12-slim) add to a plain debootstrap: services are never
# started by package scripts, documentation is not installed, and apt keeps no downloaded packages.
rm -f "$root"/var/cache/apt/archives/*.deb
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf" # for apt-get update in the RUN instructions

# Runs a shell command chrooted in the root filesystem, in a private mount namespace with /proc and
# /dev, so that nothing the package scripts mount outlives them. PATH as in Debian's images.
in_root() {
  unshare --mount --propagation private --fork -- /bin/sh -c '
    mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev" \
      && exec chroot "$1" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        /bin/sh -c "$2"' rootfs "$root" "$1"
}

{
  echo "SUITE=$suite"
  echo "MIRROR=$mirror"
}  >"$partial/image.env"
image_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin) # debian:12's own ENV
while IFS= read -r instruction; do
  keyword="${instruction%% *}"
  rest="${instruction#* }"
  rest="${rest#"${rest%%[![:space:]]*}"}"
  case "$keyword" in
    FROM|EXPOSE) ;;
    RUN)
      echo "rootfs: RUN ${rest:0:100}..."
      run_start=$SECONDS
      in_root "$rest" >>"$partial/run.log" 2>&1 || {
        tail -30 "$partial/run.log" >&2
        echo "rootfs: a RUN instruction of $dockerfile failed in the root filesystem; the log is $partial/run.log" >&2
        exit 1
      }
      echo "rootfs: ... took $((SECONDS - run_start)) s"
      ;;
    COPY)
      read -r -a parts <<<"$rest"
      [ "${#parts[@]}" -eq 2 ] && [ "${parts[0]}" = pgset-cli/target/pgset.jar ] || {
        echo "rootfs: $dockerfile copies '$rest'; build.sh knows only the COPY of pgset-cli/target/pgset.jar" >&2
        exit 1
      }
      # An empty file to mount the freshly built jar on.
      mkdir -p "$root$(dirname "${parts[1]}")"
      : >"$root${parts[1]}"
      echo "JAR=${parts[1]}" >>"$partial/image.env"
      ;;
    ENV)
      # The Dockerfile's ENV as its shell-like words, with $VAR seen against the image's ENV so far.
      while IFS= read -r -d '' word; do
        [[ "$word" == [A-Za-z_]*=* ]] || { echo "rootfs: $dockerfile: ENV '$word' is not NAME=value" >&2; exit 1; }
        image_env+=("$word")
        echo "ENV_$word" >>"$partial/image.env"
      done < <(env -i "${image_env[@]}" /bin/bash -c \
        'eval "words=($1)" && printf "%s\0" "${words[@]}"' env "$rest")
      ;;
    USER|WORKDIR|ENTRYPOINT|CMD) echo "$keyword=$rest" >>"$partial/image.env" ;;
    *) echo "rootfs: $dockerfile has a $keyword instruction, which build.sh does not know: extend it" >&2; exit 1 ;;
  esac
done < <(instructions)
grep -q '^JAR=' "$partial/image.env" || { echo "rootfs: $dockerfile copies no pgset.jar" >&2; exit 1; }

: >"$root/etc/resolv.conf" # the machine's resolver is not part of the image
mv "$partial" "$dir"
echo "rootfs: built in $((SECONDS - start)) s, $(du -sh "$dir/rootfs" | cut -f1) in $dir"
