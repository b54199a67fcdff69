package io.infergate.router.schedule.plugins.prefix;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.PluginHandle;
import io.infergate.router.schedule.framework.RouterCount;
import io.infergate.router.schedule.framework.SlotGate;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import static io.infergate.router.testing.Views.metrics;
import static io.infergate.router.testing.Views.view;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prefix scorer as the pool's gate (late binding, ADR 0042). */
class PrefixCacheScorerGateTest {

    private static PrefixCacheScorer scorer(Map<String, String> parameters, int routers) {
        return PrefixCacheScorer.create(
                "prefix",
                new Parameters("prefix", parameters),
                new PluginHandle(new SplittableRandom(1), new RouterCount(routers)));
    }

    private static PrefixCacheScorer gate(String slots) {
        return scorer(Map.of("slots", slots, "gate", "true", "freeSlotSpill", "false"), 1);
    }

    private static PickContext request(int seed) {
        return new PickContext(
                "r", Optional.of("m"), ("system prompt number " + seed + " ").repeat(20), 0, Optional.empty());
    }

    private static String key(int n) {
        return "10.0.0." + n + ":8000";
    }

    @Test
    void aRequestIsHeldWhileEveryPodThatHoldsItsPrefixIsFull() {
        PrefixCacheScorer s = gate("16");
        PickContext r = request(1);
        s.picked(r, view(1, 0, null)); // before the scrape below: counted in it
        List<EndpointView> pool = List.of(view(1, 0, metrics(0, 16, 0.5)), view(2, 0, metrics(0, 4, 0.5)));
        assertEquals(Optional.of(Set.of(key(1))), s.homes(r, pool));
        assertTrue(s.full(r, pool), "its prefix is on pod 1, which runs 16 of 16");
        assertFalse(s.full(request(2), pool), "a new prefix: pod 2 has room");
        assertEquals(Optional.of(Set.of()), s.homes(request(2), pool));
        assertEquals(Map.of(key(1), 0, key(2), 12), s.freeSlots(pool));
        assertEquals(Duration.ofMillis(PrefixCacheScorer.DEFAULT_GATE_MAX_WAIT_MS), s.maxWait());
        assertTrue(s.gates());
    }

    @Test
    void aCompletionOfThisRouterFreesTheSlotBeforeTheNextScrape() {
        PrefixCacheScorer s = gate("16");
        PickContext r = request(3);
        s.picked(r, view(1, 0, null));
        List<EndpointView> pool = List.of(view(1, 0, metrics(0, 16, 0.5)), view(2, 0, metrics(0, 16, 0.5)));
        assertTrue(s.full(r, pool));
        assertTrue(s.full(request(4), pool), "every pod full");
        assertEquals(Map.of(key(1), 0, key(2), 0), s.freeSlots(pool));
        s.finished(key(1));
        assertFalse(s.full(r, pool), "one of pod 1's requests finished after its scrape");
        assertEquals(Map.of(key(1), 1, key(2), 0), s.freeSlots(pool));
    }

    @Test
    void withoutLearnedSlotsNothingIsHeld() {
        PrefixCacheScorer s = gate("0");
        PickContext r = request(5);
        s.picked(r, view(1, 0, null));
        List<EndpointView> pool = List.of(view(1, 0, metrics(0, 16, 0.5)), view(2, 0, metrics(0, 16, 0.5)));
        assertEquals(Optional.empty(), s.homes(r, pool), "no pod ever queued: slots unknown, no late binding");
        assertFalse(s.full(r, pool));
        assertEquals(Map.of(), s.freeSlots(pool));
        PrefixCacheScorer off = scorer(Map.of(), 1);
        assertFalse(off.gates());
        assertEquals(Optional.empty(), off.homes(r, pool));
        assertFalse(off.full(r, pool));
    }

