#!/usr/bin/env bash
# The scheduling benchmark (docs/benchmarks.md, "Scheduling"): streaming workloads
# (bench/scheduling/<workload>.yaml) against simulated pods (our simulator or llm-d-inference-sim, see
# v4 below) through 1 and 3 routers, for each scheduler configuration in bench/scheduling/<strategy>.yaml,
# all in one run. Prints (and writes to $OUT_DIR/<simulator>-<workload>.md) the results table, the
# ratios against random and the done-when checks.
#
# Builds only llm-d-inference-sim (bench/llmd-sim.sh, cached): run `./mvnw -DskipTests package` first
# (simulator, controller, router and bench/loadgen jars). Loopback only: routers on 127.0.15.1-3 (:8080 public, :15000 internal), pods on
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
# v4 (2026-12-05, issue 17): two simulators. SIMULATORS picks the model servers: "infergate" (our
# simulator, bench/scheduling/simulator.yaml: serial prefill, one prefill at a time per pod),
# "infergate-parallel" (ours in parallel-prefill mode, simulator-parallel.yaml) and "llmd"
# (llm-d-inference-sim v0.10.2 from its Go module, behind our loopback main: bench/llmd-sim.sh builds
# it once into a cache; its flags are bench/scheduling/llmd-sim.args). WORKLOADS picks the workload
# files (bench/scheduling/<name>.yaml): "workload" (shared prefix, open loop), "capacity" (the same
# requests, closed loop at rising concurrency), "multi-turn" (growing conversations) and "mixed"
# (short and long prompts, streamed and not, the base model and two LoRA adapters, which every pod
# then serves: --lora on ours, --lora-modules on llm-d's, at most 2 at once). Every
# strategy runs on every simulator x workload; each pair gets its own results file.
#
# v5 (2026-12-05, issue 11): strategy "epp-v1.5.0" is the Inference Extension's real endpoint picker
# (epp v1.5.0 with its default configuration, behind our loopback main), called by the routers over
# ext_proc for every request; bench/epp-up.sh starts it per run with a throwaway kube-apiserver that
# holds the pool and one Pod per simulated pod (it scrapes the pods' vLLM metrics itself). Its
# routers run bench/scheduling/epp-v1.5.0.yaml only as the FailOpen fallback (the pool fails closed,
# so it is never used) and no admission queue, as epp-default.
#
# v6 (2026-12-05, issue 12): strategy "ours-over-extproc" is Infergate's own picker (a router process
# with router.picker enabled on 127.0.15.201:9002, TLS self-signed, scheduling with ours.yaml and its
# admission queue) asked over ext_proc by the routers, as an Envoy-based gateway asks it. The picker
# gets the one-router snapshot (it is one process); the routers get the pool naming it.
#
# v7 (2026-12-05, issue 12): WARMUP requests (default 20) go through every router before the first
# measured step, sequentially, for every strategy alike: short unique prompts (max_tokens 1, every
# other one streamed) that share no prefix with the workload. Without them the first step (8 req/s)
# measured each strategy's cold start: ours-over-extproc and epp-v1.5.0 have more cold code on
# their path (the ext_proc client's first connection and TLS handshake, the picker process's first
# requests through its gRPC server and JIT), which showed as p99 1.5-1.9 s against native's 0.86 s
# at 8 req/s only, and moved p90 by +105-131 ms (docs/benchmarks.md). WARMUP=0 measures cold.
#
# v8 (2026-12-05, issue 12): every 5th warm-up request carries a 2,300-word prompt (about the
# workload's 14 KB), the same words each time (so they cost the pods one cached prefix, and share
# none with the workload). With short warm-ups only, the first long bodies of the first step still
# met cold code on the ext_proc path: the routers' picker phase took 100-560 ms for the first 20 or
# so workload requests, then 10-40 ms (a KEEP=1 run with timing prints, 13:07 UTC).
#
# Environment: SIMULATORS ("infergate llmd"), WORKLOADS ("workload"), STRATEGIES ("random round-robin
# least-request epp-default ours"), ROUTER_COUNTS ("1 3"), STEPS (run only the first N rate steps; for
# short development runs), OUT_DIR (default bench/scheduling/results: <simulator>-<workload>.md/.tsv),
# KEEP=1 keeps the run folder (with every router's, the picker's and the pods' /metrics at the end of each configuration), WARMUP (20 requests per router before the first step). Run it with
# nice: the machine is shared.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
V=0.1.0-SNAPSHOT
DIR="$ROOT/bench/scheduling"
STRATEGIES=${STRATEGIES:-"random round-robin least-request epp-default ours"}
ROUTER_COUNTS=${ROUTER_COUNTS:-"1 3"}
SIMULATORS=${SIMULATORS:-"infergate llmd"}
WORKLOADS=${WORKLOADS:-"workload"}
OUT_DIR=${OUT_DIR:-$DIR/results}
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
for w in $WORKLOADS; do [ -f "$DIR/$w.yaml" ] || { echo "bench: no workload $DIR/$w.yaml" >&2; exit 2; }; done
LLMD_SIM=""
for sim in $SIMULATORS; do
  case "$sim" in
    infergate|infergate-parallel) ;;
    llmd) LLMD_SIM=$(bash "$ROOT/bench/llmd-sim.sh" | sed -n 's/^LLMD_SIM=//p'); [ -x "$LLMD_SIM" ] || { echo "bench: llm-d-inference-sim not built" >&2; exit 2; } ;;
    *) echo "bench: unknown simulator '$sim' (infergate, infergate-parallel, llmd)" >&2; exit 2 ;;
  esac
