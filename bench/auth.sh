#!/usr/bin/env bash
# AuthPolicy end to end in local mode, then the latency authentication adds.
#
# Usage: flock /tmp/infergate-ports.lock bench/auth.sh [rounds] [seconds]   (defaults 3 and 10)
#
# 1. Starts `./infergate local --no-build` (build first: ./mvnw -q package -DskipTests), then
#    drops into its manifests folder three HTTPRoutes on the walkthrough's Gateway and pool that
#    differ only by hostname (open.bench.local, no policy; key.bench.local, an AuthPolicy with API
#    keys from an infergate.io/api-keys Secret; jwt.bench.local, an AuthPolicy with a JWT
#    provider), and serves a JWKS on loopback (python3 http.server) for an RS256 key made here
#    with openssl.
# 2. End-to-end checks (exit 1 on any failure): 401 with WWW-Authenticate and an OpenAI-style
#    error without a credential and with a wrong one; 200 with the API key and with the token; the
#    tenant reaches the model server and the credential does not (the simulator echoes the headers
#    it got); the controller's /status shows both policies Accepted and ResolvedRefs.
# 3. Latency: wrk (1 thread, 4 connections, GET of the simulator's echo answer through the
#    router) against the three hosts, interleaved, `rounds` times; prints p50/p99 per mode, the
#    medians over rounds and their ratio to the open route, and the load average.
# Always stops what it started.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ROUNDS=${1:-3}
SECS=${2:-10}
command -v wrk >/dev/null || { echo "auth.sh: needs wrk (apt-get install wrk)"; exit 2; }
WORK=$(mktemp -d)
log="$WORK/launcher.log"
./infergate local --no-build > "$log" 2>&1 &
pid=$!
jwks_pid=""
stop() {
  [ -n "$jwks_pid" ] && kill "$jwks_pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -n "$jwks_pid" ] && wait "$jwks_pid" 2>/dev/null || true
}
trap 'stop; rm -rf "$WORK"' EXIT
for _ in $(seq 1 600); do
  grep -q "Infergate is running" "$log" && break
  kill -0 "$pid" 2>/dev/null || { echo "launcher exited early"; cat "$log"; exit 1; }
  sleep 0.2
done
grep -q "Infergate is running" "$log" || { echo "launcher not ready in 120 s"; cat "$log"; exit 1; }
manifests=$(sed -n 's/^  manifests: *\([^ ]*\).*/\1/p' "$log")

# --- a JWT issuer on loopback: RSA key, JWKS document, one token ----------------------------------
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/key.pem" 2>/dev/null
n=$(openssl rsa -in "$WORK/key.pem" -noout -modulus | cut -d= -f2 | python3 -c \
  'import sys,base64; print(base64.urlsafe_b64encode(bytes.fromhex(sys.stdin.read().strip())).decode().rstrip("="))')
mkdir -p "$WORK/www"
printf '{"keys":[{"kty":"RSA","kid":"bench-1","use":"sig","alg":"RS256","n":"%s","e":"AQAB"}]}' "$n" \
  > "$WORK/www/jwks.json"
jwks_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$jwks_port" --bind 127.0.0.1 --directory "$WORK/www" > "$WORK/jwks.log" 2>&1 &
jwks_pid=$!
header=$(printf '{"alg":"RS256","kid":"bench-1","typ":"JWT"}' | b64url)
payload=$(printf '{"iss":"https://issuer.bench","aud":"llm","sub":"team-jwt","email":"jwt@bench.local","exp":%d}' \
  $(( $(date +%s) + 3600 )) | b64url)
token="$header.$payload.$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$WORK/key.pem" | b64url)"
KEY=sk-bench-0c2d7f51a9e4

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
  route bench-jwt jwt.bench.local
  cat <<YAML
---
apiVersion: v1
kind: Secret
metadata: {name: bench-keys, namespace: default}
type: infergate.io/api-keys
stringData: {team-key: $KEY}
---
apiVersion: infergate.io/v1alpha1
kind: AuthPolicy
metadata: {name: bench-key, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: bench-key}]
  apiKeys: {secretRefs: [{name: bench-keys}]}
---
apiVersion: infergate.io/v1alpha1
kind: AuthPolicy
metadata: {name: bench-jwt, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: bench-jwt}]
  jwt:
    issuer: https://issuer.bench
    audiences: [llm]
    jwksUri: http://127.0.0.1:$jwks_port/jwks.json
    claimToHeaders: [{claim: email, header: x-user-email}]
YAML
} > "$manifests/90-bench-auth.yaml"

# --- end-to-end checks ---------------------------------------------------------------------------
out="$WORK/out"
fail=0 pass=0
code() { curl -s -o "$out" -D "$WORK/headers" -w '%{http_code}' --max-time 10 "$@" || true; }
for _ in $(seq 1 100); do # the policy is served within seconds of the file appearing
  [ "$(code -H 'Host: key.bench.local' http://127.0.0.1:8080/bench)" = 401 ] && break
  sleep 0.1
