package io.infergate.controller;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides when the leader may write status, so that a failover does not flip Programmed.
 *
 * <p>Rule: the leader writes once its Programmed conditions rest on the routers' own answers: the
 * publisher holds this leader's routers, every one of them has answered since (a failed push or
 * check is no answer), and every answer is folded into the stamped plan. When some router does
 * not answer, the leader writes anyway once {@code grace} has passed since the publisher began
 * holding its routers. The grace is counted from there, not from winning the Lease: no router can
 * answer before it is pushed to, and a leader that waited for its token or its first translation
 * would otherwise find the grace spent and write Programmed False from no answers at all. Until
 * then, the statuses the previous leader wrote stay as they are. A leader that cannot push (no
 * token yet, so no router can be answered) writes once {@code grace} has passed since it began
 * leading. Pure: the caller passes the clock's instant.
 */
final class StatusGate {

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
     * @param translated the sources were read and translated at least once
     * @param answered   every router has answered since it was handed to the publisher
     * @param folded     every answer is folded into the stamped plan
     */
    synchronized boolean mayWrite(boolean translated, boolean answered, boolean folded, Instant now) {
        if (leadingSince == null || !translated) {
            return false;
        }
        if (pushingSince == null) {
            return !now.isBefore(leadingSince.plus(grace));
        }
        return (answered && folded) || !now.isBefore(pushingSince.plus(grace));
    }
}
