package io.infergate.router.inference;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;

import java.util.OptionalLong;

/**
 * Token counts a model server reported in {@code usage} ({@code prompt_tokens},
 * {@code completion_tokens}); empty until a response or SSE event carried them. The last report wins
 * (servers that stream cumulative usage report the total last).
 */
public final class Usage {

    private long promptTokens = -1;
    private long completionTokens = -1;

    /** Reads {@code usage} from a response object or SSE event, if it has one. */
    void read(JsonObject o) {
        if (o.get("usage") instanceof JsonObject usage) {
            readUsage(usage);
        }
    }

    /** Reads the token counts of a {@code usage} object. */
    void readUsage(JsonObject usage) {
        if (usage.get("prompt_tokens") instanceof JsonNumber n) {
            promptTokens = n.longValue();
        }
        if (usage.get("completion_tokens") instanceof JsonNumber n) {
            completionTokens = n.longValue();
        }
    }

    public OptionalLong promptTokens() {
        return promptTokens < 0 ? OptionalLong.empty() : OptionalLong.of(promptTokens);
    }

    public OptionalLong completionTokens() {
        return completionTokens < 0 ? OptionalLong.empty() : OptionalLong.of(completionTokens);
    }
}
