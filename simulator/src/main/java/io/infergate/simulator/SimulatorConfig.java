package io.infergate.simulator;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one simulated model-server pod needs, read once and passed to {@link SimulatedPod#start}.
 *
 * <p>The compact constructor rejects values that would make the simulation meaningless (no model,
 * no running slot, negative delays) so a bad setting fails at startup, not on the first request.
 *
 * @param host              address to bind
 * @param port              port to bind; 0 picks an ephemeral port
 * @param podName           reported in {@code x-inference-pod} and by the echo handler
 * @param namespace         reported by the echo handler
 * @param models            served base model names; the first one labels the vLLM metrics
 * @param timeToFirstToken  simulated prefill time before the first token
 * @param interTokenLatency simulated decode time between two tokens
 * @param maxRunning        sequences decoded at once (vLLM {@code max_num_seqs})
 * @param maxWaiting        requests that may queue behind them; one more is answered 429
 * @param defaultMaxTokens  output length when the request sets no {@code max_tokens}
 * @param kvCacheBlocks     KV-cache blocks (vLLM {@code num_gpu_blocks})
 * @param blockSize         tokens per KV-cache block
 * @param loraAdapters      LoRA adapter names, served on top of the first base model
 * @param maxLoras          distinct adapters that may run at once (vLLM {@code max_loras})
 * @param seed              seed of the deterministic text generator
 * @param prefixCaching     model vLLM's automatic prefix caching: prompts share cached KV blocks, a
 *                          request waits for free blocks, and only uncached tokens cost prefill time
 * @param prefillTimePerToken          prefill time per uncached prompt token, serialized per pod
 * @param interTokenLatencyPerSequence added to {@code interTokenLatency} per running sequence
 * @param loraLoadTime      time to load a LoRA adapter that is not resident, serialized with prefill
 * @param parallelPrefill   prefills run in parallel in the running slots, slowed by the batch's
 *                          fill ({@link io.infergate.simulator.engine.Timing}); false: one at a time
 * @param timeFactorUnderLoad the parallel prefill's slow-down at a full batch (&ge; 1)
 * @param tls               serve HTTPS with this certificate
 * @param apiKey            require {@code Authorization: Bearer <key>} on the OpenAI routes (vLLM's
 *                          {@code --api-key}); a missing or wrong key is answered 401
 * @param kvTransferLatency fixed time a decode request with remote-prefill {@code kv_transfer_params}
 *                          waits for the KV cache to arrive, instead of prefilling
 * @param kvTransferTimePerToken added to {@code kvTransferLatency} per prompt token transferred
 * @param prefillStallsDecode serial prefill: decode steps wait for the pod's running prefill work,
 *                          up to one 512-token chunk (prefill–decode interference)
 */
public record SimulatorConfig(
        String host,
        int port,
        String podName,
        String namespace,
        List<String> models,
        Duration timeToFirstToken,
        Duration interTokenLatency,
        int maxRunning,
        int maxWaiting,
        int defaultMaxTokens,
        int kvCacheBlocks,
        int blockSize,
        List<String> loraAdapters,
        int maxLoras,
        long seed,
        boolean prefixCaching,
        Duration prefillTimePerToken,
        Duration interTokenLatencyPerSequence,
        Duration loraLoadTime,
        boolean parallelPrefill,
        double timeFactorUnderLoad,
        Optional<ServingTls> tls,
        Optional<String> apiKey,
        Duration kvTransferLatency,
        Duration kvTransferTimePerToken,
        boolean prefillStallsDecode) {

    /** The fields of the first release; the later ones take their defaults (no added cost, prefix caching on). */
    public SimulatorConfig(
            String host,
            int port,
            String podName,
            String namespace,
            List<String> models,
            Duration timeToFirstToken,
            Duration interTokenLatency,
            int maxRunning,
            int maxWaiting,
            int defaultMaxTokens,
            int kvCacheBlocks,
            int blockSize,
            List<String> loraAdapters,
            int maxLoras,
            long seed) {
        this(
                host,
                port,
                podName,
                namespace,
                models,
                timeToFirstToken,
                interTokenLatency,
                maxRunning,
                maxWaiting,
                defaultMaxTokens,
                kvCacheBlocks,
                blockSize,
                loraAdapters,
                maxLoras,
                seed,
                true,
                Duration.ZERO,
                Duration.ZERO,
                Duration.ZERO,
                false,
                1,
                Optional.empty(),
                Optional.empty(),
                Duration.ZERO,
                Duration.ZERO,
                false);
    }

    public SimulatorConfig {
        requireText(host, "host");
        requireText(podName, "podName");
        requireText(namespace, "namespace");
        models = List.copyOf(models);
        loraAdapters = List.copyOf(loraAdapters);
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        Objects.requireNonNull(interTokenLatency, "interTokenLatency");
        Objects.requireNonNull(prefillTimePerToken, "prefillTimePerToken");
        Objects.requireNonNull(interTokenLatencyPerSequence, "interTokenLatencyPerSequence");
        Objects.requireNonNull(loraLoadTime, "loraLoadTime");
        tls = tls == null ? Optional.empty() : tls;
        apiKey = apiKey == null ? Optional.empty() : apiKey;
        Objects.requireNonNull(kvTransferLatency, "kvTransferLatency");
        Objects.requireNonNull(kvTransferTimePerToken, "kvTransferTimePerToken");
        if (kvTransferLatency.isNegative() || kvTransferTimePerToken.isNegative()) {
            throw new IllegalArgumentException("KV transfer times must not be negative");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("at least one model is required");
        }
        models.forEach(m -> requireText(m, "model name"));
        loraAdapters.forEach(a -> requireText(a, "LoRA adapter name"));
        // A name must resolve to exactly one served model, or /v1/models and routing become ambiguous.
        Set<String> names = new HashSet<>();
        for (String name : concat(models, loraAdapters)) {
            if (!names.add(name)) {
                throw new IllegalArgumentException("model or adapter name listed twice: " + name);
            }
        }
        if (timeToFirstToken.isNegative() || interTokenLatency.isNegative()) {
            throw new IllegalArgumentException("timeToFirstToken and interTokenLatency must not be negative");
        }
        if (prefillTimePerToken.isNegative()
                || interTokenLatencyPerSequence.isNegative()
                || loraLoadTime.isNegative()) {
            throw new IllegalArgumentException(
                    "prefillTimePerToken, interTokenLatencyPerSequence and loraLoadTime must not be negative");
        }
        if (!(timeFactorUnderLoad >= 1) || Double.isInfinite(timeFactorUnderLoad)) {
            throw new IllegalArgumentException(
                    "timeFactorUnderLoad must be a finite number >= 1, got " + timeFactorUnderLoad);
        }
        requireAtLeast(maxRunning, 1, "maxRunning");
        requireAtLeast(maxWaiting, 0, "maxWaiting");
        requireAtLeast(defaultMaxTokens, 1, "defaultMaxTokens");
        requireAtLeast(kvCacheBlocks, 1, "kvCacheBlocks");
        requireAtLeast(blockSize, 1, "blockSize");
        requireAtLeast(maxLoras, 1, "maxLoras");
    }

    /** A builder holding the documented defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: one Qwen2.5-0.5B-Instruct pod on 127.0.0.1, ephemeral port. */
    public static SimulatorConfig defaults() {
        return builder().build();
    }

    /** A builder starting from this configuration, to derive a variant. */
    public Builder toBuilder() {
        return new Builder()
                .host(host)
                .port(port)
                .podName(podName)
                .namespace(namespace)
                .models(models)
                .timeToFirstToken(timeToFirstToken)
                .interTokenLatency(interTokenLatency)
                .maxRunning(maxRunning)
                .maxWaiting(maxWaiting)
                .defaultMaxTokens(defaultMaxTokens)
                .kvCacheBlocks(kvCacheBlocks)
                .blockSize(blockSize)
                .loraAdapters(loraAdapters)
                .maxLoras(maxLoras)
                .seed(seed)
                .prefixCaching(prefixCaching)
                .prefillTimePerToken(prefillTimePerToken)
                .interTokenLatencyPerSequence(interTokenLatencyPerSequence)
                .loraLoadTime(loraLoadTime)
                .parallelPrefill(parallelPrefill)
                .timeFactorUnderLoad(timeFactorUnderLoad)
                .tls(tls)
                .apiKey(apiKey)
                .kvTransferLatency(kvTransferLatency)
                .kvTransferTimePerToken(kvTransferTimePerToken)
                .prefillStallsDecode(prefillStallsDecode);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    private static void requireAtLeast(int value, int min, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
        }
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private String podName = "sim-0";
        private String namespace = "default";
        private List<String> models = List.of("Qwen2.5-0.5B-Instruct");
        private Duration timeToFirstToken = Duration.ofMillis(10);
        private Duration interTokenLatency = Duration.ofMillis(5);
        private int maxRunning = 32;
        private int maxWaiting = 256;
        private int defaultMaxTokens = 16;
        private int kvCacheBlocks = 1024;
        private int blockSize = 16;
        private List<String> loraAdapters = List.of();
        private int maxLoras = 4;
        private long seed = 0;
        private boolean prefixCaching = true;
        private Duration prefillTimePerToken = Duration.ZERO;
        private Duration interTokenLatencyPerSequence = Duration.ZERO;
        private Duration loraLoadTime = Duration.ZERO;
        private boolean parallelPrefill = false;
        private double timeFactorUnderLoad = 1;
        private Optional<ServingTls> tls = Optional.empty();
        private Optional<String> apiKey = Optional.empty();
        private Duration kvTransferLatency = Duration.ZERO;
        private Duration kvTransferTimePerToken = Duration.ZERO;
        private boolean prefillStallsDecode;

        private Builder() {}

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder podName(String podName) {
            this.podName = podName;
            return this;
        }

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        public Builder models(List<String> models) {
            this.models = models;
            return this;
        }

        public Builder models(String... models) {
            return models(List.of(models));
        }

        public Builder timeToFirstToken(Duration timeToFirstToken) {
            this.timeToFirstToken = timeToFirstToken;
            return this;
        }

        public Builder interTokenLatency(Duration interTokenLatency) {
            this.interTokenLatency = interTokenLatency;
            return this;
        }

        public Builder maxRunning(int maxRunning) {
            this.maxRunning = maxRunning;
            return this;
        }

        public Builder maxWaiting(int maxWaiting) {
            this.maxWaiting = maxWaiting;
            return this;
        }

        public Builder defaultMaxTokens(int defaultMaxTokens) {
            this.defaultMaxTokens = defaultMaxTokens;
            return this;
        }

        public Builder kvCacheBlocks(int kvCacheBlocks) {
            this.kvCacheBlocks = kvCacheBlocks;
            return this;
        }

        public Builder blockSize(int blockSize) {
            this.blockSize = blockSize;
            return this;
        }

        public Builder loraAdapters(List<String> loraAdapters) {
            this.loraAdapters = loraAdapters;
            return this;
        }

        public Builder loraAdapters(String... loraAdapters) {
            return loraAdapters(List.of(loraAdapters));
        }

        public Builder maxLoras(int maxLoras) {
            this.maxLoras = maxLoras;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Model vLLM's automatic prefix caching (default true); false restores the plain block count. */
        public Builder prefixCaching(boolean prefixCaching) {
            this.prefixCaching = prefixCaching;
            return this;
        }

        /** Prefill time per uncached prompt token (default 0); prefill work is serialized per pod. */
        public Builder prefillTimePerToken(Duration prefillTimePerToken) {
            this.prefillTimePerToken = prefillTimePerToken;
            return this;
        }

        /** Added to the inter-token latency per running sequence (default 0). */
        public Builder interTokenLatencyPerSequence(Duration interTokenLatencyPerSequence) {
            this.interTokenLatencyPerSequence = interTokenLatencyPerSequence;
            return this;
        }

        /** Time to load a LoRA adapter that is not resident (default 0). */
        public Builder loraLoadTime(Duration loraLoadTime) {
            this.loraLoadTime = loraLoadTime;
            return this;
        }

        /** Prefills in parallel in the running slots (default false: one at a time per pod). */
        public Builder parallelPrefill(boolean parallelPrefill) {
            this.parallelPrefill = parallelPrefill;
            return this;
        }

        /** The parallel prefill's slow-down at a full batch (default 1: none). */
        public Builder timeFactorUnderLoad(double timeFactorUnderLoad) {
            this.timeFactorUnderLoad = timeFactorUnderLoad;
            return this;
        }

        /** Serve HTTPS with this certificate instead of plain HTTP (default: plain HTTP). */
        public Builder tls(Optional<ServingTls> tls) {
            this.tls = tls;
            return this;
        }

        /** Require this bearer key on the OpenAI routes (default: none). */
        public Builder apiKey(Optional<String> apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** Fixed wait of a decode request whose prefill ran on another pod (default 0). */
        public Builder kvTransferLatency(Duration kvTransferLatency) {
            this.kvTransferLatency = kvTransferLatency;
            return this;
        }

        /** Added to the KV transfer wait per prompt token (default 0). */
        public Builder kvTransferTimePerToken(Duration kvTransferTimePerToken) {
            this.kvTransferTimePerToken = kvTransferTimePerToken;
            return this;
        }

        /** Decode steps wait for running prefill work, up to a chunk (default false). */
        public Builder prefillStallsDecode(boolean prefillStallsDecode) {
            this.prefillStallsDecode = prefillStallsDecode;
            return this;
        }

        public SimulatorConfig build() {
            return new SimulatorConfig(
                    host,
                    port,
                    podName,
                    namespace,
                    models,
                    timeToFirstToken,
                    interTokenLatency,
                    maxRunning,
                    maxWaiting,
                    defaultMaxTokens,
                    kvCacheBlocks,
                    blockSize,
                    loraAdapters,
                    maxLoras,
                    seed,
                    prefixCaching,
                    prefillTimePerToken,
                    interTokenLatencyPerSequence,
                    loraLoadTime,
                    parallelPrefill,
                    timeFactorUnderLoad,
                    tls,
                    apiKey,
                    kvTransferLatency,
                    kvTransferTimePerToken,
                    prefillStallsDecode);
        }
    }
}
