#!/usr/bin/env bash
# Shedding latency: 2 simulated pods (1 running + up to 100 waiting each, slow decode) saturated by
# requests sent straight to them (9 per pod: 8 waiting ≥ 5, the saturation rule); then,
# through the router, REQUESTS sequential requests with a sheddable objective (priority -1) on one
# keep-alive connection, timed by the client from sending to the full 429; and PRIORITY requests with
# a priority-10 objective and without objective, in parallel, which are queued, never shed (200,
# or 503 queue_timeout if the 10 s queue timeout passes first). Pods on 127.0.14.101-102, router on 127.0.14.200. Bounded: ~60 s.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REQUESTS=${REQUESTS:-500} PRIORITY=${PRIORITY:-10} WARMUP=${WARMUP:-1500}
. "$ROOT/.mvn/find-jdk.sh"
JAVA="$JAVA_HOME/bin/java"
V=0.1.0-SNAPSHOT
for t in curl python3; do command -v $t >/dev/null || { echo "bench: needs $t"; exit 2; }; done
for m in simulator controller router; do [ -f "$ROOT/$m/target/infergate-$m-$V.jar" ] || { echo "bench: build first: ./mvnw -DskipTests package"; exit 2; }; done

W=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM $p 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"' EXIT
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$W/token"
mkdir "$W/manifests"
cp "$ROOT"/docs/examples/walkthrough/*.yaml "$W/manifests/"
sed -i 's/port: 8080/port: 18141/' "$W/manifests/02-gateway.yaml"
for i in 101 102; do cat >> "$W/manifests/05-pods.yaml" <<YAML
---
apiVersion: v1
kind: Pod
metadata: {name: shed-$i, namespace: default, labels: {workload.serving.volcano.sh/model-name: demo}}
status: {podIP: 127.0.14.$i, conditions: [{type: Ready, status: "True"}]}
YAML
done
cat > "$W/manifests/06-objectives.yaml" <<YAML
apiVersion: inference.networking.x-k8s.io/v1alpha2
kind: InferenceObjective
metadata: {name: batch, namespace: default}
spec: {priority: -1, poolRef: {name: kthena-demo}}
---
apiVersion: inference.networking.x-k8s.io/v1alpha2
kind: InferenceObjective
metadata: {name: chat, namespace: default}
spec: {priority: 10, poolRef: {name: kthena-demo}}
YAML

"$JAVA" -jar "$ROOT/simulator/target/infergate-simulator-$V.jar" --hosts 127.0.14.101,127.0.14.102 --port 8000 \
  --max-running 1 --max-waiting 100 --ttft-ms 5 --itl-ms 100 > "$W/sim.log" 2>&1 & PIDS+=($!)
"$JAVA" -jar "$ROOT/router/target/infergate-router-$V.jar" --bind 127.0.14.200 --internal-bind 127.0.14.200 \
  --internal-port 15141 --token-file "$W/token" > "$W/router.log" 2>&1 & PIDS+=($!)
"$JAVA" -jar "$ROOT/controller/target/infergate-controller-$V.jar" --manifests "$W/manifests" \
  --routers http://127.0.14.200:15141 --token-file "$W/token" --admin-port 19141 > "$W/controller.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 300); do curl -fs -o /dev/null http://127.0.14.200:15141/observe/health/ready && break; sleep 0.2; done
curl -fs -o /dev/null http://127.0.14.200:15141/observe/health/ready || { echo "router not ready"; tail "$W"/*.log; exit 1; }

python3 - "$REQUESTS" "$PRIORITY" "$WARMUP" <<'PY'
import http.client, json, sys, threading, time
n, prio, WARMUP = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
GW = ("127.0.14.200", 18141)
def body(tokens): return json.dumps({"model": "Qwen2.5-0.5B-Instruct", "prompt": "hello", "max_tokens": tokens})
def post(host, port, objective=None, tokens=1, timeout=60):
    c = http.client.HTTPConnection(host, port, timeout=timeout)
    h = {"Content-Type": "application/json"}
    if objective: h["x-gateway-inference-objective"] = objective
    c.request("POST", "/v1/completions", body(tokens), h); r = c.getresponse(); r.read(); c.close(); return r.status
# Saturate: 9 long requests per pod, straight to the pods (1 running, 8 waiting; ~3 s each).
load = [threading.Thread(target=post, args=(f"127.0.14.{p}", 8000, None, 30)) for p in (101, 102) for _ in range(9)]
for t in load: t.start()
time.sleep(1.0)  # let the router's 50 ms scrapes see the queues before the first probe
# Wait until the router sheds (its scrape sees the queues), at most 10 s.
deadline = time.time() + 10
while post(*GW, "batch") != 429:
    if time.time() > deadline: sys.exit("bench: the pool never became saturated")
    time.sleep(0.05)
# Priority >= 0 requests, in parallel: they must queue and end 200, never 429.
statuses = []
def prio_req(obj): statuses.append(post(*GW, obj, 1))
pr = [threading.Thread(target=prio_req, args=("chat" if i % 2 == 0 else None,)) for i in range(prio)]
for t in pr: t.start()
# Sheddable requests on one keep-alive connection, timed request to full response; the first
# WARMUP are not counted (the router's JIT compiles the shedding path meanwhile).
c = http.client.HTTPConnection(*GW, timeout=10)
lat, codes = [], {}
for i in range(WARMUP + n):
    if i == WARMUP: lat, codes = [], {}
    t0 = time.perf_counter()
    c.request("POST", "/v1/completions", body(1), {"Content-Type": "application/json", "x-gateway-inference-objective": "batch"})
    r = c.getresponse(); r.read()
    lat.append((time.perf_counter() - t0) * 1000); codes[r.status] = codes.get(r.status, 0) + 1
    if r.getheader("Retry-After") is None and r.status == 429: sys.exit("bench: 429 without Retry-After")
for t in pr: t.join()
for t in load: t.join()
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"sheddable requests under saturation: {n}, statuses {codes}")
print(f"429 latency (client, loopback): p50 {q(0.5):.2f} ms  p90 {q(0.9):.2f} ms  p99 {q(0.99):.2f} ms  max {lat[-1]:.2f} ms")
print(f"priority >= 0 requests sent meanwhile: {prio}, statuses {sorted(set(statuses))} ({statuses.count(200)} x 200)")
if 429 in statuses: sys.exit("bench: a priority >= 0 request was shed")
PY
