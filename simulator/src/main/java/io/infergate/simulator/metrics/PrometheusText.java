package io.infergate.simulator.metrics;

import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.Load;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Writes the exposition in Prometheus text format 0.0.4 with vLLM's series names and labels.
 * Label values are escaped (backslash, quote, newline) as the format requires; model names are
 * user input.
 */
public final class PrometheusText {

    /** The Content-Type of this exposition. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);
    private final String modelLabel;

    private PrometheusText(String modelName) {
        this.modelLabel = "model_name=\"" + escape(modelName) + "\"";
    }

    /**
     * The full exposition.
     *
     * @param modelName     the {@code model_name} label value (the pod's first base model)
     * @param load          scheduler snapshot for the gauges
     * @param metrics       counters and histograms
     * @param blockSize     tokens per KV-cache block, for {@code vllm:cache_config_info}
     * @param maxLoras      for {@code vllm:lora_requests_info}
     * @param nowEpochSeconds value of {@code vllm:lora_requests_info}, which vLLM sets to the current time
     */
    public static String render(
            String modelName, Load load, EngineMetrics metrics, int blockSize, int maxLoras, double nowEpochSeconds) {
        PrometheusText text = new PrometheusText(modelName);
        text.gauge("vllm:num_requests_running", "Number of requests in model execution batches.", load.running());
        text.gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", load.waiting());
        text.gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", load.kvCacheUsage());
        text.gauge(
                "vllm:gpu_cache_usage_perc",
                "GPU KV-cache usage (older name of vllm:kv_cache_usage_perc).",
                load.kvCacheUsage());
        text.header("vllm:cache_config_info", "Information of the LLMEngine CacheConfig.", "gauge");
        text.out
                .append("vllm:cache_config_info{block_size=\"")
                .append(blockSize)
                .append("\",num_gpu_blocks=\"")
                .append(load.totalBlocks())
                .append("\"} 1.0\n");
        text.header("vllm:lora_requests_info", "Running stats on LoRA requests.", "gauge");
        text.out
                .append("vllm:lora_requests_info{running_lora_adapters=\"")
                .append(escape(String.join(",", load.runningAdapters())))
                .append("\",waiting_lora_adapters=\"")
                .append(escape(String.join(",", load.waitingAdapters())))
                .append("\",max_lora=\"")
                .append(maxLoras)
                .append("\"} ")
                .append(number(nowEpochSeconds))
                .append('\n');
        text.counter(
                "vllm:prompt_tokens_total", "Number of prefill tokens processed.", (double) metrics.promptTokens.sum());
        text.counter("vllm:generation_tokens_total", "Number of generation tokens processed.", (double)
                metrics.generationTokens.sum());
        text.counter(
                "vllm:prefix_cache_queries_total",
                "Prefix cache queries, in terms of number of queried tokens.",
                (double) metrics.prefixCacheQueries.sum());
        text.counter("vllm:prefix_cache_hits_total", "Prefix cache hits, in terms of number of cached tokens.", (double)
                metrics.prefixCacheHits.sum());
        text.header("vllm:request_success_total", "Count of successfully processed requests.", "counter");
        for (FinishReason reason : FinishReason.values()) {
            text.out
                    .append("vllm:request_success_total{finished_reason=\"")
                    .append(reason.wire())
                    .append("\",")
                    .append(text.modelLabel)
                    .append("} ")
                    .append(number((double) metrics.successes.get(reason).sum()))
                    .append('\n');
        }
        text.histogram(
                "vllm:time_to_first_token_seconds",
                "Histogram of time to first token in seconds.",
                metrics.timeToFirstToken);
        text.histogram(
                "vllm:inter_token_latency_seconds",
                "Histogram of inter-token latency in seconds.",
                metrics.interTokenLatency);
        return text.out.toString();
    }

    private void header(String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void gauge(String name, String help, double value) {
        header(name, help, "gauge");
        sample(name, "", value);
    }

    private void counter(String name, String help, double value) {
        header(name, help, "counter");
        sample(name, "", value);
    }

    private void histogram(String name, String help, Histogram histogram) {
        header(name, help, "histogram");
        double[] bounds = histogram.bounds();
        long[] cumulative = histogram.cumulativeCounts();
        // Read the count once and use it for +Inf too, so +Inf always equals _count in one scrape.
        long count = Math.max(histogram.count(), cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1]);
        for (int i = 0; i < bounds.length; i++) {
            sample(name + "_bucket", "le=\"" + number(bounds[i]) + "\",", (double) cumulative[i]);
        }
        sample(name + "_bucket", "le=\"+Inf\",", (double) count);
        sample(name + "_sum", "", histogram.sum());
        sample(name + "_count", "", (double) count);
    }

    private void sample(String name, String extraLabels, double value) {
        out.append(name)
                .append('{')
                .append(extraLabels)
                .append(modelLabel)
                .append("} ")
                .append(number(value))
                .append('\n');
    }

    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        // Plain decimal (no exponent) keeps epoch timestamps readable; both forms parse.
        return Double.isFinite(value) ? BigDecimal.valueOf(value).toPlainString() : Double.toString(value);
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
