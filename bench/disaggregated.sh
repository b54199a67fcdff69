#!/usr/bin/env bash
# Prefill/decode disaggregation against an aggregated pool with the same pod count, same router,
# same run (docs/adr/0034-prefill-decode-disaggregation.md). Four simulated pods form the
# aggregated Kthena ModelServer "agg"; four more form the disaggregated ModelServer "pd" (pdGroup:
# PREFILL prefill pods, the rest decode). Every pod runs the llama-3.1-8b-h100 profile with
# prefill-decode interference on (--prefill-stalls-decode: a decode step shares its forward pass
# with up to 512 tokens of the pod's running prefill) and a KV transfer of 2 ms + 5 us/token
# (128 KiB/token over ~25 GB/s). bench/pd_latency.py sends one Poisson stream that alternates
# between the two model names and prints TTFT/ITL p50/p90 and the ratios pd/agg.
# Loopback 127.0.34.x only; fixed ports, so run it under flock /tmp/infergate-ports.lock.
# Bounded: REQUESTS per pool (default 60) at RATE req/s per pool (default 6), 60 s per request.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REQUESTS=${REQUESTS:-60} RATE=${RATE:-6} PROMPT_WORDS=${PROMPT_WORDS:-1500} MAX_TOKENS=${MAX_TOKENS:-64}
PREFILL=${PREFILL:-2} ADDR=127.0.34.1
. "$ROOT/.mvn/find-jdk.sh"
JAVA="$JAVA_HOME/bin/java"
V=0.1.0-SNAPSHOT
for t in taskset curl python3; do command -v $t >/dev/null || { echo "bench: needs $t"; exit 2; }; done
for m in simulator controller router; do [ -f "$ROOT/$m/target/infergate-$m-$V.jar" ] || { echo "bench: build first: ./mvnw -DskipTests package"; exit 2; }; done

W=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM $p 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"' EXIT
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$W/token"
mkdir "$W/manifests"
M="$W/manifests/all.yaml"
cat > "$M" <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: kthena-router}
spec: {controllerName: infergate.io/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: kthena-gateway, namespace: default}
spec:
  gatewayClassName: kthena-router
  listeners: [{name: http, port: 8080, protocol: HTTP}]
---
apiVersion: networking.serving.volcano.sh/v1alpha1
kind: ModelServer
metadata: {name: agg, namespace: default}
spec:
  model: Qwen2.5-0.5B-Instruct
  workloadSelector: {matchLabels: {app: agg}}
  workloadPort: {port: 8000}
  inferenceEngine: vLLM
---
apiVersion: networking.serving.volcano.sh/v1alpha1
kind: ModelServer
metadata: {name: pd, namespace: default}
spec:
  model: Qwen2.5-0.5B-Instruct
  workloadSelector:
    matchLabels: {app: pd}
    pdGroup: {groupKey: pd-group, prefillLabels: {role: prefill}, decodeLabels: {role: decode}}
  workloadPort: {port: 8000}
  inferenceEngine: vLLM
  kvConnector: {type: nixl}
YAML
for name in agg pd; do cat >> "$M" <<YAML
---
apiVersion: networking.serving.volcano.sh/v1alpha1
kind: ModelRoute
metadata: {name: $name, namespace: default}
spec:
  modelName: $name
  rules: [{targetModels: [{modelServerName: $name}]}]
YAML
done
HOSTS=()
for i in 0 1 2 3; do
  h=127.0.34.$((10 + i)); HOSTS+=($h)
  printf -- '---\napiVersion: v1\nkind: Pod\nmetadata: {name: agg-%s, namespace: default, labels: {app: agg}}\nstatus: {podIP: %s, conditions: [{type: Ready, status: "True"}]}\n' $i $h >> "$M"
done
for i in 0 1 2 3; do
  h=127.0.34.$((20 + i)); HOSTS+=($h)
  role=decode; [ $i -lt "$PREFILL" ] && role=prefill
  printf -- '---\napiVersion: v1\nkind: Pod\nmetadata: {name: pd-%s, namespace: default, labels: {app: pd, role: %s, pd-group: g}}\nstatus: {podIP: %s, conditions: [{type: Ready, status: "True"}]}\n' $i $role $h >> "$M"
done

IFS=, ; ALL="${HOSTS[*]}"; unset IFS
taskset -c 1 "$JAVA" -jar "$ROOT/simulator/target/infergate-simulator-$V.jar" --hosts "$ALL" --port 8000 \
  --profile llama-3.1-8b-h100 --prefill-stalls-decode true --kv-transfer-ms 2 --kv-transfer-us-per-token 5 \
  > "$W/sim.log" 2>&1 & PIDS+=($!)
taskset -c 0 "$JAVA" -jar "$ROOT/router/target/infergate-router-$V.jar" --bind "$ADDR" --internal-bind "$ADDR" \
  --internal-port 15034 --token-file "$W/token" > "$W/router.log" 2>&1 & PIDS+=($!)
taskset -c 1 "$JAVA" -jar "$ROOT/controller/target/infergate-controller-$V.jar" --manifests "$W/manifests" \
  --routers "http://$ADDR:15034" --token-file "$W/token" --admin-bind "$ADDR" --admin-port 19034 > "$W/controller.log" 2>&1 & PIDS+=($!)

ok() { curl -fs -o /dev/null "http://$ADDR:8080/v1/completions" -H 'Content-Type: application/json' \
  -d "{\"model\":\"$1\",\"prompt\":\"x\",\"max_tokens\":2,\"stream\":true}"; }
for _ in $(seq 1 300); do ok agg && ok pd && break; sleep 0.2; done
ok agg && ok pd || { echo "not served"; tail "$W"/*.log; exit 1; }
echo "== $REQUESTS streaming requests per pool at $RATE req/s each, prompts of $PROMPT_WORDS words, $MAX_TOKENS tokens"
echo "== agg: 4 aggregated pods; pd: $PREFILL prefill + $((4 - PREFILL)) decode pods"
taskset -c 1 python3 "$ROOT/bench/pd_latency.py" --host "$ADDR" --port 8080 --models agg,pd \
  --requests "$REQUESTS" --rate "$RATE" --prompt-words "$PROMPT_WORDS" --max-tokens "$MAX_TOKENS"
