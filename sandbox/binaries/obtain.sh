#!/usr/bin/env bash
# Makes the cluster binaries of a kwok lab available at pinned versions:
#   etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok, kwokctl
# (kubectl too: Debian does not package it, and the learner's shell and kwokctl need one that
# matches the control plane)
# into $KUBELAB_BIN_DIR (default ~/.cache/kubelab/bin/<k8s>-<etcd>-<kwok>).
#
# Order for each binary: already in the cache -> on PATH at the pinned version ->
# official release download with checksum verification (skipped quickly when the
# network does not allow it) -> `go build` from the Go module proxy.
#
# Progress goes to stderr; the last line on stdout is the binary directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

cache_root=${KUBELAB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubelab}
bin_dir=${KUBELAB_BIN_DIR:-$cache_root/bin/$K8S_VERSION-etcd$ETCD_VERSION-kwok$KWOK_VERSION}
build_root=$cache_root/build
download_timeout=${KUBELAB_DOWNLOAD_TIMEOUT:-15}
mkdir -p "$bin_dir" "$build_root"

say() { printf '[kubelab setup] %s\n' "$*" >&2; }
die() { printf '[kubelab setup] error: %s\n' "$*" >&2; exit 1; }

# Reports the version a binary prints, or nothing.
version_of() {
  local bin=$1
  case "$(basename "$bin")" in
    etcd) "$bin" --version 2>/dev/null | sed -n 's/^etcd Version: \(.*\)$/v\1/p' ;;
    kwok|kwokctl) "$bin" --version 2>/dev/null | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -1 ;;
    kubectl) "$bin" version --client 2>/dev/null | sed -n 's/^Client Version: \(v[0-9.]*\)$/\1/p' ;;
    *) "$bin" --version 2>/dev/null | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -1 ;;
  esac
}

want_version() {
  case "$1" in
    etcd) echo "$ETCD_VERSION" ;;
    kwok|kwokctl) echo "$KWOK_VERSION" ;;
    *) echo "$K8S_VERSION" ;;
  esac
}

have() { # name -> 0 when the cache holds the pinned version
  local name=$1
  [ -x "$bin_dir/$name" ] && [ "$(version_of "$bin_dir/$name")" = "$(want_version "$name")" ]
}

from_path() { # name -> copies a PATH binary of the pinned version into the cache
  local name=$1 found
  found=$(command -v "$name" 2>/dev/null) || return 1
  [ "$(version_of "$found")" = "$(want_version "$name")" ] || return 1
  install -m 0755 "$found" "$bin_dir/$name"
  say "$name $(want_version "$name"): taken from PATH ($found)"
}

fetch() { # url file -> 0 on success
  command -v curl >/dev/null || return 1
  curl -fsSL --connect-timeout "$download_timeout" --max-time 600 -o "$2" "$1" 2>/dev/null
}

download_kubernetes() {
  local name=$1 base="https://dl.k8s.io/release/$K8S_VERSION/bin/linux/amd64" tmp
  [ "$(uname -m)" = x86_64 ] || return 1
  tmp=$(mktemp -d)
  if fetch "$base/$name" "$tmp/$name" && fetch "$base/$name.sha256" "$tmp/$name.sha256" &&
     echo "$(cat "$tmp/$name.sha256")  $tmp/$name" | sha256sum --check --status; then
    install -m 0755 "$tmp/$name" "$bin_dir/$name"; rm -rf "$tmp"
    say "$name $K8S_VERSION: downloaded, checksum verified"; return 0
  fi
  rm -rf "$tmp"; return 1
}

download_etcd() {
  local v=$ETCD_VERSION tar="etcd-$ETCD_VERSION-linux-amd64.tar.gz" tmp
  local base="https://github.com/etcd-io/etcd/releases/download/$v"
  [ "$(uname -m)" = x86_64 ] || return 1
  tmp=$(mktemp -d)
  if fetch "$base/$tar" "$tmp/$tar" && fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" &&
     (cd "$tmp" && grep " $tar\$" SHA256SUMS | sha256sum --check --status) &&
     tar -xzf "$tmp/$tar" -C "$tmp"; then
    install -m 0755 "$tmp/etcd-$v-linux-amd64/etcd" "$bin_dir/etcd"; rm -rf "$tmp"
    say "etcd $v: downloaded, checksum verified"; return 0
  fi
  rm -rf "$tmp"; return 1
}

