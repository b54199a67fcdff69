package io.infergate.router.schedule.plugins.prefix;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SlotLedgerTest {

    private long clock;

    /** Feeds (running, waiting) scrapes, each a new one. */
    private void scrapes(SlotLedger l, String key, int... runningWaiting) {
        for (int i = 0; i < runningWaiting.length; i += 2) {
            clock += 50;
            l.observe(key, runningWaiting[i], runningWaiting[i + 1], clock);
        }
    }

    @Test
    void learnsTheRunningCountAtWhichTheServerQueues() {
        SlotLedger l = new SlotLedger(0);
        scrapes(l, "a", 3, 0, 12, 0, 9, 0);
        assertEquals(0, l.slots("a"), "never queued: unknown");
        scrapes(l, "a", 16, 0, 16, 4, 16, 1, 14, 0);
        assertEquals(16, l.slots("a"), "queued at 16 running, never ran more");
    }

    /**
     * ADR 0045: a server that queues at many running counts is a prefill line once four queued
     * scrapes showed it below its largest count; one that queues only with every slot taken (and,
     * at the moment a slot frees, one below) never is, however long it queues.
     */
    @Test
    void aServerThatQueuesAtAnyRunningCountIsAPrefillLine() {
        SlotLedger l = new SlotLedger(0);
        List<String> keys = List.of("serial", "slots", "idle");
        scrapes(l, "serial", 10, 2, 3, 1, 4, 3, 5, 1);
        scrapes(l, "idle", 0, 0, 4, 0, 9, 0);
        assertArrayEquals(new boolean[] {false, false, false}, l.prefillLines(keys), "three below 10: not enough yet");
        scrapes(l, "serial", 6, 2);
        scrapes(l, "slots", 16, 3, 16, 1, 15, 2, 16, 4, 16, 2);
        for (int round = 0; round < 50; round++) {
            scrapes(l, "slots", 16, 5, 15, 1, 16, 2);
        }
        assertArrayEquals(new boolean[] {true, false, false}, l.prefillLines(keys));
        assertEquals(16, l.slots("slots"));
        assertEquals(0, l.slots("serial"));
        scrapes(l, "serial", 10, 1, 10, 4, 10, 3);
        assertArrayEquals(
                new boolean[] {true, false, false},
                l.prefillLines(keys),
                "3 queued scrapes at its largest count do not outweigh 4 below it");
    }

    @Test
    void aServerThatQueuesWhileASlotItUsedIsFreeHasNoSlots() {
        SlotLedger serial = new SlotLedger(0);
        // a serial prefill line: requests wait for it at any running count
        scrapes(serial, "a", 0, 1, 1, 1, 5, 0, 3, 2);
        assertEquals(0, serial.slots("a"));
        scrapes(serial, "a", 16, 1, 16, 2);
        assertEquals(0, serial.slots("a"), "3 queued scrapes below the largest count against 2 at it");
    }

    @Test
    void runningAboveTheCountItQueuedAtHasNoSlots() {
        SlotLedger l = new SlotLedger(0);
        scrapes(l, "a", 8, 2);
        assertEquals(0, l.slots("a"), "one queued scrape is not enough");
        scrapes(l, "a", 8, 1);
        assertEquals(8, l.slots("a"));
        scrapes(l, "a", 9, 0); // admission is not bounded by 8 slots after all (a KV-bound engine)
        assertEquals(0, l.slots("a"));
    }

    @Test
    void theSameScrapeSeenAgainCountsOnce() {
        SlotLedger l = new SlotLedger(0);
        l.observe("a", 16, 2, 5);
        l.observe("a", 16, 1, 6);
        l.observe("a", 3, 1, 6); // not a new scrape: ignored (no verdict from a stale copy)
        l.observe("a", 3, 1, 6);
        assertEquals(16, l.slots("a"));
    }

    /**
     * The moment between a request's end and the next one's admission shows one running fewer: no
     * verdict either way (ADR 0042: with the gate, most queued scrapes are such moments).
     */
    @Test
    void oneRunningFewerWhileQueuedCountsNeitherWay() {
        SlotLedger l = new SlotLedger(0);
        scrapes(l, "a", 16, 3, 16, 1);
        for (int i = 0; i < 20; i++) {
            scrapes(l, "a", 15, 1);
        }
        assertEquals(16, l.slots("a"), "20 queued scrapes at 15 of 16 do not unlearn it");
    }

    @Test
    void toleratesARareQueuedScrapeFarBelowTheSlots() {
        SlotLedger l = new SlotLedger(0);
        for (int i = 0; i < 7; i++) {
            scrapes(l, "a", 16, 3);
        }
        scrapes(l, "a", 14, 3);
        assertEquals(16, l.slots("a"), "1 of 8 queued scrapes two below 16");
        scrapes(l, "a", 14, 2);
        assertEquals(0, l.slots("a"), "2 of 9: queues below its slots too often");
    }

    @Test
    void aConfiguredCountWins() {
        SlotLedger l = new SlotLedger(8);
        assertEquals(8, l.slots("never-seen"));
        scrapes(l, "a", 0, 1, 3, 1);
        assertEquals(8, l.slots("a"));
    }

    @Test
    void podsThatNeverQueuedTakeThePoolsCount() {
        SlotLedger l = new SlotLedger(0);
        scrapes(l, "a", 16, 3, 16, 2);
        scrapes(l, "b", 16, 1, 16, 1);
        scrapes(l, "c", 10, 0); // never queued
        scrapes(l, "d", 4, 1, 6, 1); // queued at 4 and at 6: not slot-bound
        assertArrayEquals(new int[] {16, 16, 16, 0, 16}, l.slots(List.of("a", "b", "c", "d", "new")));
        SlotLedger none = new SlotLedger(0);
        scrapes(none, "c", 10, 0);
        assertArrayEquals(new int[] {0, 0}, none.slots(List.of("c", "x")), "nobody learned anything");
    }

    @Test
    void countsThisRoutersPicksAfterTheScrape() {
        SlotLedger l = new SlotLedger(0);
        l.picked("a", 100);
        l.picked("a", 200);
        l.picked("a", 300);
        l.picked("b", 250);
        assertEquals(2, l.picksSince("a", 150));
        assertEquals(0, l.picksSince("a", 300), "a pick at the scrape's instant is in it");
        assertEquals(3, l.picksSince("a", 0));
        assertEquals(0, l.picksSince("never-picked", 0));
    }

    @Test
    void forgetsPicksOlderThanAnyScrapeCanBe() {
        SlotLedger l = new SlotLedger(0);
        l.picked("a", 0);
        l.picked("a", SlotLedger.KEEP_PICKS_NANOS + 1);
        assertEquals(1, l.picksSince("a", -1));
    }

    /**
     * ADR 0042: a request of this router that finished after the scrape still counts as running in
     * it; its slot is free now, not one scrape later.
     */
    @Test
    void completionsAfterTheScrapeFreeTheirSlotsAtOnce() {
        SlotLedger l = new SlotLedger(16);
        l.completed("a", 100); // before the scrape: the scrape does not count it any more
        l.picked("a", 150); // before the scrape: in it
        l.completed("a", 250); // after: the scrape counted it running
        l.completed("a", 300);
        l.picked("a", 260); // after: not in the scrape
        assertEquals(2, l.completionsSince("a", 200));
        assertEquals(16 + 1 - 2, l.occupancy("a", 16, 200), "16 scraped, one picked since, two finished since");
        assertEquals(0, l.occupancy("a", 1, 200), "never below 0");
        assertEquals(5, l.occupancy("never-seen", 5, 200));
    }

    @Test
    void withOneRouterTheFreeSlotsAreTheSlotsLessTheOccupancy() {
        SlotLedger l = new SlotLedger(16, 7);
        scrapes(l, "a", 6, 0);
        long scrape = clock;
        assertEquals(10, l.free("a", 16, 6, scrape, 1));
        l.picked("a", scrape + 1);
        l.picked("a", scrape + 2);
        l.completed("a", scrape + 3);
        assertEquals(9, l.free("a", 16, 6, scrape, 1));
        assertEquals(-5, l.free("a", 16, 20, scrape, 1), "a queue of 4, and one more picked since");
        assertEquals(16 - l.occupancy("a", 6, scrape), l.free("a", 16, 6, scrape, 1));
    }

    /**
     * With three routers each takes a third of the free slots a scrape shows, and one of the
     * remainder with the remainder's share of the chance (ADR 0044), so that on average the three
     * together fill what the scrape shows, not three times that.
     */
    @Test
    void withThreeRoutersEachTakesItsShareOfAScrapesFreeSlots() {
        long total = 0;
        int scrapes = 3000;
        for (long seed = 1; seed <= 3; seed++) {
            SlotLedger router = new SlotLedger(16, seed * 0x9E3779B97F4A7C15L);
            for (int i = 0; i < scrapes; i++) {
                clock += 50;
                router.observe("a", 6, 0, clock); // 10 free
                int free = router.free("a", 16, 6, clock, 3);
                assertEquals(3, free, 1, "10 / 3 and maybe one of the remainder");
                assertEquals(free, router.free("a", 16, 6, clock, 3), "one draw per scrape");
                total += free;
            }
        }
        assertEquals(10.0, (double) total / scrapes, 0.2, "three routers together take the 10 free slots");
        SlotLedger l = new SlotLedger(16, 1);
        scrapes(l, "a", 6, 0);
        int share = l.free("a", 16, 6, clock, 3);
        l.completed("a", clock + 1);
        assertEquals(share + 1, l.free("a", 16, 6, clock, 3), "a slot this router's request freed is its own");
        assertEquals(-1, l.free("a", 16, 18, clock, 3), "a queue of 2 is not divided, less its own freed slot");
    }

    @Test
    void rejectsANegativeCount() {
        assertThrows(IllegalArgumentException.class, () -> new SlotLedger(-1));
    }
}
