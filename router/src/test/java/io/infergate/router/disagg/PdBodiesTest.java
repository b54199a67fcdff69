package io.infergate.router.disagg;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PdBodiesTest {

    private static JsonObject json(byte[] bytes) {
        try (var r = Json.createReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
            return r.readObject();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void thePrefillAsksForOneTokenWithoutStreamingAndARemoteDecode() {
        JsonObject p = json(PdBodies.prefill(
                bytes("{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":50,\"max_completion_tokens\":50,"
                        + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"temperature\":0}")));
        assertEquals(1, p.getInt("max_tokens"));
        assertEquals(1, p.getInt("max_completion_tokens"));
        assertFalse(p.containsKey("stream"));
        assertFalse(p.containsKey("stream_options"));
        assertEquals(0, p.getInt("temperature"), "everything else as the client sent it");
        assertTrue(p.getJsonObject("kv_transfer_params").getBoolean("do_remote_decode"));
        assertFalse(p.getJsonObject("kv_transfer_params").getBoolean("do_remote_prefill"));
    }

    @Test
    void maxCompletionTokensIsOnlySetWhenTheClientSetIt() {
        JsonObject p = json(PdBodies.prefill(bytes("{\"model\":\"m\",\"prompt\":\"x\"}")));
        assertEquals(1, p.getInt("max_tokens"));
        assertFalse(p.containsKey("max_completion_tokens"));
    }

    @Test
    void theDecodeCarriesThePrefillAnswersParametersAndTheClientsStreamFlag() {
        Optional<JsonValue> kv = PdBodies.kvTransferParams(bytes(
                "{\"choices\":[],\"kv_transfer_params\":{\"do_remote_prefill\":true,\"remote_host\":\"10.0.0.1\"}}"));
        assertTrue(kv.isPresent());
        JsonObject d = json(PdBodies.decode(bytes("{\"model\":\"m\",\"prompt\":\"x\",\"stream\":true}"), kv));
        assertTrue(d.getBoolean("stream"));
        assertEquals("10.0.0.1", d.getJsonObject("kv_transfer_params").getString("remote_host"));
    }

    @Test
    void anAnswerWithoutParametersLeavesTheClientsBodyUnchanged() {
        assertEquals(Optional.empty(), PdBodies.kvTransferParams(bytes("{\"kv_transfer_params\":null}")));
        assertEquals(Optional.empty(), PdBodies.kvTransferParams(bytes("not json")));
        byte[] client = bytes("{\"model\":\"m\"}");
        assertEquals(client, PdBodies.decode(client, Optional.empty()));
    }
}
