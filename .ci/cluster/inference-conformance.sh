#!/usr/bin/env bash
# The Inference Extension conformance cases (a Java TRANSCRIPTION of the upstream suite's 14 tests
# at v1.6.2: its Go module is not served by the module proxy here) on the test cluster, against
# Infergate installed with `kubectl apply -k kustomize/overlays/conformance` (issue #14, part 2).
# .ci/run runs it right after gateway-api-conformance.sh on the same cluster; docs/conformance.md
# has the results and the commands.
#
# Usage: inference-conformance.sh <cluster work dir of ci-cluster.sh start>
#   Needs the cluster running and the images built (./mvnw -DskipTests clean package with the
#   INFERGATE_IMAGE_BASE that ci-cluster.sh start prints). Builds (cached) the real lwepp v1.6.2
#   (sigs.k8s.io/gateway-api-inference-extension/cmd/lwepp, .ci/gie-pickers.sh) and echo-basic
#   (sigs.k8s.io/gateway-api/conformance v1.6.3, gateway-api-conformance.sh --build-only), imports
#   both into containerd under exactly the names the suite's base manifest uses
#   (conformance/src/test/resources/inference/cluster-base.yaml; IfNotPresent then finds them),
#   installs Infergate when it is not installed yet, and runs InferenceExtensionClusterIT, which
#   applies the base manifest, waits for its Deployments, runs the cases (requests from this host to
#   each Gateway's Service address), deletes the suite's namespaces and writes the report to
#   conformance/reports/v1.6.2/gateway/infergate/<version>+<commit>-transcription-cluster-gateway-report.yaml.
# Env: REPORT_DIR (default conformance/reports/v1.6.2/gateway/infergate; CI writes elsewhere).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
log() { echo "inference-conformance: $*" >&2; }
die() { echo "inference-conformance: ERROR: $*" >&2; exit 1; }
WD=${1:?usage: inference-conformance.sh <cluster work dir>}
WD=$(cd "$WD" && pwd)
KUBECONFIG=$WD/api/kubeconfig; export KUBECONFIG
CTR=(ctr --address "$WD/containerd/containerd.sock" -n k8s.io)
[[ -f $KUBECONFIG ]] || die "no cluster at $WD (ci-cluster.sh start $WD first)"
T0=$SECONDS
BASE=$ROOT/conformance/src/test/resources/inference/cluster-base.yaml

# ---- the binaries (cached) ------------------------------------------------------------------
GIE=$(bash "$ROOT/.ci/gie-pickers.sh" lwepp | sed -n 's/^GIE_PICKERS=//p' | tail -n 1)
[[ -x $GIE/lwepp ]] || die "gie-pickers.sh built no lwepp"
GWC=$(bash "$HERE/gateway-api-conformance.sh" --build-only 2>&1 | sed -n 's/.* are in \(.*\)\/bin$/\1/p' | tail -n 1)
GWC=${GWC:-${XDG_CACHE_HOME:-$HOME/.cache}/infergate/gateway-api-conformance-v1.6.3}
[[ -x $GWC/bin/echo-basic ]] || die "no echo-basic in $GWC/bin"

