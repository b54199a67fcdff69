package io.infergate.controller.status;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Sets {@code lastTransitionTime} on every condition of a plan, the way Kubernetes'
 * {@code meta.SetStatusCondition} does.
 *
 * <p>Rule: a condition keeps the previous time while its status (True/False/Unknown) is
 * unchanged, even when its reason, message or observedGeneration changed; a new condition, or one
 * whose status flipped, gets {@code now}. Conditions are paired by object, scope (the object, a
 * listener by name, a parent by parentRef) and type. Pure: the caller supplies the clock's value.
 */
public final class Stamper {

    private Stamper() {}

    /**
     * Stamps condition times onto a plan.
     *
     * @param plan     the plan to stamp (any times in it are ignored)
     * @param previous the last stamped plan, {@link StatusPlan#empty()} at first
     * @param now      the time for conditions that are new or changed status
     */
    public static StatusPlan stamp(StatusPlan plan, StatusPlan previous, Instant now) {
        Map<ObjectKey, ObjectStatus> before = previous.byKey();
        return plan.map(entry -> {
            Map<String, Condition> old = conditionsOf(before.get(entry.key()));
            return entry.status().mapConditions((scope, c) -> {
                Condition prior = old.get(scope + "#" + c.type());
                Instant time = prior != null && prior.status() == c.status()
                        ? prior.lastTransitionTime().orElse(now)
                        : now;
                return c.at(time);
            });
        });
    }

    private static Map<String, Condition> conditionsOf(ObjectStatus status) {
        Map<String, Condition> out = new HashMap<>();
        Optional.ofNullable(status)
                .ifPresent(s -> s.mapConditions((scope, c) -> {
                    out.put(scope + "#" + c.type(), c);
                    return c;
                }));
        return out;
    }
}
