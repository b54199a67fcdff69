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
 *   this test off. Since ADR 0045 it skips the endpoints the caller marks: a <b>prefill
 *   line</b> (its queue forms at any running count, {@link SlotLedger#prefillLines}) for a
 *   request that would mostly hit there, since such a request waits for a few short prefills
 *   and a spill costs it a miss that also lengthens the other pod's line.</li>
 *   <li>(ADR 0037) it is <b>full</b> while another endpoint has <b>room</b>. Full: its slots are
 *   known and its occupancy ({@code running + waiting} scraped, plus this router's picks since
 *   that scrape) is at or above them. Room: slots known, occupancy below them, a fresh empty
 *   queue and under the bound. On an engine that prefills in parallel a request sent to a full
 *   pod queues behind a whole request while a slot idles elsewhere; the balance goal is
 *   that no pod queues while another has a free slot. Endpoints without known slots are neither
 *   full nor room, so this test is off for engines whose slots cannot be learned.</li>
 *   <li>(ADR 0037) when no endpoint has room, its estimated queue ({@code occupancy − slots})
 *   exceeds the shortest estimated queue among the endpoints with known slots (not flagged by the
 *   first two tests) by more than {@code fullQueueSlack}: a saturated pool keeps its queues
 *   within that slack of each other, so that when a pod frees a slot, a pod with a longer queue
 *   does not keep requests waiting for long. {@code fullQueueSlack < 0} turns this test off.</li>
 * </ul>
 *
 * Never every endpoint: the least-loaded one is under the bound, the queue test needs an
 * endpoint without a queue, which it never flags, and the slot test needs an endpoint with room,
 * which no test flags.
 *
 * @param loadFactor the bounded load's ε (&ge; 0)
 * @param loadSlack  requests above the bound tolerated (&ge; 0)
 * @param queueSlack queued requests tolerated while another endpoint queues none; &lt; 0: no queue test
 * @param fullQueueSlack estimated queue tolerated beyond the shortest one on endpoints with known
 *                   slots; &lt; 0: no such test
 */
record LoadBound(double loadFactor, int loadSlack, int queueSlack, int fullQueueSlack) {

    /** Without the saturated-queue test. */
    LoadBound(double loadFactor, int loadSlack, int queueSlack) {
        this(loadFactor, loadSlack, queueSlack, -1);
    }

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
        int[] unknown = new int[load.length];
        return overloaded(load, waiting, unknown, unknown);
    }

    /**
     * Which endpoints are overloaded, with the slot test (ADR 0037).
     *
     * @param load      per endpoint: {@code running + waiting} when scraped and fresh, else this
     *                  router's outstanding requests there
     * @param waiting   per endpoint: the scraped queue when fresh, {@code -1} when unknown
     * @param occupancy per endpoint: {@code running + waiting} of the fresh scrape plus this
     *                  router's picks since it (ignored where {@code slots} is 0)
     * @param slots     per endpoint: requests it runs at once, 0 when unknown
     * @return per endpoint, whether it is overloaded
     */
    boolean[] overloaded(long[] load, int[] waiting, int[] occupancy, int[] slots) {
        return overloaded(load, waiting, occupancy, slots, new boolean[load.length]);
    }

    /**
     * Which endpoints are overloaded, with the slot test (ADR 0037) and the queue test only where
     * a queue is a wait for a slot (ADR 0045).
     *
     * @param line per endpoint, whether the queue test leaves it alone (a prefill line that
     *             would keep the request, ADR 0045)
     * @see #overloaded(long[], int[], int[], int[])
     */
    boolean[] overloaded(long[] load, int[] waiting, int[] occupancy, int[] slots, boolean[] line) {
        if (load.length != waiting.length
                || load.length != occupancy.length
                || load.length != slots.length
                || load.length != line.length) {
            throw new IllegalArgumentException("one load, queue, occupancy, slot count and line flag per endpoint");
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
        boolean someoneHasSlot = false;
        for (int i = 0; i < n; i++) {
            someoneHasSlot |= hasSlot(i, load, waiting, occupancy, slots, capacity);
        }
        for (int i = 0; i < n; i++) {
            out[i] = load[i] >= capacity
                    || (queueSlack >= 0 && someoneHasRoom && !line[i] && waiting[i] > queueSlack)
                    || (someoneHasSlot && full(i, occupancy, slots));
        }
        if (!someoneHasSlot && fullQueueSlack >= 0) {
            long shortest = Long.MAX_VALUE; // among endpoints with known slots the first two tests keep
            for (int i = 0; i < n; i++) {
                if (slots[i] > 0 && !out[i]) {
                    shortest = Math.min(shortest, queue(i, occupancy, slots));
                }
            }
            for (int i = 0; i < n; i++) {
                out[i] |= slots[i] > 0 && queue(i, occupancy, slots) > shortest + fullQueueSlack;
            }
        }
        return out;
    }

    /** The estimated queue of an endpoint with known slots: occupancy beyond its slots. */
    private static long queue(int i, int[] occupancy, int[] slots) {
        return Math.max(0, (long) occupancy[i] - slots[i]);
    }

    /** Whether endpoint {@code i} has a free slot (ADR 0037): no test flags it. */
    private static boolean hasSlot(int i, long[] load, int[] waiting, int[] occupancy, int[] slots, double capacity) {
        return slots[i] > 0 && occupancy[i] < slots[i] && waiting[i] == 0 && load[i] < capacity;
    }

    private static boolean full(int i, int[] occupancy, int[] slots) {
        return slots[i] > 0 && occupancy[i] >= slots[i];
    }

    /** {@code ⌈(1 + ε) × (Σ load + 1) / N⌉ + slack}. */
    double capacity(long sum, int n) {
        return Math.ceil((1 + loadFactor) * (sum + 1) / n) + loadSlack;
    }
}
