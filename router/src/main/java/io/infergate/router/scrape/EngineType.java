package io.infergate.router.scrape;

import java.util.Locale;
import java.util.Map;

/**
 * The model server engine of a pod, which decides the metric names to read (see {@link MetricsParser}).
 * Chosen by the pod label {@code inference.networking.k8s.io/engine-type}; vLLM when absent or
 * unknown (the GIE default).
 */
public enum EngineType {
    VLLM,
    SGLANG,
    TRTLLM;

    /** The pod label naming the engine. */
    public static final String LABEL = "inference.networking.k8s.io/engine-type";

    /** The engine of a pod with these labels. */
    public static EngineType of(Map<String, String> labels) {
        String v = labels.getOrDefault(LABEL, "vllm").toLowerCase(Locale.ROOT).replace("-", "");
        return switch (v) {
            case "sglang" -> SGLANG;
            case "trtllm", "tensorrtllm", "trtllmserve" -> TRTLLM;
            default -> VLLM;
        };
    }
}
