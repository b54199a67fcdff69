package io.infergate.router.schedule.plugins.prefix;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rendezvous weights' controller (ADR 0036), on a simulated clock: no wall-clock timing. */
class RendezvousWeightsTest {

    private static final long SECOND = 1_000_000_000L;
    private static final List<String> FOUR = List.of("a:1", "b:1", "c:1", "d:1");

    /** Feeds constant loads every 50 ms for {@code seconds} and returns the final weights. */
    private static double[] run(RendezvousWeights w, long[] load, int seconds, long start) {
        double[] out = null;
        for (long t = start; t <= start + seconds * SECOND; t += SECOND / 20) {
            out = w.weights(FOUR, load, t);
        }
        return out;
    }

    @Test
    void withEqualWeightsTheOrderIsThePlainSignedHashOrder() {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 100_000; i++) {
            long a = r.nextLong();
            long b = r.nextLong();
            double sa = RendezvousWeights.score(a, 1);
            double sb = RendezvousWeights.score(b, 1);
            if ((a >>> 11) != (b >>> 11)) { // 53 bits of the hash make the score
                assertEquals(a > b, sa > sb, a + " vs " + b);
            }
        }
    }

    @Test
    void aWeightedEndpointDrawsItsShareOfTheAnchors() {
        double[] weight = {1, 2, 0.5, 0.5};
        int[] count = new int[4];
        SplittableRandom r = new SplittableRandom(9);
        int anchors = 40_000;
        for (int i = 0; i < anchors; i++) {
            long anchor = r.nextLong();
            int best = 0;
            double bestScore = -1;
            for (int j = 0; j < 4; j++) {
                double s =
                        RendezvousWeights.score(PrefixHashes.mix(anchor ^ PrefixHashes.ofKey(FOUR.get(j))), weight[j]);
                if (s > bestScore) {
                    bestScore = s;
                    best = j;
                }
            }
            count[best]++;
        }
        for (int j = 0; j < 4; j++) {
            assertEquals(weight[j] / 4, (double) count[j] / anchors, 0.01, "share of endpoint " + j);
        }
    }

    @Test
    void aPersistentlyBusierEndpointLosesWeightAndAnIdlerOneGainsIt() {
        double[] w = run(new RendezvousWeights(0.1), new long[] {20, 20, 10, 30}, 10, 0);
        assertTrue(w[3] < 0.9, "the busiest lost weight: " + w[3]);
        assertTrue(w[2] > 1.2, "the idlest gained weight: " + w[2]);
        assertEquals(1.0, w[0] * w[1] * w[2] * w[3], 1e-9, "re-centred: the product stays 1");
    }

    @Test
    void loadsWithinTheDeadbandOrTooLightToJudgeLeaveTheWeightsAlone() {
        assertArrayEquals(
                new double[] {1, 1, 1, 1}, run(new RendezvousWeights(0.1), new long[] {20, 21, 19, 22}, 20, 0), 1e-9);
        // a mean below one request per endpoint is noise
        assertArrayEquals(
                new double[] {1, 1, 1, 1}, run(new RendezvousWeights(0.1), new long[] {0, 0, 0, 2}, 20, 0), 1e-9);
    }

    @Test
    void weightsStayWithinTheirBounds() {
        double[] w = run(new RendezvousWeights(10), new long[] {100, 1, 1, 1}, 60, 0);
        for (double x : w) {
            assertTrue(
                    x >= 1 / RendezvousWeights.MAX_WEIGHT - 1e-9 && x <= RendezvousWeights.MAX_WEIGHT + 1e-9, "" + x);
        }
    }

    @Test
    void noUpdateWithinTheFirstSecondOfAnEndpoint() {
        RendezvousWeights w = new RendezvousWeights(1);
        double[] out = null;
        for (long t = 0; t < SECOND; t += SECOND / 20) {
            out = w.weights(FOUR, new long[] {40, 0, 0, 0}, t);
        }
        assertArrayEquals(new double[] {1, 1, 1, 1}, out, 1e-9);
    }

    /**
     * The closed loop the ADR argues for: 90 anchors over 4 endpoints by plain rendezvous are
     * uneven; each endpoint's load is proportional to the anchors homed on it. Two routers sample
     * at different moments (25 ms apart) and see loads with independent noise; after a minute
     * the homes are even, and the two routers agree on almost every anchor.
     */
    @Test
    void twoRoutersEvenTheHomesOfNinetyAnchorsAndAgreeOnThem() {
        assertEvenedAndAgreed(closedLoop(0.1, 60));
    }

    /**
     * ADR 0046 halved the default gain; it must still even the hash's spread of the same 90
     * anchors, with the routers agreeing, within two simulated minutes (the benchmark's whole
     * shared-prefix ladder is 50 s of arrivals, so a gain too slow to get there would leave the
     * hot pod of the plain hash in place). What the lower gain buys (fewer needless moves) is
     * measured in the benchmark, not here: this simple load model has little of the real noise.
     */
    @Test
    void theDefaultGainStillEvensTheHomesWithinTwoMinutes() {
        assertEvenedAndAgreed(closedLoop(PrefixCacheScorer.DEFAULT_REBALANCE_GAIN, 120));
    }

    /** The homes of the 90 anchors before, and on each router after, a closed loop. */
    private record Loop(int[] before, int[] after, int[] otherAfter) {}

    /**
     * Two routers with {@code gain} for {@code seconds} on a simulated clock: 90 anchors homed by
     * weighted rendezvous, each endpoint's load proportional to its homes plus noise, the second
     * router sampling 25 ms after the first.
     */
    private static Loop closedLoop(double gain, int seconds) {
        SplittableRandom r = new SplittableRandom(20261205);
        long[] anchors = new long[90];
        for (int i = 0; i < anchors.length; i++) {
            anchors[i] = r.nextLong();
        }
        double[] unit = {1, 1, 1, 1};
        RendezvousWeights one = new RendezvousWeights(gain);
        RendezvousWeights two = new RendezvousWeights(gain);
        double[] w1 = unit;
        double[] w2 = unit;
        for (long t = 0; t < seconds * SECOND; t += SECOND / 20) {
            w1 = one.weights(FOUR, noisyLoad(counts(homes(anchors, w1)), r), t);
            w2 = two.weights(FOUR, noisyLoad(counts(homes(anchors, w2)), r), t + SECOND / 40);
        }
        return new Loop(homes(anchors, unit), homes(anchors, w1), homes(anchors, w2));
    }

    /** The plain hash was uneven (spread 8 or more), the weights evened it (6 or less), the routers agree on 85 of 90. */
    private static void assertEvenedAndAgreed(Loop loop) {
        int[] before = counts(loop.before());
        int[] after = counts(loop.after());
        assertTrue(spread(before) >= 8, "the plain hash is uneven here: " + java.util.Arrays.toString(before));
        assertTrue(spread(after) <= 6, "evened: " + java.util.Arrays.toString(after));
        int agree = 0;
        for (int i = 0; i < loop.after().length; i++) {
            agree += loop.after()[i] == loop.otherAfter()[i] ? 1 : 0;
        }
        assertTrue(agree >= 85, "the routers agree on " + agree + " of 90 homes");
    }

    private static long[] noisyLoad(int[] count, SplittableRandom r) {
        long[] load = new long[count.length];
        for (int i = 0; i < count.length; i++) {
            load[i] = Math.max(0, Math.round(count[i] * 0.8 + r.nextGaussian() * 3));
        }
        return load;
    }

    private static int[] homes(long[] anchors, double[] weight) {
        int[] out = new int[anchors.length];
        for (int i = 0; i < anchors.length; i++) {
            double best = -1;
            for (int j = 0; j < FOUR.size(); j++) {
                double s = RendezvousWeights.score(
                        PrefixHashes.mix(anchors[i] ^ PrefixHashes.ofKey(FOUR.get(j))), weight[j]);
                if (s > best) {
                    best = s;
                    out[i] = j;
                }
            }
        }
        return out;
    }

    private static int[] counts(int[] homes) {
        int[] c = new int[FOUR.size()];
        for (int h : homes) {
            c[h]++;
        }
        return c;
    }

    private static int spread(int[] counts) {
        int max = Integer.MIN_VALUE;
        int min = Integer.MAX_VALUE;
        for (int c : counts) {
            max = Math.max(max, c);
            min = Math.min(min, c);
        }
        return max - min;
    }

    @Test
    void aGainOfZeroIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RendezvousWeights(0));
    }
}
