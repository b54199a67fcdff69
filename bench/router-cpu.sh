#!/usr/bin/env bash
# Router CPU per request: CPU-seconds the router process spends per 10,000 proxied requests (a small
# non-streaming completion, 64 keep-alive connections, wrk), and nginx proxying the same simulator
# in the same run as the baseline. CPU time comes from /proc/<pid>/stat (utime + stime) before and
# after each wrk run, divided by the requests wrk completed: unlike req/s it hardly depends on what
# else the machine runs, so it measures the router's per-request path on a loaded machine too.
# Pins the router and nginx to core 0, load + upstream + controller to core 1. Loopback only, own
# addresses 127.0.35.1-3 (router, simulator, nginx) with fixed ports: run it under
#   flock /tmp/infergate-ports.lock bench/router-cpu.sh
# PROFILE=1 records a JFR CPU profile of the router (measured rounds only) and prints the hottest
# frames. Each round also prints the kernel's share of that CPU (stime: socket calls, scheduling),
# which a JFR profile does not see. ROUTER_JAR=path measures another router build (its libs/ must
# sit next to it, as in router/target). Bounded: warm-up + ROUNDS x 2 x DURATION seconds.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-10} CONNS=${CONNS:-64} WARMUP=${WARMUP:-30}
. "$ROOT/.mvn/find-jdk.sh"
JAVA="$JAVA_HOME/bin/java"
V=0.1.0-SNAPSHOT
for t in wrk nginx taskset curl; do command -v $t >/dev/null || { echo "bench: needs $t (apt-get install wrk nginx-light util-linux curl)"; exit 2; }; done
ROUTER_JAR=${ROUTER_JAR:-$ROOT/router/target/infergate-router-$V.jar}
for m in simulator controller router; do [ -f "$ROOT/$m/target/infergate-$m-$V.jar" ] || { echo "bench: build first: ./mvnw -DskipTests package"; exit 2; }; done
R=127.0.35.1 S=127.0.35.2 N=127.0.35.3
W=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill $p 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"' EXIT
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$W/token"
mkdir "$W/manifests"
cp "$ROOT"/docs/examples/walkthrough/*.yaml "$W/manifests/"
cat > "$W/manifests/05-pods.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: demo-backend1-0, namespace: default, labels: {workload.serving.volcano.sh/model-name: demo}}
status: {podIP: $S, conditions: [{type: Ready, status: "True"}]}
YAML
JFR=()
if [ "${PROFILE:-0}" = 1 ]; then JFR=(-XX:StartFlightRecording=filename="$W/router.jfr",settings=profile,delay=${WARMUP}s); fi
taskset -c 1 "$JAVA" -jar "$ROOT/simulator/target/infergate-simulator-$V.jar" --hosts $S --port 8000 \
  --ttft-ms 0 --itl-ms 0 --max-running 4096 --max-waiting 4096 > "$W/sim.log" 2>&1 & PIDS+=($!)
taskset -c 0 "$JAVA" "${JFR[@]}" -jar "$ROUTER_JAR" --bind $R --internal-port 15000 \
  --token-file "$W/token" > "$W/router.log" 2>&1 & ROUTER=$!; PIDS+=($ROUTER)
taskset -c 1 "$JAVA" -jar "$ROOT/controller/target/infergate-controller-$V.jar" --manifests "$W/manifests" \
  --routers http://$R:15000 --token-file "$W/token" --admin-bind $R --admin-port 19090 > "$W/controller.log" 2>&1 & PIDS+=($!)
cat > "$W/nginx.conf" <<NGINX
worker_processes 1;
pid $W/nginx.pid;
error_log $W/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $W; proxy_temp_path $W; fastcgi_temp_path $W; uwsgi_temp_path $W; scgi_temp_path $W;
  upstream sim { server $S:8000; keepalive 128; }
  server {
    listen $N:8080;
    location / { proxy_pass http://sim; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
NGINX
taskset -c 0 nginx -c "$W/nginx.conf" -g 'daemon off;' > "$W/nginx.log" 2>&1 & NGINX=$!; PIDS+=($NGINX)
for _ in $(seq 1 300); do curl -fs -o /dev/null http://$R:15000/observe/health/ready && break; sleep 0.2; done
curl -fs -o /dev/null http://$R:15000/observe/health/ready || { echo "router not ready"; tail "$W"/*.log; exit 1; }
NGINX_WORKER=$(pgrep -P $NGINX | head -1)
TCK=$(getconf CLK_TCK)
declare -A URL=([router]=http://$R:8080 [nginx]=http://$N:8080)
declare -A PID=([router]=$ROUTER [nginx]=$NGINX_WORKER)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sticks() { awk '{print $15}' "/proc/$1/stat"; }
run() { # target -> prints "cpu-s-per-10k requests req/s kernel-share"
  local before after sbefore safter out n rps
  before=$(ticks "${PID[$1]}"); sbefore=$(sticks "${PID[$1]}")
  out=$(taskset -c 1 wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$ROOT/bench/post.lua" "${URL[$1]}/v1/completions")
  after=$(ticks "${PID[$1]}"); safter=$(sticks "${PID[$1]}")
  if grep -q "Non-2xx" <<<"$out"; then echo "bench: $1 had non-2xx answers:" >&2; echo "$out" >&2; exit 1; fi
  n=$(awk '/requests in/ {print $1}' <<<"$out"); rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  awk -v d=$((after - before)) -v s=$((safter - sbefore)) -v t="$TCK" -v n="$n" -v r="$rps" \
    'BEGIN { printf "%.3f %d %s sys=%.0f%%\n", d / t / n * 10000, n, r, (d > 0 ? 100 * s / d : 0) }'
}
echo "warm-up (JIT) ${WARMUP}s ..."
DURATION=$WARMUP run router >/dev/null
DURATION=5 run nginx >/dev/null
declare -A CPU
for r in $(seq 1 "$ROUNDS"); do
  for t in router nginx; do
    res=$(run $t); CPU[$t]+="${res%% *} "
    echo "round $r $t: cpu-s/10k requests, requests, req/s, kernel share of the CPU = $res"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ro=$(median <<<"${CPU[router]}"); n=$(median <<<"${CPU[nginx]}")
echo "median CPU-seconds per 10,000 requests: router $ro  nginx $n"
awk -v r="$ro" -v n="$n" 'BEGIN { printf "router/nginx CPU per request %.2fx (router %.0f us, nginx %.0f us per request)\n", r/n, r*100, n*100 }'
if [ "${PROFILE:-0}" = 1 ]; then
  "$JAVA_HOME/bin/jcmd" $ROUTER JFR.stop name=1 >/dev/null 2>&1 || "$JAVA_HOME/bin/jcmd" $ROUTER JFR.dump filename="$W/router.jfr" >/dev/null
  sleep 1
  "$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample "$W/router.jfr" > "$W/samples.txt"
  OUT=${PROFILE_OUT:-/tmp/router-cpu-profile}
  mkdir -p "$OUT"; cp "$W/router.jfr" "$W/samples.txt" "$OUT/"
  echo "JFR: $OUT/router.jfr; top frames (self):"
  awk '/stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); c[$0]++; n++} END {for (k in c) printf "%6.2f%% %s\n", 100*c[k]/n, k}' "$W/samples.txt" | sort -rn | head -40
fi
