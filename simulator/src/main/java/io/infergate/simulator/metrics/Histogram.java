package io.infergate.simulator.metrics;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram with fixed upper bounds in seconds. Observations only add, so adders
 * suffice; a scrape may see a count one observation ahead of the sum, which Prometheus tolerates.
 */
final class Histogram {

    private final double[] bounds;
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();
    private final LongAdder count = new LongAdder();

    Histogram(double... bounds) {
        this.bounds = bounds.clone();
        this.counts = new LongAdder[bounds.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void observe(double seconds) {
        // Non-cumulative per bucket here; the writer accumulates, so an observation costs one add.
        for (int i = 0; i < bounds.length; i++) {
            if (seconds <= bounds[i]) {
                counts[i].increment();
                break;
            }
        }
        sum.add(seconds);
        count.increment();
    }

    double[] bounds() {
        return bounds.clone();
    }

    /** Cumulative counts per bound, as the {@code le} buckets expose them. */
    long[] cumulativeCounts() {
        long[] out = new long[bounds.length];
        long running = 0;
        for (int i = 0; i < bounds.length; i++) {
            running += counts[i].sum();
            out[i] = running;
        }
        return out;
    }

    double sum() {
        return sum.sum();
    }

    long count() {
        return count.sum();
    }
}
