package io.infergate.router.inference;

import io.infergate.common.json.JsonLimits;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and rewrites whole JSON objects of OpenAI bodies (a request whose model is rewritten, a
 * response or one SSE event whose model is restored). The factories are created once: each
 * {@code Json.createX} call repeats a ServiceLoader scan.
 */
final class OpenAiJson {

    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());
    private static final JsonWriterFactory WRITERS = Json.createWriterFactory(Map.of());
    static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());

    private OpenAiJson() {}

    /** Bodies up to this size are decoded to a String at once (below): cheaper than a stream decoder. */
    private static final int DECODE_AT_ONCE_BYTES = 256 * 1024;

    /**
     * JSON text read as UTF-8, the only encoding of JSON between systems (RFC 8259 section 8.1),
     * a leading byte order mark skipped (the RFC lets parsers ignore it). Small texts become one
     * String first: JSON-P's parser over an InputStream wraps it in a decoder with 8 KiB buffers
     * and encoding detection, per request, which cost more than the parse of a 300-byte body.
     */
    static Reader utf8(byte[] bytes, int offset, int length) {
        if (length >= 3
                && bytes[offset] == (byte) 0xEF
                && bytes[offset + 1] == (byte) 0xBB
                && bytes[offset + 2] == (byte) 0xBF) {
            offset += 3;
            length -= 3;
        }
        return length <= DECODE_AT_ONCE_BYTES
                ? new StringReader(new String(bytes, offset, length, StandardCharsets.UTF_8))
                : new InputStreamReader(new ByteArrayInputStream(bytes, offset, length), StandardCharsets.UTF_8);
    }

    /** The object in {@code bytes}; empty when they are not one JSON object. */
    static Optional<JsonObject> object(byte[] bytes, int offset, int length) {
        if (JsonLimits.tooDeep(bytes, offset, length, JsonLimits.MAX_REQUEST_DEPTH)) {
            return Optional.empty();
        }
        try (JsonReader r = READERS.createReader(utf8(bytes, offset, length))) {
            JsonValue v = r.readValue();
            return v instanceof JsonObject o ? Optional.of(o) : Optional.empty();
        } catch (JsonParsingException | IllegalStateException e) {
            return Optional.empty();
        } catch (RuntimeException e) { // JsonException, or the provider's own limits on hostile input
            return Optional.empty();
        }
    }

    /**
     * The top-level member {@code name} of a JSON object, when it is an object, read without
     * building the rest: the other members are skipped by the streaming parser (a completion's
     * choices and text are most of its bytes). Empty when the body is no JSON object, has no such
     * member, or is malformed before the member ends (what follows it is not read).
     */
    static Optional<JsonObject> memberObject(byte[] bytes, int offset, int length, String name) {
        if (JsonLimits.tooDeep(bytes, offset, length, JsonLimits.MAX_REQUEST_DEPTH)) {
            return Optional.empty();
        }
        try (JsonParser p = OpenAiParser.PARSERS.createParser(utf8(bytes, offset, length))) {
            if (!p.hasNext() || p.next() != JsonParser.Event.START_OBJECT) {
                return Optional.empty();
            }
            while (p.hasNext()) {
                JsonParser.Event e = p.next();
                if (e != JsonParser.Event.KEY_NAME) {
                    return Optional.empty(); // END_OBJECT: no such member
                }
                boolean wanted = name.equals(p.getString());
                JsonParser.Event value = p.next();
                if (wanted) {
                    return value == JsonParser.Event.START_OBJECT ? Optional.of(p.getObject()) : Optional.empty();
                }
                OpenAiParser.skip(p, value); // not Parsson's skipArray: see there
            }
            return Optional.empty();
        } catch (RuntimeException e) { // JsonParsingException, JsonException, the provider's own limits
            return Optional.empty();
        }
    }

    /** {@code o} with its top-level {@code model} set to {@code model}, field order kept, as UTF-8. */
    static byte[] withModel(JsonObject o, String model) {
        return write(BUILDERS.createObjectBuilder(o).add("model", model).build());
    }

    /** {@code "model":"<name>"} as the writer encodes it (escapes included), without braces. */
    static byte[] modelField(String name) {
        byte[] object = write(BUILDERS.createObjectBuilder().add("model", name).build());
        return java.util.Arrays.copyOfRange(object, 1, object.length - 1);
    }

    static byte[] write(JsonObject o) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonWriter w = WRITERS.createWriter(out)) {
            w.writeObject(o);
        }
        return out.toByteArray();
    }
}
