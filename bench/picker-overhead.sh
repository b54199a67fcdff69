#!/usr/bin/env bash
# The endpoint picker's own cost per request (docs/benchmarks.md, "Infergate's picker over
# ext_proc: added latency and CPU"): Infergate's picker (a router with router.picker on, the
# scheduling of bench/scheduling/ours.yaml) against the Inference Extension's reference picker
# (epp v1.5.0, default configuration, behind our loopback main), on the same three simulated pods,
# in the same run, interleaved. The Go driver (.ci/gie-driver, built by .ci/gie-pickers.sh
# extproc-driver) plays the gateway: each request is one ext_proc stream over TLS (the pickers'
# self-signed certificates, unverified, as gateways connect) with headers, a JSON body and a short
# JSON response with usage, as Envoy sends them in FULL_DUPLEX_STREAMED mode. No model server is
# called: what is measured is the picker alone.
#   request p50/p99: request headers sent -> the body's last answer (what a request waits before
#                    the gateway can send it upstream: the picker's added latency)
#   stream p50/p99:  the whole exchange, response phase included
#   CPU/request:     utime+stime of the picker process (/proc/<pid>/stat) over the step / requests;
#                    both pickers also scrape the pods' metrics meanwhile, which is counted (it is
#                    part of what a picker costs; both scrape every 50 ms here)
#
# Needs: ./mvnw -DskipTests package (router, simulator, controller jars), curl, python3; builds or
# reuses kube-apiserver (.ci/kube-binaries.sh), epp-loopback and extproc-driver (.ci/gie-pickers.sh).
# Loopback only: pods 127.0.17.1-3:8000, our picker 127.0.17.10:19102 (router internal :15000),
# epp 127.0.17.100:19002, controller admin 127.0.17.101:19090.
# Bounded: ROUNDS x CONCURRENCY levels x 2 pickers x DURATION, plus a WARMUP per picker and start-up
# (defaults: 3 x 2 x 2 x 10 s + 2 x 30 s + ~60 s = about 4 min). Everything started is stopped on exit.
# Environment: PINGS=1 (the driver as a pinging gateway: grpc-go's default windows), DURATION (10s), WARMUP (30s: a JVM picker keeps getting faster over its first ~30 s), ROUNDS (3), CONCURRENCY ("1 8"), PROMPT_BYTES (1024),
# TASKSET ("": e.g. TASKSET=1 pins both pickers to CPU 1 and the driver to CPU 0).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10s} WARMUP=${WARMUP:-30s} ROUNDS=${ROUNDS:-3} CONCURRENCY=${CONCURRENCY:-"1 8"}
PROMPT_BYTES=${PROMPT_BYTES:-1024}
. "$ROOT/.mvn/find-jdk.sh"
JAVA="$JAVA_HOME/bin/java"
V=0.1.0-SNAPSHOT
for t in curl python3; do command -v $t >/dev/null || { echo "bench: needs $t"; exit 2; }; done
for m in simulator controller router; do [ -f "$ROOT/$m/target/infergate-$m-$V.jar" ] || { echo "bench: build first: ./mvnw -DskipTests package"; exit 2; }; done
GIE=$(bash "$ROOT/.ci/gie-pickers.sh" epp-loopback extproc-driver | sed -n 's/^GIE_PICKERS=//p' | tail -n 1)
DRIVER="$GIE/extproc-driver"
[ -x "$DRIVER" ] || { echo "bench: no $DRIVER"; exit 2; }
PIN_PICKER=() PIN_DRIVER=()
if [ -n "${TASKSET:-}" ]; then PIN_PICKER=(taskset -c 1) PIN_DRIVER=(taskset -c 0); fi

W=$(mktemp -d "${TMPDIR:-/tmp}/infergate-picker-overhead.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$ROOT/bench/epp-up.sh" stop "$W/epp" || true
  [ "${KEEP:-0}" = 1 ] && echo "bench: run folder kept: $W" || rm -rf "$W"
}
trap cleanup EXIT
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$W/token"
PODS="127.0.17.1,127.0.17.2,127.0.17.3"
MODEL=Qwen2.5-0.5B-Instruct

"$JAVA" -XX:+UseSerialGC -jar "$ROOT/simulator/target/infergate-simulator-$V.jar" --hosts "$PODS" --port 8000 \
  --pod-name-prefix bench --ttft-ms 0 --itl-ms 0 --max-running 256 > "$W/sim.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 300); do curl -fs -o /dev/null http://127.0.17.3:8000/health && break; sleep 0.2; done

# the reference picker on its own throwaway kube-apiserver; pinned after start (its pid is known then)
EPP=$(bash "$ROOT/bench/epp-up.sh" start "$W/epp" bench 8000 "$PODS" 127.0.17.100 19002 | sed -n 's/^EPP=//p')
[ -n "$EPP" ] || { echo "bench: the reference picker did not start" >&2; KEEP=1; exit 1; }
EPP_PID=$(cat "$W/epp/epp.pid")

# Infergate's picker: a router with the picker port on, fed by a controller from manifests
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
  - {name: http, port: 8080, protocol: HTTP}
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: bench, namespace: default}
spec:
  targetPorts: [{number: 8000}]
  selector: {matchLabels: {app: bench}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: bench, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: bench}]
