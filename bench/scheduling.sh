#!/usr/bin/env bash
# The scheduling benchmark (docs/benchmarks.md, "Scheduling"): a shared-prefix streaming workload
# (bench/scheduling/workload.yaml) against simulated pods (bench/scheduling/simulator.yaml) through
# 1 and 3 routers, for each scheduler configuration in bench/scheduling/<strategy>.yaml, all in one
# run. Prints (and writes to $OUT) the results table, the ratios against random and the done-when checks.
#
# Builds nothing: run `./mvnw -DskipTests package` first (simulator, controller, router and
# bench/loadgen jars). Loopback only: routers on 127.0.15.1-3 (:8080 public, :15000 internal), pods on
# 127.0.15.11.. (:8000), the controller's admin socket on 127.0.15.100:19090 (only to render the snapshot).
#
# Each configuration gets fresh pods (empty caches) and fresh routers with its --scheduler-config and,
# when bench/scheduling/<strategy>.router.yaml exists, that file as the router's --config (otherwise the
# router defaults); the report names each strategy's router config. The snapshot is rendered by the
# controller in local mode from the walkthrough's objects plus one Pod per simulated pod, once per
# router count (it carries the count), then PUT into each router's internal API. Everything started is
# stopped with TERM on exit. Bounded: 10 configurations x (start + steps x (step-seconds + drain)).
#
# v3 (2026-11-26): baselines run without the gateway queue. random, round-robin, least-request and
# epp-default have a <strategy>.router.yaml with router.admission.queue: false, because their real
# counterparts (a Kubernetes Service, a plain load balancer, Kthena's router, the GIE EPP without
# its experimental flow control) queue nothing at the gateway: under saturation the EPP refuses only
# sheddable requests and schedules every other request at once. In v2 they got our 10 s admission
# queue, and random, round-robin and least-request shed 4-20% of the requests of the 48 and 60 req/s
# steps (503 queue_timeout) that their counterparts would have sent to a pod. ours keeps the
# router defaults (queue on). The workload (workload.yaml) and simulator figures are unchanged.
#
# Environment: STRATEGIES ("random round-robin least-request epp-default ours"), ROUTER_COUNTS ("1 3"),
# STEPS (run only the first N rate steps; for short development runs), OUT (markdown output,
# default bench/scheduling/results.md), KEEP=1 keeps the run folder.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
V=0.1.0-SNAPSHOT
DIR="$ROOT/bench/scheduling"
STRATEGIES=${STRATEGIES:-"random round-robin least-request epp-default ours"}
ROUTER_COUNTS=${ROUTER_COUNTS:-"1 3"}
OUT=${OUT:-$DIR/results.md}
. "$ROOT/.mvn/find-jdk.sh"
JAVA="$JAVA_HOME/bin/java"
command -v curl >/dev/null || { echo "bench: needs curl" >&2; exit 2; }
jar() { echo "$ROOT/$1/target/infergate-$2-$V.jar"; }
SIM_JAR=$(jar simulator simulator) CTL_JAR=$(jar controller controller) ROUTER_JAR=$(jar router router)
LOADGEN_JAR=$(jar bench/loadgen bench-loadgen)
for j in "$SIM_JAR" "$CTL_JAR" "$ROUTER_JAR" "$LOADGEN_JAR"; do
  [ -f "$j" ] || { echo "bench: missing $j; build first: ./mvnw -DskipTests package" >&2; exit 2; }
done
for s in $STRATEGIES; do [ -f "$DIR/$s.yaml" ] || { echo "bench: no scheduler config $DIR/$s.yaml" >&2; exit 2; }; done
router_config() { # strategy: the optional router --config file of that strategy, or nothing
  [ -f "$DIR/$1.router.yaml" ] && echo "$DIR/$1.router.yaml" || true
}
router_config_note() { # strategy: how its routers were configured, for the report
  local f
  f=$(router_config "$1")
  if [ -z "$f" ]; then
    echo "$1: router defaults (admission queue on)"
  elif grep -Eq '^[[:space:]]+queue:[[:space:]]*false[[:space:]]*(#.*)?$' "$f"; then
    echo "$1: bench/scheduling/$1.router.yaml (admission queue off)"
  else
    echo "$1: bench/scheduling/$1.router.yaml"
  fi
}

PODS=$(awk -F: '$1 == "pods" { gsub(/[ \t]|#.*/, "", $2); print $2 }' "$DIR/workload.yaml")
[[ "$PODS" =~ ^[1-9][0-9]?$ ]] && [ "$PODS" -le 80 ] || { echo "bench: workload.yaml: pods must be 1..80" >&2; exit 2; }

W=$(mktemp -d "${TMPDIR:-/tmp}/infergate-sched-bench.XXXXXX")
PIDS=()
stop_all() { # TERM what is still running, then wait for it
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}
cleanup() {
  trap - EXIT
  stop_all
  if [ "${KEEP:-0}" = 1 ]; then echo "bench: run folder kept: $W"; else rm -rf "$W"; fi
}
trap 'exit 130' INT
trap 'exit 143' TERM
trap cleanup EXIT

umask 077; head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$W/token"; umask 022
TOKEN=$(cat "$W/token")
SIM_HOSTS=""
for ((i = 1; i <= PODS; i++)); do SIM_HOSTS+="${SIM_HOSTS:+,}127.0.15.$((10 + i))"; done

