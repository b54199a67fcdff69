package io.infergate.controller.kube;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads conditions and parent entries out of object trees, for assertions. */
public final class StatusTrees {

    private StatusTrees() {}

    /** A top-level {@code status.conditions} entry of this type. */
    public static Optional<Map<String, Object>> condition(Map<String, Object> object, String type) {
        return conditionIn(Trees.map(object, "status"), type);
    }

    /** A condition in a map that has {@code conditions} (a status, a listener, a parent entry). */
    public static Optional<Map<String, Object>> conditionIn(Map<String, Object> holder, String type) {
        return maps(Trees.list(holder, "conditions")).stream()
                .filter(c -> type.equals(c.get("type")))
                .findFirst();
    }

    /** Whether the object has a top-level condition of this type with this status. */
    public static boolean is(Map<String, Object> object, String type, String status) {
        return condition(object, type).map(c -> status.equals(c.get("status"))).orElse(false);
    }

    /** The {@code status.parents} entries written by this controller. */
    public static List<Map<String, Object>> parents(Map<String, Object> object, String controllerName) {
        return maps(Trees.list(Trees.map(object, "status"), "parents")).stream()
                .filter(p -> controllerName.equals(p.get("controllerName")))
                .toList();
    }

    /** Whether some parent entry of this controller has a condition of this type with this status. */
    public static boolean parentIs(Map<String, Object> object, String controllerName, String type, String status) {
        return parents(object, controllerName).stream()
                .anyMatch(p -> conditionIn(p, type)
                        .map(c -> status.equals(c.get("status")))
                        .orElse(false));
    }

    /** {@code metadata.resourceVersion}. */
    public static String resourceVersion(Map<String, Object> object) {
        return Trees.string(Trees.map(object, "metadata"), "resourceVersion");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(List<Object> list) {
        return list.stream()
                .filter(o -> o instanceof Map<?, ?>)
                .map(o -> (Map<String, Object>) o)
                .toList();
    }
}
