package io.infergate.router.inference;

import java.util.Objects;

/**
 * What the router reads from an OpenAI completion request body; everything else is forwarded
 * untouched.
 *
 * @param model  the {@code model} field, never blank
 * @param stream     the {@code stream} field, false when absent
 * @param promptText what the prefix plugins hash: the compact JSON of {@code messages} (chat), else
 *                   the {@code prompt} string or the JSON of an array prompt; empty when neither
 * @param maxTokens  {@code max_completion_tokens}, else {@code max_tokens}, when a non-negative
 *                   integer; -1 when absent (rate limits reserve it before the request is proxied)
 */
public record OpenAiRequest(String model, boolean stream, String promptText, long maxTokens) {
    public OpenAiRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(promptText, "promptText");
    }

    /** A request without {@code max_tokens}. */
    public OpenAiRequest(String model, boolean stream, String promptText) {
        this(model, stream, promptText, -1);
    }

    /** A request without prompt text. */
    public OpenAiRequest(String model, boolean stream) {
        this(model, stream, "");
    }

    /** Whether the method and path are an OpenAI generation call whose body the router reads. */
    public static boolean isInference(String method, String path) {
        return "POST".equals(method) && ("/v1/completions".equals(path) || "/v1/chat/completions".equals(path));
    }
}