    @Test
    void withThreeRoutersTheHomeIsTheRendezvousChoice() {
        PrefixCacheScorer s = scorer(Map.of("slots", "16", "gate", "true", "rebalanceGain", "0"), 3);
        List<EndpointView> pool =
                List.of(view(1, 0, metrics(0, 3, 0.5)), view(2, 0, metrics(0, 3, 0.5)), view(3, 0, metrics(0, 3, 0.5)));
        Map<String, Integer> homes = new HashMap<>();
        for (int seed = 0; seed < 30; seed++) {
            PickContext r = request(seed);
            double[] score = s.score(r, pool);
            int assigned = -1;
            for (int i = 0; i < score.length; i++) {
                if (score[i] == 1) {
                    assigned = i;
                }
            }
            assertEquals(Optional.of(Set.of(pool.get(assigned).key())), s.homes(r, pool), "prompt " + seed);
            homes.merge(pool.get(assigned).key(), 1, Integer::sum);
        }
        assertEquals(3, homes.size(), "every pod is home to some prefixes: " + homes);
    }

    /** ADR 0044: a group spilled to a second pod has that pod as a home too, on this router. */
    @Test
    void withThreeRoutersAPodThisRouterSentTheGroupToIsAHomeToo() {
        PrefixCacheScorer s = scorer(Map.of("slots", "16", "gate", "true", "rebalanceGain", "0"), 3);
        List<EndpointView> pool =
                List.of(view(1, 0, metrics(0, 3, 0.5)), view(2, 0, metrics(0, 3, 0.5)), view(3, 0, metrics(0, 3, 0.5)));
        PickContext r = request(7);
        String assigned = s.homes(r, pool).orElseThrow().iterator().next();
        EndpointView other =
                pool.stream().filter(v -> !v.key().equals(assigned)).findFirst().orElseThrow();
        s.picked(r, other);
        PickContext sameGroup = new PickContext("r2", r.model(), r.prompt() + " and a question", 0, Optional.empty());
        assertEquals(Optional.of(Set.of(assigned, other.key())), s.homes(sameGroup, pool));
    }

    /** ADR 0044: the spill order is the prefix's rendezvous order, the same on every router. */
    @Test
    void theSpillOrderIsTheSameOnEveryRouterAndCoversEveryPod() {
        PrefixCacheScorer one = gate("16");
        PrefixCacheScorer other = scorer(Map.of("slots", "16", "gate", "true"), 3);
        List<EndpointView> pool =
                List.of(view(1, 0, metrics(0, 3, 0.5)), view(2, 0, metrics(0, 3, 0.5)), view(3, 0, metrics(0, 3, 0.5)));
        Map<String, Integer> firsts = new HashMap<>();
        for (int seed = 0; seed < 30; seed++) {
            List<String> order = one.spillOrder(request(seed), pool);
            assertEquals(order, other.spillOrder(request(seed), pool));
            assertEquals(Set.of(key(1), key(2), key(3)), Set.copyOf(order));
            firsts.merge(order.getFirst(), 1, Integer::sum);
        }
        assertEquals(3, firsts.size(), "prefixes spread over the pods: " + firsts);
        assertEquals(
                List.of(), one.spillOrder(new PickContext("r", Optional.of("m"), "hi", 0, Optional.empty()), pool));
    }

    @Test
    void withoutTheSpillAFullHolderKeepsItsGroupInTheScores() {
        PickContext r = request(6);
        List<EndpointView> pool = List.of(view(1, 0, metrics(0, 16, 0.5)), view(2, 0, metrics(0, 4, 0.5)));
        PrefixCacheScorer gateOnly = gate("16");
        gateOnly.picked(r, view(1, 0, null));
        assertArrayEquals(new double[] {1, 0}, gateOnly.score(r, pool), 1e-12, "the gate holds it instead");
        PrefixCacheScorer spill = scorer(Map.of("slots", "16"), 1);
        spill.picked(r, view(1, 0, null));
        assertArrayEquals(new double[] {0, 1}, spill.score(r, pool), 1e-12, "ADR 0037's spill");
    }

    @Test
    void aGateNeedsSlots() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> scorer(Map.of("gate", "true"), 1));
        assertTrue(e.getMessage().contains("'slots'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> scorer(Map.of("slots", "0", "gate", "yes"), 1));
    }

    @Test
    void isTheProfilesGateOnlyWhenConfigured() {
        SlotGate g = gate("16");
        assertTrue(g.gates());
        assertFalse(((SlotGate) scorer(Map.of("slots", "16"), 1)).gates());
    }
}
