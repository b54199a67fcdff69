#!/usr/bin/env bash
# Builds a real kube-apiserver and etcd from Go modules (served by the Go module proxy) and
# collects the upstream Gateway API / Inference Extension CRD manifests, into a cache outside
# the repository. Idempotent: a complete cache is a fast no-op.
#
# Usage: .ci/kube-binaries.sh
# Prints as its last stdout line:  KUBE_ASSETS=<dir>
#   <dir>/kube-apiserver, <dir>/etcd, <dir>/VERSIONS,
#   <dir>/crds/gateway-api-standard/*.yaml      (Gateway API standard channel CRDs)
#   <dir>/crds/gateway-api-experimental/*.yaml  (Gateway API experimental channel CRDs)
#   <dir>/crds/inference-extension/*.yaml       (InferencePool v1 from GIE v1.6.0, InferenceObjective
#                                                and InferenceModelRewrite v1alpha2 from GIE v1.5.0)
#   <dir>/crds/kthena/*.yaml                    (Kthena's ModelServer and ModelRoute,
#                                                networking.serving.volcano.sh/v1alpha1, docs/kthena.md)
# The CRD versions are part of the VERSIONS stamp: changing one re-collects the CRDs into the same
# folder on the next run (the binaries are kept when their versions still match).
# Tests read INFERGATE_KUBE_ASSETS=<dir>; .ci/kube-up.sh starts/stops etcd + kube-apiserver.
#
# Environment:
#   INFERGATE_KUBE_CACHE  cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/infergate/kube-<k8s>-etcd-<etcd>)
# The first build takes ~10-20 min on 2 cores (run with nice -n 19); later runs take < 1 s.
set -euo pipefail

K8S_VERSION=v1.37.2             # k8s.io/kubernetes (staging modules k8s.io/* at v0.37.2)
ETCD_VERSION=v3.7.3             # go.etcd.io/etcd/server/v3
GATEWAY_API_VERSION=v1.6.3      # sigs.k8s.io/gateway-api (config/crd/{standard,experimental})
# sigs.k8s.io/gateway-api-inference-extension (config/crd/bases), two releases: InferencePool from
# v1.6.0, where spec.endpointPickerRef is optional (v1.5.0 requires it, which rejects the
# walkthrough's pool); InferenceObjective and InferenceModelRewrite from v1.5.0, the newest release
# that ships them (v1.6.0 moved them to another repository; only InferencePool is left).
GIE_POOL_VERSION=v1.6.0
GIE_VERSION=v1.5.0
# github.com/volcano-sh/kthena: ModelServer and ModelRoute CRDs (charts/kthena/charts/networking/crds),
# read by the controller for Kthena users (docs/adr/0029-kthena-objects.md).
KTHENA_VERSION=v1.0.0

STAGING_VERSION="v0.${K8S_VERSION#v1.}"
CACHE="${INFERGATE_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/infergate/kube-${K8S_VERSION}-etcd-${ETCD_VERSION}}"
STAMP="$CACHE/VERSIONS"
EXPECTED_STAMP="kubernetes=$K8S_VERSION
etcd=$ETCD_VERSION
gateway-api=$GATEWAY_API_VERSION
gateway-api-inference-extension=$GIE_VERSION
gateway-api-inference-extension-inferencepool=$GIE_POOL_VERSION
kthena=$KTHENA_VERSION"

log() { echo "kube-binaries: $*" >&2; }
die() { echo "kube-binaries: ERROR: $*" >&2; exit 1; }

complete() {
  [[ -f "$STAMP" && "$(cat "$STAMP")" == "$EXPECTED_STAMP" ]] &&
    [[ -x "$CACHE/kube-apiserver" && -x "$CACHE/etcd" ]] &&
    [[ -d "$CACHE/crds/gateway-api-standard" && -d "$CACHE/crds/gateway-api-experimental" ]] &&
    [[ -f "$CACHE/crds/inference-extension/inference.networking.k8s.io_inferencepools.yaml" ]] &&
    [[ -f "$CACHE/crds/kthena/networking.serving.volcano.sh_modelroutes.yaml" ]]
}

if complete; then
  echo "KUBE_ASSETS=$CACHE"
  exit 0
fi

# ---- Go toolchain -----------------------------------------------------------------------
GO=$(command -v go || true)
if [[ -z "$GO" && -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi
[[ -n "$GO" ]] || die "Go toolchain not found (no 'go' on PATH, no /usr/local/go/bin/go); Go >= 1.26 is needed to build kube-apiserver $K8S_VERSION and etcd $ETCD_VERSION"
GO_VERSION=$("$GO" env GOVERSION 2>/dev/null) || die "'$GO env GOVERSION' failed"
case "$GO_VERSION" in
  go1.2[6-9]*|go1.[3-9]*) ;;
  *) die "Go $GO_VERSION at $GO is too old: k8s.io/kubernetes $K8S_VERSION needs Go >= 1.26" ;;