YAML
  i=0
  for ip in ${PODS//,/ }; do
    printf -- '---\napiVersion: v1\nkind: Pod\nmetadata: {name: bench-%d, namespace: default, labels: {app: bench}}\nstatus: {podIP: %s, conditions: [{type: Ready, status: "True"}]}\n' "$i" "$ip"
    i=$((i + 1))
  done
} > "$W/manifests/02-objects.yaml"
printf 'router:\n  picker:\n    enabled: true\n    host: 127.0.17.10\n    port: 19102\n    health-port: 19103\n    pool: default/bench\n' > "$W/router.yaml"
"${PIN_PICKER[@]}" "$JAVA" -XX:+UseSerialGC -jar "$ROOT/router/target/infergate-router-$V.jar" --bind 127.0.17.10 \
  --internal-bind 127.0.17.10 --internal-port 15000 --token-file "$W/token" \
  --scheduler-config "$ROOT/bench/scheduling/ours.yaml" --config "$W/router.yaml" > "$W/router.log" 2>&1 & PIDS+=($!)
OURS_PID=$!
"$JAVA" -XX:+UseSerialGC -jar "$ROOT/controller/target/infergate-controller-$V.jar" --manifests "$W/manifests" \
  --routers http://127.0.17.10:15000 --token-file "$W/token" --admin-bind 127.0.17.101 --admin-port 19090 \
  > "$W/controller.log" 2>&1 & PIDS+=($!)
[ -n "${TASKSET:-}" ] && taskset -pc 1 "$EPP_PID" >/dev/null

declare -A ADDR=([ours]=127.0.17.10:19102 [epp]=$EPP) PID=([ours]=$OURS_PID [epp]=$EPP_PID)
drive() { # picker, duration, concurrency -> one JSON line
  "${PIN_DRIVER[@]}" "$DRIVER" -addr "${ADDR[$1]}" -tls ${PINGS:+-pings} load -model "$MODEL" -duration "$2" -concurrency "$3" \
    -prompt-bytes "$PROMPT_BYTES"
}
for p in epp ours; do
  ok=0
  for _ in $(seq 1 300); do
    if "$DRIVER" -addr "${ADDR[$p]}" -tls cases -model "$MODEL" body-one-chunk 2>/dev/null | grep -q '"routed":true'; then ok=1; break; fi
    sleep 0.2
  done
  [ $ok = 1 ] || { echo "bench: the $p picker does not route; logs in $W" >&2; KEEP=1; exit 1; }
  drive "$p" "$WARMUP" 4 > /dev/null # the JIT's first compilations are not counted against either
done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

echo "== picker overhead: $ROUNDS rounds x concurrency ($CONCURRENCY) x $DURATION per picker, prompt $PROMPT_BYTES bytes, load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs${TASKSET:+, pinned}"
: > "$W/results.tsv"
for r in $(seq 1 "$ROUNDS"); do
  for c in $CONCURRENCY; do
    for p in epp ours; do
      t0=$(ticks "${PID[$p]}")
      line=$(drive "$p" "$DURATION" "$c")
      t1=$(ticks "${PID[$p]}")
      printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$c" "$p" "$((t1 - t0))" "$line" >> "$W/results.tsv"
      echo "   round $r, concurrency $c, $p: $line, cpu ticks $((t1 - t0))"
    done
  done
done
python3 - "$W/results.tsv" "$HZ" <<'PY'
import json, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
hz = int(sys.argv[2])
by = {}
for r, c, p, ticks, js in rows:
    d = json.loads(js)
    d["cpuUs"] = int(ticks) / hz * 1e6 / max(d["requests"], 1)
    by.setdefault((int(c), p), []).append(d)
med = lambda xs: statistics.median(xs)
print()
print("| concurrency | picker | requests/s | errors | request p50 ms | request p99 ms | stream p50 ms | stream p99 ms | CPU µs/request |")
print("|---|---|---|---|---|---|---|---|---|")
for (c, p) in sorted(by, key=lambda k: (k[0], k[1] != "epp")):
    ds = by[(c, p)]
    print(f"| {c} | {'epp v1.5.0' if p == 'epp' else 'Infergate'} | {med([d['requestsPerSecond'] for d in ds]):.0f} | "
          f"{sum(d['errors'] for d in ds)} | {med([d['requestP50Ms'] for d in ds]):.2f} | {med([d['requestP99Ms'] for d in ds]):.2f} | "
          f"{med([d['streamP50Ms'] for d in ds]):.2f} | {med([d['streamP99Ms'] for d in ds]):.2f} | {med([d['cpuUs'] for d in ds]):.0f} |")
print()
print("Infergate / epp (medians of the rounds):")
for c in sorted({k[0] for k in by}):
    o, e = by[(c, "ours")], by[(c, "epp")]
    ratio = lambda key: med([d[key] for d in o]) / max(med([d[key] for d in e]), 1e-9)
    print(f"  concurrency {c}: request p50 {ratio('requestP50Ms'):.2f}x, p99 {ratio('requestP99Ms'):.2f}x, "
          f"CPU/request {ratio('cpuUs'):.2f}x, requests/s {ratio('requestsPerSecond'):.2f}x")
PY
echo "== load at the end $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
