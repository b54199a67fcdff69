package io.infergate.common.gatewayapi;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Hostname matching and intersection as the Gateway API defines them (HTTPRoute
 * {@code spec.hostnames} and Listener {@code hostname}, gateway.networking.k8s.io/v1).
 *
 * <p>A hostname is exact ({@code a.example.com}) or a wildcard ({@code *.example.com}). A
 * wildcard is a suffix match on whole labels: it matches one or more labels in front of its
 * suffix and never the suffix itself (the apex), so {@code *.example.com} matches
 * {@code a.example.com} and {@code a.b.example.com}, not {@code example.com} nor
 * {@code badexample.com}. DNS names ignore case; every answer here is in lower case.
 *
 * <p>The controller uses {@link #routeMatchesListener} to decide whether a route attaches to a
 * listener (or gets {@code NoMatchingListenerHostname}); the router uses {@link #intersection} to
 * compile the hosts a route serves on a listener and {@link #matches} per request. One
 * implementation keeps the two from drifting (status Accepted while the router answers 404).
 */
public final class Hostnames {

    private Hostnames() {}

    /** True for {@code *.suffix} patterns. */
    public static boolean isWildcard(String pattern) {
        return pattern.startsWith("*.");
    }

    /** Whether the host (no port, no trailing dot) matches the exact or wildcard pattern. */
    public static boolean matches(String pattern, String host) {
        if (isWildcard(pattern)) {
            String suffix = pattern.substring(1); // ".example.com": the dot enforces the label boundary
            return host.length() > suffix.length()
                    && host.regionMatches(true, host.length() - suffix.length(), suffix, 0, suffix.length());
        }
        return pattern.equalsIgnoreCase(host);
    }

    /**
     * The most specific name matched by both {@code a} and {@code b} (exact or wildcard each), in
     * lower case, or empty when no host matches both. Symmetric: the order does not matter.
     * Examples: {@code very.specific.com} and {@code *.specific.com} give
     * {@code very.specific.com}; {@code *.example.com} and {@code *.a.example.com} give
     * {@code *.a.example.com}.
     */
    public static Optional<String> intersection(String a, String b) {
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        if (x.equals(y)) {
            return Optional.of(x);
        }
        boolean wx = isWildcard(x);
        boolean wy = isWildcard(y);
        if (!wx && !wy) {
            return Optional.empty();
        }
        if (wx && !wy) {
            return matches(x, y) ? Optional.of(y) : Optional.empty();
        }
        if (!wx) {
            return matches(y, x) ? Optional.of(x) : Optional.empty();
        }
        // Two wildcards: the narrower one lies inside the wider one when its suffix (without "*.")
        // is matched by the wider pattern.
        if (matches(x, y.substring(2))) {
            return Optional.of(y);
        }
        if (matches(y, x.substring(2))) {
            return Optional.of(x);
        }
        return Optional.empty();
    }

    /**
     * The hostname a route hostname serves on a listener: the route's own when the listener has
     * none, else their {@link #intersection}.
     */
    public static Optional<String> intersection(Optional<String> listenerHostname, String routeHostname) {
        return listenerHostname.isEmpty()
                ? Optional.of(routeHostname.toLowerCase(Locale.ROOT))
                : intersection(listenerHostname.get(), routeHostname);
    }

    /**
     * Whether a route with {@code routeHostnames} can receive traffic from a listener with
     * {@code listenerHostname}: either side unset accepts everything, otherwise at least one route
     * hostname must intersect the listener's (else the route is not accepted on that listener).
     */
    public static boolean routeMatchesListener(List<String> routeHostnames, Optional<String> listenerHostname) {
        if (routeHostnames.isEmpty() || listenerHostname.isEmpty()) {
            return true;
        }
        return routeHostnames.stream()
                .anyMatch(h -> intersection(h, listenerHostname.get()).isPresent());
    }
}