esac
export GOTOOLCHAIN=local          # never download another toolchain
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"
export GOWORK=off

mkdir -p "$CACHE"
# One build at a time per cache (CI and a developer's test run may race).
exec 9>"$CACHE/.lock"
if command -v flock >/dev/null; then
  flock 9
  if complete; then echo "KUBE_ASSETS=$CACHE"; exit 0; fi
fi
rm -f "$STAMP"

TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/infergate-kubebuild.XXXXXX")
trap 'rm -rf "$TMPROOT"' EXIT
WORK="$TMPROOT/build"   # the throwaway build module
DLDIR="$TMPROOT/dl"     # outside any module: for go mod download
mkdir -p "$WORK" "$DLDIR"
LOGDIR="$CACHE/logs"
mkdir -p "$LOGDIR"

# run <logname> <description> cmd...: runs quietly, on failure prints the log tail and exits.
run() {
  local name=$1 what=$2; shift 2
  local logf="$LOGDIR/$name.log" t0=$SECONDS
  log "$what ..."
  if ! "$@" >"$logf" 2>&1; then
    tail -n 40 "$logf" >&2
    die "$what failed (exit code above; full log: $logf)"
  fi
  log "$what done in $((SECONDS - t0)) s"
}

moddir() { # moddir <module>@<version>: downloads a module, prints its directory in the module cache
  local json dir
  json=$(cd "$DLDIR" && "$GO" mod download -json "$1" 2>&1) || die "go mod download $1 failed: $json"
  dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")
  [[ -n "$dir" && -d "$dir" ]] || die "go mod download $1 gave no module directory: $json"
  echo "$dir"
}
modfile() { # modfile <module>@<version>: prints the path of its go.mod in the module cache
  local json f
  json=$(cd "$DLDIR" && "$GO" mod download -json "$1" 2>&1) || die "go mod download $1 failed: $json"
  f=$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")
  [[ -n "$f" && -f "$f" ]] || die "go mod download $1 gave no go.mod: $json"
  echo "$f"
}

