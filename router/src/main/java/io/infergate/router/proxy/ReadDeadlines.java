package io.infergate.router.proxy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The read timeout of {@link Http1Upstream}'s connections, kept by a sweep instead of
 * {@code SO_TIMEOUT}: every {@link #TICK} (on the upstream client's timer thread) it closes the
 * socket of a read that has waited longer than its timeout, which ends that read (the connection
 * then reports a {@link java.net.SocketTimeoutException}, as a timed-out socket read would).
 *
 * <p>Rule and reason: a virtual thread that blocks in a socket read with {@code SO_TIMEOUT} parks
 * with a timeout, and on JDK 25 every timed park hands a timer task to the scheduler's delay
 * thread and cancels it when the data comes: two wake-ups of that thread (a futex call and a
 * context switch each) per upstream response, about a fifth of the router's CPU per request in
 * bench/tls.sh's profile. An untimed park costs neither. The price is precision: a read times out
 * up to one tick late. Registration is per connection (at connect and close), not per read; a read
 * only writes its start time into its connection.
 */
final class ReadDeadlines {

    /** How often reads are checked: the lateness a read timeout may have. */
    static final Duration TICK = Duration.ofMillis(25);

    private final Set<Http1Upstream.Connection> open = ConcurrentHashMap.newKeySet();

    void add(Http1Upstream.Connection c) {
        open.add(c);
    }

    void remove(Http1Upstream.Connection c) {
        open.remove(c);
    }

    /** Connections being watched (tests). */
    int size() {
        return open.size();
    }

    /** Closes every connection whose read has waited past its timeout at {@code now}. */
    void sweep(long now) {
        for (Http1Upstream.Connection c : open) {
            if (c.overdue(now)) {
                c.expire();
            }
        }
    }
}
