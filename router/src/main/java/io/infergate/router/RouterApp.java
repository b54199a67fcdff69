package io.infergate.router;

import io.helidon.common.socket.SocketOptions;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.infergate.common.http.ChunkedFraming;
import io.infergate.common.http.ClientTimeouts;
import io.infergate.common.http.ConnectionGuard;
import io.infergate.common.http.ConnectionWatchdog;
import io.infergate.common.http.JsonDirectHandler;
import io.infergate.common.snapshot.Backend;
import io.infergate.router.epp.EppServer;
import io.infergate.router.listen.PublicSockets;
import io.infergate.router.match.SocketKey;
import io.infergate.router.observe.AccessLog;
import io.infergate.router.observe.PluginTimings;
import io.infergate.router.observe.PoolGauges;
import io.infergate.router.observe.Readiness;
import io.infergate.router.observe.RouterMetrics;
import io.infergate.router.proxy.GatewayHandler;
import io.infergate.router.ratelimit.RateLimiter;
import io.infergate.router.schedule.PoolProfiles;
import io.infergate.router.schedule.PoolSettings;
import io.infergate.router.schedule.Scheduler;
import io.infergate.router.schedule.admission.Admission;
import io.infergate.router.schedule.endpoint.EndpointRegistry;
import io.infergate.router.schedule.framework.PluginHandle;
import io.infergate.router.schedule.framework.Profiles;
import io.infergate.router.schedule.framework.RouterCount;
import io.infergate.router.schedule.plugins.BuiltInPlugins;
import io.infergate.router.scrape.MetricsScraper;
import io.infergate.router.snapshot.BearerToken;
import io.infergate.router.snapshot.CertificateFiles;
import io.infergate.router.snapshot.CompiledSnapshot;
import io.infergate.router.snapshot.Credentials;
import io.infergate.router.snapshot.Serving;
import io.infergate.router.snapshot.SnapshotService;
import io.infergate.router.snapshot.SnapshotStore;
import io.infergate.router.trace.Tracing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * A running router: the internal socket (snapshot API, {@code /observe/health/ready},
 * {@code /observe/health/live}, {@code /observe/metrics}) and the public sockets the applied
 * snapshot needs. The programmatic entry point for {@link Main} and in-process tests.
 */
