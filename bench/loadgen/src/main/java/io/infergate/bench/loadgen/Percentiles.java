package io.infergate.bench.loadgen;

import java.util.Arrays;

/** Nearest-rank percentiles: the smallest sample with at least p % of the samples at or below it. */
public final class Percentiles {

    private final long[] sorted;

    public Percentiles(long[] samples) {
        this.sorted = samples.clone();
        Arrays.sort(sorted);
    }

    public int count() {
        return sorted.length;
    }

    /**
     * The p-th percentile of the samples.
     *
     * @param p in (0, 100]; NaN when there are no samples
     */
    public double at(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }
}
