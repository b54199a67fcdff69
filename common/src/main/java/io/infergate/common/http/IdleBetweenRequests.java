package io.infergate.common.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.time.Duration;
import java.util.Set;

/**
 * Makes the idle timeout count only time with no request in flight.
 *
 * <p>Why: Helidon 4.5.0's idle sweep closes a connection whose {@code idleTime()} exceeds the
 * timeout, and an HTTP/1 connection measures that from the start of its current request. A
 * request that outlives the idle timeout (a token stream of more than a minute) therefore had its
 * connection marked to close; the close came right after the response, which had already said
 * keep-alive, and a client that reused the connection at once for its next request got no answer
 * at all (Java's client: "header parser received no bytes"; a POST is not retried).
 *
 * <p>How: a connection selector put ahead of Helidon's own HTTP/1 selector (the first selector
 * for a protocol wins) creates the same HTTP/1 connection and wraps it; the wrapper reports an
 * idle time of zero unless the connection is waiting for the first line of a request, which is
 * exactly when Helidon lets it be interrupted ({@link InterruptableTask#canInterrupt()}). Helidon
 * restarts the idle clock when a response ends, so between requests the idle time is the time
 * since the last response. Slow headers and bodies have their own deadlines ({@link ConnectionWatchdog}).
 */
final class IdleBetweenRequests implements ServerConnectionSelector {

    private final ServerConnectionSelector http1;

    private IdleBetweenRequests(ServerConnectionSelector http1) {
        this.http1 = http1;
    }

    /** A selector for HTTP/1.1 connections configured by {@code config}, idle only between requests. */
    static ServerConnectionSelector http1(Http1Config config) {
        return new IdleBetweenRequests(
                Http1ConnectionSelector.builder().config(config).build());
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new Connection(http1.connection(ctx));
    }

    /** Helidon's connection, idle only while it waits for a request line. */
    private record Connection(ServerConnection delegate) implements ServerConnection, InterruptableTask<Void> {

        @Override
        public void handle(Limit limit) throws InterruptedException {
            delegate.handle(limit);
        }

        @Override
        public Duration idleTime() {
            return canInterrupt() ? delegate.idleTime() : Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
            delegate.close(interrupt);
        }

        @Override
        public boolean canInterrupt() {
            // an HTTP/1 connection is interruptible exactly while it reads a request line
            return delegate instanceof InterruptableTask<?> task && task.canInterrupt();
        }
    }
}
