#!/usr/bin/env bash
# Builds the control plane of the *E2E tests (etcd, kube-apiserver, kube-controller-manager of the
# releases pinned in ./versions) from the Go module proxy into a cache outside the repository,
# once per machine: a later run finds the binaries and returns at once.
#
# k8s.io/kubernetes cannot be `go install`ed: its go.mod replaces each staging module (k8s.io/api,
# k8s.io/apiserver, ...) with a folder of its own repository. So a generated wrapper module
# requires the release and replaces every staging module named in the release's own go.mod with
# its published v0.<minor>.<patch>. etcd's server module gets a wrapper module of its own, so that
# neither release's dependency versions move the other's.
#
# Usage: e2e/controlplane/build.sh [--print-dir | --check]
#   --print-dir  print the folder that holds (or will hold) the binaries and exit
#   --check      exit 1 when the binaries are not built yet
# Environment: PGSET_CONTROLPLANE_CACHE overrides the cache folder
#   (default ${XDG_CACHE_HOME:-$HOME/.cache}/pgset/controlplane).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions
. "$here/versions"
cache="${PGSET_CONTROLPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pgset/controlplane}"
k8s_dir="$cache/kubernetes-$KUBERNETES_VERSION"
etcd_dir="$cache/etcd-$ETCD_VERSION"
bin_dir="$cache/bin-$KUBERNETES_VERSION-etcd-$ETCD_VERSION"

built() {
  [ -x "$bin_dir/etcd" ] && [ -x "$bin_dir/kube-apiserver" ] && [ -x "$bin_dir/kube-controller-manager" ]
}

case "${1:-}" in
  "") ;;
  --print-dir) echo "$bin_dir"; exit 0 ;;
  --check) built; exit ;;
  *) echo "usage: $0 [--print-dir | --check]" >&2; exit 2 ;;
esac

if built; then
  echo "controlplane: kubernetes $KUBERNETES_VERSION and etcd $ETCD_VERSION already built in $bin_dir"
  exit 0
fi
command -v go >/dev/null || {
  echo "controlplane: no go command; the *E2E tests need Go 1.26 or later to build their control plane" >&2
  exit 1
}

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # a second build (another checkout, CI) waits for the first and then reuses it
if built; then
  echo "controlplane: built meanwhile by another run in $bin_dir"
  exit 0
fi

export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOWORK=off
echo "controlplane: building kubernetes $KUBERNETES_VERSION and etcd $ETCD_VERSION with $(go version)" \
  "into $bin_dir (the first time takes long: see README)"

# Runs a command whose listing of every module it fetched says nothing, unless it fails.
quietly() {
  local out
  out="$("$@" 2>&1)" || { printf '%s\n' "$out" >&2; return 1; }
}

# Starts a wrapper module in $1 (a fresh folder), named $2.
wrapper_module() {
  rm -rf "$1"
  mkdir -p "$1"
  (cd "$1" && go mod init "$2" >/dev/null 2>&1)
}

build_kubernetes() {
  local minor="${KUBERNETES_VERSION#v1.}"
  minor="${minor%%.*}"
  local staging="v0.${KUBERNETES_VERSION#v1.}"
  wrapper_module "$k8s_dir/module" pgset.invalid/controlplane/kubernetes
  cd "$k8s_dir/module"
  local release_gomod
  release_gomod="$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" \
    | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  [ -f "$release_gomod" ] || { echo "controlplane: no go.mod for k8s.io/kubernetes@$KUBERNETES_VERSION" >&2; return 1; }
  # Both forms: a line inside `replace ( ... )`, and a single `replace X => Y` line.
  local modules
  modules="$(awk '
    $2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }
    $1 == "replace" && $3 == "=>" && $4 ~ /^\.\/staging\// { print $2 }' "$release_gomod")"
  [ -n "$modules" ] || { echo "controlplane: found no staging modules in $release_gomod" >&2; return 1; }
  echo "controlplane: replacing $(wc -w <<<"$modules") staging modules with their $staging releases"
  local m
  for m in $modules; do
    go mod edit -replace="$m=$m@$staging"
  done
  quietly go get "k8s.io/kubernetes/cmd/kube-apiserver@$KUBERNETES_VERSION" \
    "k8s.io/kubernetes/cmd/kube-controller-manager@$KUBERNETES_VERSION"
  # What the release's own build (hack/lib/version.sh) stamps, so that /version reports the release.
  local ldflags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean"
  done
  rm -rf "$k8s_dir/bin" "$k8s_dir/bin.partial"
  nice -n 19 go build -trimpath -ldflags "$ldflags" -o "$k8s_dir/bin.partial/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
  mv "$k8s_dir/bin.partial" "$k8s_dir/bin"
}

build_etcd() {
  wrapper_module "$etcd_dir/module" pgset.invalid/controlplane/etcd
  cd "$etcd_dir/module"
  # The server module's root is etcd's `package main`.
  quietly go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  rm -rf "$etcd_dir/bin" "$etcd_dir/bin.partial"
  nice -n 19 go build -trimpath -ldflags "-s -w" -o "$etcd_dir/bin.partial/etcd" go.etcd.io/etcd/server/v3
  mv "$etcd_dir/bin.partial" "$etcd_dir/bin"
}

timed() { # a build function
  local start=$SECONDS
  "$1"
  echo "controlplane: $1 took $((SECONDS - start)) s"
}

[ -x "$etcd_dir/bin/etcd" ] || timed build_etcd
[ -x "$k8s_dir/bin/kube-apiserver" ] && [ -x "$k8s_dir/bin/kube-controller-manager" ] || timed build_kubernetes

# The binaries appear under their final name together, so that `built` never sees half a build
# (hard links: no second copy of 200 MB).
rm -rf "$bin_dir.partial"
mkdir -p "$bin_dir.partial"
cp -l "$etcd_dir/bin/etcd" "$k8s_dir/bin/kube-apiserver" "$k8s_dir/bin/kube-controller-manager" "$bin_dir.partial/"
mv "$bin_dir.partial" "$bin_dir"
"$bin_dir/kube-apiserver" --version
"$bin_dir/etcd" --version | head -1
