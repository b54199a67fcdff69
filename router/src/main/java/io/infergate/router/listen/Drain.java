package io.infergate.router.listen;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.infergate.common.http.ConnectionGuard;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The drain of every public socket before shutdown (SIGTERM), the way Envoy drains HTTP/1:
 * from {@link #begin()} on, every response says {@code Connection: close} (the listener's
 * ConnectionGuard then closes the connection after it), and the sockets keep accepting and serving
 * until no request has been in flight for a quiet period ({@link #awaitQuiet}).
 *
 * <p>Why: an HTTP/1.1 client sends its next request on a kept-alive connection as soon as the
 * previous response ends. A response that started before the drain went out without
 * {@code Connection: close}, so closing its connection after it (what a plain server stop does)
 * loses the request the client sends next, with no response byte: clients do not resend a POST.
 * Served during the drain, that request gets its answer with {@code Connection: close}, and the
 * client opens its next connection to another router (Kubernetes removed this one from the
 * Service's endpoints when the pod began terminating). Only a client idle for the whole quiet
 * period can still race the final close, as with any idle timeout.
 */
final class Drain implements Filter {

    private volatile boolean draining;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        inFlight.incrementAndGet();
        lastActivity.set(System.nanoTime());
        try {
            // HTTP/2 has no Connection header (RFC 9113 section 8.2.2): its connections end when
            // the socket stops, after their streams
            if (draining && !ConnectionGuard.isHttp2(req)) {
                res.header(HeaderValues.CONNECTION_CLOSE);
            }
            chain.proceed();
        } finally {
            lastActivity.set(System.nanoTime());
            inFlight.decrementAndGet();
        }
    }

    /** From now on every response closes its connection. */
    void begin() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    /** Requests in flight on the public sockets. */
    int inFlight() {
        return inFlight.get();
    }

    /**
     * Waits until no request has been in flight for {@code quiet}, or {@code max} has passed.
     *
     * @return whether the sockets went quiet (false: {@code max} ran out first)
     */
    boolean awaitQuiet(Duration quiet, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        long quietNanos = quiet.toNanos();
        while (true) {
            long now = System.nanoTime();
            if (inFlight.get() == 0 && now - lastActivity.get() >= quietNanos) {
                return true;
            }
            if (now - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(Duration.ofMillis(50).toNanos(), Math.max(1, deadline - now)));
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
    }
}