# ---- binaries ---------------------------------------------------------------------------
build_binaries() {
  local kgomod staging m
  kgomod=$(modfile "k8s.io/kubernetes@$K8S_VERSION")
  # k8s.io/kubernetes replaces its staging modules with ./staging/src/k8s.io/<name>; a module that
  # depends on it must replace each of them with the matching published v0.x.y release.
  staging=$(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$kgomod")
  [[ -n "$staging" ]] || die "no staging replace directives found in $kgomod"

  # Two wrapper modules. kube-apiserver's requires k8s.io/kubernetes only and keeps the same five
  # commands in its graph as .ci/cluster/build-node.sh's, so both resolve every module to the same
  # version and share Go's build cache: after the node binaries, kube-apiserver compiles only its
  # own few packages. (With etcd in the same module, MVS raised golang.org/x/sys, x/net, grpc,
  # otel and more, and every Kubernetes package was compiled a second time.) etcd gets its own.
  local KWORK="$WORK/kube" EWORK="$WORK/etcd"
  mkdir -p "$KWORK/tools" "$EWORK/etcd"
  {
    echo "module infergate.invalid/kubebuild"
    echo
    echo "go 1.26.0"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    for m in $staging; do echo "	$m => $m $STAGING_VERSION"; done
    echo ")"
  } >"$KWORK/go.mod"
  cat >"$KWORK/tools/tools.go" <<'EOF2'
//go:build tools

// Keeps the commands in the module graph for go mod tidy: the same five as build-node.sh's.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
EOF2
  printf 'module infergate.invalid/etcdbuild\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$EWORK/go.mod"
  cat >"$EWORK/etcd/main.go" <<'EOF2'
// etcd server binary: the same entry point as go.etcd.io/etcd/v3's main.go.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF2

  run tidy "resolving modules (go mod tidy: k8s.io/kubernetes $K8S_VERSION)" \
    bash -c "cd '$KWORK' && nice -n 19 '$GO' mod tidy"
  run tidy-etcd "resolving modules (go mod tidy: etcd $ETCD_VERSION)" \
    bash -c "cd '$EWORK' && nice -n 19 '$GO' mod tidy"

  local vpkg ldf="-s -w" minor=${K8S_VERSION#v1.}
  minor=${minor%%.*}
  for vpkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf+=" -X $vpkg.gitVersion=$K8S_VERSION -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$minor"
    ldf+=" -X $vpkg.gitTreeState=clean -X $vpkg.buildDate=1970-01-01T00:00:00Z"
  done

  run build-etcd "building etcd $ETCD_VERSION" \
    bash -c "cd '$EWORK' && nice -n 19 '$GO' build -trimpath -ldflags '-s -w' -o '$CACHE/etcd.tmp' ./etcd"
  mv -f "$CACHE/etcd.tmp" "$CACHE/etcd"

  run build-kube-apiserver "building kube-apiserver $K8S_VERSION" \
    bash -c "cd '$KWORK' && nice -n 19 '$GO' build -trimpath -ldflags '$ldf' -o '$CACHE/kube-apiserver.tmp' k8s.io/kubernetes/cmd/kube-apiserver"
  mv -f "$CACHE/kube-apiserver.tmp" "$CACHE/kube-apiserver"

  "$CACHE/etcd" --version >"$LOGDIR/etcd-version.log" 2>&1 ||
    die "built etcd does not run: $(cat "$LOGDIR/etcd-version.log")"
  "$CACHE/kube-apiserver" --version >"$LOGDIR/kube-apiserver-version.log" 2>&1 ||
    die "built kube-apiserver does not run: $(cat "$LOGDIR/kube-apiserver-version.log")"
}

if [[ -x "$CACHE/kube-apiserver" && -x "$CACHE/etcd" ]] &&
   "$CACHE/kube-apiserver" --version 2>/dev/null | grep -qx "Kubernetes $K8S_VERSION" &&
   "$CACHE/etcd" --version 2>/dev/null | grep -q "^etcd Version: ${ETCD_VERSION#v}$"; then
  log "binaries already built: $CACHE"
else
  build_binaries
fi

# ---- CRDs -------------------------------------------------------------------------------
copy_crds() { # copy_crds <srcdir> <destdir> <file>...: copies CRD manifests (checks each is a CRD)
  local src=$1 dst=$2 f; shift 2
  rm -rf "$dst.tmp"; mkdir -p "$dst.tmp"
  for f in "$@"; do
    [[ -f "$src/$f" ]] || die "missing CRD manifest $src/$f"
    grep -q '^kind: CustomResourceDefinition' "$src/$f" || die "$src/$f is not a CustomResourceDefinition"
    cp "$src/$f" "$dst.tmp/$f"
    chmod 644 "$dst.tmp/$f"
  done
  rm -rf "$dst"; mv "$dst.tmp" "$dst"
}

log "collecting CRDs (gateway-api $GATEWAY_API_VERSION, gateway-api-inference-extension $GIE_POOL_VERSION (InferencePool) and $GIE_VERSION (objectives))"
GW_DIR=$(moddir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")
GIE_DIR=$(moddir "sigs.k8s.io/gateway-api-inference-extension@$GIE_VERSION")
GIE_POOL_DIR=$(moddir "sigs.k8s.io/gateway-api-inference-extension@$GIE_POOL_VERSION")
mkdir -p "$CACHE/crds"
for channel in standard experimental; do
  # every CRD of the channel (the channel's ValidatingAdmissionPolicy "safe-upgrades" is not a CRD: left out)
  mapfile -t files < <(cd "$GW_DIR/config/crd/$channel" && grep -l '^kind: CustomResourceDefinition' -- *.yaml | sort)
  [[ ${#files[@]} -gt 0 ]] || die "no CRDs in $GW_DIR/config/crd/$channel"
  copy_crds "$GW_DIR/config/crd/$channel" "$CACHE/crds/gateway-api-$channel" "${files[@]}"
done
copy_crds "$GIE_DIR/config/crd/bases" "$CACHE/crds/inference-extension" \
  inference.networking.x-k8s.io_inferenceobjectives.yaml \
  inference.networking.x-k8s.io_inferencemodelrewrites.yaml
# The InferencePool CRD from the newer release replaces nothing else in the folder.
[[ -f "$GIE_POOL_DIR/config/crd/bases/inference.networking.k8s.io_inferencepools.yaml" ]] ||
  die "missing CRD manifest $GIE_POOL_DIR/config/crd/bases/inference.networking.k8s.io_inferencepools.yaml"
grep -q '^kind: CustomResourceDefinition' "$GIE_POOL_DIR/config/crd/bases/inference.networking.k8s.io_inferencepools.yaml" ||
  die "the $GIE_POOL_VERSION InferencePool manifest is not a CustomResourceDefinition"
install -m 644 "$GIE_POOL_DIR/config/crd/bases/inference.networking.k8s.io_inferencepools.yaml" \
  "$CACHE/crds/inference-extension/inference.networking.k8s.io_inferencepools.yaml"

KTHENA_DIR=$(moddir "github.com/volcano-sh/kthena@$KTHENA_VERSION")
copy_crds "$KTHENA_DIR/charts/kthena/charts/networking/crds" "$CACHE/crds/kthena" \
  networking.serving.volcano.sh_modelservers.yaml \
  networking.serving.volcano.sh_modelroutes.yaml

echo "$EXPECTED_STAMP" >"$STAMP"
log "ready: $(du -sh "$CACHE" | cut -f1) in $CACHE"
echo "KUBE_ASSETS=$CACHE"
