package io.infergate.router.trace;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.infergate.common.snapshot.AuthPolicy;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.router.RouterConfig;
import io.infergate.router.auth.ApiKeyTable;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OpenTelemetry traces over real sockets: a router with tracing on and one with tracing off (the
 * default) in front of a small model server that records the trace headers it received, and a
 * real OTLP/HTTP receiver that decodes the exported protobuf. The route has an AuthPolicy, so the
 * tenant attribute is checked and so is the absence of the API key from every span.
 */
class TracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";
    private static final String API_KEY = "sk-team-a-secret";

    private static OtlpReceiver receiver;
    private static WebServer model;
    private static final ConcurrentLinkedQueue<Map<String, String>> received = new ConcurrentLinkedQueue<>();
    private static RouterFixture traced;
    private static RouterFixture untraced;
    private static int tracedPort;
    private static int untracedPort;

    @BeforeAll
    static void start() {
        receiver = new OtlpReceiver();
        model = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(r -> r.post("/v1/completions", (req, res) -> {
                    Map<String, String> seen = new HashMap<>();
                    for (String name : List.of("traceparent", "tracestate", "authorization")) {
                        req.headers().first(HeaderNames.create(name)).ifPresent(v -> seen.put(name, v));
                    }
                    received.add(seen);
                    res.header("Content-Type", "application/json")
                            .send("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"model\":\"m\",\"choices\":"
                                    + "[{\"index\":0,\"text\":\"hi\",\"finish_reason\":\"stop\"}],"
                                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}");
                }))
                .build()
                .start();
        traced = RouterFixture.start(RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN)
                .withTracing(
                        TraceSettings.exportingTo(URI.create(receiver.url())).withBatchDelay(Duration.ofMillis(100))));
        untraced = RouterFixture.start(RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN));
        tracedPort = Http.freePort();
        assertEquals(200, traced.put(snapshot(tracedPort)).status());
        untracedPort = Http.freePort();
        assertEquals(200, untraced.put(snapshot(untracedPort)).status());
    }

    @AfterAll
    static void stop() {
        traced.close();
        untraced.close();
        model.stop();
        receiver.close();
    }

    @BeforeEach
    void clear() {
        received.clear();
    }

    private static Snapshot snapshot(int port) {
        Backend.InferencePool models = pool("models", endpoint("127.0.0.1", model.port(), "model-0"));
        HttpRoute llm =
                route("llm").rule(rule(prefix("/v1")).backend(models.id())).build();
        return new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(gateway("gw", listener("http", port))),
                List.of(llm),
                List.of(models),
                List.of(),
                1,
                List.of(),
                List.of(new AuthPolicy(
                        AuthPolicy.idOf("default", "keys"),
                        List.of(llm.id()),
                        List.of(new AuthPolicy.ApiKey(ApiKeyTable.sha256(API_KEY), "team-a")),
                        Optional.empty())));
    }

    private static Http.Reply complete(RouterFixture router, int port, Map<String, String> headers) {
        return router.http()
                .send(
                        Method.POST,
                        port,
                        "llm.test",
                        "/v1/completions",
                        "{\"model\":\"m\",\"prompt\":\"hello\",\"max_tokens\":1}",
                        r -> {
                            r.header(HeaderNames.CONTENT_TYPE, "application/json");
                            r.header(HeaderNames.AUTHORIZATION, "Bearer " + API_KEY);
                            headers.forEach((k, v) -> r.header(HeaderNames.create(k), v));
                        });
    }

    private static List<OtlpReceiver.ReceivedSpan> trace(String traceId, int spans) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.spans().stream()
                                .filter(s -> s.traceId().equals(traceId))
                                .count()
                        >= spans);
        return receiver.spans().stream()
                .filter(s -> s.traceId().equals(traceId))
                .toList();
    }

    private static OtlpReceiver.ReceivedSpan named(List<OtlpReceiver.ReceivedSpan> spans, String name) {
        return spans.stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
    }

    @Test
    void continuesTheClientsTraceToTheModelServerAndExportsItsSpans() {
        Http.Reply reply = complete(
                traced,
                tracedPort,
                Map.of("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01", "tracestate", "vendor=opaque"));
        assertEquals(200, reply.status(), reply.body());

        Map<String, String> upstream = received.poll();
        String[] parts = upstream.get("traceparent").split("-");
        assertEquals("00", parts[0]);
        assertEquals(TRACE_ID, parts[1], "the model server continues the client's trace");
        assertNotEquals(CLIENT_SPAN, parts[2], "its parent is the router's upstream span, not the client's");
        assertEquals("01", parts[3], "the client's sampled flag is followed");
        assertEquals("vendor=opaque", upstream.get("tracestate"));
        assertNull(upstream.get("authorization"), "the credential is stripped, as without tracing");

        List<OtlpReceiver.ReceivedSpan> spans = trace(TRACE_ID, 5);
        assertEquals(
                Set.of("POST", "auth", "queue", "pick", "upstream"),
                spans.stream().map(OtlpReceiver.ReceivedSpan::name).collect(Collectors.toSet()),
                "no rate limit applies: no rate_limit span");
        OtlpReceiver.ReceivedSpan server = named(spans, "POST");
        assertEquals(CLIENT_SPAN, server.parentSpanId(), "the server span is the client span's child");
        assertEquals(2, server.kind(), "SPAN_KIND_SERVER");
        assertEquals("team-a", server.attributes().get("infergate.tenant"));
        assertEquals(200L, server.attributes().get("http.response.status_code"));
        assertEquals("m", server.attributes().get("gen_ai.request.model"));
        assertEquals(3L, server.attributes().get("gen_ai.usage.input_tokens"));
        assertEquals(1L, server.attributes().get("gen_ai.usage.output_tokens"));
        assertEquals("infergate-router", server.resource().get("service.name"));
        for (String child : List.of("auth", "queue", "pick", "upstream")) {
            OtlpReceiver.ReceivedSpan s = named(spans, child);
            assertEquals(server.spanId(), s.parentSpanId(), child + " is a child of the server span");
            assertTrue(
                    s.startNanos() >= server.startNanos() && s.endNanos() <= server.endNanos(),
                    child + " lies within the server span");
        }
        OtlpReceiver.ReceivedSpan up = named(spans, "upstream");
        assertEquals(parts[2], up.spanId(), "the traceparent the model server got names the upstream span");
        assertEquals(3, up.kind(), "SPAN_KIND_CLIENT");
        assertEquals("127.0.0.1", up.attributes().get("server.address"));
        assertEquals((long) model.port(), up.attributes().get("server.port"));
        OtlpReceiver.ReceivedSpan queue = named(spans, "queue");
        OtlpReceiver.ReceivedSpan pick = named(spans, "pick");
        assertTrue(queue.endNanos() <= pick.startNanos(), "the pick follows admission");
        assertTrue(pick.endNanos() <= up.startNanos(), "the upstream call follows the pick");
        for (OtlpReceiver.ReceivedSpan s : spans) {
            for (Object value : s.attributes().values()) {
                assertFalse(String.valueOf(value).contains(API_KEY), "a credential in span " + s);
            }
        }
        assertTrue(receiver.contentTypes().stream().allMatch(t -> t.startsWith("application/x-protobuf")));
    }

    @Test
    void startsATraceWhenTheClientSentNone() {
        assertEquals(200, complete(traced, tracedPort, Map.of()).status());
        String[] parts = received.poll().get("traceparent").split("-");
        List<OtlpReceiver.ReceivedSpan> spans = trace(parts[1], 5);
        OtlpReceiver.ReceivedSpan server = named(spans, "POST");
        assertEquals("", server.parentSpanId(), "a root span");
        assertEquals(parts[2], named(spans, "upstream").spanId());
    }

    @Test
    void offPassesTheClientsTraceHeadersThroughAndExportsNothing() {
        String traceparent = "00-" + TRACE_ID.replace('4', '5') + "-" + CLIENT_SPAN + "-01";
        assertEquals(
                200,
                complete(untraced, untracedPort, Map.of("traceparent", traceparent))
                        .status());
        assertEquals(traceparent, received.poll().get("traceparent"), "untouched");
        assertEquals(200, complete(untraced, untracedPort, Map.of()).status());
        assertNull(received.poll().get("traceparent"), "none injected");
        // the traced router exports every 100 ms: give the off router as long and more to show up
        await().during(Duration.ofMillis(800))
                .atMost(Duration.ofSeconds(5))
                .until(() ->
                        receiver.spans().stream().noneMatch(s -> s.traceId().equals(TRACE_ID.replace('4', '5'))));
    }
}
