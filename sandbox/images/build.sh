#!/usr/bin/env bash
# Builds, offline, what a kind lab runs: the kind tool, the node image and the workload stand-ins.
#
#   build.sh kind        the kind executable (Go module proxy)        -> prints its path
#   build.sh node        the node image kubelab/node:<k8s>-<key>      -> prints the image name
#   build.sh workloads   stand-ins for the course's images (a tar)    -> prints the tar's path
#   build.sh offline     the node image with the stand-ins preloaded  -> prints the image name
#   build.sh wrapper     the OCI runtime wrapper kubelab-runc         -> prints its path
#   build.sh status      what is built (name=value lines), building nothing
#
# Everything comes from Debian packages (mmdebstrap) and Go modules; nothing is pulled from an image
# registry. Every artifact is cached under $KUBELAB_CACHE_DIR and built again only when its inputs
# change: a pin in pins.env or ../binaries/versions.env, or a file of this recipe (the key hashes
# them). Each artifact is written under a temporary name and renamed when complete, so a failed or
# interrupted build leaves the cache as it was.
#
# Progress on stderr: "[kubelab images] step N/M: <what>"; a failure names its step. Needs root
# (mmdebstrap, docker), Go, mmdebstrap and a running Docker daemon (kubelab setup starts one).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=pins.env
source "$here/pins.env"
# shellcheck source=../binaries/versions.env
source "$here/../binaries/versions.env"

cache_root=${KUBELAB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubelab}
bin_root=$cache_root/bin
img_root=$cache_root/images
mkdir -p "$bin_root" "$img_root"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local} GOFLAGS=

