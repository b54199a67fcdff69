#!/usr/bin/env bash
# RateLimitPolicy end to end in local mode with a real Redis, then the latency that authentication
# plus a global limit check adds.
#
# Usage: flock /tmp/infergate-ports.lock bench/ratelimit.sh [rounds] [seconds]   (defaults 3 and 10)
#
# 1. Starts redis-server on a free loopback port (apt-get install redis-server) and
#    `./infergate local --no-build --router-config <file naming that Redis>` (build first:
#    ./mvnw -q package -DskipTests), then drops into its manifests folder four HTTPRoutes on the
#    walkthrough's Gateway and pool that differ only by hostname: open.bench.local (no policy),
#    key.bench.local (an AuthPolicy with an API key), limit.bench.local (the same AuthPolicy and a
#    RateLimitPolicy with a Global limit far above what the run sends: every request costs one
#    Redis round trip and is never refused) and tight.bench.local (AuthPolicy and a Global limit of
#    3 requests per minute).
# 2. End-to-end checks (exit 1 on any failure): 3 requests pass on the tight route and the 4th
#    gets 429 rate_limit_exceeded with Retry-After and x-ratelimit-* headers; Redis holds the
#    tenant's count; the controller's /status shows the RateLimitPolicies Accepted.
# 3. Latency: wrk (1 thread, 4 connections, GET of the simulator's echo answer through the router)
#    against open, key and limit, interleaved, `rounds` times; prints p50/p99 per mode, the
#    medians over rounds, their ratio to the open route, and the load average.
# Always stops what it started.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ROUNDS=${1:-3}
SECS=${2:-10}
command -v wrk >/dev/null || { echo "ratelimit.sh: needs wrk (apt-get install wrk)"; exit 2; }
command -v redis-server >/dev/null || { echo "ratelimit.sh: needs redis-server (apt-get install redis-server)"; exit 2; }
WORK=$(mktemp -d)
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$WORK" > "$WORK/redis.log" 2>&1 &
redis_pid=$!
printf 'router:\n  rate-limits:\n    redis-address: 127.0.0.1:%s\n' "$redis_port" > "$WORK/router.yaml"
log="$WORK/launcher.log"
./infergate local --no-build --router-config "$WORK/router.yaml" > "$log" 2>&1 &
pid=$!
stop() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  kill "$redis_pid" 2>/dev/null || true
  wait "$redis_pid" 2>/dev/null || true
}
trap 'stop; rm -rf "$WORK"' EXIT
for _ in $(seq 1 600); do
  grep -q "Infergate is running" "$log" && break
  kill -0 "$pid" 2>/dev/null || { echo "launcher exited early"; cat "$log"; exit 1; }
  sleep 0.2
done
grep -q "Infergate is running" "$log" || { echo "launcher not ready in 120 s"; cat "$log"; exit 1; }
manifests=$(sed -n 's/^  manifests: *\([^ ]*\).*/\1/p' "$log")
KEY=sk-bench-7f30a2c9d41e

route() { # name, hostname
  cat <<YAML
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: $1, namespace: default}
spec:
  parentRefs: [{name: inference-gateway}]
  hostnames: [$2]
  rules:
  - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: kthena-demo}]
YAML
}
{
  route bench-open open.bench.local
  route bench-key key.bench.local
  route bench-limit limit.bench.local
  route bench-tight tight.bench.local
  cat <<YAML
---
apiVersion: v1
kind: Secret
metadata: {name: bench-keys, namespace: default}
type: infergate.io/api-keys
stringData: {team-bench: $KEY}
---
apiVersion: infergate.io/v1alpha1
kind: AuthPolicy
metadata: {name: bench-key, namespace: default}
spec:
  targetRefs:
  - {group: gateway.networking.k8s.io, kind: HTTPRoute, name: bench-key}
  - {group: gateway.networking.k8s.io, kind: HTTPRoute, name: bench-limit}
  - {group: gateway.networking.k8s.io, kind: HTTPRoute, name: bench-tight}
  apiKeys: {secretRefs: [{name: bench-keys}]}
---
apiVersion: infergate.io/v1alpha1
kind: RateLimitPolicy
metadata: {name: bench-limit, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: bench-limit}]
  limits:
  - {unit: Minute, tokens: 1000000000, requests: 1000000000}
---
apiVersion: infergate.io/v1alpha1
kind: RateLimitPolicy
metadata: {name: bench-tight, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: bench-tight}]
  limits:
  - {unit: Minute, requests: 3}
YAML
} > "$manifests/90-bench-ratelimit.yaml"

