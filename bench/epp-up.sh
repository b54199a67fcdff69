#!/usr/bin/env bash
# Starts / stops the Inference Extension's real endpoint picker (epp v1.5.0 behind our
# loopback-only main, .ci/gie-pickers.sh epp-loopback) for benchmarks, with what it needs: a
# throwaway kube-apiserver (.ci/kube-up.sh) holding the Inference Extension CRDs, one InferencePool
# and one Running, Ready Pod per simulated pod (podIP = the pod's loopback address).
#
# Usage:
#   bench/epp-up.sh start <workdir> <pool> <target-port> <pod-ips,comma-separated> <bind-host> <grpc-port> [config-file]
#       prints as its last stdout line: EPP=<bind-host>:<grpc-port>
#   bench/epp-up.sh stop <workdir>
# The picker serves TLS (self-signed, the router's default; EPP_SECURE=false: plaintext), gRPC health on its ext_proc port
# (--health-checking), its metrics on <grpc-port>+2 without auth. Logs in <workdir>.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "epp-up: ERROR: $*" >&2; exit 1; }

stop() {
  local wd=$1
  if [ -f "$wd/epp.pid" ]; then
    kill -TERM "$(cat "$wd/epp.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$(cat "$wd/epp.pid")" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$(cat "$wd/epp.pid")" 2>/dev/null || true
    rm -f "$wd/epp.pid"
  fi
  [ -d "$wd/kube" ] && bash "$ROOT/.ci/kube-up.sh" stop "$wd/kube" >/dev/null 2>&1 || true
}

case "${1:-}" in
  stop) [ $# -eq 2 ] || die "usage: $0 stop <workdir>"; stop "$2"; exit 0 ;;
  start) [ $# -ge 7 ] || die "usage: $0 start <workdir> <pool> <target-port> <pod-ips> <bind-host> <grpc-port> [config]" ;;
  *) die "usage: $0 start|stop ..." ;;
esac
WD=$2 POOL=$3 TARGET_PORT=$4 POD_IPS=$5 BIND=$6 GRPC_PORT=$7 CONFIG=${8:-}
mkdir -p "$WD"
EPP=$(bash "$ROOT/.ci/gie-pickers.sh" epp-loopback | sed -n 's/^GIE_PICKERS=//p' | tail -n 1)/epp-loopback
[ -x "$EPP" ] || die "epp-loopback not built"
ASSETS=${INFERGATE_KUBE_ASSETS:-$(bash "$ROOT/.ci/kube-binaries.sh" | sed -n 's/^KUBE_ASSETS=//p' | tail -n 1)}
export INFERGATE_KUBE_ASSETS=$ASSETS
KUBECONFIG=$(bash "$ROOT/.ci/kube-up.sh" start "$WD/kube" | sed -n 's/^KUBECONFIG=//p' | tail -n 1)
# shellcheck disable=SC1091
. "$WD/kube/env"
api() { # method path content-type [data-file]: the API's answer body; fails on an HTTP error
  curl -fsS --cacert "$KUBE_CA_FILE" -H "Authorization: Bearer $KUBE_TOKEN" -X "$1" -H "Content-Type: $3" \
    ${4:+--data-binary "@$4"} "$KUBE_API_URL$2"
}
# the CRDs (one document per file), then wait until InferencePools are served
for f in "$ASSETS"/crds/inference-extension/*.yaml; do
  api POST /apis/apiextensions.k8s.io/v1/customresourcedefinitions application/yaml "$f" >/dev/null
done
for _ in $(seq 1 150); do
  api GET /apis/inference.networking.k8s.io/v1/namespaces/default/inferencepools application/json >/dev/null 2>&1 && break
  sleep 0.2
done
i=0
for ip in ${POD_IPS//,/ }; do
  printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: bench-%d, namespace: default, labels: {app: bench}}\nspec: {containers: [{name: sim, image: simulator}]}\n' \
    "$i" > "$WD/pod.yaml"
  api POST /api/v1/namespaces/default/pods application/yaml "$WD/pod.yaml" >/dev/null
  printf '{"status": {"phase": "Running", "podIP": "%s", "podIPs": [{"ip": "%s"}], "conditions": [{"type": "Ready", "status": "True"}]}}' \
    "$ip" "$ip" > "$WD/status.json"
  api PATCH "/api/v1/namespaces/default/pods/bench-$i/status" application/merge-patch+json "$WD/status.json" >/dev/null
  i=$((i + 1))
done
cat > "$WD/pool.yaml" <<YAML
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: $POOL, namespace: default}
spec:
  selector: {matchLabels: {app: bench}}
  targetPorts: [{number: $TARGET_PORT}]
  endpointPickerRef: {name: epp, port: {number: $GRPC_PORT}}
YAML
api POST /apis/inference.networking.k8s.io/v1/namespaces/default/inferencepools application/yaml "$WD/pool.yaml" >/dev/null
ARGS=(--pool-name "$POOL" --pool-namespace default --bind-host "$BIND" --grpc-port "$GRPC_PORT"
  --grpc-health-port "$((GRPC_PORT + 1))" --metrics-port "$((GRPC_PORT + 2))" --metrics-endpoint-auth=false
  --secure-serving="${EPP_SECURE:-true}" --health-checking=true --zap-log-level=error)
[ -n "$CONFIG" ] && ARGS+=(--config-file "$CONFIG")
KUBECONFIG=$KUBECONFIG "$EPP" "${ARGS[@]}" > "$WD/epp.log" 2>&1 &
echo $! > "$WD/epp.pid"
# ready once it knows every pod (pool and pods synced): its metrics list them
NPODS=$(tr ',' '\n' <<<"$POD_IPS" | grep -c .)
for _ in $(seq 1 300); do
  if [ "$(curl -fs "http://$BIND:$((GRPC_PORT + 2))/metrics" 2>/dev/null | grep -c '^inference_pool_per_pod_queue_size{')" -ge "$NPODS" ]; then
    echo "EPP=$BIND:$GRPC_PORT"
    exit 0
  fi
  kill -0 "$(cat "$WD/epp.pid")" 2>/dev/null || { tail -20 "$WD/epp.log" >&2; die "epp-loopback exited"; }
  sleep 0.2
done
tail -20 "$WD/epp.log" >&2
die "epp-loopback not ready after 60 s"