done
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
  if [ -n "${EPP_WD:-}" ]; then bash "$ROOT/bench/epp-up.sh" stop "$EPP_WD" || true; fi
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
# The epp-v1.5.0 strategy's snapshot: the same objects, the pool naming the real picker
# (bench/epp-up.sh runs it on 127.0.15.200:9002; the Service's clusterIP is that address).
EPP_STRATEGY=0
for s in $STRATEGIES; do [ "$s" = epp-v1.5.0 ] && EPP_STRATEGY=1; done
if [ "$EPP_STRATEGY" = 1 ]; then
  mkdir "$W/manifests-epp"
  cp "$W"/manifests/*.yaml "$W/manifests-epp/"
  cat > "$W/manifests-epp/03-inferencepool.yaml" <<YAML
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: kthena-demo, namespace: default}
spec:
  targetPorts: [{number: 8000}]
  selector: {matchLabels: {workload.serving.volcano.sh/model-name: demo}}
  endpointPickerRef: {name: epp, port: {number: 9002}}
---
apiVersion: v1
kind: Service
metadata: {name: epp, namespace: default}
spec:
  clusterIP: 127.0.15.200
  ports: [{name: grpc, port: 9002}]
YAML
fi
# The ours-over-extproc strategy's snapshot: the pool naming Infergate's own picker (a router
# process on 127.0.15.201 with router.picker on).
OWN_PICKER_STRATEGY=0
for s in $STRATEGIES; do [ "$s" = ours-over-extproc ] && OWN_PICKER_STRATEGY=1; done
if [ "$OWN_PICKER_STRATEGY" = 1 ]; then
  mkdir "$W/manifests-own-picker"
  cp "$W"/manifests/*.yaml "$W/manifests-own-picker/"
  cat > "$W/manifests-own-picker/03-inferencepool.yaml" <<YAML
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: kthena-demo, namespace: default}
spec:
  targetPorts: [{number: 8000}]
  selector: {matchLabels: {workload.serving.volcano.sh/model-name: demo}}
  endpointPickerRef: {name: infergate-picker, port: {number: 9002}}
---
apiVersion: v1
kind: Service
metadata: {name: infergate-picker, namespace: default}
spec:
  clusterIP: 127.0.15.201
  ports: [{name: grpc, port: 9002}]
YAML
  cat > "$W/picker.router.yaml" <<YAML
router:
  picker:
    enabled: true
    host: 127.0.15.201
YAML
fi
# Rendered once per router count, with that many router URLs: the controller stamps the count into
# the snapshot ("routers"), and the prefix scorer's auto mode reads it (docs/adr/0005-prefix-affinity.md).
# The controller's pushes to the routers (not started yet) fail and are retried; it is stopped at once.
render() { # manifests dir, snapshot file prefix
  local R CTL_ROUTERS r S WANT
  for R in $ROUTER_COUNTS; do
    CTL_ROUTERS=""
    for ((r = 1; r <= R; r++)); do CTL_ROUTERS+="${CTL_ROUTERS:+,}http://127.0.15.$r:15000"; done
    "$JAVA" -XX:+UseSerialGC -jar "$CTL_JAR" --manifests "$1" --routers "$CTL_ROUTERS" \
      --token-file "$W/token" --admin-bind 127.0.15.100 --admin-port 19090 > "$W/controller-$R.log" 2>&1 & PIDS+=($!)
    S="$W/$2-$R.json"
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
}
render "$W/manifests" snapshot
if [ "$EPP_STRATEGY" = 1 ]; then
  render "$W/manifests-epp" snapshot-epp
  for R in $ROUTER_COUNTS; do
    grep -q '127.0.15.200' "$W/snapshot-epp-$R.json" || { echo "bench: the epp snapshot names no picker" >&2; exit 1; }
  done
fi

if [ "$OWN_PICKER_STRATEGY" = 1 ]; then
  render "$W/manifests-own-picker" snapshot-own-picker
  for R in $ROUTER_COUNTS; do
    grep -q '127.0.15.201' "$W/snapshot-own-picker-$R.json" || { echo "bench: the own-picker snapshot names no picker" >&2; exit 1; }
  done
fi

wait_for() { # description, command...: up to 60 s
  local what=$1; shift
  for _ in $(seq 1 300); do "$@" && return 0; sleep 0.2; done
  echo "bench: $what not ready after 60 s; logs in $W" >&2; KEEP=1; exit 1
}
put_snapshot() { # router index, router count, snapshot prefix (snapshot | snapshot-epp)
  curl -fs -o /dev/null -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "@$W/${3:-snapshot}-$2.json" "http://127.0.15.$1:15000/internal/v1/snapshot"
}
sims_up() { local h; for h in ${SIM_HOSTS//,/ }; do curl -fs -o /dev/null "http://$h:8000/health" || return 1; done; }
workload_file() { # workload, simulator: <wl>.<sim>.yaml when there is one (the same requests at rates
  # fitted to that simulator's capacity; the parallel-prefill sims share llmd's), else <wl>.yaml
  local f
  for f in "$DIR/$1.$2.yaml" "$DIR/$1.${2/infergate-parallel/llmd}.yaml" "$DIR/$1.yaml"; do
    [ -f "$f" ] && { echo "$f"; return; }
  done
}
pod_slots() { # simulator: requests a pod runs at once (its max-running / --max-num-seqs)
  case "$1" in
    infergate) awk -F: '$1 == "max-running" { gsub(/[ \t]|#.*/, "", $2); print $2 }' "$DIR/simulator.yaml" ;;
    infergate-parallel) awk -F: '$1 == "max-running" { gsub(/[ \t]|#.*/, "", $2); print $2 }' "$DIR/simulator-parallel.yaml" ;;
    llmd) grep -v '^[[:space:]]*#' "$DIR/llmd-sim.args" | grep -o -- '--max-num-seqs [0-9]*' | awk '{ print $2 }' ;;
  esac
}
adapters_of() { # workload file: its LoRA adapters (mixed workloads), space-separated, or nothing
  awk -F: '$1 == "adapters" { gsub(/#.*/, "", $2); gsub(/,/, " ", $2); print $2 }' "$1" | xargs
}
start_sims() { # simulator, log prefix, workload file: PODS pods on 127.0.15.11.. port 8000, fresh (empty caches)
  local i h a
  # the workload's LoRA adapters are served by every pod, at most 2 at once (a 50 ms load on ours)
  local ours_lora=() llmd_lora=()
  for a in $(adapters_of "$3"); do ours_lora+=(--lora "$a"); llmd_lora+=("{\"name\":\"$a\"}"); done
  [ ${#ours_lora[@]} -eq 0 ] || ours_lora+=(--max-loras 2 --lora-load-ms 50)
  [ ${#llmd_lora[@]} -eq 0 ] || llmd_lora=(--lora-modules "${llmd_lora[@]}" --max-loras 2)
  case "$1" in
    infergate) "$JAVA" -XX:+UseSerialGC -jar "$SIM_JAR" --hosts "$SIM_HOSTS" --port 8000 --pod-name-prefix bench \
        --profile "$DIR/simulator.yaml" "${ours_lora[@]}" > "$2.log" 2>&1 & PIDS+=($!) ;;
    infergate-parallel) "$JAVA" -XX:+UseSerialGC -jar "$SIM_JAR" --hosts "$SIM_HOSTS" --port 8000 --pod-name-prefix bench \
        --profile "$DIR/simulator-parallel.yaml" "${ours_lora[@]}" > "$2.log" 2>&1 & PIDS+=($!) ;;
    llmd)
      # one process per pod, bound to its own loopback address; POD_IP turns on the KV-cache model,
      # POD_NAME is echoed in x-inference-pod; no ZMQ (empty endpoint), dummy tokenizer.
      local args
      args=$(grep -v '^[[:space:]]*#' "$DIR/llmd-sim.args" | tr '\n' ' ')
      for ((i = 0; i < PODS; i++)); do
        h=127.0.15.$((11 + i))
        # shellcheck disable=SC2086
        INFERGATE_SIM_HOST=$h POD_IP=$h POD_NAME=bench-$i POD_NAMESPACE=default \
          "$LLMD_SIM" --port 8000 $args "${llmd_lora[@]}" --zmq-endpoint "" > "$2-$i.log" 2>&1 & PIDS+=($!)
      done ;;
  esac
}

# 2. Every simulator x workload x router count x strategy.
mkdir -p "$OUT_DIR"
START=$(date +%s)
for sim in $SIMULATORS; do
 for wl in $WORKLOADS; do
  WL_FILE=$(workload_file "$wl" "$sim")
  RESULTS="$W/results-$sim-$wl.tsv"
  for R in $ROUTER_COUNTS; do
   for s in $STRATEGIES; do
    echo "== $sim, $wl, $s, $R router(s) (at $(( $(date +%s) - START )) s, load $(cut -d' ' -f1-3 /proc/loadavg))"
    T0=$(date +%s)
    start_sims "$sim" "$W/sim-$sim-$wl-$s-$R" "$WL_FILE"
    URLS=""
    ROUTER_ARGS=(--scheduler-config "$DIR/$s.yaml")
    RC=$(router_config "$s")
    if [ -n "$RC" ]; then ROUTER_ARGS+=(--config "$RC"); echo "   router config $RC"; fi
    for ((r = 1; r <= R; r++)); do
      "$JAVA" -XX:+UseSerialGC -jar "$ROUTER_JAR" --bind "127.0.15.$r" --internal-port 15000 \
        --token-file "$W/token" "${ROUTER_ARGS[@]}" > "$W/router-$sim-$wl-$s-$R-$r.log" 2>&1 & PIDS+=($!)
      URLS+="${URLS:+,}http://127.0.15.$r:8080"
    done
    wait_for "simulated pods" sims_up
    SNAP=snapshot
    if [ "$s" = epp-v1.5.0 ]; then
      # the real picker, fresh for this run (empty prefix index), on its own kube-apiserver
      bash "$ROOT/bench/epp-up.sh" start "$W/epp-$sim-$wl-$R" kthena-demo 8000 "$SIM_HOSTS" 127.0.15.200 9002 \
        | sed -n 's/^EPP=/   picker /p'
      EPP_WD="$W/epp-$sim-$wl-$R"
      SNAP=snapshot-epp
    fi
    if [ "$s" = ours-over-extproc ]; then
      # Infergate's picker, fresh for this run, with the native strategy's scheduling
      "$JAVA" -XX:+UseSerialGC -jar "$ROUTER_JAR" --bind 127.0.15.201 --internal-port 15000 \
        --token-file "$W/token" --scheduler-config "$DIR/ours.yaml" --config "$W/picker.router.yaml" \
        > "$W/picker-$sim-$wl-$R.log" 2>&1 & PIDS+=($!)
      wait_for "the picker's snapshot" put_snapshot 201 1 snapshot
      wait_for "the picker" curl -fs -o /dev/null "http://127.0.15.201:15000/observe/health/ready"
      SNAP=snapshot-own-picker
    fi
    for ((r = 1; r <= R; r++)); do
      wait_for "router $r snapshot" put_snapshot "$r" "$R" "$SNAP"
      wait_for "router $r" curl -fs -o /dev/null "http://127.0.15.$r:15000/observe/health/ready"
    done
    sleep 1 # a few metric scrapes of every pod before the first request
    WARM_MODEL=$(sed -n 's/^model: *//p' "$WL_FILE" | head -n 1)
    WARM_LONG=$(seq 1 2300 | sed 's/^/w/' | tr '\n' ' ')
    for ((r = 1; r <= R; r++)); do
      for ((i = 0; i < ${WARMUP:-20}; i++)); do
        # every 5th one as long as a workload prompt (v8), streamed and not: the long-body path warms up too
        WARM_TEXT="warm-up $s $r $i"
        [ $((i % 5)) != 4 ] || WARM_TEXT="$WARM_LONG $WARM_TEXT"
        curl -fs -o /dev/null -m 30 -H 'Content-Type: application/json' \
          -d "{\"model\":\"$WARM_MODEL\",\"prompt\":\"$WARM_TEXT\",\"max_tokens\":1,\"stream\":$([ $((i % 2)) = 0 ] && echo true || echo false)}" \
          "http://127.0.15.$r:8080/v1/completions" || echo "   warm-up request $i through router $r failed"
      done
    done
    echo "   started in $(( $(date +%s) - T0 )) s"
    # the pods' queues are sampled every 50 ms (the routers' scrape interval) for the "stuck" column
    "$JAVA" -XX:+UseSerialGC -jar "$LOADGEN_JAR" run --workload "$WL_FILE" --routers "$URLS" \
      --strategy "$s" --results "$RESULTS" ${STEPS:+--steps "$STEPS"} \
      --pods "$(sed 's|\([0-9.]*\)|http://\1:8000|g' <<<"$SIM_HOSTS")" --pod-slots "$(pod_slots "$sim")" --watch-ms 50
    T1=$(date +%s)
    if [ "${KEEP:-0}" = 1 ]; then # what the processes counted, for a look afterwards
      for ((r = 1; r <= R; r++)); do
        curl -fs -m 5 "http://127.0.15.$r:15000/observe/metrics" > "$W/metrics-router-$sim-$wl-$s-$R-$r.txt" || true
      done
      [ "$s" != ours-over-extproc ] || curl -fs -m 5 "http://127.0.15.201:15000/observe/metrics" > "$W/metrics-picker-$sim-$wl-$R.txt" || true
      for h in ${SIM_HOSTS//,/ }; do curl -fs -m 5 "http://$h:8000/metrics" > "$W/metrics-pod-$sim-$wl-$s-$R-$h.txt" || true; done
    fi
    stop_all
    if [ -n "${EPP_WD:-}" ]; then bash "$ROOT/bench/epp-up.sh" stop "$EPP_WD"; EPP_WD=""; fi
    echo "   stopped in $(( $(date +%s) - T1 )) s; load $(cut -d' ' -f1-3 /proc/loadavg)"
   done
  done
  # 3. The report of this simulator x workload.
  {
    echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), load average at the end $(cut -d' ' -f1-3 /proc/loadavg);"
    echo "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown); simulator $sim; workload ${WL_FILE#"$ROOT/"}."
    NOTES=""
    for s in $STRATEGIES; do NOTES+="${NOTES:+; }$(router_config_note "$s")"; done
    echo "Router config per strategy: $NOTES."
    echo
    "$JAVA" -jar "$LOADGEN_JAR" report --results "$RESULTS" --workload "$WL_FILE"
  } > "$OUT_DIR/$sim-$wl.md"
  cp "$RESULTS" "$OUT_DIR/$sim-$wl.tsv"
  cat "$OUT_DIR/$sim-$wl.md"
 done
done
echo "bench: done in $(( $(date +%s) - START )) s; results in $OUT_DIR"
