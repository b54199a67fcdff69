package io.infergate.common.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Enforces {@link ClientTimeouts#requestHeaders} and {@link ClientTimeouts#bodyRead}, which
 * Helidon 4.5.0 does not have (its server sockets have no read timeout at all: a client sending a
 * header byte a second kept its connection forever).
 *
 * <p>How: as an HTTP/1 receive listener it sees the end of each request line and of each header
 * section on the connection's own thread. Between the two, the connection has a deadline in a map;
 * {@link ClientBody} sets one around every blocking read of a body. One sweeper thread checks the
 * map four times a second and, for an expired entry, writes a 408 with {@code Connection: close}
 * (the connection's thread is blocked reading, never writing, in both phases) and closes the
 * socket, which ends that read. Cost on the request path: a map put and remove per request.
 */
public final class ConnectionWatchdog implements Http1ConnectionListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConnectionWatchdog.class.getName());
    private static final ThreadLocal<Bound> CURRENT = new ThreadLocal<>();

    /** What a connection is waiting for, and until when. */
    private record Deadline(long nanos, String phase, Thread reader) {
        Deadline(long nanos, String phase) {
            this(nanos, phase, null);
        }
    }

    /**
     * The watchdog and the reader of the request this thread serves: an HTTP/1 connection (its
     * {@link ConnectionContext}, one thread per connection) or an HTTP/2 stream (its own thread).
     */
    record Bound(ConnectionWatchdog watchdog, Object reader) {
        void reading() {
            watchdog.deadlines.put(reader, new Deadline(System.nanoTime() + watchdog.bodyNanos, "request body"));
        }

        /**
         * Ends the current read's deadline.
         *
         * @return whether the read expired and was cut (HTTP/2 streams; an expired HTTP/1 read
         *     fails by itself, its socket being closed); the stream thread's interrupt is cleared
         */
        boolean done() {
            if (!(reader instanceof Thread)) {
                watchdog.deadlines.remove(reader);
                return false;
            }
            synchronized (watchdog.timedOutStreams) {
                if (watchdog.deadlines.remove(reader) != null) {
                    return false;
                }
                boolean expired = watchdog.timedOutStreams.remove(reader);
                if (expired) {
                    Thread.interrupted();
                }
                return expired;
            }
        }
    }

    /** The phase of a TLS connection until its handshake and first request bytes arrived. */
    private static final String HANDSHAKE = "TLS handshake";

    private final long headerNanos;
    private final long bodyNanos;
    private final Map<Object, Deadline> deadlines = new ConcurrentHashMap<>();
    /** HTTP/2 stream threads whose body read expired and was interrupted. */
    private final Set<Thread> timedOutStreams = ConcurrentHashMap.newKeySet();

    private final AtomicLong expired = new AtomicLong();
    private final Thread sweeper;
    private volatile boolean running = true;

    private final long handshakeNanos;

    public ConnectionWatchdog(ClientTimeouts timeouts) {
        this(timeouts, timeouts.requestHeaders());
    }

    /**
     * @param handshake how long a TLS connection may take from being accepted to its first request
     *                  bytes (the handshake included)
     */
    public ConnectionWatchdog(ClientTimeouts timeouts, Duration handshake) {
        this.handshakeNanos = handshake.toNanos();
        this.headerNanos = timeouts.requestHeaders().toNanos();
        this.bodyNanos = timeouts.bodyRead().toNanos();
        this.sweeper = Thread.ofPlatform().daemon().name("client-timeouts").start(this::sweep);
    }

    /** The watchdog of the request served on this thread; null outside a watched server. */
    static Bound current() {
        return CURRENT.get();
    }

    /** Connections closed because a client phase took too long. */
    public long expired() {
        return expired.get();
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        deadlines.put(ctx, new Deadline(System.nanoTime() + headerNanos, "request headers"));
        CURRENT.set(new Bound(this, ctx));
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        deadlines.remove(ctx);
    }

    /**
     * The server answered this thread's request itself (a {@link JsonDirectHandler} answer, which
     * closes the connection): its header deadline, if any, is void. Without this, a header section
     * Helidon rejected left its deadline behind and a 408 followed the 400 on a closing connection.
     */
    static void answeredDirectly() {
        Bound b = CURRENT.get();
        if (b != null) {
            b.done();
        }
    }

    /**
     * Reads until the TLS connection {@code ctx} has its first request bytes (which completes the
     * handshake), for at most the handshake timeout; on expiry the socket is closed, with no
     * answer (there is no session to answer in). Called on the connection's thread before its
     * HTTP connection exists, when no idle sweep sees it yet.
     *
     * @throws CloseConnectionException when the client closed or the timeout closed the socket
     */
    public void awaitHandshake(ConnectionContext ctx) {
        deadlines.put(ctx, new Deadline(System.nanoTime() + handshakeNanos, HANDSHAKE, Thread.currentThread()));
        RuntimeException failure = null;
        try {
            ctx.dataReader().ensureAvailable();
        } catch (RuntimeException e) {
            failure = e;
        }
        // not there any more: the sweeper expired it (and interrupts this thread), the bytes or not
        boolean expiredNow = deadlines.remove(ctx) == null;
        if (failure != null || expiredNow) {
            throw new CloseConnectionException("no TLS handshake or no request in time", failure);
        }
    }

    /**
     * Bounds the body reads of HTTP/2 streams by the body-read timeout (add it to the server's
     * routing): Helidon 4.5.0 waits for a stream's next DATA frame without limit. An expired read
     * is interrupted, which Helidon turns into the end of the body, and {@link ClientBody} then
     * answers 408 on that stream; the connection and its other streams go on. The request-headers
     * timeout needs no help on HTTP/2: a HEADERS frame is read whole by the connection, which is
     * idle (and swept) until it is complete.
     */
    public Filter http2Streams() {
        return (chain, req, res) -> {
            if (!ConnectionGuard.isHttp2(req)) {
                chain.proceed();
                return;
            }
            Bound bound = new Bound(this, Thread.currentThread());
            CURRENT.set(bound);
            try {
                chain.proceed();
            } finally {
                bound.done();
                CURRENT.remove();
            }
        };
    }

    @Override
    public void close() {
        running = false;
        sweeper.interrupt();
    }

    private void sweep() {
        while (running) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            deadlines.forEach((reader, d) -> {
                if (now - d.nanos() <= 0) {
                    return;
                }
                if (reader instanceof Thread stream) {
                    // under the lock Bound.done takes: an interrupt never lands after the read ended
                    synchronized (timedOutStreams) {
                        if (deadlines.remove(reader, d)) {
                            expired.incrementAndGet();
                            timedOutStreams.add(stream);
                            stream.interrupt();
                        }
                    }
                } else if (reader instanceof ConnectionContext ctx && deadlines.remove(reader, d)) {
                    expired.incrementAndGet();
                    if (d.reader() != null) {
                        // a handshake: closing the TLS socket would wait for the lock its thread
                        // holds while it reads; interrupting a read on a socket channel closes it
                        LOG.fine(() -> "closing a TLS connection: " + d.phase() + " too slow");
                        d.reader().interrupt();
                    } else {
                        expire(ctx, d.phase());
                    }
                }
            });
        }
    }

    private void expire(ConnectionContext ctx, String phase) {
        LOG.fine(() -> "closing a connection from " + ctx.remotePeer().address() + ": " + phase + " too slow");
        String body = "{\"error\":{\"message\":\"the client took too long to send the " + phase
                + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"request_timeout\"}}";
        String response = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
        try {
            ctx.dataWriter().writeNow(BufferData.create(response.getBytes(StandardCharsets.US_ASCII)));
        } catch (RuntimeException e) {
            // the client is gone already: closing is all that is left
        }
        try {
            ctx.serverSocket().close();
        } catch (RuntimeException e) {
            LOG.fine(() -> "closing a timed-out connection failed: " + e);
        }
    }
}
