package io.infergate.common.snapshot;

import java.util.List;

/**
 * One rule of an HTTPRoute. Matches are ORed; a rule without matches has been given the spec's
 * default ({@code PathPrefix /}) by the controller, so {@code matches} is never empty here.
 *
 * @param id       {@code httproute/<ns>/<name>/rule/<index>}
 * @param matches  at least one match
 * @param filters  filters applied to every request of this rule, in order
 * @param backends weighted backendRefs; empty means the rule answers with its filters alone
 *                 (a redirect) or, without one, 500
 * @param timeouts the rule's {@code timeouts}
 */
public record Rule(String id, List<Match> matches, List<Filter> filters, List<BackendRef> backends, Timeouts timeouts) {
    public Rule {
        matches = List.copyOf(matches);
        filters = List.copyOf(filters);
        backends = List.copyOf(backends);
        timeouts = timeouts == null ? Timeouts.NONE : timeouts;
    }
}
