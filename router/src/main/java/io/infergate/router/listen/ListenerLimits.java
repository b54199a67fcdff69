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
 * @param tlsHandshakeTimeout   a TLS connection whose handshake is not complete this long after it
 *                              was accepted is closed (a client that never sends its ClientHello)
 * @param maxConcurrentStreams  HTTP/2 streams one connection may have open at once (SETTINGS;
 *                              requests of all connections together stay bound by maxConcurrentRequests)
 */
public record ListenerLimits(
        long maxPayloadBytes,
        int maxConcurrentRequests,
        int maxHeaderBytes,
        int maxPrologueBytes,
        Duration idleTimeout,
        Duration drainTimeout,
        Duration requestHeadersTimeout,
        Duration bodyReadTimeout,
        Duration tlsHandshakeTimeout,
        int maxConcurrentStreams) {

    /** The default TLS handshake timeout (nginx bounds it by {@code client_header_timeout}). */
    public static final Duration DEFAULT_TLS_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** The default HTTP/2 streams per connection (nginx {@code http2_max_concurrent_streams}). */
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 128;

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
                t.bodyRead(),
                DEFAULT_TLS_HANDSHAKE_TIMEOUT,
                DEFAULT_MAX_CONCURRENT_STREAMS);
    }

    /** With the default TLS handshake timeout and HTTP/2 streams per connection. */
    public ListenerLimits(
            long maxPayloadBytes,
            int maxConcurrentRequests,
            int maxHeaderBytes,
            int maxPrologueBytes,
            Duration idleTimeout,
            Duration drainTimeout,
            Duration requestHeadersTimeout,
            Duration bodyReadTimeout) {
        this(
                maxPayloadBytes,
                maxConcurrentRequests,
                maxHeaderBytes,
                maxPrologueBytes,
                idleTimeout,
                drainTimeout,
                requestHeadersTimeout,
                bodyReadTimeout,
                DEFAULT_TLS_HANDSHAKE_TIMEOUT,
                DEFAULT_MAX_CONCURRENT_STREAMS);
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
        if (tlsHandshakeTimeout.isNegative() || tlsHandshakeTimeout.isZero() || maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("tlsHandshakeTimeout must be positive and maxConcurrentStreams >= 1");
        }
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
                s.duration("body-read-timeout", d.bodyReadTimeout()),
                s.duration("tls-handshake-timeout", d.tlsHandshakeTimeout()),
                s.integer("max-concurrent-streams", d.maxConcurrentStreams()));
    }
}
