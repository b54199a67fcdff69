/**
 * vLLM-compatible Prometheus metrics: counters and histograms fed by the engine, gauges read from
 * the scheduler at scrape time, written by hand in text format 0.0.4.
 */
package io.infergate.simulator.metrics;
