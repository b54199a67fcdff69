package io.infergate.router.epp;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The picker's own meters; the per-model and per-pool ones are the router's, shared
 * ({@code inference_objective_*}, {@code inference_pool_*}):
 *
 * <ul>
 *   <li>{@code inference_extension_scheduler_e2e_duration_seconds}: one decision, body complete to
 *   answer (the reference picker's name)</li>
 *   <li>{@code infergate_picker_decisions_total{outcome}}: {@code routed}, or the status answered
 *   ({@code 400}, {@code 413}, {@code 429}, {@code 503})</li>
 *   <li>{@code infergate_picker_streams}: ext_proc streams open now</li>
 *   <li>{@code infergate_picker_streams_refused_total{reason}}: {@code overloaded} (the stream
 *   bound), {@code timeout} (the body did not come in time), {@code protocol}</li>
 *   <li>{@code infergate_picker_served_elsewhere_total}: the gateway served a request on another
 *   endpoint than the one picked (fed back to prefix affinity)</li>
 * </ul>
 */
final class EppMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> created = new CopyOnWriteArrayList<>();
    private final Timer e2e;
    private final AtomicLong open = new AtomicLong();
    private final Counter servedElsewhere;
    private final Map<String, Counter> decisions = new ConcurrentHashMap<>();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();

    EppMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.e2e = track(registry.getOrCreate(Timer.builder("inference_extension_scheduler_e2e_duration")
                .description("End-to-end scheduling latency of one picker decision")
                .baseUnit(TimeUnit.SECONDS)));
        track(registry.getOrCreate(Gauge.builder("infergate_picker_streams", open, AtomicLong::get)
                .description("ext_proc streams open on the picker")));
        this.servedElsewhere = track(registry.getOrCreate(Counter.builder("infergate_picker_served_elsewhere")
                .description("Requests the gateway served on another endpoint than the picked one")));
    }

    void decided(Verdict v, long nanos) {
        e2e.record(nanos, TimeUnit.NANOSECONDS);
        String outcome = switch (v) {
            case Verdict.Route r -> "routed";
            case Verdict.Reject r -> Integer.toString(r.error().status());
        };
        decisions
                .computeIfAbsent(
                        outcome,
                        o -> track(registry.getOrCreate(Counter.builder("infergate_picker_decisions")
                                .description("Picker decisions by outcome")
                                .tags(List.of(Tag.create("outcome", o))))))
                .increment();
    }

    void refused(String reason) {
        refused.computeIfAbsent(
                        reason,
                        r -> track(registry.getOrCreate(Counter.builder("infergate_picker_streams_refused")
                                .description("ext_proc streams the picker ended with an error")
                                .tags(List.of(Tag.create("reason", r))))))
                .increment();
    }

    void servedElsewhere() {
        servedElsewhere.increment();
    }

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }

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
