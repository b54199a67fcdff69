package io.infergate.common.snapshot;

import java.util.List;
import java.util.Optional;

/**
 * One HTTPRouteMatch: every condition must hold (AND).
 *
 * @param path        the path condition
 * @param method      an HTTP method in upper case, or empty for any
 * @param headers     header conditions (names compare case-insensitively, values exactly)
 * @param queryParams query parameter conditions (names and values compare exactly)
 * @param model       the {@code model} the request body must name (exact), or empty for any: the
 *                    condition of a Kthena ModelRoute ({@code docs/adr/0029-kthena-objects.md}); a
 *                    request whose body is not an OpenAI inference request names no model
 */
public record Match(
        PathMatch path,
        Optional<String> method,
        List<ValueMatch> headers,
        List<ValueMatch> queryParams,
        Optional<String> model) {
    public Match {
        method = method == null ? Optional.empty() : method;
        headers = List.copyOf(headers);
        queryParams = List.copyOf(queryParams);
        model = model == null ? Optional.empty() : model;
    }

    /** A match without a model condition (every HTTPRoute match). */
    public Match(PathMatch path, Optional<String> method, List<ValueMatch> headers, List<ValueMatch> queryParams) {
        this(path, method, headers, queryParams, Optional.empty());
    }

    /** The spec's default match, {@code PathPrefix /}. */
    public static Match defaultMatch() {
        return new Match(new PathMatch(PathMatch.Type.PATH_PREFIX, "/"), Optional.empty(), List.of(), List.of());
    }
}
