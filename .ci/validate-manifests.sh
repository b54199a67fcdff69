#!/usr/bin/env bash
# Renders the kustomize overlays and validates every rendered object, without a cluster.
#
# Usage: .ci/validate-manifests.sh            (from anywhere; exit 0 = every object valid)
#
# 1. Render kustomize/overlays/{default,dev} with `kubectl kustomize` (kustomize v5.5.0 built
#    in); without kubectl, with `kustomize build` from PATH; without either, kustomize v5.5.0 is
#    built once from its Go module into the cache below.
# 2. Offline schema check (.ci/manifest-check/validate.mjs, Node >= 18; npm packages pinned by
#    .ci/manifest-check/package-lock.json, installed into its node_modules/ on first use):
#    built-in kinds against kubernetes-models' OpenAPI schemas; custom resources (GatewayClass)
#    against the upstream CRD schemas cached by .ci/kube-binaries.sh (Gateway API v1.6.3,
#    Inference Extension v1.6.0 InferencePool, v1.5.0 objectives), unknown fields rejected, else against
#    @kubernetes-models/gateway-api; plus scope and in-install reference checks.
# 3. When the cached kube-apiserver and etcd exist (.ci/kube-binaries.sh; this script never
#    builds them), the authority: both overlays are applied with server-side apply and strict
#    field validation to a throwaway API server (.ci/kube-up.sh) holding the upstream CRDs.
#    That also catches unknown fields in built-in kinds, int-or-string values, and the CRDs'
#    CEL rules, which step 2 cannot.
#
# Environment:
#   KUBECTL                      kubectl to use (default: kubectl on PATH)
#   INFERGATE_KUBE_ASSETS        dir printed by .ci/kube-binaries.sh (default: its cache dir)
#   INFERGATE_VALIDATE_SERVER    auto (default: step 3 when the binaries exist) | 0 | 1 (required)
# Every step has a time limit; the whole run takes ~5 s offline, ~30 s with step 3 (plus a
# one-time npm install of ~30 MB).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OVERLAYS=(default dev)
KUSTOMIZE_VERSION=v5.5.0
KUBECTL=${KUBECTL:-kubectl}
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/infergate"
CHECK_DIR="$ROOT/.ci/manifest-check"
SERVER=${INFERGATE_VALIDATE_SERVER:-auto}

