package io.infergate.simulator.http;

import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonStructure;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;

import java.io.ByteArrayOutputStream;
import java.util.Map;

/**
 * Shared JSON-P factories. {@code Json.createObjectBuilder()} looks the provider up on every
 * call; one factory per process keeps the per-token cost of streaming low.
 */
public final class JsonBodies {

    public static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());
    public static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());
    private static final JsonWriterFactory WRITERS = Json.createWriterFactory(Map.of());

    /** Media type of every JSON response. */
    public static final String CONTENT_TYPE = "application/json";

    private JsonBodies() {}

    /** Compact UTF-8 JSON. */
    public static byte[] bytes(JsonStructure json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonWriter writer = WRITERS.createWriter(out)) {
            writer.write(json);
        }
        return out.toByteArray();
    }

    /** An empty object, for handlers with nothing to say but 200. */
    public static JsonObject empty() {
        return BUILDERS.createObjectBuilder().build();
    }
}
