#!/usr/bin/env bash
# The scheduling benchmark run RUNS times back to back (default 3), then summed up per step: each
# strategy's p90 TTFT in every run and the medians over the runs, with their ratios to random's
# medians (`loadgen medians`, docs/benchmarks.md "Issue 17's llm-d goals over three runs"). One run
# per variant cannot rank strategies whose gap is smaller than the run-to-run noise (a step's p90
# moved by up to a third between runs of the same jars).
#
# Environment: RUNS (3), OUT_DIR (default bench/scheduling/results/runs-<UTC date>): run i goes to
# $OUT_DIR/run<i>/, the summaries to $OUT_DIR/<simulator>-<workload>.medians.md; everything else
# (SIMULATORS, WORKLOADS, STRATEGIES, ROUTER_COUNTS, STEPS, ...) as bench/scheduling.sh, which
# needs the jars built first (./mvnw -DskipTests package). SUMMARY_ONLY=1 only sums up the runs
# already in $OUT_DIR. Example:
#
#   RUNS=3 SIMULATORS=llmd WORKLOADS="workload capacity" STRATEGIES="random ours" \
#     flock /tmp/infergate-bench.lock flock /tmp/infergate-ports.lock bash bench/scheduling-runs.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "bench: RUNS must be a positive integer, got '$RUNS'" >&2; exit 2; }
OUT_DIR=${OUT_DIR:-$ROOT/bench/scheduling/results/runs-$(date -u +%Y-%m-%d)}
SIMULATORS=${SIMULATORS:-"infergate llmd"}
WORKLOADS=${WORKLOADS:-"workload"}
export SIMULATORS WORKLOADS
. "$ROOT/.mvn/find-jdk.sh"
LOADGEN_JAR="$ROOT/bench/loadgen/target/infergate-bench-loadgen-0.1.0-SNAPSHOT.jar"
[ -f "$LOADGEN_JAR" ] || { echo "bench: missing $LOADGEN_JAR; build first: ./mvnw -DskipTests package" >&2; exit 2; }

if [ "${SUMMARY_ONLY:-0}" != 1 ]; then
  for ((i = 1; i <= RUNS; i++)); do
    echo "=== run $i of $RUNS ($(date -u +%H:%M:%S) UTC)"
    OUT_DIR="$OUT_DIR/run$i" bash "$ROOT/bench/scheduling.sh"
  done
fi

for sim in $SIMULATORS; do
  for wl in $WORKLOADS; do
    files=""
    for ((i = 1; i <= RUNS; i++)); do files+="${files:+,}$OUT_DIR/run$i/$sim-$wl.tsv"; done
    wl_file="$ROOT/bench/scheduling/$wl.yaml" # only its closed-loop flag matters here
    {
      echo "Medians of $RUNS runs; simulator $sim; workload $wl. Each run's rows, date, machine load and"
      echo "commit are in run1..run$RUNS/$sim-$wl.md."
      echo
      "$JAVA_HOME/bin/java" -jar "$LOADGEN_JAR" medians --results "$files" --workload "$wl_file"
    } > "$OUT_DIR/$sim-$wl.medians.md"
    cat "$OUT_DIR/$sim-$wl.medians.md"
  done
done
echo "bench: $RUNS runs; summaries in $OUT_DIR/*.medians.md"
