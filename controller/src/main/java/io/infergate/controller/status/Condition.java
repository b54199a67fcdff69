package io.infergate.controller.status;

import java.time.Instant;
import java.util.Optional;

/**
 * A Kubernetes {@code metav1.Condition}.
 *
 * <p>The message is bounded to {@link #MAX_MESSAGE_LENGTH} characters, the {@code maxLength} of
 * {@code metav1.Condition.message} in every Gateway API and Inference Extension CRD: a longer one
 * (say, a route listing thousands of unresolved references) would make the API server refuse the
 * whole status write, again on every retry. A longer message keeps its beginning and ends with
 * {@link #TRUNCATED} (Envoy Gateway bounds the conditions it writes the same way).
 *
 * @param observedGeneration the generation of the object the condition was computed from
 * @param lastTransitionTime empty in a plan; set by {@link Stamper}
 */
public record Condition(
        String type,
        ConditionStatus status,
        String reason,
        String message,
        long observedGeneration,
        Optional<Instant> lastTransitionTime) {

    /** {@code metav1.Condition.message} maxLength (32 KiB). */
    public static final int MAX_MESSAGE_LENGTH = 32_768;
    /** Ends a message that was cut to {@link #MAX_MESSAGE_LENGTH}. */
    public static final String TRUNCATED = " [message truncated]";

    public Condition {
        lastTransitionTime = lastTransitionTime == null ? Optional.empty() : lastTransitionTime;
        message = bounded(message);
    }

    /** The message as written: unchanged when it fits, else cut with {@link #TRUNCATED} at the end. */
    static String bounded(String message) {
        if (message == null || message.length() <= MAX_MESSAGE_LENGTH) {
            return message;
        }
        int keep = MAX_MESSAGE_LENGTH - TRUNCATED.length();
        // never split a surrogate pair: half a character is not valid UTF-8 on the wire
        if (Character.isHighSurrogate(message.charAt(keep - 1))) {
            keep--;
        }
        return message.substring(0, keep) + TRUNCATED;
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
