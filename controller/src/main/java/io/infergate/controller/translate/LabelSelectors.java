package io.infergate.controller.translate;

import io.infergate.controller.model.GatewayObject.LabelSelector;
import io.infergate.controller.model.GatewayObject.Requirement;

import java.util.Map;

/**
 * Kubernetes label selector semantics: every matchLabels pair and every matchExpressions
 * requirement must hold (AND). An empty selector matches everything, as in Kubernetes; callers that
 * want "nothing" for an empty selector check that themselves.
 */
public final class LabelSelectors {

    private LabelSelectors() {}

    /** Whether {@code labels} satisfy {@code selector}. An unknown operator matches nothing. */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        return matches(selector.matchLabels(), labels)
                && selector.matchExpressions().stream().allMatch(r -> matches(r, labels));
    }

    /** Whether every pair of {@code required} is in {@code labels}. */
    public static boolean matches(Map<String, String> required, Map<String, String> labels) {
        return required.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private static boolean matches(Requirement r, Map<String, String> labels) {
        String value = labels.get(r.key());
        return switch (r.operator()) {
            case "In" -> value != null && r.values().contains(value);
            case "NotIn" -> value == null || !r.values().contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> false;
        };
    }
}
