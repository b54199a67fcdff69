#!/usr/bin/env bash
# The upstream Gateway API conformance suite, unmodified (Go module sigs.k8s.io/gateway-api/conformance
# v1.6.3 from the Go module proxy), against Infergate on the test cluster (issue #14, part 1).
# .ci/run runs it after the cluster tests (docs/conformance.md, "CI"); docs/conformance.md has the
# results and the commands, ADR 0028 the decisions.
#
# Usage: gateway-api-conformance.sh <cluster work dir of ci-cluster.sh start>
#        gateway-api-conformance.sh --build-only    (the cached binaries only; no cluster needed)
#   Needs the cluster running and the images built (./mvnw -DskipTests clean package with the
#   INFERGATE_IMAGE_BASE that ci-cluster.sh start prints). Installs the standard-channel CRDs and
#   Infergate (kubectl apply -k kustomize/overlays/conformance: every Gateway with a Service of its
#   own, docs/adr/0028-gateway-api-conformance-on-the-cluster.md), imports the images,
#   builds the suite's test binary and echo-basic (cached), imports echo-basic into containerd under
#   every name the suite's manifests use (imagePullPolicy IfNotPresent finds it), runs the
#   GATEWAY-HTTP profile and writes the suite's report to conformance/reports/v1.6.3/infergate/
#   standard-<version>+<commit>-service-per-gateway-report.yaml (upstream's layout).
# Env: SKIP_TESTS (comma-separated upstream test names), RUN_TEST (one test only),
#      SUPPORTED_FEATURES (default: what docs/conformance.md claims), TIMEOUT (default 90m),
#      TIMEOUT_CONFIG_OVERRIDES (the suite's -timeout-config-overrides, e.g. "RequestTimeout=30"),
#      REPORT_DIR (default conformance/reports/v1.6.3/infergate; CI writes elsewhere).
# Cache: ${XDG_CACHE_HOME:-~/.cache}/infergate/gateway-api-conformance-v1.6.3
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VERSION=v1.6.3
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/infergate/gateway-api-conformance-$VERSION"
log() { echo "gateway-api-conformance: $*" >&2; }
die() { echo "gateway-api-conformance: ERROR: $*" >&2; exit 1; }
BUILD_ONLY=0
if [[ ${1:-} == --build-only ]]; then
  BUILD_ONLY=1
else
  WD=${1:?usage: gateway-api-conformance.sh <cluster work dir> | --build-only}
  KUBECONFIG=$WD/api/kubeconfig; export KUBECONFIG
  CTR=(ctr --address "$WD/containerd/containerd.sock" -n k8s.io)
  [[ -f $KUBECONFIG ]] || die "no cluster at $WD (ci-cluster.sh start $WD first)"
fi

# Core features, and the extended ones docs/conformance.md claims.
SUPPORTED_FEATURES=${SUPPORTED_FEATURES:-Gateway,HTTPRoute,ReferenceGrant,BackendTLSPolicy,BackendTLSPolicySANValidation,GatewayPort8080,GatewayHTTPListenerIsolation,GatewayHTTPSListenerDetectMisdirectedRequests,HTTPRouteQueryParamMatching,HTTPRouteMethodMatching,HTTPRouteResponseHeaderModification,HTTPRouteBackendRequestHeaderModification,HTTPRoutePortRedirect,HTTPRouteSchemeRedirect,HTTPRoutePathRedirect,HTTPRoute303RedirectStatusCode,HTTPRoute307RedirectStatusCode,HTTPRoute308RedirectStatusCode,HTTPRouteHostRewrite,HTTPRoutePathRewrite,HTTPRouteRequestMirror,HTTPRouteRequestMultipleMirrors,HTTPRouteRequestPercentageMirror,HTTPRouteRequestTimeout,HTTPRouteBackendTimeout,HTTPRouteParentRefPort,HTTPRouteNamedRouteRule}

# ---- the suite and echo-basic, from a throwaway wrapper module ------------------------------
GO=$(command -v go || echo /usr/local/go/bin/go)
[[ -x $GO ]] || die "no Go toolchain"
export GOTOOLCHAIN=local GOWORK=off GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false -mod=mod"
mkdir -p "$CACHE/src" "$CACHE/bin" "$CACHE/logs"
exec 9>"$CACHE/.lock"; flock 9
if [[ ! -x $CACHE/bin/conformance.test || ! -x $CACHE/bin/echo-basic ]]; then
  cat >"$CACHE/src/go.mod" <<EOF
module infergate.invalid/gwconformance

go 1.26.0

require (
	sigs.k8s.io/gateway-api $VERSION
	sigs.k8s.io/gateway-api/conformance $VERSION
)
EOF
  cat >"$CACHE/src/tools.go" <<'EOF'
//go:build tools

// Keeps the suite in the module graph for go mod tidy.
package tools

