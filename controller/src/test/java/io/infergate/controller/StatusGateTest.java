package io.infergate.controller;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a leader may write status, and when a Pending Gateway waits longer for the routers' answers. */
class StatusGateTest {

    private static final Instant T0 = Instant.parse("2026-12-05T00:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(10);
    private final StatusGate gate = new StatusGate(GRACE);

    private static Instant at(double seconds) {
        return T0.plusMillis((long) (seconds * 1000));
    }

    @Test
    void aFollowerNeverWrites() {
        assertFalse(gate.mayWrite(true, true, true, at(60)));
        gate.leading(true, at(0));
        gate.leading(false, at(1));
        gate.pushing(true, at(1));
        assertFalse(gate.mayWrite(true, true, true, at(60)), "lost the lead");
    }

    @Test
    void aNewLeaderWritesAsSoonAsEveryRouterAnsweredAndTheAnswersAreFolded() {
        gate.leading(true, at(0));
        gate.pushing(true, at(0.1));
        assertFalse(gate.mayWrite(true, false, true, at(0.2)), "a router's first attempt has not ended yet");
        assertFalse(gate.mayWrite(true, true, false, at(0.3)), "an answer is not folded into the plan yet");
        assertFalse(gate.mayWrite(false, true, true, at(0.3)), "nothing translated yet");
        assertTrue(gate.mayWrite(true, true, true, at(0.4)));
    }

    @Test
    void theGraceCountsFromWhenThePublisherHoldsTheRoutersNotFromWinningTheLease() {
        // The Lease is won at 0 s, but the routers are handed to the publisher only at 12 s (the
        // token arrived late). At 13 s no router has answered: the grace since winning the Lease
        // is spent, yet writing now would set Programmed False from no answers at all.
        gate.leading(true, at(0));
        gate.pushing(false, at(0));
        gate.pushing(true, at(12));
        assertFalse(gate.mayWrite(true, false, true, at(13)));
        gate.pushing(true, at(15)); // still the same routers: the grace does not restart
        assertFalse(gate.mayWrite(true, false, true, at(21.9)));
        assertTrue(
                gate.mayWrite(true, false, true, at(22)),
                "a router that never answers delays status by the grace only");
    }

    @Test
    void aLeaderThatCannotPushWritesAfterTheGraceSinceItBeganLeading() {
        gate.leading(true, at(0));
        gate.pushing(false, at(0));
        assertFalse(gate.mayWrite(true, true, true, at(9.9)));
        assertTrue(gate.mayWrite(true, true, true, at(10)));
    }

    @Test
    void pastTheGraceAPendingGatewayStillWaitsForReadyRoutersThatHaveNotAnswered() {
        // Measured on the test cluster: the new leader's first pushes were answered 11 s after it
        // began pushing. At 10 s the rest of the status may be written, but a Gateway written
        // Pending then would flip Programmed to False and back to True a second later.
        gate.leading(true, at(0));
        gate.pushing(true, at(0));
        assertTrue(gate.mayWrite(true, false, true, at(10)));
        assertTrue(gate.holdPending(true, at(10)), "a ready router's answer is unknown");
        assertFalse(gate.holdPending(false, at(10)), "every ready router answered: Pending is the truth");
        assertTrue(gate.holdPending(true, at(59.9)));
        assertFalse(
                gate.holdPending(true, at(60)), "a ready router that never answers holds it back six graces at most");
    }

    @Test
    void nothingIsHeldBackWhileNotPushing() {
        gate.leading(true, at(0));
        assertFalse(gate.holdPending(true, at(1)));
    }

    @Test
    void aNewTermStartsANewGrace() {
        gate.leading(true, at(0));
        gate.pushing(true, at(0));
        assertTrue(gate.mayWrite(true, false, true, at(30)));
        gate.leading(false, at(31));
        gate.leading(true, at(40));
        gate.pushing(true, at(40));
        assertFalse(gate.mayWrite(true, false, true, at(41)), "the earlier term's grace does not carry over");
        assertTrue(gate.mayWrite(true, true, true, at(41)));
    }
}
