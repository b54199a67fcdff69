#!/usr/bin/env bash
# Fairness between tenants, wall clock, real sockets: the router in front of 2 simulated pods
# (2 running slots each, 85 ms per request; the pool is saturated at 5 waiting per pod, so about 14
# requests are in flight and the rest wait in the router's admission queue). Closed-loop clients:
# tenant B always runs B_CLIENTS of them; tenant A runs as many ("1x", the pool saturated by equals)
# or 10 times as many ("10x", the flood). Each request names its tenant in
# x-gateway-inference-fairness-id. B's queue wait is the router's own per-request measure (the
# access log's queue_ms, joined by x-request-id). Two routers in the same run, interleaved phase by
# phase: "fair" (the default) and "fcfs" (router.admission.fairness: false, first come first served).
# Also "alone": B without A (the pool is not saturated, so B's wait is ~0: nothing to compare to).
# Result: B's p90 queue wait at 10x over its p90 at 1x, fair vs fcfs. Pods on 127.0.15.101-102,
# routers on 127.0.15.200 (fair) and .201 (fcfs). Bounded: ROUNDS x ~75 s.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3} B_CLIENTS=${B_CLIENTS:-10} SECONDS_PER_PHASE=${SECONDS_PER_PHASE:-12} WARMUP_S=${WARMUP_S:-3}
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
for i in 101 102; do cat >> "$W/manifests/05-pods.yaml" <<YAML
---
apiVersion: v1
kind: Pod
metadata: {name: fair-$i, namespace: default, labels: {workload.serving.volcano.sh/model-name: demo}}
status: {podIP: 127.0.15.$i, conditions: [{type: Ready, status: "True"}]}
YAML
done
printf 'router:\n  admission:\n    queue-timeout: PT60S\n' > "$W/fair.yaml"
printf 'router:\n  admission:\n    queue-timeout: PT60S\n    fairness: false\n' > "$W/fcfs.yaml"

"$JAVA" -jar "$ROOT/simulator/target/infergate-simulator-$V.jar" --hosts 127.0.15.101,127.0.15.102 --port 8000 \
  --max-running 2 --max-waiting 1000 --ttft-ms 5 --itl-ms 10 > "$W/sim.log" 2>&1 & PIDS+=($!)
n=0
for mode in fair fcfs; do
  ip=127.0.15.$((200 + n))
  "$JAVA" -jar "$ROOT/router/target/infergate-router-$V.jar" --bind $ip --internal-bind $ip \
    --internal-port 15151 --token-file "$W/token" --config "$W/$mode.yaml" > "$W/router-$mode.log" 2>&1 & PIDS+=($!)
  "$JAVA" -jar "$ROOT/controller/target/infergate-controller-$V.jar" --manifests "$W/manifests" \
    --routers http://$ip:15151 --token-file "$W/token" --admin-port $((19151 + n)) > "$W/controller-$mode.log" 2>&1 & PIDS+=($!)
  n=$((n + 1))
done
for ip in 127.0.15.200 127.0.15.201; do
  for _ in $(seq 1 300); do curl -fs -o /dev/null http://$ip:15151/observe/health/ready && break; sleep 0.2; done
  curl -fs -o /dev/null http://$ip:15151/observe/health/ready || { echo "router $ip not ready"; tail "$W"/*.log; exit 1; }
done

python3 - "$ROUNDS" "$B_CLIENTS" "$SECONDS_PER_PHASE" "$WARMUP_S" "$W" <<'PY'
import http.client, json, re, sys, threading, time, itertools
ROUNDS, BC, SECS, WARM, W = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
ROUTERS = {"fair": "127.0.15.200", "fcfs": "127.0.15.201"}
BODY = json.dumps({"model": "Qwen2.5-0.5B-Instruct", "prompt": "hello", "max_tokens": 8})
ids = itertools.count()

def client(host, tenant, stop, sent, statuses):
    c = http.client.HTTPConnection(host, 18151, timeout=90)
    while not stop.is_set():
        rid = f"{tenant}-{next(ids)}"
        t0 = time.monotonic()
        try:
            c.request("POST", "/v1/completions", BODY, {"Content-Type": "application/json",
                      "x-gateway-inference-fairness-id": tenant, "x-request-id": rid})
            r = c.getresponse(); r.read()
        except OSError:
            c.close(); c = http.client.HTTPConnection(host, 18151, timeout=90); continue
        sent.append((rid, t0)); statuses[r.status] = statuses.get(r.status, 0) + 1
    c.close()

def queue_ms(mode):
    out = {}
    with open(f"{W}/router-{mode}.log") as f:
        for line in f:
            m = re.search(r" rid=(\S+) .* queue_ms=([0-9.]+)", line)
            if m: out[m.group(1)] = float(m.group(2))
    return out

def phase(mode, a_clients):
    host, stop, sent, statuses = ROUTERS[mode], threading.Event(), [], {}
    threads = [threading.Thread(target=client, args=(host, "b", stop, sent, statuses)) for _ in range(BC)]
    threads += [threading.Thread(target=client, args=(host, "a", stop, sent, statuses)) for _ in range(a_clients)]
    start = time.monotonic()
    for t in threads: t.start()
    time.sleep(WARM + SECS); stop.set()
    for t in threads: t.join()
    time.sleep(1.5)  # the access log writer flushes in batches
    q = queue_ms(mode)
    window = lambda t0: start + WARM <= t0 < start + WARM + SECS
    waits = {ten: sorted(q[r] for r, t0 in sent if r.startswith(ten + "-") and window(t0) and r in q) for ten in "ab"}
    return waits, statuses

def pct(v, p): return v[min(len(v) - 1, int(p * len(v)))] if v else float("nan")

runs = {}
for rnd in range(ROUNDS):
    for mode in ("fair", "fcfs"):
        for load, a in (("alone", 0), ("1x", BC), ("10x", 10 * BC)):
            waits, statuses = phase(mode, a)
            runs.setdefault((mode, load), []).append(waits)
            bad = {s: n for s, n in statuses.items() if s != 200}
            print(f"round {rnd + 1} {mode:4} A {load:5}: B n={len(waits['b']):4} p50 {pct(waits['b'], .5):7.1f} ms  "
                  f"p90 {pct(waits['b'], .9):7.1f} ms | A n={len(waits['a']):5} p90 {pct(waits['a'], .9):7.1f} ms"
                  + (f"  non-200: {bad}" if bad else ""), flush=True)
print()
print(f"B's p90 queue wait, median of {ROUNDS} rounds (ms), and the 10x/1x ratio:")
for mode in ("fair", "fcfs"):
    med = {}
    for load in ("alone", "1x", "10x"):
        med[load] = sorted(pct(w["b"], .9) for w in runs[(mode, load)])[ROUNDS // 2]
    ratio = med["10x"] / med["1x"] if med["1x"] > 0 else float("inf")
    print(f"  {mode:4}: alone {med['alone']:7.1f}   1x {med['1x']:7.1f}   10x {med['10x']:7.1f}   10x/1x {ratio:5.2f}")
PY
