#!/usr/bin/env bash
# TLS termination: Infergate's HTTPS listener against nginx terminating TLS with the same
# certificate (EC P-256, made here with openssl) and the same TLS 1.3 cipher suite, both proxying
# the same simulator over cleartext HTTP/1.1, same run, interleaved rounds (wrk, HTTP/1.1):
#   keep-alive   CONNS connections, many requests each (req/s, p50, p99)
#   new-conn     NEWCONN connections, one request each (Connection: close): handshakes per second
#   latency      1 keep-alive connection (p50, p99): the time TLS and the proxy add, with the
#                simulator reached directly (cleartext) as the zero
# Pins both proxies to core 0 and load + upstream + controller to core 1. Loopback only; fixed
# ports 8443 (router), 8444 (nginx), 8000 (simulator), 15000, 19090: run it under
#   flock /tmp/infergate-ports.lock bench/tls.sh
# Installs wrk and nginx-light with apt when they are missing (as root). Bounded:
# ROUNDS x 3 modes x 2 targets x DURATION seconds plus warm-up (WARMUP seconds, then 48 s of
# every mode on the router).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-10} CONNS=${CONNS:-64} NEWCONN=${NEWCONN:-16}
. "$ROOT/.mvn/find-jdk.sh"
JAVA="$JAVA_HOME/bin/java"
V=0.1.0-SNAPSHOT
missing=()
for t in wrk nginx; do command -v $t >/dev/null || missing+=("$t"); done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "bench: needs ${missing[*]} (apt-get install wrk nginx-light)"; exit 2; }
  pk=(); for t in "${missing[@]}"; do [ "$t" = nginx ] && pk+=(nginx-light) || pk+=("$t"); done
  echo "bench: installing ${pk[*]} with apt"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pk[@]}" >/dev/null
fi
for t in wrk nginx openssl taskset curl; do command -v $t >/dev/null || { echo "bench: needs $t"; exit 2; }; done
for m in simulator controller router; do [ -f "$ROOT/$m/target/infergate-$m-$V.jar" ] || { echo "bench: build first: ./mvnw -DskipTests package"; exit 2; }; done

W=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill $p 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"' EXIT
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$W/token"

# One certificate for both: EC P-256, SAN localhost and 127.0.0.1 (wrk sends the URL's host as SNI).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$W/tls.key" -out "$W/tls.crt" 2>/dev/null

mkdir "$W/manifests"
cp "$ROOT"/docs/examples/walkthrough/{01-gatewayclass,03-inferencepool,04-httproute}.yaml "$W/manifests/"
{
  cat <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: inference-gateway, namespace: default}
spec:
  gatewayClassName: kthena-router
  listeners:
  - name: https
    port: 8443
    protocol: HTTPS
    tls:
      mode: Terminate
      certificateRefs: [{kind: Secret, name: bench-tls}]
---
apiVersion: v1
kind: Secret
metadata: {name: bench-tls, namespace: default}
type: kubernetes.io/tls
stringData:
  tls.crt: |
YAML
  sed 's/^/    /' "$W/tls.crt"
  echo "  tls.key: |"
  sed 's/^/    /' "$W/tls.key"
} > "$W/manifests/02-gateway.yaml"
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
taskset -c 1 "$JAVA" -jar "$ROOT/controller/target/infergate-controller-$V.jar" --manifests "$W/manifests" \
  --routers http://127.0.0.1:15000 --token-file "$W/token" --admin-port 19090 > "$W/controller.log" 2>&1 & PIDS+=($!)

for _ in $(seq 1 300); do curl -fs -o /dev/null --cacert "$W/tls.crt" https://localhost:8443/v1/models && break; sleep 0.2; done
curl -fsS -o /dev/null --cacert "$W/tls.crt" https://localhost:8443/v1/models || { echo "router not serving HTTPS"; tail "$W"/*.log; exit 1; }

