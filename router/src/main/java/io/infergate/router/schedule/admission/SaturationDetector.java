package io.infergate.router.schedule.admission;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.settings.Section;

import java.util.List;

/**
 * Whether a pool is saturated (the EPP rule): each endpoint's load is
 * {@code max(waiting / queueThreshold, kvCacheUsage / kvThreshold)}, a stale endpoint counts as
 * 1 (saturated), and the pool is saturated when the mean over its endpoints is ≥ 1.
 *
 * <p>Endpoints never scraped are left out of the mean, and a pool none of whose endpoints was ever
 * scraped is not saturated: without a single sample there is nothing to shed on, and a pool of
 * servers without {@code /metrics} must keep serving (EPP would count them as saturated forever).
 *
 * @param queueThreshold waiting requests at which one endpoint is saturated (default 5)
 * @param kvThreshold    KV-cache use at which one endpoint is saturated (default 0.8)
 */
public record SaturationDetector(double queueThreshold, double kvThreshold) {
    public SaturationDetector {
        if (!(queueThreshold > 0) || !(kvThreshold > 0)) {
            throw new IllegalArgumentException("saturation thresholds must be positive");
        }
    }

    /** 5 waiting, 80 % KV cache. */
    public static SaturationDetector defaults() {
        return new SaturationDetector(5, 0.8);
    }

    /** The load of one endpoint (1 = saturated); NaN when it was never scraped. */
    public double load(EndpointView v) {
        if (v.metrics().isEmpty()) {
            return Double.NaN;
        }
        if (v.stale()) {
            return 1;
        }
        return Math.max(v.waiting() / queueThreshold, v.kvCacheUsage() / kvThreshold);
    }

    /** Whether the pool of these endpoints is saturated. */
    public boolean saturated(List<EndpointView> endpoints) {
        double sum = 0;
        int n = 0;
        for (EndpointView v : endpoints) {
            double l = load(v);
            if (!Double.isNaN(l)) {
                sum += l;
                n++;
            }
        }
        return n > 0 && sum / n >= 1;
    }

    /** Reads the saturation keys of {@code router.admission}; absent keys keep {@link #defaults()}. */
    public static SaturationDetector create(Section s) {
        SaturationDetector d = defaults();
        return new SaturationDetector(
                s.positive("saturation-queue-threshold", d.queueThreshold()),
                s.positive("saturation-kv-threshold", d.kvThreshold()));
    }
}
