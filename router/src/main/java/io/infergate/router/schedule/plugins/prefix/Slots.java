package io.infergate.router.schedule.plugins.prefix;

import io.infergate.router.schedule.framework.EndpointView;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Per candidate, its slots (0: unknown) and occupancy ({@code running + waiting} of the fresh
 * scrape plus this router's picks since it, minus its completions since it; ADR 0037, 0042), and
 * the decisions read from them. Pure but for {@link #of}, which feeds the ledger the scrapes.
 */
record Slots(int[] slots, int[] occupancy) {

    /**
     * Reads the candidates' fresh scrapes into the ledger and returns their slots and occupancy;
     * all unknown (0) without a ledger, and for a candidate without a fresh scrape.
     */
    static Slots of(SlotLedger ledger, List<EndpointView> candidates) {
        return of(ledger, candidates, 1);
    }

    /**
     * As {@link #of(SlotLedger, List)}, for the gate of one of {@code routers} routers sharing the
     * pool: a scrape's free slots count only as far as they are this router's share ({@link
     * SlotLedger#free}, ADR 0044), so N routers do not all fill the same free slot.
     */
    static Slots of(SlotLedger ledger, List<EndpointView> candidates, int routers) {
        int n = candidates.size();
        int[] count = new int[n];
        int[] occupancy = new int[n];
        if (ledger == null) {
            return new Slots(count, occupancy);
        }
        List<String> keys = new ArrayList<>(n);
        for (EndpointView v : candidates) {
            keys.add(v.key());
            if (v.metrics().isPresent() && !v.stale()) {
                var m = v.metrics().get();
                ledger.observe(v.key(), m.running(), m.waiting(), m.scrapedAtNanos());
            }
        }
        int[] learned = ledger.slots(keys);
        for (int i = 0; i < n; i++) {
            EndpointView v = candidates.get(i);
            if (v.metrics().isEmpty() || v.stale()) {
                continue; // unknown: neither full nor with room
            }
            var m = v.metrics().get();
            count[i] = learned[i];
            int scraped = m.running() + m.waiting();
            occupancy[i] = count[i] > 0
                    ? count[i] - ledger.free(v.key(), count[i], scraped, m.scrapedAtNanos(), routers)
                    : ledger.occupancy(v.key(), scraped, m.scrapedAtNanos());
        }
        return new Slots(count, occupancy);
    }

    /** The same occupancy with no slots known (the spill tests off). */
    Slots withoutCounts() {
        return new Slots(new int[slots.length], occupancy);
    }

    /** Whether every candidate's slots are known. */
    boolean allKnown() {
        for (int count : slots) {
            if (count <= 0) {
                return false;
            }
        }
        return slots.length > 0;
    }

    int free(int i) {
        return slots[i] - occupancy[i];
    }

    /**
     * Where a group goes when every endpoint that holds it is overloaded (ADR 0037): none (-1),
     * when an endpoint that is not overloaded holds it too (its score stands) or no endpoint that
     * is not overloaded has known slots (the load scorers place the request, as before ADR 0037);
     * else the endpoint with the most free slots, or the shortest estimated queue when none has a
     * free slot (ties: the lower load, then the first), which then scores what the holder would
     * have. The load scorers could otherwise put the request on another full endpoint.
     */
    int spillTarget(double[] out, boolean[] over, long[] load) {
        int target = -1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] > 0) {
                return -1;
            }
            if (slots[i] > 0
                    && !over[i]
                    && (target < 0 || free(i) > free(target) || (free(i) == free(target) && load[i] < load[target]))) {
                target = i;
            }
        }
        return target;
    }

    /** Whether no candidate among {@code homes} (all candidates when empty) has a free slot (ADR 0042). */
    boolean fullFor(Set<String> homes, List<EndpointView> candidates) {
        for (int i = 0; i < candidates.size(); i++) {
            boolean bindsHere =
                    homes.isEmpty() || homes.contains(candidates.get(i).key());
            if (bindsHere && occupancy[i] < slots[i]) {
                return false;
            }
        }
        return true;
    }

    /** Per candidate with known slots, its key and free slots (0 when none is free). */
    Map<String, Integer> freeByKey(List<EndpointView> candidates) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (slots[i] > 0) {
                out.put(candidates.get(i).key(), Math.max(0, free(i)));
            }
        }
        return out;
    }

    /** The key of the candidate with the most free slots; empty when none has one. */
    Optional<String> mostFree(List<EndpointView> candidates) {
        int best = -1;
        for (int i = 0; i < candidates.size(); i++) {
            if (slots[i] > 0 && free(i) > 0 && (best < 0 || free(i) > free(best))) {
                best = i;
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(candidates.get(best).key());
    }

    /** Whether the candidate of that key is known to have no free slot. */
    boolean fullAt(List<EndpointView> candidates, String key) {
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).key().equals(key)) {
                return slots[i] > 0 && occupancy[i] >= slots[i];
            }
        }
        return false;
    }
}
