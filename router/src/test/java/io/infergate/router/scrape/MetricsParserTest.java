package io.infergate.router.scrape;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetricsParserTest {

    @Test
    void vllmSeriesIncludingTheNewestLoraSeries() {
        String text = """
                # HELP vllm:num_requests_running Number of requests in model execution batches.
                # TYPE vllm:num_requests_running gauge
                vllm:num_requests_running{model_name="m"} 3.0
                vllm:num_requests_waiting{model_name="m"} 7.0
                vllm:kv_cache_usage_perc{model_name="m"} 0.42
                vllm:gpu_cache_usage_perc{model_name="m"} 0.99
                vllm:cache_config_info{block_size="16",num_gpu_blocks="2048"} 1.0
                vllm:lora_requests_info{running_lora_adapters="a,b",waiting_lora_adapters="",max_lora="4"} 1.7e9
                vllm:lora_requests_info{running_lora_adapters="old",waiting_lora_adapters="x",max_lora="2"} 1.6e9
                vllm:time_to_first_token_seconds_bucket{le="0.1"} 5
                """;
        Metrics m = MetricsParser.parse(EngineType.VLLM, text, 42);
        assertEquals(new Metrics(7, 3, 0.42, 16, 2048, Set.of("a", "b"), Set.of(), 4, 42), m);
    }

    @Test
    void olderVllmNameForKvCacheUse() {
        Metrics m = MetricsParser.parse(EngineType.VLLM, "vllm:gpu_cache_usage_perc 0.5\n", 0);
        assertEquals(0.5, m.kvCacheUsage());
    }

    @Test
    void sglangSeries() {
        String text = """
                sglang:num_queue_reqs{model_name="m"} 2
                sglang:num_running_reqs{model_name="m"} 9
                sglang:token_usage{model_name="m"} 0.25
                sglang:cache_config_info{page_size="1",num_pages="50000"} 1
                vllm:num_requests_waiting 100
                """;
        assertEquals(
                new Metrics(2, 9, 0.25, 1, 50000, Set.of(), Set.of(), 0, 0),
                MetricsParser.parse(EngineType.SGLANG, text, 0));
    }

    @Test
    void trtllmSeries() {
        String text = """
                trtllm_num_requests_waiting 4
                trtllm_num_requests_running 1
                trtllm_kv_cache_utilization 0.9
                trtllm_kv_cache_tokens_per_block 32
                trtllm_kv_cache_max_blocks 1000
                """;
        assertEquals(
                new Metrics(4, 1, 0.9, 32, 1000, Set.of(), Set.of(), 0, 0),
                MetricsParser.parse(EngineType.TRTLLM, text, 0));
    }

    @Test
    void malformedAndUnknownLinesAreSkipped() {
        String text =
                "vllm:num_requests_waiting{broken 3\nvllm:num_requests_running NaNx\nvllm:num_requests_running 2\r\n";
        Metrics m = MetricsParser.parse(EngineType.VLLM, text, 0);
        assertEquals(0, m.waiting());
        assertEquals(2, m.running());
    }

    @Test
    void longerNamesWithAWantedPrefixAndALastLineWithoutNewline() {
        String text = "vllm:num_requests_waiting_total 99\nvllm:num_requests_waitingx 98\n"
                + "# vllm:num_requests_waiting 97\nvllm:num_requests_waiting{m=\"a\"} 5";
        assertEquals(5, MetricsParser.parse(EngineType.VLLM, text, 0).waiting());
    }

    @Test
    void escapedAndUtf8LabelValues() {
        String text = "vllm:lora_requests_info{running_lora_adapters=\"é\\\"q\",max_lora=\"1\"} 2\n";
        assertEquals(
                Set.of("é\"q"), MetricsParser.parse(EngineType.VLLM, text, 0).runningLoras());
    }

    @Test
    void newlinesAreFoundAtEveryOffsetOfAWord() {
        for (int len = 1; len <= 40; len++) {
            for (int nl = 0; nl < len; nl++) {
                byte[] b = new byte[len];
                java.util.Arrays.fill(b, (byte) ('\n' + 1)); // next to a newline bit-wise
                b[nl] = '\n';
                for (int from = 0; from <= nl; from++) {
                    assertEquals(nl, MetricsParser.lineEnd(b, from, len), len + "/" + nl + "/" + from);
                }
                b[nl] = (byte) 0x8A; // a newline with the top bit set is not one
                assertEquals(len, MetricsParser.lineEnd(b, 0, len));
            }
        }
    }

    @Test
    void engineFromThePodLabel() {
        assertEquals(EngineType.VLLM, EngineType.of(Map.of()));
        assertEquals(EngineType.SGLANG, EngineType.of(Map.of(EngineType.LABEL, "sglang")));
        assertEquals(EngineType.TRTLLM, EngineType.of(Map.of(EngineType.LABEL, "trtllm-serve")));
        assertEquals(EngineType.VLLM, EngineType.of(Map.of(EngineType.LABEL, "something-else")));
    }
}
