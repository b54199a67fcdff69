package io.infergate.router.outlier;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ejection on consecutive connect failures, growing ejection times, probation and reset; a fake clock. */
class OutlierDetectionTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final OutlierDetection d =
            new OutlierDetection(new OutlierSettings(3, Duration.ofSeconds(10), Duration.ofSeconds(25)), now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void consecutiveConnectFailuresEjectForBaseTimesEjectionsCapped() {
        assertFalse(d.connectFailed("a:1"));
        assertFalse(d.connectFailed("a:1"));
        assertFalse(d.ejected("a:1"));
        assertTrue(d.connectFailed("a:1"), "the 3rd in a row ejects");
        assertTrue(d.ejected("a:1"));
        assertFalse(d.ejected("b:1"), "others are not affected");
        assertEquals(1, d.ejectedNow());
        assertFalse(d.connectFailed("a:1"), "a failure of a request started before the ejection does not extend it");
        advance(Duration.ofSeconds(10).minusNanos(1));
        assertTrue(d.ejected("a:1"));
        advance(Duration.ofNanos(1));
        assertFalse(d.ejected("a:1"), "1st ejection: 10 s");
        assertTrue(d.connectFailed("a:1"), "on probation, one failure ejects again");
        advance(Duration.ofSeconds(20).minusNanos(1));
        assertTrue(d.ejected("a:1"));
        advance(Duration.ofNanos(1));
        assertFalse(d.ejected("a:1"), "2nd ejection: 2 × 10 s");
        assertTrue(d.connectFailed("a:1"));
        advance(Duration.ofSeconds(25).minusNanos(1));
        assertTrue(d.ejected("a:1"));
        advance(Duration.ofNanos(1));
        assertFalse(d.ejected("a:1"), "3rd ejection: 30 s capped at 25 s");
        assertEquals(3, d.ejectionsTotal());
    }

    @Test
    void anAnswerResetsTheCountAndTheEjectionHistory() {
        d.connectFailed("a:1");
        d.connectFailed("a:1");
        d.succeeded("a:1");
        assertFalse(d.connectFailed("a:1"));
        assertFalse(d.connectFailed("a:1"), "the count restarted");
        assertTrue(d.connectFailed("a:1"));
        advance(Duration.ofSeconds(10));
        d.succeeded("a:1");
        assertFalse(d.connectFailed("a:1"), "no probation after an answer");
    }

    @Test
    void zeroFailuresTurnsEjectionOff() {
        OutlierDetection off =
                new OutlierDetection(new OutlierSettings(0, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        for (int i = 0; i < 100; i++) {
            assertFalse(off.connectFailed("a:1"));
        }
        assertFalse(off.ejected("a:1"));
    }
}
