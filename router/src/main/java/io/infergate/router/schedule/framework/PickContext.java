package io.infergate.router.schedule.framework;

import java.util.Optional;

/**
 * What plugins may know about the request being scheduled.
 *
 * @param requestId the request id (for logs)
 * @param model     the OpenAI {@code model}, when the request is an inference request
 * @param prompt    the prompt text the prefix plugins hash: {@code prompt} of a completion, the
 *                  JSON of {@code messages} of a chat completion; empty when there is none
 * @param priority  the InferenceObjective's priority (0 when absent or unknown)
 * @param adapter   the LoRA adapter the request names: its model, when the pool's servers list
 *                  that model as an adapter (known from their metrics)
 * @param flow      whom the request is fair-queued as under saturation: the authenticated tenant,
 *                  else the client's {@code x-gateway-inference-fairness-id}; "" for neither
 */
public record PickContext(
        String requestId, Optional<String> model, String prompt, int priority, Optional<String> adapter, String flow) {
    public PickContext {
        model = model == null ? Optional.empty() : model;
        prompt = prompt == null ? "" : prompt;
        adapter = adapter == null ? Optional.empty() : adapter;
        flow = flow == null ? "" : flow;
    }

    /** A request of no particular flow. */
    public PickContext(
            String requestId, Optional<String> model, String prompt, int priority, Optional<String> adapter) {
        this(requestId, model, prompt, priority, adapter, "");
    }

    /** A request without prompt, priority or adapter. */
    public PickContext(String requestId, Optional<String> model) {
        this(requestId, model, "", 0, Optional.empty());
    }
}
