/** The scheduling benchmark's load generator: a deterministic shared-prefix workload replayed over HTTP with per-step latency, throughput and cache-hit statistics. */
package io.infergate.bench.loadgen;
