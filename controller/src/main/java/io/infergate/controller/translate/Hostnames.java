package io.infergate.controller.translate;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Hostname intersection between a listener and a route (Gateway API rules).
 *
 * <p>A wildcard {@code *.example.com} stands for one or more labels in front of
 * {@code example.com} and never for the apex {@code example.com} itself. Two names intersect when
 * some host matches both; the intersection is the narrower of the two. Comparison ignores case
 * (DNS names are case-insensitive).
 */
public final class Hostnames {

    private Hostnames() {
    }

    /**
     * The most specific name matched by both, or empty when no host matches both.
     * {@code a} and {@code b} are each exact or {@code *.} wildcard names.
     */
    public static Optional<String> intersection(String a, String b) {
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        boolean wx = x.startsWith("*.");
        boolean wy = y.startsWith("*.");
        if (!wx && !wy) {
            return x.equals(y) ? Optional.of(b) : Optional.empty();
        }
        if (wx && !wy) {
            return covers(x, y) ? Optional.of(b) : Optional.empty();
        }
        if (!wx) {
            return covers(y, x) ? Optional.of(a) : Optional.empty();
        }
        // Two wildcards: the one with the longer suffix is the narrower, if it lies inside the other.
        if (x.length() >= y.length()) {
            return x.equals(y) || x.endsWith(y.substring(1)) ? Optional.of(a) : Optional.empty();
        }
        return y.endsWith(x.substring(1)) ? Optional.of(b) : Optional.empty();
    }

    /**
     * Whether a route with {@code routeHostnames} can receive traffic from a listener with
     * {@code listenerHostname}: either side unset accepts everything, otherwise at least one route
     * hostname must intersect the listener's.
     */
    public static boolean routeMatchesListener(List<String> routeHostnames, Optional<String> listenerHostname) {
        if (routeHostnames.isEmpty() || listenerHostname.isEmpty()) {
            return true;
        }
        return routeHostnames.stream().anyMatch(h -> intersection(h, listenerHostname.get()).isPresent());
    }

    /** Whether the wildcard {@code *.suffix} covers the exact name: one or more labels before the suffix. */
    private static boolean covers(String wildcard, String exact) {
        String suffix = wildcard.substring(1); // ".example.com"
        return exact.endsWith(suffix) && exact.length() > suffix.length();
    }
}
