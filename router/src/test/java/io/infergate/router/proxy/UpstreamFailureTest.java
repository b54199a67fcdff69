package io.infergate.router.proxy;

import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a failure before response headers is classified (the chains are the ones Helidon 4.5 throws). */
class UpstreamFailureTest {

    @Test
    void aPooledConnectionWhoseIdleMonitorTimedOutIsStaleNotATimeout() {
        // IdleInputStream.endIdle: the monitor's read timed out while the connection sat in the
        // pool (under an earlier request's shorter read timeout); reported at the next exchange
        RuntimeException e = new RuntimeException(
                "Exception in socket monitor thread.",
                new ExecutionException(new UncheckedIOException(new SocketTimeoutException("Read timed out"))));
        assertEquals(Upstream.Failure.STALE, Upstream.classify(e));
    }

    @Test
    void aReadTimeoutOfThisExchangeIsATimeout() {
        assertEquals(
                Upstream.Failure.TIMEOUT,
                Upstream.classify(new UncheckedIOException(new SocketTimeoutException("Read timed out"))));
    }

    @Test
    void connectProblemsAreConnectFailures() {
        assertEquals(
                Upstream.Failure.CONNECT, Upstream.classify(new UncheckedIOException(new ConnectException("refused"))));
        assertEquals(
                Upstream.Failure.CONNECT,
                Upstream.classify(new UncheckedIOException(new SocketTimeoutException("Connect timed out"))));
    }

    @Test
    void anythingElseIsAReset() {
        assertEquals(Upstream.Failure.RESET, Upstream.classify(new IllegalStateException("closed")));
    }
}
