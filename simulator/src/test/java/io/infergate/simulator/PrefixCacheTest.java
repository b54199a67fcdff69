package io.infergate.simulator;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.infergate.simulator.TestClient.get;
import static io.infergate.simulator.TestClient.json;
import static io.infergate.simulator.TestClient.post;
import static io.infergate.simulator.TestClient.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prefix cache seen over HTTP: the fidelity headers, {@code usage.prompt_tokens_details}, vLLM's
 * prefix-cache counters and the prefill cost in the TTFT histogram. Block size 16 throughout.
 */
class PrefixCacheTest {

    private static final String MODEL = "Qwen2.5-0.5B-Instruct";
    private static final String LABEL = "{model_name=\"" + MODEL + "\"}";
    /** Simulated prefill cost per uncached token; small, but a lower bound the TTFT sum must show. */
    private static final Duration PREFILL_PER_TOKEN = Duration.ofNanos(100_000);

    private static SimulatedPod pod;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .timeToFirstToken(Duration.ZERO)
                .interTokenLatency(Duration.ZERO)
                .prefillTimePerToken(PREFILL_PER_TOKEN)
                .loraAdapters("sql-lora")
                .loraLoadTime(Duration.ofMillis(50))
                .build());
    }

    @AfterAll
    static void stop() {
        pod.close();
    }

    /** 100 distinct tokens: 6 full blocks of 16 and 4 tokens in a partial block. */
    private static String longPrompt(String topic) {
        StringBuilder text = new StringBuilder(topic);
        for (int i = 1; i < 100; i++) {
            text.append(" w").append(i);
        }
        return text.toString();
    }

    @Test
    void aRepeatedLongPromptIsServedFromTheCacheAndSaysSo() {
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + longPrompt("repeat") + "\",\"max_tokens\":2}";
        String before = get(pod, "/metrics").body();

        HttpResponse<String> first = post(pod, "/v1/completions", body);
        String between = get(pod, "/metrics").body();
        HttpResponse<String> second = post(pod, "/v1/completions", body);
        String after = get(pod, "/metrics").body();

        assertEquals(200, first.statusCode(), first.body());
        assertEquals(List.of("0"), first.headers().allValues("x-prefix-cache-hit-tokens"));
        assertEquals(List.of("100"), first.headers().allValues("x-prompt-tokens"));
        assertEquals(0, cachedTokens(json(first.body())));
        assertEquals(List.of("96"), second.headers().allValues("x-prefix-cache-hit-tokens"), "6 full blocks");
        assertEquals(96, cachedTokens(json(second.body())));
        assertEquals(100, json(second.body()).getJsonObject("usage").getInt("prompt_tokens"));

        assertEquals(200, delta(before, after, "vllm:prefix_cache_queries_total" + LABEL), "tokens, not requests");
        assertEquals(96, delta(before, after, "vllm:prefix_cache_hits_total" + LABEL));
        assertEquals(
                200, delta(before, after, "vllm:prompt_tokens_total" + LABEL), "cached tokens are prompt tokens too");
        // 100 uncached tokens × 0.1 ms: the first TTFT cannot be shorter than its prefill.
        assertTrue(delta(before, between, "vllm:time_to_first_token_seconds_sum" + LABEL) >= 0.010);
    }

    @Test
    void aStreamedResponseCarriesTheHeadersAndTheCachedTokensInItsUsageChunk() {
        String body = """
                {"model":"%s","prompt":"%s","max_tokens":2,"stream":true,"stream_options":{"include_usage":true}}""".formatted(MODEL, longPrompt("stream"));
        assertEquals(200, post(pod, "/v1/completions", body).statusCode());

        HttpResponse<InputStream> res = TestClient.sendStreaming(TestClient.postRequest(pod, "/v1/completions", body));

        assertEquals(200, res.statusCode());
        assertEquals(List.of("96"), res.headers().allValues("x-prefix-cache-hit-tokens"));
        assertEquals(List.of("100"), res.headers().allValues("x-prompt-tokens"));
        List<TestClient.Event> events = TestClient.events(res.body());
        JsonObject usageChunk = events.get(events.size() - 2).json();
        assertEquals(96, cachedTokens(usageChunk));
    }

    @Test
    void chatHashesRoleAndContentOfEveryMessageInOrder() {
        String system = longPrompt("chat");
        String asSystem = chat("system", system);
        assertEquals(
                0, cachedTokens(json(post(pod, "/v1/chat/completions", asSystem).body())));
        assertEquals(
                96,
                cachedTokens(json(post(pod, "/v1/chat/completions", asSystem).body())));
        // Same text, another role: a different prefix.
        assertEquals(
                0,
                cachedTokens(json(
                        post(pod, "/v1/chat/completions", chat("user", system)).body())));
    }

    @Test
    void tokenIdPromptsHashOneTokenPerId() {
        StringBuilder ids = new StringBuilder("[7");
        for (int i = 1; i < 40; i++) {
            ids.append(',').append(1000 + i);
        }
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":" + ids + "],\"max_tokens\":1}";
        assertEquals(List.of("0"), post(pod, "/v1/completions", body).headers().allValues("x-prefix-cache-hit-tokens"));
        HttpResponse<String> again = post(pod, "/v1/completions", body);
        assertEquals(List.of("40"), again.headers().allValues("x-prompt-tokens"));
        assertEquals(List.of("32"), again.headers().allValues("x-prefix-cache-hit-tokens"), "2 of 2.5 blocks");
    }

    @Test
    void anAdapterHasItsOwnCacheAndItsFirstLoadDelaysItsFirstToken() {
        String prompt = longPrompt("adapter");
        String base = "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":1}";
        String lora = "{\"model\":\"sql-lora\",\"prompt\":\"" + prompt + "\",\"max_tokens\":1}";
        assertEquals(200, post(pod, "/v1/completions", base).statusCode());
        String before = get(pod, "/metrics").body();

        HttpResponse<String> res = post(pod, "/v1/completions", lora);

        assertEquals(List.of("0"), res.headers().allValues("x-prefix-cache-hit-tokens"), "blocks are keyed by adapter");
        String after = get(pod, "/metrics").body();
        // 50 ms adapter load + 100 uncached tokens × 0.1 ms.
        assertTrue(delta(before, after, "vllm:time_to_first_token_seconds_sum" + LABEL) >= 0.060);
    }

    @Test
    void withoutThePrefixCacheNothingIsCachedOrCounted() {
        try (SimulatedPod plain = SimulatedPod.start(SimulatorConfig.builder()
                .timeToFirstToken(Duration.ZERO)
                .interTokenLatency(Duration.ZERO)
                .prefixCaching(false)
                .build())) {
            String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + longPrompt("plain") + "\",\"max_tokens\":1}";
            post(plain, "/v1/completions", body);
            HttpResponse<String> again = post(plain, "/v1/completions", body);

            assertEquals(List.of("0"), again.headers().allValues("x-prefix-cache-hit-tokens"));
            assertEquals(0, cachedTokens(json(again.body())));
            String metrics = get(plain, "/metrics").body();
            assertEquals(0, sample(metrics, "vllm:prefix_cache_queries_total" + LABEL));
            assertEquals(200, sample(metrics, "vllm:prompt_tokens_total" + LABEL));
        }
    }

    private static String chat(String role, String content) {
        return """
                {"model":"%s","max_tokens":1,"messages":[{"role":"%s","content":"%s"},{"role":"user","content":"hi"}]}""".formatted(MODEL, role, content);
    }

    private static int cachedTokens(JsonObject response) {
        return response.getJsonObject("usage")
                .getJsonObject("prompt_tokens_details")
                .getInt("cached_tokens");
    }

    private static double delta(String before, String after, String series) {
        return sample(after, series) - sample(before, series);
    }
}
