package io.infergate.simulator.openai;

import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.GenerationPlan;
import io.infergate.simulator.engine.ModelCatalog;
import io.infergate.simulator.engine.PromptBlocks;
import io.infergate.simulator.engine.ServedModel;
import io.infergate.simulator.engine.Tokens;
import io.infergate.simulator.http.JsonBodies;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a request body into a {@link ParsedRequest}, or throws the {@link ApiError} OpenAI would
 * answer. Checks run in this order: JSON object (400), {@code model} present (400) and served (404),
 * prompt or messages (400), output length (400), context length (400). Unknown fields, including
 * {@code temperature}, are accepted and ignored.
 */
final class RequestParser {

    /** Context window of the simulated model (Qwen2.5's 32k): prompt + output beyond it is refused, as vLLM does. */
    static final int MAX_MODEL_LEN = 32_768;

    private final ModelCatalog catalog;
    private final int defaultMaxTokens;

    RequestParser(ModelCatalog catalog, int defaultMaxTokens) {
        this.catalog = catalog;
        this.defaultMaxTokens = defaultMaxTokens;
    }

    ParsedRequest parse(GenerationApi api, byte[] body) {
        JsonObject json = readObject(body);
        ServedModel model = model(json);
        Prompts prompts = api == GenerationApi.COMPLETIONS ? completionPrompts(json) : chatPrompt(json);
        Optional<Integer> requested = api == GenerationApi.CHAT_COMPLETIONS
                ? positiveInt(json, "max_completion_tokens").or(() -> positiveInt(json, "max_tokens"))
                : positiveInt(json, "max_tokens");
        int outputTokens = requested.orElse(defaultMaxTokens);
        if (prompts.longest + (long) outputTokens > MAX_MODEL_LEN) {
            throw ApiError.badRequest(
                    "This model's maximum context length is " + MAX_MODEL_LEN
                            + " tokens. However, you requested " + (prompts.longest + (long) outputTokens) + " tokens ("
                            + prompts.longest + " in the prompt, " + outputTokens + " in the completion).",
                    api == GenerationApi.COMPLETIONS ? "prompt" : "messages");
        }
        // A client limit ends the output on "length"; the default length stands for the model's own stop.
        FinishReason finish = requested.isPresent() ? FinishReason.LENGTH : FinishReason.STOP;
        boolean stream = bool(json, "stream");
        boolean includeUsage =
                json.get("stream_options") instanceof JsonObject options && bool(options, "include_usage");
        // vLLM's disaggregated serving (NixlConnector): the prefill half asks do_remote_decode and is
        // answered whole; the decode half says do_remote_prefill and finds the KV cache transferred
        JsonObject kv = json.get("kv_transfer_params") instanceof JsonObject o ? o : null;
        boolean remoteDecode = kv != null && bool(kv, "do_remote_decode");
        boolean remotePrefill = kv != null && bool(kv, "do_remote_prefill");
        if (remoteDecode && stream) {
            throw ApiError.badRequest("Prefill does not support streaming", "stream");
        }
        if (remoteDecode && remotePrefill) {
            throw ApiError.badRequest(
                    "kv_transfer_params cannot ask for both do_remote_decode and do_remote_prefill",
                    "kv_transfer_params");
        }
        GenerationPlan plan = new GenerationPlan(
                model, prompts.texts, prompts.tokens, outputTokens, finish, prompts.cacheTexts, remotePrefill);
        return new ParsedRequest(api, plan, stream, includeUsage, remoteDecode);
    }

    private static JsonObject readObject(byte[] body) {
        if (body.length == 0) {
            throw ApiError.badRequest("The request body is empty; expected a JSON object.", null);
        }
        try (JsonReader reader = JsonBodies.READERS.createReader(new ByteArrayInputStream(body))) {
            if (reader.readValue() instanceof JsonObject object) {
                return object;
            }
            throw ApiError.badRequest("The request body must be a JSON object.", null);
        } catch (JsonException | IllegalStateException | UnsupportedOperationException e) {
            // Parsson refuses numbers of more than 1,100 characters with UnsupportedOperationException
            throw ApiError.badRequest("The request body is not valid JSON: " + e.getMessage(), null);
        }
    }

    private ServedModel model(JsonObject json) {
        if (!(json.get("model") instanceof JsonString name) || name.getString().isBlank()) {
            throw ApiError.badRequest("You must provide a model parameter (a string).", "model");
        }
        return catalog.find(name.getString()).orElseThrow(() -> ApiError.modelNotFound(name.getString()));
    }

