package io.infergate.controller.translate;

import io.infergate.common.snapshot.Snapshot;
import io.infergate.controller.status.StatusPlan;

import java.util.List;

/**
 * The translator's output.
 *
 * @param snapshot what routers serve
 * @param plan     the status of every object we own a part of, without timestamps
 * @param services the Services to maintain for Gateways on reserved router ports (Kubernetes only)
 */
public record Translation(Snapshot snapshot, StatusPlan plan, List<GatewayService> services) {
    public Translation {
        services = List.copyOf(services);
    }

    public Translation(Snapshot snapshot, StatusPlan plan) {
        this(snapshot, plan, List.of());
    }
}
