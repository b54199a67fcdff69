package io.infergate.router.epp;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.infergate.router.inference.ErrorBody;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The picker's side of one stream, message by message, with a decision made up by the test. */
class StreamProtocolTest {

    private final List<Inbound> seen = new ArrayList<>();

    private StreamProtocol routing(byte[] returned) {
        return new StreamProtocol(
                in -> {
                    seen.add(in);
                    return new Verdict.Route(
                            List.of("10.0.0.1:8000"),
                            returned,
                            List.of("x-gateway-model-name-rewrite"),
                            Verdict.Routed.NONE);
                },
                1024);
    }

    private static ProcessingRequest headers(boolean endOfStream) {
        return ProcessingRequest.newBuilder()
                .setRequestHeaders(HttpHeaders.newBuilder()
                        .setHeaders(HeaderMap.newBuilder()
                                .addHeaders(HeaderValue.newBuilder()
                                        .setKey(":method")
                                        .setRawValue(ByteString.copyFromUtf8("POST")))
                                .addHeaders(HeaderValue.newBuilder()
                                        .setKey("X-Gateway-Model-Name-Rewrite")
                                        .setValue("m")))
                        .setEndOfStream(endOfStream))
                .build();
    }

    private static ProcessingRequest body(String text, boolean endOfStream) {
        return ProcessingRequest.newBuilder()
                .setRequestBody(HttpBody.newBuilder()
                        .setBody(ByteString.copyFromUtf8(text))
                        .setEndOfStream(endOfStream))
                .build();
    }

    @Test
    void theHeadersAreAnsweredOnlyAfterTheLastBodyChunk() {
        StreamProtocol p = routing("{\"b\":1}".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), p.accept(headers(false)));
        assertEquals(List.of(), p.accept(body("{\"a\"", false)));
        List<ProcessingResponse> out = p.accept(body(":1}", true));
        assertEquals("{\"a\":1}", new String(seen.getFirst().body(), StandardCharsets.UTF_8), "the whole body, once");
        assertEquals(
                "m",
                seen.getFirst().headers().get("x-gateway-model-name-rewrite"),
                "names lower-case, value or raw value");
        assertEquals(2, out.size(), "headers answer, then the body in one chunk");
        assertTrue(out.get(0).hasRequestHeaders());
        assertEquals(
                List.of("x-gateway-model-name-rewrite"),
                out.get(0).getRequestHeaders().getResponse().getHeaderMutation().getRemoveHeadersList());
        assertEquals(
                "{\"b\":1}",
                out.get(1)
                        .getRequestBody()
                        .getResponse()
                        .getBodyMutation()
                        .getStreamedResponse()
                        .getBody()
                        .toStringUtf8());
        assertTrue(out.get(1)
                .getRequestBody()
                .getResponse()
                .getBodyMutation()
                .getStreamedResponse()
                .getEndOfStream());
    }

    @Test
    void aBodyLargerThanAChunkGoesBackIn62000ByteChunks() {
        byte[] big = new byte[150_000];
        StreamProtocol p = new StreamProtocol(
                in -> new Verdict.Route(List.of("10.0.0.1:8000"), big, List.of(), Verdict.Routed.NONE), 1024);
        p.accept(headers(false));
        List<ProcessingResponse> out = p.accept(body("{}", true));
        assertEquals(1 + 3, out.size());
        assertEquals(
                62_000,
                out.get(1)
                        .getRequestBody()
                        .getResponse()
                        .getBodyMutation()
                        .getStreamedResponse()
                        .getBody()
                        .size());
        assertEquals(
                26_000,
                out.get(3)
                        .getRequestBody()
                        .getResponse()
                        .getBodyMutation()
                        .getStreamedResponse()
                        .getBody()
                        .size());
    }

    @Test
    void aBodyOverTheLimitIs413AndARejectionIsOneImmediateResponse() {
        StreamProtocol p = routing(new byte[0]);
        p.accept(headers(false));
        List<ProcessingResponse> out = p.accept(body("x".repeat(2000), false));
        assertEquals(413, out.getFirst().getImmediateResponse().getStatus().getCodeValue());
        assertTrue(seen.isEmpty(), "never decided");
        StreamProtocol shed = new StreamProtocol(
                in -> new Verdict.Reject(
                        ErrorBody.of(429, "pool_saturated", "full"), Optional.of(java.time.Duration.ofSeconds(2))),
                1024);
        shed.accept(headers(false));
        ProcessingResponse r = shed.accept(body("{}", true)).getFirst();
        assertEquals(429, r.getImmediateResponse().getStatus().getCodeValue());
        assertTrue(r.getImmediateResponse().getBody().toStringUtf8().contains("pool_saturated"));
        assertEquals(
                "retry-after",
                r.getImmediateResponse()
                        .getHeaders()
                        .getSetHeaders(1)
                        .getHeader()
                        .getKey());
    }

    @Test
    void messagesOutOfOrderAreAProtocolError() {
        StreamProtocol p = routing(new byte[0]);
        assertThrows(StreamProtocol.ProtocolException.class, () -> p.accept(body("{}", true)), "a body before headers");
        StreamProtocol q = routing(new byte[0]);
        q.accept(headers(true));
        assertThrows(StreamProtocol.ProtocolException.class, () -> q.accept(headers(true)), "headers twice");
    }
}
