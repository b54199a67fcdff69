package io.infergate.router.observe;

import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.infergate.router.schedule.framework.PluginTimer;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code infergate_router_plugin_duration_seconds{type,name}}: how long each plugin call took
 * (the analogue of the EPP's {@code inference_extension_plugin_duration_seconds}).
 */
public final class PluginTimings implements PluginTimer, AutoCloseable {

    private record Key(String type, String name) {}

    private final MeterRegistry registry;
    private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();

    public PluginTimings(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void record(String type, String name, long nanos) {
        timers.computeIfAbsent(
                        new Key(type, name),
                        k -> registry.getOrCreate(Timer.builder("infergate_router_plugin_duration")
                                .description("Duration of one scheduling plugin call")
                                .baseUnit(TimeUnit.SECONDS)
                                .percentiles(new double[0]) // no client-side quantiles (RouterMetrics)
                                .tags(List.of(Tag.create("type", k.type()), Tag.create("name", k.name())))))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Unregisters the timers (a later router in the same JVM starts clean). */
    @Override
    public void close() {
        timers.values().forEach(t -> registry.remove((Meter) t));
        timers.clear();
    }
}
