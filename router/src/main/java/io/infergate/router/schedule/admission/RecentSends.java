package io.infergate.router.schedule.admission;

import java.util.ArrayDeque;
import java.util.Map;

/**
 * The requests a pool's queue sent to a given endpoint in the last {@value #GRACE_NANOS} ns
 * (docs/adr/0044-gate-for-several-routers.md): their picks may not be in the slot ledger yet, so
 * they count against that endpoint's free slots. Counting one twice for a few milliseconds only
 * delays a grant to the next recheck; counting none could give its slot twice. Not thread-safe:
 * used under the queue's lock.
 */
final class RecentSends {

    /** How long a send counts. */
    static final long GRACE_NANOS = 10_000_000L;

    /** Sends remembered at most (a burst beyond it is older than any grace anyway). */
    private static final int MAX = 1024;

    private record Sent(String endpoint, long at) {}

    private final ArrayDeque<Sent> sent = new ArrayDeque<>();

    /** A request left for {@code endpoint} at {@code now} ({@link System#nanoTime()}). */
    void add(String endpoint, long now) {
        sent.addLast(new Sent(endpoint, now));
        if (sent.size() > MAX) {
            sent.removeFirst();
        }
    }

    /** Takes one free slot off {@code free} per send of the last {@link #GRACE_NANOS}, dropping older ones. */
    void subtractFrom(Map<String, Integer> free, long now) {
        while (!sent.isEmpty() && now - sent.peekFirst().at() > GRACE_NANOS) {
            sent.removeFirst();
        }
        for (Sent s : sent) {
            free.computeIfPresent(s.endpoint(), (k, v) -> v - 1);
        }
    }
}
