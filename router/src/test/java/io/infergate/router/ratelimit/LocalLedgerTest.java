package io.infergate.router.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class LocalLedgerTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final LocalLedger ledger = new LocalLedger(clock::get);

    private static Draw draw(String key, long limit, long cost) {
        return new Draw(key, Draw.Kind.TOKENS, limit, cost, 60_000, 60_000);
    }

    @Test
    void takesAllDrawsOrNone() {
        assertEquals(
                new Ledger.Verdict.Taken(List.of(60L, 1L)), ledger.take(List.of(draw("a", 100, 60), draw("b", 2, 1))));
        Ledger.Verdict refused = ledger.take(List.of(draw("b", 2, 1), draw("a", 100, 50)));
        assertEquals(new Ledger.Verdict.Refused(1, 60), refused, "a: 60 + 50 > 100");
        assertEquals(
                new Ledger.Verdict.Taken(List.of(2L, 100L)),
                ledger.take(List.of(draw("b", 2, 1), draw("a", 100, 40))),
                "the refused take left b at 1: exactly full now");
    }

    @Test
    void aWindowEndsAndRefundsOnlyTouchLiveCounters() {
        ledger.take(List.of(draw("a", 100, 100)));
        assertInstanceOf(Ledger.Verdict.Refused.class, ledger.take(List.of(draw("a", 100, 1))));
        ledger.adjust("a", -30, 0);
        assertEquals(new Ledger.Verdict.Taken(List.of(100L)), ledger.take(List.of(draw("a", 100, 30))));
        clock.addAndGet(60_000);
        ledger.adjust("a", -50, 0); // the window is over: nothing to refund
        assertEquals(new Ledger.Verdict.Taken(List.of(10L)), ledger.take(List.of(draw("a", 100, 10))));
        ledger.adjust("fresh", 25, 1000);
        assertEquals(
                new Ledger.Verdict.Refused(0, 25),
                ledger.take(List.of(draw("fresh", 30, 6))),
                "a charge creates its counter");
    }

    @Test
    void endedWindowsAreSweptWhenTheMapGrows() {
        for (int i = 0; i <= LocalLedger.SWEEP_AT; i++) {
            ledger.take(List.of(draw("t" + i, 10, 1)));
        }
        clock.addAndGet(60_000);
        ledger.take(List.of(draw("new", 10, 1)));
        assertEquals(1, ledger.size(), "only the live counter is left");
    }
}
