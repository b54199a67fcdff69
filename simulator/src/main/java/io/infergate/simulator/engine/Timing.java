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
 */
public record Timing(
        Duration timeToFirstToken,
        Duration interTokenLatency,
        Duration prefillTimePerToken,
        Duration interTokenLatencyPerSequence,
        Duration loraLoadTime,
        boolean parallelPrefill,
        double timeFactorUnderLoad) {

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
