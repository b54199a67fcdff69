#!/usr/bin/env bash
# Model rewrite end to end and its cost: simulator (one base model + a LoRA adapter), controller
# reading a manifests folder with the walkthrough objects plus an InferenceModelRewrite
# (demo-alias -> demo-lora-v1), and the router. Shows the restored model in a response, the merged
# GET /v1/models and the Inference Extension metrics, then times the adapter asked for by name vs
# by alias (bench/rewrite_stream.py). Loopback 127.0.13.x only; bounded by REQUESTS.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REQUESTS=${REQUESTS:-300} ADDR=${ADDR:-127.0.13.1} SIM=${SIM:-127.0.13.2}
. "$ROOT/.mvn/find-jdk.sh"
JAVA="$JAVA_HOME/bin/java"
V=0.1.0-SNAPSHOT
for t in taskset curl python3; do command -v $t >/dev/null || { echo "bench: needs $t"; exit 2; }; done
for m in simulator controller router; do [ -f "$ROOT/$m/target/infergate-$m-$V.jar" ] || { echo "bench: build first: ./mvnw -DskipTests package"; exit 2; }; done

W=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM $p 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$W/token"
mkdir "$W/manifests"
cp "$ROOT"/docs/examples/walkthrough/*.yaml "$W/manifests/"
cat > "$W/manifests/05-pods.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: demo-backend1-0, namespace: default, labels: {workload.serving.volcano.sh/model-name: demo}}
status: {podIP: $SIM, conditions: [{type: Ready, status: "True"}]}
YAML
cat > "$W/manifests/06-rewrite.yaml" <<YAML
apiVersion: inference.networking.x-k8s.io/v1alpha2
kind: InferenceModelRewrite
metadata: {name: demo-alias, namespace: default}
spec:
  poolRef: {name: kthena-demo}
  rules:
  - matches: [{model: {type: Exact, value: demo-alias}}]
    targets: [{modelRewrite: demo-lora-v1}]
YAML

taskset -c 1 "$JAVA" -jar "$ROOT/simulator/target/infergate-simulator-$V.jar" --hosts "$SIM" --port 8000 \
  --lora demo-lora-v1 --ttft-ms 0 --itl-ms 0 > "$W/sim.log" 2>&1 & PIDS+=($!)
taskset -c 0 "$JAVA" -jar "$ROOT/router/target/infergate-router-$V.jar" --bind "$ADDR" --internal-bind "$ADDR" \
  --internal-port 15013 --token-file "$W/token" > "$W/router.log" 2>&1 & PIDS+=($!)
taskset -c 1 "$JAVA" -jar "$ROOT/controller/target/infergate-controller-$V.jar" --manifests "$W/manifests" \
  --routers "http://$ADDR:15013" --token-file "$W/token" --admin-bind "$ADDR" --admin-port 19013 > "$W/controller.log" 2>&1 & PIDS+=($!)

for _ in $(seq 1 300); do curl -fs -o /dev/null "http://$ADDR:15013/observe/health/ready" && break; sleep 0.2; done
curl -fs -o /dev/null "http://$ADDR:15013/observe/health/ready" || { echo "router not ready"; tail "$W"/*.log; exit 1; }
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://$SIM:8000/v1/models" && break; sleep 0.2; done

echo "== a rewritten request (the simulator echoes the model it served; the client sees its own)"
curl -s "http://$ADDR:8080/v1/completions" -H 'Content-Type: application/json' \
  -d '{"model":"demo-alias","prompt":"Hello","max_tokens":3}'; echo
echo "== GET /v1/models through the route"
curl -s "http://$ADDR:8080/v1/models"; echo
echo "== Inference Extension metrics"
curl -s "http://$ADDR:15013/observe/metrics" | grep -E '^inference_(objective_request_total|pool_ready_pods|objective_input_tokens_count)' || true
echo "== timing: the adapter by name vs by alias ($REQUESTS each, interleaved)"
taskset -c 1 python3 "$ROOT/bench/rewrite_stream.py" --router "$ADDR:8080" --direct-name demo-lora-v1 \
  --alias demo-alias --requests "$REQUESTS"
