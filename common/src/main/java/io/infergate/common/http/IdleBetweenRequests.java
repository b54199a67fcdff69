package io.infergate.common.http;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.spi.ServerConnection;

import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Helidon's HTTP/1 connection, idle only while it waits for a request line.
 *
 * <p>Why: Helidon 4.5.0 measures a connection's idle time from the start of its last request, so
 * its idle sweep also fires during a request that lasts longer than the idle timeout (a stream of
 * more than 60 s with the defaults); it then marks the connection to close after the response,
 * which said keep-alive, and the client's next request on it fails or, pipelined, is never
 * answered. A request in flight is bounded by the request-headers and body-read timeouts and by
 * the upstream timeouts instead; idle time counts from the end of the last request.
 */
final class IdleBetweenRequests implements ServerConnection, InterruptableTask<Void> {

    private final ServerConnection connection;
    private final InterruptableTask<?> task;

    IdleBetweenRequests(ServerConnection connection) {
        this.connection = connection;
        this.task = connection instanceof InterruptableTask<?> t ? t : null;
    }

    /** Wraps {@code connection} when it tells whether it waits for a request line; else returns it. */
    static ServerConnection wrap(ServerConnection connection) {
        return connection instanceof InterruptableTask<?> ? new IdleBetweenRequests(connection) : connection;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        connection.handle(limit);
    }

    @Override
    @SuppressWarnings("removal")
    public void handle(Semaphore requestSemaphore) throws InterruptedException {
        connection.handle(requestSemaphore);
    }

    /** Helidon's measure while the connection waits for a request line (its only interruptible state), else zero. */
    @Override
    public Duration idleTime() {
        return task.canInterrupt() ? connection.idleTime() : Duration.ZERO;
    }

    @Override
    public void close(boolean interrupt) {
        connection.close(interrupt);
    }

    @Override
    public boolean canInterrupt() {
        return task.canInterrupt();
    }
}
