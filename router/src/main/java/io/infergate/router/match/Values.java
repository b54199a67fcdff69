package io.infergate.router.match;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named multi-valued request data (headers or query parameters), looked up by name. Keeps the
 * matcher free of HTTP-server types: the server adapts its own header and query views to this.
 */
@FunctionalInterface
public interface Values {

    /** Every value of {@code name}, in request order; empty when absent. */
    List<String> get(String name);

    /** Nothing at all. */
    static Values none() {
        return name -> List.of();
    }

    /** Exact-name lookup, as query parameters need. */
    static Values of(Map<String, List<String>> values) {
        Map<String, List<String>> copy = Map.copyOf(values);
        return name -> copy.getOrDefault(name, List.of());
    }

    /** Case-insensitive lookup, as header names need. */
    static Values ofHeaders(Map<String, List<String>> values) {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(values);
        return name -> copy.getOrDefault(name, List.of());
    }
}
