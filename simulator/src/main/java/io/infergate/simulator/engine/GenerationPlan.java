package io.infergate.simulator.engine;

import java.util.List;
import java.util.Objects;

/**
 * One validated request as the engine sees it.
 *
 * @param model        the served model
 * @param prompts      one prompt text per choice (a completions request may batch prompts)
 * @param promptTokens prompt tokens of all choices together
 * @param outputTokens tokens to generate per choice (at least 1)
 * @param finishReason reported once the last token is out
 */
public record GenerationPlan(ServedModel model, List<String> prompts, int promptTokens, int outputTokens,
                             FinishReason finishReason) {

    public GenerationPlan {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(finishReason, "finishReason");
        prompts = List.copyOf(prompts);
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("at least one prompt is required");
        }
        if (promptTokens < 0 || outputTokens < 1) {
            throw new IllegalArgumentException("promptTokens >= 0 and outputTokens >= 1 required");
        }
    }

    /** Tokens generated over all choices. */
    public int completionTokens() {
        return outputTokens * prompts.size();
    }
}
