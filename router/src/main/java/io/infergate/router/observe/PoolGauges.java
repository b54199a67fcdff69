package io.infergate.router.observe;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.scrape.EndpointMetrics;
import io.infergate.router.scrape.Metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The pool gauges the Inference Extension's endpoint picker exports, computed from this router's
 * own scrapes when Prometheus reads them:
 * <ul>
 *   <li>{@code inference_pool_average_kv_cache_utilization{name,namespace}}: mean KV-cache use (0..1)</li>
 *   <li>{@code inference_pool_average_queue_size{name,namespace}}: mean waiting requests</li>
 *   <li>{@code inference_pool_ready_pods{name,namespace}}: ready pods in the served snapshot</li>
 * </ul>
 * Means are over the pool's endpoints with a scrape younger than the staleness bound (0 when none
 * has one). The set of pools follows the served snapshot: {@link #sync} (run every second)
 * registers gauges for new pools and removes those of pools gone.
 */
public final class PoolGauges implements AutoCloseable {

    private final MeterRegistry registry;
    private final Supplier<Collection<Backend.InferencePool>> pools;
    private final EndpointMetrics metrics;
    private final long staleAfterNanos;
    private final Map<String, List<Meter>> registered = new HashMap<>();
    private final Map<String, Backend.InferencePool> current = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    /**
     * @param pools the pools of the served snapshot
     */
    public PoolGauges(
            MeterRegistry registry,
            Supplier<Collection<Backend.InferencePool>> pools,
            EndpointMetrics metrics,
            Duration staleAfter) {
        this.registry = registry;
        this.pools = pools;
        this.metrics = metrics;
        this.staleAfterNanos = staleAfter.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pool-gauges");
            t.setDaemon(true);
            return t;
        });
        // runs until close() shuts the timer down; sync() catches its own failures
        var unused = timer.scheduleWithFixedDelay(this::sync, 0, 1, TimeUnit.SECONDS);
    }

    /** Registers gauges for pools now served and removes those of pools no longer served. */
    public synchronized void sync() {
        Set<String> seen = new HashSet<>();
        for (Backend.InferencePool pool : pools.get()) {
            seen.add(pool.id());
            current.put(pool.id(), pool);
            registered.computeIfAbsent(pool.id(), id -> register(pool));
        }
        for (String id : new ArrayList<>(registered.keySet())) {
            if (!seen.contains(id)) {
                registered.remove(id).forEach(registry::remove);
                current.remove(id);
            }
        }
    }

    private List<Meter> register(Backend.InferencePool pool) {
        List<Tag> tags = List.of(Tag.create("name", pool.name()), Tag.create("namespace", pool.namespace()));
        String id = pool.id();
        return List.of(
                registry.getOrCreate(Gauge.builder(
                                "inference_pool_average_kv_cache_utilization", () -> mean(id, Metrics::kvCacheUsage))
                        .description("Mean KV-cache use of the pool's endpoints, 0..1")
                        .tags(tags)),
                registry.getOrCreate(Gauge.builder(
                                "inference_pool_average_queue_size", () -> mean(id, m -> m.waiting()))
                        .description("Mean waiting requests of the pool's endpoints")
                        .tags(tags)),
                registry.getOrCreate(Gauge.builder("inference_pool_ready_pods", () -> readyPods(id))
                        .description("Ready pods of the pool in the served snapshot")
                        .tags(tags)));
    }

    private double mean(String poolId, java.util.function.ToDoubleFunction<Metrics> value) {
        Backend.InferencePool pool = current.get(poolId);
        if (pool == null) {
            return 0;
        }
        long now = System.nanoTime();
        double sum = 0;
        int n = 0;
        for (Endpoint e : pool.endpoints()) {
            Optional<Metrics> m = metrics.latest(e.hostPort());
            if (m.isPresent() && now - m.get().scrapedAtNanos() <= staleAfterNanos) {
                sum += value.applyAsDouble(m.get());
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    /** Distinct pods (an endpoint without a pod name counts as its own pod). */
    private int readyPods(String poolId) {
        Backend.InferencePool pool = current.get(poolId);
        if (pool == null) {
            return 0;
        }
        Set<String> pods = new HashSet<>();
        pool.endpoints().forEach(e -> pods.add(e.pod().orElse(e.hostPort())));
        return pods.size();
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        registered.values().forEach(ms -> ms.forEach(registry::remove));
        registered.clear();
    }
}
