package io.infergate.simulator.engine;

import java.util.List;
import java.util.Objects;

/**
 * One validated request as the engine sees it.
 *
 * @param model        the served model
 * @param prompts      one prompt text per choice (a completions request may batch prompts); seeds the text
 * @param promptTokens prompt tokens of all choices together
 * @param outputTokens tokens to generate per choice (at least 1)
 * @param finishReason reported once the last token is out
 * @param cacheTexts   per prompt, what the prefix cache hashes (see {@link PromptBlocks}); its token
 *                     count under the {@link Tokens} rule is the prompt's token count
 * @param remotePrefill another pod prefilled the prompt ({@code kv_transfer_params.do_remote_prefill}):
 *                     the engine waits for the KV transfer instead of prefilling
 */
public record GenerationPlan(
        ServedModel model,
        List<String> prompts,
        int promptTokens,
        int outputTokens,
        FinishReason finishReason,
        List<String> cacheTexts,
        boolean remotePrefill) {

    public GenerationPlan {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(finishReason, "finishReason");
        prompts = List.copyOf(prompts);
        cacheTexts = List.copyOf(cacheTexts);
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("at least one prompt is required");
        }
        if (cacheTexts.size() != prompts.size()) {
            throw new IllegalArgumentException("one cache text per prompt is required");
        }
        if (promptTokens < 0 || outputTokens < 1) {
            throw new IllegalArgumentException("promptTokens >= 0 and outputTokens >= 1 required");
        }
    }

    /** A plan prefilled here. */
    public GenerationPlan(
            ServedModel model,
            List<String> prompts,
            int promptTokens,
            int outputTokens,
            FinishReason finishReason,
            List<String> cacheTexts) {
        this(model, prompts, promptTokens, outputTokens, finishReason, cacheTexts, false);
    }

    /** A plan whose prompts are hashed as they are (plain text prompts). */
    public GenerationPlan(
            ServedModel model, List<String> prompts, int promptTokens, int outputTokens, FinishReason finishReason) {
        this(model, prompts, promptTokens, outputTokens, finishReason, prompts);
    }

    /** Tokens generated over all choices. */
    public int completionTokens() {
        return outputTokens * prompts.size();
    }
}
