package io.infergate.router.extproc;

import io.grpc.ManagedChannel;
import io.infergate.router.testing.TestPicker;
import io.infergate.router.testing.TestPicker.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request phase of the ext_proc protocol against a real gRPC picker on a loopback socket: the
 * picker answers the headers only after the whole body (so a client waiting for that answer first
 * would never finish), names endpoints, rewrites the body, answers itself, or stays silent.
 */
class PickerClientTest {

    private static final PickerSettings PLAIN =
            new PickerSettings(Duration.ofSeconds(10), PickerSettings.Tls.PLAINTEXT, 62_000);
    private static final byte[] BODY = "{\"model\":\"m\",\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8);

    private TestPicker picker;
    private PickerChannels channels;

    @AfterEach
    void stop() {
        if (channels != null) {
            channels.close();
        }
        if (picker != null) {
            picker.close();
        }
    }

    private Decision ask(PickerSettings settings, int port, byte[] body) throws InterruptedException {
        channels = new PickerChannels(settings);
        ManagedChannel channel = channels.channel("127.0.0.1", port);
        return new PickerClient(settings)
                .ask(
                        channel,
                        new PickerRequest(
                                "POST",
                                "/v1/completions",
                                "llm.test",
                                "http",
                                List.of(
                                        Map.entry("Content-Type", "application/json"),
                                        Map.entry("test-epp-endpoint-selection", "x")),
                                body));
    }

    @Test
    void headersThenWholeBodyWithoutWaitingThenTheNamedEndpointAndTheRewrittenBody() throws Exception {
        byte[] rewritten = "{\"model\":\"other\",\"prompt\":\"hi there\"}".getBytes(StandardCharsets.UTF_8);
        picker = new TestPicker(
                seen -> new Reply.Route("10.0.0.2:8000", "10.0.0.2:8000", Map.of("x-picked-by", "test"), rewritten));
        Decision d = ask(PLAIN, picker.port(), BODY);
        Decision.Route r = assertInstanceOf(Decision.Route.class, d);
        assertEquals(List.of("10.0.0.2:8000"), r.endpoints());
        assertArrayEquals(rewritten, r.body().orElseThrow());
        assertTrue(
                r.setHeaders().contains(Map.entry("x-picked-by", "test")),
                r.setHeaders().toString());
        TestPicker.Seen seen = picker.seen().getFirst();
        assertArrayEquals(BODY, seen.body());
        assertEquals("POST", seen.headers().get(":method"));
        assertEquals("/v1/completions", seen.headers().get(":path"));
        assertEquals("x", seen.headers().get("test-epp-endpoint-selection"));
    }

    @Test
    void aLargeBodyGoesInChunksAndComesBackWhole() throws Exception {
        byte[] big = ("{\"model\":\"m\",\"prompt\":\"" + "a".repeat(200_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] bigger =
                ("{\"model\":\"m\",\"prompt\":\"" + "b".repeat(250_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        picker = new TestPicker(seen -> new Reply.Route("10.0.0.1:8000", null, Map.of(), bigger));
        Decision.Route r = assertInstanceOf(Decision.Route.class, ask(PLAIN, picker.port(), big));
        assertArrayEquals(bigger, r.body().orElseThrow());
        TestPicker.Seen seen = picker.seen().getFirst();
        assertArrayEquals(big, seen.body());
        assertEquals((big.length + 61_999) / 62_000, seen.bodyMessages(), "chunks of at most 62,000 bytes");
    }

    @Test
    void aCommaListIsAnOrderedFallbackListAndAnUnchangedBodyIsNotReplaced() throws Exception {
        picker = new TestPicker(seen -> new Reply.Route(null, " 10.0.0.3:8000 , 10.0.0.1:8000", Map.of(), null));
        Decision.Route r = assertInstanceOf(Decision.Route.class, ask(PLAIN, picker.port(), BODY));
        assertEquals(List.of("10.0.0.3:8000", "10.0.0.1:8000"), r.endpoints());
        assertArrayEquals(BODY, r.body().orElseThrow(), "streamed back unchanged");
    }

    @Test
    void headerAndMetadataMustAgree() throws Exception {
        picker = new TestPicker(seen -> new Reply.Route("10.0.0.1:8000", "10.0.0.2:8000", Map.of(), null));
        Decision.Failed f = assertInstanceOf(Decision.Failed.class, ask(PLAIN, picker.port(), BODY));
        assertEquals("protocol", f.kind());
        assertTrue(f.reason().contains("10.0.0.2:8000"), f.reason());
    }

    @Test
    void noDestinationIsAProtocolFailure() throws Exception {
        picker = new TestPicker(seen -> new Reply.Route(null, null, Map.of(), null));
        Decision.Failed f = assertInstanceOf(Decision.Failed.class, ask(PLAIN, picker.port(), BODY));
        assertEquals("protocol", f.kind());
    }

    @Test
    void aRequestWithoutBodyEndsWithItsHeaders() throws Exception {
        picker = new TestPicker(seen -> new Reply.Route("10.0.0.1:8000", "10.0.0.1:8000", Map.of(), null));
        Decision.Route r = assertInstanceOf(Decision.Route.class, ask(PLAIN, picker.port(), new byte[0]));
        assertTrue(r.body().isEmpty());
        assertEquals(0, picker.seen().getFirst().bodyMessages());
    }

    @Test
    void anImmediateResponseIsPassedOn() throws Exception {
        picker = new TestPicker(seen -> new Reply.Immediate(429, "shed"));
        Decision.Immediate i = assertInstanceOf(Decision.Immediate.class, ask(PLAIN, picker.port(), BODY));
        assertEquals(429, i.status());
        assertEquals("shed", new String(i.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aSilentPickerTimesOut() throws Exception {
        picker = new TestPicker(seen -> new Reply.Silent());
        PickerSettings quick = new PickerSettings(Duration.ofMillis(300), PickerSettings.Tls.PLAINTEXT, 62_000);
        Decision.Failed f = assertInstanceOf(Decision.Failed.class, ask(quick, picker.port(), BODY));
        assertEquals("timeout", f.kind());
    }

    @Test
    void anUnreachablePickerIsUnavailable() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Decision.Failed f = assertInstanceOf(Decision.Failed.class, ask(PLAIN, closed, BODY));
        assertEquals("unavailable", f.kind(), f.reason());
    }
}
