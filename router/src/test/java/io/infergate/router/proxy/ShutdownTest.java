package io.infergate.router.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.infergate.router.match.SocketKey;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
}
