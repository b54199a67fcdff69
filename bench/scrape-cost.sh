#!/usr/bin/env bash
# Scrape cost: the router's CPU while it scrapes 100 simulated model servers every 50 ms (its
# default), against the same router idle before it has any endpoint (baseline). CPU time is
# utime + stime of the router process from /proc/<pid>/stat over a fixed window; the result is
# the % of one core. The router is pinned to core 0, the simulator (100 pods in one JVM, on
# 127.0.14.1-100:8000) and the controller (local mode, pushes the snapshot) to core 1.
# The warm-up (default 60 s) lets the JIT settle: with 20 s, C2 was still compiling in the window.
# The achieved scrape rate is read from the router's own counter (infergate_router_endpoint_scrapes_total).
# Environment: WINDOW, WARMUP (seconds), ENDPOINTS (1..250), ROUTER_OPTS (JVM), ROUTER_ARGS (router).
# Bounded: ~ WARMUP + 2 x WINDOW seconds plus start-up. Loopback only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WINDOW=${WINDOW:-30} WARMUP=${WARMUP:-60} N=${ENDPOINTS:-100}
. "$ROOT/.mvn/find-jdk.sh"
JAVA="$JAVA_HOME/bin/java"
V=0.1.0-SNAPSHOT
for t in taskset curl ss; do command -v $t >/dev/null || { echo "bench: needs $t"; exit 2; }; done
for m in simulator controller router; do [ -f "$ROOT/$m/target/infergate-$m-$V.jar" ] || { echo "bench: build first: ./mvnw -DskipTests package"; exit 2; }; done
[ "$N" -ge 1 ] && [ "$N" -le 250 ] || { echo "bench: ENDPOINTS must be 1..250"; exit 2; }

W=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM $p 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"' EXIT
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$W/token"
mkdir "$W/manifests"
cp "$ROOT"/docs/examples/walkthrough/*.yaml "$W/manifests/"
sed -i 's/port: 8080/port: 18140/' "$W/manifests/02-gateway.yaml"
HOSTS=""
for i in $(seq 1 "$N"); do
  HOSTS+="${HOSTS:+,}127.0.14.$i"
  cat >> "$W/pods.yaml" <<YAML
---
apiVersion: v1
kind: Pod
metadata: {name: sim-$i, namespace: default, labels: {workload.serving.volcano.sh/model-name: demo}}
status: {podIP: 127.0.14.$i, conditions: [{type: Ready, status: "True"}]}
YAML
done
cp "$W/pods.yaml" "$W/manifests/05-pods.yaml"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
measure() { # pid seconds -> % of one core
  local a b; a=$(ticks "$1"); sleep "$2"; b=$(ticks "$1")
  awk -v d=$((b - a)) -v hz="$HZ" -v s="$2" 'BEGIN { printf "%.2f", 100 * d / hz / s }'
}

taskset -c 1 "$JAVA" -jar "$ROOT/simulator/target/infergate-simulator-$V.jar" --hosts "$HOSTS" --port 8000 \
  > "$W/sim.log" 2>&1 & SIM=$!; PIDS+=($SIM)
taskset -c 0 "$JAVA" ${ROUTER_OPTS:-} -jar "$ROOT/router/target/infergate-router-$V.jar" --bind 127.0.14.200 \
  --internal-bind 127.0.14.200 --internal-port 15140 --token-file "$W/token" ${ROUTER_ARGS:-} > "$W/router.log" 2>&1 & ROUTER=$!; PIDS+=($ROUTER)
for _ in $(seq 1 150); do curl -fs -o /dev/null "http://127.0.14.$N:8000/metrics" && break; sleep 0.2; done
curl -fs -o /dev/null "http://127.0.14.$N:8000/metrics" || { echo "simulator not up"; tail "$W/sim.log"; exit 1; }
for _ in $(seq 1 150); do curl -s -o /dev/null http://127.0.14.200:15140/observe/health/live && break; sleep 0.2; done

echo "router up, no snapshot: settling 10 s, then baseline window ${WINDOW}s ..."
sleep 10
BASE=$(measure $ROUTER "$WINDOW")
echo "baseline (idle, no endpoints): ${BASE}% of one core"

taskset -c 1 "$JAVA" -jar "$ROOT/controller/target/infergate-controller-$V.jar" --manifests "$W/manifests" \
  --routers http://127.0.14.200:15140 --token-file "$W/token" --admin-port 19140 > "$W/controller.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 300); do curl -fs -o /dev/null http://127.0.14.200:15140/observe/health/ready && break; sleep 0.2; done
curl -fs -o /dev/null http://127.0.14.200:15140/observe/health/ready || { echo "router not ready"; tail "$W"/*.log; exit 1; }
echo "snapshot with $N endpoints applied; warm-up ${WARMUP}s ..."
sleep "$WARMUP"
CONNS=$(ss -Htn state established "( dport = :8000 )" | grep -cE "127\.0\.14\.[0-9]+]?:8000" || true)
threads() { # per-thread "ticks name" of the router (the name is in parentheses in .../stat)
  for t in /proc/$ROUTER/task/*; do sed -E 's/^[0-9]+ \((.*)\) [A-Za-z] (([^ ]+ ){10})([0-9]+) ([0-9]+).*/\4 \5 \1/' "$t/stat" 2>/dev/null \
    | awk -v id="${t##*/}" '{ n = $3; for (i = 4; i <= NF; i++) n = n " " $i; print id, $1 + $2, n }'; done
}
scrapes() { # the router's count of successful scrapes (its own counter, read over HTTP)
  curl -fs http://127.0.14.200:15140/observe/metrics \
    | awk '/^infergate_router_endpoint_scrapes_total\{result="ok"/ { printf "%d", $NF; found = 1 } END { if (!found) print -1 }'
}
threads > "$W/threads0"
OK0=$(scrapes)
U0=$(awk '{print $14}' /proc/$ROUTER/stat); S0=$(awk '{print $15}' /proc/$ROUTER/stat)
SCRAPE=$(measure $ROUTER "$WINDOW")
U1=$(awk '{print $14}' /proc/$ROUTER/stat); S1=$(awk '{print $15}' /proc/$ROUTER/stat)
OK1=$(scrapes)
threads > "$W/threads1"
echo "busiest router threads over the window (ticks of 1/$HZ s):"
awk 'NR == FNR { a[$1] = $2; next } { id = $1; d = $2 - a[id]; $1 = ""; $2 = ""; if (d > 0) printf "%6d %s\n", d, $0 }' \
  "$W/threads0" "$W/threads1" | sort -rn | head -6
SIMCPU=$(measure $SIM 5)
echo "scraping $N endpoints every 50 ms: ${SCRAPE}% of one core (user $((U1 - U0)), system $((S1 - S0)) ticks of 1/$HZ s; connections to the pods: $CONNS)"
# The rate actually achieved, from the router's own counter: the cost per scrape must not look
# small because fewer scrapes happened than the interval promises.
awk -v s="$SCRAPE" -v b="$BASE" -v n="$N" -v ok="$((OK1 - OK0))" -v w="$WINDOW" 'BEGIN {
  rate = ok / w
  printf "scrapes that succeeded in the window: %d = %.0f/s (100 endpoints every 50 ms promise %d/s)\n", ok, rate, n * 20
  printf "scrape cost = %.2f%% of one core (%.1f µs of CPU per scrape at %.0f scrapes/s)\n", s - b, (s - b) * 10000 / rate, rate }'
echo "(simulator serving the scrapes: ${SIMCPU}% of one core)"
