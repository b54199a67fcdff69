package io.infergate.controller;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides when the leader may write status, so that a failover does not flip Programmed.
 *
 * <p>Rule: the leader writes once its Programmed conditions rest on the routers' answers: the
 * publisher holds this leader's routers, every one of them has been tried since, and every answer
 * is folded into the stamped plan. When some router's first attempt does not end, the leader
 * writes anyway once {@code grace} has passed since the publisher began holding its routers. The
 * grace is counted from there, not from winning the Lease: no router can answer before it is
 * pushed to, and a leader that waited for its token or its first translation would otherwise find
 * the grace spent and write from no answers at all. Until then, the statuses the previous leader
 * wrote stay as they are. A leader that cannot push (no token yet, so no router can answer)
 * writes once {@code grace} has passed since it began leading.
 *
 * <p>A Gateway whose Programmed would be written Pending is held back further while a ready
 * router has not answered (a router whose attempts only failed has not answered: its
 * acknowledgement is unknown, not "none"), for up to six graces since the publisher began holding
 * the routers; meanwhile it keeps the Programmed the previous leader wrote. Measured on the test
 * cluster under load: a new leader's first pushes were answered 11 s after it began pushing, and a
 * 10 s grace alone let Programmed flip to False and back. Pure: the caller passes the clock's
 * instant.
 */
final class StatusGate {

    /** How much longer than the grace a Pending Gateway waits for unanswered ready routers. */
    private static final int HOLD_FACTOR = 6;

    private final Duration grace;
    private Instant leadingSince;
    private Instant pushingSince;

    /** @param grace how long to wait for routers that do not answer */
    StatusGate(Duration grace) {
        this.grace = grace;
    }

    /**
     * This controller began leading ({@code true}) or stopped ({@code false}) at {@code now}. Either
     * way the publisher is about to be handed this term's routers (or none): the grace of an
     * earlier term never carries over.
     */
    synchronized void leading(boolean leading, Instant now) {
        leadingSince = leading ? now : null;
        pushingSince = null;
    }

    /**
     * The publisher holds this leader's routers ({@code true}) or none ({@code false}); only the
     * first {@code true} after a {@code false} starts the grace.
     */
    synchronized void pushing(boolean pushing, Instant now) {
        if (!pushing) {
            pushingSince = null;
        } else if (pushingSince == null) {
            pushingSince = now;
        }
    }

    /**
     * Whether a Gateway whose Programmed would be written Pending is to be left as it is for now.
     *
     * @param unknown some ready router has not answered yet, or an answer is not folded into the plan
     */
    synchronized boolean holdPending(boolean unknown, Instant now) {
        return unknown && pushingSince != null && now.isBefore(pushingSince.plus(grace.multipliedBy(HOLD_FACTOR)));
    }

    /**
     * Whether the leader may write status now.
     *
     * @param translated the sources were read and translated at least once
     * @param tried      every router has been tried since it was handed to the publisher
     * @param folded     every answer is folded into the stamped plan
     */
    synchronized boolean mayWrite(boolean translated, boolean tried, boolean folded, Instant now) {
        if (leadingSince == null || !translated) {
            return false;
        }
        if (pushingSince == null) {
            return !now.isBefore(leadingSince.plus(grace));
        }
        return (tried && folded) || !now.isBefore(pushingSince.plus(grace));
    }
}
