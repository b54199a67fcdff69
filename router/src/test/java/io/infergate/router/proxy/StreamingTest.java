package io.infergate.router.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SSE through the router: events reach the client as the upstream produces them, a client that
 * leaves frees the upstream, and a stream outliving its route timeout is cut. The pod decodes
 * slowly (ITL below), so "before the upstream finished" is observable without timing asserts:
 * the pod counts a request as served only once its last token is delivered.
 */
class StreamingTest {

    private static final Duration ITL = Duration.ofMillis(150);
    private static final int TOKENS = 12; // the whole stream takes TOKENS × ITL ≈ 1.8 s

    private static SimulatedPod pod;
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .podName("stream-0")
                .timeToFirstToken(Duration.ofMillis(10))
                .interTokenLatency(ITL)
                .build());
        router = RouterFixture.start();
        port = Http.freePort();
        var sims = pool("sims", endpoint("127.0.0.1", pod.port(), pod.podName()));
        Http.Reply put = router.put(snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(
                        route("stream")
                                .rule(rule(prefix("/v1")).backend(sims.id()))
                                .build(),
                        route("short")
                                .hosts("short.test")
                                .rule(rule(prefix("/v1"))
                                        .backend(sims.id())
                                        .requestTimeout(ITL.multipliedBy(TOKENS / 3)))
                                .build()),
                List.of(sims)));
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        router.close();
        pod.close();
    }

    private static HttpClientResponse openStream(String host) {
        String body = "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"count\",\"max_tokens\":" + TOKENS
                + ",\"stream\":true}";
        return router.http()
                .request(Method.POST, port, "/v1/completions", host)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(body.getBytes(StandardCharsets.UTF_8));
    }

    /** The next non-empty line. */
    private static String nextEvent(BufferedReader reader) throws IOException {
        String line;
        do {
            line = reader.readLine();
        } while (line != null && line.isEmpty());
        return line;
    }

    @Test
    void theFirstEventArrivesWhileTheUpstreamIsStillGenerating() throws IOException {
        long servedBefore = pod.requestsServed();
        try (HttpClientResponse res = openStream("any.test")) {
            assertEquals(200, res.status().code());
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(res.inputStream(), StandardCharsets.UTF_8));
            String first = nextEvent(reader);
            assertTrue(first.startsWith("data: {"), first);
            // the pod has not delivered its last token yet: the router did not buffer the stream
            assertEquals(servedBefore, pod.requestsServed(), "upstream finished before the first event arrived");
            List<String> events = new ArrayList<>();
            for (String e = nextEvent(reader); e != null; e = nextEvent(reader)) {
                events.add(e);
            }
            assertEquals("data: [DONE]", events.getLast());
            assertEquals(TOKENS, events.size(), "one event per token after the first, then [DONE]");
        }
        await().until(() -> pod.requestsServed() == servedBefore + 1);
    }

    @Test
    void aClientLeavingMidStreamFreesTheExchange() throws IOException {
        HttpClientResponse res = openStream("any.test");
        BufferedReader reader = new BufferedReader(new InputStreamReader(res.inputStream(), StandardCharsets.UTF_8));
        assertTrue(nextEvent(reader).startsWith("data: {"));
        assertEquals(1, router.app().activeRequests());
        res.close(); // the client closes its connection mid-stream
        // the router notices on its next write and releases the request and its endpoint slot
        await().atMost(Duration.ofSeconds(10)).until(() -> router.app().activeRequests() == 0);
    }

    @Test
    void aStreamOutlivingItsRouteTimeoutIsCut() {
        try (HttpClientResponse res = openStream("short.test")) {
            assertEquals(200, res.status().code(), "headers arrived within the timeout");
            String received;
            try {
                received = new String(res.inputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                received = ""; // the connection was cut mid-chunk: a truncated stream
            }
            assertFalse(received.contains("[DONE]"), "the stream must not complete: " + received);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> router.app().activeRequests() == 0);
    }
}
