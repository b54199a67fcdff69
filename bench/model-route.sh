#!/usr/bin/env bash
# Cost of routing by the body's model (Kthena ModelRoute) against path routing (HTTPRoute), same
# pod, same router, one run: the walkthrough's HTTPRoute on Gateway port 8080 and a Kthena
# ModelServer + ModelRoute (no model rewrite) on a second Gateway on port 8081, both to one
# simulated pod with zero latency; bench/model_route_latency.py interleaves the two.
# Loopback 127.0.29.x only; fixed ports, so run it under flock /tmp/infergate-ports.lock.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REQUESTS=${REQUESTS:-300} ADDR=${ADDR:-127.0.29.1} SIM=${SIM:-127.0.29.2}
. "$ROOT/.mvn/find-jdk.sh"
JAVA="$JAVA_HOME/bin/java"
V=0.1.0-SNAPSHOT
MODEL=Qwen2.5-0.5B-Instruct
for t in taskset curl python3; do command -v $t >/dev/null || { echo "bench: needs $t"; exit 2; }; done
for m in simulator controller router; do [ -f "$ROOT/$m/target/infergate-$m-$V.jar" ] || { echo "bench: build first: ./mvnw -DskipTests package"; exit 2; }; done

W=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM $p 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"' EXIT
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$W/token"
mkdir "$W/manifests"
cp "$ROOT"/docs/examples/walkthrough/*.yaml "$W/manifests/"
cat > "$W/manifests/05-pods.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: demo-backend1-0, namespace: default, labels: {workload.serving.volcano.sh/model-name: demo}}
status: {podIP: $SIM, conditions: [{type: Ready, status: "True"}]}
YAML
cat > "$W/manifests/06-kthena.yaml" <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: kthena-gateway, namespace: default}
spec:
  gatewayClassName: kthena-router
  listeners: [{name: http, port: 8081, protocol: HTTP}]
---
apiVersion: networking.serving.volcano.sh/v1alpha1
kind: ModelServer
metadata: {name: demo, namespace: default}
spec:
  workloadSelector: {matchLabels: {workload.serving.volcano.sh/model-name: demo}}
  workloadPort: {port: 8000}
  inferenceEngine: vLLM
---
apiVersion: networking.serving.volcano.sh/v1alpha1
kind: ModelRoute
metadata: {name: demo, namespace: default}
spec:
  modelName: $MODEL
  parentRefs: [{name: kthena-gateway}]
  rules: [{targetModels: [{modelServerName: demo}]}]
YAML

taskset -c 1 "$JAVA" -jar "$ROOT/simulator/target/infergate-simulator-$V.jar" --hosts "$SIM" --port 8000 \
  --ttft-ms 0 --itl-ms 0 > "$W/sim.log" 2>&1 & PIDS+=($!)
taskset -c 0 "$JAVA" -jar "$ROOT/router/target/infergate-router-$V.jar" --bind "$ADDR" --internal-bind "$ADDR" \
  --internal-port 15029 --token-file "$W/token" > "$W/router.log" 2>&1 & PIDS+=($!)
taskset -c 1 "$JAVA" -jar "$ROOT/controller/target/infergate-controller-$V.jar" --manifests "$W/manifests" \
  --routers "http://$ADDR:15029" --token-file "$W/token" --admin-bind "$ADDR" --admin-port 19029 > "$W/controller.log" 2>&1 & PIDS+=($!)

ok() { curl -fs -o /dev/null "http://$ADDR:$1/v1/completions" -H 'Content-Type: application/json' \
  -d "{\"model\":\"$MODEL\",\"prompt\":\"x\",\"max_tokens\":1}"; }
for _ in $(seq 1 300); do ok 8080 && ok 8081 && break; sleep 0.2; done
ok 8080 && ok 8081 || { echo "not served"; tail "$W"/*.log; exit 1; }
echo "== the ModelRoute's rule served the request:"
curl -s -D - -o /dev/null "http://$ADDR:8081/v1/completions" -H 'Content-Type: application/json' \
  -d "{\"model\":\"$MODEL\",\"prompt\":\"x\",\"max_tokens\":1}" | grep -i x-inference-pod
grep -o 'rule=modelroute[^ ]*' "$W/router.log" | head -1 || true
echo "== timing: HTTPRoute (8080) vs ModelRoute (8081), $REQUESTS each, interleaved"
taskset -c 1 python3 "$ROOT/bench/model_route_latency.py" --host "$ADDR" --http-route-port 8080 \
  --model-route-port 8081 --model "$MODEL" --requests "$REQUESTS"