import _ "sigs.k8s.io/gateway-api/conformance"
EOF
  t0=$SECONDS
  log "building the suite and echo-basic $VERSION (cold: several minutes) ..."
  (cd "$CACHE/src" && nice -n 19 "$GO" mod tidy &&
    CGO_ENABLED=0 nice -n 19 "$GO" build -trimpath -ldflags "-s -w" -o "$CACHE/bin/echo-basic" \
      sigs.k8s.io/gateway-api/conformance/echo-basic &&
    nice -n 19 "$GO" test -c -trimpath -o "$CACHE/bin/conformance.test" sigs.k8s.io/gateway-api/conformance) \
    >"$CACHE/logs/build.log" 2>&1 || { tail -30 "$CACHE/logs/build.log" >&2; die "building the suite failed"; }
  log "built in $((SECONDS - t0)) s"
fi

# ---- CoreDNS, for the base manifests' UDP backend ---------------------------------------------
# The suite's base manifests deploy registry.k8s.io/coredns/coredns:v1.12.2 (the UDPRoute tests'
# backend) and its setup waits for every Pod of gateway-conformance-infra to be Ready, so even
# GATEWAY-HTTP needs it running. Built from the Go module github.com/coredns/coredns at that
# version with the plugins its Corefile uses (forward, log, errors, whoami); it sends nothing
# unless queried, and no test of the HTTP profile queries it.
COREDNS_VERSION=v1.12.2
if [[ ! -x $CACHE/bin/coredns ]]; then
  mkdir -p "$CACHE/coredns-src"
  printf 'module infergate.invalid/coredns\n\ngo 1.26.0\n\nrequire github.com/coredns/coredns %s\n' \
    "$COREDNS_VERSION" >"$CACHE/coredns-src/go.mod"
  printf '%s\n' '// CoreDNS with the plugins the Gateway API conformance Corefile uses.' 'package main' '' \
    'import (' '	"github.com/coredns/coredns/coremain"' '' \
    '	_ "github.com/coredns/coredns/plugin/errors"' '	_ "github.com/coredns/coredns/plugin/forward"' \
    '	_ "github.com/coredns/coredns/plugin/log"' '	_ "github.com/coredns/coredns/plugin/whoami"' ')' '' \
    'func main() { coremain.Run() }' >"$CACHE/coredns-src/main.go"
  t0=$SECONDS
  (cd "$CACHE/coredns-src" && nice -n 19 "$GO" mod tidy &&
    CGO_ENABLED=0 nice -n 19 "$GO" build -trimpath -ldflags "-s -w" -o "$CACHE/bin/coredns" .) \
    >"$CACHE/logs/coredns-build.log" 2>&1 || { tail -30 "$CACHE/logs/coredns-build.log" >&2; die "building CoreDNS failed"; }
  log "CoreDNS $COREDNS_VERSION built in $((SECONDS - t0)) s"
fi

if [[ $BUILD_ONLY == 1 ]]; then
  log "the suite, echo-basic and CoreDNS are in $CACHE/bin"
  exit 0
fi

# ---- echo-basic image under the suite's names -------------------------------------------------
MOD=$(cd "$CACHE/src" && "$GO" list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api/conformance)
mapfile -t NAMES < <(grep -rhoE 'image: *registry\.k8s\.io/gateway-api/echo-basic:[^ "]+' "$MOD/base" "$MOD/tests" |
  sed 's/image: *//' | sort -u)