log() { echo "validate-manifests: $*" >&2; }
die() { echo "validate-manifests: ERROR: $*" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/infergate-manifests.XXXXXX")
KUBE_WD=""
cleanup() {
  if [[ -n "$KUBE_WD" ]]; then bash "$ROOT/.ci/kube-up.sh" stop "$KUBE_WD" >/dev/null 2>&1 || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# ---- 1. render ------------------------------------------------------------------------------
renderer() {
  if command -v "$KUBECTL" >/dev/null 2>&1; then
    RENDER=("$KUBECTL" kustomize)
    log "rendering with $KUBECTL kustomize ($("$KUBECTL" version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p'))"
    return
  fi
  if command -v kustomize >/dev/null 2>&1; then
    RENDER=(kustomize build)
    log "no $KUBECTL: rendering with kustomize build ($(kustomize version 2>/dev/null))"
    return
  fi
  local bin="$CACHE/kustomize-$KUSTOMIZE_VERSION/kustomize"
  if [[ ! -x "$bin" ]]; then
    local go
    go=$(command -v go || true)
    [[ -z "$go" && -x /usr/local/go/bin/go ]] && go=/usr/local/go/bin/go
    [[ -n "$go" ]] || die "no kubectl, no kustomize and no Go toolchain to build kustomize $KUSTOMIZE_VERSION: install one of them"
    log "no $KUBECTL and no kustomize: building kustomize $KUSTOMIZE_VERSION from its Go module (once) ..."
    mkdir -p "$(dirname "$bin")"
    (cd "$TMP" && GOBIN="$(dirname "$bin")" GOTOOLCHAIN=local GOFLAGS=-buildvcs=false GOWORK=off \
      timeout 600 "$go" install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION") >"$TMP/go-install.log" 2>&1 ||
      { tail -n 20 "$TMP/go-install.log" >&2; die "go install sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION failed"; }
  fi
  RENDER=("$bin" build)
  log "rendering with $bin build"
}
renderer
INPUTS=()
for o in "${OVERLAYS[@]}"; do
  out="$TMP/$o.yaml"
  if ! timeout 120 "${RENDER[@]}" "kustomize/overlays/$o" >"$out" 2>"$TMP/$o.err"; then
    cat "$TMP/$o.err" >&2
    die "kustomize/overlays/$o does not render (above)"
  fi
  log "kustomize/overlays/$o: $(grep -c '^kind:' "$out") objects ($(grep '^kind:' "$out" | sed 's/^kind: //' | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}'))"
  INPUTS+=("$o=$out")
done

# ---- 2. offline schema check ----------------------------------------------------------------
command -v node >/dev/null || die "node not found (Node.js >= 18 runs .ci/manifest-check/validate.mjs)"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
(( NODE_MAJOR >= 18 )) || die "Node.js $(node --version) is too old: >= 18 is needed"
LOCK_SUM=$(sha256sum "$CHECK_DIR/package-lock.json" | cut -d' ' -f1)
if [[ "$(cat "$CHECK_DIR/node_modules/.infergate-lock" 2>/dev/null)" != "$LOCK_SUM" ]]; then
  command -v npm >/dev/null || die "npm not found (installs .ci/manifest-check's packages)"
  log "installing .ci/manifest-check packages (npm ci) ..."
  (cd "$CHECK_DIR" && timeout 300 npm ci --no-audit --no-fund --loglevel=error --engine-strict=false) >"$TMP/npm.log" 2>&1 ||
    { tail -n 30 "$TMP/npm.log" >&2; die "npm ci in .ci/manifest-check failed"; }
  echo "$LOCK_SUM" >"$CHECK_DIR/node_modules/.infergate-lock"
fi

# The upstream CRDs cached by .ci/kube-binaries.sh (same versions, read from that script).
K8S_V=$(sed -n 's/^K8S_VERSION=\([^[:space:]]*\).*/\1/p' .ci/kube-binaries.sh)
ETCD_V=$(sed -n 's/^ETCD_VERSION=\([^[:space:]]*\).*/\1/p' .ci/kube-binaries.sh)
ASSETS="${INFERGATE_KUBE_ASSETS:-${INFERGATE_KUBE_CACHE:-$CACHE/kube-$K8S_V-etcd-$ETCD_V}}"
CRD_DIRS=()
for d in "$ASSETS/crds/gateway-api-standard" "$ASSETS/crds/inference-extension"; do
  [[ -d "$d" ]] && CRD_DIRS+=("$d")
done
CRD_ARGS=()
if (( ${#CRD_DIRS[@]} == 2 )); then
  for d in "${CRD_DIRS[@]}"; do CRD_ARGS+=(--crds "$d"); done
  log "custom resources: against the upstream CRDs in $ASSETS/crds"
else
  log "custom resources: against @kubernetes-models/gateway-api (no upstream CRDs in $ASSETS/crds; .ci/kube-binaries.sh caches them)"
fi
RC=0
timeout 120 node "$CHECK_DIR/validate.mjs" "${CRD_ARGS[@]}" "${INPUTS[@]}" | tee "$TMP/offline.log" || RC=1

# ---- 3. the API server, when its binaries are cached ----------------------------------------
run_server() {
  KUBE_WD="$TMP/kube"
  local line
  line=$(INFERGATE_KUBE_ASSETS="$ASSETS" timeout 180 bash .ci/kube-up.sh start "$KUBE_WD" 2>"$TMP/kube-up.err" | tail -n 1) ||
    { cat "$TMP/kube-up.err" >&2; die "could not start the throwaway API server (.ci/kube-up.sh)"; }
  export KUBECONFIG="${line#KUBECONFIG=}"
  local k=("$KUBECTL" --request-timeout=30s)
  timeout 120 "${k[@]}" apply --server-side --field-manager=validate-manifests -f "$ASSETS/crds/gateway-api-standard" \
    -f "$ASSETS/crds/inference-extension" >"$TMP/crds.log" 2>&1 || { cat "$TMP/crds.log" >&2; die "applying the upstream CRDs failed"; }
  timeout 90 "${k[@]}" wait --for condition=established --timeout=60s crd --all >/dev/null 2>&1 ||
    die "the upstream CRDs did not become Established within 60 s"
  local o
  for o in "${OVERLAYS[@]}"; do
    if timeout 120 "${k[@]}" apply --server-side --field-manager=validate-manifests --force-conflicts \
        --validate=strict -f "$TMP/$o.yaml" >"$TMP/apply-$o.log" 2>&1; then
      log "kustomize/overlays/$o: accepted by kube-apiserver $K8S_V (server-side apply, strict field validation)"
    else
      sed "s|$TMP/$o.yaml|kustomize/overlays/$o|g; s/^/INVALID $o: kube-apiserver: /" "$TMP/apply-$o.log" |
        grep -v ' serverside-applied$' | tee -a "$TMP/server.log" || true
      echo "INVALID $o: kube-apiserver rejected objects" >>"$TMP/server.log"
      RC=1
    fi
  done
}
case "$SERVER" in
  0) log "API server check: skipped (INFERGATE_VALIDATE_SERVER=0)" ;;
  auto | 1)
    if [[ -x "$ASSETS/kube-apiserver" && -x "$ASSETS/etcd" ]] && (( ${#CRD_DIRS[@]} == 2 )) &&
       command -v "$KUBECTL" >/dev/null 2>&1 && command -v openssl >/dev/null && command -v curl >/dev/null; then
      run_server
    elif [[ "$SERVER" == 1 ]]; then
      die "INFERGATE_VALIDATE_SERVER=1 but no kube-apiserver/etcd/CRDs in $ASSETS (run .ci/kube-binaries.sh), or no $KUBECTL/openssl/curl"
    else
      log "API server check: skipped (needs the cached kube-apiserver, etcd and CRDs in $ASSETS, which .ci/kube-binaries.sh builds, and $KUBECTL, openssl, curl)"
    fi ;;
  *) die "INFERGATE_VALIDATE_SERVER must be auto, 0 or 1, not '$SERVER'" ;;
esac

PASSED=0 FAILED=0
for o in "${OVERLAYS[@]}"; do
  if grep -q "^INVALID $o: " "$TMP/offline.log" "$TMP/server.log" 2>/dev/null; then FAILED=$((FAILED + 1)); else PASSED=$((PASSED + 1)); fi
done
(( RC == 0 || FAILED > 0 )) || FAILED=1   # a failure not attributed to an overlay
echo "validate-manifests: $PASSED passed, $FAILED failed"
(( RC == 0 )) && exit 0
echo "validate-manifests: manifests invalid (INVALID lines above)" >&2
exit 1