public final class RouterApp implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RouterApp.class.getName());

    private final RouterMetrics metrics;
    private final Serving serving;
    private final GatewayHandler.Factory handlers;
    private final PublicSockets sockets;
    private final WebServer internal;
    private final ConnectionWatchdog internalWatchdog = new ConnectionWatchdog(ClientTimeouts.defaults());
    private final AtomicBoolean closed = new AtomicBoolean();
    private final MetricsScraper scraper;
    private final PluginTimings pluginTimings;
    private final Admission admission;
    private final PoolGauges poolGauges;
    private final RouterCount routerCount = new RouterCount();
    private final Optional<EppServer> picker;
    private final Tracing tracing;

    private RouterApp(
            RouterConfig config,
            RandomGenerator random,
            Credentials credentials,
            Optional<CertificateFiles> internalTls) {
        metrics = new RouterMetrics(Services.get(MeterRegistry.class));
        serving = new Serving();
        PoolSettings pools = config.pools();
        scraper = new MetricsScraper(pools.scrape());
        metrics.scrapes(scraper, MetricsScraper::succeeded, MetricsScraper::failed);
        pluginTimings = new PluginTimings(Services.get(MeterRegistry.class));
        // Validated by Main already; built again here because plugin instances hold per-router state.
        Profiles profiles =
                Profiles.build(pools.scheduler(), BuiltInPlugins.registry(new PluginHandle(random, routerCount)));
        Duration staleAfter = pools.scrape().staleAfter();
        admission = new Admission(pools.admission(), pools.saturation(), scraper, staleAfter);
        AccessLog accessLog = new AccessLog();
        tracing = Tracing.start(config.tracing());
        handlers = new GatewayHandler.Factory(
                serving,
                config.proxy(),
                metrics,
                accessLog,
                random,
                Optional.of(admission),
                pools.pickers(),
                config.jwks(),
                new RateLimiter(config.rateLimits(), System::currentTimeMillis, System::nanoTime, metrics.rateLimits()),
                tracing);
        sockets = new PublicSockets(
                config.listeners(),
                handlers::handler,
                key -> serving.current()
                        .flatMap(s -> Optional.ofNullable(s.routes().sockets().get(key))),
                accessLog::log);
        PoolProfiles poolProfiles = new PoolProfiles(
                profiles.primary(), scraper, staleAfter, pluginTimings, scraper::track, profiles.byPool());
        poolGauges = new PoolGauges(
                Services.get(MeterRegistry.class),
                () -> serving.current().map(s -> s.snapshot().backends()).orElse(List.of()).stream()
                        .filter(b -> b instanceof Backend.InferencePool)
                        .map(b -> (Backend.InferencePool) b)
                        .toList(),
                scraper,
                staleAfter);
        SnapshotStore store = new SnapshotStore(
                serving,
                sockets,
                new EndpointRegistry(),
                poolProfiles,
                metrics,
                config.bindAddress(),
                routerCount,
                handlers::prepare);
        Readiness readiness = new Readiness(() -> new Readiness.State(
                closed.get() || sockets.draining()
                        ? Optional.empty()
                        : serving.current().map(CompiledSnapshot::id),
                sockets.openSockets(),
                sockets.failedSockets()));
        SnapshotService api = new SnapshotService(store, serving, credentials, config.maxSnapshotBytes());
        // the internal socket gets the same client hardening as the public ones, with the defaults
        Http1Config.Builder internalHttp1 = Http1Config.builder();
        WebServerConfig.Builder internalServer = WebServer.builder()
                .featuresDiscoverServices(false)
                .protocolsDiscoverServices(false)
                .shutdownHook(false)
                .host(config.internalBindAddress())
                .port(config.internalPort())
                .maxPayloadSize(config.maxSnapshotBytes())
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .directHandlers(JsonDirectHandler.all())
                .addFeature(ObserveFeature.builder()
                        .addObserver(HealthObserver.builder()
                                .useSystemServices(false)
                                .details(true)
                                .addCheck(readiness)
                                .build())
                        .addObserver(MetricsObserver.create())
                        .build())
                .routing(r -> r.addFilter(new ConnectionGuard()).register(api));
        // TLS on the internal socket: the snapshots carry private keys (docs/adr/0035-internal-api-tls.md)
        internalTls.ifPresent(files -> internalServer.tls(t -> t.sslContext(files.context())));
        ClientTimeouts.defaults().apply(internalServer, internalHttp1, internalWatchdog);
        ChunkedFraming.install(internalServer, internalHttp1.build());
        internal = internalServer.build();
        picker = pools.picker().enabled()
                ? Optional.of(new EppServer(
                        pools.picker(),
                        serving::current,
                        new Scheduler(config.proxy().maxConcurrentPerEndpoint(), Optional.of(admission)),
                        metrics.inference(),
                        Services.get(MeterRegistry.class),
                        random))
                : Optional.empty();
    }

    /** The endpoint picker this router serves, when {@code router.picker.enabled} (docs/adr/0025). */
    public Optional<EppServer> picker() {
        return picker;
    }

    /**
     * Starts the internal socket; public sockets open when the first snapshot is applied.
     *
     * @throws IllegalStateException when the internal socket cannot bind
     */
    public static RouterApp start(RouterConfig config) {
        return start(config, new Random());
    }

    /**
     * Starts the router with a given source of randomness (backendRef weights, the pickers'
     * ties and draws): seeded in tests so that they are repeatable. Must be thread-safe.
     */
    public static RouterApp start(RouterConfig config, RandomGenerator random) {
        return start(config, random, new BearerToken(config.token()));
    }

    /**
     * Starts the router with the credentials of the snapshot API, e.g. a {@link
     * io.infergate.router.snapshot.TokenFile} that follows token rotation.
     */
    public static RouterApp start(RouterConfig config, RandomGenerator random, Credentials credentials) {
        return start(config, random, credentials, Optional.empty());
    }

    /**
     * Starts the router with the internal socket serving TLS with {@code internalTls} when
     * present (docs/adr/0035-internal-api-tls.md), plain HTTP otherwise.
     */
    public static RouterApp start(
            RouterConfig config,
            RandomGenerator random,
            Credentials credentials,
            Optional<CertificateFiles> internalTls) {
        RouterApp app = new RouterApp(config, random, credentials, internalTls);
        app.internal.start();
        if (!app.internal.isRunning()) {
            // Not close(): the meters live in the global registry, and getOrCreate may have handed
            // this instance the meters of another router still running in this JVM (tests).
            app.closed.set(true);
            app.picker.ifPresent(EppServer::close);
            app.internalWatchdog.close();
            app.handlers.close();
            app.tracing.close();
            app.scraper.close();
            app.poolGauges.close();
            throw new IllegalStateException("the internal socket " + config.internalBindAddress() + ":"
                    + config.internalPort() + " could not be opened (see the log above)");
        }
        if (internalTls.isEmpty() && !loopback(config.internalBindAddress())) {
            LOG.warning("the internal socket " + config.internalBindAddress() + " serves plain HTTP off loopback:"
                    + " snapshots carry TLS private keys; pass --internal-tls (docs/adr/0035-internal-api-tls.md)");
        }
        LOG.info(() -> "router internal socket on " + config.internalBindAddress() + ":" + app.internalPort()
                + (internalTls.isPresent() ? " over TLS" : " over plain HTTP") + " (snapshot API "
                + SnapshotService.PATH
                + ", /observe/health/ready, /observe/health/live, /observe/metrics)");
        return app;
    }

    private static boolean loopback(String address) {
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The bound internal port. */
    public int internalPort() {
        return internal.port();
    }

    /** Whether a snapshot is being served. */
    public boolean ready() {
        return !closed.get() && serving.current().isPresent();
    }

    /** Whether a public socket is open (tests). */
    public boolean isOpen(SocketKey socket) {
        return sockets.isOpen(socket);
    }

    /**
     * Whether the InferencePool with this backend id is saturated now, by its scraped metrics
     * (tests, debugging); false when the served snapshot has no such backend.
     */
    public boolean poolSaturated(String backendId) {
        return serving.current()
                .flatMap(s -> s.backend(backendId))
                .map(b -> admission.saturated(b.endpoints()))
                .orElse(false);
    }

    /** Requests waiting in the admission queue of the pool with this backend id (tests, debugging). */
    public int queued(String backendId) {
        return admission.waiting(backendId);
    }

    /** How many routers the served snapshot says share the pools (tests, debugging). */
    public int routerCount() {
        return routerCount.get();
    }

    /** Public connections closed because the client was too slow with its headers or body (408). */
    public long clientTimeouts() {
        return sockets.clientTimeouts();
    }

    /** Requests in flight on public sockets. */
    public long activeRequests() {
        return metrics.activeRequests();
    }

    /**
     * How long the public sockets must see no request in flight before a shutdown drain closes
     * them: a client whose response ended just before the drain began gets this long to send its
     * next request on that connection (it is served, with {@code Connection: close}).
     */
    public static final Duration DRAIN_QUIET = Duration.ofSeconds(5);

    /**
     * The first half of a shutdown (SIGTERM): readiness goes DOWN, every public response says
     * {@code Connection: close}, and the public sockets keep serving until no request has been in
     * flight for {@code quiet} (at most the drain timeout). {@link #close()} follows.
     *
     * @return whether the public sockets went quiet within the drain timeout
     */
    public boolean drain(Duration quiet) {
        return sockets.drain(quiet);
    }

    /**
     * Graceful shutdown: readiness goes DOWN, public sockets stop accepting and drain in-flight
     * requests (up to the drain timeout), then the internal socket stops. Connections idle at
     * this point are closed at once: on SIGTERM, {@link #drain} runs first.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("router shutting down: draining public sockets");
        try {
            sockets.close();
        } finally {
            try {
                internal.stop();
                internalWatchdog.close();
            } finally {
                picker.ifPresent(EppServer::close);
                handlers.close();
                tracing.close(); // after the last request: its spans are flushed
                scraper.close();
                poolGauges.close();
                pluginTimings.close();
                metrics.close();
            }
        }
        LOG.info("router stopped");
    }
}
