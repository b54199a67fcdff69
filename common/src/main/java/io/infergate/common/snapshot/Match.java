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
 */
public record Match(PathMatch path, Optional<String> method, List<ValueMatch> headers, List<ValueMatch> queryParams) {
    public Match {
        method = method == null ? Optional.empty() : method;
        headers = List.copyOf(headers);
        queryParams = List.copyOf(queryParams);
    }

    /** The spec's default match, {@code PathPrefix /}. */
    public static Match defaultMatch() {
        return new Match(new PathMatch(PathMatch.Type.PATH_PREFIX, "/"), Optional.empty(), List.of(), List.of());
    }
}
