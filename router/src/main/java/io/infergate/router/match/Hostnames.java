package io.infergate.router.match;

import java.util.Locale;
import java.util.Optional;

/**
 * The Host header as the router's matching sees it, plus the router's entry points to the Gateway
 * API hostname rules, which live once in {@link io.infergate.common.gatewayapi.Hostnames} and are
 * shared with the controller.
 */
public final class Hostnames {

    private Hostnames() {
    }

    /**
     * The Host header as matching sees it: without the port (the Gateway API says to ignore it),
     * without a trailing dot, in lower case. {@code [::1]:8080} becomes {@code [::1]}.
     */
    public static String normalizeHost(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String h = hostHeader.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end < 0 ? h : h.substring(0, end + 1);
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0 && h.indexOf(':', colon + 1) < 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    /** True for {@code *.suffix} patterns (the shared Gateway API rule). */
    public static boolean isWildcard(String pattern) {
        return io.infergate.common.gatewayapi.Hostnames.isWildcard(pattern);
    }

    /** Whether the (normalized) host matches the exact or wildcard pattern (the shared Gateway API rule). */
    public static boolean matches(String pattern, String host) {
        return io.infergate.common.gatewayapi.Hostnames.matches(pattern, host);
    }

    /**
     * The hostname a route hostname serves on a listener, in lower case, or empty when they do not
     * intersect: the shared Gateway API rule, the one the controller applies when it accepts the
     * route, so status and routing cannot disagree.
     */
    public static Optional<String> intersect(Optional<String> listener, String route) {
        return io.infergate.common.gatewayapi.Hostnames.intersection(listener, route);
    }
}
