package io.infergate.controller.translate;

import io.infergate.controller.model.InferencePool;
import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import io.infergate.controller.status.ParentRef;
import io.infergate.controller.status.StatusPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * InferencePool status: one {@code status.parents} entry per Gateway of ours through which some
 * HTTPRoute references the pool.
 *
 * <p>Rules: {@code Accepted=True/Accepted} when at least one such route is accepted by that
 * Gateway, else {@code False/HTTPRouteNotAccepted}; {@code ResolvedRefs=True/ResolvedRefs}, or
 * {@code False/InvalidExtensionRef} when the {@code endpointPickerRef} does not resolve. A pool no
 * route of ours references gets an empty list, so a writer removes entries we wrote before.
 * Entries are sorted by Gateway namespace and name, at most 32 (the CRD's limit).
 */
final class PoolStatuses {

    static final String API_VERSION = "inference.networking.k8s.io/v1";
    private static final int MAX_PARENTS = 32;

    private PoolStatuses() {}

    /**
     * @param gatewaysByPool per pool ({@code ns/name}), per Gateway ({@code ns/name}, sorted),
     *                       whether a referencing route is accepted by it
     */
    static StatusPlan.Entry status(
            InferencePool pool, Map<String, Boolean> gatewaysByPool, Index index, TranslatorConfig config) {
        long gen = pool.meta().generation();
        Optional<String> problem = EndpointPickers.check(pool, index).problem();
        Condition resolved = problem.map(p -> Condition.isFalse("ResolvedRefs", "InvalidExtensionRef", p, gen))
                .orElse(Condition.isTrue("ResolvedRefs", "ResolvedRefs", "all references resolved", gen));
        List<ObjectStatus.ParentStatus> parents = new ArrayList<>();
        gatewaysByPool.forEach((gateway, accepted) -> {
            if (parents.size() >= MAX_PARENTS) {
                return;
            }
            String[] nsName = gateway.split("/", 2);
            Condition acceptedCondition = accepted
                    ? Condition.isTrue(
                            "Accepted", "Accepted", "referenced by an HTTPRoute accepted by this Gateway", gen)
                    : Condition.isFalse(
                            "Accepted",
                            "HTTPRouteNotAccepted",
                            "no HTTPRoute referencing this pool is accepted by this Gateway",
                            gen);
            parents.add(new ObjectStatus.ParentStatus(
                    ParentRef.gateway(nsName[0], nsName[1]),
                    config.controllerName(),
                    List.of(acceptedCondition, resolved)));
        });
        return new StatusPlan.Entry(
                new ObjectKey(
                        API_VERSION,
                        "InferencePool",
                        pool.meta().namespace(),
                        pool.meta().name()),
                new ObjectStatus.InferencePoolStatus(parents));
    }
}
