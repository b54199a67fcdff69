package io.infergate.router.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Filter;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.service;
import static io.infergate.router.testing.Snap.snapshot;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests through real sockets: router in-process, simulator pods as upstreams. */
class ProxyTest {

    private static final String MODEL = "Qwen2.5-0.5B-Instruct";
    private static final String COMPLETION = "{\"model\":\"" + MODEL + "\",\"prompt\":\"Say hi\",\"max_tokens\":3}";

    private static final List<SimulatedPod> PODS = new ArrayList<>();
    private static SimulatedPod slow;
    private static RouterFixture router;
    private static Http http;
    private static int port;

    @BeforeAll
    static void start() {
        for (int i = 0; i < 3; i++) {
            PODS.add(SimulatedPod.start(SimulatorConfig.builder()
                    .podName("sim-" + i)
                    .timeToFirstToken(Duration.ofMillis(5))
                    .interTokenLatency(Duration.ofMillis(1))
                    .build()));
        }
        // prefill far longer than the route's timeout below
        slow = SimulatedPod.start(SimulatorConfig.builder()
                .podName("slow-0")
                .timeToFirstToken(Duration.ofSeconds(5))
                .interTokenLatency(Duration.ofMillis(1))
                .build());
        router = RouterFixture.start();
        http = router.http();
        port = Http.freePort();
        int closedPort = Http.freePort();
        SimulatedPod echo = PODS.getFirst();
        Backend.InferencePool sims = pool(
                "sims",
                PODS.stream()
                        .map(p -> endpoint("127.0.0.1", p.port(), p.podName()))
                        .toArray(io.infergate.common.snapshot.Endpoint[]::new));
        var snapshot = snapshot(
                List.of(gateway("gw", listener("http", port, "*.example.com"))),
                List.of(
                        route("pool")
                                .rule(rule(prefix("/v1")).backend(sims.id()))
                                .build(),
                        route("slow")
                                .hosts("slow.example.com")
                                .rule(rule(prefix("/v1"))
                                        .backend("inferencepool/default/slow")
                                        .requestTimeout(Duration.ofMillis(300)))
                                .build(),
                        route("echo")
                                .hosts("echo.example.com")
                                .rule(rule(prefix("/"))
                                        .backend("service/default/echo/80")
                                        .filter(new Filter.RequestHeaderModifier(
                                                List.of(new Filter.Header("X-Added", "yes")),
                                                List.of(),
                                                List.of("X-Drop-Me")))
                                        .filter(new Filter.ResponseHeaderModifier(
                                                List.of(), List.of(new Filter.Header("X-Resp", "1")), List.of())))
                                .build(),
                        route("misc")
                                .rule(rule(prefix("/none")).backend("service/default/empty/80"))
                                .rule(rule(prefix("/refused")).backend("service/default/closed/80"))
                                .rule(rule(prefix("/unresolved")).backend(null))
                                .rule(rule(prefix("/redirect"))
                                        .filter(new Filter.RequestRedirect(
                                                Optional.empty(),
                                                Optional.of("other.example.com"),
                                                Optional.empty(),
                                                Optional.empty(),
                                                301)))
                                .rule(rule(prefix("/mirrored"))
                                        .backend("service/default/echo/80")
                                        .filter(new Filter.RequestMirror(
                                                Optional.of("service/default/mirror/80"), 1, 1)))
                                .rule(rule(prefix("/rewrite"))
                                        .backend("service/default/echo/80")
                                        .filter(new Filter.UrlRewrite(
                                                Optional.of("rewritten.example.com"),
                                                Optional.of(new Filter.PathModifier(
                                                        Filter.PathModifier.Type.REPLACE_PREFIX_MATCH, "/echoed")))))
                                .build()),
                List.of(
                        sims,
                        pool("slow", endpoint("127.0.0.1", slow.port(), slow.podName())),
                        service("echo", 80, endpoint("127.0.0.1", echo.port(), echo.podName())),
                        service(
                                "mirror",
                                80,
                                endpoint(
                                        "127.0.0.1",
                                        PODS.get(1).port(),
                                        PODS.get(1).podName())),
                        service("empty", 80),
                        service("closed", 80, endpoint("127.0.0.1", closedPort, null))));
        Http.Reply put = router.put(snapshot);
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        router.close();
        PODS.forEach(SimulatedPod::close);
        slow.close();
    }

