package io.infergate.router.schedule.plugins.prefix;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-endpoint weights for the rendezvous order, learned from the scraped loads that every router
 * sees alike (docs/adr/0036-weighted-rendezvous.md).
 *
 * <p>Plain rendezvous hashing gives each endpoint a binomial share of the prefixes: 90 system
 * prompts over 4 pods land about 23/25/13/29, so one pod draws a third of the traffic and fills
 * its KV cache while another idles, and the load bound then spills that pod's prefixes, making
 * copies that crowd every cache. A router alone places new prefixes by load and remembers where
 * (ADR 0022); routers that share a pool cannot, since each sees a new prefix first at another
 * moment. What they do share is the pods' metrics. So each router keeps, per endpoint, a slow
 * average of its load ({@code running + waiting}, time constant {@value #TAU_SECONDS} s) and,
 * once a second, moves the endpoint's weight against its deviation from the pool's mean (an
 * integral controller: gain × deviation in log-weight, nothing within ±{@value #DEADBAND} of the
 * mean, weights within [1/{@value #MAX_WEIGHT}, {@value #MAX_WEIGHT}]). A pod that draws too much
 * loses the prefixes that prefer it least, to the pods they rank next: the fewest moves that
 * even the load, made alike on every router because their inputs differ only by scrape timing.
 *
 * <p>Thread-safe (one lock, held for a few array operations per pick); no I/O; the clock is the
 * caller's.
 */
final class RendezvousWeights {

    static final double TAU_SECONDS = 10;
    static final double DEADBAND = 0.1;
    static final double MAX_WEIGHT = 4;
    private static final long SAMPLE_NANOS = 50_000_000L; // the scrape interval: no new data sooner
    private static final long TICK_NANOS = 1_000_000_000L;
    private static final long TAU_NANOS = (long) (TAU_SECONDS * 1e9);
    private static final double MAX_LOG = Math.log(MAX_WEIGHT);
    /** Below this mean load (requests per endpoint) the deviations are noise: no update. */
    private static final double MIN_MEAN_LOAD = 1;
    /** Endpoints remembered; beyond, those not seen for a minute are forgotten. */
    private static final int MAX_ENDPOINTS = 4096;

    private final double gain;
    private final Map<String, State> byKey = new HashMap<>();

    private static final class State {
        double average;
        double logWeight;
        long sampledAt;
        long tickedAt;
        boolean seeded;
    }

    /** @param gain the log-weight step per unit of relative deviation per second (&gt; 0) */
    RendezvousWeights(double gain) {
        if (!(gain > 0)) {
            throw new IllegalArgumentException("gain must be > 0");
        }
        this.gain = gain;
    }

    /**
     * Records the candidates' current loads and returns their weights.
     *
     * @param keys the candidates' keys
     * @param load per candidate, {@code running + waiting} (or this router's outstanding requests
     *             when it has no fresh scrape)
     * @param now  {@link System#nanoTime()}
     */
    synchronized double[] weights(List<String> keys, long[] load, long now) {
        int n = keys.size();
        State[] states = new State[n];
        boolean tick = n > 1;
        for (int i = 0; i < n; i++) {
            State s = byKey.get(keys.get(i));
            if (s == null) {
                forgetIfFull(now);
                s = new State();
                s.tickedAt = now;
                byKey.put(keys.get(i), s);
            }
            sample(s, load[i], now);
            tick &= now - s.tickedAt >= TICK_NANOS;
            states[i] = s;
        }
        if (tick) {
            update(states, now);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.exp(states[i].logWeight);
        }
        return out;
    }

    private static void sample(State s, long load, long now) {
        if (!s.seeded) {
            s.average = load;
            s.seeded = true;
            s.sampledAt = now;
            return;
        }
        long dt = now - s.sampledAt;
        if (dt < SAMPLE_NANOS) {
            return;
        }
        double alpha = 1 - Math.exp(-(double) dt / TAU_NANOS);
        s.average += alpha * (load - s.average);
        s.sampledAt = now;
    }

    /** One controller step over one pool's endpoints, then the log-weights re-centred on 0. */
    private void update(State[] states, long now) {
        double mean = 0;
        for (State s : states) {
            mean += s.average;
        }
        mean /= states.length;
        if (mean >= MIN_MEAN_LOAD) {
            for (State s : states) {
                double deviation = s.average / mean - 1;
                if (Math.abs(deviation) > DEADBAND) {
                    s.logWeight -= gain * deviation;
                }
            }
        }
        double centre = 0;
        for (State s : states) {
            centre += s.logWeight;
        }
        centre /= states.length;
        for (State s : states) {
            s.logWeight = Math.max(-MAX_LOG, Math.min(MAX_LOG, s.logWeight - centre));
            s.tickedAt = now;
        }
    }

    private void forgetIfFull(long now) {
        if (byKey.size() >= MAX_ENDPOINTS) {
            byKey.values().removeIf(s -> now - s.sampledAt > 60 * 1_000_000_000L);
        }
    }

    /**
     * The weighted rendezvous score of an endpoint for an anchor: {@code weight / -ln u} with
     * {@code u} in (0, 1) from the pair's hash (Schindelhauer and Schomaker's weighted
     * rendezvous: an endpoint's expected share is its weight's share). With equal weights the
     * order is the plain one: {@code u} grows with the hash taken as a signed number.
     */
    static double score(long pairHash, double weight) {
        double u = (((pairHash ^ Long.MIN_VALUE) >>> 11) + 0.5) * 0x1.0p-53;
        return weight / -Math.log(u);
    }
}
