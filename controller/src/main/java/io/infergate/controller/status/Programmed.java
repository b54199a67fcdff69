package io.infergate.controller.status;

import io.infergate.common.snapshot.Gateway;

import java.util.Set;

/**
 * Turns the translator's {@code Programmed=False/Pending} into {@code True/Programmed} for the
 * Gateways that routers serve.
 *
 * <p>Rule: a Gateway is programmed once at least one router has acknowledged a snapshot that
 * contains it; its served listeners follow it. Only conditions the translator marked Pending
 * change: a Gateway or listener the translator found invalid stays False whatever routers hold.
 * The translator cannot decide this itself because it knows nothing of routers (it is pure).
 */
public final class Programmed {

    /** Condition type. */
    public static final String TYPE = "Programmed";
    /** Reason the translator uses until a router acknowledges. */
    public static final String PENDING = "Pending";
    /** The translator's message for {@link #PENDING}. */
    public static final String PENDING_MESSAGE = "waiting for a router to acknowledge";

    private Programmed() {}

    /**
     * The plan with Programmed set True for every Gateway whose id ({@code gateway/<ns>/<name>})
     * is in {@code servedGatewayIds}, and for its listeners that were waiting too.
     */
    public static StatusPlan apply(StatusPlan plan, Set<String> servedGatewayIds) {
        return plan.map(entry -> {
            ObjectKey key = entry.key();
            if (!(entry.status() instanceof ObjectStatus.GatewayStatus gateway)
                    || !servedGatewayIds.contains(Gateway.idOf(key.namespace(), key.name()))) {
                return entry.status();
            }
            return gateway.mapConditions(
                    (scope, c) -> c.type().equals(TYPE) && c.reason().equals(PENDING)
                            ? new Condition(
                                    TYPE,
                                    ConditionStatus.TRUE,
                                    "Programmed",
                                    scope.isEmpty() ? "a router serves this Gateway" : "a router serves this listener",
                                    c.observedGeneration(),
                                    c.lastTransitionTime())
                            : c);
        });
    }
}
