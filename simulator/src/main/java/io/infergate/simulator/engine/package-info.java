/**
 * The simulated model: which models are served, FIFO admission into a bounded set of running
 * sequences, the paged KV cache with prefix caching, resident LoRA adapters, the token rule and
 * deterministic text, and the prefill/decode cost model.
 */
package io.infergate.simulator.engine;
