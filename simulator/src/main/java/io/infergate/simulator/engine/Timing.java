package io.infergate.simulator.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * The simulated GPU's cost model.
 *
 * <pre>
 * TTFT = queueing + prefill backlog + (adapter load) + uncached prompt tokens × prefillTimePerToken
 *        + timeToFirstToken
 * ITL  = interTokenLatency + interTokenLatencyPerSequence × running sequences
 * </pre>
 *
 * Serial prefill (the default): prefill work (the per-token part and adapter loads) is serialized
 * per pod in a {@link PrefillLine}; {@code timeToFirstToken} is a per-request overhead that overlaps
 * with other requests. A pod handed many uncached prompts builds a backlog every later request
 * waits behind (one forward pass at a time: vLLM or SGLang without chunked prefill).
 *
 * <p>Parallel prefill ({@code parallelPrefill}): every admitted request prefills in its own running
 * slot at once, slowed by how full the batch is (llm-d-inference-sim's model; vLLM with chunked
 * prefill mixing prefills into decode steps):
 *
 * <pre>
 * TTFT = queueing + (timeToFirstToken + adapter load + uncached tokens × prefillTimePerToken) × f
 * f    = 1 + (timeFactorUnderLoad − 1) × (running − 1) / (maxRunning − 1)
 * </pre>
 *
 * @param timeToFirstToken             fixed overhead before the first token, not serialized
 * @param interTokenLatency            decode step time with no other sequence running
 * @param prefillTimePerToken          prefill work per uncached prompt token
 * @param interTokenLatencyPerSequence extra decode step time per running sequence
 * @param loraLoadTime                 prefill-line time to load an adapter that is not resident
 * @param parallelPrefill              prefills run in parallel in the running slots (see above)
 * @param timeFactorUnderLoad          the factor {@code f} at a full batch (&ge; 1; parallel mode only)
 * @param kvTransferLatency            prefill/decode disaggregation: a request whose prompt another
 *                                     pod prefilled waits this long (plus the next) for its KV cache
 *                                     instead of prefilling and instead of {@code timeToFirstToken}
 * @param kvTransferTimePerToken       added to that wait per prompt token
 * @param prefillStallsDecode          serial mode: a decode step waits for the prefill work running
 *                                     on the pod, up to one chunk of {@link #PREFILL_CHUNK_TOKENS}
 *                                     tokens (vLLM batches prefill chunks with decode steps, so
 *                                     decodes on a pod that also prefills see longer steps)
 */
public record Timing(
        Duration timeToFirstToken,
        Duration interTokenLatency,
        Duration prefillTimePerToken,
        Duration interTokenLatencyPerSequence,
        Duration loraLoadTime,
        boolean parallelPrefill,
        double timeFactorUnderLoad,
        Duration kvTransferLatency,
        Duration kvTransferTimePerToken,
        boolean prefillStallsDecode) {

    /** Prompt tokens one prefill chunk holds (vLLM's long-standing {@code max_num_batched_tokens} default). */
    public static final int PREFILL_CHUNK_TOKENS = 512;

    /** Without disaggregation costs and without prefill–decode interference. */
    public Timing(
            Duration timeToFirstToken,
            Duration interTokenLatency,
            Duration prefillTimePerToken,
            Duration interTokenLatencyPerSequence,
            Duration loraLoadTime,
            boolean parallelPrefill,
            double timeFactorUnderLoad) {
        this(
                timeToFirstToken,
                interTokenLatency,
                prefillTimePerToken,
                interTokenLatencyPerSequence,
                loraLoadTime,
                parallelPrefill,
                timeFactorUnderLoad,
                Duration.ZERO,
                Duration.ZERO,
                false);
    }

    /** Serial prefill. */
    public Timing(
            Duration timeToFirstToken,
            Duration interTokenLatency,
            Duration prefillTimePerToken,
            Duration interTokenLatencyPerSequence,
            Duration loraLoadTime) {
        this(
                timeToFirstToken,
                interTokenLatency,
                prefillTimePerToken,
                interTokenLatencyPerSequence,
                loraLoadTime,
                false,
                1);
    }

    public Timing {
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        Objects.requireNonNull(interTokenLatency, "interTokenLatency");
        Objects.requireNonNull(prefillTimePerToken, "prefillTimePerToken");
        Objects.requireNonNull(interTokenLatencyPerSequence, "interTokenLatencyPerSequence");
        Objects.requireNonNull(loraLoadTime, "loraLoadTime");
        Objects.requireNonNull(kvTransferLatency, "kvTransferLatency");
        Objects.requireNonNull(kvTransferTimePerToken, "kvTransferTimePerToken");
        if (kvTransferLatency.isNegative() || kvTransferTimePerToken.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (timeToFirstToken.isNegative()
                || interTokenLatency.isNegative()
                || prefillTimePerToken.isNegative()
                || interTokenLatencyPerSequence.isNegative()
                || loraLoadTime.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (!(timeFactorUnderLoad >= 1) || Double.isInfinite(timeFactorUnderLoad)) {
            throw new IllegalArgumentException("timeFactorUnderLoad must be a finite number >= 1");
        }
    }

    /** Fixed TTFT and ITL only: no prefill line, no load-dependent decode, free adapter loads. */
    public static Timing fixed(Duration timeToFirstToken, Duration interTokenLatency) {
        return new Timing(timeToFirstToken, interTokenLatency, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
}
