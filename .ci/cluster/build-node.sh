#!/usr/bin/env bash
# Builds the node-side Kubernetes binaries (kubelet, and optionally kube-proxy,
# kube-controller-manager, kube-scheduler) from Go modules, with the same wrapper-module
# approach as $INFERGATE_DIR/.ci/kube-binaries.sh (require k8s.io/kubernetes, replace every
# staging module with its published v0.x.y release).
#
# Usage: build-node.sh [component...]     default: kubelet kube-proxy kube-controller-manager kube-scheduler
# Prints as its last stdout line: KUBE_NODE_BIN=<dir>
# Env: KUBE_NODE_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/infergate/kube-node-<k8s>)
#      K8S_VERSION (default v1.37.2), NICE (default 10)
set -euo pipefail
K8S_VERSION=${K8S_VERSION:-v1.37.2}
STAGING_VERSION="v0.${K8S_VERSION#v1.}"
CACHE="${KUBE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/infergate/kube-node-${K8S_VERSION}}"
NICE=${NICE:-10}
COMPONENTS=("$@")
[[ ${#COMPONENTS[@]} -gt 0 ]] || COMPONENTS=(kubelet kube-proxy kube-controller-manager kube-scheduler)
log() { echo "build-node: $*" >&2; }
die() { echo "build-node: ERROR: $*" >&2; exit 1; }

GO=$(command -v go || echo /usr/local/go/bin/go)
[[ -x "$GO" ]] || die "no Go toolchain"
export GOTOOLCHAIN=local GOWORK=off GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"

SRC="$CACHE/src"; BIN="$CACHE/bin"; LOGS="$CACHE/logs"
mkdir -p "$SRC" "$BIN" "$LOGS"
exec 9>"$CACHE/.lock"; flock 9

todo=()
for c in "${COMPONENTS[@]}"; do
  if [[ -x "$BIN/$c" ]] && "$BIN/$c" --version 2>/dev/null | grep -q "$K8S_VERSION"; then
    log "$c already built"
  else
    todo+=("$c")
  fi
done
if [[ ${#todo[@]} -eq 0 ]]; then echo "KUBE_NODE_BIN=$BIN"; exit 0; fi

if [[ ! -f "$SRC/go.sum" || "$(cat "$SRC/VERSION" 2>/dev/null)" != "$K8S_VERSION" ]]; then
  DL=$(mktemp -d); trap 'rm -rf "$DL"' EXIT
  kgomod=$(cd "$DL" && "$GO" mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [[ -f "$kgomod" ]] || die "cannot download k8s.io/kubernetes@$K8S_VERSION"
  staging=$(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$kgomod")
  [[ -n "$staging" ]] || die "no staging replace directives in $kgomod"
  {
    echo "module infergate.invalid/kubenode"; echo; echo "go 1.26.0"; echo
    echo "require k8s.io/kubernetes $K8S_VERSION"; echo
    echo "replace ("
    for m in $staging; do echo "	$m => $m $STAGING_VERSION"; done
    echo ")"
  } >"$SRC/go.mod"
  rm -f "$SRC/go.sum"
  mkdir -p "$SRC/tools"
  cat >"$SRC/tools/tools.go" <<'GOEOF'
//go:build tools

// Keeps the node and control-plane commands in the module graph for go mod tidy: the same five
// as .ci/kube-binaries.sh's kube-apiserver module, so both select the same module versions and
// share Go's build cache (kube-apiserver then compiles only its own packages).
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
GOEOF
  log "go mod tidy ..."
  (cd "$SRC" && nice -n "$NICE" "$GO" mod tidy) >"$LOGS/tidy.log" 2>&1 || { tail -30 "$LOGS/tidy.log" >&2; die "go mod tidy failed"; }
  echo "$K8S_VERSION" >"$SRC/VERSION"
fi

minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
ldf="-s -w"
for vpkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldf+=" -X $vpkg.gitVersion=$K8S_VERSION -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$minor"
  ldf+=" -X $vpkg.gitTreeState=clean -X $vpkg.buildDate=1970-01-01T00:00:00Z"
done
# One go build for all missing commands: the packages they share (most of k8s.io/kubernetes) are
# compiled once, and go schedules the work over all cores. Output goes to a temp dir first so
# that a half-finished build never looks complete.
t0=$SECONDS
pkgs=(); for c in "${todo[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
OUT="$BIN/.tmp.$$"; mkdir -p "$OUT"
log "building ${todo[*]} $K8S_VERSION (one go build) ..."
(cd "$SRC" && nice -n "$NICE" "$GO" build -trimpath -ldflags "$ldf" -o "$OUT/" "${pkgs[@]}") \
  >"$LOGS/build.log" 2>&1 || { tail -30 "$LOGS/build.log" >&2; rm -rf "$OUT"; die "building ${todo[*]} failed"; }
for c in "${todo[@]}"; do mv -f "$OUT/$c" "$BIN/$c"; done
rmdir "$OUT"
log "${todo[*]} built in $((SECONDS - t0)) s"
echo "KUBE_NODE_BIN=$BIN"
