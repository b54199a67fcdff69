package io.infergate.router.extproc;

import io.infergate.router.testing.TestPicker;
import io.infergate.router.testing.TestPicker.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parts of the ext_proc stream around the pick, against a real gRPC picker on a loopback
 * socket: the subset hint goes with the request headers; after the pick the response headers go
 * with the served endpoint, and the response body follows piece by piece, the picker's echo of it
 * never awaited (it may not change the body).
 */
class PickerStreamTest {

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

    private PickerClient.Asked ask(List<String> subset) throws InterruptedException {
        channels = new PickerChannels(PLAIN);
        return new PickerClient(PLAIN)
                .askKeepingStream(
                        channels.channel("127.0.0.1", picker.port()),
                        new PickerRequest("POST", "/v1/completions", "llm.test", "http", List.of(), BODY, subset));
    }

    @Test
    void theSubsetHintGoesWithTheRequestHeadersOnlyWhenGiven() throws Exception {
        picker = new TestPicker(seen -> new Reply.Route("10.0.0.2:8000", "10.0.0.2:8000", Map.of(), null));
        ask(List.of("10.0.0.2:8000", "10.0.0.3:8000")).phase().close();
        assertEquals(
                List.of("10.0.0.2:8000", "10.0.0.3:8000"),
                picker.seen().getFirst().subset());
        ask(List.of()).phase().close();
        assertEquals(List.of(), picker.seen().get(1).subset(), "no hint when the router did not narrow");
    }

    @Test
    void theResponseHeadersCarryTheServedEndpointAndTheBodyFollowsPieceByPiece() throws Exception {
        picker = new TestPicker(seen -> new Reply.Route("10.0.0.2:8000", "10.0.0.2:8000", Map.of(), null));
        PickerClient.Asked asked = ask(List.of());
        assertInstanceOf(Decision.Route.class, asked.decision());
        try (ResponsePhase phase = asked.phase()) {
            ResponsePhase.Mutations m = phase.responseHeaders(
                    200, List.of(Map.entry("Content-Type", "text/event-stream")), "10.0.0.2:8000");
            assertTrue(
                    m.set().contains(Map.entry("x-conformance-test-served-endpoint", "10.0.0.2:8000")), m.toString());
            byte[] events = "data: {\"a\":1}\n\ndata: {\"a\":2}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
            phase.responseBody(events, 0, 15, false);
            // the picker sees the first piece while the response is still going on
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> picker.responding().equals("data: {\"a\":1}\n\n"));
            phase.responseBody(events, 15, 15, false);
            phase.responseBody(events, 30, events.length - 30, false);
            phase.responseBody(events, 0, 0, true);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> picker.responses().size() == 1);
        TestPicker.SeenResponse r = picker.responses().getFirst();
        assertEquals("10.0.0.2:8000", r.served());
        assertEquals("data: {\"a\":1}\n\ndata: {\"a\":2}\n\ndata: [DONE]\n\n", r.body());
        assertEquals(4, r.messages(), "three pieces and the end of stream");
        assertTrue(r.ended());
    }

    @Test
    void nothingOfTheBodyIsSentBeforeTheResponseHeadersOrAfterTheEnd() throws Exception {
        picker = new TestPicker(seen -> new Reply.Route("10.0.0.2:8000", "10.0.0.2:8000", Map.of(), null));
        try (ResponsePhase phase = ask(List.of()).phase()) {
            byte[] b = "x".getBytes(StandardCharsets.UTF_8);
            phase.responseBody(b, 0, 1, false); // no headers yet: dropped
            phase.responseHeaders(200, List.of(), "10.0.0.2:8000");
            phase.responseBody(b, 0, 1, true);
            phase.responseBody(b, 0, 1, false); // after the end: dropped
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> picker.responses().size() == 1);
        assertEquals("x", picker.responses().getFirst().body());
        assertEquals(1, picker.responses().getFirst().messages());
    }

    @Test
    void withoutAResponseHeadersWaitTheHeadersGoOnUnchangedAndTheBodyStillFlows() throws Exception {
        picker = new TestPicker(seen -> new Reply.Route("10.0.0.2:8000", "10.0.0.2:8000", Map.of(), null));
        PickerSettings noWait = new PickerSettings(
                Duration.ofSeconds(10),
                PickerSettings.Tls.PLAINTEXT,
                62_000,
                java.util.Optional.empty(),
                Duration.ofSeconds(1),
                PickerSettings.EPP_HEALTH_PORT,
                Duration.ZERO);
        channels = new PickerChannels(noWait);
        PickerClient.Asked asked = new PickerClient(noWait)
                .askKeepingStream(
                        channels.channel("127.0.0.1", picker.port()),
                        new PickerRequest("POST", "/v1/completions", "llm.test", "http", List.of(), BODY));
        try (ResponsePhase phase = asked.phase()) {
            assertEquals(ResponsePhase.Mutations.NONE, phase.responseHeaders(200, List.of(), "10.0.0.2:8000"));
            byte[] b = "x".getBytes(StandardCharsets.UTF_8);
            phase.responseBody(b, 0, 1, true);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> picker.responses().size() == 1);
        assertEquals("10.0.0.2:8000", picker.responses().getFirst().served());
        assertEquals("x", picker.responses().getFirst().body());
    }
}
