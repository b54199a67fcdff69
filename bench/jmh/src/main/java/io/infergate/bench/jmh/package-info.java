/** JMH micro-benchmarks of the router's endpoint pick, run by bench/pick-jmh.sh. */
package io.infergate.bench.jmh;
