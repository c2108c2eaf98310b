#!/usr/bin/env bash
# Makes the cluster binaries of a kwok lab available at pinned versions:
#   etcd, etcdctl, etcdutl, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok, kwokctl,
#   metrics-server
# (kubectl too: Debian does not package it, and the learner's shell and kwokctl need one that
# matches the control plane; etcdctl and etcdutl: snapshots and the etcd lesson)
# into $KUBELAB_BIN_DIR (default ~/.cache/kubelab/bin/<k8s>-<etcd>-<kwok>).
#
#   obtain.sh [--node]
#     --node (or KUBELAB_NODE_BINARIES=1): also kubelet, kubeadm and kube-proxy, built in the same
#     module at the same version (what a node image of a container-based lab is made from).
#
# Order for each binary: already in the cache -> on PATH at the pinned version ->
# official release download with checksum verification (skipped quickly when the
# network does not allow it) -> already built in the build module -> `go build` from the Go module proxy.
#
# Progress goes to stderr, one line per component; the builds' own output goes to a log file that
# every error names. The last line on stdout is the binary directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

node=${KUBELAB_NODE_BINARIES:-0}
for arg in "$@"; do
  case $arg in
    --node) node=1 ;;
    *) printf '[kubelab setup] error: unknown argument %s (usage: obtain.sh [--node])\n' "$arg" >&2; exit 2 ;;
  esac
done

cache_root=${KUBELAB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubelab}
bin_dir=${KUBELAB_BIN_DIR:-$cache_root/bin/$K8S_VERSION-etcd$ETCD_VERSION-kwok$KWOK_VERSION}
build_root=$cache_root/build
log=$cache_root/setup.log
download_timeout=${KUBELAB_DOWNLOAD_TIMEOUT:-15}
mkdir -p "$bin_dir" "$build_root"
printf '=== obtain.sh %s, %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$bin_dir" >> "$log"

say() { printf '[kubelab setup] %s\n' "$*" >&2; }
die() { printf '[kubelab setup] error: %s\n' "$*" >&2; exit 1; }
elapsed() { local s=$(( SECONDS - $1 )); if [ $s -ge 60 ]; then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' $s; fi; }

k8s_names=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
[ "$node" = 1 ] && k8s_names+=(kubelet kubeadm kube-proxy)
etcd_names=(etcd etcdctl etcdutl)
kwok_names=(kwok kwokctl)

# Reports the version a binary prints, or nothing.
version_of() {
  local bin=$1
  case "$(basename "$bin")" in
    etcd) "$bin" --version 2>/dev/null | sed -n 's/^etcd Version: \(.*\)$/v\1/p' ;;
    etcdctl|etcdutl) "$bin" version 2>/dev/null | sed -n 's/^etcd[a-z]* version: \(.*\)$/v\1/p' ;;
    kwok|kwokctl) "$bin" --version 2>/dev/null | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -1 ;;
    kubectl) "$bin" version --client 2>/dev/null | sed -n 's/^Client Version: \(v[0-9.]*\)$/\1/p' ;;
    kubeadm) "$bin" version -o short 2>/dev/null ;;
    *) "$bin" --version 2>/dev/null | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -1 ;;
  esac
}

want_version() {
  case "$1" in
    etcd|etcdctl|etcdutl) echo "$ETCD_VERSION" ;;
    kwok|kwokctl) echo "$KWOK_VERSION" ;;
    metrics-server) echo "$METRICS_SERVER_VERSION" ;;
    *) echo "$K8S_VERSION" ;;
  esac
}

reports_pinned() { [ -x "$1" ] && [ "$(version_of "$1")" = "$(want_version "$(basename "$1")")" ]; }

have() { reports_pinned "$bin_dir/$1"; } # name -> 0 when the cache holds the pinned version

from_path() { # name -> copies a PATH binary of the pinned version into the cache
  local name=$1 found
  found=$(command -v "$name" 2>/dev/null) || return 1
  reports_pinned "$found" || return 1
  install -m 0755 "$found" "$bin_dir/$name"
  say "$name $(want_version "$name"): taken from PATH ($found)"
}