# The suite and group the router's JDK picks for an OpenSSL client (wrk's library): nginx gets the same.
HS=$(openssl s_client -connect 127.0.0.1:8443 -servername localhost -brief </dev/null 2>&1 || true)
SUITE=$(awk -F': *' '/Ciphersuite/ {print $2}' <<<"$HS")
GROUP=$(awk -F': *' '/(Negotiated TLS1.3 group|Server Temp Key)/ {print $2; exit}' <<<"$HS")
[ -n "$SUITE" ] || { echo "bench: no TLS 1.3 suite from the router: $HS"; exit 1; }
echo "router negotiates: $SUITE, key exchange: ${GROUP:-?}"

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
    listen 127.0.0.1:8444 ssl;
    ssl_certificate $W/tls.crt;
    ssl_certificate_key $W/tls.key;
    ssl_protocols TLSv1.3;
    ssl_conf_command Ciphersuites $SUITE;
    ssl_session_cache off;
    ssl_session_tickets off;
    keepalive_requests 1000000;
    location / { proxy_pass http://sim; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
NGINX
taskset -c 0 nginx -c "$W/nginx.conf" -g 'daemon off;' > "$W/nginx.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 50); do curl -fs -o /dev/null --cacert "$W/tls.crt" https://localhost:8444/v1/models && break; sleep 0.2; done
NS=$(openssl s_client -connect 127.0.0.1:8444 -servername localhost -brief </dev/null 2>&1 || true)
echo "nginx negotiates: $(awk -F': *' '/Ciphersuite/ {print $2}' <<<"$NS")"

declare -A URL=([router]=https://127.0.0.1:8443 [nginx]=https://127.0.0.1:8444 [direct]=http://127.0.1.1:8000)
run() { # target mode -> prints "rps p50ms p99ms"
  local conns=$CONNS extra=()
  case $2 in
    newconn) conns=$NEWCONN; extra=(-H "Connection: close") ;;
    latency) conns=1 ;;
  esac
  local out; out=$(taskset -c 1 wrk -t1 -c"$conns" -d"${DURATION}s" --latency "${extra[@]}" -s "$ROOT/bench/post.lua" "${URL[$1]}/v1/completions")
  if grep -q "Non-2xx" <<<"$out"; then echo "bench: $1 $2 had non-2xx answers:" >&2; echo "$out" >&2; exit 1; fi
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "$rps $p50 $p99"
}
# wrk prints latencies with units (us, ms, s): to milliseconds
ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.3f\n", v}'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm-up (JIT) ..."
WARMUP=${WARMUP:-40}
DURATION=$WARMUP run router keepalive >/dev/null
# Then every mode twice, as the rounds interleave them: a mode the JIT has not seen yet takes
# branches the compiled code never took, which deoptimises it, and the first keep-alive round
# after the first new-connection run measured a router still recompiling (rounds rose 14.6k,
# 18.9k, 21.9k req/s with a 60 s keep-alive-only warm-up, 2026-12-05).
for _ in 1 2; do
  for mode in newconn latency keepalive; do DURATION=8 run router $mode >/dev/null; done
done
DURATION=5 run nginx keepalive >/dev/null
declare -A RPS P50 P99
for r in $(seq 1 "$ROUNDS"); do
  for mode in keepalive newconn latency; do
    for t in router nginx; do
      res=$(run $t $mode); read -r rps p50 p99 <<<"$res"
      RPS[$t.$mode]+="$rps "; P50[$t.$mode]+="$(ms <<<"$p50") "; P99[$t.$mode]+="$(ms <<<"$p99") "
      echo "round $r $mode $t: req/s p50 p99 = $res"
    done
  done
  res=$(run direct latency); read -r rps p50 p99 <<<"$res"
  P50[direct.latency]+="$(ms <<<"$p50") "; P99[direct.latency]+="$(ms <<<"$p99") "
  echo "round $r latency direct (cleartext, no proxy): req/s p50 p99 = $res"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians of $ROUNDS rounds (req/s; latency ms):"
for mode in keepalive newconn latency; do
  ro=$(median <<<"${RPS[router.$mode]}"); n=$(median <<<"${RPS[nginx.$mode]}")
  awk -v m=$mode -v r="$ro" -v n="$n" -v rp="$(median <<<"${P50[router.$mode]}")" -v np="$(median <<<"${P50[nginx.$mode]}")" \
      -v r9="$(median <<<"${P99[router.$mode]}")" -v n9="$(median <<<"${P99[nginx.$mode]}")" \
    'BEGIN { printf "%-9s router %8.0f req/s (p50 %.2f, p99 %.2f)  nginx %8.0f req/s (p50 %.2f, p99 %.2f)  ratio router/nginx %.2f\n", m, r, rp, r9, n, np, n9, r/n }'
done
d50=$(median <<<"${P50[direct.latency]}"); d99=$(median <<<"${P99[direct.latency]}")
awk -v d="$d50" -v d9="$d99" -v r="$(median <<<"${P50[router.latency]}")" -v n="$(median <<<"${P50[nginx.latency]}")" \
    -v r9="$(median <<<"${P99[router.latency]}")" -v n9="$(median <<<"${P99[nginx.latency]}")" \
  'BEGIN { printf "added latency over the direct cleartext call, 1 connection: router p50 +%.3f ms (p99 +%.3f)  nginx p50 +%.3f ms (p99 +%.3f)\n", r-d, r9-d9, n-d, n9-d9 }'
