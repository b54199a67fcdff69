package io.infergate.simulator;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static io.infergate.simulator.TestClient.get;
import static io.infergate.simulator.TestClient.json;
import static io.infergate.simulator.TestClient.post;
import static io.infergate.simulator.TestClient.sample;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admission limits and the gauges that expose them, observed while requests are in flight. */
class CapacityTest {

    private static final String MODEL = "Qwen2.5-0.5B-Instruct";
    private static final String LABEL = "{model_name=\"" + MODEL + "\"}";
    /** Long enough to observe a request in flight; every await below ends as soon as it holds. */
    private static final Duration PREFILL = Duration.ofMillis(800);

    @Test
    void secondRequestIs429WhenTheOnlySlotIsBusyAndNoOneMayWait() {
        try (SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                .maxRunning(1)
                .maxWaiting(0)
                .timeToFirstToken(PREFILL)
                .build())) {
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() ->
                    post(pod, "/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"a\",\"max_tokens\":1}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> gauge(pod, "vllm:num_requests_running") == 1);

            HttpResponse<String> second =
                    post(pod, "/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"b\",\"max_tokens\":1}");

            assertEquals(429, second.statusCode(), second.body());
            JsonObject error = json(second.body()).getJsonObject("error");
            assertEquals("queue_full", error.getString("code"));
            assertEquals(200, first.join().statusCode());
            assertEquals(1, pod.requestsServed());
        }
    }

    /**
     * One slot, one waiting place: the first request runs (20 prompt tokens = 2 blocks of 16 out of
     * 10, so KV usage 0.2), the second waits, and both gauges fall back to 0 when they are done.
     */
    @Test
    void gaugesShowRunningWaitingAndKvCacheWhileRequestsAreInFlight() {
        try (SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                .maxRunning(1)
                .maxWaiting(1)
                .kvCacheBlocks(10)
                .blockSize(16)
                .timeToFirstToken(PREFILL)
                .build())) {
            String twentyTokens = "one two three four five six seven eight nine ten "
                    .repeat(2)
                    .trim();
            String request = "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + twentyTokens + "\",\"max_tokens\":1}";
            CompletableFuture<HttpResponse<String>> first =
                    CompletableFuture.supplyAsync(() -> post(pod, "/v1/completions", request));
            await().atMost(Duration.ofSeconds(10)).until(() -> gauge(pod, "vllm:num_requests_running") == 1);
            CompletableFuture<HttpResponse<String>> second =
                    CompletableFuture.supplyAsync(() -> post(pod, "/v1/completions", request));

            await().atMost(Duration.ofSeconds(10)).until(() -> gauge(pod, "vllm:num_requests_waiting") == 1);
            String metrics = get(pod, "/metrics").body();
            assertEquals(0.2, sample(metrics, "vllm:kv_cache_usage_perc" + LABEL), 1e-9, metrics);

            assertEquals(200, first.join().statusCode());
            assertEquals(200, second.join().statusCode());
            String after = get(pod, "/metrics").body();
            assertEquals(0, sample(after, "vllm:num_requests_running" + LABEL));
            assertEquals(0, sample(after, "vllm:num_requests_waiting" + LABEL));
            assertEquals(0, sample(after, "vllm:kv_cache_usage_perc" + LABEL));
            assertEquals(2, pod.requestsServed());
        }
    }

    /** maxLoras = 1: while adapter a runs, a request for b waits and both show up in lora_requests_info. */
    @Test
    void loraInfoNamesRunningAndWaitingAdapters() {
        try (SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                .loraAdapters("a", "b")
                .maxLoras(1)
                .timeToFirstToken(PREFILL)
                .build())) {
            CompletableFuture<HttpResponse<String>> a = CompletableFuture.supplyAsync(
                    () -> post(pod, "/v1/completions", "{\"model\":\"a\",\"prompt\":\"x\",\"max_tokens\":1}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> gauge(pod, "vllm:num_requests_running") == 1);
            CompletableFuture<HttpResponse<String>> b = CompletableFuture.supplyAsync(
                    () -> post(pod, "/v1/completions", "{\"model\":\"b\",\"prompt\":\"x\",\"max_tokens\":1}"));

            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> get(pod, "/metrics")
                                    .body()
                                    .contains(
                                            "vllm:lora_requests_info{running_lora_adapters=\"a\",waiting_lora_adapters=\"b\",max_lora=\"1\"}"));

            assertEquals(200, a.join().statusCode());
            assertEquals(200, b.join().statusCode());
        }
    }

    /** A client that hangs up mid-stream must not keep its running slot nor count as served. */
    @Test
    void clientThatDisconnectsMidStreamFreesItsSlot() throws Exception {
        try (SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                .maxRunning(1)
                .timeToFirstToken(Duration.ZERO)
                .interTokenLatency(Duration.ofMillis(50))
                .build())) {
            HttpResponse<InputStream> res = TestClient.sendStreaming(TestClient.postRequest(
                    pod,
                    "/v1/completions",
                    "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":10000,\"stream\":true}"));
            assertEquals(200, res.statusCode());
            try (InputStream body = res.body()) {
                assertTrue(body.read() != -1, "the first event arrives");
                assertEquals(1, gauge(pod, "vllm:num_requests_running"));
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> gauge(pod, "vllm:num_requests_running") == 0);
            assertEquals(0, pod.requestsServed());
            assertEquals(
                    200,
                    post(pod, "/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\"}")
                            .statusCode());
        }
    }

    private static double gauge(SimulatedPod pod, String name) {
        return sample(get(pod, "/metrics").body(), name + LABEL);
    }
}
