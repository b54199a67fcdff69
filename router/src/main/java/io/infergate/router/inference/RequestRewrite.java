package io.infergate.router.inference;

import jakarta.json.JsonObject;

import java.util.Optional;

/** Rewrites the {@code model} of an OpenAI request body before it goes upstream. */
public final class RequestRewrite {

    private RequestRewrite() {}

    /**
     * The body with its top-level {@code model} replaced, other fields and their order kept (the
     * body was parsed and validated already, so it is one JSON object).
     */
    public static byte[] withModel(byte[] body, String model) {
        Optional<JsonObject> o = OpenAiJson.object(body, 0, body.length);
        return o.map(json -> OpenAiJson.withModel(json, model)).orElse(body);
    }
}
