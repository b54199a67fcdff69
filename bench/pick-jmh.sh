#!/usr/bin/env bash
# One scheduling pick (default profile, 100 endpoints, 8 KB and 200 KB prompts, completions and
# chat) under JMH in SampleTime mode: prints p50/p90/p99 per case. Bounded: 4 cases x (3 x 3 s
# warm-up + 5 x 3 s measurement) ~ 2 min. Extra arguments go to JMH, e.g. -p promptKb=8 or -prof gc.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/.mvn/find-jdk.sh"
JAR="$ROOT/bench/jmh/target/benchmarks.jar"
[ -f "$JAR" ] || { echo "bench: build first: ./mvnw -DskipTests package"; exit 2; }
exec "$JAVA_HOME/bin/java" -jar "$JAR" PickBenchmark "$@"