    /** {@code prompt}: a string, an array of strings, an array of token ids, or an array of such arrays. */
    private static Prompts completionPrompts(JsonObject json) {
        JsonValue prompt = json.get("prompt");
        Prompts prompts = new Prompts();
        if (prompt instanceof JsonString text) {
            prompts.add(text.getString(), Tokens.count(text.getString()));
        } else if (prompt instanceof JsonArray array && !array.isEmpty()) {
            if (array.stream().allMatch(v -> v instanceof JsonNumber)) {
                prompts.add(array.toString(), tokenIdText(array), array.size());
            } else {
                for (JsonValue item : array) {
                    if (item instanceof JsonString text) {
                        prompts.add(text.getString(), Tokens.count(text.getString()));
                    } else if (item instanceof JsonArray ids && ids.stream().allMatch(v -> v instanceof JsonNumber)) {
                        prompts.add(ids.toString(), tokenIdText(ids), ids.size());
                    } else {
                        throw ApiError.badRequest("Each prompt must be a string or an array of token ids.", "prompt");
                    }
                }
            }
        } else {
            throw ApiError.badRequest("You must provide a prompt: a string or a non-empty array.", "prompt");
        }
        return prompts;
    }

    /**
     * {@code messages}: a non-empty array of objects with a string {@code role}; {@code content} is a
     * string, null, or an array of parts whose {@code text} fields count. Only content counts as tokens
     * (no chat template); the generator is seeded by role and content of every message.
     */
    private static Prompts chatPrompt(JsonObject json) {
        if (!(json.get("messages") instanceof JsonArray messages) || messages.isEmpty()) {
            throw ApiError.badRequest("You must provide messages: a non-empty array.", "messages");
        }
        StringBuilder seedText = new StringBuilder();
        StringBuilder cacheText = new StringBuilder();
        int tokens = 0;
        for (JsonValue value : messages) {
            if (!(value instanceof JsonObject message) || !(message.get("role") instanceof JsonString role)) {
                throw ApiError.badRequest("Each message must be an object with a string role.", "messages");
            }
            String content = content(message.get("content"));
            seedText.append(role.getString()).append(": ").append(content).append('\n');
            cacheText.append(PromptBlocks.label(role.getString())).append(PromptBlocks.unlabelled(content));
            tokens += Tokens.count(content);
        }
        Prompts prompts = new Prompts();
        prompts.add(seedText.toString(), cacheText.toString(), tokens);
        return prompts;
    }

    /**
     * The prefix-cache text of a token-id prompt: one word per id, so it re-counts to the number of ids
     * (ids are integers; any other character of a number is replaced by a letter).
     */
    private static String tokenIdText(JsonArray ids) {
        StringBuilder text = new StringBuilder(ids.size() * 6);
        for (JsonValue id : ids) {
            String digits = id.toString();
            for (int i = 0; i < digits.length(); i++) {
                char c = digits.charAt(i);
                text.append(Character.isLetterOrDigit(c) ? c : 'x');
            }
            text.append(' ');
        }
        return text.toString();
    }

    private static String content(JsonValue content) {
        if (content == null || content.getValueType() == JsonValue.ValueType.NULL) {
            return "";
        }
        if (content instanceof JsonString text) {
            return text.getString();
        }
        if (content instanceof JsonArray parts) {
            StringBuilder text = new StringBuilder();
            for (JsonValue part : parts) {
                if (part instanceof JsonObject object && object.get("text") instanceof JsonString partText) {
                    text.append(partText.getString()).append(' ');
                }
            }
            return text.toString();
        }
        throw ApiError.badRequest("Message content must be a string, null or an array of parts.", "messages");
    }

    private static Optional<Integer> positiveInt(JsonObject json, String name) {
        JsonValue value = json.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        try {
            if (value instanceof JsonNumber number && number.isIntegral() && number.intValueExact() >= 1) {
                return Optional.of(number.intValueExact());
            }
        } catch (ArithmeticException e) {
            // falls through: too large for an int
        }
        throw ApiError.badRequest(name + " must be an integer of at least 1.", name);
    }

    private static boolean bool(JsonObject json, String name) {
        JsonValue value = json.get(name);
        if (value == null
                || value.getValueType() == JsonValue.ValueType.NULL
                || value.getValueType() == JsonValue.ValueType.FALSE) {
            return false;
        }
        if (value.getValueType() == JsonValue.ValueType.TRUE) {
            return true;
        }
        throw ApiError.badRequest(name + " must be a boolean.", name);
    }

    /** Prompt texts (generator seeds), their cache texts, total tokens, and the longest prompt for the context check. */
    private static final class Prompts {
        final List<String> texts = new ArrayList<>();
        final List<String> cacheTexts = new ArrayList<>();
        int tokens;
        int longest;

        void add(String text, int count) {
            add(text, text, count);
        }

        void add(String text, String cacheText, int count) {
            texts.add(text);
            cacheTexts.add(cacheText);
            tokens += count;
            longest = Math.max(longest, count);
        }
    }
}
