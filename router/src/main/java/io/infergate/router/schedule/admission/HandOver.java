package io.infergate.router.schedule.admission;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which waiting request a slot freed on one endpoint goes to, and where the waiters a recheck frees
 * go (docs/adr/0042-late-binding-gate.md, docs/adr/0044-gate-for-several-routers.md). Pure: the
 * waiters' preferred endpoints in, indexes and endpoints out.
 *
 * <p>Rule for a freed slot, over the first {@link #SCAN} waiters of the head's priority in
 * leaving order:
 *
 * <ol>
 *   <li>the head, when it has waited its longest wait for its homes and was passed over
 *   {@link #MAX_PASSES} times since (starvation bound);</li>
 *   <li>else the first whose <b>homes</b> (the endpoints its prompt's prefix prefers) include the
 *   freed endpoint: it gets a cache hit there;</li>
 *   <li>else the first without any home: a new prefix misses wherever it goes, so it loses nothing
 *   here; a waiter that does not bind late counts as having none, so without late binding the
 *   head gets every slot, as before;</li>
 *   <li>else the first that waited its longest wait and whose <b>spill target</b> is the freed
 *   endpoint (the first endpoint of its spill order that is not a home): the requests of one
 *   group that spill all go to one second endpoint, which then holds the group too;</li>
 *   <li>else the first that waited its longest wait: it would take any free slot now (rent or
 *   buy: it has waited as long as a miss costs);</li>
 *   <li>else nobody: every waiter prefers another endpoint and waits for it; the slot stays free
 *   for the next request whose prefix is there, or for a waiter whose longest wait ends.</li>
 * </ol>
 */
final class HandOver {

    /** Waiters looked at per freed slot: bounds the work under the queue's lock. */
    static final int SCAN = 16;

    /** Waiters looked at per recheck ({@link #recheck}), which may free several. */
    static final int RECHECK_SCAN = 64;

    /** Times a head that waited out may be passed over before it takes the next freed slot. */
    static final int MAX_PASSES = 8;

    private HandOver() {}

    /**
     * A waiter as the hand-over sees it.
     *
     * @param homes     the endpoints its prefix prefers; empty when none or when it does not bind late
     * @param order     its spill order (every endpoint, the prefix's rendezvous order); empty: none
     * @param waitedOut whether it waited its longest wait for its homes
     */
    record Waiting(Set<String> homes, List<String> order, boolean waitedOut) {
        Waiting {
            homes = Set.copyOf(homes);
            order = List.copyOf(order);
        }

        /** The first endpoint of its spill order that is not one of its homes; "" when none. */
        String spillTarget() {
            for (String e : order) {
                if (!homes.contains(e)) {
                    return e;
                }
            }
            return "";
        }
    }

    /**
     * Returns the index of the waiter that takes a slot freed on {@code freed}, or -1 for none.
     *
     * @param waiting    the scanned waiters in leaving order (index 0 is the head)
     * @param freed      the endpoint whose slot freed; "" when unknown (then the head)
     * @param headPasses freed slots that went past the head since it waited out
     */
    static int choose(List<Waiting> waiting, String freed, int headPasses) {
        if (waiting.isEmpty()) {
            throw new IllegalArgumentException("no waiter to hand a slot to");
        }
        if (freed.isEmpty() || (waiting.getFirst().waitedOut() && headPasses >= MAX_PASSES)) {
            return 0;
        }
        int homeless = -1;
        int spills = -1;
        int waitedOut = -1;
        int n = Math.min(waiting.size(), SCAN);
        for (int i = 0; i < n; i++) {
            Waiting w = waiting.get(i);
            if (w.homes().contains(freed)) {
                return i;
            }
            if (homeless < 0 && w.homes().isEmpty()) {
                homeless = i;
            }
            if (w.waitedOut()) {
                if (waitedOut < 0) {
                    waitedOut = i;
                }
                if (spills < 0 && w.spillTarget().equals(freed)) {
                    spills = i;
                }
            }
        }
        if (homeless >= 0) {
            return homeless;
        }
        return spills >= 0 ? spills : waitedOut;
    }

    /**
     * Where the waiters a recheck looks at go, given each endpoint's free slots that are this
     * router's ({@code free}, endpoints not in it are unknown): first every waiter, in leaving
     * order, one of whose homes has a free slot (the one with the most; a waiter without homes:
     * the endpoint with the most), then, with what is left, every waiter that waited out, to the
     * first endpoint with a free slot in its spill order (else the one with the most). No slot is
     * given twice. Returns per scanned waiter the endpoint it takes, or null for none.
     */
    static String[] recheck(List<Waiting> waiting, Map<String, Integer> free) {
        int n = Math.min(waiting.size(), RECHECK_SCAN);
        String[] out = new String[n];
        HashMap<String, Integer> left = new HashMap<>(free);
        for (int i = 0; i < n; i++) {
            Waiting w = waiting.get(i);
            String to = w.homes().isEmpty() ? mostFree(left, left.keySet()) : mostFree(left, w.homes());
            if (to != null) {
                out[i] = to;
                left.merge(to, -1, Integer::sum);
            }
        }
        for (int i = 0; i < n; i++) {
            Waiting w = waiting.get(i);
            if (out[i] != null || !w.waitedOut()) {
                continue;
            }
            String to = null;
            for (String e : w.order()) {
                if (left.getOrDefault(e, 0) > 0) {
                    to = e;
                    break;
                }
            }
            if (to == null) {
                to = mostFree(left, left.keySet());
            }
            if (to != null) {
                out[i] = to;
                left.merge(to, -1, Integer::sum);
            }
        }
        return out;
    }

    /** Of {@code among}, the endpoint with the most free slots in {@code free} (ties: the first in key order); null when none has one. */
    private static String mostFree(Map<String, Integer> free, Set<String> among) {
        String best = null;
        int most = 0;
        for (String e : among) {
            int f = free.getOrDefault(e, 0);
            if (f > most || (f == most && f > 0 && best != null && e.compareTo(best) < 0)) {
                best = e;
                most = f;
            }
        }
        return best;
    }
}
