package io.infergate.router.schedule.plugins.prefix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LoadBoundTest {

    private static long[] longs(String s) {
        return Arrays.stream(s.trim().split(" +")).mapToLong(Long::parseLong).toArray();
    }

    private static int[] ints(String s) {
        return Arrays.stream(s.trim().split(" +")).mapToInt(Integer::parseInt).toArray();
    }

    private static String flags(boolean[] b) {
        StringBuilder out = new StringBuilder();
        for (boolean x : b) {
            out.append(x ? 'X' : '.');
        }
        return out.toString();
    }

    /** loads, queues (-1 unknown) → flags; ε 0.25, slack 4 and the queue slack of the row. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "idle pool: nobody                                         | 0 0 0 0     | 0 0 0 0     | 0  | ....",
                "a few running on one: ⌈1.25×4/4⌉+4 = 6 > 3                | 3 0 0 0     | 0 0 0 0     | 0  | ....",
                "far above the mean: ⌈1.25×11/3⌉+4 = 9 ≤ 10                | 10 0 0      | 4 0 0       | -1 | X..",
                "the issue's pods: queues 8,13,3 while one has none        | 24 29 7 19  | 8 13 0 3    | 0  | XX.X",
                "same, slack 4: only queues above 4                        | 24 29 7 19  | 8 13 0 3    | 4  | XX..",
                "same, no queue test: only the bound ⌈1.25×80/4⌉+4 = 29    | 24 29 7 19  | 8 13 0 3    | -1 | .X..",
                "every pod queues: no one has room, only the bound          | 20 21 20 22 | 4 5 4 6     | 0  | ....",
                "an unknown queue is no room                               | 20 20 20    | 3 3 -1      | 0  | ...",
                "an unknown queue is never flagged by the queue test       | 20 20 20    | 0 3 -1      | 0  | .X.",
                "one endpoint: never overloaded                            | 50          | 9           | 0  | .",
                "room only on a pod above the bound does not count         | 100 5       | 0 3         | 0  | X.",
            })
    void flagsOverloadedEndpoints(String why, String load, String waiting, int queueSlack, String want) {
        assertEquals(want, flags(new LoadBound(0.25, 4, queueSlack).overloaded(longs(load), ints(waiting))), why);
    }

    /**
     * The slot test (ADR 0037): loads, queues, occupancies (scrape plus this router's picks since),
     * slots (0 unknown) → flags; ε 0.25, slack 4, queue slack 4 (so only the slot test can act).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "full while another has a free slot                  | 16 10 12    | 0 0 0    | 16 10 12    | 16 16 16 | X..",
                "this router's picks since the scrape fill the slot | 15 10       | 0 0      | 16 10       | 16 16    | X.",
                "one free slot left: not full                        | 15 10       | 0 0      | 15 10       | 16 16    | ..",
                "every pod full: the slot test is quiet              | 18 16 17 16 | 2 0 1 0  | 18 17 17 16 | 16 16 16 16 | ....",
                "queued while another has a slot (the stuck case)    | 17 14       | 1 0      | 17 14       | 16 16    | X.",
                "unknown slots: neither full nor room                | 10 2        | 3 0      | 10 2        | 0 0      | ..",
                "unknown slots on the idle pod: no room              | 12 2        | 0 0      | 12 2        | 12 0     | ..",
                "a queue is no room, whatever the count says         | 16 8        | 0 1      | 16 8        | 16 16    | ..",
                "unknown queue (stale scrape): no room               | 16 8        | 0 -1     | 16 8        | 16 16    | ..",
            })
    void flagsFullEndpointsWhileAnotherHasASlot(
            String why, String load, String waiting, String occupancy, String slots, String want) {
        assertEquals(
                want,
                flags(new LoadBound(0.25, 4, 4).overloaded(longs(load), ints(waiting), ints(occupancy), ints(slots))),
                why);
    }

    /**
     * The saturated-queue test (ADR 0037): with no free slot anywhere, an estimated queue more than
     * {@code fullQueueSlack} (1 here) longer than the shortest loses the prefixes.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "queues 2/0/1/0: the one 2 long is flagged           | 18 16 17 16 | 2 0 1 0 | 18 16 17 16 | 16 16 16 16 | X...",
                "queues 1/0/1/0: within the slack                     | 17 16 17 16 | 1 0 1 0 | 17 16 17 16 | 16 16 16 16 | ....",
                "every queue long, all alike: none flagged            | 20 20 20    | 4 4 4   | 20 20 20    | 16 16 16    | ...",
                "picks since the scrape count in the queue            | 17 16       | 1 0     | 19 16       | 16 16       | X.",
                "a free slot somewhere: the slot test acts            | 18 15       | 2 0     | 18 15       | 16 16       | X.",
                "unknown slots are not compared                       | 19 10       | 3 0     | 19 10       | 16 0        | ..",
            })
    void keepsSaturatedQueuesWithinTheSlack(
            String why, String load, String waiting, String occupancy, String slots, String want) {
        assertEquals(
                want,
                flags(new LoadBound(0.25, 4, 4, 1)
                        .overloaded(longs(load), ints(waiting), ints(occupancy), ints(slots))),
                why);
    }

    /** Whatever the loads, some endpoint stays eligible: a request always has a home for its prefix. */
    @Test
    void neverFlagsEveryEndpoint() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int round = 0; round < 2_000; round++) {
            int n = r.nextInt(1, 12);
            long[] load = new long[n];
            int[] waiting = new int[n];
            for (int i = 0; i < n; i++) {
                waiting[i] = r.nextInt(-1, 6);
                load[i] = (long) Math.max(0, waiting[i]) + r.nextInt(0, 40);
            }
            int[] slots = new int[n];
            int[] occupancy = new int[n];
            for (int i = 0; i < n; i++) {
                slots[i] = r.nextInt(0, 3) * 8; // 0 (unknown), 8 or 16, mixed in one pool
                occupancy[i] = (int) load[i] + r.nextInt(0, 3);
            }
            LoadBound bound = new LoadBound(r.nextDouble(0, 2), r.nextInt(0, 5), r.nextInt(-1, 3), r.nextInt(-1, 3));
            boolean[] over = round % 2 == 0
                    ? bound.overloaded(load, waiting)
                    : bound.overloaded(load, waiting, occupancy, slots);
            boolean someoneKept = false;
            for (boolean o : over) {
                someoneKept |= !o;
            }
            assertEquals(true, someoneKept, "round " + round);
        }
    }

    /**
     * ADR 0045: the queue test leaves a prefill line alone (its queue drains at prefill speed), but
     * the bounded load still flags it, and a queue on an endpoint that is not a line still counts.
     */
    @Test
    void theQueueTestLeavesAPrefillLineAlone() {
        LoadBound b = new LoadBound(0.25, 4, 4);
        int[] none = new int[3];
        assertEquals("X..", flags(b.overloaded(longs("9 0 3"), ints("6 0 1"), none, none)), "not a line: 6 > 4 queued");
        boolean[] firstIsALine = {true, false, false};
        assertEquals(
                "...", flags(b.overloaded(longs("9 0 3"), ints("6 0 1"), none, none, firstIsALine)), "a line keeps it");
        assertEquals(
                "X..",
                flags(b.overloaded(longs("30 0 3"), ints("20 0 1"), none, none, firstIsALine)),
                "30 is at the bound ⌈1.25 × 34 / 3⌉ + 4 = 19 and more: a line is still bounded");
        assertEquals(
                ".X.",
                flags(b.overloaded(longs("12 12 0"), ints("6 6 0"), none, none, firstIsALine)),
                "the other queueing endpoint is not a line");
        assertThrows(
                IllegalArgumentException.class,
                () -> b.overloaded(new long[2], new int[2], new int[2], new int[2], new boolean[1]));
    }

    @Test
    void rejectsMismatchedArraysAndNegativeBounds() {
        LoadBound b = new LoadBound(0.25, 4, 0);
        assertThrows(IllegalArgumentException.class, () -> b.overloaded(new long[2], new int[1]));
        assertThrows(
                IllegalArgumentException.class, () -> b.overloaded(new long[2], new int[2], new int[1], new int[2]));
        assertThrows(IllegalArgumentException.class, () -> new LoadBound(-1, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new LoadBound(0.25, -1, 0));
        assertArrayEquals(new boolean[0], b.overloaded(new long[0], new int[0]));
    }
}
