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
 * Prefill work (the per-token part and adapter loads) is serialized per pod in a {@link PrefillLine};
 * {@code timeToFirstToken} is a per-request overhead that overlaps with other requests.
 *
 * @param timeToFirstToken             fixed overhead before the first token, not serialized
 * @param interTokenLatency            decode step time with no other sequence running
 * @param prefillTimePerToken          prefill work per uncached prompt token
 * @param interTokenLatencyPerSequence extra decode step time per running sequence
 * @param loraLoadTime                 prefill-line time to load an adapter that is not resident
 */
public record Timing(
        Duration timeToFirstToken,
        Duration interTokenLatency,
        Duration prefillTimePerToken,
        Duration interTokenLatencyPerSequence,
        Duration loraLoadTime) {

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
    }

    /** Fixed TTFT and ITL only: no prefill line, no load-dependent decode, free adapter loads. */
    public static Timing fixed(Duration timeToFirstToken, Duration interTokenLatency) {
        return new Timing(timeToFirstToken, interTokenLatency, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
}
