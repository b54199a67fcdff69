package io.infergate.simulator.metrics;

import io.infergate.simulator.engine.EngineListener;
import io.infergate.simulator.engine.FinishReason;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters and histograms of one pod, fed by the engine; thread-safe. */
public final class EngineMetrics implements EngineListener {

    /** vLLM's bucket bounds for {@code vllm:time_to_first_token_seconds}. */
    static final double[] TTFT_BUCKETS = {
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
        160.0, 640.0, 2560.0
    };
    /** vLLM's bucket bounds for {@code vllm:inter_token_latency_seconds}. */
    static final double[] ITL_BUCKETS = {
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0
    };

    final LongAdder promptTokens = new LongAdder();
    final LongAdder generationTokens = new LongAdder();
    final LongAdder prefixCacheQueries = new LongAdder();
    final LongAdder prefixCacheHits = new LongAdder();
    final Map<FinishReason, LongAdder> successes = new EnumMap<>(FinishReason.class);
    final Histogram timeToFirstToken = new Histogram(TTFT_BUCKETS);
    final Histogram interTokenLatency = new Histogram(ITL_BUCKETS);

    public EngineMetrics() {
        for (FinishReason reason : FinishReason.values()) {
            successes.put(reason, new LongAdder());
        }
    }

    @Override
    public void firstToken(Duration sinceArrival, int tokens) {
        timeToFirstToken.observe(seconds(sinceArrival));
        promptTokens.add(tokens);
    }

    @Override
    public void nextToken(Duration sincePrevious) {
        interTokenLatency.observe(seconds(sincePrevious));
    }

    @Override
    public void generated(int tokens) {
        generationTokens.add(tokens);
    }

    @Override
    public void finished(FinishReason reason) {
        successes.get(reason).increment();
    }

    @Override
    public void prefixCacheQueried(int queriedTokens, int hitTokens) {
        prefixCacheQueries.add(queriedTokens);
        prefixCacheHits.add(hitTokens);
    }

    /** Completed requests of every finish reason. */
    public long requestsServed() {
        return successes.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
