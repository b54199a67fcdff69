package io.infergate.common.snapshot;

import java.util.List;
import java.util.Optional;

/**
 * A weighted backendRef of a rule.
 *
 * @param backend the id of a {@link Backend} in the snapshot, or empty when the reference did not
 *                resolve; requests that pick an unresolved ref get HTTP 500 (Gateway API rule)
 * @param weight  0..1,000,000; 0 never receives traffic
 * @param filters backendRef-level filters, applied after the rule's
 */
public record BackendRef(Optional<String> backend, int weight, List<Filter> filters) {
    public BackendRef {
        backend = backend == null ? Optional.empty() : backend;
        filters = List.copyOf(filters);
    }
}
