package io.infergate.router.observe;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * The router's meters, served in Prometheus text format at {@code /observe/metrics} on the
 * internal socket. Names (as Prometheus shows them):
 * <ul>
 *   <li>{@code infergate_router_requests_total{rule,backend,code_class}}: finished requests</li>
 *   <li>{@code infergate_router_request_duration_seconds{rule,backend}}: histogram, whole request</li>
 *   <li>{@code infergate_router_upstream_ttfb_seconds{backend}}: histogram, request start to the
 *       upstream's response headers (a time-to-first-token proxy for streaming completions)</li>
 *   <li>{@code infergate_router_queue_wait_seconds{backend}}: histogram, time an InferencePool
 *       request waited in the router's admission queue (0 when admitted at once)</li>
 *   <li>{@code infergate_router_active_requests}: requests in flight</li>
 *   <li>{@code infergate_router_upstream_errors_total{kind}}: connect, timeout, reset, aborted
 *       (failures the client saw; a retried failure counts under retries instead)</li>
 *   <li>{@code infergate_router_upstream_retries_total{reason}}: {@code connect}, {@code status_503}:
 *       requests sent again to another endpoint</li>
 *   <li>{@code infergate_router_endpoint_ejections_total}, {@code infergate_router_endpoints_ejected}:
 *       outlier detection's ejections since start, and endpoints ejected now</li>
 *   <li>{@code infergate_router_client_disconnects_total{phase}}: clients that left before the
 *       response was complete ({@code before_headers}, {@code during_body}); the upstream request
 *       was cancelled at once</li>
 *   <li>{@code infergate_router_endpoint_picker_requests_total{pool,outcome}}: requests of pools
 *       with an external endpoint picker by outcome ({@code routed}, {@code answered} by the
 *       picker itself, {@code fallback} to the native picker (FailOpen), {@code refused} (FailClose))</li>
 *   <li>{@code infergate_router_endpoint_picker_duration_seconds{pool}}: histogram, the ext_proc
 *       request phase (headers and body sent, the picker's answer back)</li>
 *   <li>{@code infergate_router_snapshot_applies_total}, {@code infergate_router_snapshot_rejections_total}</li>
 *   <li>{@code infergate_router_snapshot_info{id,schema_version}}: 1 for the snapshot being served</li>
 * </ul>
 * Histograms (here, in {@link InferenceMetrics} and {@link PluginTimings}) carry buckets, count,
 * sum and max, no client-side quantiles: Helidon gives every timer six by default, each recording
 * then updates an HdrHistogram (about 6% of the router's CPU per proxied request in a JFR profile),
 * and quantiles of several routers cannot be added up; {@code histogram_quantile} over the buckets
 * can.
 * Label values are bounded by the snapshot (rule and backend ids), never by request data. The
 * per-model inference meters are in {@link InferenceMetrics}, the pool gauges in {@link PoolGauges}, the
 * per-tenant and rate limit meters in {@link TenantMetrics}.
 */
public final class RouterMetrics implements AutoCloseable {

    private static final String PREFIX = "infergate_router_";
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)
    };

    private record RequestKey(String rule, String backend, String codeClass) {}

    private record RouteKey(String rule, String backend) {}

    private final MeterRegistry registry;
    private final Set<Meter> created = ConcurrentHashMap.newKeySet();
    private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();
    private final Map<RouteKey, Timer> durations = new ConcurrentHashMap<>();
    private final Map<String, Timer> ttfb = new ConcurrentHashMap<>();
    private final Map<String, Timer> queueWaits = new ConcurrentHashMap<>();
    private final Map<String, Counter> upstreamErrors = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Map<String, Counter> disconnects = new ConcurrentHashMap<>();
    private final Map<RouteKey, Counter> pickerOutcomes = new ConcurrentHashMap<>();
    private final Map<String, Timer> pickerCalls = new ConcurrentHashMap<>();
    private final AtomicLong active = new AtomicLong();
    private final Counter applies;
    private final Counter rejections;
    private volatile Meter snapshotInfo;
    private final InferenceMetrics inference;
    private final TenantMetrics tenants;

    /** Registers the fixed meters in {@code registry}. */
    public RouterMetrics(MeterRegistry registry) {
        this.registry = registry;
        track(registry.getOrCreate(Gauge.builder(PREFIX + "active_requests", active, AtomicLong::get)
                .description("Requests in flight on public listeners")));
        applies = track(registry.getOrCreate(
                Counter.builder(PREFIX + "snapshot_applies").description("Snapshots applied (changed content)")));
        rejections = track(registry.getOrCreate(
                Counter.builder(PREFIX + "snapshot_rejections").description("Snapshots rejected with violations")));
        inference = new InferenceMetrics(registry, this::track);
        tenants = new TenantMetrics(registry, this::track);
    }

    /** The per-tenant and rate limit meters ({@link TenantMetrics}). */
    public TenantMetrics rateLimits() {
        return tenants;
    }

    /**
     * Exports the scrape loop's counters, read from {@code source} when Prometheus scrapes (nothing
     * per scrape here). The registry holds {@code source} weakly, so it must be the long-lived
     * scraper itself, not a lambda around it (which would be collected, and the counter read 0).
     */
    public <T> void scrapes(T source, ToLongFunction<T> succeeded, ToLongFunction<T> failed) {
        track(registry.getOrCreate(
                FunctionalCounter.builder(PREFIX + "endpoint_scrapes", source, succeeded::applyAsLong)
                        .description("Model-server /metrics scrapes by result")
                        .tags(List.of(Tag.create("result", "ok")))));
        track(registry.getOrCreate(FunctionalCounter.builder(PREFIX + "endpoint_scrapes", source, failed::applyAsLong)
                .description("Model-server /metrics scrapes by result")
                .tags(List.of(Tag.create("result", "error")))));
    }

    /** The per-model inference meters (GIE names), registered and removed with these. */
    public InferenceMetrics inference() {
        return inference;
    }

    /** A request entered a public listener. */
    public void requestStarted() {
        active.incrementAndGet();
    }

    /**
     * A request finished (whatever its outcome).
     *
     * @param rule    the rule id, or "" when none matched
     * @param backend the backend id, or "" when none was chosen
     */
    public void requestFinished(String rule, String backend, int status, long durationNanos) {
        active.decrementAndGet();
        String codeClass = (status / 100) + "xx";
        requests.computeIfAbsent(
                        new RequestKey(rule, backend, codeClass),
                        k -> track(registry.getOrCreate(Counter.builder(PREFIX + "requests")
                                .description("Requests served on public listeners")
                                .tags(List.of(
                                        Tag.create("rule", k.rule()),
                                        Tag.create("backend", k.backend()),
                                        Tag.create("code_class", k.codeClass()))))))
                .increment();
        durations
                .computeIfAbsent(
                        new RouteKey(rule, backend),
                        k -> track(registry.getOrCreate(Timer.builder(PREFIX + "request_duration")
                                .description("Request duration, arrival to last byte")
                                .baseUnit(TimeUnit.SECONDS)
                                .percentiles(new double[0]) // no client-side quantiles (class comment)
                                .buckets(BUCKETS)
                                .tags(List.of(Tag.create("rule", k.rule()), Tag.create("backend", k.backend()))))))
                .record(durationNanos, TimeUnit.NANOSECONDS);
    }

    /** A pool's external endpoint picker decided (or failed) with {@code outcome}, one of four fixed words. */
    public void endpointPickerOutcome(String pool, String outcome) {
        pickerOutcomes
                .computeIfAbsent(
                        new RouteKey(pool, outcome),
                        k -> track(registry.getOrCreate(Counter.builder(PREFIX + "endpoint_picker_requests")
                                .description("Requests of pools with an external endpoint picker, by outcome")
                                .tags(List.of(Tag.create("pool", k.rule()), Tag.create("outcome", k.backend()))))))
                .increment();
    }

    /** The ext_proc request phase with a pool's endpoint picker took {@code nanos}. */
    public void endpointPickerCall(String pool, long nanos) {
        pickerCalls
                .computeIfAbsent(
                        pool,
                        b -> track(registry.getOrCreate(Timer.builder(PREFIX + "endpoint_picker_duration")
                                .description("External endpoint picker: request sent to answer received")
                                .baseUnit(TimeUnit.SECONDS)
                                .percentiles(new double[0]) // no client-side quantiles (class comment)
                                .buckets(BUCKETS)
                                .tags(List.of(Tag.create("pool", b))))))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * A request waited this long in its InferencePool's admission queue (0 when admitted at once;
     * refused requests count the wait before their 503 too).
     */
    public void queueWait(String backend, long nanos) {
        queueWaits
                .computeIfAbsent(
                        backend,
                        b -> track(registry.getOrCreate(Timer.builder(PREFIX + "queue_wait")
                                .description("Time in an InferencePool's admission queue")
                                .baseUnit(TimeUnit.SECONDS)
                                .percentiles(new double[0]) // no client-side quantiles (class comment)
                                .buckets(BUCKETS)
                                .tags(List.of(Tag.create("backend", b))))))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The upstream's response headers arrived this long after the request did. */
    public void timeToFirstByte(String backend, long nanos) {
        ttfb.computeIfAbsent(
                        backend,
                        b -> track(registry.getOrCreate(Timer.builder(PREFIX + "upstream_ttfb")
                                .description("Request arrival to upstream response headers")
                                .baseUnit(TimeUnit.SECONDS)
                                .percentiles(new double[0]) // no client-side quantiles (class comment)
                                .buckets(BUCKETS)
                                .tags(List.of(Tag.create("backend", b))))))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** An upstream exchange failed; {@code kind} is one of a few fixed words. */
    public void upstreamError(String kind) {
        upstreamErrors
                .computeIfAbsent(
                        kind,
                        k -> track(registry.getOrCreate(Counter.builder(PREFIX + "upstream_errors")
                                .description("Failed upstream exchanges by kind")
                                .tags(List.of(Tag.create("kind", k))))))
                .increment();
    }

    /** A request was sent again to another endpoint; {@code reason} is {@code connect} or {@code status_503}. */
    public void upstreamRetry(String reason) {
        retries.computeIfAbsent(
                        reason,
                        k -> track(registry.getOrCreate(Counter.builder(PREFIX + "upstream_retries")
                                .description("Requests sent again to another endpoint, by reason")
                                .tags(List.of(Tag.create("reason", k))))))
                .increment();
    }

    /** The client left before the response was complete; {@code phase} is {@code before_headers} or {@code during_body}. */
    public void clientDisconnect(String phase) {
        disconnects
                .computeIfAbsent(
                        phase,
                        k -> track(registry.getOrCreate(Counter.builder(PREFIX + "client_disconnects")
                                .description("Clients gone before the response was complete")
                                .tags(List.of(Tag.create("phase", k))))))
                .increment();
    }

    /**
     * Exports outlier detection, read when Prometheus scrapes. As with {@link #scrapes}, the
     * registry holds {@code source} weakly: pass the long-lived detector itself.
     */
    public <T> void outliers(T source, ToLongFunction<T> ejections, ToLongFunction<T> ejectedNow) {
        track(registry.getOrCreate(
                FunctionalCounter.builder(PREFIX + "endpoint_ejections", source, ejections::applyAsLong)
                        .description("Endpoints ejected by outlier detection since start")));
        track(registry.getOrCreate(Gauge.builder(PREFIX + "endpoints_ejected", source, s -> ejectedNow.applyAsLong(s))
                .description("Endpoints ejected by outlier detection now")));
    }

    /** A snapshot with new content is being served. */
    public synchronized void snapshotApplied(String id, int schemaVersion) {
        applies.increment();
        Meter previous = snapshotInfo;
        if (previous != null) {
            registry.remove(previous);
            created.remove(previous);
        }
        snapshotInfo = track(registry.getOrCreate(Gauge.builder(PREFIX + "snapshot_info", () -> 1)
                .description("The snapshot being served")
                .tags(List.of(Tag.create("id", id), Tag.create("schema_version", Integer.toString(schemaVersion))))));
    }

    /** A snapshot was rejected. */
    public void snapshotRejected() {
        rejections.increment();
    }

    /** Requests in flight now. */
    public long activeRequests() {
        return active.get();
    }

    /**
     * Unregisters every meter this instance registered, so a router started later in the same JVM
     * (tests) starts clean. The meters live in the process-wide registry: one running router per
     * JVM owns them.
     */
    @Override
    public void close() {
        created.forEach(registry::remove);
        created.clear();
    }

    private <M extends Meter> M track(M meter) {
        created.add(meter);
        return meter;
    }
}
