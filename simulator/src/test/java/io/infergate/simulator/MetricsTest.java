package io.infergate.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static io.infergate.simulator.TestClient.get;
import static io.infergate.simulator.TestClient.post;
import static io.infergate.simulator.TestClient.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Prometheus exposition: vLLM's names, labels and types, and counters that follow traffic. */
class MetricsTest {

    private static final String MODEL = "Qwen2.5-0.5B-Instruct";
    private static final String LABEL = "model_name=\"" + MODEL + "\"";
    private static SimulatedPod pod;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .timeToFirstToken(Duration.ofMillis(2))
                .interTokenLatency(Duration.ofMillis(1))
                .loraAdapters("a")
                .build());
    }

    @AfterAll
    static void stop() {
        pod.close();
    }

    @Test
    void exposesVllmSeriesWithTypes() {
        HttpResponse<String> res = get(pod, "/metrics");
        assertEquals(200, res.statusCode());
        assertEquals(
                "text/plain; version=0.0.4; charset=utf-8",
                res.headers().firstValue("content-type").orElseThrow());
        String text = res.body();
        for (String typeLine : new String[] {
            "# TYPE vllm:num_requests_running gauge",
            "# TYPE vllm:num_requests_waiting gauge",
            "# TYPE vllm:kv_cache_usage_perc gauge",
            "# TYPE vllm:cache_config_info gauge",
            "# TYPE vllm:lora_requests_info gauge",
            "# TYPE vllm:prompt_tokens_total counter",
            "# TYPE vllm:generation_tokens_total counter",
            "# TYPE vllm:prefix_cache_queries_total counter",
            "# TYPE vllm:prefix_cache_hits_total counter",
            "# TYPE vllm:request_success_total counter",
            "# TYPE vllm:time_to_first_token_seconds histogram",
            "# TYPE vllm:inter_token_latency_seconds histogram"
        }) {
            assertTrue(text.contains(typeLine + "\n"), typeLine);
        }
        assertEquals(1.0, sample(text, "vllm:cache_config_info{block_size=\"16\",num_gpu_blocks=\"1024\"}"));
        double loraStamp = sample(
                text, "vllm:lora_requests_info{running_lora_adapters=\"\",waiting_lora_adapters=\"\",max_lora=\"4\"}");
        assertTrue(Math.abs(loraStamp - System.currentTimeMillis() / 1000.0) < 3600, "epoch seconds: " + loraStamp);
        for (String line : text.split("\n")) {
            assertTrue(line.startsWith("#") || line.matches("[a-z_:]+\\{[^}]*} -?[0-9.]+(E-?[0-9]+)?"), line);
        }
    }

    @Test
    void countersAndHistogramsFollowARequest() {
        String before = get(pod, "/metrics").body();
        HttpResponse<String> res = post(
                pod,
                "/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"three small words\",\"max_tokens\":4}");
        assertEquals(200, res.statusCode());
        String after = get(pod, "/metrics").body();

        assertEquals(3, delta(before, after, "vllm:prompt_tokens_total{" + LABEL + "}"));
        assertEquals(4, delta(before, after, "vllm:generation_tokens_total{" + LABEL + "}"));
        assertEquals(1, delta(before, after, "vllm:request_success_total{finished_reason=\"length\"," + LABEL + "}"));
        assertEquals(1, delta(before, after, "vllm:time_to_first_token_seconds_count{" + LABEL + "}"));
        assertEquals(1, delta(before, after, "vllm:time_to_first_token_seconds_bucket{le=\"+Inf\"," + LABEL + "}"));
        assertEquals(3, delta(before, after, "vllm:inter_token_latency_seconds_count{" + LABEL + "}"));
        // The simulated 2 ms prefill is a lower bound of the observed time to first token.
        assertTrue(delta(before, after, "vllm:time_to_first_token_seconds_sum{" + LABEL + "}") >= 0.002);
        assertEquals(0, delta(before, after, "vllm:time_to_first_token_seconds_bucket{le=\"0.001\"," + LABEL + "}"));
    }

    private static double delta(String before, String after, String series) {
        return sample(after, series) - sample(before, series);
    }
}