from_build() { # name dir -> copies an earlier build's output of the pinned version into the cache
  reports_pinned "$2/$1" || return 1
  install -m 0755 "$2/$1" "$bin_dir/$1"
  say "$1 $(want_version "$1"): built earlier ($2)"
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

download_etcd() { # one tarball holds etcd, etcdctl and etcdutl
  local v=$ETCD_VERSION tar="etcd-$ETCD_VERSION-linux-amd64.tar.gz" tmp n
  local base="https://github.com/etcd-io/etcd/releases/download/$v"
  [ "$(uname -m)" = x86_64 ] || return 1
  tmp=$(mktemp -d)
  if fetch "$base/$tar" "$tmp/$tar" && fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" &&
     (cd "$tmp" && grep " $tar\$" SHA256SUMS | sha256sum --check --status) &&
     tar -xzf "$tmp/$tar" -C "$tmp"; then
    for n in "${etcd_names[@]}"; do install -m 0755 "$tmp/etcd-$v-linux-amd64/$n" "$bin_dir/$n"; done
    rm -rf "$tmp"
    say "etcd, etcdctl, etcdutl $v: downloaded, checksum verified"; return 0
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
  Install Go 1.26 or newer (https://go.dev/dl), or put $1 $(want_version "$1") on PATH, then run 'kubelab setup' again."
}

# Runs a Go command with its output in the log. On failure names what the Go module proxy refused
# (or the last error line) and the log, and stops.
go_step() { # what dir command...
  local what=$1 dir=$2; shift 2
  printf -- '--- %s (in %s): %s\n' "$what" "$dir" "$*" >> "$log"
  local mark; mark=$(wc -l < "$log")
  (cd "$dir" && GOFLAGS=-mod=mod CGO_ENABLED=0 "$@") >> "$log" 2>&1 && return 0
  local refused cause missing
  refused=$(tail -n +"$mark" "$log" | grep -E 'reading https?://[^ ]*: (403|404|410)|unknown revision|no matching versions|not found: |invalid version' | head -1 || true)
  cause=$(tail -n +"$mark" "$log" | grep -vE '^go: (downloading|finding|extracting) ' | grep -E 'error|cannot|failed|refused|timeout|^go: ' | tail -1 || true)
  if [ -n "$refused" ]; then
    # The proxy's URL names the module and version: https://proxy/<module>/@v/<version>.info
    missing=$(printf '%s' "$refused" | sed -n 's#.*reading https\{0,1\}://[^/]*/\(.*\)/@v/\(.*\)\.\(info\|mod\|zip\): .*#\1@\2#p')
    die "$what failed: the Go module proxy ($(go env GOPROXY)) does not serve ${missing:-a module it needs}
  $refused
  Full log: $log"
  fi
  die "$what failed${cause:+: $cause}
  Full log: $log"
}

# --- builds from the Go module proxy -------------------------------------------

build_kubernetes() { # the missing Kubernetes commands, one by one in one module (a shared compile cache)
  need_go kube-apiserver
  local mod=$build_root/kubernetes-$K8S_VERSION staging_v="v0.${K8S_VERSION#v1.}" t=$SECONDS
  mkdir -p "$mod"
  say "building ${missing_k8s[*]} $K8S_VERSION from source (Go module proxy; tens of minutes on 2 cores, once; log: $log)"
  local gomod
  gomod=$(cd "$mod" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$K8S_VERSION" 2>>"$log" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p') || true
  [ -f "$gomod" ] || die "the Go module proxy ($(go env GOPROXY)) does not serve k8s.io/kubernetes@$K8S_VERSION
  Full log: $log"
  local new=$mod/go.mod.new
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
    # The list is read from its own go.mod, so staging modules added by a release are picked up.
    sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*$#\t\1 => \1 '"$staging_v"'#p' "$gomod"
    echo ")"
  } > "$new"
  # Rewritten only when it changes: go.sum and the resolved requirements of an earlier run stay valid.
  if [ -f "$mod/go.mod" ] && grep -qE "^(require)?[[:space:]]+k8s.io/kubernetes $K8S_VERSION( |$)" "$mod/go.mod" &&
     diff <(sed -n '/^replace (/,/^)/p' "$mod/go.mod") <(sed -n '/^replace (/,/^)/p' "$new") >/dev/null; then
    rm "$new"
  else
    mv "$new" "$mod/go.mod"
  fi
  go_step "fetching the modules of Kubernetes $K8S_VERSION" "$mod" go mod download
  say "modules of Kubernetes $K8S_VERSION fetched ($(elapsed $t))"
  local pkg=k8s.io/component-base/version cg=k8s.io/client-go/pkg/version
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  local date; date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local ld="-s -w" n tn
  for p in $pkg $cg; do
    ld="$ld -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitCommit=kubelab-module-build -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  # One command at a time gives a line per component; the compile cache makes the later ones quick.
  for n in "${missing_k8s[@]}"; do
    tn=$SECONDS
    go_step "go build of $n $K8S_VERSION" "$mod" go build -trimpath -ldflags "$ld" -o "$mod/out/$n" "k8s.io/kubernetes/cmd/$n"
    install -m 0755 "$mod/out/$n" "$bin_dir/$n"
    say "$n $K8S_VERSION: built ($(elapsed "$tn"))"
  done
}

build_etcd() { # etcd, etcdctl and etcdutl from one module
  need_go etcd
  local mod=$build_root/etcd-$ETCD_VERSION t=$SECONDS n
  mkdir -p "$mod"
  say "building ${missing_etcd[*]} $ETCD_VERSION from source (Go module proxy; log: $log)"
  # Their own go.mods have replace lines, so `go install` refuses them; a module that requires them builds them.
  [ -f "$mod/go.mod" ] && grep -q "etcdctl/v3 $ETCD_VERSION" "$mod/go.mod" ||
    printf 'module kubelab.local/etcd-build\n\ngo 1.24\n\nrequire (\n\tgo.etcd.io/etcd/server/v3 %s\n\tgo.etcd.io/etcd/etcdctl/v3 %s\n\tgo.etcd.io/etcd/etcdutl/v3 %s\n)\n' \
      "$ETCD_VERSION" "$ETCD_VERSION" "$ETCD_VERSION" > "$mod/go.mod"
  for n in "${missing_etcd[@]}"; do
    local pkg=go.etcd.io/etcd/$n/v3; [ "$n" = etcd ] && pkg=go.etcd.io/etcd/server/v3
    t=$SECONDS
    go_step "go build of $n $ETCD_VERSION" "$mod" go build -trimpath -ldflags "-s -w" -o "$mod/out/$n" "$pkg"
    install -m 0755 "$mod/out/$n" "$bin_dir/$n"
    say "$n $ETCD_VERSION: built ($(elapsed $t))"
  done
}

build_kwok() {
  local name=$1 t=$SECONDS
  need_go "$name"
  local ld="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION"
  go_step "go install of $name $KWOK_VERSION" "$build_root" env GOBIN="$bin_dir" go install -trimpath -ldflags "$ld" "sigs.k8s.io/kwok/cmd/$name@$KWOK_VERSION"
  say "$name $KWOK_VERSION: built ($(elapsed $t))"
}

build_metrics_server() { # its go.mod has no replace lines: `go install` builds it
  local t=$SECONDS
  need_go metrics-server
  local v=k8s.io/client-go/pkg/version minor=${METRICS_SERVER_VERSION#v0.}; minor=${minor%%.*}
  local ld="-s -w -X $v.gitVersion=$METRICS_SERVER_VERSION -X $v.gitMajor=0 -X $v.gitMinor=$minor -X $v.gitCommit=kubelab-module-build -X $v.gitTreeState=clean"
  go_step "go install of metrics-server $METRICS_SERVER_VERSION" "$build_root" env GOBIN="$bin_dir" go install -trimpath -ldflags "$ld" "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION"
  say "metrics-server $METRICS_SERVER_VERSION: built ($(elapsed $t))"
}

# --- main ---------------------------------------------------------------------

start=$SECONDS
k8s_out=$build_root/kubernetes-$K8S_VERSION/out
etcd_out=$build_root/etcd-$ETCD_VERSION/out
missing_k8s=()
for n in "${k8s_names[@]}"; do
  have "$n" || from_path "$n" || download_kubernetes "$n" || from_build "$n" "$k8s_out" || missing_k8s+=("$n")
done
missing_etcd=()
for n in "${etcd_names[@]}"; do have "$n" || from_path "$n" || missing_etcd+=("$n"); done
if [ ${#missing_etcd[@]} -gt 0 ] && ! download_etcd; then
  left=()
  for n in "${missing_etcd[@]}"; do from_build "$n" "$etcd_out" || left+=("$n"); done
  missing_etcd=("${left[@]}")
  [ ${#missing_etcd[@]} -eq 0 ] || build_etcd
fi
for n in "${kwok_names[@]}"; do
  have "$n" || from_path "$n" || download_kwok "$n" || build_kwok "$n"
done
have metrics-server || from_path metrics-server || build_metrics_server
[ ${#missing_k8s[@]} -eq 0 ] || build_kubernetes

for n in "${etcd_names[@]}" "${k8s_names[@]}" "${kwok_names[@]}" metrics-server; do
  have "$n" || die "$n in $bin_dir does not report version $(want_version "$n") (it reports '$(version_of "$bin_dir/$n")')"
done
say "all cluster binaries ready in $bin_dir ($(elapsed $start))"
echo "$bin_dir"
