package io.infergate.simulator.openai;

import io.infergate.simulator.engine.GenerationPlan;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.util.List;
import java.util.UUID;

import static io.infergate.simulator.http.JsonBodies.BUILDERS;

/**
 * Builds the OpenAI response objects of one request: the whole response, the per-token chunks and
 * the usage chunk. Every object carries the same id, created time and model.
 */
final class Payloads {

    private final GenerationApi api;
    private final GenerationPlan plan;
    private final String id;
    private final long created;
    private int cachedTokens;

    Payloads(GenerationApi api, GenerationPlan plan) {
        this.api = api;
        this.plan = plan;
        this.id = api.idPrefix() + UUID.randomUUID().toString().replace("-", "");
        this.created = System.currentTimeMillis() / 1000;
    }

    /** Prompt tokens served from the prefix cache, reported in {@code usage.prompt_tokens_details}. */
    void cachedTokens(int cachedTokens) {
        this.cachedTokens = cachedTokens;
    }

    /** The non-streaming response; {@code texts} holds the output of each choice. */
    JsonObject whole(List<String> texts) {
        JsonArrayBuilder choices = BUILDERS.createArrayBuilder();
        for (int i = 0; i < texts.size(); i++) {
            JsonObjectBuilder choice = BUILDERS.createObjectBuilder().add("index", i);
            if (api == GenerationApi.CHAT_COMPLETIONS) {
                choice.add(
                        "message",
                        BUILDERS.createObjectBuilder().add("role", "assistant").add("content", texts.get(i)));
            } else {
                choice.add("text", texts.get(i));
            }
            choices.add(choice.addNull("logprobs")
                    .add("finish_reason", plan.finishReason().wire()));
        }
        return head(api.object()).add("choices", choices).add("usage", usage()).build();
    }

    /**
     * The chunk carrying one choice's token. Chat chunks name the assistant role in the first delta;
     * the last token's chunk carries the finish reason, all others JSON null.
     */
    JsonObject tokenChunk(int choiceIndex, int step, String token, boolean last) {
        JsonObjectBuilder choice = BUILDERS.createObjectBuilder().add("index", choiceIndex);
        if (api == GenerationApi.CHAT_COMPLETIONS) {
            JsonObjectBuilder delta = BUILDERS.createObjectBuilder();
            if (step == 0) {
                delta.add("role", "assistant");
            }
            choice.add("delta", delta.add("content", token));
        } else {
            choice.add("text", token);
        }
        choice.addNull("logprobs");
        if (last) {
            choice.add("finish_reason", plan.finishReason().wire());
        } else {
            choice.addNull("finish_reason");
        }
        return head(api.chunkObject())
                .add("choices", BUILDERS.createArrayBuilder().add(choice))
                .build();
    }

    /** The final chunk sent when {@code stream_options.include_usage} is true: no choices, only usage. */
    JsonObject usageChunk() {
        return head(api.chunkObject())
                .add("choices", BUILDERS.createArrayBuilder())
                .add("usage", usage())
                .build();
    }

    private JsonObjectBuilder head(String object) {
        return BUILDERS.createObjectBuilder()
                .add("id", id)
                .add("object", object)
                .add("created", created)
                .add("model", plan.model().id());
    }

    private JsonObjectBuilder usage() {
        return BUILDERS.createObjectBuilder()
                .add("prompt_tokens", plan.promptTokens())
                .add("completion_tokens", plan.completionTokens())
                .add("total_tokens", plan.promptTokens() + plan.completionTokens())
                .add("prompt_tokens_details", BUILDERS.createObjectBuilder().add("cached_tokens", cachedTokens));
    }
}
