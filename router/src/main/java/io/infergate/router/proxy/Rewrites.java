package io.infergate.router.proxy;

import io.infergate.common.snapshot.Filter;
import io.infergate.router.match.PathCondition;

/**
 * Path rewriting for URLRewrite and RequestRedirect, and the redirect Location, as the Gateway API
 * defines them. Simple forms only for now (full filter semantics are a later issue).
 */
final class Rewrites {

    private Rewrites() {}

    /**
     * The rewritten path. ReplaceFullPath replaces the whole path. ReplacePrefixMatch replaces the
     * matched PathPrefix element-wise ({@code /foo} → {@code /xyz}: {@code /foo/bar} becomes
     * {@code /xyz/bar}; → {@code /}: {@code /foo/bar} becomes {@code /bar}); it only applies to a
     * PathPrefix match, so after any other match the path is left as it is.
     */
    static String path(Filter.PathModifier modifier, PathCondition matched, String path) {
        return switch (modifier.type()) {
            case REPLACE_FULL_PATH -> modifier.value();
            case REPLACE_PREFIX_MATCH -> {
                if (!(matched instanceof PathCondition.Prefix prefix)) {
                    yield path;
                }
                String rest = path.substring(prefix.stem().length());
                String replacement = modifier.value();
                while (replacement.endsWith("/")) {
                    replacement = replacement.substring(0, replacement.length() - 1);
                }
                String out = replacement + rest;
                yield out.isEmpty() ? "/" : out;
            }
        };
    }

    /**
     * The Location of a RequestRedirect. Unset parts keep the request's; without a port, a changed
     * scheme takes its well-known port and an unchanged one the listener's port; port 80 for http
     * and 443 for https are left out.
     *
     * @param host         the request host without port
     * @param listenerPort the listener's port as clients use it (its public port, which is not the
     *                     socket's for a Gateway on reserved router ports)
     * @param rawQuery     the raw query string, or empty
     */
    static String location(
            Filter.RequestRedirect redirect,
            String host,
            int listenerPort,
            PathCondition matched,
            String path,
            String rawQuery) {
        return location(redirect, "http", host, listenerPort, matched, path, rawQuery);
    }

    /**
     * As above, for a request that came with {@code requestScheme} ({@code https} on an HTTPS
     * listener): an unset scheme keeps it (conformance HTTPRouteRedirectPortAndScheme, HTTPS rows).
     */
    static String location(
            Filter.RequestRedirect redirect,
            String requestScheme,
            String host,
            int listenerPort,
            PathCondition matched,
            String path,
            String rawQuery) {
        String scheme = redirect.scheme().orElse(requestScheme);
        String targetHost = redirect.hostname().orElse(host);
        int port = redirect.port()
                .orElseGet(() ->
                        redirect.scheme().isPresent() ? ("https".equalsIgnoreCase(scheme) ? 443 : 80) : listenerPort);
        boolean defaultPort =
                ("http".equalsIgnoreCase(scheme) && port == 80) || ("https".equalsIgnoreCase(scheme) && port == 443);
        String targetPath = redirect.path().map(m -> path(m, matched, path)).orElse(path);
        return scheme + "://" + targetHost + (defaultPort ? "" : ":" + port) + targetPath
                + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }
}
