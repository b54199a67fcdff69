package io.infergate.router.endpoints;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads the few series the schedulers need from Prometheus text exposition. One pass over the
 * lines; a line whose metric name is not wanted is skipped after its name, so the cost is one
 * scan of the text. Comments, histograms and unknown series are ignored; a malformed wanted line
 * is skipped rather than failing the scrape (a model server's other series are none of our
 * business).
 *
 * <p>Names per engine (REFERENCE section 7): waiting, running, KV-cache use, block size and
 * block count, and vLLM's {@code lora_requests_info}, whose value is a timestamp: the series with
 * the largest value is the current one.
 */
public final class MetricsParser {

    private MetricsParser() {
    }

    /** Parses {@code text} as exposed by an {@code engine} pod, stamped {@code nowNanos}. */
    public static Metrics parse(Engine engine, CharSequence text, long nowNanos) {
        Acc acc = new Acc();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int end = i;
            while (end < n && text.charAt(end) != '\n') {
                end++;
            }
            if (end > i && text.charAt(i) != '#') {
                line(engine, text, i, end, acc);
            }
            i = end + 1;
        }
        return new Metrics(acc.waiting, acc.running, acc.kv >= 0 ? acc.kv : Math.max(0, acc.kvOld), acc.blockSize,
                acc.blocks, acc.runningLoras, acc.waitingLoras, acc.maxLora, nowNanos);
    }

    private static final class Acc {
        int waiting;
        int running;
        double kv = -1;
        double kvOld = -1;
        int blockSize;
        int blocks;
        Set<String> runningLoras = Set.of();
        Set<String> waitingLoras = Set.of();
        int maxLora;
        double loraStamp = Double.NEGATIVE_INFINITY;
    }

    private static void line(Engine engine, CharSequence text, int start, int end, Acc acc) {
        int p = start;
        while (p < end && text.charAt(p) != '{' && text.charAt(p) != ' ') {
            p++;
        }
        String name = wanted(engine, text, start, p);
        if (name == null) {
            return;
        }
        Map<String, String> labels = Map.of();
        if (p < end && text.charAt(p) == '{') {
            labels = new HashMap<>();
            p = labels(text, p + 1, end, labels);
            if (p < 0) {
                return;
            }
        }
        while (p < end && text.charAt(p) == ' ') {
            p++;
        }
        int v = p;
        while (v < end && text.charAt(v) != ' ' && text.charAt(v) != '\r') {
            v++;
        }
        double value;
        try {
            value = Double.parseDouble(text.subSequence(p, v).toString());
        } catch (NumberFormatException e) {
            return;
        }
        apply(engine, name, labels, value, acc);
    }

    private static final String[] VLLM = {"vllm:num_requests_waiting", "vllm:num_requests_running",
        "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc", "vllm:cache_config_info", "vllm:lora_requests_info"};
    private static final String[] SGLANG = {"sglang:num_queue_reqs", "sglang:num_running_reqs", "sglang:token_usage",
        "sglang:cache_config_info"};
    private static final String[] TRTLLM = {"trtllm_num_requests_waiting", "trtllm_num_requests_running",
        "trtllm_kv_cache_utilization", "trtllm_kv_cache_tokens_per_block", "trtllm_kv_cache_max_blocks"};

    /**
     * The wanted series name equal to {@code text[start, end)}, or null. Compared in place: most
     * lines (histogram buckets, counters) are not wanted, and building a string for each was most
     * of the parser's allocation.
     */
    private static String wanted(Engine engine, CharSequence text, int start, int end) {
        String[] names = switch (engine) {
            case VLLM -> VLLM;
            case SGLANG -> SGLANG;
            case TRTLLM -> TRTLLM;
        };
        int len = end - start;
        for (String name : names) {
            if (name.length() == len && same(name, text, start)) {
                return name;
            }
        }
        return null;
    }

    private static boolean same(String name, CharSequence text, int start) {
        for (int i = name.length() - 1; i >= 0; i--) { // from the end: names share their prefix
            if (name.charAt(i) != text.charAt(start + i)) {
                return false;
            }
        }
        return true;
    }

    private static void apply(Engine engine, String name, Map<String, String> labels, double value, Acc acc) {
        // Several series of one gauge (e.g. per model_name) add up: they share the pod's queue.
        switch (name) {
            case "vllm:num_requests_waiting", "sglang:num_queue_reqs", "trtllm_num_requests_waiting" ->
                    acc.waiting += (int) value;
            case "vllm:num_requests_running", "sglang:num_running_reqs", "trtllm_num_requests_running" ->
                    acc.running += (int) value;
            case "vllm:kv_cache_usage_perc", "sglang:token_usage", "trtllm_kv_cache_utilization" ->
                    acc.kv = Math.max(acc.kv, value);
            case "vllm:gpu_cache_usage_perc" -> acc.kvOld = Math.max(acc.kvOld, value);
            case "vllm:cache_config_info" -> {
                acc.blockSize = intLabel(labels, "block_size", acc.blockSize);
                acc.blocks = intLabel(labels, "num_gpu_blocks", acc.blocks);
            }
            case "sglang:cache_config_info" -> {
                acc.blockSize = intLabel(labels, "page_size", acc.blockSize);
                acc.blocks = intLabel(labels, "num_pages", acc.blocks);
            }
            case "trtllm_kv_cache_tokens_per_block" -> acc.blockSize = (int) value;
            case "trtllm_kv_cache_max_blocks" -> acc.blocks = (int) value;
            case "vllm:lora_requests_info" -> {
                if (value > acc.loraStamp) {
                    acc.loraStamp = value;
                    acc.runningLoras = list(labels.get("running_lora_adapters"));
                    acc.waitingLoras = list(labels.get("waiting_lora_adapters"));
                    acc.maxLora = intLabel(labels, "max_lora", 0);
                }
            }
            default -> { }
        }
    }

    private static int intLabel(Map<String, String> labels, String key, int fallback) {
        String v = labels.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return (int) Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Set<String> list(String csv) {
        if (csv == null || csv.isBlank()) {
            return Set.of();
        }
        Set<String> out = new HashSet<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    /** Reads {@code k="v",...}} from {@code p}; returns the index after '}' or -1 when malformed. */
    private static int labels(CharSequence text, int p, int end, Map<String, String> out) {
        while (p < end) {
            char c = text.charAt(p);
            if (c == '}') {
                return p + 1;
            }
            if (c == ',' || c == ' ') {
                p++;
                continue;
            }
            int eq = p;
            while (eq < end && text.charAt(eq) != '=') {
                eq++;
            }
            if (eq + 1 >= end || text.charAt(eq + 1) != '"') {
                return -1;
            }
            String key = text.subSequence(p, eq).toString().trim();
            StringBuilder value = new StringBuilder();
            int q = eq + 2;
            while (q < end && text.charAt(q) != '"') {
                char ch = text.charAt(q);
                if (ch == '\\' && q + 1 < end) {
                    char nx = text.charAt(++q);
                    value.append(nx == 'n' ? '\n' : nx);
                } else {
                    value.append(ch);
                }
                q++;
            }
            if (q >= end) {
                return -1;
            }
            out.put(key, value.toString());
            p = q + 1;
        }
        return -1;
    }
}
