package io.infergate.router.listen;

import io.infergate.router.settings.Section;

import java.time.Duration;

/**
 * Bounds applied to every public socket (Helidon's defaults are unbounded).
 *
 * @param maxPayloadBytes       request bodies above this get 413 ({@code request_too_large})
 * @param maxConcurrentRequests requests in flight per socket above this get 503
 * @param maxHeaderBytes        total request header size; above it the server answers 431/400
 * @param maxPrologueBytes      request line length; above it the server answers 414/400
 * @param idleTimeout           keep-alive connections idle this long are closed
 * @param drainTimeout          when a socket closes, in-flight requests get this long to finish
 */
public record ListenerLimits(long maxPayloadBytes, int maxConcurrentRequests, int maxHeaderBytes,
                             int maxPrologueBytes, Duration idleTimeout, Duration drainTimeout) {

    /** The documented defaults. */
    public static ListenerLimits defaults() {
        return new ListenerLimits(16L * 1024 * 1024, 10_000, 32 * 1024, 8 * 1024, Duration.ofMinutes(5),
                Duration.ofSeconds(30));
    }

    public ListenerLimits {
        if (maxPayloadBytes < 1 || maxConcurrentRequests < 1 || maxHeaderBytes < 1024 || maxPrologueBytes < 256) {
            throw new IllegalArgumentException("listener limits out of range: maxPayloadBytes >= 1, "
                    + "maxConcurrentRequests >= 1, maxHeaderBytes >= 1024, maxPrologueBytes >= 256");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must be positive and drainTimeout not negative");
        }
    }

    /** Reads {@code router.listeners}; absent keys keep {@link #defaults()}. */
    public static ListenerLimits create(Section s) {
        ListenerLimits d = defaults();
        return new ListenerLimits(s.bytes("max-payload-size", d.maxPayloadBytes()),
                s.integer("max-concurrent-requests", d.maxConcurrentRequests()),
                s.integer("max-header-size", d.maxHeaderBytes()),
                s.integer("max-prologue-length", d.maxPrologueBytes()),
                s.duration("idle-timeout", d.idleTimeout()),
                s.duration("drain-timeout", d.drainTimeout()));
    }
}
