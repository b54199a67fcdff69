package io.infergate.router.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.ModelRewrite;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 * Model rewrite, usage and model lists end to end through real sockets. The simulator serves a
 * base model and two LoRA adapters and answers 404 for any other name, and echoes the name it
 * served in every response: a 200 for the alias {@code food-review} proves the upstream saw a
 * target, and the client seeing {@code food-review} proves the router restored it. A recording
 * upstream shows the exact body and headers that left the router, and streams its events cut into
 * 7-byte writes.
 */
class ModelRewriteTest {

    private static final String BASE = "Qwen2.5-0.5B-Instruct";
    private static final Duration ITL = Duration.ofMillis(100);
    private static final Map<String, String> SEEN = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicInteger LISTINGS =
            new java.util.concurrent.atomic.AtomicInteger();
    /** Open (count 0) except while a test holds the recorder's model list. */
    private static volatile java.util.concurrent.CountDownLatch GATE = new java.util.concurrent.CountDownLatch(0);

    private static SimulatedPod pod;
    private static WebServer recorder;
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .host("127.0.13.1")
                .podName("rewrite-0")
                .models(BASE)
                .loraAdapters("food-review-v1", "food-review-v2")
                .timeToFirstToken(Duration.ofMillis(5))
                .interTokenLatency(ITL)
                .build());
        recorder = WebServer.builder()
                .host("127.0.13.2")
                .port(0)
                .shutdownHook(false)
                .routing(r -> r.post("/v1/completions", ModelRewriteTest::record)
                        .get("/v1/models", (req, res) -> listed(res)))
                .build()
                .start();
        startRouter();
    }

    /** The recorder's model list, counted; held while {@link #GATE} is closed. */
    private static void listed(io.helidon.webserver.http.ServerResponse res) {
        LISTINGS.incrementAndGet();
        try {
            GATE.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json")
                .send("{\"object\":\"list\",\"data\":[{\"id\":\"" + BASE + "\",\"object\":\"model\"},"
                        + "{\"id\":\"recorder-only\",\"object\":\"model\",\"parent\":\"" + BASE + "\"}]}");
    }

    private static void startRouter() {
        router = RouterFixture.start();
        port = Http.freePort();
        ModelRewrite foodReview = new ModelRewrite(
                "inferencemodelrewrite/default/food-review/rule/0",
                List.of("food-review"),
                List.of(new ModelRewrite.Target("food-review-v1", 1)));
        Backend.InferencePool sims =
                pool("sims", endpoint("127.0.13.1", pod.port(), pod.podName())).withModelRewrites(List.of(foodReview));
        Backend.InferencePool rec = pool("rec", endpoint("127.0.13.2", recorder.port(), "recorder"))
                .withModelRewrites(List.of(new ModelRewrite(
                        "inferencemodelrewrite/default/any/rule/0",
                        List.of(),
                        List.of(new ModelRewrite.Target("rule-target", 1)))));
        Backend.InferencePool both = pool(
                        "both",
                        endpoint("127.0.13.1", pod.port(), pod.podName()),
                        endpoint("127.0.13.2", recorder.port(), "recorder"))
                .withModelRewrites(List.of(new ModelRewrite(
                        "inferencemodelrewrite/default/food-review-both/rule/0",
                        List.of("food-review"),
                        List.of(new ModelRewrite.Target("food-review-v1", 1)))));
        Http.Reply put = router.put(snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(
                        route("sims")
                                .hosts("sims.test")
                                .rule(rule(prefix("/v1")).backend(sims.id()))
                                .build(),
                        route("rec")
                                .hosts("rec.test")
                                .rule(rule(prefix("/v1")).backend(rec.id()))
                                .build(),
                        route("both")
                                .hosts("both.test")
                                .rule(rule(prefix("/v1")).backend(both.id()))
                                .build()),
                List.of(sims, rec, both)));
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        router.close();
        recorder.stop();
        pod.close();
    }

    /** The recording upstream: notes the body and the gateway headers, echoes the model it was sent. */
    private static void record(ServerRequest req, ServerResponse res) throws IOException {
        String body = req.content().as(String.class);
        JsonObject json = Json.createReader(new StringReader(body)).readObject();
        String model = json.getString("model");
        SEEN.put("model", model);
        SEEN.put(
                "gateway-headers",
                req.headers().stream()
                        .map(h -> h.name().toLowerCase(java.util.Locale.ROOT))
                        .filter(n -> n.startsWith("x-gateway-"))
                        .toList()
                        .toString());
        String head = "{\"id\":\"r1\",\"object\":\"text_completion\",\"model\":\"" + model + "\",";
        if (json.getBoolean("stream", false) && json.getString("prompt").equals("fail")) { // an error for a stream
            res.status(io.helidon.http.Status.BAD_REQUEST_400)
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send("{\"model\":\"" + model + "\",\"error\":{\"message\":\"no\"}}");
            return;
        }
        if (!json.getBoolean("stream", false)) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send(
                            head
                                    + "\"choices\":[{\"index\":0,\"text\":\"Hello\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3}}");
            return;
        }
        String stream = "data: " + head + "\"choices\":[{\"index\":0,\"text\":\"Hel\"}]}\n\n"
                + "data: " + head + "\"choices\":[{\"index\":0,\"text\":\"lo\"}]}\n\n"
                + "data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}\n\n"
                + "data: [DONE]\n\n";
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = res.outputStream()) {
            for (int i = 0; i < bytes.length; i += 7) {
                out.write(bytes, i, Math.min(7, bytes.length - i));
                out.flush();
            }
        }
    }

    private static Http.Reply post(String host, String body, String... headers) {
        return router.http().send(Method.POST, port, host, "/v1/completions", body, r -> {
            r.header(HeaderNames.CONTENT_TYPE, "application/json");
            for (int i = 0; i < headers.length; i += 2) {
                r.header(HeaderNames.create(headers[i]), headers[i + 1]);
            }
        });
    }

    private static List<JsonObject> dataEvents(String stream) {
        List<JsonObject> events = new ArrayList<>();
        for (String line : stream.split("\n")) {
            if (line.startsWith("data: {")) {
                events.add(
                        Json.createReader(new StringReader(line.substring(6))).readObject());
            }
        }
        return events;
    }

    @Test
    void aRequestGoesUpstreamAsTheTargetAndItsAnswerNamesTheModelTheClientAsked() {
        assertEquals(
                404,
                post("sims.test", "{\"model\":\"not-served\",\"prompt\":\"hi\",\"max_tokens\":1}")
                        .status(),
                "the simulator refuses names it does not serve");
        Http.Reply r = post("sims.test", "{\"model\":\"food-review\",\"prompt\":\"hi\",\"max_tokens\":2}");
        assertEquals(200, r.status(), r.body());
        assertEquals("food-review", r.json().getString("model"));
        assertTrue(r.json().getJsonObject("usage").getInt("prompt_tokens") > 0, r.body());

        Http.Reply forced = post(
                "sims.test",
                "{\"model\":\"not-served\",\"prompt\":\"hi\",\"max_tokens\":1}",
                "x-gateway-model-name-rewrite",
                "food-review-v2");
        assertEquals(200, forced.status(), "the header's target reached the simulator: " + forced.body());
        assertEquals("not-served", forced.json().getString("model"));
    }

    @Test
    void streamedEventsNameTheClientsModelAndArriveWhileTheUpstreamStillGenerates() throws IOException {
        long servedBefore = pod.requestsServed();
        String body = "{\"model\":\"food-review\",\"prompt\":\"count\",\"max_tokens\":8,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}";
        try (HttpClientResponse res = router.http()
                .request(Method.POST, port, "/v1/completions", "sims.test")
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(body.getBytes(StandardCharsets.UTF_8))) {
            assertEquals(200, res.status().code());
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(res.inputStream(), StandardCharsets.UTF_8));
            String first = reader.readLine();
            assertTrue(first.startsWith("data: {"), first);
            assertEquals(
                    servedBefore, pod.requestsServed(), "the router held the stream back until the upstream finished");
            StringBuilder rest = new StringBuilder(first).append('\n');
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                rest.append(line).append('\n');
            }
            List<JsonObject> events = dataEvents(rest.toString());
            assertTrue(events.size() >= 8, rest.toString());
            events.forEach(e -> assertEquals("food-review", e.getString("model"), e.toString()));
            JsonObject usage = events.getLast().getJsonObject("usage");
            assertEquals(8, usage.getInt("completion_tokens"), events.getLast().toString());
            assertTrue(rest.toString().contains("data: [DONE]"));
        }
    }

    @Test
    void controlHeadersStayAtTheGatewayAndEventsCutAnywhereAreRestored() {
        Http.Reply r = post(
                "rec.test",
                "{\"model\":\"alias\",\"prompt\":\"hi\",\"stream\":true}",
                "x-gateway-model-name-rewrite",
                "forced-target",
                "x-gateway-inference-objective",
                "critical");
        assertEquals(200, r.status(), r.body());
        assertEquals("forced-target", SEEN.get("model"));
        assertEquals("[]", SEEN.get("gateway-headers"), "no x-gateway-* header reaches the upstream");
        List<JsonObject> events = dataEvents(r.body());
        assertEquals(3, events.size(), r.body());
        events.forEach(e -> assertEquals("alias", e.getString("model"), e.toString()));
        assertEquals(
                "Hel", events.get(0).getJsonArray("choices").getJsonObject(0).getString("text"));
        assertEquals(
                "lo", events.get(1).getJsonArray("choices").getJsonObject(0).getString("text"));
        assertTrue(r.body().endsWith("data: [DONE]\n\n"), r.body());

        Http.Reply error = post("rec.test", "{\"model\":\"alias\",\"prompt\":\"fail\",\"stream\":true}");
        assertEquals(400, error.status());
        assertEquals("alias", error.json().getString("model"), "a JSON answer to a stream request is restored too");

        Http.Reply plain = post("rec.test", "{\"model\":\"alias\",\"prompt\":\"hi\"}");
        assertEquals("rule-target", SEEN.get("model"), "without the header the pool's generic rule applies");
        assertEquals("alias", plain.json().getString("model"));
    }

    @Test
    void usageAndPerModelMetricsAppearAtTheMetricsEndpoint() {
        assertEquals(
                200,
                post(
                                "sims.test",
                                "{\"model\":\"food-review\",\"prompt\":\"one two three\",\"max_tokens\":3,"
                                        + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}")
                        .status());
        assertEquals(
                200,
                post("sims.test", "{\"model\":\"food-review\",\"prompt\":\"one two\",\"max_tokens\":2}")
                        .status());
        assertEquals(
                404,
                post("sims.test", "{\"model\":\"missing-model\",\"prompt\":\"x\",\"max_tokens\":1}")
                        .status());
        String m = router.observe("/observe/metrics").body();
        assertTrue(
                line(
                        m,
                        "inference_objective_request_total{",
                        "model_name=\"food-review\"",
                        "priority=\"0\"",
                        "target_model_name=\"food-review-v1\""),
                m);
        assertTrue(
                line(
                        m,
                        "inference_objective_request_error_total{",
                        "error_code=\"404\"",
                        "model_name=\"missing-model\""),
                m);
        assertTrue(line(m, "inference_objective_request_duration_seconds_count{", "model_name=\"food-review\""), m);
        assertTrue(line(m, "inference_objective_input_tokens_count{", "target_model_name=\"food-review-v1\""), m);
        assertTrue(line(m, "inference_objective_output_tokens_sum{", "target_model_name=\"food-review-v1\""), m);
        assertTrue(line(m, "inference_objective_running_requests{", "model_name=\"food-review\""), m);
        assertTrue(
                line(
                        m,
                        "infergate_router_time_to_first_token_seconds_count{",
                        "backend=\"inferencepool/default/sims\""),
                m);
        assertTrue(
                line(
                        m,
                        "infergate_router_inter_token_latency_seconds_count{",
                        "backend=\"inferencepool/default/sims\""),
                m);
        // the pool gauges follow the served snapshot and this router's scrapes
        await().atMost(Duration.ofSeconds(10))
                .until(() -> line(
                        router.observe("/observe/metrics").body(),
                        "inference_pool_ready_pods{",
                        "name=\"both\"",
                        "} 2.0"));
        String pools = router.observe("/observe/metrics").body();
        assertTrue(line(pools, "inference_pool_ready_pods{", "name=\"sims\"", "} 1.0"), pools);
        assertTrue(line(pools, "inference_pool_average_kv_cache_utilization{", "name=\"sims\""), pools);
        assertTrue(line(pools, "inference_pool_average_queue_size{", "name=\"sims\""), pools);
    }

    /** Whether a line starts with {@code prefix} and contains every part. */
    private static boolean line(String metrics, String prefix, String... parts) {
        return metrics.lines()
                .anyMatch(l -> l.startsWith(prefix) && List.of(parts).stream().allMatch(l::contains));
    }

    @Test
    void theModelListOfAPoolMergesItsEndpointsAndNamesAliasesOfServedTargets() {
        Http.Reply r = router.http().get(port, "both.test", "/v1/models");
        assertEquals(200, r.status(), r.body());
        List<String> ids = r.json().getJsonArray("data").stream()
                .map(JsonValue::asJsonObject)
                .map(o -> o.getString("id"))
                .toList();
        assertEquals(List.of(BASE, "food-review-v1", "food-review-v2", "recorder-only", "food-review"), ids);
        JsonObject adapter = r.json().getJsonArray("data").getJsonObject(1);
        assertEquals(BASE, adapter.getString("parent"), "LoRA adapters keep their parent");
        assertFalse(r.json().getJsonArray("data").getJsonObject(0).containsKey("error"));
    }

    @Test
    void clientsListingTogetherShareOneFanOut() throws Exception {
        // Only this test lists pool "rec" (its one endpoint is the slow recorder), so its cache is cold.
        int before = LISTINGS.get();
        GATE = new java.util.concurrent.CountDownLatch(1); // the pod holds its answer until all 16 are in
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Http.Reply>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                replies.add(threads.submit(() -> router.http().get(port, "rec.test", "/v1/models")));
            }
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> line(
                            router.observe("/observe/metrics").body(), "infergate_router_active_requests", "16.0"));
            GATE.countDown();
            for (var f : replies) {
                assertEquals(200, f.get().status(), f.get().body());
            }
        }
        assertEquals(1, LISTINGS.get() - before, "16 clients, one GET /v1/models to the pod");
    }
}
