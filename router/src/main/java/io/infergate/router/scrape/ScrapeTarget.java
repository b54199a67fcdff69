package io.infergate.router.scrape;

import io.infergate.router.backendtls.UpstreamTls;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One scraped endpoint: its address, its kept-alive connection and where its current scrape
 * stands. Owned by the scrape loop's thread, except {@link #removed}, which {@code follow} sets.
 */
final class ScrapeTarget {

    /** Where the endpoint's scrape stands. */
    enum State {
        /** Waiting for {@link #due}; the connection (if any) idles with read interest to notice a close. */
        IDLE,
        /** A new connection is being opened. */
        CONNECTING,
        /** A new connection's TLS handshake is under way (TLS targets only). */
        HANDSHAKING,
        /** The request is (partly) written. */
        WRITING,
        /** Waiting for (the rest of) the reply. */
        READING
    }

    final String hostPort;
    final EngineType engine;
    final InetSocketAddress address;
    /** The pool's client TLS (its BackendTLSPolicy), or {@code null} for plain HTTP. */
    final UpstreamTls tls;

    private final byte[] request;
    final HttpReply reply = new HttpReply();

    SocketChannel channel;
    /** The TLS state of {@link #channel}, for TLS targets. */
    TlsSession session;

    SelectionKey key;
    State state = State.IDLE;
    ByteBuffer pending; // the unwritten rest of the request (plain targets; TLS keeps its own)
    long due;
    long started;
    long deadline;
    /** Whether the current scrape runs on a connection an earlier scrape opened (then a close before any reply byte is retried once). */
    boolean reused;

    boolean retried;
    Duration backoff;
    volatile boolean removed;

    ScrapeTarget(String hostPort, String host, int port, EngineType engine, UpstreamTls tls, Duration interval) {
        this.hostPort = hostPort;
        this.engine = engine;
        this.tls = tls;
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        // Endpoints are pod IPs, so this does not look anything up (it would on the caller's
        // thread, never on the scrape loop's).
        this.address = new InetSocketAddress(bare, port);
        String authority = (bare.contains(":") ? "[" + bare + "]" : bare) + ":" + port;
        this.request = ("GET /metrics HTTP/1.1\r\nHost: " + authority
                        + "\r\nAccept: text/plain\r\nUser-Agent: infergate-router\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        this.backoff = interval;
    }

    /** The request, ready to be written from its start. */
    ByteBuffer request() {
        return ByteBuffer.wrap(request);
    }

    /** Whether a scrape is under way. */
    boolean inFlight() {
        return state != State.IDLE;
    }
}
