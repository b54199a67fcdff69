package io.infergate.router.schedule.admission;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Which waiter a slot freed on one endpoint goes to (ADR 0042, 0044); the head is index 0, -1 nobody;
 * and where the waiters a recheck frees go.
 */
class HandOverTest {

    private static final Set<String> NONE = Set.of();

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(
                        "the head's own home freed: the head", List.of(Set.of("x"), Set.of("x")), "x", false, 0, 0),
                Arguments.of(
                        "a waiter behind the head whose prefix is on x gets x's slot",
                        List.of(Set.of("y"), Set.of("z"), Set.of("x")),
                        "x",
                        false,
                        0,
                        2),
                Arguments.of(
                        "a waiter with two homes, one of them x",
                        List.of(Set.of("y"), Set.of("z", "x")),
                        "x",
                        false,
                        0,
                        1),
                Arguments.of(
                        "nobody's home: the first without any home (it misses anywhere)",
                        List.of(Set.of("y"), NONE, NONE),
                        "x",
                        false,
                        0,
                        1),
                Arguments.of(
                        "a home match beats a homeless waiter ahead of it",
                        List.of(Set.of("y"), NONE, Set.of("x")),
                        "x",
                        false,
                        0,
                        2),
                Arguments.of(
                        "everyone waits for another endpoint, nobody waited out: nobody",
                        List.of(Set.of("y"), Set.of("z")),
                        "x",
                        false,
                        0,
                        -1),
                Arguments.of(
                        "everyone waits for another endpoint, the head waited out: the head",
                        List.of(Set.of("y"), Set.of("z")),
                        "x",
                        true,
                        0,
                        0),
                Arguments.of(
                        "no waiter binds late (all homeless): the head, as without a gate",
                        List.of(NONE, NONE, NONE),
                        "x",
                        false,
                        0,
                        0),
                Arguments.of("unknown endpoint: the head", List.of(Set.of("y"), Set.of("x")), "", false, 0, 0),
                Arguments.of(
                        "waited out, passed over 7 times: may still be passed",
                        List.of(Set.of("y"), Set.of("x")),
                        "x",
                        true,
                        HandOver.MAX_PASSES - 1,
                        1),
                Arguments.of(
                        "waited out, passed over 8 times: the head takes it (starvation bound)",
                        List.of(Set.of("y"), Set.of("x")),
                        "x",
                        true,
                        HandOver.MAX_PASSES,
                        0),
                Arguments.of(
                        "passes do not count before the head waited out",
                        List.of(Set.of("y"), Set.of("x")),
                        "x",
                        false,
                        HandOver.MAX_PASSES,
                        1));
    }

    /** Waiters with these homes, no spill order, of which only the head may have waited out. */
    private static List<HandOver.Waiting> waiting(List<Set<String>> homes, boolean headWaitedOut) {
        List<HandOver.Waiting> out = new ArrayList<>();
        for (int i = 0; i < homes.size(); i++) {
            out.add(new HandOver.Waiting(homes.get(i), List.of(), i == 0 && headWaitedOut));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void choosesTheWaiterForAFreedSlot(
            String reason, List<Set<String>> homes, String freed, boolean waitedOut, int passes, int expected) {
        assertEquals(expected, HandOver.choose(waiting(homes, waitedOut), freed, passes, 0));
    }

    private static final List<String> ORDER_X_FIRST = List.of("y", "x", "z");
    private static final List<String> ORDER_Z_FIRST = List.of("y", "z", "x");

    @Test
    void aSlotNobodysHomeGoesToAWaitedOutWaiterWhoseSpillTargetItIs() {
        List<HandOver.Waiting> w = List.of(
                new HandOver.Waiting(Set.of("y"), ORDER_Z_FIRST, true),
                new HandOver.Waiting(Set.of("y"), ORDER_Z_FIRST, false),
                new HandOver.Waiting(Set.of("y"), ORDER_X_FIRST, true));
        assertEquals(2, HandOver.choose(w, "x", 0, 0), "x is the third waiter's spill target, not the head's");
        assertEquals(0, HandOver.choose(w, "z", 0, 0), "z is the head's");
        assertEquals(0, HandOver.choose(w, "w", 0, 0), "nobody's target: the first that waited out");
    }

    @Test
    void aWaitedOutWaiterBehindAHeadThatWaitsTakesANonHomeSlot() {
        List<HandOver.Waiting> w = List.of(
                new HandOver.Waiting(Set.of("y"), ORDER_Z_FIRST, false),
                new HandOver.Waiting(Set.of("y"), ORDER_Z_FIRST, true));
        assertEquals(1, HandOver.choose(w, "x", 0, 0));
    }

    @Test
    void theSpillTargetIsTheFirstEndpointOfTheOrderThatIsNotAHome() {
        assertEquals("x", new HandOver.Waiting(Set.of("y"), ORDER_X_FIRST, true).spillTarget());
        assertEquals("z", new HandOver.Waiting(Set.of("y", "x"), ORDER_X_FIRST, true).spillTarget());
        assertEquals("", new HandOver.Waiting(Set.of("y"), List.of(), true).spillTarget());
    }

    @Test
    void aRecheckGivesEachFreeSlotOnceHomesFirst() {
        List<HandOver.Waiting> w = List.of(
                new HandOver.Waiting(Set.of("x"), ORDER_X_FIRST, false),
                new HandOver.Waiting(Set.of("y"), ORDER_X_FIRST, true),
                new HandOver.Waiting(Set.of("x"), ORDER_X_FIRST, false),
                new HandOver.Waiting(Set.of("x"), ORDER_X_FIRST, false),
                new HandOver.Waiting(Set.of(), List.of(), false));
        String[] to = HandOver.recheck(w, Map.of("x", 2, "y", 0, "z", 2), 0);
        assertArrayEquals(
                new String[] {"x", "z", "x", null, "z"},
                to,
                "x's two slots to the first two of x (the third waits); the homeless one takes a slot of z;"
                        + " the one that waited out finds x, its spill target, taken and takes z's other slot");
    }

    @Test
    void aRecheckSendsAWaitedOutWaiterToTheFirstFreeEndpointOfItsOrder() {
        List<HandOver.Waiting> w = List.of(
                new HandOver.Waiting(Set.of("y"), List.of("y", "z", "x"), true),
                new HandOver.Waiting(Set.of("y"), List.of("y", "z", "x"), false));
        assertArrayEquals(new String[] {"z", null}, HandOver.recheck(w, Map.of("x", 3, "y", 0, "z", 1), 0));
        assertArrayEquals(new String[] {"x", null}, HandOver.recheck(w, Map.of("x", 3, "y", 0, "z", 0), 0));
        assertArrayEquals(new String[] {null, null}, HandOver.recheck(w, Map.of("x", 0, "y", 0, "z", 0), 0));
    }

    @ParameterizedTest(name = "a match at position {0} of the scan: waiter {1}")
    @MethodSource("positions")
    void onlyTheFirstWaitersAreScanned(int position, int expected) {
        List<Set<String>> homes = new ArrayList<>();
        for (int i = 0; i < HandOver.SCAN + 40; i++) {
            homes.add(i == position ? Set.of("x") : Set.of("y"));
        }
        assertEquals(expected, HandOver.choose(waiting(homes, true), "x", 0, 0));
    }

    static Stream<Arguments> positions() {
        return Stream.of(
                Arguments.of(HandOver.SCAN - 1, HandOver.SCAN - 1),
                Arguments.of(HandOver.SCAN, 0),
                Arguments.of(HandOver.SCAN + 39, 0));
    }

    private static List<HandOver.Waiting> line(String home, int length, List<String> order) {
        List<HandOver.Waiting> out = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            out.add(new HandOver.Waiting(Set.of(home), order, false));
        }
        return out;
    }

    /** ADR 0044: a slot nobody waits for goes to the back of a line at least the slack long. */
    @Test
    void aSlotNobodyWaitsForGoesToTheBackOfALongLine() {
        List<HandOver.Waiting> w = new ArrayList<>(line("y", 4, ORDER_Z_FIRST));
        w.addAll(line("z", 1, ORDER_X_FIRST));
        assertEquals(3, HandOver.choose(w, "x", 0, 4), "y's line of 4 reaches the slack: its last waiter");
        assertEquals(-1, HandOver.choose(w, "x", 0, 5), "a line of 4 is within a slack of 5: nobody");
        assertEquals(-1, HandOver.choose(w, "x", 0, 0), "no line test");
        w.add(new HandOver.Waiting(Set.of("x", "q"), ORDER_X_FIRST, false));
        assertEquals(5, HandOver.choose(w, "x", 0, 4), "somebody waits for x: it gets x");
    }

    @Test
    void fromALongLineTheLastWhoseSpillTargetIsTheFreedSlotGoes() {
        List<HandOver.Waiting> w = new ArrayList<>(line("y", 2, ORDER_X_FIRST));
        w.addAll(line("y", 3, ORDER_Z_FIRST));
        assertEquals(1, HandOver.choose(w, "x", 0, 4));
        assertEquals(4, HandOver.choose(w, "z", 0, 4));
    }

    @Test
    void aRecheckSpillsFromLongLinesOnlyWhatNobodyWaitsFor() {
        List<HandOver.Waiting> w = new ArrayList<>(line("y", 6, ORDER_X_FIRST));
        w.add(new HandOver.Waiting(Set.of("z"), ORDER_X_FIRST, false));
        String[] to = HandOver.recheck(w, Map.of("x", 3, "y", 0, "z", 1), 4);
        assertArrayEquals(
                new String[] {null, null, null, "x", "x", "x", "z"},
                to,
                "z's slot to its waiter; x's three to y's line from the back while it stays at least 4 long"
                        + " (6, 5, 4: three go)");
    }

    @Test
    void aNewRequestSpillsAtOnceOnlyBehindALongLineAndOnlyToASlotNobodyWaitsFor() {
        Map<String, Integer> lines = Map.of("y", 4, "z", 1);
        Map<String, Integer> free = Map.of("x", 1, "y", 0, "z", 1);
        assertEquals(
                "x",
                HandOver.spillOnArrival(Set.of("y"), List.of("y", "z", "x"), free, lines, 4),
                "z has a free slot but a waiter of its own: x");
        assertEquals(null, HandOver.spillOnArrival(Set.of("y"), List.of("y", "z", "x"), free, lines, 5));
        assertEquals(
                null,
                HandOver.spillOnArrival(Set.of("y", "z"), List.of("y", "z", "x"), free, lines, 4),
                "it would also take z, whose line is short");
        assertEquals(null, HandOver.spillOnArrival(Set.of(), List.of(), free, lines, 4), "a new prefix has no line");
    }

    @Test
    void noWaiterIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> HandOver.choose(List.of(), "x", 0, 0));
    }
}
