#!/usr/bin/env bash
# Proxy overhead: a small non-streaming completion direct to the simulator, through the router, and
# through nginx (baseline), same run, interleaved rounds, 64 connections (wrk); then the added time
# to the first SSE chunk. Pins the proxy under test to core 0 and load + upstream to core 1.
# Bounded: ROUNDS x 3 targets x DURATION seconds plus warm-up. Loopback only.
# WATCH_OFF=1 adds a fourth target: a second router (127.0.0.2, also on core 0) with
# upstream.watch-clients: false, to measure what watching client connections costs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-10} CONNS=${CONNS:-64}
. "$ROOT/.mvn/find-jdk.sh"
JAVA="$JAVA_HOME/bin/java"
V=0.1.0-SNAPSHOT
for t in wrk nginx taskset curl python3; do command -v $t >/dev/null || { echo "bench: needs $t (apt-get install wrk nginx-light util-linux curl python3)"; exit 2; }; done
for m in simulator controller router; do [ -f "$ROOT/$m/target/infergate-$m-$V.jar" ] || { echo "bench: build first: ./mvnw -DskipTests package"; exit 2; }; done

W=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill $p 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$W/token"
mkdir "$W/manifests"
cp "$ROOT"/docs/examples/walkthrough/*.yaml "$W/manifests/"
cat > "$W/manifests/05-pods.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: demo-backend1-0, namespace: default, labels: {workload.serving.volcano.sh/model-name: demo}}
status: {podIP: 127.0.1.1, conditions: [{type: Ready, status: "True"}]}
YAML

taskset -c 1 "$JAVA" -jar "$ROOT/simulator/target/infergate-simulator-$V.jar" --hosts 127.0.1.1 --port 8000 \
  --ttft-ms 0 --itl-ms 0 --max-running 4096 --max-waiting 4096 > "$W/sim.log" 2>&1 & PIDS+=($!)
taskset -c 0 "$JAVA" -jar "$ROOT/router/target/infergate-router-$V.jar" --bind 127.0.0.1 --internal-port 15000 \
  --token-file "$W/token" > "$W/router.log" 2>&1 & PIDS+=($!)
ROUTER_URLS=http://127.0.0.1:15000
TARGETS="direct router nginx"
if [ "${WATCH_OFF:-0}" = 1 ]; then
  printf 'router:\n  upstream:\n    watch-clients: false\n' > "$W/nowatch.yaml"
  taskset -c 0 "$JAVA" -jar "$ROOT/router/target/infergate-router-$V.jar" --bind 127.0.0.2 --internal-bind 127.0.0.2 \
    --internal-port 15000 --token-file "$W/token" --config "$W/nowatch.yaml" > "$W/router-nowatch.log" 2>&1 & PIDS+=($!)
  ROUTER_URLS=$ROUTER_URLS,http://127.0.0.2:15000
  TARGETS="direct router router-nowatch nginx"
fi
taskset -c 1 "$JAVA" -jar "$ROOT/controller/target/infergate-controller-$V.jar" --manifests "$W/manifests" \
  --routers "$ROUTER_URLS" --token-file "$W/token" --admin-port 19090 > "$W/controller.log" 2>&1 & PIDS+=($!)
cat > "$W/nginx.conf" <<NGINX
worker_processes 1;
pid $W/nginx.pid;
error_log $W/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $W; proxy_temp_path $W; fastcgi_temp_path $W; uwsgi_temp_path $W; scgi_temp_path $W;
  upstream sim { server 127.0.1.1:8000; keepalive 128; }
  server {
    listen 127.0.0.1:8090;
    location / { proxy_pass http://sim; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
NGINX
taskset -c 0 nginx -c "$W/nginx.conf" -g 'daemon off;' > "$W/nginx.log" 2>&1 & PIDS+=($!)

for _ in $(seq 1 300); do curl -fs -o /dev/null http://127.0.0.1:15000/observe/health/ready && break; sleep 0.2; done
curl -fs -o /dev/null http://127.0.0.1:15000/observe/health/ready || { echo "router not ready"; tail "$W"/*.log; exit 1; }
if [ "${WATCH_OFF:-0}" = 1 ]; then
  for _ in $(seq 1 300); do curl -fs -o /dev/null http://127.0.0.2:15000/observe/health/ready && break; sleep 0.2; done
fi

declare -A URL=([direct]=http://127.0.1.1:8000 [router]=http://127.0.0.1:8080 [router-nowatch]=http://127.0.0.2:8080
               [nginx]=http://127.0.0.1:8090)
run() { # target -> prints "rps p50ms p99ms"
  local out; out=$(taskset -c 1 wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$ROOT/bench/post.lua" "${URL[$1]}/v1/completions")
  if grep -q "Non-2xx" <<<"$out"; then echo "bench: $1 had non-2xx answers:" >&2; echo "$out" >&2; exit 1; fi
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "$rps $p50 $p99"
}
# Warm-up: the JVMs' JIT compilers share the one core they are pinned to, and the router reaches
# steady state only after ~30 s of load; nginx needs none. Measured rounds come after.
echo "warm-up (JIT) ..."
WARMUP=${WARMUP:-40}
DURATION=$WARMUP run router >/dev/null
if [ "${WATCH_OFF:-0}" = 1 ]; then DURATION=$WARMUP run router-nowatch >/dev/null; fi
for t in nginx direct; do DURATION=5 run $t >/dev/null; done
declare -A RPS
for r in $(seq 1 "$ROUNDS"); do
  for t in $TARGETS; do
    res=$(run $t); RPS[$t]+="${res%% *} "
    echo "round $r $t: req/s p50 p99 = $res"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
d=$(median <<<"${RPS[direct]}"); ro=$(median <<<"${RPS[router]}"); n=$(median <<<"${RPS[nginx]}")
echo "median req/s: direct $d  router $ro  nginx $n"
awk -v r="$ro" -v n="$n" -v d="$d" 'BEGIN { printf "ratio router/nginx %.2f  router/direct %.2f  nginx/direct %.2f\n", r/n, r/d, n/d }'
if [ "${WATCH_OFF:-0}" = 1 ]; then
  nw=$(median <<<"${RPS[router-nowatch]}")
  awk -v r="$ro" -v nw="$nw" 'BEGIN { printf "router (client watch on) / router-nowatch: %.3f (median req/s %s vs %s)\n", r/nw, r, nw }'
fi
python3 "$ROOT/bench/first_chunk.py" --direct 127.0.1.1:8000 --proxy router=127.0.0.1:8080 --proxy nginx=127.0.0.1:8090 --requests 200
