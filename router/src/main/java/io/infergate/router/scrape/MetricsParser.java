package io.infergate.router.scrape;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads the few series the schedulers need from Prometheus text exposition, straight from the
 * bytes the scrape received. One pass: each line is tested against the engine's wanted names in
 * place (the byte after each name's length must end the name, then the bytes must match), and an
 * unwanted line, most of them (histogram buckets, counters, comments), is skipped to its newline
 * eight bytes at a time. Only wanted lines are decoded. Comments, histograms and unknown series
 * are ignored; a malformed wanted line is skipped rather than failing the scrape (a model
 * server's other series are none of our business). This runs 20 times a second per endpoint on
 * the one scrape thread, so it is the scrape's main user-space cost (bench/scrape-cost.sh).
 *
 * <p>Names per engine (vLLM, SGLang, TensorRT-LLM; the plugin pages in docs/plugins/ name the ones
 * they read): waiting, running, KV-cache use, block size and block count, and vLLM's {@code lora_requests_info}, whose value is a timestamp: the series with
 * the largest value is the current one.
 */
public final class MetricsParser {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** The series read from one engine: names as strings (for {@link #apply}) and as bytes (to match in place). */
    private record Wanted(String[] names, byte[][] bytes) {
        static Wanted of(String... names) {
            byte[][] bytes = new byte[names.length][];
            for (int i = 0; i < names.length; i++) {
                bytes[i] = names[i].getBytes(StandardCharsets.ISO_8859_1);
            }
            return new Wanted(names, bytes);
        }
    }

    private static final Wanted VLLM = Wanted.of(
            "vllm:num_requests_waiting",
            "vllm:num_requests_running",
            "vllm:kv_cache_usage_perc",
            "vllm:gpu_cache_usage_perc",
            "vllm:cache_config_info",
            "vllm:lora_requests_info");
    private static final Wanted SGLANG = Wanted.of(
            "sglang:num_queue_reqs", "sglang:num_running_reqs", "sglang:token_usage", "sglang:cache_config_info");
    private static final Wanted TRTLLM = Wanted.of(
            "trtllm_num_requests_waiting",
            "trtllm_num_requests_running",
            "trtllm_kv_cache_utilization",
            "trtllm_kv_cache_tokens_per_block",
            "trtllm_kv_cache_max_blocks");

    private MetricsParser() {}

    /** Parses {@code text} as exposed by an {@code engine} pod, stamped {@code nowNanos}. */
    public static Metrics parse(EngineType engine, String text, long nowNanos) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return parse(engine, bytes, bytes.length, nowNanos);
    }

    /** Parses the UTF-8 bytes {@code text[0, length)} as exposed by an {@code engine} pod, stamped {@code nowNanos}. */
    public static Metrics parse(EngineType engine, byte[] text, int length, long nowNanos) {
        Wanted wanted = switch (engine) {
            case VLLM -> VLLM;
            case SGLANG -> SGLANG;
            case TRTLLM -> TRTLLM;
        };
        byte[][] names = wanted.bytes();
        Acc acc = new Acc();
        int i = 0;
        while (i < length) {
            if (text[i] != '#') {
                int which = wanted(names, text, i, length);
                if (which >= 0) {
                    int end = lineEnd(text, i, length);
                    line(wanted.names()[which], text, i + names[which].length, end, acc);
                    i = end + 1;
                    continue;
                }
            }
            i = lineEnd(text, i, length) + 1;
        }
        return new Metrics(
                acc.waiting,
                acc.running,
                acc.kv >= 0 ? acc.kv : Math.max(0, acc.kvOld),
                acc.blockSize,
                acc.blocks,
                acc.runningLoras,
                acc.waitingLoras,
                acc.maxLora,
                nowNanos);
    }

    /** The index of the wanted name the line at {@code start} has, or -1. */
    private static int wanted(byte[][] names, byte[] t, int start, int length) {
        for (int k = 0; k < names.length; k++) {
            byte[] name = names[k];
            int after = start + name.length;
            if (after < length && (t[after] == '{' || t[after] == ' ') && same(name, t, start)) {
                return k;
            }
        }
        return -1;
    }

    private static boolean same(byte[] name, byte[] t, int start) {
        for (int j = name.length - 1; j >= 0; j--) { // from the end: names share their prefix
            if (name[j] != t[start + j]) {
                return false;
            }
        }
        return true;
    }

    /** The index of the first newline at or after {@code from}, or {@code length}: a word at a time. */
    static int lineEnd(byte[] t, int from, int length) {
        int i = from;
        for (; i + 8 <= length; i += 8) {
            long x = (long) LONGS.get(t, i) ^ NEWLINES;
            long zero = (x - LOW_BITS) & ~x & HIGH_BITS; // the lowest set byte marks the first newline
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        while (i < length && t[i] != '\n') {
            i++;
        }
        return i;
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

    /** One wanted series: labels (if any) from {@code p}, then the value, up to {@code end}. */
    private static void line(String name, byte[] t, int p, int end, Acc acc) {
        Map<String, String> labels = Map.of();
        if (p < end && t[p] == '{') {
            if (name.endsWith("_info")) { // only the info series carry what we read in labels
                labels = new HashMap<>();
                p = labels(t, p + 1, end, labels);
            } else {
                p = skipLabels(t, p + 1, end);
            }
            if (p < 0) {
                return;
            }
        }
        while (p < end && t[p] == ' ') {
            p++;
        }
        int v = p;
        while (v < end && t[v] != ' ' && t[v] != '\r') {
            v++;
        }
        double value;
        try {
            value = Double.parseDouble(new String(t, p, v - p, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            return;
        }
        apply(name, labels, value, acc);
    }

    private static void apply(String name, Map<String, String> labels, double value, Acc acc) {
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
            default -> {}
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

    /** The index after the '}' closing labels that start at {@code p} (quoted values may hold '}'), or -1. */
    private static int skipLabels(byte[] t, int p, int end) {
        boolean quoted = false;
        for (; p < end; p++) {
            byte c = t[p];
            if (quoted) {
                if (c == '\\') {
                    p++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '}') {
                return p + 1;
            }
        }
        return -1;
    }

    /**
     * Reads {@code k="v",...}} from {@code p} into {@code out} (values decoded as UTF-8, escapes
     * resolved); returns the index after '}' or -1 when malformed.
     */
    private static int labels(byte[] t, int p, int end, Map<String, String> out) {
        byte[] value = new byte[64];
        while (p < end) {
            byte c = t[p];
            if (c == '}') {
                return p + 1;
            }
            if (c == ',' || c == ' ') {
                p++;
                continue;
            }
            int eq = p;
            while (eq < end && t[eq] != '=') {
                eq++;
            }
            if (eq + 1 >= end || t[eq + 1] != '"') {
                return -1;
            }
            String key = new String(t, p, eq - p, StandardCharsets.ISO_8859_1).trim();
            int n = 0;
            int q = eq + 2;
            while (q < end && t[q] != '"') {
                byte b = t[q];
                if (b == '\\' && q + 1 < end) {
                    byte nx = t[++q];
                    b = nx == 'n' ? (byte) '\n' : nx;
                }
                if (n == value.length) {
                    value = java.util.Arrays.copyOf(value, n * 2);
                }
                value[n++] = b;
                q++;
            }
            if (q >= end) {
                return -1;
            }
            out.put(key, new String(value, 0, n, StandardCharsets.UTF_8));
            p = q + 1;
        }
        return -1;
    }
}
