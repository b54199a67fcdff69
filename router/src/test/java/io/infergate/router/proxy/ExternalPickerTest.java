package io.infergate.router.proxy;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.RouterConfig;
import io.infergate.router.extproc.GrpcHealth;
import io.infergate.router.extproc.PickerSettings;
import io.infergate.router.schedule.PoolSettings;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.router.testing.TestPicker;
import io.infergate.router.testing.TestPicker.Reply;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pool with an endpointPickerRef, through the whole router, with three simulator pods and a
 * test picker on a real gRPC socket: the request goes exactly where the picker says, with the body
 * the picker wrote; a picker that fails fails the request closed (5xx, OpenAI-style error) or open
 * (the router's own pick, counted), as the pool says.
 */
class ExternalPickerTest {

    private static final List<SimulatedPod> PODS = new ArrayList<>();
    private static final List<Endpoint> ENDPOINTS = new ArrayList<>();
    private static TestPicker picker;
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        for (int i = 0; i < 3; i++) {
            SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                    .podName("epp-" + i)
                    .timeToFirstToken(Duration.ofMillis(1))
                    .interTokenLatency(Duration.ofMillis(1))
                    .build());
            PODS.add(pod);
            ENDPOINTS.add(endpoint("127.0.0.1", pod.port(), pod.podName()));
        }
        picker = new TestPicker(seen -> new Reply.Silent());
        PickerSettings pickers = new PickerSettings(Duration.ofSeconds(5), PickerSettings.Tls.PLAINTEXT, 62_000);
        router = RouterFixture.start(RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN)
                .withPools(PoolSettings.defaults().withPickers(pickers)));
        port = Http.freePort();
    }

    @AfterAll
    static void stop() {
        router.close();
        picker.close();
        PODS.forEach(SimulatedPod::close);
    }

    /** Serves a pool of {@code endpoints} asked of the picker at {@code pickerPort}. */
    private static void serve(int pickerPort, boolean failOpen, List<Endpoint> endpoints) {
        var pool = new Backend.InferencePool(
                Backend.InferencePool.idOf("default", "sims"),
                "default",
                "sims",
                Backend.AppProtocol.HTTP,
                endpoints,
                Optional.of(new Backend.EndpointPicker("127.0.0.1", pickerPort, failOpen)));
        Http.Reply put = router.put(snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(route("llm")
                        .rule(rule(prefix("/v1")).backend(pool.id()))
                        .build()),
                List.of(pool)));
        assertEquals(200, put.status(), put.body());
    }

    private static Http.Reply complete(String extra) {
        return router.http()
                .post(
                        port,
                        "llm.test",
                        "/v1/completions",
                        "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"hello\",\"max_tokens\":1" + extra + "}");
    }

    private static String key(int pod) {
        return ENDPOINTS.get(pod).hostPort();
    }

    /**
     * A picker named by a served snapshot is connected to and health-checked before any request
     * needs it, so the first request does not pay for the connection and TLS handshake.
     */
    @Test
    void aPickerIsCheckedOnceASnapshotNamesItBeforeAnyRequest() {
        try (TestPicker fresh = new TestPicker(seen -> new Reply.Silent())) {
            serve(fresh.port(), false, ENDPOINTS);
            await().atMost(Duration.ofSeconds(10)).until(() -> fresh.healthChecks() > 0);
            assertTrue(fresh.seen().isEmpty(), "no request was sent");
        }
    }

    @Test
    void everyRequestGoesToThePodThePickerNamed() {
        serve(picker.port(), false, ENDPOINTS);
        for (int target = 0; target < 3; target++) {
            String named = key(target);
            picker.decide(seen -> new Reply.Route(named, named, Map.of(), null));
            for (int i = 0; i < 10; i++) {
                Http.Reply r = complete("");
                assertEquals(200, r.status(), r.body());
                assertEquals("epp-" + target, r.header("x-inference-pod"));
                assertEquals(
                        named,
                        r.header("x-conformance-test-served-endpoint"),
                        "the served endpoint reached the picker, whose response header mutation reached the client");
            }
        }
        TestPicker.Seen seen = picker.seen().getLast();
        assertTrue(seen.bodyText().contains("\"prompt\":\"hello\""), seen.bodyText());
        assertEquals("/v1/completions", seen.headers().get(":path"));
    }

    @Test
    void theBodyThePickerWroteIsTheBodySentUpstream() {
        serve(picker.port(), false, ENDPOINTS);
        String named = key(1);
        byte[] rewritten = "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"hello there\",\"max_tokens\":3}"
                .getBytes(StandardCharsets.UTF_8);
        picker.decide(seen -> new Reply.Route(named, null, Map.of(), rewritten));
        Http.Reply r = complete("");
        assertEquals(200, r.status(), r.body());
        assertTrue(
                r.body().contains("\"completion_tokens\":3"),
                "the pod generated the rewritten max_tokens: " + r.body());
    }

    @Test
    void aFallbackListMovesOnWhenTheFirstEndpointRefusesConnections() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        List<Endpoint> withDead = new ArrayList<>(ENDPOINTS);
        Endpoint gone = endpoint("127.0.0.1", dead, "gone");
        withDead.add(gone);
        serve(picker.port(), false, withDead);
        String list = gone.hostPort() + "," + key(2);
        picker.decide(seen -> new Reply.Route(list, list, Map.of(), null));
        Http.Reply r = complete("");
        assertEquals(200, r.status(), r.body());
        assertEquals("epp-2", r.header("x-inference-pod"));
        assertEquals(
                key(2), r.header("x-conformance-test-served-endpoint"), "the fallback served, and the picker was told");
    }

    @Test
    void anEndpointOutsideThePoolIsRefused() {
        serve(picker.port(), false, ENDPOINTS);
        picker.decide(seen -> new Reply.Route("10.9.9.9:8000", "10.9.9.9:8000", Map.of(), null));
        Http.Reply r = complete("");
        assertEquals(502, r.status(), r.body());
        assertTrue(r.body().contains("\"endpoint_picker_failed\""), r.body());
    }

    @Test
    void thePickersOwnAnswerReachesTheClient() {
        serve(picker.port(), false, ENDPOINTS);
        picker.decide(seen -> new Reply.Immediate(429, "{\"error\":{\"message\":\"shed\"}}"));
        Http.Reply r = complete("");
        assertEquals(429, r.status(), r.body());
        assertTrue(r.body().contains("shed"), r.body());
    }

    @Test
    void aDownPickerFailsClosedWith503OrOpenToTheNativePick() throws Exception {
        int down;
        try (ServerSocket s = new ServerSocket(0)) {
            down = s.getLocalPort();
        }
        serve(down, false, ENDPOINTS);
        Http.Reply closed = complete("");
        assertEquals(503, closed.status(), closed.body());
        assertTrue(closed.body().contains("\"endpoint_picker_failed\""), closed.body());

        serve(down, true, ENDPOINTS);
        for (int i = 0; i < 3; i++) {
            Http.Reply open = complete("");
            assertEquals(200, open.status(), open.body());
            assertTrue(open.header("x-inference-pod").startsWith("epp-"));
        }
        String metrics = router.observe("/observe/metrics").body();
        assertTrue(
                metrics.lines()
                        .anyMatch(l -> l.startsWith("infergate_router_endpoint_picker_requests_total")
                                && l.contains("outcome=\"fallback\"")
                                && l.endsWith(" 3.0")),
                metrics);
    }

    @Test
    @SuppressWarnings("try") // the picker only has to be running while the body waits
    void aPickerThatComesBackIsUsedAgain() throws Exception {
        int later;
        try (ServerSocket s = new ServerSocket(0)) {
            later = s.getLocalPort();
        }
        serve(later, false, ENDPOINTS);
        for (int i = 0; i < 5; i++) {
            assertEquals(503, complete("").status());
        }
        String named = key(1);
        try (TestPicker unused = new TestPicker(later, seen -> new Reply.Route(named, named, Map.of(), null))) {
            await("the picker is asked again")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> complete("").status() == 200);
            assertEquals("epp-1", complete("").header("x-inference-pod"));
        }
    }

    @Test
    void aStreamedCompletionFlowsThroughAPickedPod() {
        serve(picker.port(), false, ENDPOINTS);
        String named = key(0);
        picker.decide(seen -> new Reply.Route(named, named, Map.of(), null));
        Http.Reply r = router.http()
                .post(
                        port,
                        "llm.test",
                        "/v1/completions",
                        "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"hello\",\"max_tokens\":4,\"stream\":true}");
        assertEquals(200, r.status(), r.body());
        assertEquals("epp-0", r.header("x-inference-pod"));
        assertTrue(r.body().contains("data: [DONE]"), r.body());
        assertFalse(r.body().contains("error"), r.body());
    }

    @Test
    void aPickerReportingNotServingIsFailedAtOnceAndUsedAgainOnceServing() throws Exception {
        serve(picker.port(), false, ENDPOINTS);
        String named = key(2);
        picker.decide(seen -> new Reply.Route(named, named, Map.of(), null));
        assertEquals("epp-2", complete("").header("x-inference-pod"));
        try {
            picker.health(GrpcHealth.NOT_SERVING);
            await("the health check sees NOT_SERVING")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> complete("").status() == 503);
            int asked = picker.seen().size();
            Http.Reply closed = complete("");
            assertEquals(503, closed.status(), closed.body());
            assertTrue(closed.body().contains("\"endpoint_picker_failed\""), closed.body());
            serve(picker.port(), true, ENDPOINTS);
            for (int i = 0; i < 5; i++) {
                Http.Reply open = complete("");
                assertEquals(200, open.status(), open.body());
                assertTrue(open.header("x-inference-pod").startsWith("epp-"), open.header("x-inference-pod"));
            }
            assertEquals(asked, picker.seen().size(), "no stream reaches a picker that is not serving");
        } finally {
            picker.health(GrpcHealth.SERVING);
        }
        serve(picker.port(), false, ENDPOINTS);
        await("the picker is used again once it reports SERVING")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> complete("").status() == 200);
        assertEquals("epp-2", complete("").header("x-inference-pod"));
    }

    @Test
    void theStreamedResponseReachesTheClientEventByEventWhileItAlsoFlowsToThePicker() throws Exception {
        try (SimulatedPod slow = SimulatedPod.start(SimulatorConfig.builder()
                .podName("slow")
                .timeToFirstToken(Duration.ofMillis(1))
                .interTokenLatency(Duration.ofMillis(300))
                .build())) {
            Endpoint e = endpoint("127.0.0.1", slow.port(), "slow");
            serve(picker.port(), false, List.of(e));
            picker.decide(seen -> new Reply.Route(e.hostPort(), e.hostPort(), Map.of(), null));
            int before = picker.responses().size();
            HttpResponse<java.util.stream.Stream<String>> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"Qwen2.5-0.5B-Instruct\","
                                            + "\"prompt\":\"hello\",\"max_tokens\":10,\"stream\":true,"
                                            + "\"stream_options\":{\"include_usage\":true}}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, r.statusCode());
            Iterator<String> lines = r.body().iterator();
            String first = lines.next();
            while (!first.startsWith("data: ")) {
                first = lines.next();
            }
            // the client has the first event; the picker has it too, while the rest is still coming
            String event = first;
            await("the picker sees the first event during the stream")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> picker.responding().contains(event));
            assertFalse(picker.responding().contains("[DONE]"), "the stream is still going on");
            StringBuilder rest = new StringBuilder(first).append('\n');
            lines.forEachRemaining(l -> rest.append(l).append('\n'));
            assertTrue(rest.toString().contains("data: [DONE]"), rest.toString());
            await("the picker saw the whole body")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> picker.responses().size() > before);
            TestPicker.SeenResponse seen = picker.responses().getLast();
            assertEquals(e.hostPort(), seen.served());
            assertTrue(seen.ended());
            assertTrue(seen.body().contains("\"usage\""), seen.body());
            assertTrue(seen.body().contains("data: [DONE]"), seen.body());
            assertTrue(seen.messages() >= 10, "one message per event or so, not one at the end: " + seen.messages());
        }
    }
}
