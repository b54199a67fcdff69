#!/usr/bin/env bash
# Dead endpoint: four Ready pods where one (127.0.15.104) has nothing listening, RATE requests/s
# for DURATION seconds through the router, counting what clients get, for two backends over the
# same four addresses: the walkthrough's InferencePool (scraped: the scheduler leaves out an
# endpoint that never answered a scrape) and a Service (round robin, no metrics: only retries and
# outlier ejection help). Each with the defaults (retries: 1, ejection after 5 connect failures in
# a row for 30 s x ejections, at most 300 s) and, in the same run, the baseline with retries and
# ejection off (upstream.retries: 0, consecutive-connect-failures: 0). Loopback only. Bounded:
# 4 x DURATION seconds plus start-up.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-60} RATE=${RATE:-50}
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
sed -i 's/port: 8080/port: 18151/' "$W/manifests/02-gateway.yaml"
for i in 101 102 103 104; do cat >> "$W/manifests/05-pods.yaml" <<YAML
---
apiVersion: v1
kind: Pod
metadata: {name: dead-bench-$i, namespace: default, labels: {workload.serving.volcano.sh/model-name: demo}}
status: {podIP: 127.0.15.$i, conditions: [{type: Ready, status: "True"}]}
YAML
done
cat > "$W/manifests/07-service.yaml" <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: dead-svc-route, namespace: default}
spec:
  parentRefs: [{name: inference-gateway}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /svc}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}]
    backendRefs: [{name: dead-svc, port: 8000}]
---
apiVersion: v1
kind: Service
metadata: {name: dead-svc, namespace: default}
spec:  # the same four pods (local mode resolves a Service by its selector)
  selector: {workload.serving.volcano.sh/model-name: demo}
  ports: [{name: http, protocol: TCP, port: 8000, targetPort: 8000}]
YAML
# admission without a queue: a busy machine's late scrapes must not turn into queue timeouts here
printf 'router:\n  upstream:\n    retries: 0\n    consecutive-connect-failures: 0\n  admission:\n    queue: false\n' > "$W/off.yaml"
printf 'router:\n  upstream:\n    retries: 1\n  admission:\n    queue: false\n' > "$W/on.yaml"

"$JAVA" -jar "$ROOT/simulator/target/infergate-simulator-$V.jar" --hosts 127.0.15.101,127.0.15.102,127.0.15.103 \
  --port 8000 --ttft-ms 5 --itl-ms 1 --max-running 256 > "$W/sim.log" 2>&1 & PIDS+=($!)
measure() { # name config -> one line of counts
  local name=$1 config=$2
  "$JAVA" -jar "$ROOT/router/target/infergate-router-$V.jar" --bind 127.0.15.200 --internal-bind 127.0.15.200 \
    --internal-port 15151 --token-file "$W/token" --config "$config" > "$W/router-$name.log" 2>&1 & local R=$!; PIDS+=($R)
  "$JAVA" -jar "$ROOT/controller/target/infergate-controller-$V.jar" --manifests "$W/manifests" \
    --routers http://127.0.15.200:15151 --token-file "$W/token" --admin-port 19151 > "$W/controller-$name.log" 2>&1 & local C=$!; PIDS+=($C)
  for _ in $(seq 1 300); do curl -fs -o /dev/null http://127.0.15.200:15151/observe/health/ready && break; sleep 0.2; done
  curl -fs -o /dev/null http://127.0.15.200:15151/observe/health/ready || { echo "router not ready"; tail "$W"/*.log; exit 1; }
  for path in /v1/completions /svc/v1/completions; do
  python3 - "$name $path" "$DURATION" "$RATE" "$path" <<'PY'
import http.client, json, sys, threading, time, collections, re, urllib.request
name, duration, rate, path = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
body = json.dumps({"model": "Qwen2.5-0.5B-Instruct", "prompt": "hello", "max_tokens": 2})
codes = collections.Counter(); lock = threading.Lock(); per10 = collections.Counter(); sample = {}
def metrics():
    text = urllib.request.urlopen("http://127.0.15.200:15151/observe/metrics").read().decode()
    def total(name):
        return sum(float(x) for x in re.findall(r"(?m)^" + name + r"(?:\{[^}]*\})? ([0-9.eE+-]+)$", text))
    return total("infergate_router_upstream_retries_total"), total("infergate_router_endpoint_ejections_total")
before = metrics()
t_start = time.monotonic()
def one(i):
    try:
        c = http.client.HTTPConnection("127.0.15.200", 18151, timeout=120)
        c.request("POST", path, body, {"Content-Type": "application/json"})
        r = c.getresponse(); b = r.read(); c.close(); s = r.status
        if s != 200: sample.setdefault(s, b[:200])
    except Exception as e:
        s = type(e).__name__
    with lock:
        codes[s] += 1
        if s != 200: per10[int((time.monotonic() - t_start) // 10) * 10] += 1
threads = []
n = int(duration * rate)
for i in range(n):  # paced: request i starts at i / rate seconds
    delay = t_start + i / rate - time.monotonic()
    if delay > 0: time.sleep(delay)
    t = threading.Thread(target=one, args=(i,)); t.start(); threads.append(t)
for t in threads: t.join()
after = metrics()
failed = n - codes[200]
print(f"{name}: {n} requests in {duration:.0f} s at {rate:.0f}/s: statuses {dict(codes)}; failed {failed}"
      f" (by 10 s window: {dict(sorted(per10.items()))}); retries {after[0] - before[0]:.0f},"
      f" ejections {after[1] - before[1]:.0f}" + (f"; e.g. {sample}" if sample else ""))
PY
  done
  kill -TERM $R $C; wait $R $C 2>/dev/null || true
}

measure defaults "$W/on.yaml"
measure retries-and-ejection-off "$W/off.yaml"