download_kwok() {
  local name=$1 base="https://github.com/kubernetes-sigs/kwok/releases/download/$KWOK_VERSION" tmp
  [ "$(uname -m)" = x86_64 ] || return 1
  tmp=$(mktemp -d)
  # kwok publishes no checksum file per binary for every release; without one we do not trust it.
  if fetch "$base/$name-linux-amd64" "$tmp/$name" && fetch "$base/checksums.txt" "$tmp/checksums.txt" &&
     [ "$(grep " $name-linux-amd64\$" "$tmp/checksums.txt" | cut -d' ' -f1)" = "$(sha256sum "$tmp/$name" | cut -d' ' -f1)" ]; then
    install -m 0755 "$tmp/$name" "$bin_dir/$name"; rm -rf "$tmp"
    say "$name $KWOK_VERSION: downloaded, checksum verified"; return 0
  fi
  rm -rf "$tmp"; return 1
}

need_go() {
  command -v go >/dev/null || die "no binary for $1 could be downloaded and Go is not installed.
  Install Go 1.24 or newer (https://go.dev/dl or 'apt-get install golang'), or put $1 $(want_version "$1") on PATH, then run 'kubelab setup' again."
}

# --- builds from the Go module proxy -------------------------------------------

build_kubernetes() { # builds the missing Kubernetes commands in one go (shared compile cache)
  need_go kube-apiserver
  local mod=$build_root/kubernetes-$K8S_VERSION staging_v="v0.${K8S_VERSION#v1.}"
  mkdir -p "$mod"
  say "building ${missing_k8s[*]} $K8S_VERSION from source (Go module proxy; tens of minutes on 2 cores, once)"
  local gomod
  gomod=$(cd "$mod" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  [ -f "$gomod" ] || die "could not fetch k8s.io/kubernetes@$K8S_VERSION from the Go module proxy ($(go env GOPROXY))"
  {
    echo "module kubelab.local/kubernetes-build"
    echo
    sed -n 's/^go \(.*\)$/go \1/p' "$gomod" | head -1
    # Dependencies' godebug lines are ignored, so the one Kubernetes builds with is copied here.
    grep '^godebug ' "$gomod" || true
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    # k8s.io/kubernetes requires its staging modules at v0.0.0; each maps to the published v0.N.M.
    sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*$#\t\1 => \1 '"$staging_v"'#p' "$gomod"
    echo ")"
  } > "$mod/go.mod"
  local pkg=k8s.io/component-base/version cg=k8s.io/client-go/pkg/version
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  local date; date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local ld="-s -w"
  for p in $pkg $cg; do
    ld="$ld -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitCommit=kubelab-module-build -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  (cd "$mod" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "$ld" -o "$mod/out/" \
      "${missing_k8s[@]/#/k8s.io/kubernetes/cmd/}") \
    || die "go build of Kubernetes $K8S_VERSION failed (see the output above)"
  for n in "${missing_k8s[@]}"; do install -m 0755 "$mod/out/$n" "$bin_dir/$n"; done
  say "Kubernetes $K8S_VERSION: ${missing_k8s[*]} built"
}

build_etcd() {
  need_go etcd
  local mod=$build_root/etcd-$ETCD_VERSION
  mkdir -p "$mod"
  say "building etcd $ETCD_VERSION from source (Go module proxy)"
  # server/v3's own go.mod has replace lines, so `go install` refuses it; a module that requires it builds it.
  printf 'module kubelab.local/etcd-build\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" > "$mod/go.mod"
  (cd "$mod" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$mod/out/etcd" go.etcd.io/etcd/server/v3) \
    || die "go build of etcd $ETCD_VERSION failed (see the output above)"
  install -m 0755 "$mod/out/etcd" "$bin_dir/etcd"
  say "etcd $ETCD_VERSION built"
}

build_kwok() {
  local name=$1
  need_go "$name"
  say "building $name $KWOK_VERSION from source (Go module proxy)"
  local ld="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION"
  (GOFLAGS=-mod=mod CGO_ENABLED=0 GOBIN="$bin_dir" go install -trimpath -ldflags "$ld" "sigs.k8s.io/kwok/cmd/$name@$KWOK_VERSION") \
    || die "go install of $name $KWOK_VERSION failed (see the output above)"
  say "$name $KWOK_VERSION built"
}

# --- main ---------------------------------------------------------------------

missing_k8s=()
for n in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  have "$n" || from_path "$n" || download_kubernetes "$n" || missing_k8s+=("$n")
done
have etcd || from_path etcd || download_etcd || build_etcd
for n in kwok kwokctl; do
  have "$n" || from_path "$n" || download_kwok "$n" || build_kwok "$n"
done
[ ${#missing_k8s[@]} -eq 0 ] || build_kubernetes

for n in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl; do
  have "$n" || die "$n in $bin_dir does not report version $(want_version "$n") (it reports '$(version_of "$bin_dir/$n")')"
done
say "all cluster binaries ready in $bin_dir"
echo "$bin_dir"
