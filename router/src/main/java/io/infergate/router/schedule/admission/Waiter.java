package io.infergate.router.schedule.admission;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A request waiting in a pool's admission queue: its preferred endpoints and the slot handed to it, if any. */
final class Waiter {
    /** Whether it binds late: it goes to the endpoint whose slot it gets. */
    final boolean binds;

    final Set<String> homes;
    /** Its spill order ({@link Admission.Gate#spillOrder}). */
    final List<String> order;

    final Admission.Gate gate;
    final long since;
    final long maxWait;
    /** The endpoint whose freed slot this waiter got ("" unknown); null: none yet. */
    String grant;
    /** Freed slots that went to a waiter behind this one after it waited out ({@link HandOver}). */
    int passes;

    Waiter(Optional<Set<String>> homes, List<String> order, Admission.Gate gate, long since) {
        this.binds = homes.isPresent();
        this.homes = homes.orElse(Set.of());
        this.order = order;
        this.gate = gate;
        this.since = since;
        this.maxWait = gate.maxWait().toNanos();
    }

    /** Whether it waits for one of the endpoints {@code other} prefers (both preferring none counts). */
    boolean sharesHomes(Set<String> other) {
        if (homes.isEmpty() || other.isEmpty()) {
            return homes.isEmpty() && other.isEmpty();
        }
        for (String h : other) {
            if (homes.contains(h)) {
                return true;
            }
        }
        return false;
    }

    boolean waitedOut(long now) {
        return binds && now - since >= maxWait;
    }

    HandOver.Waiting view(long now) {
        return new HandOver.Waiting(homes, order, waitedOut(now));
    }
}
