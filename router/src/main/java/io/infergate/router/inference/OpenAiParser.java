package io.infergate.router.inference;

import io.infergate.common.json.JsonLimits;
import jakarta.json.Json;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code model} and {@code stream} from an OpenAI request body with the JSON-P streaming
 * parser: top-level fields only, everything else skipped without building objects, and the
 * whole document still checked for well-formedness (a truncated body is rejected rather than
 * forwarded).
 */
public final class OpenAiParser {

    /** The outcome of parsing. */
    public sealed interface Result {
        /** A usable request. */
        record Ok(OpenAiRequest request) implements Result {}

        /**
         * Not a usable request.
         *
         * @param message what is wrong
         * @param param   the offending field, if one is to blame
         */
        record Invalid(String message, Optional<String> param) implements Result {}
    }

    /**
     * One factory for the process: {@code Json.createParser} looks the JSON-P provider up through
     * the ServiceLoader on every call, which scanned the class path and cost ~0.7 ms of CPU per
     * request in the proxy benchmark.
     */
    static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

    private OpenAiParser() {}

    /** Parses a UTF-8 JSON body. */
    public static Result parse(byte[] body) {
        if (JsonLimits.tooDeep(body, JsonLimits.MAX_REQUEST_DEPTH)) {
            return new Result.Invalid(
                    "request body is not accepted: " + JsonLimits.tooDeepMessage(JsonLimits.MAX_REQUEST_DEPTH),
                    Optional.empty());
        }
        String model = null;
        boolean stream = false;
        String prompt = null;
        String messages = null;
        long maxTokens = -1;
        long maxCompletionTokens = -1;
        try (JsonParser p = PARSERS.createParser(OpenAiJson.utf8(body, 0, body.length))) {
            if (!p.hasNext() || p.next() != JsonParser.Event.START_OBJECT) {
                return new Result.Invalid("request body must be a JSON object", Optional.empty());
            }
            while (p.hasNext()) {
                JsonParser.Event e = p.next();
                if (e == JsonParser.Event.END_OBJECT) {
                    break;
                }
                String key = p.getString(); // e is KEY_NAME at depth 1
                JsonParser.Event value = p.next();
                switch (key) {
                    case "model" -> {
                        if (value != JsonParser.Event.VALUE_STRING) {
                            return new Result.Invalid("'model' must be a string", Optional.of("model"));
                        }
                        model = p.getString();
                    }
                    case "stream" -> {
                        if (value == JsonParser.Event.VALUE_TRUE) {
                            stream = true;
                        } else if (value == JsonParser.Event.VALUE_FALSE || value == JsonParser.Event.VALUE_NULL) {
                            stream = false;
                        } else {
                            return new Result.Invalid("'stream' must be a boolean", Optional.of("stream"));
                        }
                    }
                    // The prefix plugins hash these; read in this same pass so the body is parsed once.
                    case "messages" ->
                        messages = value == JsonParser.Event.START_ARRAY
                                ? p.getArray().toString()
                                : skipped(p, value);
                    case "prompt" ->
                        prompt = value == JsonParser.Event.VALUE_STRING
                                ? p.getString()
                                : value == JsonParser.Event.START_ARRAY
                                        ? p.getArray().toString()
                                        : skipped(p, value);
                    // Rate limits reserve the completion's bound; anything else is the model server's to judge.
                    case "max_tokens" -> maxTokens = count(p, value, maxTokens);
                    case "max_completion_tokens" -> maxCompletionTokens = count(p, value, maxCompletionTokens);
                    default -> skip(p, value);
                }
            }
            if (p.hasNext()) {
                p.next(); // anything after the top-level object is an error the parser reports
            }
        } catch (RuntimeException e) {
            // JsonParsingException, IllegalStateException, NoSuchElementException, and whatever else
            // the provider throws on hostile input (Parsson's own
            // depth and number-size limits throw bare RuntimeExceptions): the client's error, not a 500
            return new Result.Invalid("request body is not valid JSON: " + e.getMessage(), Optional.empty());
        }
        if (model == null || model.isBlank()) {
            return new Result.Invalid("you must provide a model parameter", Optional.of("model"));
        }
        // Chat: the compact JSON of messages (equal conversations give equal text); completions:
        // the prompt string, or the JSON of an array prompt.
        String promptText = messages != null ? messages : prompt != null ? prompt : "";
        return new Result.Ok(new OpenAiRequest(
                model, stream, promptText, maxCompletionTokens >= 0 ? maxCompletionTokens : maxTokens));
    }

    /** A non-negative integer value, else {@code fallback} (the value is skipped). */
    private static long count(JsonParser p, JsonParser.Event value, long fallback) {
        if (value == JsonParser.Event.VALUE_NUMBER && p.isIntegralNumber()) {
            long n = p.getLong();
            return n >= 0 ? n : fallback;
        }
        skip(p, value);
        return fallback;
    }

    private static String skipped(JsonParser p, JsonParser.Event value) {
        skip(p, value);
        return null;
    }

    /**
     * Skips the value that starts with {@code value} by reading its events. Not Parsson's
     * {@code skipArray}/{@code skipObject}: in Parsson 1.1.7 they loop forever on a truncated or
     * malformed array or object ({@code [1} or {@code [1,"a":}), which pinned a carrier thread per
     * request (found by FramingFuzzTest). {@code next()} throws on such input instead; the depth
     * is bounded by the check before parsing.
     */
    static void skip(JsonParser p, JsonParser.Event value) {
        if (value != JsonParser.Event.START_OBJECT && value != JsonParser.Event.START_ARRAY) {
            return;
        }
        int depth = 1;
        while (depth > 0) {
            JsonParser.Event e = p.next();
            if (e == JsonParser.Event.START_OBJECT || e == JsonParser.Event.START_ARRAY) {
                depth++;
            } else if (e == JsonParser.Event.END_OBJECT || e == JsonParser.Event.END_ARRAY) {
                depth--;
            }
        }
    }
}