step_no=0 step_total=1 step_name=start
say() { printf '[kubelab images] %s\n' "$*" >&2; }
step() { step_no=$((step_no + 1)); step_name=$1; say "step $step_no/$step_total: $1"; }
die() { printf '[kubelab images] error in step %s (%s): %s\n' "$step_no/$step_total" "$step_name" "$*" >&2; exit 1; }
# Scratch folders and build containers, removed however the script ends.
scratch=() containers=() intermediates=()
cleanup() {
  local rc=$?
  [ ${#containers[@]} -eq 0 ] || docker rm -f "${containers[@]}" >/dev/null 2>&1 || true
  [ ${#intermediates[@]} -eq 0 ] || docker rmi "${intermediates[@]}" >/dev/null 2>&1 || true
  [ ${#scratch[@]} -eq 0 ] || rm -rf "${scratch[@]}"
  [ $rc -eq 0 ] || say "failed in step $step_no/$step_total ($step_name); the cache keeps only completed artifacts"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || die "$1 is not installed ($2)"; }

# --- Go builds ------------------------------------------------------------------------------------

mod_dir() { # module version -> the module's source folder (downloaded from the Go module proxy)
  local d
  d=$(go mod download -json "$1@$2" 2>&1 | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$d" ] || die "could not fetch $1@$2 from the Go module proxy ($(go env GOPROXY))"
  echo "$d"
}

# go_build <out-dir> <module> <version> <ldflags> <tags> <package>...: builds in the module's own
# folder, with its own go.mod and go.sum (exactly the release's dependencies), static, into out-dir.
go_build() {
  local out=$1 mod=$2 ver=$3 ld=$4 tags=$5; shift 5
  [ -f "$out/.done" ] && return 0
  need go "Install Go 1.26 or newer"
  local src tmp
  src=$(mod_dir "$mod" "$ver")
  tmp="$out.tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp"
  say "  go build $mod@$ver: $*"
  (cd "$src" && CGO_ENABLED=0 nice go build -trimpath -tags "$tags" -ldflags "-s -w $ld" -o "$tmp/" "$@") \
    || { rm -rf "$tmp"; die "go build of $mod@$ver failed (see above)"; }
  touch "$tmp/.done"; rm -rf "$out"; mv "$tmp" "$out"
}

kind_dir=$bin_root/kind-$KIND_VERSION
build_kind() {
  go_build "$kind_dir" sigs.k8s.io/kind "$KIND_VERSION" "" "" .
}

containerd_dir=$bin_root/containerd-$CONTAINERD_VERSION
crictl_dir=$bin_root/crictl-$CRICTL_VERSION
cni_dir=$bin_root/cni-plugins-$CNI_PLUGINS_VERSION
coredns_dir=$bin_root/coredns-$COREDNS_VERSION
wrapper_dir=$bin_root/kubelab-runc-$(sha256sum "$here/../engine/runtime-wrapper/main.go" | cut -c1-12)
build_node_tools() {
  go_build "$containerd_dir" github.com/containerd/containerd/v2 "$CONTAINERD_VERSION" \
    "-X github.com/containerd/containerd/v2/version.Version=${CONTAINERD_VERSION#v}" "no_aufs no_zfs no_btrfs no_devmapper" \
    ./cmd/containerd ./cmd/ctr ./cmd/containerd-shim-runc-v2
  go_build "$crictl_dir" sigs.k8s.io/cri-tools "$CRICTL_VERSION" "-X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" "" ./cmd/crictl
  go_build "$cni_dir" github.com/containernetworking/plugins "$CNI_PLUGINS_VERSION" "" "" \
    ./plugins/ipam/host-local ./plugins/main/loopback ./plugins/main/ptp ./plugins/meta/portmap
  go_build "$coredns_dir" github.com/coredns/coredns "$COREDNS_VERSION" "" "" .
  build_wrapper
}

build_wrapper() { # the OCI runtime wrapper (../engine/runtime-wrapper), for docker and the node's containerd
  [ -f "$wrapper_dir/.done" ] && return 0
  need go "Install Go 1.22 or newer"
  local tmp="$wrapper_dir.tmp.$$"; mkdir -p "$tmp"
  (cd "$here/../engine/runtime-wrapper" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/kubelab-runc" .) || { rm -rf "$tmp"; die "go build of kubelab-runc failed"; }
  touch "$tmp/.done"; rm -rf "$wrapper_dir"; mv "$tmp" "$wrapper_dir"
}

# The Kubernetes binaries of the node: the same build (and cache folder) the kwok labs use.
k8s_bin_dir=${KUBELAB_BIN_DIR:-$bin_root/$K8S_VERSION-etcd$ETCD_VERSION-kwok$KWOK_VERSION}
k8s_node_binaries() {
  local n missing=()
  for n in kubelet kubeadm kube-proxy kubectl kube-apiserver kube-controller-manager kube-scheduler etcd; do
    [ -x "$k8s_bin_dir/$n" ] || missing+=("$n")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "  ${missing[*]} missing in $k8s_bin_dir: obtaining them (sandbox/binaries/obtain.sh --node)"
    KUBELAB_CACHE_DIR=$cache_root bash "$here/../binaries/obtain.sh" --node >/dev/null || die "obtain.sh could not provide ${missing[*]}"
  fi
  for n in "${missing[@]}"; do [ -x "$k8s_bin_dir/$n" ] || die "$n is still missing in $k8s_bin_dir"; done
}

# --- Debian root filesystems ----------------------------------------------------------------------

# Small root filesystems: no documentation, manual pages or translations, no apt lists or caches.
mmdebstrap_opts=(
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*'
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*'
)

# rootfs <name> <packages,comma,separated>: an mmdebstrap tarball, cached by suite, packages and options.
rootfs() {
  local name=$1 pkgs=$2 key out
  key=$(printf '%s %s %s' "$DEBIAN_SUITE" "$pkgs" "${mmdebstrap_opts[*]}" | sha256sum | cut -c1-12)
  out=$img_root/rootfs/$name-$DEBIAN_SUITE-$key.tar
  if [ ! -f "$out" ]; then
    need mmdebstrap "apt-get install mmdebstrap"
    mkdir -p "$img_root/rootfs"
    say "  mmdebstrap $DEBIAN_SUITE ($name): $pkgs"
    local sources=()
    [ -f /etc/apt/sources.list.d/debian.sources ] && sources=(/etc/apt/sources.list.d/debian.sources)
    # mmdebstrap picks the output format from the name; .tmp.tar keeps the extension.
    nice mmdebstrap --quiet --variant=minbase --include="$pkgs" "${mmdebstrap_opts[@]}" \
      "$DEBIAN_SUITE" "$out.tmp.tar" "${sources[@]}" >&2 \
      || { rm -f "$out.tmp.tar"; die "mmdebstrap of the $name root filesystem failed (see above)"; }
    mv "$out.tmp.tar" "$out"
    # The same root filesystem of an earlier recipe is not needed any more.
    find "$img_root/rootfs" -maxdepth 1 -name "$name-$DEBIAN_SUITE-*.tar" ! -path "$out" -delete
  fi
  echo "$out"
}

# imported <tar> <image>: `docker import` of a rootfs tarball, unless the image is already there.
imported() {
  docker image inspect "$2" >/dev/null 2>&1 || docker import "$1" "$2" >/dev/null || die "docker import of $1 failed"
}

node_packages=systemd,dbus,conntrack,iptables,nftables,iproute2,ethtool,util-linux,mount,kmod,libseccomp2,pigz,e2fsprogs,bash,ca-certificates,curl,jq,procps,runc,socat,iputils-ping,less
slim_packages=iptables,nftables,conntrack,iproute2,kmod,ca-certificates,bash
workload_packages=nginx-light,busybox-static,ca-certificates
postgres_packages=postgresql,ca-certificates

# --- keys: what each image is built from ----------------------------------------------------------

recipe_hash() { # hashes the recipe files and the pins it uses; any change gives a new key
  { cat "$here/build.sh" "$here/pins.env" "$here/../engine/runtime-wrapper/main.go" $(find "$here/$1" -type f | sort)
    echo "$K8S_VERSION $ETCD_VERSION"; } | sha256sum | cut -c1-12
}

build_docker() { # <image> <context-dir>: docker build, quiet, with the step named on failure
  docker build -q -t "$1" "$2" >/dev/null || die "docker build of $1 failed (see above)"
}

label() { # the label every stand-in and locally built image carries
  echo "LABEL org.opencontainers.image.vendor=\"kubelab\" org.opencontainers.image.description=\"$1\""
}

# --- the node image -------------------------------------------------------------------------------

node_image() { echo "kubelab/node:$K8S_VERSION-$(recipe_hash node)"; }
node_stamp() { echo "$img_root/node-$(recipe_hash node).image"; }
workloads_tar() { echo "$img_root/workloads-$(recipe_hash workloads).tar"; }
offline_image() { echo "kubelab/node:$K8S_VERSION-$(recipe_hash node)-offline-$(recipe_hash workloads)"; }
offline_stamp() { echo "$img_root/offline-$(recipe_hash node)-$(recipe_hash workloads).image"; }

# forget_others <stamp glob> <current stamp>: images of earlier pins or recipes go, with their
# stamps (an image a lab still runs on stays, and so does its stamp, until the next build).
forget_others() {
  local old img
  for old in "$img_root"/$1; do
    [ -f "$old" ] && [ "$old" != "$2" ] || continue
    img=$(cat "$old")
    if ! docker image inspect "$img" >/dev/null 2>&1 || docker rmi "$img" >/dev/null 2>&1; then rm -f "$old"; fi
  done
}

# The node image with the workload stand-ins preloaded as well: what air-gapped labs are made
# from, so that no lab spends its creation importing them node by node.
build_offline() {
  local node tar image stamp
  # Not in $(...): a subshell would not clean up its build containers and intermediate images.
  build_node >/dev/null; build_workloads >/dev/null
  node=$(node_image); tar=$(workloads_tar)
  image=$(offline_image); stamp=$(offline_stamp)
  if [ -f "$stamp" ] && docker image inspect "$image" >/dev/null 2>&1; then echo "$image"; return; fi
  step_no=0 step_total=2
  step "preloading the workload stand-ins into the node image"
  preload "$tar" "$node" "$image" "offline-$(recipe_hash node)"
  step "recording the air-gapped node image"
  echo "$image" > "$stamp.tmp" && mv "$stamp.tmp" "$stamp"
  forget_others "offline-*.image" "$stamp"
  say "air-gapped node image $image ready"
  echo "$image"
}

build_node() {
  local key image stamp
  key=$(recipe_hash node)
  image=$(node_image)
  stamp=$(node_stamp)
  if [ -f "$stamp" ] && docker image inspect "$image" >/dev/null 2>&1; then echo "$image"; return; fi
  step_total=7
  need docker "apt-get install docker.io"
  docker info >/dev/null 2>&1 || die "the Docker daemon is not running (kubelab setup --provider kind starts it)"

  step "Go builds: kind $KIND_VERSION, containerd $CONTAINERD_VERSION, crictl $CRICTL_VERSION, CNI plugins $CNI_PLUGINS_VERSION, CoreDNS $COREDNS_VERSION"
  build_kind; build_node_tools

  step "Kubernetes $K8S_VERSION binaries (kubelet, kubeadm, kube-proxy, control plane) and etcd $ETCD_VERSION"
  k8s_node_binaries

  step "Debian $DEBIAN_SUITE root filesystems (node, slim)"
  local node_tar slim_tar
  node_tar=$(rootfs node "$node_packages")
  slim_tar=$(rootfs slim "$slim_packages")
  local base_node=kubelab/debian-node:$DEBIAN_SUITE-$(basename "$node_tar" .tar | rev | cut -d- -f1 | rev)
  local base_slim=kubelab/debian-slim:$DEBIAN_SUITE-$(basename "$slim_tar" .tar | rev | cut -d- -f1 | rev)
  imported "$node_tar" "$base_node"
  imported "$slim_tar" "$base_slim"

  step "component images (control plane, etcd, pause, CoreDNS, kube-proxy, kubelab-net)"
  local work; work=$(mktemp -d "$img_root/.node-$key.XXXX"); scratch+=("$work")
  component_images "$work" "$base_slim"

  step "node base image (kind's images/base files, containerd, runc wrapper, crictl, CNI, kubelet, kubeadm)"
  intermediates+=("kubelab/node-base:$key")
  node_base "$work" "$base_node" "kubelab/node-base:$key"

  step "preloading the component images into the node's containerd"
  preload "$work/images.tar" "kubelab/node-base:$key" "$image" "$key"

  step "recording the node image"
  echo "$image" > "$stamp.tmp" && mv "$stamp.tmp" "$stamp"
  forget_others "node-*.image" "$stamp"
  say "node image $image ready"
  echo "$image"
}

# The images kubeadm and kind start, built from the binaries above, under the names kubeadm
# expects (registry.k8s.io/...:<version>): the same source at the same version as upstream's images.
component_images() {
  local work=$1 slim=$2 n names=()
  local desc="built by kubelab from the Go module k8s.io/kubernetes@$K8S_VERSION"
  for n in kube-apiserver kube-controller-manager kube-scheduler; do
    mkdir -p "$work/$n"; cp "$k8s_bin_dir/$n" "$work/$n/"
    printf 'FROM scratch\n%s\nCOPY %s /usr/local/bin/%s\nENV PATH=/usr/local/bin\nENTRYPOINT ["/usr/local/bin/%s"]\n' "$(label "$desc")" "$n" "$n" "$n" > "$work/$n/Dockerfile"
    build_docker "registry.k8s.io/$n:$K8S_VERSION" "$work/$n"; names+=("registry.k8s.io/$n:$K8S_VERSION")
  done
  mkdir -p "$work/kube-proxy"; cp "$k8s_bin_dir/kube-proxy" "$work/kube-proxy/"
  printf 'FROM %s\n%s\nCOPY kube-proxy /usr/local/bin/kube-proxy\nENTRYPOINT ["/usr/local/bin/kube-proxy"]\n' "$slim" "$(label "$desc")" > "$work/kube-proxy/Dockerfile"
  build_docker "registry.k8s.io/kube-proxy:$K8S_VERSION" "$work/kube-proxy"; names+=("registry.k8s.io/kube-proxy:$K8S_VERSION")

  mkdir -p "$work/etcd"; cp "$k8s_bin_dir/etcd" "$work/etcd/"
  printf 'FROM scratch\n%s\nCOPY etcd /usr/local/bin/etcd\nENV PATH=/usr/local/bin\nENTRYPOINT ["/usr/local/bin/etcd"]\n' "$(label "built by kubelab from the Go module go.etcd.io/etcd/server/v3@$ETCD_VERSION")" > "$work/etcd/Dockerfile"
  build_docker "registry.k8s.io/etcd:${ETCD_VERSION#v}-0" "$work/etcd"; names+=("registry.k8s.io/etcd:${ETCD_VERSION#v}-0")

  local k8s_src; k8s_src=$(mod_dir k8s.io/kubernetes "$K8S_VERSION")
  mkdir -p "$work/pause"
  need gcc "apt-get install build-essential"
  gcc -Os -static -Wall -o "$work/pause/pause" "$k8s_src/build/pause/linux/pause.c" -DVERSION="\"$PAUSE_VERSION-kubelab\"" || die "compiling pause.c failed"
  printf 'FROM scratch\n%s\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' "$(label "built by kubelab from build/pause/linux/pause.c of k8s.io/kubernetes@$K8S_VERSION")" > "$work/pause/Dockerfile"
  build_docker "registry.k8s.io/pause:$PAUSE_VERSION" "$work/pause"; names+=("registry.k8s.io/pause:$PAUSE_VERSION")

  mkdir -p "$work/coredns"; cp "$coredns_dir/coredns" "$work/coredns/"
  printf 'FROM scratch\n%s\nCOPY coredns /coredns\nEXPOSE 53 53/udp\nENTRYPOINT ["/coredns"]\n' "$(label "built by kubelab from the Go module github.com/coredns/coredns@$COREDNS_VERSION")" > "$work/coredns/Dockerfile"
  build_docker "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" "$work/coredns"; names+=("registry.k8s.io/coredns/coredns:$COREDNS_VERSION")

  # kubelab-net: the pod network (kind's kindnetd is not on the Go module proxy); see its script.
  mkdir -p "$work/net"; cp "$k8s_bin_dir/kubectl" "$here/node/kubelab-net" "$work/net/"
  printf 'FROM %s\n%s\nCOPY kubectl kubelab-net /usr/local/bin/\nENTRYPOINT ["/usr/local/bin/kubelab-net"]\n' "$slim" "$(label "kubelab's pod network: routes between the nodes' pod ranges, ptp CNI config")" > "$work/net/Dockerfile"
  build_docker "kubelab.local/net:$K8S_VERSION" "$work/net"; names+=("kubelab.local/net:$K8S_VERSION")

  docker save -o "$work/images.tar" "${names[@]}" || die "docker save of the component images failed"
  for n in "${names[@]}"; do docker rmi "$n" >/dev/null 2>&1 || true; done
}

node_base() {
  local work=$1 from=$2 tag=$3 kind_src ctx=$work/node
  kind_src=$(mod_dir sigs.k8s.io/kind "$KIND_VERSION")/images/base/files
  mkdir -p "$ctx/bin" "$ctx/cni"
  # Module zips keep no modes (the cache has 0444 files): writable copies, and the scripts executable.
  cp -r "$kind_src" "$ctx/kind-files"; chmod -R u+w "$ctx/kind-files"
  chmod 0755 "$ctx"/kind-files/usr/local/bin/* "$ctx"/kind-files/kind/bin/*
  cp "$containerd_dir"/containerd "$containerd_dir"/ctr "$containerd_dir"/containerd-shim-runc-v2 "$crictl_dir/crictl" "$ctx/bin/"
  cp "$k8s_bin_dir"/kubelet "$k8s_bin_dir"/kubeadm "$k8s_bin_dir"/kubectl "$ctx/bin/"
  cp "$cni_dir"/host-local "$cni_dir"/loopback "$cni_dir"/ptp "$cni_dir"/portmap "$ctx/cni/"
  cp "$wrapper_dir/kubelab-runc" "$ctx/bin/"
  cp -r "$here/node/files" "$ctx/kubelab-files"
  sed -i "s/@K8S_VERSION@/$K8S_VERSION/g" "$ctx/kubelab-files/kind/manifests/default-cni.yaml"
  sed -e "s#@BASE@#$from#g" -e "s/@K8S_VERSION@/$K8S_VERSION/g" -e "s/@PAUSE_VERSION@/$PAUSE_VERSION/g" "$here/node/Dockerfile" > "$ctx/Dockerfile"
  build_docker "$tag" "$ctx"
}

# kind's own recipe: run the base image, start its containerd, import the images without unpacking
# (the content store only: overlay-on-overlay cannot unpack here), commit.
preload() { # <images tar> <base image> <new image> <build container suffix>
  local tar=$1 base=$2 image=$3 key=$4 c=kubelab-node-build-$4
  docker rm -f "$c" >/dev/null 2>&1 || true
  containers+=("$c")
  docker run -d --name "$c" --privileged --entrypoint sleep "$base" infinity >/dev/null || die "cannot start a build container from $base"
  docker cp "$tar" "$c:/images.tar" >/dev/null || die "docker cp of the images failed"
  docker exec "$c" bash -c '
    set -e
    containerd >/var/log/containerd-build.log 2>&1 & pid=$!
    for i in $(seq 60); do ctr version >/dev/null 2>&1 && break; sleep 1; done
    ctr --namespace=k8s.io images import --no-unpack --all-platforms /images.tar >/dev/null
    echo "preloaded: $(ctr --namespace=k8s.io images ls -q | grep -v "^sha256:" | tr "\n" " ")"
    kill $pid; wait $pid || true
    rm -f /images.tar /var/log/containerd-build.log' >&2 || die "importing the images into the node's containerd failed"
  # The build container ran `sleep`: put the node's entrypoint back (env and stop signal carry over).
  docker commit --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' --change 'CMD []' \
    "$c" "$image" >/dev/null || die "docker commit of the node image failed"
  docker rm -f "$c" >/dev/null
}

# --- workload stand-ins ---------------------------------------------------------------------------

build_workloads() {
  local key out
  key=$(recipe_hash workloads)
  out=$(workloads_tar)
  if [ -f "$out" ]; then echo "$out"; return; fi
  step_total=3
  need docker "apt-get install docker.io"
  step "Debian $DEBIAN_SUITE root filesystems (nginx-light and busybox-static; postgresql)"
  local tar base_workload base_postgres
  tar=$(rootfs workload "$workload_packages")
  base_workload=kubelab/debian-workload:$DEBIAN_SUITE-$(basename "$tar" .tar | rev | cut -d- -f1 | rev)
  imported "$tar" "$base_workload"
  tar=$(rootfs postgres "$postgres_packages")
  base_postgres=kubelab/debian-postgres:$DEBIAN_SUITE-$(basename "$tar" .tar | rev | cut -d- -f1 | rev)
  imported "$tar" "$base_postgres"
  step "stand-in images"
  local names=() name dockerfile rootfs_name base ctx
  ctx=$(mktemp -d "$img_root/.workloads-$key.XXXX"); scratch+=("$ctx")
  cp -r "$here/workloads/." "$ctx/"
  # images.list: <image> <Dockerfile in workloads/> <root filesystem>; its image replaces @BASE@.
  while read -r name dockerfile rootfs_name; do
    [ -n "$name" ] && [ "${name#\#}" = "$name" ] || continue
    case "$rootfs_name" in
      postgres) base=$base_postgres ;;
      *) base=$base_workload ;;
    esac
    sed -e "s#@BASE@#$base#g" -e "s#@IMAGE@#$name#g" "$ctx/$dockerfile" > "$ctx/Dockerfile.$$"
    docker build -q -t "$name" -f "$ctx/Dockerfile.$$" "$ctx" >/dev/null || die "docker build of the stand-in $name failed"
    names+=("$name")
  done < "$here/workloads/images.list"
  step "saving the stand-ins"
  docker save -o "$out.tmp" "${names[@]}" || { rm -f "$out.tmp"; die "docker save of the stand-ins failed"; }
  mv "$out.tmp" "$out"
  find "$img_root" -maxdepth 1 -name 'workloads-*.tar' ! -path "$out" -delete
  say "workload stand-ins ready: ${names[*]}"
  echo "$out"
}

case "${1:-}" in
  wrapper) build_wrapper; echo "$wrapper_dir/kubelab-runc" ;;
  # What is built, without building anything: name=value lines for sandbox/images.ts.
  status)
    echo "kind=$kind_dir/kind"; [ -f "$kind_dir/.done" ] && echo kind_ready=1 || echo kind_ready=0
    echo "node=$(node_image)"; [ -f "$(node_stamp)" ] && echo node_built=1 || echo node_built=0
    echo "workloads=$(workloads_tar)"; [ -f "$(workloads_tar)" ] && echo workloads_ready=1 || echo workloads_ready=0
    echo "offline=$(offline_image)"; [ -f "$(offline_stamp)" ] && echo offline_built=1 || echo offline_built=0
    ;;
  tools) step_total=1; step "Go builds"; build_kind; build_node_tools ;;
  rootfs) step_total=1; step "Debian root filesystems"; rootfs node "$node_packages"; rootfs slim "$slim_packages"; rootfs workload "$workload_packages"; rootfs postgres "$postgres_packages" ;;
  kind) step_total=1; step "kind $KIND_VERSION"; build_kind; echo "$kind_dir/kind" ;;
  node) build_node ;;
  workloads) build_workloads ;;
  offline) build_offline ;;
  *) echo "usage: $0 kind|node|workloads|offline|wrapper|status" >&2; exit 2 ;;
esac