    @Test
    void completionsAreServedByAPoolPod() {
        Http.Reply r = http.post(port, "api.example.com", "/v1/completions", COMPLETION);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.header("x-inference-pod").startsWith("sim-"), r.headers().toString());
        assertNotNull(r.header("x-request-id"));
        assertEquals(1, r.json().getJsonArray("choices").size());
    }

    @Test
    void chatCompletionsAreServed() {
        Http.Reply r = http.post(
                port,
                "api.example.com",
                "/v1/chat/completions",
                "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}");
        assertEquals(200, r.status(), r.body());
        assertEquals("chat.completion", r.json().getString("object"));
    }

    @Test
    void streamingCompletionsArriveAsServerSentEvents() {
        Http.Reply r = http.post(
                port,
                "api.example.com",
                "/v1/chat/completions",
                "{\"model\":\"" + MODEL
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4,\"stream\":true}");
        assertEquals(200, r.status(), r.body());
        assertTrue(
                r.header("content-type").startsWith("text/event-stream"),
                r.headers().toString());
        assertTrue(r.body().startsWith("data: {"), r.body());
        assertTrue(r.body().strip().endsWith("data: [DONE]"), r.body());
    }

    @Test
    void thirtyRequestsReachAllThreePods() {
        Set<String> pods = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            Http.Reply r = http.post(port, "api.example.com", "/v1/completions", COMPLETION);
            assertEquals(200, r.status(), r.body());
            pods.add(r.header("x-inference-pod"));
        }
        assertEquals(Set.of("sim-0", "sim-1", "sim-2"), pods);
    }

    @Test
    void aServiceBackendSeesPathHostAndHeadersAsForwarded() {
        Http.Reply r = http.send(
                Method.GET,
                port,
                "echo.example.com:" + port,
                "/hello/w%20x?b=2&a=%26",
                null,
                req -> req.header(HeaderNames.create("X-Custom"), "v")
                        .header(HeaderNames.create("X-Drop-Me"), "gone")
                        .header(HeaderNames.create("X-Request-Id"), "client-id-1"));
        assertEquals(200, r.status(), r.body());
        JsonObject echo = r.json();
        assertEquals("/hello/w%20x?b=2&a=%26", echo.getString("path"), "path and query forwarded byte for byte");
        assertEquals("echo.example.com:" + port, echo.getString("host"), "Host kept as sent");
        JsonObject headers = echo.getJsonObject("headers");
        assertEquals("v", headers.getJsonArray("X-Custom").getString(0));
        assertEquals("yes", headers.getJsonArray("X-Added").getString(0), "RequestHeaderModifier set");
        assertTrue(!headers.containsKey("X-Drop-Me"), "RequestHeaderModifier remove");
        assertEquals("127.0.0.1", headers.getJsonArray("X-Forwarded-For").getString(0));
        assertEquals("http", headers.getJsonArray("X-Forwarded-Proto").getString(0));
        assertEquals("client-id-1", headers.getJsonArray("X-Request-Id").getString(0), "a client's request id is kept");
        assertEquals("client-id-1", r.header("x-request-id"));
        assertEquals("1", r.header("x-resp"), "ResponseHeaderModifier add");
        assertEquals("sim-0", r.header("x-inference-pod"));
    }

    @Test
    void theObjectiveAndRewriteHeadersNeverReachTheUpstream() {
        Http.Reply r = http.send(
                Method.GET,
                port,
                "echo.example.com",
                "/objective",
                null,
                req -> req.header(HeaderNames.create("x-gateway-inference-objective"), "batch")
                        .header(HeaderNames.create("X-Gateway-Model-Name-Rewrite"), "other-model")
                        .header(HeaderNames.create("X-Kept"), "1"));
        assertEquals(200, r.status(), r.body());
        Set<String> sent = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        sent.addAll(r.json().getJsonObject("headers").keySet());
        assertTrue(sent.contains("x-kept"), sent.toString());
        assertTrue(!sent.contains("x-gateway-inference-objective"), sent.toString());
        assertTrue(!sent.contains("x-gateway-model-name-rewrite"), sent.toString());
    }

    @Test
    void aRequestIdIsAddedWhenAbsentAndForwarded() {
        Http.Reply r = http.get(port, "echo.example.com", "/id");
        String id = r.header("x-request-id");
        assertNotNull(id);
        assertEquals(
                id,
                r.json().getJsonObject("headers").getJsonArray("X-Request-Id").getString(0));
    }

    @Test
    void requestBodiesStreamThroughToServiceBackends() {
        String body = "x".repeat(100_000);
        Http.Reply r = http.send(Method.POST, port, "echo.example.com", "/upload", body, req -> {});
        assertEquals(200, r.status(), r.body());
        assertEquals(100_000, r.json().getInt("bodyLength"));
    }

    /** The streamed body is read once for both: the served request gets all of it, the mirror its copy. */
    @Test
    void aMirroredRequestKeepsItsBodyAndTheCopyArrives() {
        String body = "y".repeat(50_000);
        Http.Reply r = http.send(Method.POST, port, "api.example.com", "/mirrored/upload?n=1", body, req -> {});
        assertEquals(200, r.status(), r.body());
        assertEquals(50_000, r.json().getInt("bodyLength"));
        assertEquals("sim-0", r.json().getString("pod"), "served by the rule's backend, not the mirror");
        await().atMost(Duration.ofSeconds(10)).until(() -> PODS.get(1).echoed().contains("/mirrored/upload?n=1"));
    }

    @Test
    void urlRewriteChangesHostAndPrefix() {
        Http.Reply r = http.get(port, "api.example.com", "/rewrite/x?q=1");
        assertEquals(200, r.status(), r.body());
        assertEquals("/echoed/x?q=1", r.json().getString("path"));
        assertEquals("rewritten.example.com", r.json().getString("host"));
    }

    @Test
    void requestRedirectAnswersWithALocation() {
        Http.Reply r = http.get(port, "api.example.com", "/redirect/x?q=1");
        assertEquals(301, r.status());
        assertEquals("http://other.example.com:" + port + "/redirect/x?q=1", r.header("location"));
    }

    @Test
    void unknownPathsAndHostsAre404WithOpenAiErrors() {
        Http.Reply path = http.get(port, "api.example.com", "/nope");
        assertEquals(404, path.status());
        JsonObject error = path.json().getJsonObject("error");
        assertEquals("route_not_found", error.getString("code"));
        assertEquals("invalid_request_error", error.getString("type"));
        assertEquals("no route for api.example.com/nope", error.getString("message"));
        assertTrue(error.isNull("param"));
        Http.Reply host = http.get(port, "unknown.test", "/v1/models");
        assertEquals(404, host.status());
        assertEquals("route_not_found", host.errorCode());
    }

    @Test
    void aHeadRequestGetsTheErrorStatusWithoutBodyOrContentType() {
        String head = Http.rawText(port, "HEAD /nope HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 404"), head);
        assertFalse(head.toLowerCase(Locale.ROOT).contains("content-type:"), head);
        assertTrue(head.endsWith("\r\n\r\n"), "nothing after the head: " + head);
        String get = Http.rawText(port, "GET /nope HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n\r\n");
        assertTrue(get.toLowerCase(Locale.ROOT).contains("content-type: application/json"), get);
        assertTrue(get.contains("route_not_found"), get);
    }

    @Test
    void badJsonAndMissingModelAre400() {
        Http.Reply bad = http.post(port, "api.example.com", "/v1/completions", "{\"model\": ");
        assertEquals(400, bad.status());
        assertEquals("invalid_request", bad.errorCode());
        Http.Reply missing = http.post(port, "api.example.com", "/v1/completions", "{\"prompt\":\"hi\"}");
        assertEquals(400, missing.status());
        assertEquals("invalid_request", missing.errorCode());
        assertEquals("model", missing.json().getJsonObject("error").getString("param"));
    }

    @Test
    void backendWithoutEndpointsIs503() {
        Http.Reply r = http.get(port, "api.example.com", "/none");
        assertEquals(503, r.status());
        assertEquals("no_healthy_upstream", r.errorCode());
    }

    @Test
    void refusedConnectionIs502() {
        Http.Reply r = http.get(port, "api.example.com", "/refused");
        assertEquals(502, r.status());
        assertEquals("upstream_connect_failed", r.errorCode());
        assertEquals("server_error", r.json().getJsonObject("error").getString("type"));
    }

    @Test
    void unresolvedBackendRefIs500() {
        Http.Reply r = http.get(port, "api.example.com", "/unresolved");
        assertEquals(500, r.status());
        assertEquals("backend_not_found", r.errorCode());
    }

    @Test
    void requestTimeoutShorterThanTimeToFirstTokenIs504() {
        Http.Reply r = http.post(port, "slow.example.com", "/v1/completions", COMPLETION);
        assertEquals(504, r.status(), r.body());
        assertEquals("upstream_timeout", r.errorCode());
    }

    @Test
    void oversizedBodiesAre413BeforeTheyAreRead() {
        Http.Reply r = Http.rawHead(
                port,
                "POST /v1/completions HTTP/1.1\r\nHost: api.example.com\r\n"
                        + "Content-Type: application/json\r\nContent-Length: " + (17 * 1024 * 1024) + "\r\n\r\n");
        assertEquals(413, r.status());
        assertTrue(r.body().contains("\"code\":\"request_too_large\""), r.body());
    }

    @Test
    void metricsDescribeTraffic() {
        assertEquals(
                200,
                http.post(port, "api.example.com", "/v1/completions", COMPLETION)
                        .status());
        assertEquals(502, http.get(port, "api.example.com", "/refused").status());
        String text = router.observe("/observe/metrics").body();
        for (String expected : List.of(
                "infergate_router_requests_total{backend=\"inferencepool/default/sims\",code_class=\"2xx\",rule=\"httproute/default/pool/rule/0\"",
                "infergate_router_requests_total{backend=\"service/default/closed/80\",code_class=\"5xx\",rule=\"httproute/default/misc/rule/1\"",
                "infergate_router_request_duration_seconds_bucket{backend=\"inferencepool/default/sims\"",
                "infergate_router_upstream_ttfb_seconds_bucket{backend=\"inferencepool/default/sims\"",
                "infergate_router_upstream_errors_total{kind=\"connect\"",
                "infergate_router_active_requests")) {
            assertTrue(text.contains(expected), expected + " not in\n" + text);
        }
        // histograms without client-side quantiles: each would cost an HdrHistogram update per request
        text.lines()
                .filter(l -> l.startsWith("infergate_router_") || l.startsWith("inference_objective_"))
                .forEach(l -> assertFalse(l.contains("quantile="), l));
    }
}
