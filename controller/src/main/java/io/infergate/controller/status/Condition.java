package io.infergate.controller.status;

import java.time.Instant;
import java.util.Optional;

/**
 * A Kubernetes {@code metav1.Condition}.
 *
 * @param observedGeneration the generation of the object the condition was computed from
 * @param lastTransitionTime empty in a plan; set by {@link Stamper}
 */
public record Condition(String type, ConditionStatus status, String reason, String message,
                        long observedGeneration, Optional<Instant> lastTransitionTime) {

    public Condition {
        lastTransitionTime = lastTransitionTime == null ? Optional.empty() : lastTransitionTime;
    }

    /** A condition with status True and no time. */
    public static Condition isTrue(String type, String reason, String message, long generation) {
        return new Condition(type, ConditionStatus.TRUE, reason, message, generation, Optional.empty());
    }

    /** A condition with status False and no time. */
    public static Condition isFalse(String type, String reason, String message, long generation) {
        return new Condition(type, ConditionStatus.FALSE, reason, message, generation, Optional.empty());
    }

    /** The same condition stamped with a transition time. */
    public Condition at(Instant time) {
        return new Condition(type, status, reason, message, observedGeneration, Optional.of(time));
    }

    /** The same condition without its transition time (what the translator would have said). */
    public Condition unstamped() {
        return new Condition(type, status, reason, message, observedGeneration, Optional.empty());
    }
}
