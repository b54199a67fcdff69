package io.infergate.router.schedule.admission;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
 *   <li>else, when nobody waits for the freed endpoint and the longest <b>line</b> (waiters whose
 *   homes include one endpoint) has at least the gate's line slack, a waiter of that line: the
 *   last whose spill target is the freed endpoint, else its last (bounded load in the router's
 *   queue, ADR 0044: a hot group spills before its line grows, where ADR 0022 bounds pod queues);</li>
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

    /**
     * Waiters looked at per freed slot and per recheck: bounds the work under the queue's lock. A
     * waiter whose home the freed endpoint is should be found wherever it waits (ADR 0044: with
     * only the first 16 scanned, a slot often went to a waiter of another home, a miss).
     */
    static final int SCAN = 256;

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
    static int choose(List<Waiting> waiting, String freed, int headPasses, int lineSlack) {
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
        int fromLine = fromLongestLine(waiting.subList(0, n), null, freed, lineSlack);
        if (fromLine >= 0) {
            return fromLine;
        }
        return spills >= 0 ? spills : waitedOut;
    }

    /**
     * The waiters per endpoint whose homes include it (its line at this router), over the waiters
     * not given a slot yet ({@code given[i] == null}; all when {@code given} is null).
     */
    static Map<String, Integer> lines(List<Waiting> waiting, String[] given) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < waiting.size(); i++) {
            if (given == null || given[i] == null) {
                for (String h : waiting.get(i).homes()) {
                    out.merge(h, 1, Integer::sum);
                }
            }
        }
        return out;
    }

    /**
     * The waiter that a slot on {@code freed}, which nobody waits for, is worth spilling to: from
     * the longest line, when it has at least {@code lineSlack} waiters (bounded load, as ADR 0022's
     * queue slack but in the router's queue), the last waiter of that line whose spill target is
     * {@code freed}, else its last one (the one that would wait longest); -1 when no line is that
     * long. Waiters already given a slot ({@code given}) are not counted.
     */
    static int fromLongestLine(List<Waiting> waiting, String[] given, String freed, int lineSlack) {
        if (lineSlack <= 0) {
            return -1;
        }
        Map<String, Integer> lines = lines(waiting, given);
        String longest = null;
        int most = 0;
        for (var e : lines.entrySet()) {
            if (e.getValue() > most
                    || (e.getValue() == most && longest != null && e.getKey().compareTo(longest) < 0)) {
                longest = e.getKey();
                most = e.getValue();
            }
        }
        if (longest == null || most < lineSlack || lines.getOrDefault(freed, 0) > 0) {
            return -1;
        }
        int last = -1;
        for (int i = waiting.size() - 1; i >= 0; i--) {
            Waiting w = waiting.get(i);
            if ((given != null && given[i] != null) || !w.homes().contains(longest)) {
                continue;
            }
            if (w.spillTarget().equals(freed)) {
                return i;
            }
            if (last < 0) {
                last = i;
            }
        }
        return last;
    }

    /**
     * Where the waiters a recheck looks at go, given each endpoint's free slots that are this
     * router's ({@code free}, endpoints not in it are unknown): first every waiter, in leaving
     * order, one of whose homes has a free slot (the one with the most; a waiter without homes:
     * the endpoint with the most), then, with what is left, every waiter that waited out, to the
     * first endpoint with a free slot in its spill order (else the one with the most). No slot is
     * given twice. Returns per scanned waiter the endpoint it takes, or null for none.
     */
    static String[] recheck(List<Waiting> waiting, Map<String, Integer> free, int lineSlack) {
        int n = Math.min(waiting.size(), SCAN);
        List<Waiting> scanned = waiting.subList(0, n);
        String[] out = new String[n];
        HashMap<String, Integer> left = new HashMap<>(free);
        for (int i = 0; i < n; i++) {
            Waiting w = scanned.get(i);
            String to = w.homes().isEmpty() ? mostFree(left, left.keySet()) : mostFree(left, w.homes());
            if (to != null) {
                out[i] = to;
                left.merge(to, -1, Integer::sum);
            }
        }
        // free slots nobody waits for: to the back of lines at least lineSlack long
        for (String e : new TreeSet<>(left.keySet())) {
            while (left.get(e) > 0) {
                int i = fromLongestLine(scanned, out, e, lineSlack);
                if (i < 0) {
                    break;
                }
                out[i] = e;
                left.merge(e, -1, Integer::sum);
            }
        }
        for (int i = 0; i < n; i++) {
            Waiting w = scanned.get(i);
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

    /**
     * Where a request that just arrived goes at once though its homes are full ({@code homes}
     * non-empty): when at least {@code lineSlack} waiters here already wait for its homes, to the
     * first endpoint of its spill order that has a free slot ({@code free}) and nobody waiting for
     * it ({@code lines}); null: it waits (ADR 0044).
     */
    static String spillOnArrival(
            Set<String> homes,
            List<String> order,
            Map<String, Integer> free,
            Map<String, Integer> lines,
            int lineSlack) {
        if (lineSlack <= 0 || homes.isEmpty()) {
            return null;
        }
        int line = Integer.MAX_VALUE; // it would take whichever home frees first: the shortest line
        for (String h : homes) {
            line = Math.min(line, lines.getOrDefault(h, 0));
        }
        if (line < lineSlack) {
            return null;
        }
        for (String e : order) {
            if (!homes.contains(e) && free.getOrDefault(e, 0) > 0 && lines.getOrDefault(e, 0) == 0) {
                return e;
            }
        }
        return null;
    }

    /** Of {@code among}, the endpoint with the most free slots in {@code free} (ties: the first in key order); null when none has one. */
    static String mostFree(Map<String, Integer> free, Set<String> among) {
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
