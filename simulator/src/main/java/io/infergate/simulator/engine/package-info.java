/**
 * The simulated model: which models are served, FIFO admission into a bounded set of running
 * sequences, KV-cache accounting, the token rule and deterministic text, and the prefill/decode timing.
 */
package io.infergate.simulator.engine;
