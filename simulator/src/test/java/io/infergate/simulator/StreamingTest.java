package io.infergate.simulator;

import io.infergate.simulator.TestClient.Event;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.infergate.simulator.TestClient.events;
import static io.infergate.simulator.TestClient.postRequest;
import static io.infergate.simulator.TestClient.sendStreaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server-sent events: shape, usage chunk, [DONE], and that tokens leave the server one by one. */
class StreamingTest {

    private static final String MODEL = "Qwen2.5-0.5B-Instruct";
    private static SimulatedPod pod;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .timeToFirstToken(Duration.ZERO)
                .interTokenLatency(Duration.ZERO)
                .build());
    }

    @AfterAll
    static void stop() {
        pod.close();
    }

    @Test
    void chatStreamHasOneChunkPerTokenUsageChunkThenDone() {
        List<Event> events = stream(pod, "/v1/chat/completions", """
                {"model":"%s","messages":[{"role":"user","content":"Tell me a story"}],"max_tokens":3,
                 "stream":true,"stream_options":{"include_usage":true}}""".formatted(MODEL));

        assertEquals(5, events.size(), events.toString());
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            JsonObject chunk = events.get(i).json();
            assertEquals("chat.completion.chunk", chunk.getString("object"));
            assertEquals(events.getFirst().json().getString("id"), chunk.getString("id"));
            JsonObject choice = chunk.getJsonArray("choices").getJsonObject(0);
            JsonObject delta = choice.getJsonObject("delta");
            assertEquals(i == 0, delta.containsKey("role"), "role only in the first delta");
            content.append(delta.getString("content"));
            if (i < 2) {
                assertTrue(choice.isNull("finish_reason"));
            } else {
                assertEquals("length", choice.getString("finish_reason"));
            }
        }
        assertEquals(3, content.toString().split(" ").length);
        JsonObject usageChunk = events.get(3).json();
        assertTrue(usageChunk.getJsonArray("choices").isEmpty());
        assertEquals(4, usageChunk.getJsonObject("usage").getInt("prompt_tokens"));
        assertEquals(3, usageChunk.getJsonObject("usage").getInt("completion_tokens"));
        assertEquals(7, usageChunk.getJsonObject("usage").getInt("total_tokens"));
        assertTrue(events.get(4).done());
    }

    @Test
    void completionStreamWithoutIncludeUsageHasNoUsageChunk() {
        List<Event> events = stream(
                pod,
                "/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"Once\",\"max_tokens\":4,\"stream\":true}");

        assertEquals(5, events.size(), events.toString());
        assertTrue(events.getLast().done());
        for (Event event : events.subList(0, 4)) {
            JsonObject chunk = event.json();
            assertEquals("text_completion", chunk.getString("object"));
            assertFalse(chunk.containsKey("usage"));
            assertFalse(chunk.getJsonArray("choices")
                    .getJsonObject(0)
                    .getString("text")
                    .isEmpty());
        }
        assertEquals(
                "length",
                events.get(3).json().getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
    }

    @Test
    void streamedTextEqualsNonStreamedText() {
        String request = "{\"model\":\"" + MODEL + "\",\"prompt\":\"Same words\",\"max_tokens\":6";
        StringBuilder streamed = new StringBuilder();
        for (Event event : stream(pod, "/v1/completions", request + ",\"stream\":true}")) {
            if (!event.done()) {
                streamed.append(
                        event.json().getJsonArray("choices").getJsonObject(0).getString("text"));
            }
        }
        String whole = TestClient.json(
                        TestClient.post(pod, "/v1/completions", request + "}").body())
                .getJsonArray("choices")
                .getJsonObject(0)
                .getString("text");
        assertEquals(whole, streamed.toString());
    }

    /**
     * With 250 ms between tokens, the server spends 4 × 250 ms between writing the first and the
     * last token. If events were buffered they would arrive together; streamed, the first arrives
     * at least ~1 s before [DONE]. Half of that is asserted to leave room for a slow machine.
     */
    @Test
    void firstEventArrivesLongBeforeTheStreamEnds() {
        Duration itl = Duration.ofMillis(250);
        try (SimulatedPod slow = SimulatedPod.start(SimulatorConfig.builder()
                .timeToFirstToken(Duration.ZERO)
                .interTokenLatency(itl)
                .build())) {
            List<Event> events = stream(
                    slow,
                    "/v1/completions",
                    "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":5,\"stream\":true}");

            assertEquals(6, events.size());
            long gapNanos = events.getLast().arrivalNanos() - events.getFirst().arrivalNanos();
            assertTrue(
                    gapNanos >= itl.multipliedBy(4).dividedBy(2).toNanos(),
                    "first event only " + gapNanos / 1_000_000 + " ms before [DONE]");
            for (int i = 1; i < events.size(); i++) {
                assertTrue(events.get(i).arrivalNanos() >= events.get(i - 1).arrivalNanos());
            }
        }
    }

    @Test
    void streamingResponseIsAnEventStream() {
        HttpResponse<InputStream> res = sendStreaming(postRequest(
                pod,
                "/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":1,\"stream\":true}"));
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        assertEquals(2, events(res.body()).size());
    }

    private static List<Event> stream(SimulatedPod target, String path, String body) {
        HttpResponse<InputStream> res = sendStreaming(postRequest(target, path, body));
        assertEquals(200, res.statusCode());
        return events(res.body());
    }
}