[[ ${#NAMES[@]} -gt 0 ]] || die "no echo-basic image names found in the suite's manifests"
if ! "${CTR[@]}" images ls -q | grep -qxF "${NAMES[0]}"; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/root"
  install -m 755 "$CACHE/bin/echo-basic" "$tmp/root/echo-basic"
  python3 "$HERE/mkimage.py" --name "${NAMES[0]}" --out "$tmp/echo-basic.tar" --layer "$tmp/root" \
    --entrypoint '["/echo-basic"]' --user 65532 >/dev/null
  "${CTR[@]}" images import "$tmp/echo-basic.tar" >/dev/null
fi
for n in "${NAMES[@]:1}"; do
  "${CTR[@]}" images ls -q | grep -qxF "$n" || "${CTR[@]}" images tag "${NAMES[0]}" "$n" >/dev/null
done
log "echo-basic in containerd as: ${NAMES[*]}"
COREDNS_IMAGE=$(grep -rhoE 'image: *registry\.k8s\.io/coredns/coredns:[^ "]+' "$MOD/base" | sed 's/image: *//' | sort -u | head -n 1)
[[ $COREDNS_IMAGE == *":$COREDNS_VERSION" ]] || die "the suite's base manifests name '$COREDNS_IMAGE', not CoreDNS $COREDNS_VERSION"
if ! "${CTR[@]}" images ls -q | grep -qxF "$COREDNS_IMAGE"; then
  tmp2=$(mktemp -d)
  mkdir -p "$tmp2/root"
  install -m 755 "$CACHE/bin/coredns" "$tmp2/root/coredns"
  # uid 0: the Deployment binds port 53 with NET_BIND_SERVICE added (upstream's image gives its
  # non-root binary a file capability, which these archives do not carry).
  python3 "$HERE/mkimage.py" --name "$COREDNS_IMAGE" --out "$tmp2/coredns.tar" --layer "$tmp2/root" \
    --entrypoint '["/coredns"]' --user 0 >/dev/null
  "${CTR[@]}" images import "$tmp2/coredns.tar" >/dev/null
  rm -rf "$tmp2"
fi
log "CoreDNS in containerd as: $COREDNS_IMAGE"

# ---- Infergate installed --------------------------------------------------------------------
ASSETS=$(bash "$ROOT/.ci/kube-binaries.sh" | sed -n 's/^KUBE_ASSETS=//p' | tail -n 1)
kubectl apply --server-side -f "$ASSETS/crds/gateway-api-standard" >/dev/null
kubectl apply --server-side -f "$ASSETS/crds/inference-extension" >/dev/null
kubectl wait --for=condition=Established crd --all --timeout=60s >/dev/null
for m in controller router simulator; do
  tar=$ROOT/$m/target/image/infergate-$m.tar
  [[ -f $tar ]] || die "no $tar: build the images first (./mvnw -DskipTests clean package with INFERGATE_IMAGE_BASE)"
  "${CTR[@]}" images import "$tar" >/dev/null
done
# (`|| true`: on a fresh cluster the get fails, which pipefail would make fatal)
installed=$({ kubectl -n kthena-system get deployment infergate-controller kthena-router -o name 2>/dev/null || true; } | wc -l)
kubectl apply -k "$ROOT/kustomize/overlays/conformance" >/dev/null
# Already installed: the images just imported may be new builds under the same tag.
[[ $installed == 2 ]] && kubectl -n kthena-system rollout restart deployment/infergate-controller deployment/kthena-router >/dev/null
kubectl -n kthena-system rollout status deployment/infergate-controller --timeout=360s >/dev/null
kubectl -n kthena-system rollout status deployment/kthena-router --timeout=360s >/dev/null
kubectl wait --for=condition=Accepted gatewayclass/kthena-router --timeout=120s >/dev/null
log "Infergate installed, GatewayClass kthena-router Accepted"

# ---- the run --------------------------------------------------------------------------------
# Upstream's layout: reports/<suite version>/<implementation>/<channel>-<version>-<mode>-report.yaml.
# A run of one test (RUN_TEST) writes its report to the cache instead, not beside the real one.
OUT=${REPORT_DIR:-$ROOT/conformance/reports/$VERSION/infergate}
[[ -n ${RUN_TEST:-} ]] && OUT=$CACHE/logs
mkdir -p "$OUT"
PROJECT_VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -n 1)
COMMIT=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD 2>/dev/null || COMMIT=$COMMIT-dirty
IMPL_VERSION=$PROJECT_VERSION+$COMMIT
MODE=service-per-gateway
REPORT=$OUT/standard-$IMPL_VERSION-$MODE-report.yaml
args=(-test.run TestConformance -test.v -test.timeout "${TIMEOUT:-90m}"
  -gateway-class=kthena-router -conformance-profiles=GATEWAY-HTTP -mode=$MODE
  -supported-features="$SUPPORTED_FEATURES"
  -organization=infergate -project=infergate -url=https://github.com/infergate/infergate
  -version="$IMPL_VERSION" -contact=https://github.com/infergate/infergate/issues
  -report-output="$REPORT")
[[ -n ${SKIP_TESTS:-} ]] && args+=(-skip-tests="$SKIP_TESTS")
[[ -n ${RUN_TEST:-} ]] && args+=(-run-test="$RUN_TEST")
[[ -n ${TIMEOUT_CONFIG_OVERRIDES:-} ]] && args+=(-timeout-config-overrides="$TIMEOUT_CONFIG_OVERRIDES")
log "running GATEWAY-HTTP (log: $CACHE/logs/run.log)"
t0=$SECONDS
set +e
(cd "$MOD" && "$CACHE/bin/conformance.test" "${args[@]}") >"$CACHE/logs/run.log" 2>&1
rc=$?
set -e
log "suite ended with exit code $rc after $((SECONDS - t0)) s; report: $REPORT"
grep -E '^(=== RUN|--- (PASS|FAIL|SKIP)|PASS|FAIL|ok)' "$CACHE/logs/run.log" | grep -E -- '--- (FAIL|SKIP)|^(PASS|FAIL)' | head -100 >&2 || true
exit $rc
