package io.infergate.router.schedule.plugins.prefix;

/**
 * When an endpoint is too busy to keep drawing the prefixes it holds (docs/adr/0022-load-aware-prefix-affinity.md).
 * Pure: loads in, one flag per endpoint out. An endpoint is <b>overloaded</b> when either
 *
 * <ul>
 *   <li>its load is at or above {@code ⌈(1 + loadFactor) × (Σ load + 1) / N⌉ + loadSlack}
 *   (consistent hashing with bounded loads: a pod far above the pool's mean), or</li>
 *   <li>its model server queues more than {@code queueSlack} requests while another endpoint
 *   queues none and is under the bound ({@code waiting == 0} on a fresh scrape: that server still
 *   has room). A queued
 *   request waits for a running slot, which on an engine that prefills in parallel is a whole
 *   request's time, more than a cache miss costs on the idle pod. {@code queueSlack < 0} turns
 *   this test off.</li>
 * </ul>
 *
 * Never every endpoint: the least-loaded one is under the bound, and the queue test needs an
 * endpoint without a queue, which it never flags.
 *
 * @param loadFactor the bounded load's ε (&ge; 0)
 * @param loadSlack  requests above the bound tolerated (&ge; 0)
 * @param queueSlack queued requests tolerated while another endpoint queues none; &lt; 0: no queue test
 */
record LoadBound(double loadFactor, int loadSlack, int queueSlack) {

    LoadBound {
        if (!(loadFactor >= 0) || loadSlack < 0) {
            throw new IllegalArgumentException("loadFactor and loadSlack must be >= 0");
        }
    }

    /**
     * Which endpoints are overloaded: their prefix affinity yields to load.
     *
     * @param load    per endpoint: {@code running + waiting} when scraped and fresh, else this
     *                router's outstanding requests there
     * @param waiting per endpoint: the scraped queue when fresh, {@code -1} when unknown
     * @return per endpoint, whether it is overloaded
     */
    boolean[] overloaded(long[] load, int[] waiting) {
        if (load.length != waiting.length) {
            throw new IllegalArgumentException("one load and one queue per endpoint");
        }
        int n = load.length;
        boolean[] out = new boolean[n];
        if (n == 0) {
            return out;
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += load[i];
        }
        double capacity = capacity(sum, n);
        // Room: a fresh empty queue on an endpoint that is itself under the bound (so that one is
        // never flagged, and neither test can flag every endpoint).
        boolean someoneHasRoom = false;
        for (int i = 0; i < n; i++) {
            someoneHasRoom |= waiting[i] == 0 && load[i] < capacity;
        }
        for (int i = 0; i < n; i++) {
            out[i] = load[i] >= capacity || (queueSlack >= 0 && someoneHasRoom && waiting[i] > queueSlack);
        }
        return out;
    }

    /** {@code ⌈(1 + ε) × (Σ load + 1) / N⌉ + slack}. */
    double capacity(long sum, int n) {
        return Math.ceil((1 + loadFactor) * (sum + 1) / n) + loadSlack;
    }
}
