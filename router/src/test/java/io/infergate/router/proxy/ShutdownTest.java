package io.infergate.router.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.infergate.router.match.SocketKey;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RawConnection;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

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

/** Graceful shutdown (what SIGTERM runs): stop accepting, let in-flight streams finish. */
class ShutdownTest {

    @Test
    void closingTheRouterDrainsAStreamInFlight() throws Exception {
        try (SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                .podName("drain-0")
                .timeToFirstToken(Duration.ofMillis(10))
                .interTokenLatency(Duration.ofMillis(100))
                .build())) {
            RouterFixture router = RouterFixture.start();
            int port = Http.freePort();
            var sims = pool("sims", endpoint("127.0.0.1", pod.port(), pod.podName()));
            assertEquals(
                    200,
                    router.put(snapshot(
                                    List.of(gateway("gw", listener("http", port))),
                                    List.of(route("r")
                                            .rule(rule(prefix("/")).backend(sims.id()))
                                            .build()),
                                    List.of(sims)))
                            .status());
            String body = "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"p\",\"max_tokens\":10,\"stream\":true}";
            try (HttpClientResponse res = router.http()
                    .request(Method.POST, port, "/v1/completions", "a.test")
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .submit(body.getBytes(StandardCharsets.UTF_8))) {
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(res.inputStream(), StandardCharsets.UTF_8));
                assertTrue(reader.readLine().startsWith("data: {"));
                Thread closing = Thread.ofVirtual().start(router::close);
                await().until(() -> !router.app().isOpen(new SocketKey("127.0.0.1", port)));
                assertFalse(router.app().ready(), "readiness goes down at once");
                String rest = reader.lines().collect(java.util.stream.Collectors.joining("\n"));
                assertTrue(rest.strip().endsWith("data: [DONE]"), "the stream in flight completed: " + rest);
                closing.join(Duration.ofSeconds(30));
                assertFalse(closing.isAlive());
            }
        }
    }

    /**
     * SIGTERM's drain: a client whose stream was in flight when the drain began sends its next
     * request on the same kept-alive connection (here pipelined, so that it is there for sure when
     * the stream ends). That request is served and says {@code Connection: close}; the sockets
     * close only after the quiet period. A plain stop closed the connection after the stream, and
     * the next request got no response byte ("header parser received no bytes" in a JDK client).
     */
    @Test
    void drainServesTheNextRequestOnAKeptAliveConnectionWithConnectionClose() throws Exception {
        try (SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                        .podName("drain-1")
                        .timeToFirstToken(Duration.ofMillis(10))
                        .interTokenLatency(Duration.ofMillis(100))
                        .build());
                RouterFixture router = RouterFixture.start()) {
            int port = Http.freePort();
            var sims = pool("sims", endpoint("127.0.0.1", pod.port(), pod.podName()));
            assertEquals(
                    200,
                    router.put(snapshot(
                                    List.of(gateway("gw", listener("http", port))),
                                    List.of(route("r")
                                            .rule(rule(prefix("/")).backend(sims.id()))
                                            .build()),
                                    List.of(sims)))
                            .status());
            try (RawConnection c = RawConnection.open(port)) {
                c.readTimeoutMillis(20_000);
                c.write(post("\"max_tokens\":20,\"stream\":true") + post("\"max_tokens\":2"));
                await().until(() -> router.app().activeRequests() == 1);
                AtomicBoolean quiet = new AtomicBoolean();
                Thread draining = Thread.ofVirtual().start(() -> {
                    quiet.set(router.app().drain(Duration.ofSeconds(2)));
                    router.app().close();
                });
                await().until(() -> !router.app().ready());
                RawConnection.Outcome o = c.readAll();
                assertEquals(List.of(200, 200), o.statuses(), o.responses().toString());
                RawConnection.Response stream = o.responses().get(0);
                assertTrue(stream.body().strip().endsWith("data: [DONE]"), "the stream completed: " + stream);
                assertEquals("keep-alive", stream.header("connection"), "its head went out before the drain");
                RawConnection.Response next = o.responses().get(1);
                assertTrue(next.body().contains("\"choices\""), next.body());
                assertEquals("close", next.header("connection"));
                assertTrue(o.closedByServer());
                draining.join(Duration.ofSeconds(30));
                assertFalse(draining.isAlive());
                assertTrue(quiet.get(), "the sockets went quiet before the drain timeout");
                assertFalse(router.app().isOpen(new SocketKey("127.0.0.1", port)));
            }
        }
    }

    private static String post(String fields) {
        String body = "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"p\"," + fields + "}";
        return "POST /v1/completions HTTP/1.1\r\nHost: a.test\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }
}
