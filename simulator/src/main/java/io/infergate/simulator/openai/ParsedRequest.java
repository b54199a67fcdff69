package io.infergate.simulator.openai;

import io.infergate.simulator.engine.GenerationPlan;

/**
 * A valid generation request.
 *
 * @param api     which API was called
 * @param plan         what the engine must do
 * @param stream       answer as server-sent events
 * @param includeUsage {@code stream_options.include_usage}: send a usage chunk before {@code [DONE]}
 * @param remoteDecode {@code kv_transfer_params.do_remote_decode}: this is the prefill half of a
 *                     disaggregated request; the answer carries the KV transfer parameters
 */
record ParsedRequest(
        GenerationApi api, GenerationPlan plan, boolean stream, boolean includeUsage, boolean remoteDecode) {}
