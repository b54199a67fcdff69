package io.infergate.simulator.openai;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

import java.util.UUID;

/**
 * The answer of the prefill half of a disaggregated request (vLLM's NixlConnector shape): the
 * response carries {@code kv_transfer_params} telling the decode pod where the KV blocks are
 * ({@code do_remote_prefill: true}, this pod's engine id, host and port, the block ids). The
 * router passes them into the decode request unchanged; the simulated decode pod only reads
 * {@code do_remote_prefill}.
 */
final class KvTransfer {

    private static final JsonProvider JSON = JsonProvider.provider();

    private KvTransfer() {}

    /** {@code body} with the prefill pod's {@code kv_transfer_params}. */
    static JsonObject withPrefillAnswer(JsonObject body, String host, int port) {
        String blocks = UUID.randomUUID().toString();
        return JSON.createObjectBuilder(body)
                .add(
                        "kv_transfer_params",
                        JSON.createObjectBuilder()
                                .add("do_remote_decode", false)
                                .add("do_remote_prefill", true)
                                .add("remote_engine_id", host + ":" + port)
                                .add(
                                        "remote_block_ids",
                                        JSON.createArrayBuilder().add(blocks))
                                .add("remote_host", host)
                                .add("remote_port", port)
                                .add("tp_size", 1))
                .build();
    }
}