# 1. Render the snapshots: the walkthrough's Gateway, HTTPRoute and InferencePool, one Pod per pod.
mkdir "$W/manifests"
cp "$ROOT"/docs/examples/walkthrough/*.yaml "$W/manifests/"
for ((i = 0; i < PODS; i++)); do
  cat <<YAML
---
apiVersion: v1
kind: Pod
metadata: {name: bench-$i, namespace: default, labels: {workload.serving.volcano.sh/model-name: demo}}
status: {podIP: 127.0.15.$((11 + i)), conditions: [{type: Ready, status: "True"}]}
YAML
done > "$W/manifests/05-pods.yaml"
# Rendered once per router count, with that many router URLs: the controller stamps the count into
# the snapshot ("routers"), and the prefix scorer's auto mode reads it (docs/adr/0005-prefix-affinity.md).
# The controller's pushes to the routers (not started yet) fail and are retried; it is stopped at once.
for R in $ROUTER_COUNTS; do
  CTL_ROUTERS=""
  for ((r = 1; r <= R; r++)); do CTL_ROUTERS+="${CTL_ROUTERS:+,}http://127.0.15.$r:15000"; done
  "$JAVA" -XX:+UseSerialGC -jar "$CTL_JAR" --manifests "$W/manifests" --routers "$CTL_ROUTERS" \
    --token-file "$W/token" --admin-bind 127.0.15.100 --admin-port 19090 > "$W/controller-$R.log" 2>&1 & PIDS+=($!)
  S="$W/snapshot-$R.json"
  WANT='"objectives"' # one router: the field is omitted
  [ "$R" -gt 1 ] && WANT="\"routers\": *$R\b"
  for _ in $(seq 1 300); do
    if curl -fs http://127.0.15.100:19090/snapshot -o "$S" 2>/dev/null && grep -Eq "$WANT" "$S" \
       && [ "$(grep -o '127\.0\.15\.[0-9]*' "$S" | sort -u | wc -l)" -ge "$PODS" ]; then break; fi
    sleep 0.2
  done
  grep -Eq "$WANT" "$S" 2>/dev/null && [ "$(grep -o '127\.0\.15\.[0-9]*' "$S" | sort -u | wc -l)" -ge "$PODS" ] \
    || { echo "bench: the controller rendered no snapshot with $PODS endpoints for $R routers; log:" >&2; tail -20 "$W/controller-$R.log" >&2; exit 1; }
  stop_all
done

wait_for() { # description, command...: up to 60 s
  local what=$1; shift
  for _ in $(seq 1 300); do "$@" && return 0; sleep 0.2; done
  echo "bench: $what not ready after 60 s; logs in $W" >&2; KEEP=1; exit 1
}
put_snapshot() { # router index, router count
  curl -fs -o /dev/null -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "@$W/snapshot-$2.json" "http://127.0.15.$1:15000/internal/v1/snapshot"
}
sims_up() { local h; for h in ${SIM_HOSTS//,/ }; do curl -fs -o /dev/null "http://$h:8000/health" || return 1; done; }

# 2. Every strategy with 1 and 3 routers.
RESULTS="$W/results.tsv"
START=$(date +%s)
for R in $ROUTER_COUNTS; do
  for s in $STRATEGIES; do
    echo "== $s, $R router(s) (at $(( $(date +%s) - START )) s)"
    T0=$(date +%s)
    "$JAVA" -XX:+UseSerialGC -jar "$SIM_JAR" --hosts "$SIM_HOSTS" --port 8000 --pod-name-prefix bench \
      --profile "$DIR/simulator.yaml" > "$W/sim-$s-$R.log" 2>&1 & PIDS+=($!)
    URLS=""
    ROUTER_ARGS=(--scheduler-config "$DIR/$s.yaml")
    RC=$(router_config "$s")
    if [ -n "$RC" ]; then ROUTER_ARGS+=(--config "$RC"); echo "   router config $RC"; fi
    for ((r = 1; r <= R; r++)); do
      "$JAVA" -XX:+UseSerialGC -jar "$ROUTER_JAR" --bind "127.0.15.$r" --internal-port 15000 \
        --token-file "$W/token" "${ROUTER_ARGS[@]}" > "$W/router-$s-$R-$r.log" 2>&1 & PIDS+=($!)
      URLS+="${URLS:+,}http://127.0.15.$r:8080"
    done
    wait_for "simulated pods" sims_up
    for ((r = 1; r <= R; r++)); do
      wait_for "router $r snapshot" put_snapshot "$r" "$R"
      wait_for "router $r" curl -fs -o /dev/null "http://127.0.15.$r:15000/observe/health/ready"
    done
    sleep 1 # a few metric scrapes of every pod before the first request
    echo "   started in $(( $(date +%s) - T0 )) s"
    "$JAVA" -XX:+UseSerialGC -jar "$LOADGEN_JAR" run --workload "$DIR/workload.yaml" --routers "$URLS" \
      --strategy "$s" --results "$RESULTS" ${STEPS:+--steps "$STEPS"}
    T1=$(date +%s)
    stop_all
    echo "   stopped in $(( $(date +%s) - T1 )) s"
  done
done
ELAPSED=$(( $(date +%s) - START ))

# 3. The report.
{
  echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $ELAPSED s;"
  echo "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown); workload bench/scheduling/workload.yaml, pods bench/scheduling/simulator.yaml."
  NOTES=""
  for s in $STRATEGIES; do NOTES+="${NOTES:+; }$(router_config_note "$s")"; done
  echo "Router config per strategy: $NOTES."
  echo
  "$JAVA" -jar "$LOADGEN_JAR" report --results "$RESULTS"
} > "$W/results.md"
cp "$RESULTS" "${OUT%.md}.tsv"
cp "$W/results.md" "$OUT"
cat "$OUT"
echo
echo "bench: results written to $OUT (rows: ${OUT%.md}.tsv)"
