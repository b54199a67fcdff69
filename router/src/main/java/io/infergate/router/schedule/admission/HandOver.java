package io.infergate.router.schedule.admission;

import java.util.List;
import java.util.Set;

/**
 * Which waiting request a slot freed on one endpoint goes to (docs/adr/0042-late-binding-gate.md).
 * Pure: the waiters' preferred endpoints in, an index out.
 *
 * <p>Rule, over the first {@link #SCAN} waiters of the head's priority in leaving order:
 *
 * <ol>
 *   <li>the head, when it has waited its longest wait for its homes and was passed over
 *   {@link #MAX_PASSES} times since (starvation bound);</li>
 *   <li>else the first whose <b>homes</b> (the endpoints its prompt's prefix prefers) include the
 *   freed endpoint: it gets a cache hit there;</li>
 *   <li>else the first without any home: a new prefix misses wherever it goes, so it loses nothing
 *   here; a waiter that does not bind late counts as having none, so without late binding the
 *   head gets every slot, as before;</li>
 *   <li>else the head, when it has waited its longest wait for its homes: it would take any free
 *   slot now (rent or buy: it has waited as long as a miss costs);</li>
 *   <li>else nobody: every waiter prefers another endpoint and waits for it; the slot stays free
 *   for the next request whose prefix is there, or for a waiter whose longest wait ends.</li>
 * </ol>
 */
final class HandOver {

    /** Waiters looked at per freed slot: bounds the work under the queue's lock. */
    static final int SCAN = 16;

    /** Times a head that waited out may be passed over before it takes the next freed slot. */
    static final int MAX_PASSES = 8;

    private HandOver() {}

    /**
     * Returns the index of the waiter that takes a slot freed on {@code freed}, or -1 for none.
     *
     * @param homes         per scanned waiter in leaving order (index 0 is the head), the endpoints
     *                      its prefix prefers; empty when none or when it does not bind late
     * @param freed         the endpoint whose slot freed; "" when unknown (then the head)
     * @param headWaitedOut whether the head waited its longest wait for its homes
     * @param headPasses    freed slots that went past the head since it waited out
     */
    static int choose(List<Set<String>> homes, String freed, boolean headWaitedOut, int headPasses) {
        if (homes.isEmpty()) {
            throw new IllegalArgumentException("no waiter to hand a slot to");
        }
        if (freed.isEmpty() || (headWaitedOut && headPasses >= MAX_PASSES)) {
            return 0;
        }
        int homeless = -1;
        int n = Math.min(homes.size(), SCAN);
        for (int i = 0; i < n; i++) {
            Set<String> h = homes.get(i);
            if (h.contains(freed)) {
                return i;
            }
            if (homeless < 0 && h.isEmpty()) {
                homeless = i;
            }
        }
        if (homeless >= 0) {
            return homeless;
        }
        return headWaitedOut ? 0 : -1;
    }
}
