package io.infergate.router.schedule;

import java.util.Optional;

/**
 * What a profile may know about the request being scheduled. Grows with later plugins (prompt
 * prefix, objective priority, LoRA adapter) without changing the {@link Profile} signature.
 *
 * @param requestId the request id (for logs)
 * @param model     the OpenAI {@code model}, when the request is an inference request
 */
public record PickContext(String requestId, Optional<String> model) {
    public PickContext {
        model = model == null ? Optional.empty() : model;
    }
}