# ---- images under the names of the suite's base manifest ------------------------------------
import_as() { # import_as <binary> <entrypoint path> <image name>...
  local bin=$1 entry=$2; shift 2
  local tmp; tmp=$(mktemp -d)
  if ! "${CTR[@]}" images ls -q | grep -qxF "$1"; then
    mkdir -p "$tmp/root"
    install -m 755 "$bin" "$tmp/root$entry"
    # uid 65532: upstream's images are distroless "nonroot"
    python3 "$HERE/mkimage.py" --name "$1" --out "$tmp/image.tar" --layer "$tmp/root" \
      --entrypoint "[\"$entry\"]" --user 65532 >/dev/null
    "${CTR[@]}" images import "$tmp/image.tar" >/dev/null
  fi
  local first=$1 n; shift
  for n in "$@"; do "${CTR[@]}" images ls -q | grep -qxF "$n" || "${CTR[@]}" images tag "$first" "$n" >/dev/null; done
  rm -rf "$tmp"
}
mapfile -t LWEPP < <(grep -hoE 'image: *registry\.k8s\.io/gateway-api-inference-extension/lwepp:[^ "]+' "$BASE" | sed 's/image: *//' | sort -u)
mapfile -t ECHO < <(grep -hoE 'image: *[^ "]+/echo-basic:[^ "]+' "$BASE" | sed 's/image: *//' | sort -u)
[[ ${#LWEPP[@]} -gt 0 && ${#ECHO[@]} -gt 0 ]] || die "no lwepp or echo-basic image names in $BASE"
import_as "$GIE/lwepp" /lwepp "${LWEPP[@]}"
import_as "$GWC/bin/echo-basic" /echo-basic "${ECHO[@]}"
log "in containerd: lwepp v1.6.2 as ${LWEPP[*]}; echo-basic (gateway-api v1.6.3) as ${ECHO[*]}"

# ---- Infergate installed (as gateway-api-conformance.sh installs it, unless it already is) -----
if [[ $({ kubectl -n kthena-system get deployment infergate-controller kthena-router -o name 2>/dev/null || true; } | wc -l) != 2 ]]; then
  ASSETS=$(bash "$ROOT/.ci/kube-binaries.sh" | sed -n 's/^KUBE_ASSETS=//p' | tail -n 1)
  kubectl apply --server-side -f "$ASSETS/crds/gateway-api-standard" >/dev/null
  kubectl apply --server-side -f "$ASSETS/crds/inference-extension" >/dev/null
  kubectl wait --for=condition=Established crd --all --timeout=60s >/dev/null
  for m in controller router simulator; do
    tar=$ROOT/$m/target/image/infergate-$m.tar
    [[ -f $tar ]] || die "no $tar: build the images first (./mvnw -DskipTests clean package with INFERGATE_IMAGE_BASE)"
    "${CTR[@]}" images import "$tar" >/dev/null
  done
  kubectl apply -k "$ROOT/kustomize/overlays/conformance" >/dev/null
  kubectl -n kthena-system rollout status deployment/infergate-controller --timeout=360s >/dev/null
  kubectl -n kthena-system rollout status deployment/kthena-router --timeout=360s >/dev/null
  log "Infergate installed (kustomize/overlays/conformance)"
else
  log "Infergate already installed; using it as it is"
fi
kubectl wait --for=condition=Accepted gatewayclass/kthena-router --timeout=120s >/dev/null

# ---- the run --------------------------------------------------------------------------------
OUT=${REPORT_DIR:-$ROOT/conformance/reports/v1.6.2/gateway/infergate}
mkdir -p "$OUT"
PROJECT_VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -n 1)
COMMIT=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD 2>/dev/null || COMMIT=$COMMIT-dirty
REPORT=$OUT/$PROJECT_VERSION+$COMMIT-transcription-cluster-gateway-report.yaml
LOG=$(mktemp "${TMPDIR:-/tmp}/infergate-iec.XXXXXX.log")
log "running InferenceExtensionClusterIT (log: $LOG)"
t0=$SECONDS
set +e
# -am: the modules the cases use are built from this tree, never taken from ~/.m2. The images
# profile stays off (INFERGATE_IMAGE_BASE unset): the images are built and imported already.
(cd "$ROOT" && env -u INFERGATE_IMAGE_BASE INFERGATE_IE_CLUSTER=1 INFERGATE_CLUSTER_DIR="$WD" INFERGATE_IE_REPORT="$REPORT" \
  nice -n 19 ./mvnw -B -pl conformance -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=InferenceExtensionClusterIT -Dfailsafe.failIfNoSpecifiedTests=false) >"$LOG" 2>&1
rc=$?
set -e
grep -E 'Tests run:|FAIL|ERROR\]|transcription-cluster:' "$LOG" | grep -v '^\[INFO\] Tests run: 0' | tail -40 >&2 || true
[[ -f $REPORT ]] || { tail -60 "$LOG" >&2; die "no report written (exit code $rc)"; }
log "exit code $rc after $((SECONDS - t0)) s (script: $((SECONDS - T0)) s); report: $REPORT"
exit $rc
