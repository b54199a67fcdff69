package io.infergate.common.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.nio.charset.StandardCharsets;
import java.util.Map;
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
    private record Deadline(long nanos, String phase) {}

    /** The watchdog and connection of the request this (per-connection) thread serves. */
    record Bound(ConnectionWatchdog watchdog, ConnectionContext ctx) {
        void reading() {
            watchdog.deadlines.put(ctx, new Deadline(System.nanoTime() + watchdog.bodyNanos, "request body"));
        }

        void done() {
            watchdog.deadlines.remove(ctx);
        }
    }

    private final long headerNanos;
    private final long bodyNanos;
    private final Map<ConnectionContext, Deadline> deadlines = new ConcurrentHashMap<>();
    private final AtomicLong expired = new AtomicLong();
    private final Thread sweeper;
    private volatile boolean running = true;

    public ConnectionWatchdog(ClientTimeouts timeouts) {
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
            deadlines.forEach((ctx, d) -> {
                if (now - d.nanos() > 0 && deadlines.remove(ctx, d)) {
                    expire(ctx, d.phase());
                }
            });
        }
    }

    private void expire(ConnectionContext ctx, String phase) {
        expired.incrementAndGet();
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
