#!/usr/bin/env bash
# The test cluster of .ci/run (docs/adr/0015-images-and-test-cluster.md): a real single-node
# Kubernetes (containerd + runc from Debian, kubelet & co. built from k8s.io/kubernetes at the API
# server's version, CNI bridge rk0 10.88.0.0/16) for the cluster tests of module e2e.
#
# Usage:
#   ci-cluster.sh can-run            exit 0 when this machine can run it, else prints why (exit 1)
#   ci-cluster.sh packages           apt-get install what it needs (root; no-op when installed)
#   ci-cluster.sh build              the node binaries, then kube-apiserver/etcd/CRDs (sharing the
#                                    Go build cache), into the caches (a no-op when cached); base images
#   ci-cluster.sh start <workdir>    build, then start the cluster; prints `export ...` lines:
#                                    INFERGATE_CLUSTER_DIR (the tests' switch), KUBECONFIG,
#                                    INFERGATE_IMAGE_BASE (Jib's local base image)
#   ci-cluster.sh stop <workdir>     stop everything start started and remove <workdir>
#
# Network: traffic goes to loopback and to the pods on the bridge this cluster creates, nothing
# else. Caches (outside the repository):
#   ${XDG_CACHE_HOME:-~/.cache}/infergate/kube-v1.37.2-etcd-v3.7.3   (.ci/kube-binaries.sh)
#   ${XDG_CACHE_HOME:-~/.cache}/infergate/kube-node-v1.37.2          (build-node.sh)
#   ${XDG_CACHE_HOME:-~/.cache}/infergate/cluster-images             (base-images.sh)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/infergate"
IMAGES_DIR=${INFERGATE_CLUSTER_IMAGES:-$CACHE_ROOT/cluster-images}
PACKAGES=(containerd runc containernetworking-plugins iptables conntrack busybox-static gcc)
log() { echo "ci-cluster: $*" >&2; }
die() { echo "ci-cluster: ERROR: $*" >&2; exit 1; }

can_run() {
  [[ $(uname -s) == Linux ]] || { echo "not Linux"; return 1; }
  [[ $(id -u) == 0 ]] || { echo "not root (containerd, the bridge and iptables need root)"; return 1; }
  command -v kubectl >/dev/null || { echo "no kubectl on PATH"; return 1; }
  [[ -d /sys/fs/cgroup ]] || { echo "no cgroup filesystem"; return 1; }
  if ! command -v apt-get >/dev/null && ! { command -v containerd && command -v runc; } >/dev/null; then
    echo "no containerd/runc and no apt-get to install them"; return 1
  fi
  return 0
}

packages() {
  local missing=() p
  # Not Debian: use what is installed (can_run checked containerd and runc are there).
  command -v dpkg >/dev/null || return 0
  for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get"
  log "apt-get install ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

build() {
  # The node binaries first, then kube-apiserver + etcd, one after the other: 2072 of
  # kube-apiserver's 2080 Go packages are dependencies of the node binaries too (go list -deps,
  # v1.37.2), so with the shared build cache (both -trimpath) kube-apiserver then compiles little
  # of its own, where side by side (as before 2026-12-05) both compiled the same packages at once
  # on the same two cores. A warm cache makes both no-ops.
  local t0=$SECONDS tmp; tmp=$(mktemp -d)
  ( NICE=${NICE:-10} bash "$HERE/build-node.sh" >"$tmp/node" 2>"$tmp/node.log"; echo $? >"$tmp/node.rc" )
  ( bash "$ROOT/.ci/kube-binaries.sh" >"$tmp/assets" 2>"$tmp/assets.log"; echo $? >"$tmp/assets.rc" )
  [[ $(cat "$tmp/assets.rc") == 0 ]] || { tail -20 "$tmp/assets.log" >&2; die "kube-binaries.sh failed"; }
  [[ $(cat "$tmp/node.rc") == 0 ]] || { tail -20 "$tmp/node.log" >&2; die "build-node.sh failed"; }
  ASSETS=$(sed -n 's/^KUBE_ASSETS=//p' "$tmp/assets" | tail -n 1)
  NODE_BIN=$(sed -n 's/^KUBE_NODE_BIN=//p' "$tmp/node" | tail -n 1)
  rm -rf "$tmp"
  bash "$HERE/base-images.sh" "$IMAGES_DIR" >/dev/null
  log "binaries and base images ready in $((SECONDS - t0)) s"
}

start() {
  local wd=$1 reason
  reason=$(can_run) || die "cannot run a cluster here: $reason"
  packages
  build
  mkdir -p "$wd"
  local t0=$SECONDS
  INFERGATE_KUBE_ASSETS=$ASSETS KUBE_NODE_BIN=$NODE_BIN IMAGES_DIR=$IMAGES_DIR \
    API_MODE=incluster KUBE_PROXY=1 CONTROL_PLANE=1 bash "$HERE/cluster-up.sh" start "$wd" >/dev/null ||
    { bash "$HERE/cluster-up.sh" stop "$wd" || true; die "cluster-up.sh start failed (logs in $wd)"; }
  KUBECONFIG=$wd/api/kubeconfig bash "$HERE/smoke-test.sh" --service ||
    { bash "$HERE/cluster-up.sh" stop "$wd" || true; die "smoke test failed"; }
  KUBECONFIG=$wd/api/kubeconfig kubectl delete namespace rk-smoke --wait=false >/dev/null 2>&1 || true
  log "cluster up and smoke-tested in $((SECONDS - t0)) s"
  echo "export INFERGATE_CLUSTER_DIR=$wd"
  echo "export INFERGATE_KUBE_ASSETS=$ASSETS"
  echo "export INFERGATE_IMAGE_BASE=tar://$IMAGES_DIR/jre-base.tar"
}

stop() {
  local wd=$1
  [[ -d $wd ]] || return 0
  bash "$HERE/cluster-up.sh" stop "$wd"
  rm -rf "$wd"
}

case "${1:-}" in
  can-run) can_run ;;
  packages) packages ;;
  build) build; echo "KUBE_ASSETS=$ASSETS"; echo "KUBE_NODE_BIN=$NODE_BIN"; echo "IMAGES_DIR=$IMAGES_DIR" ;;
  start) start "${2:?usage: ci-cluster.sh start <workdir>}" ;;
  stop) stop "${2:?usage: ci-cluster.sh stop <workdir>}" ;;
  *) die "usage: ci-cluster.sh can-run|packages|build|start <workdir>|stop <workdir>" ;;
esac
