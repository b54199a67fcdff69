#!/usr/bin/env bash
# Starts ./infergate local as a user would and checks the walkthrough's curls. Bounded: gives up
# after 120 s; always stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
out=$(mktemp)
./infergate local --no-build > "$log" 2>&1 &
pid=$!
stop() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }  # TERM: background jobs ignore INT
trap 'stop; echo "--- launcher output"; cat "$log"' EXIT
for _ in $(seq 1 600); do
  grep -q "Infergate is running" "$log" && break
  kill -0 "$pid" 2>/dev/null || { echo "launcher exited early"; exit 1; }
  sleep 0.2
done
grep -q "Infergate is running" "$log" || { echo "launcher not ready in 120 s"; exit 1; }

fail=0 pass=0
check() { # name, expected status, curl args...
  local name=$1 want=$2; shift 2
  local got
  got=$(curl -s -o "$out" -w '%{http_code}' --max-time 20 "$@" || true)
  if [ "$got" = "$want" ]; then pass=$((pass + 1)); echo "ok   $name ($got)"; else fail=$((fail + 1)); echo "FAIL $name: got $got, want $want"; cat "$out"; echo; fi
}
J=(-H 'Content-Type: application/json')
check "completions" 200 "${J[@]}" http://127.0.0.1:8080/v1/completions \
  -d '{"model":"Qwen2.5-0.5B-Instruct","prompt":"Write as if you were a critic: San Francisco","max_tokens":100,"temperature":0}'
check "chat completions" 200 "${J[@]}" http://127.0.0.1:8080/v1/chat/completions \
  -d '{"model":"Qwen2.5-0.5B-Instruct","messages":[{"role":"user","content":"Hello"}]}'
check "streaming" 200 -N "${J[@]}" http://127.0.0.1:8080/v1/completions \
  -d '{"model":"Qwen2.5-0.5B-Instruct","prompt":"Hello","max_tokens":5,"stream":true}'
grep -q 'data: \[DONE\]' "$out" || { fail=$((fail + 1)); echo "FAIL streaming: no [DONE]"; }
check "bad JSON" 400 "${J[@]}" http://127.0.0.1:8080/v1/completions -d '{nope'
check "status" 200 http://127.0.0.1:9090/status
# The walkthrough's step 7, read from the controller's /status: what it would write to Kubernetes.
if python3 - "$out" <<'PY'
import json, sys
objs = {(o["kind"], o["metadata"]["name"]): o["status"] for o in json.load(open(sys.argv[1]))["objects"]}
def cond(conds, t):
    return next((c["status"] for c in conds if c["type"] == t), None)
gw = objs[("Gateway", "inference-gateway")]
assert cond(gw["conditions"], "Accepted") == "True" and cond(gw["conditions"], "Programmed") == "True", gw
assert gw.get("addresses"), "Gateway has no address"
route = objs[("HTTPRoute", "kthena-demo-route")]["parents"][0]["conditions"]
assert cond(route, "Accepted") == "True" and cond(route, "ResolvedRefs") == "True", route
pool = objs[("InferencePool", "kthena-demo")]["parents"]
assert pool and pool[0]["parentRef"]["name"] == "inference-gateway" and cond(pool[0]["conditions"], "Accepted") == "True", pool
PY
then pass=$((pass + 1)); echo "ok   status: Gateway Accepted+Programmed with an address, route Accepted+ResolvedRefs, pool parent Accepted"
else fail=$((fail + 1)); echo "FAIL status content"; fi
# Distinct prompts: identical ones stick to one pod on purpose (prefix-cache affinity).
pods=$(for i in $(seq 1 30); do curl -s -D - -o /dev/null "${J[@]}" http://127.0.0.1:8080/v1/completions \
  -d "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"question number $i\",\"max_tokens\":1}" | tr -d '\r' | sed -n 's/^x-inference-pod: //Ip'; done | sort -u | wc -l)
if [ "$pods" = 3 ]; then pass=$((pass + 1)); echo "ok   30 requests reached 3 pods"; else fail=$((fail + 1)); echo "FAIL 30 requests reached $pods pods"; fi

# Deleting the HTTPRoute withdraws the route within 2 s (404, OpenAI-style JSON); restoring it
# brings traffic back.
manifests=$(sed -n 's/^  manifests: *\([^ ]*\).*/\1/p' "$log")
wait_status() { # want, seconds
  local deadline=$((SECONDS + $2)) got
  while [ $SECONDS -le $deadline ]; do
    got=$(curl -s -o "$out" -w '%{http_code}' --max-time 5 "${J[@]}" http://127.0.0.1:8080/v1/completions \
      -d '{"model":"Qwen2.5-0.5B-Instruct","prompt":"hi","max_tokens":1}' || true)
    [ "$got" = "$1" ] && return 0
    sleep 0.1
  done
  return 1
}
mv "$manifests/04-httproute.yaml" "$manifests/04-httproute.yaml.off"
start=$(date +%s%N)
if wait_status 404 2 && grep -q '"route_not_found"' "$out"; then
  pass=$((pass + 1)); echo "ok   route deleted -> 404 JSON after $(( ($(date +%s%N) - start) / 1000000 )) ms"
else fail=$((fail + 1)); echo "FAIL route deleted: no 404 route_not_found within 2 s"; cat "$out"; fi
mv "$manifests/04-httproute.yaml.off" "$manifests/04-httproute.yaml"
start=$(date +%s%N)
if wait_status 200 2; then pass=$((pass + 1)); echo "ok   route restored -> 200 after $(( ($(date +%s%N) - start) / 1000000 )) ms"
else fail=$((fail + 1)); echo "FAIL route restored: no 200 within 2 s"; fi

# Stopping the controller leaves the routers serving their last snapshot.
pkill -f "infergate-controller-.*--admin-port 9090" || true
sleep 1
check "router serves with the controller stopped" 200 "${J[@]}" http://127.0.0.1:8080/v1/completions \
  -d '{"model":"Qwen2.5-0.5B-Instruct","prompt":"hi","max_tokens":1}'

echo "smoke: $pass passed, $fail failed"
[ "$fail" = 0 ]
