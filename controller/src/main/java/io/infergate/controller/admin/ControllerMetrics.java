package io.infergate.controller.admin;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The controller's meters, shown at {@code /observe/metrics}: rebuilds, push outcomes, and how
 * many routers hold the current snapshot. Registered in Helidon's global registry and removed on
 * {@link #close()}, so a second controller in the same JVM (tests) starts from zero.
 */
public final class ControllerMetrics implements AutoCloseable {

    private final MeterRegistry registry = Services.get(MeterRegistry.class);
    private final List<Meter> meters = new ArrayList<>();
    private final Counter rebuilds;
    private final Counter accepted;
    private final Counter rejected;
    private final Counter failed;
    private Counter statusWritten;
    private Counter statusConflicts;
    private Counter statusFailed;

    public ControllerMetrics(IntSupplier routers, IntSupplier routersInSync) {
        rebuilds = add(registry.getOrCreate(Counter.builder("infergate_controller_rebuilds")
                .description("Whole rebuilds of the snapshot and status from the sources")));
        accepted = add(registry.getOrCreate(push("accepted")));
        rejected = add(registry.getOrCreate(push("rejected")));
        failed = add(registry.getOrCreate(push("failed")));
        add(registry.getOrCreate(Gauge.builder("infergate_controller_routers", () -> routers.getAsInt())
                .description("Routers configured")));
        add(registry.getOrCreate(Gauge.builder("infergate_controller_routers_in_sync", () -> routersInSync.getAsInt())
                .description("Routers holding the current snapshot")));
    }

    private static Counter.Builder push(String outcome) {
        return Counter.builder("infergate_controller_pushes")
                .tags(List.of(io.helidon.metrics.api.Tag.create("outcome", outcome)))
                .description("Snapshot pushes to routers, by outcome");
    }

    public void rebuilt() {
        rebuilds.increment();
    }

    /** Counts one push: {@code accepted}, {@code rejected} or {@code failed}. */
    public void pushed(String outcome) {
        switch (outcome) {
            case "accepted" -> accepted.increment();
            case "rejected" -> rejected.increment();
            default -> failed.increment();
        }
    }

    /**
     * Cluster mode's meters: status writes by outcome, leadership, and per kind whether it is
     * watched (1) or not (0: its CRD is missing or a flag turned it off).
     */
    public void cluster(
            IntSupplier leader, List<String> kinds, java.util.function.Function<String, Integer> available) {
        statusWritten = add(registry.getOrCreate(statusWrites("written")));
        statusConflicts = add(registry.getOrCreate(statusWrites("conflict")));
        statusFailed = add(registry.getOrCreate(statusWrites("failed")));
        add(registry.getOrCreate(Gauge.builder("infergate_controller_leader", () -> leader.getAsInt())
                .description("1 while this controller leads (writes status, pushes snapshots)")));
        for (String kind : kinds) {
            add(registry.getOrCreate(Gauge.builder("infergate_controller_source_available", () -> available.apply(kind))
                    .tags(List.of(io.helidon.metrics.api.Tag.create("kind", kind)))
                    .description("1 when the kind is watched, 0 when its CRD is missing or it is turned off")));
        }
    }

    /** Counts one status write outcome: {@code written}, {@code conflict} or {@code failed}. */
    public void status(String outcome) {
        Counter c = switch (outcome) {
            case "written" -> statusWritten;
            case "conflict" -> statusConflicts;
            default -> statusFailed;
        };
        if (c != null) {
            c.increment();
        }
    }

    private static Counter.Builder statusWrites(String outcome) {
        return Counter.builder("infergate_controller_status_writes")
                .tags(List.of(io.helidon.metrics.api.Tag.create("outcome", outcome)))
                .description("Writes of status subresources, by outcome");
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
