package io.infergate.router.listen;

import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http2.Http2Config;
import io.helidon.webserver.http2.Http2ConnectionSelector;
import io.infergate.common.http.ChunkedFraming;
import io.infergate.common.http.ConnectionGuard;
import io.infergate.common.http.ConnectionWatchdog;
import io.infergate.common.http.JsonDirectHandler;
import io.infergate.router.match.SocketKey;
import io.infergate.router.match.SocketTable;
import io.infergate.router.observe.AccessLog;
import io.infergate.router.tls.MisdirectedRequests;
import io.infergate.router.tls.ServerTls;
import io.infergate.router.tls.SocketCertificates;

import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The public sockets: one Helidon WebServer per (bind address, port) the snapshot's listeners
 * need, each serving every request with the handler made for its socket.
 *
 * <p>Rules: a socket that cannot bind is logged at SEVERE and remembered as failed, and the others
 * still serve (a later snapshot retries it); a socket no longer needed stops accepting at once and
 * drains its in-flight requests for up to {@link ListenerLimits#drainTimeout} in the background,
 * so a snapshot PUT never waits for long streams. Every socket sets TCP_NODELAY (without it the
 * first SSE chunk waits for a delayed ACK) and the configured bounds. A TLS socket
 * ({@link SocketKey#tls}) terminates TLS with the certificates of its listeners, follows each
 * snapshot's certificates without restarting ({@link ServerTls}), and answers 421 when SNI and
 * Host select different listeners ({@link MisdirectedRequests}); the same client bounds apply on
 * top of TLS. TLS sockets speak HTTP/2 to clients that negotiate {@code h2} (ALPN), with the same
 * bounds, and close a connection whose handshake and first request bytes take longer than
 * {@link ListenerLimits#tlsHandshakeTimeout}. A socket whose address and port change protocol is
 * closed before it is reopened.
 */
public final class PublicSockets implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PublicSockets.class.getName());

    private final ListenerLimits limits;
    private final Function<SocketKey, Handler> handlers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<SocketKey, WebServer> open = new ConcurrentHashMap<>();
    private final Set<SocketKey> failed = ConcurrentHashMap.newKeySet();
    private final Map<SocketKey, Thread> draining = new ConcurrentHashMap<>();
    private final Map<SocketKey, ServerTls> tls = new ConcurrentHashMap<>();
    private final Function<SocketKey, Optional<SocketTable>> tables;
    /** Where the 421 answers of TLS sockets are logged. */
    private final Consumer<AccessLog.Entry> accessLog;
    /** Client timeouts of every public socket (one sweeper thread for all of them). */
    private final ConnectionWatchdog watchdog;
    /** The shutdown drain of every public socket. */
    private final Drain drain = new Drain();

    /**
     * @param limits   bounds for every socket
     * @param handlers makes the request handler of a socket
     */
    public PublicSockets(ListenerLimits limits, Function<SocketKey, Handler> handlers) {
        this(limits, handlers, key -> Optional.empty(), entry -> {});
    }

    /**
     * @param limits   bounds for every socket
     * @param handlers makes the request handler of a socket
     * @param tables   the listener selection each socket serves now (for the 421 check on TLS sockets)
     * @param accessLog where the 421 answers are logged (the handlers log every other answer)
     */
    public PublicSockets(
            ListenerLimits limits,
            Function<SocketKey, Handler> handlers,
            Function<SocketKey, Optional<SocketTable>> tables,
            Consumer<AccessLog.Entry> accessLog) {
        this.limits = limits;
        this.accessLog = accessLog;
        this.handlers = handlers;
        this.tables = tables;
        this.watchdog = new ConnectionWatchdog(limits.clientTimeouts(), limits.tlsHandshakeTimeout());
    }

    /**
     * Opens every socket of {@code desired} that is not open yet.
     *
     * @return the sockets of {@code desired} that could not be bound
     */
    public Set<SocketKey> openAll(Set<SocketKey> desired) {
        return openAll(desired, Map.of());
    }

    /**
     * Opens every socket of {@code desired} that is not open yet, and gives every TLS socket its
     * certificates: open ones serve them to new handshakes from now on.
     *
     * @param certificates the certificates of every TLS socket of {@code desired}
     * @return the sockets of {@code desired} that could not be bound
     */
    public Set<SocketKey> openAll(Set<SocketKey> desired, Map<SocketKey, SocketCertificates> certificates) {
        lock.lock();
        try {
            for (SocketKey key : desired) {
                if (key.tls()) {
                    SocketCertificates mine = certificates.get(key);
                    if (mine == null) {
                        throw new IllegalArgumentException("no certificates for TLS socket " + key);
                    }
                    tls.compute(key, (k, existing) -> {
                        if (existing == null) {
                            return new ServerTls(mine);
                        }
                        existing.update(mine);
                        return existing;
                    });
                }
                if (!open.containsKey(key)) {
                    closeOtherProtocol(key);
                    start(key);
                }
            }
            failed.retainAll(desired);
            return Set.copyOf(failed);
        } finally {
            lock.unlock();
        }
    }

    /** Stops every open socket not in {@code desired}, draining in the background. */
    public void closeAllExcept(Set<SocketKey> desired) {
        lock.lock();
        try {
            failed.retainAll(desired);
            for (SocketKey key : List.copyOf(open.keySet())) {
                if (!desired.contains(key)) {
                    retire(key);
                }
            }
            tls.keySet().retainAll(desired);
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held. */
    private void retire(SocketKey key) {
        WebServer server = open.remove(key);
        LOG.info(() -> "closing public socket " + key + " (draining up to " + limits.drainTimeout() + ")");
        draining.put(key, Thread.ofVirtual().name("drain-" + key).start(() -> {
            try {
                server.stop();
            } finally {
                draining.remove(key);
            }
        }));
    }

    /**
     * A socket changing between HTTP and HTTPS on one address and port: the old server must
     * release the port before the new one binds; its stop begins at once, and {@link #start}
     * retries while it drains. Called with the lock held.
     */
    private void closeOtherProtocol(SocketKey key) {
        for (SocketKey other : List.copyOf(open.keySet())) {
            if (other.sameEndpoint(key) && other.tls() != key.tls()) {
                retire(other);
            }
        }
    }

    /** The sockets serving now, as {@code address:port}. */
    public Set<String> openSockets() {
        return names(open.keySet());
    }

    /** The sockets the current snapshot needs that failed to bind. */
    public Set<String> failedSockets() {
        return names(failed);
    }

    /** Whether the socket is open (bound and accepting). */
    public boolean isOpen(SocketKey key) {
        WebServer s = open.get(key);
        return s != null && s.isRunning();
    }

    /**
     * The shutdown drain ({@link Drain}): every response from now on says {@code Connection:
     * close}, and the sockets keep serving until no request has been in flight for {@code quiet}
     * (or the drain timeout passes). Call {@link #close()} next.
     *
     * @return whether the sockets went quiet within the drain timeout
     */
    public boolean drain(Duration quiet) {
        drain.begin();
        LOG.info(() -> "draining public sockets: responses say Connection: close; closing after " + quiet
                + " without a request in flight (at most " + limits.drainTimeout() + ")");
        boolean quieted = drain.awaitQuiet(quiet, limits.drainTimeout());
        if (!quieted) {
            LOG.warning(() ->
                    drain.inFlight() + " requests still in flight after the drain timeout " + limits.drainTimeout());
        }
        return quieted;
    }

    /** Whether {@link #drain} has begun. */
    public boolean draining() {
        return drain.draining();
    }

    /** Stops every socket, letting in-flight requests drain, and waits for all of them. */
    @Override
    public void close() {
        List<Thread> stopping = new ArrayList<>();
        lock.lock();
        try {
            for (SocketKey key : List.copyOf(open.keySet())) {
                WebServer server = open.remove(key);
                stopping.add(Thread.ofVirtual().name("stop-" + key).start(server::stop));
            }
            stopping.addAll(draining.values());
        } finally {
            lock.unlock();
        }
        try {
            for (Thread t : stopping) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watchdog.close();
        }
    }

    /** Connections closed because a client was too slow with its headers or body. */
    public long clientTimeouts() {
        return watchdog.expired();
    }

    private void start(SocketKey key) {
        // A socket re-added while its previous server drains: that server released the port when
        // its stop began, but the stop runs on another thread, so allow a few short retries.
        int attempts = draining.keySet().stream().anyMatch(key::sameEndpoint) ? 5 : 1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                WebServer server = server(key);
                open.put(key, server);
                failed.remove(key);
                LOG.info(() -> "public socket " + key + " open");
                return;
            } catch (RuntimeException e) {
                if (attempt == attempts) {
                    failed.add(key);
                    LOG.log(
                            Level.SEVERE,
                            "PUBLIC SOCKET " + key + " FAILED TO BIND: its listeners are not served "
                                    + "(the other sockets are); the next changed snapshot retries it",
                            e);
                    return;
                }
                pause();
            }
        }
    }

    private WebServer server(SocketKey key) {
        Http1Config.Builder http1 = Http1Config.builder()
                .maxHeadersSize(limits.maxHeaderBytes())
                .maxPrologueLength(limits.maxPrologueBytes());
        WebServerConfig.Builder builder = WebServer.builder()
                .featuresDiscoverServices(false) // no observe endpoints on public sockets
                .shutdownHook(false) // the router drains sockets itself on SIGTERM
                .host(key.address())
                .port(key.port())
                .maxPayloadSize(limits.maxPayloadBytes())
                .maxConcurrentRequests(limits.maxConcurrentRequests())
                // each response holds one for its life (a stream: minutes); SSE events are small and
                // flushed one by one, larger writes bypass it (Helidon's default: 4 KiB)
                .writeBufferSize(1024)
                .shutdownGracePeriod(limits.drainTimeout())
                .listenerSocketOptions(Map.of(StandardSocketOptions.SO_REUSEADDR, true))
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .protocolsDiscoverServices(false)
                .contentEncoding(PassThroughEncoding.context())
                .directHandlers(JsonDirectHandler.all())
                .routing(r -> {
                    r.addFilter(new ConnectionGuard()).addFilter(drain).addFilter(watchdog.http2Streams());
                    if (key.tls()) {
                        r.addFilter(new MisdirectedRequests(tls.get(key), () -> tables.apply(key), accessLog));
                    }
                    r.any(handlers.apply(key));
                });
        if (key.tls()) {
            builder.tls(t -> t.sslContext(tls.get(key).context()));
        }
        limits.clientTimeouts().apply(builder, http1, watchdog);
        if (key.tls()) {
            ChunkedFraming.install(builder, http1.build(), http2(), watchdog);
        } else {
            ChunkedFraming.install(builder, http1.build());
        }
        WebServer server = builder.build().start();
        if (!server.isRunning()) {
            throw new IllegalStateException("the server did not start (see the Helidon log above)");
        }
        return server;
    }

    /**
     * HTTP/2 for TLS sockets (ALPN {@code h2}) with the listener's bounds: the header list as the
     * HTTP/1 header section, streams per connection; request bodies, concurrent requests and
     * timeouts are the socket's own and apply to streams as to HTTP/1 requests. Error details stay
     * out of GOAWAY frames.
     */
    private Http2ConnectionSelector http2() {
        return Http2ConnectionSelector.builder()
                .http2Config(Http2Config.builder()
                        .maxHeaderListSize(limits.maxHeaderBytes())
                        .maxConcurrentStreams(limits.maxConcurrentStreams())
                        .sendErrorDetails(false)
                        .build())
                .build();
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Set<String> names(Set<SocketKey> keys) {
        Set<String> out = new TreeSet<>();
        keys.forEach(k -> out.add(k.toString()));
        return out;
    }
}