done
check() { # name, condition (shell), detail
  if eval "$2"; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; cat "$out"; echo; fi
}
got=$(code -H 'Host: key.bench.local' http://127.0.0.1:8080/bench)
check "no credential -> 401 invalid_api_key with a Bearer challenge" \
  '[ "$got" = 401 ] && grep -q "\"invalid_api_key\"" "$out" && grep -qi "^www-authenticate: Bearer realm=\"infergate\"" "$WORK/headers"'
got=$(code -H 'Host: key.bench.local' -H 'Authorization: Bearer sk-wrong' http://127.0.0.1:8080/bench)
check "wrong key -> 401 invalid_token" '[ "$got" = 401 ] && grep -qi "error=\"invalid_token\"" "$WORK/headers"'
got=$(code -H 'Host: key.bench.local' -H "Authorization: Bearer $KEY" http://127.0.0.1:8080/bench)
check "API key -> 200, tenant upstream, no credential upstream" \
  '[ "$got" = 200 ] && grep -q "\"X-Infergate-Tenant\":\[\"team-key\"\]" "$out" && ! grep -qi "authorization" "$out"'
got=$(code -H 'Host: jwt.bench.local' -H "Authorization: Bearer $token" http://127.0.0.1:8080/bench)
check "JWT -> 200, tenant and claim header upstream, no credential upstream" \
  '[ "$got" = 200 ] && grep -q "\"X-Infergate-Tenant\":\[\"team-jwt\"\]" "$out" && grep -q "\"X-User-Email\":\[\"jwt@bench.local\"\]" "$out" && ! grep -qi "authorization" "$out"'
got=$(code -H 'Host: jwt.bench.local' -H "Authorization: Bearer ${token%?}x" http://127.0.0.1:8080/bench)
check "tampered JWT -> 401" '[ "$got" = 401 ]'
got=$(code -H 'Host: open.bench.local' http://127.0.0.1:8080/bench)
check "route without a policy -> 200" '[ "$got" = 200 ]'
curl -s --max-time 10 http://127.0.0.1:9090/status > "$out"
check "controller status: both AuthPolicies Accepted and ResolvedRefs" 'python3 - "$out" <<PY
import json, sys
objs = {(o["kind"], o["metadata"]["name"]): o["status"] for o in json.load(open(sys.argv[1]))["objects"]}
for name in ("bench-key", "bench-jwt"):
    conds = {c["type"]: c["status"] for c in objs[("AuthPolicy", name)]["ancestors"][0]["conditions"]}
    assert conds == {"Accepted": "True", "ResolvedRefs": "True"}, (name, conds)
PY'
check "no plaintext key in the controller's snapshot view" \
  '! curl -s --max-time 10 http://127.0.0.1:9090/snapshot | grep -q "$KEY"'
echo "auth e2e: $pass passed, $fail failed"
[ "$fail" = 0 ] || exit 1

# --- latency ---------------------------------------------------------------------------------------
ms() { # wrk value like 812.00us, 1.23ms, 1.01s -> milliseconds
  python3 -c 'import sys,re; v,u=re.match(r"([0-9.]+)(us|ms|s)",sys.argv[1]).groups(); print(float(v)*{"us":0.001,"ms":1,"s":1000}[u])' "$1"
}
run() { # mode -> "p50 p99" in ms
  local args=(-t1 -c4 -d"${SECS}s" --latency)
  case $1 in
    open) args+=(-H 'Host: open.bench.local') ;;
    key) args+=(-H 'Host: key.bench.local' -H "Authorization: Bearer $KEY") ;;
    jwt) args+=(-H 'Host: jwt.bench.local' -H "Authorization: Bearer $token") ;;
  esac
  wrk "${args[@]}" http://127.0.0.1:8080/bench > "$WORK/wrk.txt"
  grep -q "Non-2xx" "$WORK/wrk.txt" && { echo "wrk saw non-2xx answers for $1"; cat "$WORK/wrk.txt"; exit 1; }
  local p50 p99 rps
  p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
  rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  echo "$(ms "$p50") $(ms "$p99") $rps"
}
for mode in open key jwt; do run "$mode" > /dev/null; done # warm-up: JIT, connections, JWKS fetch
declare -A P50 P99 RPS
for r in $(seq 1 "$ROUNDS"); do
  for mode in open key jwt; do
    read -r a b c < <(run "$mode")
    P50[$mode]+="$a " P99[$mode]+="$b " RPS[$mode]+="$c "
    echo "round $r $mode: p50 ${a} ms, p99 ${b} ms, ${c} req/s"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo
echo "| mode | p50 ms (median of $ROUNDS) | p99 ms | req/s | p50 vs open | p99 vs open |"
echo "|---|---|---|---|---|---|"
o50=$(echo "${P50[open]}" | median) o99=$(echo "${P99[open]}" | median)
for mode in open key jwt; do
  m50=$(echo "${P50[$mode]}" | median) m99=$(echo "${P99[$mode]}" | median) mr=$(echo "${RPS[$mode]}" | median)
  printf '| %s | %.3f | %.3f | %s | %.2fx | %.2fx |\n' "$mode" "$m50" "$m99" "$mr" \
    "$(python3 -c "print($m50/$o50)")" "$(python3 -c "print($m99/$o99)")"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
