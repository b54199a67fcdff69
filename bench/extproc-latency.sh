#!/usr/bin/env bash
# Added latency of the ext_proc hop (docs/benchmarks.md, "External endpoint picker: added TTFT"):
# the same three simulated pods behind two router listeners, one InferencePool picked natively
# (:8080) and one asked of the Inference Extension's real endpoint picker (epp v1.5.0 behind our
# loopback main, over ext_proc with TLS, :8081), in the same run. Sequential streaming completions
# (low load) with a short prompt and a 200 KB prompt: p50/p99 time to first token of each, the
# difference, and the router's (and the picker's) CPU per request. bench/extproc_ttft.py measures.
#
# Needs: ./mvnw -DskipTests package (router, simulator, controller jars), python3, curl; builds or
# reuses kube-apiserver (.ci/kube-binaries.sh) and epp-loopback (.ci/gie-pickers.sh). Loopback
# only: pods 127.0.16.1-3:8000, router 127.0.16.10 (:8080, :8081, internal :15000), picker
# 127.0.16.100:19002, controller admin 127.0.16.101:19090. Bounded: REQUESTS x 2 targets x 2 prompt
# sizes plus start-up. Everything started is stopped on exit.
# PICKER_TLS=plaintext runs the picker and the router's channel without TLS (default: the pickers'
# self-signed TLS, unverified, as deployed).
# Environment: REQUESTS (300 per target and prompt size), PROMPTS ("16 204800" bytes), WARMUP (300
# requests per target and size first: the JIT's CPU would otherwise count against the less-run path).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REQUESTS=${REQUESTS:-300} PROMPTS=${PROMPTS:-"16 204800"} WARMUP=${WARMUP:-300}
. "$ROOT/.mvn/find-jdk.sh"
JAVA="$JAVA_HOME/bin/java"
V=0.1.0-SNAPSHOT
for t in curl python3; do command -v $t >/dev/null || { echo "bench: needs $t"; exit 2; }; done
for m in simulator controller router; do [ -f "$ROOT/$m/target/infergate-$m-$V.jar" ] || { echo "bench: build first: ./mvnw -DskipTests package"; exit 2; }; done

W=$(mktemp -d "${TMPDIR:-/tmp}/infergate-extproc-bench.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$ROOT/bench/epp-up.sh" stop "$W/epp" || true
  [ "${KEEP:-0}" = 1 ] && echo "bench: run folder kept: $W" || rm -rf "$W"
}
trap cleanup EXIT
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$W/token"
PODS="127.0.16.1,127.0.16.2,127.0.16.3"

"$JAVA" -XX:+UseSerialGC -jar "$ROOT/simulator/target/infergate-simulator-$V.jar" --hosts "$PODS" --port 8000 \
  --pod-name-prefix bench --ttft-ms 0 --itl-ms 0 --max-running 256 > "$W/sim.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 300); do curl -fs -o /dev/null http://127.0.16.3:8000/health && break; sleep 0.2; done
PICKER_TLS=${PICKER_TLS:-insecure}
ROUTER_CONFIG=()
if [ "$PICKER_TLS" = plaintext ]; then
  export EPP_SECURE=false
  printf 'router:\n  endpoint-picker:\n    tls: plaintext\n' > "$W/router.yaml"
  ROUTER_CONFIG=(--config "$W/router.yaml")
fi
EPP=$(bash "$ROOT/bench/epp-up.sh" start "$W/epp" epp 8000 "$PODS" 127.0.16.100 19002 | sed -n 's/^EPP=//p')
[ -n "$EPP" ] || { echo "bench: the picker did not start" >&2; KEEP=1; exit 1; }
EPP_PID=$(cat "$W/epp/epp.pid")

mkdir "$W/manifests"
cp "$ROOT/docs/examples/walkthrough/01-gatewayclass.yaml" "$W/manifests/"
{
  cat <<'YAML'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: kthena-router
  listeners:
  - {name: native, port: 8080, protocol: HTTP}
  - {name: epp, port: 8081, protocol: HTTP}
---
apiVersion: v1
kind: Service
metadata: {name: epp, namespace: default}
spec:
  clusterIP: 127.0.16.100
  ports: [{name: grpc, port: 19002}]
YAML
  for pool in native epp; do
    cat <<YAML
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: $pool, namespace: default}
spec:
  targetPorts: [{number: 8000}]
  selector: {matchLabels: {app: bench}}
$( [ $pool = epp ] && echo "  endpointPickerRef: {name: epp, port: {number: 19002}}" )
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: $pool, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: $pool}]
  rules:
  - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: $pool}]
YAML
  done
  i=0
  for ip in ${PODS//,/ }; do
    printf -- '---\napiVersion: v1\nkind: Pod\nmetadata: {name: bench-%d, namespace: default, labels: {app: bench}}\nstatus: {podIP: %s, conditions: [{type: Ready, status: "True"}]}\n' "$i" "$ip"
    i=$((i + 1))
  done
} > "$W/manifests/02-objects.yaml"

"$JAVA" -XX:+UseSerialGC -jar "$ROOT/router/target/infergate-router-$V.jar" --bind 127.0.16.10 --internal-bind 127.0.16.10 \
  --internal-port 15000 --token-file "$W/token" "${ROUTER_CONFIG[@]}" > "$W/router.log" 2>&1 & PIDS+=($!)
ROUTER_PID=$!
"$JAVA" -XX:+UseSerialGC -jar "$ROOT/controller/target/infergate-controller-$V.jar" --manifests "$W/manifests" \
  --routers http://127.0.16.10:15000 --token-file "$W/token" --admin-bind 127.0.16.101 --admin-port 19090 \
  > "$W/controller.log" 2>&1 & PIDS+=($!)
body='{"model":"Qwen2.5-0.5B-Instruct","prompt":"hi","max_tokens":1}'
for port in 8080 8081; do
  ok=0
  for _ in $(seq 1 300); do
    if curl -fs -o /dev/null -H 'Content-Type: application/json' -d "$body" "http://127.0.16.10:$port/v1/completions"; then ok=1; break; fi
    sleep 0.2
  done
  [ $ok = 1 ] || { echo "bench: no 200 on :$port; logs in $W" >&2; KEEP=1; exit 1; }
done

echo "== ext_proc TTFT (picker channel: $PICKER_TLS): $REQUESTS sequential streaming requests per target and prompt size, load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
SIZES=()
for s in $PROMPTS; do SIZES+=(--prompt-bytes "$s"); done
python3 "$ROOT/bench/extproc_ttft.py" --target native=127.0.16.10:8080 --target ext_proc=127.0.16.10:8081 \
  --router-pid "$ROUTER_PID" --picker-pid "$EPP_PID" --requests "$REQUESTS" --warmup "$WARMUP" "${SIZES[@]}"
echo "== load at the end $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
