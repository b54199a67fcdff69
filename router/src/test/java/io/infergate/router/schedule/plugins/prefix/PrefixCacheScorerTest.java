package io.infergate.router.schedule.plugins.prefix;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;
import io.infergate.router.schedule.framework.RouterCount;
import io.infergate.router.scrape.Metrics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static io.infergate.router.testing.Views.metrics;
import static io.infergate.router.testing.Views.view;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrefixCacheScorerTest {

    private static Plugin.Scorer scorer(String mode) {
        return PrefixCacheScorer.create(
                "prefix", new Parameters("prefix", Map.of("mode", mode)), PluginHandle.alone(new SplittableRandom(1)));
    }

    private static Plugin.Scorer auto(RouterCount routers) {
        return PrefixCacheScorer.create(
                "prefix", new Parameters("prefix", Map.of()), new PluginHandle(new SplittableRandom(1), routers));
    }

    private static PickContext request(String prompt) {
        return new PickContext("r", Optional.of("m"), prompt, 0, Optional.empty());
    }

    /** A prompt of {@code blocks} distinct 64-char blocks starting with {@code system}. */
    private static String prompt(int seed) {
        return ("system prompt number " + seed + " ").repeat(20);
    }

    private static int assigned(Plugin.Scorer s, String prompt, List<EndpointView> candidates) {
        double[] scores = s.score(request(prompt), candidates);
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] == 1) {
                return i;
            }
        }
        throw new AssertionError("no endpoint assigned");
    }

    private static List<EndpointView> endpoints(int... ns) {
        List<EndpointView> out = new ArrayList<>();
        for (int n : ns) {
            out.add(view(n, 0, null));
        }
        return out;
    }

    @Test
    void twoIndependentRoutersAssignEveryPrefixToTheSameEndpoint() {
        Plugin.Scorer one = scorer("rendezvous");
        Plugin.Scorer two = scorer("rendezvous");
        List<EndpointView> pool = endpoints(1, 2, 3, 4, 5);
        Map<String, Integer> spread = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            int a = assigned(one, prompt(i), pool);
            assertEquals(a, assigned(two, prompt(i), endpoints(1, 2, 3, 4, 5)), "prompt " + i);
            spread.merge(pool.get(a).key(), 1, Integer::sum);
        }
        assertEquals(5, spread.size(), "prefixes spread over every endpoint: " + spread);
    }

    @Test
    void removingAnEndpointMovesOnlyTheKeysItWasAssigned() {
        Plugin.Scorer s = scorer("rendezvous");
        List<EndpointView> five = endpoints(1, 2, 3, 4, 5);
        List<EndpointView> four = endpoints(1, 2, 4, 5);
        int moved = 0;
        for (int i = 0; i < 200; i++) {
            String before = five.get(assigned(s, prompt(i), five)).key();
            String after = four.get(assigned(s, prompt(i), four)).key();
            if (before.equals("10.0.0.3:8000")) {
                moved++;
            } else {
                assertEquals(before, after, "prompt " + i + " moved although its endpoint stayed");
            }
        }
        assertTrue(moved > 0, "endpoint 3 was assigned some prompts");
    }

    @Test
    void anOverloadedEndpointIsSkippedForTheNextInRendezvousOrder() {
        Plugin.Scorer s = scorer("rendezvous");
        List<EndpointView> idle = endpoints(1, 2, 3);
        int first = assigned(s, prompt(42), idle);
        List<EndpointView> busy = new ArrayList<>(idle);
        // load 10 on the assigned one, 0 elsewhere: capacity ⌈1.25 × 11 / 3⌉ + 4 = 9 ≤ 10 → skipped
        busy.set(first, view(first + 1, 0, metrics(6, 4, 0)));
        int second = assigned(s, prompt(42), busy);
        assertNotEquals(first, second);
    }

    @Test
    void aFewRunningRequestsDoNotMoveAPrefix() {
        Plugin.Scorer s = scorer("rendezvous");
        List<EndpointView> idle = endpoints(1, 2, 3);
        int first = assigned(s, prompt(42), idle);
        List<EndpointView> light = new ArrayList<>(idle);
        // load 3 on the assigned one: capacity ⌈1.25 × 4 / 3⌉ + 4 = 6 > 3 → kept
        light.set(first, view(first + 1, 0, metrics(0, 3, 0)));
        assertEquals(first, assigned(s, prompt(42), light));
    }

    @Test
    void promptsWithoutAFullBlockHaveNoAffinity() {
        assertArrayEquals(new double[] {0, 0}, scorer("rendezvous").score(request("short"), endpoints(1, 2)));
    }

    @Test
    void localIndexScoresTheLeadingBlocksThisRouterSentThere() {
        Plugin.Scorer s = scorer("local-index");
        List<EndpointView> pool = endpoints(1, 2);
        String shared = "x".repeat(64 * 3);
        assertArrayEquals(new double[] {0, 0}, s.score(request(shared + "y".repeat(64)), pool));
        s.picked(request(shared + "y".repeat(64)), pool.get(1));
        // 4 blocks, the first 3 shared with what endpoint 2 got → 3/4
        assertArrayEquals(new double[] {0, 0.75}, s.score(request(shared + "z".repeat(64)), pool), 1e-9);
    }

    /** The one-pass assignment equals walking the full rendezvous order (the definition) under any loads. */
    @Test
    void assignmentEqualsTheWalkOverTheRendezvousOrder() {
        PrefixCacheScorer s = (PrefixCacheScorer) scorer("rendezvous");
        SplittableRandom r = new SplittableRandom(11);
        for (int round = 0; round < 300; round++) {
            List<EndpointView> pool = new ArrayList<>();
            int n = r.nextInt(1, 40);
            for (int i = 0; i < n; i++) {
                pool.add(view(
                        i + 1,
                        r.nextInt(0, 6),
                        r.nextInt(4) == 0
                                ? null
                                : metrics(r.nextInt(0, 3 + round % 20), r.nextInt(0, 3 + round % 30), 0.5)));
            }
            long[] chain = io.infergate.router.schedule.plugins.prefix.PrefixHashes.chain("m", prompt(round), 64, 256);
            long anchor = chain[Math.min(4, chain.length) - 1];
            List<Integer> order = PrefixCacheScorer.rendezvousOrder(anchor, pool);
            boolean[] over = s.overloaded(pool);
            int expected = order.getFirst();
            for (int i : order) {
                if (!over[i]) {
                    expected = i;
                    break;
                }
            }
            assertEquals(expected, s.assigned(chain, pool), "round " + round);
        }
    }

    /**
     * Alone, auto keeps the load bound too (ADR 0022): a pod that holds the prefix but queues while
     * another has room loses its prefix score, so the load scorers spill the request.
     */
    @Test
    void autoWithOneRouterDropsThePrefixScoreOfAnOverloadedHolder() {
        Plugin.Scorer auto = auto(new RouterCount(1));
        Plugin.Scorer local = scorer("local-index");
        PickContext r = request(prompt(3));
        List<EndpointView> idle = endpoints(1, 2, 3);
        auto.picked(r, idle.get(0));
        local.picked(r, idle.get(0));
        assertArrayEquals(new double[] {1, 0, 0}, auto.score(r, idle), 1e-12, "idle: the holder keeps it");
        List<EndpointView> queued = List.of(
                view(1, 0, metrics(6, 16, 0.5)), view(2, 0, metrics(0, 9, 0.5)), view(3, 0, metrics(1, 16, 0.5)));
        assertArrayEquals(
                new double[] {0, 0, 0},
                auto.score(r, queued),
                1e-12,
                "the holder queues 6 (> queueSlack 4) while pod 2 has room (no slot test by default,"
                        + " so the load scorers place it)");
        assertArrayEquals(
                new double[] {1, 0, 0}, local.score(r, queued), 1e-12, "local-index (the EPP's) has no bound");
        auto.picked(r, queued.get(1));
        assertArrayEquals(new double[] {0, 1, 0}, auto.score(r, queued), 1e-12, "the spill target now holds it");
    }

    /**
     * ADR 0045: once a holder has queued at many running counts (a serial prefill line, like the
     * benchmark's own simulator) its queue no longer drops its prefix score, since a queued hit
     * waits for a few short prefills; {@code queueTest: always} keeps ADR 0022's rule.
     */
    @Test
    void aPrefillLineKeepsItsGroupWhileItQueues() {
        PickContext r = request(prompt(4));
        for (String queueTest : List.of("auto", "always")) {
            Plugin.Scorer s = alone(Map.of("queueTest", queueTest));
            s.picked(r, endpoints(1).getFirst());
            double[] first = s.score(r, List.of(view(1, 0, metrics(6, 10, 0.5)), view(2, 0, metrics(0, 8, 0.1))));
            assertArrayEquals(
                    new double[] {0, 0}, first, 1e-12, queueTest + ": 6 queued at 10 running, nothing learned");
            for (int running = 3; running <= 6; running++) {
                s.score(r, List.of(view(1, 0, metrics(6, running, 0.5)), view(2, 0, metrics(0, 8, 0.1))));
            }
            double[] later = s.score(r, List.of(view(1, 0, metrics(6, 4, 0.5)), view(2, 0, metrics(0, 8, 0.1))));
            assertArrayEquals(
                    queueTest.equals("auto") ? new double[] {1, 0} : new double[] {0, 0},
                    later,
                    1e-12,
                    queueTest + ": queued at 3, 4, 5 and 6 running after 10");
        }
    }

    /**
     * ADR 0045: the line keeps only the requests that would mostly hit there. With three routers a
     * prompt this router never sent to its rendezvous home leaves that home while it queues (a
     * miss costs the same anywhere); once sent there, it stays.
     */
    @Test
    void aPrefillLineKeepsOnlyTheRequestsThatWouldHitThere() {
        for (String keep : List.of("0.5", "0")) {
            Plugin.Scorer s = PrefixCacheScorer.create(
                    "prefix",
                    new Parameters("prefix", Map.of("lineKeepMatch", keep)),
                    new PluginHandle(new SplittableRandom(1), new RouterCount(3)));
            int home = assigned(s, prompt(7), endpoints(1, 2));
            int other = 1 - home;
            for (int running : new int[] {10, 3, 4, 5, 6}) {
                s.score(request(prompt(99)), pool(home, metrics(6, running, 0.5), metrics(0, 8, 0.1)));
            }
            List<EndpointView> queued = pool(home, metrics(6, 4, 0.5), metrics(0, 8, 0.1));
            assertEquals(
                    keep.equals("0") ? home : other,
                    assigned(s, prompt(7), queued),
                    "lineKeepMatch " + keep
                            + ", not cached there: the queue test moves it unless the line keeps every request");
            s.picked(request(prompt(7)), endpoints(1, 2).get(home));
            assertEquals(home, assigned(s, prompt(7), queued), "cached there (this router sent it): it stays");
        }
    }

    /** Endpoints 1 and 2, {@code home} (0 or 1) with {@code atHome}, the other with {@code elsewhere}. */
    private static List<EndpointView> pool(int home, Metrics atHome, Metrics elsewhere) {
        return home == 0
                ? List.of(view(1, 0, atHome), view(2, 0, elsewhere))
                : List.of(view(1, 0, elsewhere), view(2, 0, atHome));
    }

    /** ADR 0045: a holder that queues only with every slot taken stays subject to the queue test. */
    @Test
    void aSlotBoundHolderStillSpillsWhenItQueues() {
        PickContext r = request(prompt(5));
        Plugin.Scorer s = alone(Map.of());
        s.picked(r, endpoints(1).getFirst());
        for (int i = 0; i < 40; i++) {
            int running = i % 5 == 0 ? 15 : 16;
            double[] scores =
                    s.score(r, List.of(view(1, 0, metrics(6, running, 0.5)), view(2, 0, metrics(0, 14, 0.1))));
            assertArrayEquals(new double[] {0, 0}, scores, 1e-12, "scrape " + i + ": 6 queued at " + running);
        }
    }

    private static Plugin.Scorer alone(Map<String, String> parameters) {
        return PrefixCacheScorer.create(
                "prefix",
                new Parameters("prefix", parameters),
                new PluginHandle(new SplittableRandom(1), new RouterCount(1)));
    }

    /**
     * ADR 0037: a holder with every slot taken, while another pod has a free one, spills its group
     * to the pod with the most free slots, which scores what the holder would have.
     */
    @Test
    void aFullHolderSpillsToThePodWithTheMostFreeSlots() {
        Plugin.Scorer s = alone(Map.of("slots", "16"));
        PickContext r = request(prompt(7));
        List<EndpointView> pool = List.of(
                view(1, 0, metrics(0, 16, 0.5)), view(2, 0, metrics(0, 14, 0.5)), view(3, 0, metrics(0, 11, 0.5)));
        s.picked(r, endpoints(1).getFirst());
        assertArrayEquals(new double[] {0, 0, 1}, s.score(r, pool), 1e-12, "pod 3 has 5 free slots, pod 2 two");
        List<EndpointView> allFull = List.of(
                view(1, 0, metrics(1, 16, 0.5)), view(2, 0, metrics(0, 16, 0.5)), view(3, 0, metrics(0, 16, 0.5)));
        assertArrayEquals(
                new double[] {1, 0, 0}, s.score(r, allFull), 1e-12, "no free slot anywhere: the holder keeps it");
    }

    /**
     * No free slot anywhere: a holder whose estimated queue is more than {@code fullQueueSlack}
     * (2 here; off by default) longer than the shortest spills to the shortest queue.
     */
    @Test
    void aSaturatedHolderWithALongerQueueSpillsToTheShortestQueue() {
        Plugin.Scorer s = alone(Map.of("slots", "16", "fullQueueSlack", "2"));
        PickContext r = request(prompt(11));
        s.picked(r, endpoints(1).getFirst());
        List<EndpointView> pool = List.of(
                view(1, 0, metrics(3, 16, 0.5)), view(2, 0, metrics(1, 16, 0.5)), view(3, 0, metrics(0, 16, 0.5)));
        assertArrayEquals(
                new double[] {0, 0, 1}, s.score(r, pool), 1e-12, "queues 3/1/0: pod 1 is 3 longer than pod 3");
        Plugin.Scorer off = alone(Map.of("slots", "16"));
        off.picked(r, endpoints(1).getFirst());
        assertArrayEquals(new double[] {1, 0, 0}, off.score(r, pool), 1e-12, "the default (-1): it keeps it");
    }

    /** The default (slots -1): a full holder keeps its group until the queue test acts. */
    @Test
    void withoutTheSlotTestAFullHolderKeepsItsGroup() {
        Plugin.Scorer s = alone(Map.of("slots", "-1"));
        PickContext r = request(prompt(7));
        List<EndpointView> pool = List.of(view(1, 0, metrics(2, 16, 0.5)), view(2, 0, metrics(0, 4, 0.5)));
        s.picked(r, endpoints(1).getFirst());
        assertArrayEquals(new double[] {1, 0}, s.score(r, pool), 1e-12);
    }

    /** A second holder with a free slot keeps its own score; no spill target is made up. */
    @Test
    void aHolderWithAFreeSlotTakesTheGroup() {
        Plugin.Scorer s = alone(Map.of("slots", "16"));
        PickContext r = request(prompt(8));
        s.picked(r, endpoints(1).getFirst());
        s.picked(r, endpoints(2).getFirst());
        List<EndpointView> pool = List.of(
                view(1, 0, metrics(0, 16, 0.5)), view(2, 0, metrics(0, 15, 0.5)), view(3, 0, metrics(0, 2, 0.5)));
        assertArrayEquals(new double[] {0, 1, 0}, s.score(r, pool), 1e-12);
    }

    /**
     * This router's picks since the pod's scrape count: the pick that takes the last free slot
     * makes the pod full before the next scrape shows it.
     */
    @Test
    void picksSinceTheScrapeFillThePod() {
        Plugin.Scorer s = alone(Map.of("slots", "16"));
        PickContext r = request(prompt(9));
        List<EndpointView> pool = List.of(view(1, 0, metrics(0, 15, 0.5)), view(2, 0, metrics(0, 10, 0.5)));
        s.picked(r, pool.get(0));
        assertArrayEquals(new double[] {0, 1}, s.score(r, pool), 1e-12, "15 scraped + 1 picked since = full");
    }

    /**
     * Learned slots ({@code slots: 0}): a pod that queued at 16 running has 16; the others, which never
     * queued, take the pool's count, so a pod with 9 running has room.
     */
    @Test
    void learnedSlotsSpillTooAndAServerThatQueuesAtAnyCountIsLeftAlone() {
        Plugin.Scorer s = alone(Map.of("slots", "0"));
        PickContext r = request(prompt(10));
        s.picked(r, endpoints(1).getFirst());
        List<EndpointView> first = List.of(view(1, 0, metrics(2, 16, 0.5)), view(2, 0, metrics(0, 9, 0.5)));
        assertArrayEquals(new double[] {1, 0}, s.score(r, first), 1e-12, "one queued scrape: nothing learned yet");
        List<EndpointView> pool = List.of(view(1, 0, metrics(1, 16, 0.5)), view(2, 0, metrics(0, 9, 0.5)));
        assertArrayEquals(new double[] {0, 1}, s.score(r, pool), 1e-12, "queued twice at 16; pod 2 has 7 free");

        Plugin.Scorer serial = alone(Map.of("slots", "0"));
        serial.picked(r, endpoints(1).getFirst());
        serial.score(r, List.of(view(1, 0, metrics(1, 3, 0.5)), view(2, 0, metrics(0, 9, 0.5))));
        serial.score(r, List.of(view(1, 0, metrics(1, 3, 0.5)), view(2, 0, metrics(0, 9, 0.5))));
        serial.score(r, List.of(view(1, 0, metrics(2, 16, 0.5)), view(2, 0, metrics(0, 9, 0.5))));
        List<EndpointView> later = List.of(view(1, 0, metrics(1, 16, 0.5)), view(2, 0, metrics(0, 9, 0.5)));
        assertArrayEquals(
                new double[] {1, 0},
                serial.score(r, later),
                1e-12,
                "queued at 3 twice, then at 16: no slots, no spill");
    }

    /** With several routers the walk skips a full assigned pod, alike on every router. */
    @Test
    void rendezvousSkipsAFullAssignedPodWhileAnotherHasASlot() {
        Map<String, String> p = Map.of("mode", "rendezvous", "slots", "16", "rebalanceGain", "0");
        Plugin.Scorer one = PrefixCacheScorer.create(
                "prefix", new Parameters("prefix", p), PluginHandle.alone(new SplittableRandom(1)));
        Plugin.Scorer two = PrefixCacheScorer.create(
                "prefix", new Parameters("prefix", p), PluginHandle.alone(new SplittableRandom(1)));
        int first = assigned(one, prompt(43), endpoints(1, 2, 3));
        List<EndpointView> busy = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            busy.add(view(i + 1, 0, i == first ? metrics(0, 16, 0) : metrics(0, 12, 0)));
        }
        int second = assigned(one, prompt(43), busy);
        assertNotEquals(first, second);
        assertEquals(second, assigned(two, prompt(43), busy), "both routers agree");
    }

    /**
     * Without the slot test (ADR 0037), a queue within the slack keeps the prefix where it is (with
     * it, the pod with free slots takes it: {@link #learnedSlotsSpillTooAndAServerThatQueuesAtAnyCountIsLeftAlone}).
     */
    @Test
    void aShortQueueKeepsThePrefix() {
        Plugin.Scorer auto = alone(Map.of("slots", "-1"));
        PickContext r = request(prompt(4));
        List<EndpointView> pool = List.of(view(1, 0, metrics(4, 16, 0.5)), view(2, 0, metrics(0, 9, 0.5)));
        auto.picked(r, pool.get(0));
        assertArrayEquals(new double[] {1, 0}, auto.score(r, pool), 1e-12, "4 queued is within queueSlack 4");
    }

    /** With several routers the queue test moves the rendezvous assignment, alike on every router. */
    @Test
    void rendezvousSkipsAnAssignedEndpointThatQueuesWhileAnotherHasRoom() {
        Plugin.Scorer one = scorer("rendezvous");
        Plugin.Scorer two = scorer("rendezvous");
        List<EndpointView> idle = endpoints(1, 2, 3);
        int first = assigned(one, prompt(42), idle);
        List<EndpointView> busy = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // load 8 everywhere (under the bound ⌈1.25 × 25 / 3⌉ + 4 = 15): only the queue test
            // (5 queued > queueSlack 4, another pod with none) can move it
            busy.add(view(i + 1, 0, i == first ? metrics(5, 3, 0) : metrics(0, 8, 0)));
        }
        int second = assigned(one, prompt(42), busy);
        assertNotEquals(first, second);
        assertEquals(second, assigned(two, prompt(42), busy), "both routers agree");
    }

    @Test
    void autoIsTheDefaultMode() {
        assertEquals(PrefixCacheScorer.Mode.AUTO, ((PrefixCacheScorer) auto(new RouterCount())).mode());
    }

    /** Alone, auto scores as local-index: a new prefix has no owner, so the load scorers place it. */
    @Test
    void autoWithOneRouterScoresAsLocalIndex() {
        RouterCount one = new RouterCount(1);
        Plugin.Scorer auto = auto(one);
        Plugin.Scorer local = scorer("local-index");
        List<EndpointView> pool = endpoints(1, 2, 3, 4);
        for (int i = 0; i < 50; i++) {
            PickContext r = request(prompt(i));
            double[] expected = local.score(r, pool);
            assertArrayEquals(expected, auto.score(r, pool), 1e-12, "prompt " + i);
            assertArrayEquals(new double[4], expected, 1e-12, "a new prefix has no owner");
            EndpointView chosen = pool.get(i % 4);
            auto.picked(r, chosen);
            local.picked(r, chosen);
            assertArrayEquals(local.score(r, pool), auto.score(r, pool), 1e-12, "prompt " + i + " after its pick");
        }
    }

    /** Shared by three routers, auto scores as rendezvous: every router assigns a new prefix alike. */
    @Test
    void autoWithThreeRoutersScoresAsRendezvous() {
        Plugin.Scorer auto = auto(new RouterCount(3));
        Plugin.Scorer rendezvous = scorer("rendezvous");
        List<EndpointView> pool = endpoints(1, 2, 3, 4);
        for (int i = 0; i < 50; i++) {
            PickContext r = request(prompt(i));
            double[] expected = rendezvous.score(r, pool);
            assertArrayEquals(expected, auto.score(r, pool), 1e-12, "prompt " + i);
            assertEquals(
                    1, java.util.Arrays.stream(expected).filter(x -> x == 1).count(), "one endpoint assigned");
        }
    }

    /** The count is read per pick: a snapshot that changes it switches the mode at once, index kept. */
    @Test
    void autoFollowsTheRouterCountAtPickTime() {
        RouterCount routers = new RouterCount(1);
        Plugin.Scorer auto = auto(routers);
        List<EndpointView> pool = endpoints(1, 2, 3, 4);
        PickContext r = request(prompt(7));
        assertArrayEquals(new double[4], auto.score(r, pool), 1e-12);
        routers.set(2);
        int owner = assigned(auto, prompt(7), pool);
        routers.set(1);
        assertArrayEquals(new double[4], auto.score(r, pool), 1e-12, "alone again: no assignment");
        auto.picked(r, pool.get((owner + 1) % 4));
        assertEquals(1.0, auto.score(r, pool)[(owner + 1) % 4], 1e-12, "what it sent is remembered");
    }

    @Test
    void aRouterCountBelowOneCountsAsOne() {
        assertEquals(1, new RouterCount(0).get());
    }
}