# --- end-to-end checks ---------------------------------------------------------------------------
out="$WORK/out"
fail=0 pass=0
code() { curl -s -o "$out" -D "$WORK/headers" -w '%{http_code}' --max-time 10 "$@" || true; }
for _ in $(seq 1 100); do # the policies are served within seconds of the file appearing
  [ "$(code -H 'Host: limit.bench.local' -H "Authorization: Bearer $KEY" http://127.0.0.1:8080/bench)" = 200 ] \
    && grep -qi '^x-ratelimit-limit-requests' "$WORK/headers" && break
  sleep 0.1
done
check() { # name, condition (shell)
  if eval "$2"; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; cat "$WORK/headers" "$out"; echo; fi
}
# wait for the start of a minute window with room for the 4 requests (a window could end between them)
while [ $(( $(date +%s) % 60 )) -gt 50 ]; do sleep 1; done
codes=""
for _ in 1 2 3 4; do codes+="$(code -H 'Host: tight.bench.local' -H "Authorization: Bearer $KEY" http://127.0.0.1:8080/bench) "; done
check "3 requests per minute: 200 200 200 429" '[ "$codes" = "200 200 200 429 " ]'
check "the 429 is rate_limit_exceeded with Retry-After and x-ratelimit headers" \
  'grep -q "\"rate_limit_exceeded\"" "$out" && grep -qi "^retry-after: [0-9]" "$WORK/headers" && grep -qi "^x-ratelimit-remaining-requests: 0" "$WORK/headers"'
window=$(( $(date +%s) / 60 ))
check "Redis holds the tenant's count" \
  '[ "$(redis-cli -p "$redis_port" GET "infergate:rl:ratelimitpolicy/default/bench-tight/limit/0|team-bench|r:$window")" = 3 ]'
curl -s --max-time 10 http://127.0.0.1:9090/status > "$out"
check "controller status: both RateLimitPolicies Accepted" 'python3 - "$out" <<PY
import json, sys
objs = {(o["kind"], o["metadata"]["name"]): o["status"] for o in json.load(open(sys.argv[1]))["objects"]}
for name in ("bench-limit", "bench-tight"):
    conds = {c["type"]: c["status"] for c in objs[("RateLimitPolicy", name)]["ancestors"][0]["conditions"]}
    assert conds == {"Accepted": "True"}, (name, conds)
PY'
echo "rate limit e2e: $pass passed, $fail failed"
[ "$fail" = 0 ] || exit 1

# --- latency ---------------------------------------------------------------------------------------
ms() { # wrk value like 812.00us, 1.23ms, 1.01s -> milliseconds
  python3 -c 'import sys,re; v,u=re.match(r"([0-9.]+)(us|ms|s)",sys.argv[1]).groups(); print(float(v)*{"us":0.001,"ms":1,"s":1000}[u])' "$1"
}
run() { # mode -> "p50 p99 rps"
  local args=(-t1 -c4 -d"${SECS}s" --latency)
  case $1 in
    open) args+=(-H 'Host: open.bench.local') ;;
    key) args+=(-H 'Host: key.bench.local' -H "Authorization: Bearer $KEY") ;;
    limit) args+=(-H 'Host: limit.bench.local' -H "Authorization: Bearer $KEY") ;;
  esac
  wrk "${args[@]}" http://127.0.0.1:8080/bench > "$WORK/wrk.txt"
  grep -q "Non-2xx" "$WORK/wrk.txt" && { echo "wrk saw non-2xx answers for $1"; cat "$WORK/wrk.txt"; exit 1; }
  local p50 p99 rps
  p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
  rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  echo "$(ms "$p50") $(ms "$p99") $rps"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in open key limit; do run "$mode" > /dev/null; done # warm-up: JIT, connections, Redis pool and script
declare -A P50 P99 RPS
for r in $(seq 1 "$ROUNDS"); do
  for mode in open key limit; do
    read -r a b c < <(run "$mode")
    P50[$mode]+="$a " P99[$mode]+="$b " RPS[$mode]+="$c "
    echo "round $r $mode: p50 ${a} ms, p99 ${b} ms, ${c} req/s"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo
echo "| mode | p50 ms (median of $ROUNDS) | p99 ms | req/s | p50 vs open | p99 vs open | p50 added | p99 added |"
echo "|---|---|---|---|---|---|---|---|"
o50=$(echo "${P50[open]}" | median) o99=$(echo "${P99[open]}" | median)
for mode in open key limit; do
  m50=$(echo "${P50[$mode]}" | median) m99=$(echo "${P99[$mode]}" | median) mr=$(echo "${RPS[$mode]}" | median)
  printf '| %s | %.3f | %.3f | %s | %.2fx | %.2fx | %+.3f ms | %+.3f ms |\n' "$mode" "$m50" "$m99" "$mr" \
    "$(python3 -c "print($m50/$o50)")" "$(python3 -c "print($m99/$o99)")" \
    "$(python3 -c "print($m50-$o50)")" "$(python3 -c "print($m99-$o99)")"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
