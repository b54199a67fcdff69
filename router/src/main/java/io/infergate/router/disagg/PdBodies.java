package io.infergate.router.disagg;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParsingException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Optional;

/**
 * The bodies of the two phases of a disaggregated request, as vLLM's disaggregated serving expects
 * them (NixlConnector; the same shape Kthena's and llm-d's routers send).
 *
 * <p>Prefill: the client's body without {@code stream} and {@code stream_options}, with
 * {@code max_tokens} 1 ({@code max_completion_tokens} 1 when the client set it) and
 * {@code kv_transfer_params} asking for a remote decode. Decode: the client's body as sent, with the
 * {@code kv_transfer_params} the prefill pod answered (telling the decode pod where the KV blocks
 * are); without any in the answer, the decode pod prefills itself, which is slower but correct.
 */
public final class PdBodies {

    private static final JsonProvider JSON = JsonProvider.provider();

    private PdBodies() {}

    /** The prefill request's body. */
    public static byte[] prefill(byte[] client) {
        JsonObject in = read(client).orElseThrow(() -> new IllegalArgumentException("not a JSON object"));
        JsonObjectBuilder out = JSON.createObjectBuilder(in);
        out.remove("stream");
        out.remove("stream_options");
        out.add("max_tokens", 1);
        if (in.containsKey("max_completion_tokens")) {
            out.add("max_completion_tokens", 1);
        }
        out.add(
                "kv_transfer_params",
                JSON.createObjectBuilder()
                        .add("do_remote_decode", true)
                        .add("do_remote_prefill", false)
                        .addNull("remote_engine_id")
                        .addNull("remote_block_ids")
                        .addNull("remote_host")
                        .addNull("remote_port"));
        return write(out.build());
    }

    /** The decode request's body: the client's, with the prefill answer's transfer parameters when there are any. */
    public static byte[] decode(byte[] client, Optional<JsonValue> kvTransferParams) {
        if (kvTransferParams.isEmpty()) {
            return client;
        }
        JsonObject in = read(client).orElseThrow(() -> new IllegalArgumentException("not a JSON object"));
        return write(JSON.createObjectBuilder(in)
                .add("kv_transfer_params", kvTransferParams.get())
                .build());
    }

    /** The {@code kv_transfer_params} object of a prefill answer; empty when absent, null or unreadable. */
    public static Optional<JsonValue> kvTransferParams(byte[] prefillAnswer) {
        return read(prefillAnswer)
                .map(o -> o.get("kv_transfer_params"))
                .filter(v -> v.getValueType() == JsonValue.ValueType.OBJECT);
    }

    private static Optional<JsonObject> read(byte[] bytes) {
        try (var reader = JSON.createReader(new ByteArrayInputStream(bytes))) {
            JsonValue v = reader.readValue();
            return v instanceof JsonObject o ? Optional.of(o) : Optional.empty();
        } catch (JsonParsingException e) {
            return Optional.empty();
        } catch (JsonException e) {
            return Optional.empty();
        }
    }

    private static byte[] write(JsonObject o) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var writer = JSON.createWriter(out)) {
            writer.writeObject(o);
        }
        return out.toByteArray();
    }
}
