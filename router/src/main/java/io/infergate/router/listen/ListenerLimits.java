package io.infergate.router.listen;

import io.infergate.common.http.ClientTimeouts;
import io.infergate.router.settings.Section;

import java.time.Duration;

/**
 * Bounds applied to every public socket (Helidon's defaults are unbounded).
 *
 * @param maxPayloadBytes       request bodies above this get 413 ({@code request_too_large})
 * @param maxConcurrentRequests requests in flight per socket above this get 503
 * @param maxHeaderBytes        total request header size; above it the server answers 431/400
 * @param maxPrologueBytes      request line length; above it the server answers 414/400
 * @param idleTimeout           a connection with no request in flight and no complete request line
 *                              this long is closed (keep-alive idle, and a request line sent too slowly)
 * @param drainTimeout          when a socket closes, in-flight requests get this long to finish
 * @param requestHeadersTimeout the header section must be complete this long after the request line (408)
 * @param bodyReadTimeout       the longest wait for the next bytes of a request body the router reads (408)
 */
public record ListenerLimits(
        long maxPayloadBytes,
        int maxConcurrentRequests,
        int maxHeaderBytes,
        int maxPrologueBytes,
        Duration idleTimeout,
        Duration drainTimeout,
        Duration requestHeadersTimeout,
        Duration bodyReadTimeout) {

    /** The documented defaults (client timeouts: {@link ClientTimeouts#defaults()}). */
    public static ListenerLimits defaults() {
        ClientTimeouts t = ClientTimeouts.defaults();
        return new ListenerLimits(
                16L * 1024 * 1024,
                10_000,
                32 * 1024,
                8 * 1024,
                t.idle(),
                Duration.ofSeconds(30),
                t.requestHeaders(),
                t.bodyRead());
    }

    /** With the default request-headers and body-read timeouts. */
    public ListenerLimits(
            long maxPayloadBytes,
            int maxConcurrentRequests,
            int maxHeaderBytes,
            int maxPrologueBytes,
            Duration idleTimeout,
            Duration drainTimeout) {
        this(
                maxPayloadBytes,
                maxConcurrentRequests,
                maxHeaderBytes,
                maxPrologueBytes,
                idleTimeout,
                drainTimeout,
                ClientTimeouts.defaults().requestHeaders(),
                ClientTimeouts.defaults().bodyRead());
    }

    /** The client timeouts of every public socket. */
    public ClientTimeouts clientTimeouts() {
        return new ClientTimeouts(requestHeadersTimeout, idleTimeout, bodyReadTimeout);
    }

    public ListenerLimits {
        if (maxPayloadBytes < 1 || maxConcurrentRequests < 1 || maxHeaderBytes < 1024 || maxPrologueBytes < 256) {
            throw new IllegalArgumentException("listener limits out of range: maxPayloadBytes >= 1, "
                    + "maxConcurrentRequests >= 1, maxHeaderBytes >= 1024, maxPrologueBytes >= 256");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must be positive and drainTimeout not negative");
        }
        new ClientTimeouts(requestHeadersTimeout, idleTimeout, bodyReadTimeout); // validates them
    }

    /** Reads {@code router.listeners}; absent keys keep {@link #defaults()}. */
    public static ListenerLimits create(Section s) {
        ListenerLimits d = defaults();
        return new ListenerLimits(
                s.bytes("max-payload-size", d.maxPayloadBytes()),
                s.integer("max-concurrent-requests", d.maxConcurrentRequests()),
                s.integer("max-header-size", d.maxHeaderBytes()),
                s.integer("max-prologue-length", d.maxPrologueBytes()),
                s.duration("idle-timeout", d.idleTimeout()),
                s.duration("drain-timeout", d.drainTimeout()),
                s.duration("request-headers-timeout", d.requestHeadersTimeout()),
                s.duration("body-read-timeout", d.bodyReadTimeout()));
    }
}
