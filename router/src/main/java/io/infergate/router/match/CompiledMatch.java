package io.infergate.router.match;

import java.util.List;
import java.util.Optional;

/**
 * One compiled HTTPRouteMatch: every condition must hold (AND).
 *
 * @param path    the path condition
 * @param method  the required method, or empty for any
 * @param headers header conditions, at most one per (case-insensitive) name
 * @param query   query-parameter conditions, at most one per name
 * @param model   the model the body must name, or empty for any
 */
public record CompiledMatch(
        PathCondition path,
        Optional<String> method,
        List<ValueCondition> headers,
        List<ValueCondition> query,
        Optional<String> model) {
    public CompiledMatch {
        headers = List.copyOf(headers);
        query = List.copyOf(query);
        model = model == null ? Optional.empty() : model;
    }

    /** A match without a model condition. */
    public CompiledMatch(
            PathCondition path, Optional<String> method, List<ValueCondition> headers, List<ValueCondition> query) {
        this(path, method, headers, query, Optional.empty());
    }

    /**
     * Whether the request satisfies every condition. Cheapest checks first: the model last, since
     * asking for it reads the request body.
     */
    public boolean test(RequestFacts request) {
        if (method.isPresent() && !method.get().equals(request.method())) {
            return false;
        }
        if (!path.test(request.path())) {
            return false;
        }
        for (ValueCondition h : headers) {
            if (!h.test(request.headers().get(h.name()))) {
                return false;
            }
        }
        for (ValueCondition q : query) {
            if (!q.test(request.query().get(q.name()))) {
                return false;
            }
        }
        return model.isEmpty() || request.model().get().equals(model);
    }
}
